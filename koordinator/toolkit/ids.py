"""Ids from users: one check before they reach the database.

An id typed into a URL, a query string or a form is a string of any length. The database stores ids in a fixed
number of bytes (the domain models' ``BigAutoField``: 64 bits; the history tables' ``AutoField``: 32 bits on
PostgreSQL), and a larger number in a query is an ``OverflowError`` on SQLite and a ``DataError`` on PostgreSQL:
a 500 instead of «not found». Django (≥ 5.0) already answers an out-of-range ``pk=…`` lookup with no rows, which
is what a path's ``<int:pk>`` and a ``ModelChoiceField`` use; a list of ids (``pk__in=[…]``) it sends as it is.
So every id list from a user goes through :func:`clean_ids` (views) or :class:`ModelMultipleIdField` (forms).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

# The largest value of each kind of integer primary key (the same on every database we run on, so a request
# behaves the same on SQLite and PostgreSQL).
MAX_ID = {
    "SmallAutoField": 2**15 - 1,
    "AutoField": 2**31 - 1,
    "BigAutoField": 2**63 - 1,
}
# For a value whose model is not given: the widest id the project stores.
DEFAULT_MAX_ID = MAX_ID["BigAutoField"]


def max_id(model: type[Model] | None = None) -> int:
    """The largest id ``model``'s primary key can hold (a bigint when the model is not given)."""
    if model is None:
        return DEFAULT_MAX_ID
    return MAX_ID.get(model._meta.pk.get_internal_type(), DEFAULT_MAX_ID)


def clean_id(value, model: type[Model] | None = None) -> int | None:
    """``value`` as an id (1 up to what ``model``'s primary key holds), or ``None`` if it cannot be one.

    Accepts an ``int`` or a string of the digits 0–9 (spaces around are ignored); anything else, zero,
    negative numbers and numbers too large for the database are ``None``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        # ASCII digits only: ``"²".isdigit()`` is true, and ``int()`` of it is an error.
        if not value or not value.isascii() or not value.isdigit() or len(value) > len(str(DEFAULT_MAX_ID)):
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if 1 <= value <= max_id(model) else None


def clean_ids(values: Iterable, model: type[Model] | None = None) -> list[int]:
    """The values that are ids (see :func:`clean_id`), in order, each once; the rest are left out."""
    ids: list[int] = []
    for value in values:
        cleaned = clean_id(value, model)
        if cleaned is not None and cleaned not in ids:
            ids.append(cleaned)
    return ids


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` that refuses an id too large for the database with the usual «Velg et
    gyldig valg» error before it asks the database (Django's own sends ``pk__in=[10**30]`` as it is)."""

    def _check_values(self, value):
        if not self.to_field_name or self.to_field_name == self.queryset.model._meta.pk.name:
            for item in value if isinstance(value, (list, tuple)) else ():
                try:
                    number = int(str(item).strip())
                except ValueError:
                    continue  # not a number at all: Django's own «ikke en gyldig verdi»
                if clean_id(number, self.queryset.model) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)
