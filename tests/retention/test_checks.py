"""The retention settings are checked at start-up (``retention.checks``): a period that would delete open cases, or
cases the door still stands open to, stops every management command (``migrate`` in the release step included) with
a message naming the setting."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from retention import checks, periods

GOOD = {"followup_log": "10y", "plan": "3650d", "minutes": "92d", "crisis_plan": "1y", "access_log": "5Y"}


def _ids(values: dict) -> list[str]:
    with override_settings(RETENTION_PERIODS=values):
        return [error.id for error in checks.retention_periods()]


def test_the_defaults_and_sensible_periods_pass():
    assert checks.retention_periods() == []
    assert _ids(GOOD) == []


@pytest.mark.parametrize(("value", "code"), [
    ("0d", "retention.E003"),
    ("0", "retention.E003"),
    ("-1y", "retention.E003"),
    ("-30", "retention.E003"),
    ("30d", "retention.E004"),
    ("91d", "retention.E004"),
    ("ten years", "retention.E002"),
    ("10 months", "retention.E002"),
    ("", "retention.E002"),
])
def test_a_period_that_would_delete_open_cases_is_refused(value, code):
    assert _ids({**GOOD, "plan": value}) == [code]


def test_a_missing_period_is_refused():
    values = dict(GOOD)
    del values["access_log"]
    assert _ids(values) == ["retention.E001"]


def test_the_message_names_the_setting_and_says_why():
    with override_settings(RETENTION_PERIODS={**GOOD, "minutes": "30d"}):
        (error,) = checks.retention_periods()
    assert "RETENTION_MINUTES='30d'" in error.msg
    assert "open-door period" in error.msg and "92" in error.msg
    assert "RETENTION_MINUTES" in error.hint


def test_start_up_is_refused_with_a_bad_setting():
    with override_settings(RETENTION_PERIODS={**GOOD, "followup_log": "0d"}), \
            pytest.raises(SystemCheckError, match="RETENTION_FOLLOWUP_LOG='0d' would delete the data of open cases"):
        call_command("check")


def test_periods_are_calendar_years_or_days():
    import datetime

    assert periods.add(datetime.date(2016, 2, 29), periods.parse("10y")) == datetime.date(2026, 2, 28)
    assert periods.add(datetime.date(2016, 5, 2), periods.parse("10y")) == datetime.date(2026, 5, 2)
    assert periods.add(datetime.date(2016, 5, 2), periods.parse("100")) == datetime.date(2016, 8, 10)
    assert periods.parse(" 7 D ") == periods.Period(7, periods.DAYS)
