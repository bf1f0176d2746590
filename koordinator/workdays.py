"""Working days in Norway: Monday to Friday, except the public holidays (*helligdager* and 1 and 17 May).

Used where a date is proposed (a meeting's default date is the next working day) and where a date off is worth a
question («Møtet er på en søndag. Er det riktig?»). The holidays follow Easter, worked out with the Gregorian
computus; no table to keep up to date.
"""

from __future__ import annotations

import datetime
from functools import cache

from django.utils.translation import gettext_lazy as _

_DAYS_OFF = {5: _("en lørdag"), 6: _("en søndag")}


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@cache
def public_holidays(year: int) -> dict[datetime.date, str]:
    """The Norwegian public holidays of ``year`` and their names (in the active language when shown)."""
    easter = easter_sunday(year)

    def after_easter(days: int) -> datetime.date:
        return easter + datetime.timedelta(days=days)

    return {
        datetime.date(year, 1, 1): _("første nyttårsdag"),
        after_easter(-3): _("skjærtorsdag"),
        after_easter(-2): _("langfredag"),
        easter: _("første påskedag"),
        after_easter(1): _("andre påskedag"),
        datetime.date(year, 5, 1): _("1. mai"),
        datetime.date(year, 5, 17): _("17. mai"),
        after_easter(39): _("Kristi himmelfartsdag"),
        after_easter(49): _("første pinsedag"),
        after_easter(50): _("andre pinsedag"),
        datetime.date(year, 12, 25): _("første juledag"),
        datetime.date(year, 12, 26): _("andre juledag"),
    }


def holiday_name(day: datetime.date) -> str | None:
    """«andre påskedag», or ``None`` on a day that is not a public holiday."""
    name = public_holidays(day.year).get(day)
    return str(name) if name is not None else None


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def day_off(day: datetime.date) -> str | None:
    """What kind of day off ``day`` is, to go into a sentence: «en søndag», «17. mai, en helligdag»; ``None`` on a
    working day."""
    holiday = holiday_name(day)
    if holiday is not None:
        return str(_("%(holiday)s, en helligdag") % {"holiday": holiday})
    if day.weekday() in _DAYS_OFF:
        return str(_DAYS_OFF[day.weekday()])
    return None
