"""Time helpers. Everything is Europe/Oslo (DESIGN.md rule 7); these keep day boundaries right across DST."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Dates the rest of the system can compute with: the far ends of the calendar overflow when a day is added, a time is
# converted to UTC or a calendar file spans the year after. Every date a person or a program sends is checked against
# these (forms: ``koordinator.form_fields``; API: ``BoundedDateField``; services: ``clean_date``, ``as_datetime``);
# what is sensible beyond that (not in the future, after the start, …) is each service's own rule.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(9000, 12, 31)
OUT_OF_RANGE = _("Velg en dato mellom 1900 og 9000.")


def within_calendar(value: datetime.date | datetime.datetime) -> bool:
    """``value`` (a date, or a time's date) is between :data:`EARLIEST` and :data:`LATEST`."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST <= day <= LATEST


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware start of ``day`` and of the next day, in the current time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def week_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week ``day`` is in."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def no_date(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def no_datetime(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%d.%m.%Y} kl. {local:%H.%M}"


def no_time(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%H.%M}"
