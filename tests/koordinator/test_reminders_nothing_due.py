"""``run_reminders`` with nothing due: the appointments and the quiet cases already reminded are left out by the
database (``outbox.already_written``, the key built from the row), so a run costs the same queries whether or not
there are such rows (issue 11: at the national size they were all read and skipped in Python, 1.3 s and 3.5 s).
A new time, another trust person or a new quiet spell is still reminded."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koordinator import followup_log, reminders
from koordinator.continuity import services as continuity
from koordinator.models import Appointment, FollowUp, FollowUpEntry, Notification
from koordinator.timeutil import at
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(world):
    # After every reminder hour of the day. The world's own cases are paused: only the rows added here are in play.
    FollowUp.objects.filter(pk__in=[world.case.pk, world.other_case.pk]).update(status=FollowUp.Status.DORMANT)
    moment = at(timezone.localdate(), 19)
    with time_machine.travel(moment, tick=False):
        yield moment


def run(now) -> tuple[int, dict[str, int]]:
    with CaptureQueriesContext(connection) as queries:
        counts = reminders.run_all(now)
    return len(queries), counts


def queries_of(reminder, now) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert reminder(now) == 0
    return len(queries)


def quiet_case(world, days: int) -> FollowUp:
    return f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person, status=FollowUp.Status.ACTIVE,
                             started_on=timezone.localdate() - datetime.timedelta(days=days),
                             service_user=f.ServiceUserFactory(municipality=world.municipality))


def add_candidates(world, now) -> list[Appointment]:
    """Three appointments tomorrow (one on the minute, one with microseconds in its time, one the deputy covers)
    and four quiet cases (never contacted; last contact 20 days ago at 00.30, the UTC day before in Oslo)."""
    today = timezone.localdate(now)
    tomorrow = today + datetime.timedelta(days=1)
    cases = [quiet_case(world, 40) for _ in range(4)]
    for case in cases[1:]:
        followup_log.create_entry(world.trust_person, case, kind=FollowUpEntry.Kind.PHONE,
                                  started_at=at(today - datetime.timedelta(days=20), 0, 30))
    appointments = [
        continuity.create_appointment(world.trust_person, cases[0], starts_at=at(tomorrow, 9), place="office"),
        continuity.create_appointment(world.trust_person, cases[1], starts_at=at(tomorrow, 11), place="office"),
        continuity.create_appointment(world.trust_person, cases[2], starts_at=at(tomorrow, 13), place="office",
                                      trust_person=world.deputy),
    ]
    Appointment.objects.filter(pk=appointments[1].pk).update(
        starts_at=at(tomorrow, 11) + datetime.timedelta(microseconds=250))
    return appointments


def test_nothing_due_costs_the_same_queries_with_and_without_rows_already_reminded(world, now):
    run(now)  # whatever the world has due
    without, counts = run(now)
    assert set(counts.values()) == {0}

    add_candidates(world, now)
    _, counts = run(now)
    assert counts["avtaler"] == 3 and counts["stille brukere"] == 4
    with_rows, counts = run(now)
    assert set(counts.values()) == {0}
    assert with_rows == without, f"{without} queries with no rows, {with_rows} with rows already reminded"
    # Each of the two reads nothing it would skip: one query, the candidates with the reminded left out.
    assert queries_of(reminders.appointment_reminders, now) == 1
    assert queries_of(reminders.quiet_user_reminders, now) == 1


def test_a_new_time_another_trust_person_and_a_new_spell_are_still_reminded(world, now):
    first, second, covered = add_candidates(world, now)
    reminders.run_all(now)
    Appointment.objects.filter(pk=first.pk).update(starts_at=first.starts_at + datetime.timedelta(minutes=30))
    Appointment.objects.filter(pk=covered.pk).update(trust_person=world.trust_person)
    assert reminders.appointment_reminders(now) == 2
    assert reminders.appointment_reminders(now) == 0
    keys = set(Notification.objects.filter(dedupe_key__startswith="appointment:").values_list("dedupe_key", flat=True))
    first.refresh_from_db()
    covered.refresh_from_db()
    assert {reminders.appointment_reminder_key(first), reminders.appointment_reminder_key(covered)} <= keys

    # A contact archived (written on the wrong case) moves the spell's start back: a spell of its own.
    case = second.follow_up
    [entry] = FollowUpEntry.objects.filter(follow_up=case)
    assert reminders.quiet_user_reminders(now) == 0
    followup_log.archive_entry(world.trust_person, entry, "Feil person")
    assert reminders.quiet_user_reminders(now) == 1
    assert reminders.quiet_user_reminders(now) == 0
    assert Notification.objects.filter(dedupe_key=f"followup:{case.pk}:quiet:{case.started_on.isoformat()}").exists()
