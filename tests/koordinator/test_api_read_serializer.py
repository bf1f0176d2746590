"""``ReadModelSerializer`` (``koordinator.api.serializers``): the fields are built from the model once per class and
copied for each serializer; every serializer gets fields of its own, the same as DRF builds them."""

from __future__ import annotations

from rest_framework import serializers

from koordinator.api.serializers import ReadModelSerializer
from meetings.api.serializers import MeetingDetailSerializer, MeetingSerializer
from meetings.models import Meeting


def describe(fields: dict) -> list[tuple[str, str, list[str], bool]]:
    """Each field's name, class and the arguments it was made with."""
    return [(name, type(f).__name__, sorted(f._kwargs), f.read_only) for name, f in fields.items()]


def test_the_fields_are_drfs_own_and_not_shared():
    first, second = MeetingSerializer(), MeetingSerializer()
    assert issubclass(MeetingSerializer, ReadModelSerializer)
    assert first.fields.keys() == second.fields.keys()
    assert all(first.fields[name] is not second.fields[name] for name in first.fields)
    assert all(first.fields[name].parent is first for name in first.fields)
    built = serializers.ModelSerializer.get_fields(MeetingSerializer())  # DRF's, without the copy
    assert describe(first.fields) == describe(built)


def test_a_subclass_has_its_own_fields():
    assert "agenda" in MeetingDetailSerializer().fields
    assert "agenda" not in MeetingSerializer().fields


def test_the_output_is_the_same_as_drfs():
    meeting = Meeting(pk=7, place=Meeting.Place.VIDEO, status=Meeting.Status.PLANNED, duration_minutes=60)
    fields = ["id", "place", "status", "duration_minutes"]

    class Cached(ReadModelSerializer):
        class Meta:
            model = Meeting
            fields = ["id", "place", "status", "duration_minutes"]
            read_only_fields = fields

    class Plain(serializers.ModelSerializer):
        class Meta(Cached.Meta):
            pass

    assert Cached(meeting).data == Plain(meeting).data == Cached(meeting).data
    assert list(Cached(meeting).data) == fields
