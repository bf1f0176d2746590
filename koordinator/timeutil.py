"""Time helpers. Everything is Europe/Oslo (DESIGN.md rule 7); these keep day boundaries right across DST."""

from __future__ import annotations

import datetime

from django.utils import timezone


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
