"""Date fields for every form: what a person types must be a date the system can compute with.

A day far outside the calendar the service works in (year 1, year 9999) is a clear error next to the field, not a
crash further on (a time converted to UTC before year 1, a calendar file that spans year 10000, a period that ends
the day after the last day there is). The bounds are ``koordinator.timeutil``'s, the same the API and the services
check.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from koordinator.timeutil import OUT_OF_RANGE, within_calendar


def within_the_calendar(value) -> None:
    if value is not None and not within_calendar(value):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class DayField(forms.DateField):
    default_validators = [within_the_calendar]


class MomentField(forms.DateTimeField):
    default_validators = [within_the_calendar]
