"""Working days in Norway: weekends and the public holidays (Easter worked out, not looked up)."""

from __future__ import annotations

import datetime

import pytest

from koordinator.workdays import day_off, easter_sunday, holiday_name, is_working_day, next_working_day


@pytest.mark.parametrize("year, easter", [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)),
                                          (2038, (4, 25)), (2285, (3, 22))])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == datetime.date(year, *easter)


def test_the_public_holidays_of_2026():
    named = {day: holiday_name(datetime.date(2026, *day)) for day in
             [(1, 1), (4, 2), (4, 3), (4, 5), (4, 6), (5, 1), (5, 14), (5, 17), (5, 24), (5, 25), (12, 25), (12, 26)]}
    assert None not in named.values(), named
    assert named[(4, 6)] == "andre påskedag" and named[(5, 14)] == "Kristi himmelfartsdag"
    assert holiday_name(datetime.date(2026, 12, 24)) is None  # julaften is a working day by law


def test_next_working_day_skips_weekends_and_holidays():
    assert next_working_day(datetime.date(2026, 11, 25)) == datetime.date(2026, 11, 25)  # a Wednesday
    assert next_working_day(datetime.date(2026, 11, 28)) == datetime.date(2026, 11, 30)  # Saturday -> Monday
    assert next_working_day(datetime.date(2026, 12, 25)) == datetime.date(2026, 12, 28)  # Christmas, then a weekend
    assert next_working_day(datetime.date(2026, 4, 2)) == datetime.date(2026, 4, 7)  # Easter
    assert not is_working_day(datetime.date(2027, 5, 17)) and is_working_day(datetime.date(2027, 5, 18))


def test_day_off_in_words():
    assert day_off(datetime.date(2026, 11, 29)) == "en søndag"
    assert day_off(datetime.date(2026, 11, 28)) == "en lørdag"
    assert day_off(datetime.date(2029, 5, 17)) == "17. mai, en helligdag"
    assert day_off(datetime.date(2026, 11, 30)) is None
