"""Quiet users: no contact logged for FOLLOWUP_QUIET_DAYS days (default 14) marks the case on *Min arbeidsliste*
and sends the trust person one reminder per quiet spell through ``run_reminders``.

«Tried, but did not meet» is not contact. A case with no entries at all counts from the day it started. A paused
(dormant) case is never quiet.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from koordinator import followup_log, outbox, reminders
from koordinator.models import FollowUp, FollowUpEntry, Notification
from koordinator.timeutil import at
from tests.conftest import login

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind
DAY = datetime.date(2026, 11, 23)


@pytest.fixture
def clock(world):
    # Only Kari's case is in play: the colleague's case is paused (and so never quiet).
    FollowUp.objects.filter(pk=world.other_case.pk).update(status=FollowUp.Status.DORMANT)
    with time_machine.travel(at(DAY, 9), tick=False) as traveller:
        yield traveller


def started(world, days_ago: int) -> FollowUp:
    FollowUp.objects.filter(pk=world.case.pk).update(started_on=DAY - datetime.timedelta(days=days_ago))
    world.case.refresh_from_db()
    return world.case


def log(world, kind: str, days_ago: int, writer=None) -> FollowUpEntry:
    return followup_log.create_entry(writer or world.trust_person, world.case, kind=kind,
                                     started_at=at(DAY - datetime.timedelta(days=days_ago), 8))


def reminders_about(case) -> list[Notification]:
    return list(Notification.objects.filter(dedupe_key__startswith=f"followup:{case.pk}:quiet:").order_by("pk"))


def worklist_case(client, world):
    response = login(client, world.trust_person).get(reverse("worklist"))
    [case] = [c for c in response.context["worklist"].primary if c.pk == world.case.pk]
    return case, response.content.decode()


# --- on the worklist ---------------------------------------------------------------------------------------------


def test_a_case_with_no_contact_for_14_days_is_marked_in_words(client, world, clock):
    started(world, 100)
    log(world, Kind.HOME_VISIT, 14)
    case, page = worklist_case(client, world)
    assert case.quiet.days == 14 and case.quiet.since == DAY - datetime.timedelta(days=14)
    assert "Ingen kontakt på 14 dager" in page


def test_13_days_is_not_quiet_yet(client, world, clock):
    started(world, 100)
    log(world, Kind.PHONE, 13)
    case, page = worklist_case(client, world)
    assert case.quiet is None
    assert "Ingen kontakt på" not in page


def test_tried_but_did_not_meet_is_not_contact(client, world, clock):
    started(world, 100)
    log(world, Kind.CONVERSATION, 20)
    log(world, Kind.NOT_MET, 2)
    case, page = worklist_case(client, world)
    assert case.quiet.days == 20
    assert case.quiet.last_attempt is not None
    assert "Ingen kontakt på 20 dager" in page


def test_a_case_with_no_entries_counts_from_when_it_started(client, world, clock):
    started(world, 15)
    case, page = worklist_case(client, world)
    assert case.quiet.never and case.quiet.days == 15
    assert "Ingen kontakt på 15 dager" in page
    started(world, 5)
    assert worklist_case(client, world)[0].quiet is None


def test_a_paused_case_is_never_quiet(client, world, clock):
    started(world, 100)
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.DORMANT)
    case, page = worklist_case(client, world)
    assert case.quiet is None
    assert followup_log.quiet_cases(DAY) == []


def test_an_archived_entry_does_not_count(client, world, clock):
    started(world, 100)
    log(world, Kind.CONVERSATION, 30)
    recent = log(world, Kind.CONVERSATION, 1)
    assert worklist_case(client, world)[0].quiet is None
    followup_log.archive_entry(world.trust_person, recent, "Feil person")
    assert worklist_case(client, world)[0].quiet.days == 30


def test_the_number_of_days_is_a_setting(client, world, clock, settings):
    settings.FOLLOWUP_QUIET_DAYS = 7
    started(world, 100)
    log(world, Kind.PHONE, 8)
    case, page = worklist_case(client, world)
    assert "Ingen kontakt på 8 dager" in page


def test_the_deputy_sees_the_mark_too(client, world, clock):
    started(world, 100)
    response = login(client, world.deputy).get(reverse("worklist"))
    [case] = response.context["worklist"].as_deputy
    assert case.quiet.days == 100
    assert "Ingen kontakt på 100 dager" in response.content.decode()


# --- the reminder -----------------------------------------------------------------------------------------------


def test_the_trust_person_gets_one_calm_reminder_per_quiet_spell(world, clock):
    started(world, 100)
    log(world, Kind.HOME_VISIT, 15)
    log(world, Kind.NOT_MET, 3)
    assert reminders.run_all(timezone.now())["stille brukere"] == 1
    [reminder] = reminders_about(world.case)
    assert reminder.recipient_user == world.trust_person
    assert reminder.channel == Notification.Channel.IN_APP
    assert reminder.subject == "Lenge siden kontakt med Kari Nordmann"
    assert "Det er 15 dager siden det sist ble registrert kontakt med Kari Nordmann (08.11.2026)." in reminder.body
    assert "Sist forsøkt: 20.11.2026 kl. 08.00." in reminder.body
    # The same spell, the next days: nothing more.
    assert reminders.run_all(timezone.now())["stille brukere"] == 0
    for days in (1, 5):
        with time_machine.travel(at(DAY + datetime.timedelta(days=days), 9), tick=False):
            assert reminders.quiet_user_reminders(timezone.now()) == 0
    assert len(reminders_about(world.case)) == 1


def test_a_new_contact_ends_the_spell_and_a_later_spell_gets_a_new_reminder(world, clock):
    started(world, 100)
    log(world, Kind.PHONE, 20)
    assert reminders.quiet_user_reminders(timezone.now()) == 1
    log(world, Kind.CONVERSATION, 0)
    assert reminders.quiet_user_reminders(timezone.now()) == 0
    # Fourteen days later with no contact: a new spell, a new reminder.
    with time_machine.travel(at(DAY + datetime.timedelta(days=14), 9), tick=False):
        assert reminders.quiet_user_reminders(timezone.now()) == 1
        assert reminders.quiet_user_reminders(timezone.now()) == 0
    first, second = reminders_about(world.case)
    assert first.dedupe_key != second.dedupe_key


def test_a_contact_before_the_reminder_goes_out_takes_it_off_the_bell(world, clock):
    started(world, 100)
    assert reminders.quiet_user_reminders(timezone.now()) == 1
    assert outbox.unread_count(world.trust_person) == 1
    log(world, Kind.OUTREACH, 0)
    [reminder] = reminders_about(world.case)
    assert reminder.state == Notification.State.CANCELLED
    assert outbox.unread_count(world.trust_person) == 0


def test_a_case_with_no_contact_ever_says_so(world, clock):
    started(world, 16)
    reminders.quiet_user_reminders(timezone.now())
    [reminder] = reminders_about(world.case)
    assert "Det er ikke registrert kontakt med Kari Nordmann siden oppfølgingen startet 07.11.2026" in reminder.body


def test_ended_and_paused_cases_get_no_reminder(world, clock):
    started(world, 100)
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.DORMANT)
    FollowUp.objects.filter(pk=world.other_case.pk).update(
        status=FollowUp.Status.ENDED, ended_on=DAY, started_on=DAY - datetime.timedelta(days=100)
    )
    assert reminders.quiet_user_reminders(timezone.now()) == 0
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.INTAKE)
    assert reminders.quiet_user_reminders(timezone.now()) == 1


def test_the_command_runs_it_and_a_second_run_sends_nothing_twice(world, clock):
    started(world, 30)
    call_command("run_reminders", stdout=io.StringIO())
    call_command("run_reminders", stdout=io.StringIO())
    assert len(reminders_about(world.case)) == 1


def test_the_reminders_query_count_does_not_grow_with_the_cases(world, clock, django_assert_max_num_queries):
    from tests import factories as f

    started(world, 30)
    for _ in range(20):
        f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person,
                          started_on=DAY - datetime.timedelta(days=40),
                          service_user=f.ServiceUserFactory(municipality=world.municipality))
    with django_assert_max_num_queries(8):
        assert reminders.quiet_user_reminders(timezone.now()) == 21


# --- the case page: the same answer, read off the newest entries --------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "days", "attempt_days_ago"),
    [
        ([], 100, None),  # no entries: counted from the start
        ([(Kind.PHONE, 20)], 20, None),
        ([(Kind.PHONE, 20), (Kind.NOT_MET, 2), (Kind.NOT_MET, 1)], 20, 1),  # the contact is among the newest three
        ([(Kind.PHONE, 20), (Kind.NOT_MET, 3), (Kind.NOT_MET, 2), (Kind.NOT_MET, 1)], 20, 1),  # three attempts after
        ([(Kind.NOT_MET, 30), (Kind.NOT_MET, 16)], 100, 16),  # only attempts, and they are all there is
        ([(Kind.NOT_MET, 40), (Kind.NOT_MET, 30), (Kind.NOT_MET, 20), (Kind.NOT_MET, 16)], 100, 16),
        ([(Kind.NOT_MET, 25), (Kind.HOME_VISIT, 20)], 20, None),  # an attempt before the contact is not shown
        ([(Kind.CONVERSATION, 30), (Kind.PHONE, 1)], None, None),  # not quiet
    ],
)
def test_the_case_page_tells_the_same_quiet_spell_as_the_worklist(client, world, clock, entries, days,
                                                                  attempt_days_ago):
    case = started(world, 100)
    for kind, days_ago in entries:
        log(world, kind, days_ago)
    expected = followup_log.quiet_info(world.trust_person, [case]).get(case.pk)
    response = login(client, world.trust_person).get(reverse("followup_detail", args=[case.pk]))
    shown = response.context["log"].quiet
    if days is None:
        assert shown is None and not expected.is_quiet
        return
    assert shown == expected
    assert shown.days == days and shown.never == all(kind == Kind.NOT_MET for kind, _ in entries)
    assert shown.last_attempt == (at(DAY - datetime.timedelta(days=attempt_days_ago), 8) if attempt_days_ago else None)
    assert f"Ingen kontakt på {days} dager" in response.content.decode()
