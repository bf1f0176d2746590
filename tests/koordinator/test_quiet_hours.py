"""Quiet hours (issue 16): no SMS between SMS_QUIET_FROM (21.00) and SMS_QUIET_UNTIL (08.00), Norwegian time, unless
the notification is urgent; the outbox holds the rest until the window ends, without counting an attempt. In-app and
e-mail are never held. What is urgent: same-day changes of appointments and meetings, and the notice that the
emergency service opened the user's crisis plan.

Every test freezes the clock (time-machine) on a fixed week: Sunday 22 and Monday 23 November 2026.
"""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from koordinator import continuity
from koordinator.models import Appointment, DeliveryAttempt, Notification
from koordinator.outbox import build, notify, notify_many
from koordinator.outbox.sender import claim_batch, deliver, quiet_until, send_due
from koordinator.timeutil import at
from meetings import services as meeting_services
from meetings.models import Meeting
from plans.crisis import services as crisis_services
from tests import factories as f
from tests.plans.conftest import crisis_plan, emergency_member, legevakt  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SUNDAY = datetime.date(2026, 11, 22)
MONDAY = SUNDAY + datetime.timedelta(days=1)
_lock = threading.Lock()


class RecordingSms:
    calls: list[tuple[str, str, str]] = []

    def send(self, to, text, idempotency_key):
        with _lock:
            RecordingSms.calls.append((to, text, idempotency_key))


@pytest.fixture(autouse=True)
def quiet_hours(settings):
    settings.SMS_QUIET_FROM = "21:00"
    settings.SMS_QUIET_UNTIL = "08:00"
    settings.SMS_BACKEND = "tests.koordinator.test_quiet_hours.RecordingSms"
    RecordingSms.calls = []


@pytest.fixture
def person():
    return f.ServiceUserFactory(phone="+4791234567", email="kari@example.no", first_name="Kari",
                                last_name="Nordmann")


def sms(person, *, urgent: bool = False, body: str = "Hei") -> Notification:
    notice = build(person, "Beskjed", body, channel=Notification.Channel.SMS)
    notice.urgent = urgent
    return notify_many([notice])[0]


def sent_bodies() -> list[str]:
    """The texts sent, without the short «Ring meg» link an SMS to a service user ends with."""
    return [text.split("\n")[0] for _to, text, _key in RecordingSms.calls]


def test_at_20_59_an_sms_goes_out():
    person = f.ServiceUserFactory(phone="+4791234567")
    with time_machine.travel(at(MONDAY, 20, 59), tick=False):
        n = sms(person, body="Før stilletiden")
        result = send_due()
    n.refresh_from_db()
    assert n.state == Notification.State.SENT and result.sent == 1 and result.held == 0
    assert sent_bodies() == ["Før stilletiden"]


def test_at_21_00_it_is_held_until_08_00_without_an_attempt_and_goes_out_then(person):
    with time_machine.travel(at(MONDAY, 21, 0), tick=False) as traveller:
        n = sms(person, body="Holdes til morgenen")
        result = send_due()
        n.refresh_from_db()
        assert result.held == 1 and result.sent == 0
        assert n.state == Notification.State.PENDING and n.attempts == 0
        assert n.next_attempt_at == at(MONDAY + datetime.timedelta(days=1), 8, 0)
        assert not DeliveryAttempt.objects.exists() and RecordingSms.calls == []
        # Passes through the night send nothing and hold nothing twice.
        for moment in (at(MONDAY, 23, 30), at(MONDAY + datetime.timedelta(days=1), 7, 59, )):
            traveller.move_to(moment)
            again = send_due()
            assert (again.sent, again.held) == (0, 0)
        assert RecordingSms.calls == []
        traveller.move_to(at(MONDAY + datetime.timedelta(days=1), 8, 0))
        morning = send_due()
    n.refresh_from_db()
    assert morning.sent == 1 and n.state == Notification.State.SENT and n.attempts == 1
    assert sent_bodies() == ["Holdes til morgenen"]


def test_an_urgent_sms_goes_out_at_23_55_on_a_sunday(person):
    with time_machine.travel(at(SUNDAY, 23, 55), tick=False):
        urgent = sms(person, urgent=True, body="Avtalen i dag er avlyst")
        ordinary = sms(person, body="Kan vente")
        result = send_due()
    urgent.refresh_from_db()
    ordinary.refresh_from_db()
    assert urgent.state == Notification.State.SENT
    assert ordinary.state == Notification.State.PENDING and ordinary.attempts == 0
    assert ordinary.next_attempt_at == at(MONDAY, 8, 0)
    assert sent_bodies() == ["Avtalen i dag er avlyst"] and result.held == 1


def test_sunday_night_the_held_one_goes_out_at_08_00_on_monday_morning(person):
    with time_machine.travel(at(SUNDAY, 22, 30), tick=False) as traveller:
        n = sms(person, body="Søndag kveld")
        send_due()
        traveller.move_to(at(MONDAY, 0, 30))
        send_due()
        traveller.move_to(at(MONDAY, 7, 59, ))
        send_due()
        assert RecordingSms.calls == []
        traveller.move_to(at(MONDAY, 8, 0))
        send_due()
    n.refresh_from_db()
    assert n.state == Notification.State.SENT and sent_bodies() == ["Søndag kveld"]


def test_an_sms_due_in_the_early_morning_waits_for_08_00_the_same_day(person):
    with time_machine.travel(at(MONDAY, 6, 15), tick=False):
        n = sms(person)
        send_due()
    n.refresh_from_db()
    assert n.state == Notification.State.PENDING and n.next_attempt_at == at(MONDAY, 8, 0)


def test_in_app_and_email_are_not_held(person):
    staff = f.UserFactory(email="tillit@example.no")
    with time_machine.travel(at(SUNDAY, 23, 0), tick=False):
        in_app = notify(staff, "Ny melding", "Hei", channel=Notification.Channel.IN_APP)
        email = notify(person, "Ny melding", "Hei", channel=Notification.Channel.EMAIL)
        send_due()
    assert Notification.objects.get(pk=in_app.pk).state == Notification.State.SENT
    assert Notification.objects.get(pk=email.pk).state == Notification.State.SENT


def test_a_claim_made_at_20_59_59_is_not_sent_at_21_00_and_goes_back_without_an_attempt(person):
    with time_machine.travel(at(MONDAY, 20, 59, ) + datetime.timedelta(seconds=59), tick=False) as traveller:
        n = sms(person)
        assert claim_batch("w1", 10) == [n.pk]
        traveller.move_to(at(MONDAY, 21, 0))
        assert deliver(n.pk, "w1") == "held"
    n.refresh_from_db()
    assert n.state == Notification.State.PENDING and n.claimed_by == "" and n.attempts == 0
    assert n.next_attempt_at == at(MONDAY + datetime.timedelta(days=1), 8, 0)
    assert RecordingSms.calls == [] and not DeliveryAttempt.objects.exists()


def test_a_retry_that_falls_in_the_quiet_hours_waits_for_the_morning(person):
    with time_machine.travel(at(MONDAY, 20, 30), tick=False) as traveller:
        n = sms(person)
        Notification.objects.filter(pk=n.pk).update(attempts=2, next_attempt_at=at(MONDAY, 21, 10))
        traveller.move_to(at(MONDAY, 21, 15))
        send_due()
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at == at(MONDAY + datetime.timedelta(days=1), 8, 0)


def test_the_window_and_its_end_in_norwegian_time_across_midnight_and_summer_time(settings):
    assert quiet_until(at(MONDAY, 20, 59)) is None
    assert quiet_until(at(MONDAY, 8, 0)) is None
    assert quiet_until(at(MONDAY, 21, 0)) == at(MONDAY + datetime.timedelta(days=1), 8, 0)
    assert quiet_until(at(MONDAY, 0, 0)) == at(MONDAY, 8, 0)
    # The night summer time begins (29 March 2026): the window still ends at 08.00 Oslo time.
    spring = datetime.date(2026, 3, 28)
    assert quiet_until(at(spring, 22, 0)) == at(spring + datetime.timedelta(days=1), 8, 0)
    # Configurable; equal or empty settings: no quiet hours.
    settings.SMS_QUIET_FROM, settings.SMS_QUIET_UNTIL = "12:00", "13:00"
    assert quiet_until(at(MONDAY, 12, 30)) == at(MONDAY, 13, 0)
    assert quiet_until(at(MONDAY, 21, 30)) is None
    settings.SMS_QUIET_FROM = settings.SMS_QUIET_UNTIL = "21:00"
    assert quiet_until(at(MONDAY, 23, 0)) is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_claim_in_the_quiet_hours_still_uses_the_sendable_index(person):
    from koordinator.outbox.sender import _due

    with time_machine.travel(at(MONDAY, 22, 0), tick=False):
        sms(person)
        due = _due(at(MONDAY, 22, 0)).exclude(channel=Notification.Channel.SMS, urgent=False)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = due.explain()
    # An index serves the claim, not a walk of the table. Which index the planner picks on a tiny table is its own
    # choice (the sendable index, or state and due time: both bound the rows to what is pending and due).
    assert "Seq Scan" not in plan and "Index" in plan


# --- what is urgent ------------------------------------------------------------------------------------------------


def test_a_change_to_todays_appointment_is_urgent_and_a_later_one_is_not(world):
    with time_machine.travel(at(MONDAY, 9, 0), tick=False):
        today = continuity.create_appointment(world.trust_person, world.case, starts_at=at(MONDAY, 14, 0),
                                              place=Appointment.Place.OFFICE)
        later = continuity.create_appointment(world.trust_person, world.case,
                                              starts_at=at(MONDAY + datetime.timedelta(days=3), 14, 0),
                                              place=Appointment.Place.OFFICE)
        tomorrow = continuity.create_appointment(world.trust_person, world.case,
                                                 starts_at=at(MONDAY + datetime.timedelta(days=1), 10, 0),
                                                 place=Appointment.Place.OFFICE)
        Notification.objects.all().delete()
        continuity.cancel_appointment(world.trust_person, today)
        continuity.move_appointment(world.trust_person, later, at(MONDAY + datetime.timedelta(days=4), 14, 0))
        # Moved from tomorrow to this afternoon: a change for today.
        continuity.move_appointment(world.trust_person, tomorrow, at(MONDAY, 16, 0))

    def urgent(appointment) -> set[bool]:
        return set(Notification.objects.filter(about_id=appointment.pk, recipient_service_user=world.owner_su,
                                               about_type=ContentType.objects.get_for_model(Appointment))
                   .values_list("urgent", flat=True))

    assert urgent(today) == {True}
    assert urgent(later) == {False}
    assert urgent(tomorrow) == {True}


def test_a_change_to_todays_meeting_is_urgent_and_a_later_one_is_not(world):
    with time_machine.travel(at(MONDAY, 9, 0), tick=False):
        group = meeting_services.create_group(world.trust_person, world.case)
        today = meeting_services.schedule_meeting(world.trust_person, group, starts_at=at(MONDAY, 14, 0),
                                                  place=Meeting.Place.OFFICE)
        later = meeting_services.schedule_meeting(world.trust_person, group,
                                                  starts_at=at(MONDAY + datetime.timedelta(days=7), 14, 0),
                                                  place=Meeting.Place.OFFICE)
        assert not Notification.objects.filter(urgent=True).exists()  # a new meeting is not a change
        meeting_services.change_meeting(world.trust_person, today, starts_at=at(MONDAY, 15, 0), reason="Rom")
        meeting_services.change_meeting(world.trust_person, later,
                                        starts_at=at(MONDAY + datetime.timedelta(days=8), 14, 0), reason="Ferie")
        changed_today = set(Notification.objects.filter(about_id=today.pk, recipient_service_user=world.owner_su,
                                                        about_type=ContentType.objects.get_for_model(Meeting))
                            .values_list("urgent", flat=True))
        meeting_services.cancel_meeting(world.trust_person, today, "Syk")
    user_notes = Notification.objects.filter(recipient_service_user=world.owner_su,
                                             about_type=ContentType.objects.get_for_model(Meeting))
    assert changed_today == {False, True}  # the invitation, then the change
    assert list(user_notes.filter(about_id=today.pk).order_by("pk").values_list("urgent", flat=True)) \
        == [False, True, True]
    assert not user_notes.filter(about_id=later.pk, urgent=True).exists()


def test_the_notice_that_the_emergency_service_opened_the_crisis_plan_is_urgent(
        world, crisis_plan, emergency_member):  # noqa: F811 - fixtures
    Notification.objects.all().delete()
    with time_machine.travel(at(SUNDAY, 23, 55), tick=False):
        crisis_services.open_emergency_access(emergency_member, world.owner_su,
                                              "Kom inn på legevakten i natt, vi trenger å vite hvem vi skal ringe.")
        notice = Notification.objects.get(recipient_service_user=world.owner_su)
        assert notice.urgent and notice.channel == Notification.Channel.SMS
        send_due()
    notice.refresh_from_db()
    assert notice.state == Notification.State.SENT
    assert any("kriseplanen din" in body for body in sent_bodies())
