"""When a quality-of-life round is due (``outcomes.rounds.is_due``), *Min arbeidsliste*'s «Livskvalitet: runde som
skal tas», and the reminder ``run_reminders`` writes once per due round. The clock is frozen (time-machine)."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import reminders
from koordinator.models import FollowUp, Notification, ServiceUser
from koordinator.selectors import WORKLIST_SECTIONS
from koordinator.timeutil import at
from outcomes import reminders as round_reminders_module
from outcomes import rounds
from outcomes.reminders import round_reminder_key, round_reminders
from outcomes.worklist import rounds_section
from tests.conftest import login
from tests.outcomes.rounds_helpers import case_started, take_round

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(world):
    return case_started(world.case)


def remind() -> int:
    return round_reminders(timezone.now())


def reminders_about(case) -> list[Notification]:
    return list(Notification.objects.filter(dedupe_key__startswith=f"qol:{case.pk}:").order_by("pk"))


def section(user):
    return rounds_section(user, timezone.localdate())


# --- the rule -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (FollowUp.Status.INTAKE, True),
        (FollowUp.Status.ACTIVE, True),
        (FollowUp.Status.DORMANT, False),
        (FollowUp.Status.ENDED, False),
    ],
)
def test_a_case_without_a_round_is_due_when_in_intake_or_active(world, case, status, due):
    case.status = status
    assert rounds.is_due(case, None) is due


def test_a_round_is_due_again_when_the_months_have_passed_since_the_last(world, case, settings):
    assert settings.QOL_ROUND_MONTHS == 6
    assert rounds.is_due(case, datetime.date(2026, 5, 23))  # six months ago to the day
    assert not rounds.is_due(case, datetime.date(2026, 5, 24))
    assert rounds.next_due_on(case, datetime.date(2026, 5, 24)) == datetime.date(2026, 11, 24)
    settings.QOL_ROUND_MONTHS = 3
    assert rounds.is_due(case, datetime.date(2026, 8, 23))
    assert not rounds.is_due(case, datetime.date(2026, 8, 24))


def test_due_cases_follow_the_rule_and_are_read_in_one_query(world, case):
    take_round(world.other_case, world.other_trust_person)  # today: not due
    paused = FollowUp.objects.create(
        service_user=world.other_su,
        municipality=world.municipality,
        unit=world.unit,
        trust_person=world.trust_person,
        status=FollowUp.Status.DORMANT,
        referral_source=FollowUp.ReferralSource.SELF,
    )
    with CaptureQueriesContext(connection) as ctx:
        due = {c.pk: c.last_round_on for c in rounds.due_cases(MONDAY)}
    assert len(ctx.captured_queries) == 1
    assert due == {case.pk: None}
    assert paused.pk not in due
    take_round(case, world.trust_person, days_ago=190)
    assert {c.pk for c in rounds.due_cases(MONDAY)} == {case.pk}
    take_round(case, world.trust_person, days_ago=20)
    assert not rounds.due_cases(MONDAY).exists()


# --- the worklist ---------------------------------------------------------------------------------------------------


def test_the_worklist_lists_the_trust_persons_due_cases_with_a_link_to_a_new_round(world, case, client):
    case_started(world.other_case)
    take_round(world.other_case, world.other_trust_person, days_ago=300)  # another trust person's, due
    items = section(world.trust_person).items
    assert [i.url for i in items] == [reverse("qol_round_create", args=[case.pk])]
    assert "Kari Nordmann" in items[0].text and "den første" in items[0].text
    assert section(world.trust_person).title == "Livskvalitet: runde som skal tas"
    # On the page itself.
    page = login(client, world.trust_person).get(reverse("worklist"))
    html = page.content.decode()
    assert "Livskvalitet: runde som skal tas" in html
    assert reverse("qol_round_create", args=[case.pk]) in html


def test_a_case_leaves_the_worklist_when_its_round_is_taken_and_comes_back_after_six_months(
    world, case, clock
):
    take_round(case, world.trust_person)
    assert section(world.trust_person).items == []
    assert section(world.trust_person).empty_text
    clock.move_to(at(datetime.date(2027, 5, 22), 10))
    assert section(world.trust_person).items == []
    clock.move_to(at(datetime.date(2027, 5, 23), 10))
    [item] = section(world.trust_person).items
    assert "forrige var 23.11.2026" in item.text


def test_the_worklist_section_is_one_query_whatever_the_number_of_cases(world, case):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            section(world.trust_person)
        return len(ctx.captured_queries)

    count()  # the actor's roles, read once a request
    one = count()
    many_cases(world, 20)
    assert len(section(world.trust_person).items) == 21
    assert count() == one


def many_cases(world, n: int, *, trust_person=None) -> list[FollowUp]:
    people = ServiceUser.objects.bulk_create(
        [
            ServiceUser(first_name=f"Bruker{i}", last_name="Mange", municipality=world.municipality)
            for i in range(n)
        ]
    )
    return FollowUp.objects.bulk_create(
        [
            FollowUp(
                service_user=su,
                municipality=world.municipality,
                unit=world.unit,
                trust_person=trust_person or world.trust_person,
                status=FollowUp.Status.ACTIVE,
                referral_source=FollowUp.ReferralSource.SELF,
                started_on=MONDAY - datetime.timedelta(days=30),
            )
            for su in people
        ]
    )


# --- the reminder ---------------------------------------------------------------------------------------------------


def test_the_reminder_and_the_worklist_section_are_registered():
    assert reminders.REMINDERS["livskvalitet"] is round_reminders_module.round_reminders
    assert rounds_section in WORKLIST_SECTIONS


def test_the_trust_person_is_reminded_once_per_due_round(world, case, clock):
    take_round(world.other_case, world.other_trust_person)
    assert remind() == 1
    assert remind() == 0
    [message] = reminders_about(case)
    assert message.recipient_user == world.trust_person
    assert message.channel == Notification.Channel.IN_APP
    assert message.dedupe_key == round_reminder_key(case.pk, None) == f"qol:{case.pk}:after:start"
    assert "Kari Nordmann" in message.subject
    assert reverse("qol_round_create", args=[case.pk]) in message.body
    # The round is taken: nothing more until the next one is due, and then one reminder for it.
    take_round(case, world.trust_person)
    assert remind() == 0
    clock.move_to(at(datetime.date(2027, 5, 23), 10))
    assert remind() == 2  # Kari's case, and the other case, whose round was taken the same day
    assert remind() == 0
    assert [m.dedupe_key for m in reminders_about(case)] == [
        f"qol:{case.pk}:after:start",
        f"qol:{case.pk}:after:2026-11-23",
    ]
    assert "23.11.2026" in reminders_about(case)[1].body


def test_no_reminder_for_a_paused_or_ended_case(world, case):
    FollowUp.objects.filter(pk__in=[case.pk, world.other_case.pk]).update(status=FollowUp.Status.DORMANT)
    assert remind() == 0


def test_run_reminders_twice_writes_one_reminder(world, case):
    take_round(world.other_case, world.other_trust_person)
    call_command("run_reminders", stdout=io.StringIO())
    call_command("run_reminders", stdout=io.StringIO())
    assert len(reminders_about(case)) == 1
    assert reminders_about(world.other_case) == []


def test_the_reminder_reads_the_same_number_of_queries_whatever_the_number_of_cases(world, case):
    def count() -> int:
        Notification.objects.filter(dedupe_key__startswith="qol:").delete()
        with CaptureQueriesContext(connection) as ctx:
            written = remind()
        return len(ctx.captured_queries), written

    take_round(world.other_case, world.other_trust_person)
    count()  # warm the process's caches (content types …): the first run in a fresh worker reads them once
    small, written = count()
    assert written == 1
    many_cases(world, 20, trust_person=world.other_trust_person)
    large, written = count()
    assert written == 21
    assert large == small
    # Everything reminded already: the database leaves them out, one query.
    with CaptureQueriesContext(connection) as ctx:
        assert remind() == 0
    assert len(ctx.captured_queries) == 1
