"""Checks of the test clock (``--clock``), run by ``tests/test_clock.py`` in a pytest of their own with the option set.

Not collected by the normal run (the name does not match ``test_*.py``): without a clock there is nothing to check.
The order matters: ``test_a_test_moves_the_clock`` moves it three days on, and the tests after it must still start
at the instant; a test that shares module-scoped data with one that moved the clock goes on from there.
"""

from __future__ import annotations

import datetime
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from tests.conftest import clock_traveller, configured_clock

# A test starts at the instant; allow for a slow machine between the start of its set-up and the check.
SLACK = datetime.timedelta(seconds=30)


@pytest.fixture
def clock(request) -> datetime.datetime:
    moment = configured_clock(request.config)
    assert moment is not None, "run with --clock=ISO or KOORDINATOR_TEST_CLOCK"
    return moment


def near(moment: datetime.datetime, clock: datetime.datetime) -> bool:
    return clock <= moment <= clock + SLACK


@pytest.fixture(scope="module")
def module_set_up_at():
    return timezone.now()


def test_the_test_starts_at_the_instant(clock, module_set_up_at):
    assert near(timezone.now(), clock)
    assert near(module_set_up_at, clock), "a module-scoped fixture is set up at the instant too"
    assert timezone.localdate() == clock.astimezone(timezone.get_current_timezone()).date()


def test_a_test_moves_the_clock(request, clock):
    clock_traveller(request.node).shift(datetime.timedelta(days=3))
    assert timezone.now() > clock + datetime.timedelta(days=2)


def test_the_next_test_starts_at_the_instant_again(clock):
    assert near(timezone.now(), clock)


def test_the_world_and_the_factories_are_built_at_the_instant(world, clock):
    today = clock.astimezone(timezone.get_current_timezone()).date()
    assert near(world.owner_su.created_at, clock)
    assert near(world.consent_withdrawn.withdrawn_at, clock)
    assert world.consent_valid.valid_from == today - datetime.timedelta(days=30)
    assert world.consent_expired.valid_until == today - datetime.timedelta(days=1)
    assert near(f.ServiceUserFactory().created_at, clock)


def test_a_test_travels_inside_the_clock(db, clock):
    elsewhere = datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)
    with time_machine.travel(elsewhere, tick=False):
        assert timezone.now() == elsewhere
        assert f.ServiceUserFactory().created_at == elsewhere
    assert near(timezone.now(), clock), "back on the test clock afterwards"


def test_the_live_server_is_on_the_clock(live_server, clock):
    try:
        with urllib.request.urlopen(f"{live_server.url}/logg-inn/", timeout=30) as response:
            date = response.headers["Date"]
    except urllib.error.HTTPError as error:
        date = error.headers["Date"]
    # The Date header has whole seconds.
    assert near(parsedate_to_datetime(date), clock - datetime.timedelta(seconds=1))


@pytest.fixture(scope="module")
def shared_data():
    """Stands for committed data the module's tests share (a demo load, a live server's)."""
    return timezone.now()


def test_a_test_with_shared_data_moves_the_clock_an_hour_on(request, clock, shared_data):
    assert near(shared_data, clock)
    clock_traveller(request.node).shift(datetime.timedelta(hours=1))


def test_the_next_test_sharing_the_data_goes_on_from_there(clock, shared_data):
    assert clock + datetime.timedelta(hours=1) <= timezone.now() <= clock + datetime.timedelta(hours=1) + SLACK


def test_a_test_without_the_shared_data_starts_at_the_instant(clock):
    assert near(timezone.now(), clock)
