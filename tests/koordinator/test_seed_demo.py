"""``manage.py seed_demo`` on an empty database: on any day and hour, and refused in production.

What the demo holds is checked in ``tests/demo/``, which loads it once for all its tests."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from koordinator.models import Absence, Appointment, Notification, User
from tests.demo.world import row_counts

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", force=True, stdout=io.StringIO())


OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 24, 7, 30, tzinfo=OSLO),  # a Tuesday before the 10:00 visit
        datetime.datetime(2026, 11, 28, 14, 0, tzinfo=OSLO),  # a Saturday afternoon, after it
    ],
    ids=["tuesday-morning", "saturday-afternoon"],
)
def test_running_it_twice_on_any_day_and_hour_adds_no_row(moment):
    # English is active (as after a request from someone who chose it): the demo is written in bokmål anyway.
    with time_machine.travel(moment, tick=False), translation.override("en"):
        seed()
        assert Notification.objects.filter(subject="Ingrid Moe er borte – dette er kontakten din").exists()
        assert not Notification.objects.filter(subject__contains="is away").exists()
        first = row_counts()
        seed()
        assert row_counts() == first
        assert Absence.objects.covering(timezone.localdate()).filter(person__username="tillit3").exists()
        visit = Appointment.objects.get(service_user__user__username="bruker4")
        assert timezone.localtime(visit.starts_at) == datetime.datetime.combine(
            moment.date(), datetime.time(10), tzinfo=OSLO
        )
        assert visit.status == Appointment.Status.COVERED


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
