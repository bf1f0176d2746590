"""``run_reminders`` with nothing due costs the same few queries whatever the size of the database, and a second
run started while one is going does nothing (issue 11: two nodes may start it at once)."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator import reminders as core_reminders
from koordinator.continuity import services as continuity
from koordinator.models import FollowUp, Notification
from meetings import services
from meetings.models import ActionItem, Meeting
from plans.models import Step
from tests import factories as f
from tests.meetings.conftest import days, later, past_meeting
from tests.plans.factories import PlanFactory, StepFactory

pytestmark = pytest.mark.django_db


def add_cases(world, n: int) -> None:
    """``n`` more cases, each with something due for every kind of reminder: an appointment and a group meeting
    tomorrow, an overdue action item, a step due in two days, a plan whose revision is due and no contact logged."""
    for _ in range(n):
        su = f.ServiceUserFactory(municipality=world.municipality)
        case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person,
                                 status=FollowUp.Status.ACTIVE)
        f.ConsentFactory(owner=su, grantee_organisation=world.nav, recorded_by=world.trust_person)
        continuity.create_appointment(world.trust_person, case, starts_at=later(1, hour=9), place="office")
        group = services.create_group(world.trust_person, case)
        nav = services.add_member(world.trust_person, group, organisation=world.nav, role="NAV-veileder")
        meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(1, hour=14),
                                            place=Meeting.Place.OFFICE)
        Meeting.objects.filter(pk=meeting.pk).update(created_at=later(-7))
        held = past_meeting(world.trust_person, group, 7)
        item = services.add_action_item(world.trust_person, held, what="Søke bostøtte", responsible=nav,
                                        due_on=days(1))
        ActionItem.objects.filter(pk=item.pk).update(due_on=days(-2))
        plan = PlanFactory(follow_up=case, next_revision_on=days(-1))
        StepFactory(goal__plan=plan, due_on=days(2), who_kind=Step.Who.USER)


def queries_when_nothing_is_due(now: datetime.datetime) -> tuple[int, dict[str, int]]:
    core_reminders.run_all(now)  # writes what is due
    with CaptureQueriesContext(connection) as queries:
        counts = core_reminders.run_all(now)
    return len(queries), counts


def test_nothing_due_costs_the_same_queries_for_1_and_for_20_cases(world):
    now = later(0, hour=19)  # after every reminder hour of the day
    add_cases(world, 1)
    one, counts = queries_when_nothing_is_due(now)
    assert set(counts.values()) == {0}
    written = Notification.objects.count()
    add_cases(world, 19)
    twenty, counts = queries_when_nothing_is_due(now)
    assert set(counts.values()) == {0}
    # The first run after adding the 19 wrote their reminders: each kind is really due in every case.
    assert Notification.objects.count() - written >= 19 * 5
    assert twenty == one, f"{one} queries with 1 case, {twenty} with 20"


def test_the_command_says_what_it_wrote(world):
    add_cases(world, 1)
    out = io.StringIO()
    with time_machine.travel(later(0, hour=19), tick=False):
        call_command("run_reminders", stdout=out)
    assert "avtaler: 1," in out.getvalue() and "ansvarsgruppemøter: 3," in out.getvalue()  # user, coordinator, NAV


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the lock between nodes is PostgreSQL's")
def test_a_second_run_started_while_one_is_going_does_nothing(world):
    add_cases(world, 1)
    started, release = threading.Event(), threading.Event()
    second = io.StringIO()

    def first_run():
        try:
            with core_reminders.single_run() as mine:
                assert mine
                started.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert started.wait(10)
        call_command("run_reminders", stdout=second)
    finally:
        release.set()
        thread.join()
    assert "kjøres allerede" in second.getvalue()
    assert not Notification.objects.filter(about_id__isnull=False, dedupe_key__startswith="appointment:").exists()
    # Once the first is done, the next run goes.
    after = io.StringIO()
    call_command("run_reminders", stdout=after)
    assert "kjøres allerede" not in after.getvalue()
