"""How long each kind of personal data is kept after a case ends: ``settings.RETENTION_PERIODS``.

A period is written ``10y`` (years) or ``3650d`` (days); a bare number is days. Years are calendar years (29 February
counts to 28 February). :func:`period` reads one, :func:`problems` says what is wrong with the setting (the system
check in ``retention.checks`` refuses start-up with it), and :func:`add` moves a date on by a period.

The open-door period: when a case ends, «Åpen dør til» is set (the ending form suggests three months after the end,
``koordinator.forms.EndFollowUpForm``); until then the person may come back without a new referral. A period shorter
than the longest three months (92 days) could remove a case the door still stands open to, so it is refused. The
engine (``retention.engine``) never touches a case before its own ``open_door_until`` has passed either, whatever
date was chosen for it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

YEARS = "y"
DAYS = "d"
# The ending form's default open door (``add_months(ended_on, 3)``) is at most 92 days after the end.
OPEN_DOOR_MONTHS = 3
OPEN_DOOR_MAX_DAYS = 92
# The settings every kind of the core names (``retention.kinds``); others may add their own.
KEYS = ("followup_log", "plan", "minutes", "crisis_plan", "access_log")
# Periods of rows that belong to no case (``kinds.Sweep``): optional (the sweep has a default), counted from the rows'
# own date, so no open door to respect: only a positive period is required.
OWN_DATE_KEYS = ("sms_inbox",)
ENV = {key: f"RETENTION_{key.upper()}" for key in KEYS + OWN_DATE_KEYS}

_FORMAT = re.compile(r"^\s*(-?\d+)\s*([dDyY]?)\s*$")


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # YEARS or DAYS

    @property
    def text(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def shortest_days(self) -> int:
        """The fewest days the period can be (a year is 365 days at the least)."""
        return self.amount * 365 if self.unit == YEARS else self.amount

    @property
    def longest_days(self) -> int:
        return self.amount * 366 if self.unit == YEARS else self.amount


def parse(value) -> Period:
    """``"10y"`` → 10 years, ``"3650d"`` or ``3650`` → 3650 days; anything else raises :class:`BadPeriod`."""
    if isinstance(value, bool):
        raise BadPeriod(value)
    if isinstance(value, int):
        return Period(value, DAYS)
    match = _FORMAT.match(str(value))
    if not match:
        raise BadPeriod(value)
    unit = (match.group(2) or DAYS).lower()
    return Period(int(match.group(1)), unit)


def add(day: datetime.date, period: Period) -> datetime.date:
    """``day`` moved on by ``period`` (29 February plus whole years is 28 February when that year has none)."""
    if period.unit == DAYS:
        return day + datetime.timedelta(days=period.amount)
    try:
        return day.replace(year=day.year + period.amount)
    except ValueError:
        return day.replace(year=day.year + period.amount, day=28)


def first_kept(today: datetime.date, period: Period) -> datetime.date:
    """The first day whose rows are still kept on ``today``: rows of an earlier day have passed ``period`` (their
    day plus the period is before today). 29 February less whole years is 1 March when that year has none."""
    if period.unit == DAYS:
        return today - datetime.timedelta(days=period.amount)
    try:
        return today.replace(year=today.year - period.amount)
    except ValueError:
        return datetime.date(today.year - period.amount, 3, 1)


def configured() -> dict:
    return dict(getattr(settings, "RETENTION_PERIODS", {}) or {})


def period(key: str) -> Period:
    """The configured period for ``key`` (the system check has made sure it parses)."""
    return parse(configured()[key])


def problems(values: dict, required=KEYS) -> list[tuple[str, str]]:
    """(key, what is wrong) for each setting that is missing, unreadable, zero or negative, or shorter than the
    open-door period: each would remove the data of cases that are still open or that the door still stands open to."""
    found = []
    for key in required:
        if key not in values:
            found.append((key, "missing"))
    for key, value in values.items():
        try:
            parsed = parse(value)
        except BadPeriod:
            found.append((key, "format"))
            continue
        if parsed.amount <= 0:
            found.append((key, "not_positive"))
        elif parsed.shortest_days < OPEN_DOOR_MAX_DAYS and key not in OWN_DATE_KEYS:
            found.append((key, "shorter_than_open_door"))
    return found
