"""Dates relative to today in ``pytest.mark.parametrize`` lists, worked out when the test runs.

A parametrize list is evaluated once, when pytest collects the tests; a date computed there (``today - 1 day``) is
«yesterday» of the collection day, and a suite that runs past midnight, or under ``--clock``, sends the test
«today» instead. Write ``FromToday(-1)`` in the list and pass the values through ``on_the_day`` in the test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class FromToday:
    days: int

    def date(self) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=self.days)


def on_the_day(values: dict) -> dict:
    """``values`` with each ``FromToday`` replaced by its date in ISO form, counted from today (Oslo)."""
    return {key: value.date().isoformat() if isinstance(value, FromToday) else value for key, value in values.items()}
