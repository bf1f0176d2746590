"""Continuity: sick days, holidays, deputies, contact now, coverage gaps, handovers, reminders."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator import continuity
from koordinator.models import Absence, Appointment, FollowUp, Membership, Notification
from koordinator.outbox.sender import send_due
from koordinator.services import ServiceError
from koordinator.timeutil import at
from tests import factories as f
from tests.koordinator.test_outbox import RecordingSms

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.koordinator.test_outbox.RecordingSms"
    RecordingSms.calls = []
    RecordingSms.fail_for = set()
    return RecordingSms


@pytest.fixture
def team(world):
    """The world's unit with phones set, and a standing deputy for the trust person."""
    for user, phone in ((world.trust_person, "+4790000010"), (world.deputy, "+4790000020"),
                        (world.other_trust_person, "+4790000030")):
        user.phone = phone
        user.first_name = {world.trust_person: "Tora", world.deputy: "Dag",
                           world.other_trust_person: "Odd"}[user]
        user.last_name = "Hansen"
        user.save()
    world.owner_su.phone = "+4791111111"
    world.owner_su.save()
    return world


def home_visit(world, when: datetime.datetime) -> Appointment:
    return Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person, starts_at=when,
        place=Appointment.Place.HOME, about="Hjemmebesøk", created_by=world.trust_person,
    )


def test_the_sick_day_end_to_end(team, sms):
    w = team
    with time_machine.travel(at(MONDAY, 7, 30), tick=False):
        visit = home_visit(w, at(MONDAY, 10))
        result = continuity.register_absence(
            w.leader, w.trust_person, kind="sykmelding", starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=2)
        )
        assert result.announced and result.covered == [visit]
        visit.refresh_from_db()
        assert visit.trust_person == w.deputy and visit.status == "covered"
        assert visit.original_trust_person == w.trust_person

        call_command("send_notifications", "--once")
        call_command("run_reminders")
        call_command("send_notifications", "--once")

        to_user = [text for to, text, _ in sms.calls if to == "+4791111111"]
        visit_sms = [t for t in to_user if "kommer i stedet" in t]
        assert len(visit_sms) == 1
        assert "Dag Hansen" in visit_sms[0] and "10.00" in visit_sms[0]
        absence_sms = [t for t in to_user if "er borte fra" in t]
        assert len(absence_sms) == 1 and "Dag Hansen" in absence_sms[0] and "25.11.2026" in absence_sms[0]
        # The deputy has the handover, in the app and as a list.
        assert Notification.objects.filter(recipient_user=w.deputy, channel="in_app",
                                           subject__contains="Overføring").count() == 1
        [(absence, entries)] = continuity.handovers_for(w.deputy)
        assert [e.case for e in entries] == [w.case]
        assert any("Hjemmebesøk" in item.text for item in entries[0].items)

        # Both commands again: nothing new is written or sent.
        before_sms, before_rows = len(sms.calls), Notification.objects.count()
        call_command("run_reminders")
        call_command("send_notifications", "--once")
        assert len(sms.calls) == before_sms and Notification.objects.count() == before_rows


def test_an_appointment_today_goes_out_by_sms_even_if_the_user_prefers_email(team, sms):
    w = team
    w.owner_su.email = "kari@example.no"
    w.owner_su.preferred_channel = "email"
    w.owner_su.save()
    with time_machine.travel(at(MONDAY, 7, 30), tick=False):
        home_visit(w, at(MONDAY, 10))
        continuity.register_absence(w.leader, w.trust_person, kind="sykmelding", starts_on=MONDAY, ends_on=MONDAY)
        visit_note = Notification.objects.get(subject__contains="kommer i stedet")
        assert visit_note.channel == "sms"
        # The general absence notice follows the user's preference.
        assert Notification.objects.get(subject__contains="er borte").channel == "email"


def test_a_visit_is_cancelled_when_no_deputy_is_free(team, sms):
    w = team
    with time_machine.travel(at(MONDAY, 7, 30), tick=False):
        Absence.objects.create(person=w.deputy, kind="ferie", starts_on=MONDAY, ends_on=MONDAY,
                               registered_by=w.deputy)
        visit = home_visit(w, at(MONDAY, 10))
        result = continuity.register_absence(w.leader, w.trust_person, kind="sykmelding",
                                             starts_on=MONDAY, ends_on=MONDAY)
        visit.refresh_from_db()
        assert visit.status == "cancelled" and result.cancelled == [visit]
        assert result.gaps and "også borte" in result.gaps[0].reason
        send_due()
        [text] = [t for to, t, _ in sms.calls if "avlyst" in t]
        assert "Vi tar kontakt" in text


@pytest.fixture
def monday_morning():
    """Monday 09:00, set before the world is built: its cases start that day, so none has gone quiet (no contact
    for weeks, a reminder of its own) by the time the test moves on. Built on today's date and moved back to
    Monday, the cases would be quiet whenever today is a few weeks before that Monday."""
    with time_machine.travel(at(MONDAY, 9), tick=False) as traveller:
        yield traveller


def test_a_holiday_registered_two_weeks_ahead_is_announced_the_day_before_once(monday_morning, team, sms):
    w = team
    clock = monday_morning
    start = MONDAY + datetime.timedelta(days=14)
    result = continuity.register_absence(w.trust_person, w.trust_person, kind="ferie", starts_on=start,
                                         ends_on=start + datetime.timedelta(days=13), announce_return=True)
    assert not result.announced
    for _ in range(12):  # every day until the day before, nothing goes out
        call_command("run_reminders")
        call_command("send_notifications", "--once")
        assert sms.calls == []
        clock.shift(datetime.timedelta(days=1))
    clock.move_to(at(start - datetime.timedelta(days=1), 11, 59))
    call_command("run_reminders")
    # Nothing about the absence yet (the staff's in-app reminder of a quality-of-life round due is another matter).
    assert sms.calls == [] and Notification.objects.exclude(dedupe_key__startswith="qol:").count() == 0
    clock.move_to(at(start - datetime.timedelta(days=1), 12, 5))
    for _ in range(3):
        call_command("run_reminders")
        call_command("send_notifications", "--once")
    told = [t for to, t, _ in sms.calls if to == "+4791111111"]
    assert len(told) == 1 and "Dag Hansen" in told[0]
    # The morning after the holiday: «Tora Hansen er tilbake», once.
    clock.move_to(at(start + datetime.timedelta(days=14), 9))
    call_command("run_reminders")
    call_command("run_reminders")
    call_command("send_notifications", "--once")
    back = [t for to, t, _ in sms.calls if "tilbake" in t]
    assert len(back) == 1 and "Tora Hansen" in back[0]


def test_two_overlapping_absences_show_as_a_gap_and_the_second_registration_warns(team):
    w = team
    with time_machine.travel(at(MONDAY, 9), tick=False):
        first = continuity.register_absence(w.deputy, w.deputy, kind="kurs", starts_on=MONDAY,
                                            ends_on=MONDAY + datetime.timedelta(days=4))
        assert first.gaps == [] or all(g.case != w.case for g in first.gaps)
        second = continuity.register_absence(w.leader, w.trust_person, kind="sykmelding",
                                             starts_on=MONDAY + datetime.timedelta(days=2),
                                             ends_on=MONDAY + datetime.timedelta(days=6))
        assert [g.case for g in second.gaps] == [w.case]
        report = continuity.coverage_gaps(w.leader)
        assert [case for case, _, _ in report.uncovered] == [w.case]


def test_trust_persons_without_a_deputy_are_listed_for_the_leader(team):
    report = continuity.coverage_gaps(team.leader)
    assert team.trust_person in report.without_deputy
    continuity.set_standing_deputy(team.leader, team.trust_person, team.other_trust_person)
    assert team.trust_person not in continuity.coverage_gaps(team.leader).without_deputy


def test_a_case_without_any_deputy_is_a_gap_when_the_trust_person_is_away(team):
    w = team
    FollowUp.objects.filter(pk=w.case.pk).update(deputy=None)
    with time_machine.travel(at(MONDAY, 9), tick=False):
        result = continuity.register_absence(w.trust_person, w.trust_person, kind="kurs",
                                             starts_on=MONDAY, ends_on=MONDAY)
    assert result.gaps and "ingen stedfortreder" in result.gaps[0].reason


def test_contact_now_follows_the_clock(team):
    w = team
    case = FollowUp.objects.select_related("trust_person", "deputy", "unit").get(pk=w.case.pk)
    Absence.objects.create(person=w.trust_person, kind="ferie", starts_on=MONDAY + datetime.timedelta(days=1),
                           ends_on=MONDAY + datetime.timedelta(days=2), registered_by=w.trust_person)
    Absence.objects.create(person=w.deputy, kind="kurs", starts_on=MONDAY + datetime.timedelta(days=2),
                           ends_on=MONDAY + datetime.timedelta(days=2), registered_by=w.deputy)
    assert continuity.contact_now(case, MONDAY).role == "primary"
    tuesday = continuity.contact_now(case, MONDAY + datetime.timedelta(days=1))
    assert tuesday.role == "deputy" and tuesday.person == w.deputy and tuesday.until == MONDAY + datetime.timedelta(days=2)
    wednesday = continuity.contact_now(case, MONDAY + datetime.timedelta(days=2))
    assert wednesday.role == "duty" and wednesday.phone == w.unit.duty_phone
    assert continuity.contact_now(case, MONDAY + datetime.timedelta(days=3)).role == "primary"


def test_the_standing_deputy_covers_cases_without_their_own_and_is_inside_the_gate(team):
    w = team
    FollowUp.objects.filter(pk=w.case.pk).update(deputy=None)
    assert not FollowUp.objects.for_user(w.other_trust_person).filter(pk=w.case.pk).exists()
    continuity.set_standing_deputy(w.leader, w.trust_person, w.other_trust_person)
    assert FollowUp.objects.for_user(w.other_trust_person).filter(pk=w.case.pk).exists()
    case = FollowUp.objects.get(pk=w.case.pk)
    assert continuity.effective_deputy(case) == w.other_trust_person
    # A case's own deputy overrides the standing one, and takes the standing one out of the gate.
    FollowUp.objects.filter(pk=w.case.pk).update(deputy=w.deputy)
    assert not FollowUp.objects.for_user(w.other_trust_person).filter(pk=w.case.pk).exists()


def test_only_a_leader_sets_standing_deputies_and_only_within_the_unit(team):
    w = team
    with pytest.raises(PermissionDenied):
        continuity.set_standing_deputy(w.trust_person, w.trust_person, w.deputy)
    with pytest.raises(PermissionDenied):
        continuity.set_standing_deputy(w.other_leader, w.trust_person, w.deputy)
    outsider = f.UserFactory()
    with pytest.raises(ServiceError):
        continuity.set_standing_deputy(w.leader, w.trust_person, outsider)
    with pytest.raises(ServiceError):
        continuity.set_standing_deputy(w.leader, w.trust_person, w.trust_person)


def test_a_trust_person_cannot_register_an_absence_for_a_colleague(team):
    with pytest.raises(PermissionDenied):
        continuity.register_absence(team.trust_person, team.deputy, kind="ferie", starts_on=MONDAY, ends_on=MONDAY)


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [(3, 1, "ends_on"), (-5, -2, "ends_on")],
)
def test_bad_absence_dates_are_refused_and_nothing_is_saved(team, starts, ends, field):
    with time_machine.travel(at(MONDAY, 9), tick=False):
        with pytest.raises(ServiceError) as error:
            continuity.register_absence(team.trust_person, team.trust_person, kind="ferie",
                                        starts_on=MONDAY + datetime.timedelta(days=starts),
                                        ends_on=MONDAY + datetime.timedelta(days=ends))
    assert error.value.field == field
    assert Absence.objects.count() == 0


def test_overlapping_absences_for_the_same_person_are_refused(team):
    with time_machine.travel(at(MONDAY, 9), tick=False):
        continuity.register_absence(team.trust_person, team.trust_person, kind="ferie", starts_on=MONDAY,
                                    ends_on=MONDAY + datetime.timedelta(days=3))
        with pytest.raises(ServiceError):
            continuity.register_absence(team.trust_person, team.trust_person, kind="kurs",
                                        starts_on=MONDAY + datetime.timedelta(days=2),
                                        ends_on=MONDAY + datetime.timedelta(days=5))


def test_the_user_is_reminded_the_evening_before_at_six(team, sms):
    w = team
    with time_machine.travel(at(MONDAY, 9), tick=False) as clock:
        home_visit(w, at(MONDAY + datetime.timedelta(days=1), 10))
        call_command("run_reminders")
        call_command("run_reminders")
        [reminder] = Notification.objects.filter(subject__startswith="Påminnelse")
        assert reminder.due_at == at(MONDAY, 18)
        call_command("send_notifications", "--once")
        assert sms.calls == []
        clock.move_to(at(MONDAY, 18, 1))
        call_command("send_notifications", "--once")
        [(_, text, _)] = sms.calls
        assert "24.11.2026 kl. 10.00" in text and "hjemme hos deg" in text


def test_a_cancelled_appointment_is_not_reminded(team, sms):
    w = team
    with time_machine.travel(at(MONDAY, 9), tick=False) as clock:
        visit = home_visit(w, at(MONDAY + datetime.timedelta(days=1), 10))
        call_command("run_reminders")
        continuity.cancel_appointment(w.trust_person, visit, "Syk")
        clock.move_to(at(MONDAY, 18, 30))
        call_command("send_notifications", "--once")
    assert [t for _, t, _ in sms.calls if "Påminnelse" in t or "Husk" in t] == []
    assert any("avlyst" in t for _, t, _ in sms.calls)


def test_a_permanent_change_of_trust_person_needs_a_note_the_user_can_read(team, sms):
    w = team
    with pytest.raises(ServiceError):
        continuity.change_trust_person(w.leader, w.case, w.other_trust_person, "  ")
    with pytest.raises(PermissionDenied):
        continuity.change_trust_person(w.trust_person, w.case, w.other_trust_person, "notat")
    handover = continuity.change_trust_person(w.leader, w.case, w.other_trust_person, "Kari liker å møtes på kafé.")
    case = FollowUp.objects.get(pk=w.case.pk)
    assert case.trust_person == w.other_trust_person
    assert "Odd Hansen" in case.user_notice
    assert handover.note == "Kari liker å møtes på kafé."
    send_due()
    assert any("Odd Hansen" in t and "kontaktpersonen din" in t for _, t, _ in sms.calls)


def test_registering_an_absence_takes_the_same_number_of_queries_for_1_or_20_users(team):
    w = team

    def build(n_users: int, n_appointments: int, worker):
        Membership.objects.create(user=worker, organisation=w.unit, role=Membership.Role.TRUST_PERSON)
        cases = [
            f.FollowUpFactory(unit=w.unit, trust_person=worker, deputy=w.deputy,
                              service_user=f.ServiceUserFactory(municipality=w.municipality))
            for _ in range(n_users)
        ]
        for i in range(n_appointments):
            case = cases[i % len(cases)]
            Appointment.objects.create(follow_up=case, service_user=case.service_user, trust_person=worker,
                                       starts_at=at(MONDAY, 8 + i % 8, (i * 7) % 60), place="home",
                                       created_by=worker)

    def measure(worker):
        with CaptureQueriesContext(connection) as ctx:
            continuity.register_absence(w.leader, worker, kind="sykmelding", starts_on=MONDAY, ends_on=MONDAY)
        return len(ctx.captured_queries)

    with time_machine.travel(at(MONDAY, 7, 0), tick=False):
        small, large = f.UserFactory(phone="+4790000040"), f.UserFactory(phone="+4790000050")
        build(1, 1, small)
        build(20, 15, large)
        # Warm the caches (content types, the leader's roles) so both runs start alike.
        ContentType.objects.get_for_model(Appointment)
        measure(w.other_trust_person)
        q_small, q_large = measure(small), measure(large)
    assert Notification.objects.filter(subject__contains="er borte").count() == 22
    assert Appointment.objects.filter(status="covered").count() == 16
    assert q_small == q_large


def test_cancelling_an_absence_gives_covered_appointments_back_and_tells_the_users(team, sms):
    w = team
    with time_machine.travel(at(MONDAY, 7, 30), tick=False):
        later = home_visit(w, at(MONDAY, 14))
        result = continuity.register_absence(w.leader, w.trust_person, kind="sykmelding", starts_on=MONDAY,
                                             ends_on=MONDAY)
        later.refresh_from_db()
        assert later.trust_person == w.deputy
        continuity.cancel_absence(w.leader, result.absence)
        later.refresh_from_db()
        assert later.trust_person == w.trust_person and later.status == "planned"
        assert later.original_trust_person is None
        assert Notification.objects.filter(recipient_service_user=w.owner_su,
                                           subject__contains="likevel på jobb").count() == 1
        assert continuity.contact_now(FollowUp.objects.get(pk=w.case.pk)).role == "primary"
        with pytest.raises(ServiceError):
            continuity.cancel_absence(w.leader, result.absence)


def test_the_reminder_time_is_a_setting(team, sms, settings):
    settings.APPOINTMENT_REMINDER_DAYS_BEFORE = 2
    settings.APPOINTMENT_REMINDER_HOUR = 12
    with time_machine.travel(at(MONDAY, 9), tick=False):
        home_visit(team, at(MONDAY + datetime.timedelta(days=3), 10))
        call_command("run_reminders")
        [reminder] = Notification.objects.filter(subject__startswith="Påminnelse")
    assert reminder.due_at == at(MONDAY + datetime.timedelta(days=1), 12)
