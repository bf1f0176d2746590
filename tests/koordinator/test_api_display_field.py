"""``DisplayField`` (``koordinator.api.serializers``): a choice's label, the same text as Django's
``get_<field>_display``, in the request's language, for every value (an unknown one too), and a model's own
``get_..._display`` method is still called."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers

from koordinator.api.serializers import DisplayField
from meetings.models import Meeting


class MeetingLabels(serializers.Serializer):
    place_display = DisplayField(source="get_place_display", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)


class Custom:
    def get_kind_display(self):
        return "egen"


class CustomLabel(serializers.Serializer):
    kind_display = DisplayField(source="get_kind_display", read_only=True)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_labels_are_djangos_in_the_language_of_the_request(language):
    meetings = [Meeting(place=place, status=status) for place in [*Meeting.Place.values, "ukjent"]
                for status in Meeting.Status.values]
    with translation.override(language):
        data = MeetingLabels(meetings, many=True).data
        expected = [{"place_display": m.get_place_display(), "status_display": m.get_status_display()}
                    for m in meetings]
    assert [dict(row) for row in data] == expected
    assert any(row["place_display"] == "ukjent" for row in data)


def test_one_serializer_follows_a_change_of_language():
    meeting = Meeting(place=Meeting.Place.OFFICE, status=Meeting.Status.HELD)
    serializer = MeetingLabels(meeting)
    field = serializer.fields["status_display"]
    with translation.override("nb"):
        norwegian = field.get_attribute(meeting)
    with translation.override("en"):
        english = field.get_attribute(meeting)
        assert english == meeting.get_status_display()
    assert norwegian == "Holdt" and english != norwegian


def test_a_method_of_the_models_own_is_called():
    assert CustomLabel(Custom()).data == {"kind_display": "egen"}
