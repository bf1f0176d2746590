"""Shared model plumbing: the gated queryset every personal-data model uses, and choices' labels."""

from __future__ import annotations

import functools

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def choice_labels(model: type[models.Model], name: str) -> tuple[models.Field, dict] | None:
    """The field ``name`` of ``model`` and its choices' labels by value (lazy: each is translated when it is read,
    in the request's language), built once per process; None for a field whose choices are not a fixed list."""
    field = model._meta.get_field(name)
    if not isinstance(field.choices, (list, tuple)):
        return None
    return field, dict(make_hashable(field.flatchoices))


def choice_label(instance: models.Model, name: str) -> str:
    """``instance.get_<name>_display()``, the same text, without its cost on a long list: Django builds the dictionary
    of every choice's label on each call, this reads it from :func:`choice_labels`."""
    labels = choice_labels(type(instance), name)
    if labels is None:
        return getattr(instance, f"get_{name}_display")()
    field, choices = labels
    value = make_hashable(getattr(instance, field.attname))
    return force_str(choices.get(value, value), strings_only=True)


class GatedQuerySet(models.QuerySet):
    """A queryset that can only be narrowed to what a user may see, through ``koordinator.access``.

    ``Model.objects.for_user(user)`` is the one way a request asks for personal data
    (DESIGN.md rule 1). ``action`` is ``"view"`` (default) or ``"change"``.
    """

    gate_name: str = ""

    def for_user(self, user, action: str = "view"):
        from koordinator import access

        return access.restrict(self, self.gate_name, user, action)
