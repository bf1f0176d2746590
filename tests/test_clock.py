"""The test clock (``--clock=ISO`` / ``KOORDINATOR_TEST_CLOCK``, tests/conftest.py): how it reads its value, and
that it starts every test, its fixtures, the factories and the live server at the instant (tests/clock_probe.py, run
in a pytest of its own)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from tests.conftest import CLOCK_ENV, clock_from

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
ROOT = Path(__file__).resolve().parent.parent


def test_the_clock_reads_an_iso_instant_with_its_offset():
    assert clock_from("2026-12-06T23:55:00+01:00", {}) == datetime.datetime(2026, 12, 6, 22, 55, tzinfo=datetime.UTC)


def test_a_clock_without_an_offset_is_oslo_time():
    moment = clock_from("2026-07-01T12:00", {})
    assert moment.utcoffset() == datetime.timedelta(hours=2)
    assert moment.astimezone(datetime.UTC) == datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC)


def test_the_option_wins_over_the_environment_and_neither_means_the_real_clock():
    environ = {CLOCK_ENV: "2026-10-25T23:55:00+01:00"}
    assert clock_from("2026-12-06T23:55:00+01:00", environ).day == 6
    assert clock_from(None, environ).day == 25
    assert clock_from(None, {}) is None
    assert clock_from(None, {CLOCK_ENV: " "}) is None


def test_a_clock_that_is_not_a_time_is_a_usage_error():
    with pytest.raises(pytest.UsageError, match="not an ISO 8601"):
        clock_from("i morgen", {})


def test_every_test_and_its_fixtures_start_at_the_instant():
    """The probe under a clock one hour into the night daylight saving ends (02:30 the second time, +01:00)."""
    environ = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # its own SQLite db
    environ[CLOCK_ENV] = "2026-10-25T02:30:00+01:00"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "tests/clock_probe.py"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "9 passed" in result.stdout
