"""The half-year: ``?periode=2026-H2``, the default (the last completed one) and the choices offered."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# --- the period --------------------------------------------------------------------------------------------------

PERIOD_RE = re.compile(r"^\s*(\d{4})-[Hh]([12])\s*$")
FIRST_YEAR = 2000
PERIOD_CHOICES = 8  # how many half-years back the page offers, besides the current one


@dataclass(frozen=True, order=True)
class HalfYear:
    """First half (January–June) or second half (July–December) of a year."""

    year: int
    half: int

    @property
    def code(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("1. halvår %(year)s (januar–juni)") % {"year": self.year}
        return _("2. halvår %(year)s (juli–desember)") % {"year": self.year}

    def previous(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    @classmethod
    def containing(cls, day: datetime.date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    def is_complete(self, today: datetime.date) -> bool:
        return self.end < today

    def last_day(self, today: datetime.date) -> datetime.date:
        """The last day the figures cover: the end of the half-year, or today for the current one."""
        return min(self.end, today)

    def months(self, today: datetime.date) -> float:
        """Months of the half-year elapsed: 6 for a completed half-year; for the current one its days so far (today
        included) as a part of its six months (23 November: 146 of 184 days, 4.76 months), so a begun month does
        not count whole."""
        days = (self.last_day(today) - self.start).days + 1
        total = (self.end - self.start).days + 1
        return 6 if days >= total else days * 6 / total


def default_period(today: datetime.date | None = None) -> HalfYear:
    """The last completed half-year."""
    today = today or timezone.localdate()
    return HalfYear.containing(today).previous()


def parse_period(value: str | None, today: datetime.date | None = None) -> tuple[HalfYear, str]:
    """``?periode=2026-H2`` as a :class:`HalfYear`, and a message when it could not be used (then the default).

    Accepted: a half-year from 2000 up to and including the current one (its figures run to today)."""
    today = today or timezone.localdate()
    default = default_period(today)
    if value is None or not str(value).strip():
        return default, ""
    match = PERIOD_RE.match(str(value)[:20])
    if match:
        period = HalfYear(int(match.group(1)), int(match.group(2)))
        if FIRST_YEAR <= period.year and period <= HalfYear.containing(today):
            return period, ""
    return default, _(
        "«%(value)s» er ikke et halvår vi kan vise (skriv for eksempel %(example)s). Rapporten viser %(default)s."
    ) % {"value": str(value)[:20], "example": default.code, "default": default.label}


def period_choices(today: datetime.date | None = None, chosen: HalfYear | None = None) -> list[HalfYear]:
    """The current half-year and the ones before it, newest first (and ``chosen`` if it is older)."""
    today = today or timezone.localdate()
    period = HalfYear.containing(today)
    choices = [period]
    for _i in range(PERIOD_CHOICES):
        period = period.previous()
        choices.append(period)
    if chosen is not None and chosen not in choices:
        choices.append(chosen)
    return choices
