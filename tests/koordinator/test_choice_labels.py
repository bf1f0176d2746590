"""The fast labels the long lists show (issue 11) say what ``get_*_display()`` says, in both languages, and fall
back to it for a value that is not a choice."""

from __future__ import annotations

import pytest
from django.utils import translation

from koordinator.models import AccessEvent, FollowUp, FollowUpEntry

LABELS = [(AccessEvent, "channel", "channel_label"), (FollowUp, "status", "status_label"),
          (FollowUpEntry, "kind", "kind_label")]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(("model", "field", "label"), LABELS)
def test_the_label_is_the_choice_s_display(model, field, label, language):
    values = [value for value, _ in model._meta.get_field(field).choices]
    assert len(values) >= 3
    with translation.override(language):
        for value in [*values, "ukjent"]:
            obj = model(**{field: value})
            shown = getattr(obj, label)
            assert shown == getattr(obj, f"get_{field}_display")() and type(shown) is str
        if language == "en":  # the English catalogue is in use: the labels are not the Norwegian source strings
            with translation.override("nb"):
                norwegian = [getattr(model(**{field: v}), label) for v in values]
            assert [getattr(model(**{field: v}), label) for v in values] != norwegian


def _choice_fields():
    from django.apps import apps

    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {"koordinator", "plans", "meetings", "exchange", "outcomes", "reach", "retention"}:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field.choices, (list, tuple)) and field.choices:
                yield pytest.param(model, field.name, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(_choice_fields()))
def test_choice_label_says_what_django_says_for_every_choice_field(model, field):
    """One helper serves every label: for each field with fixed choices, each value and one that is not a choice."""
    from koordinator.models.base import choice_label

    values = [value for value, _ in model._meta.get_field(field).flatchoices]
    for language in ("nb", "en"):
        with translation.override(language):
            for value in [*values, "ukjent"]:
                obj = model(**{model._meta.get_field(field).attname: value})
                assert choice_label(obj, field) == getattr(obj, f"get_{field}_display")()
