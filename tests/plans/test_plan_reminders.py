"""Reminders about steps and revisions (once each, calm, never at night) and the deputy's handover list."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from koordinator import continuity, reminders
from koordinator.models import Absence, FollowUp, Notification
from koordinator.timeutil import at
from plans import reminders as plan_reminders
from plans import services
from plans.models import Step
from tests.plans.helpers import notifications_to

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)


@pytest.fixture
def clock():
    # Requested before the plan fixtures, so they are made on the Monday too.
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def step(world, goal, due_on=WEDNESDAY, **kwargs) -> Step:
    created, _ = services.add_step(world.trust_person, goal, what=kwargs.pop("what", "Ringe boligkontoret"),
                                   due_on=due_on, **kwargs)
    return created


def step_reminders() -> int:
    return plan_reminders.step_reminders(timezone.now())


def revision_reminders() -> int:
    return plan_reminders.revision_reminders(timezone.now())


def test_both_reminders_are_registered_for_run_reminders():
    assert reminders.REMINDERS["delmål"] is plan_reminders.step_reminders
    assert reminders.REMINDERS["planrevisjon"] is plan_reminders.revision_reminders


# --- steps ---------------------------------------------------------------------------------------------------------


def test_the_user_is_reminded_of_their_step_two_days_ahead_once_by_their_own_channel(clock, world, goal):
    s = step(world, goal)
    Notification.objects.all().delete()
    assert step_reminders() == 1
    assert step_reminders() == 0
    [message] = notifications_to(world.owner_su)
    assert message.channel == Notification.Channel.SMS
    assert message.dedupe_key == f"step:{s.pk}:due:2026-11-25"
    assert "onsdag 25.11.2026" in message.body
    assert "Ringe boligkontoret" in message.body
    assert "helt fint" in message.body  # calm: it is fine not to make it


def test_running_the_command_twice_sends_one_reminder(clock, world, goal):
    step(world, goal)
    Notification.objects.all().delete()
    call_command("run_reminders", stdout=open("/dev/null", "w"))
    call_command("run_reminders", stdout=open("/dev/null", "w"))
    assert len(notifications_to(world.owner_su)) == 1


def test_reminders_wait_until_morning(clock, world, goal):
    step(world, goal)
    Notification.objects.all().delete()
    clock.move_to(at(MONDAY, 2, 0))
    step_reminders()
    [message] = notifications_to(world.owner_su)
    assert timezone.localtime(message.due_at) == at(MONDAY, 10, 0)


def test_a_step_found_late_is_reminded_at_once_in_the_daytime(clock, world, goal):
    step(world, goal, due_on=MONDAY + datetime.timedelta(days=1))
    Notification.objects.all().delete()
    clock.move_to(at(MONDAY, 13, 0))
    step_reminders()
    [message] = notifications_to(world.owner_su)
    assert timezone.localtime(message.due_at) == at(MONDAY, 13, 0)


def test_the_trust_persons_step_is_reminded_in_the_app(clock, world, goal):
    step(world, goal, who_kind="trust_person")
    Notification.objects.all().delete()
    assert step_reminders() == 1
    [message] = notifications_to(world.trust_person)
    assert message.channel == Notification.Channel.IN_APP
    assert "Kari Nordmann" in message.subject
    assert notifications_to(world.owner_su) == []


def test_a_responsible_partner_is_reminded_only_while_the_consent_is_in_force(clock, world, goal):
    step(world, goal, who_kind="person", who_person=world.partner_valid, what="Ta blodprøver")
    step(world, goal, who_kind="person", who_person=world.partner_expired, what="Skrive epikrise")
    Notification.objects.all().delete()
    assert step_reminders() == 1
    [message] = notifications_to(world.partner_valid)
    assert message.channel == Notification.Channel.IN_APP
    assert "Ta blodprøver" in message.body
    assert notifications_to(world.partner_expired) == []


def test_a_partner_let_in_by_their_organisations_consent_is_reminded(clock, world, goal):
    step(world, goal, who_kind="person", who_person=world.partner_org_member, who_organisation=world.nav)
    Notification.objects.all().delete()
    assert step_reminders() == 1
    assert len(notifications_to(world.partner_org_member)) == 1


def test_steps_of_partners_without_consent_cost_no_query_when_nothing_is_due(clock, world, goal):
    """The consent is a condition of the steps' query: steps no one may be reminded of are left out by the
    database, so a run with nothing due is one query however many there are (issue 11: the count was 1 at demo
    size and 3 at national size, where such steps exist)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as none_waiting:
        assert step_reminders() == 0
    for n in range(3):
        step(world, goal, who_kind="person", who_person=world.partner_expired, what=f"Skrive epikrise {n}")
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as three_waiting:
        assert step_reminders() == 0
    assert len(none_waiting) == len(three_waiting) == 1


def test_a_step_for_a_whole_service_has_nobody_to_remind(clock, world, goal):
    step(world, goal, who_kind="organisation", who_organisation=world.nav)
    Notification.objects.all().delete()
    assert step_reminders() == 0


def test_steps_not_due_in_two_days_or_not_open_are_not_reminded(clock, world, goal):
    step(world, goal, due_on=MONDAY + datetime.timedelta(days=3), what="Senere")
    done = step(world, goal, what="Gjort")
    services.close_step(world.trust_person, done, "done")
    archived = step(world, goal, what="Arkivert")
    services.archive_step(world.trust_person, archived)
    services.suggest_step(world.owner, goal, what="Forslag", due_on=WEDNESDAY)
    Notification.objects.all().delete()
    assert step_reminders() == 0


def test_steps_in_a_draft_or_in_an_ended_case_are_not_reminded(clock, world, draft):
    goal = services.add_goal(world.trust_person, draft, life_area="bolig", text="x")
    step(world, goal)
    Notification.objects.all().delete()
    assert step_reminders() == 0
    services.activate_plan(world.trust_person, draft, consent_given_how="paper")
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    assert step_reminders() == 0


def test_a_new_due_date_gets_a_new_reminder(clock, world, goal):
    s = step(world, goal)
    step_reminders()
    services.update_step(world.trust_person, s, due_on=MONDAY + datetime.timedelta(days=10))
    clock.move_to(at(MONDAY + datetime.timedelta(days=8), 9, 0))
    assert step_reminders() == 1
    assert Notification.objects.filter(dedupe_key__startswith=f"step:{s.pk}:due:").count() == 2


# --- revisions -----------------------------------------------------------------------------------------------------


def test_a_revision_due_today_reminds_the_trust_person_once_in_the_app(clock, world, plan):
    services.update_plan(world.trust_person, plan, plan.version, next_revision_on=MONDAY)
    Notification.objects.all().delete()
    assert revision_reminders() == 1
    assert revision_reminders() == 0
    [message] = notifications_to(world.trust_person)
    assert message.channel == Notification.Channel.IN_APP
    assert "Kari Nordmann" in message.subject
    assert "23.11.2026" in message.body
    assert notifications_to(world.owner_su) == []


def test_an_overdue_revision_is_reminded_once_and_a_future_one_not_yet(clock, world, plan):
    services.update_plan(world.trust_person, plan, plan.version, next_revision_on=MONDAY + datetime.timedelta(days=1))
    Notification.objects.all().delete()
    assert revision_reminders() == 0
    clock.move_to(at(MONDAY + datetime.timedelta(days=5), 9, 0))
    assert revision_reminders() == 1
    clock.move_to(at(MONDAY + datetime.timedelta(days=6), 9, 0))
    assert revision_reminders() == 0


def test_after_a_revision_the_next_date_is_reminded_again_when_it_comes(clock, world, plan):
    services.update_plan(world.trust_person, plan, plan.version, next_revision_on=MONDAY)
    revision_reminders()
    services.revise_plan(world.trust_person, plan, what_changed="Gått gjennom.",
                         next_revision_on=MONDAY + datetime.timedelta(days=42))
    assert revision_reminders() == 0
    clock.move_to(at(MONDAY + datetime.timedelta(days=42), 9, 0))
    assert revision_reminders() == 1


def test_drafts_and_ended_plans_get_no_revision_reminders(clock, world, draft):
    services.update_plan(world.trust_person, draft, draft.version, next_revision_on=MONDAY)
    assert revision_reminders() == 0


# --- the deputy's handover list --------------------------------------------------------------------------------------


def test_steps_and_a_revision_due_during_the_absence_are_on_the_deputys_handover_list(clock, world, plan, goal):
    tuesday, friday = MONDAY + datetime.timedelta(days=1), MONDAY + datetime.timedelta(days=4)
    step(world, goal, what="Ringe NAV")
    step(world, goal, due_on=MONDAY + datetime.timedelta(days=14), what="Etter fraværet")
    services.update_plan(world.trust_person, plan, fresh_version(plan), next_revision_on=friday)
    absence = Absence.objects.create(person=world.trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=tuesday,
                                     ends_on=friday, registered_by=world.leader)
    [entry] = continuity.handover_list(world.deputy, absence)
    assert entry.case == world.case
    items = [(i.kind, i.when, i.text) for i in entry.items if i.kind in ("step", "plan_revision")]
    assert items == [
        ("step", WEDNESDAY, "Delmål med frist 25.11.2026: «Ringe NAV» (Kari)"),
        ("plan_revision", friday, "Planen skal revideres 27.11.2026"),
    ]


def test_the_handover_section_takes_the_same_queries_for_one_or_many_cases(clock, world, plan, goal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.handover import plan_section

    step(world, goal)
    absence = Absence.objects.create(person=world.trust_person, kind=Absence.Kind.HOLIDAY, starts_on=MONDAY,
                                     ends_on=MONDAY + datetime.timedelta(days=7), registered_by=world.leader)
    with CaptureQueriesContext(connection) as one:
        plan_section(continuity.Covers([(absence, [world.case])]))
    with CaptureQueriesContext(connection) as two:
        plan_section(continuity.Covers([(absence, [world.case, world.other_case])]))
    assert len(one) == len(two) == 2


def fresh_version(plan) -> int:
    plan.refresh_from_db()
    return plan.version
