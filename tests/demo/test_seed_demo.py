"""``manage.py seed_demo``: the demo world, idempotent, isolated between municipalities.

The demo is loaded once for the package (``tests/demo/conftest.py``); seeding again, and sending the outbox, happen
inside each test's own transaction. Seeding on another day and hour, and the refusal in production, are in
``tests/koordinator/test_seed_demo.py``."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from demo import core as demo
from koordinator import continuity, outbox
from koordinator.models import (
    Absence,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    Membership,
    NextOfKin,
    Notification,
    ServiceUser,
    User,
)
from koordinator.phone import normalise_phone
from tests.demo.world import row_counts

pytestmark = pytest.mark.django_db


CONTINUITY_TABLES = (
    "koordinator.Notification",
    "koordinator.HistoricalNotification",
    "koordinator.Absence",
    "koordinator.HistoricalAbsence",
    "koordinator.Appointment",
    "koordinator.HistoricalAppointment",
    "koordinator.DeputyArrangement",
    "koordinator.HistoricalDeputyArrangement",
)


def test_running_it_again_adds_no_row_to_any_table_history_included(settings):
    first = row_counts()
    assert first["koordinator.HistoricalFollowUp"] > 0
    for table in CONTINUITY_TABLES:
        assert first[table] > 0, table  # so the comparison below covers the continuity data too
    # ... and the plans' and meetings' data, with more than one version of steps and minutes.
    assert first["plans.Plan"] > 0 and first["plans.HistoricalStep"] > first["plans.Step"]
    assert first["meetings.Group"] > 0 and first["meetings.HistoricalMinutes"] > first["meetings.Minutes"]
    assert first["koordinator.FollowUpEntry"] > 0 and first["plans.CrisisPlan"] > 0
    # With DEBUG on (as under `make run`), it runs without --force.
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert row_counts() == first
    output = out.getvalue()
    assert "ingenting ble endret" in output
    # The log-ins are listed on every run, the README's included.
    for username in ("leder", "nav1", "dps1", "lege1", "admin", "leder_malvik", "tillit1", "bruker1"):
        assert username in output


def test_the_leader_and_every_trust_person_have_a_norwegian_mobile_number():
    numbers = dict(
        User.objects.filter(username__in=["leder"] + [f"tillit{i}" for i in range(1, 7)]).values_list(
            "username", "phone"
        )
    )
    assert len(numbers) == 7
    for username, phone in numbers.items():
        assert normalise_phone(phone) == phone, username
        assert phone[3] in "49", f"{username}: {phone} is not a mobile number"
    assert len(set(numbers.values())) == 7


def test_the_leader_gave_tillit1_to_tillit5_a_standing_deputy_and_tillit6_none():
    pairs = set(DeputyArrangement.objects.values_list("trust_person__username", "deputy__username"))
    assert pairs == {
        ("tillit1", "tillit2"),
        ("tillit2", "tillit1"),
        ("tillit3", "tillit4"),
        ("tillit4", "tillit3"),
        ("tillit5", "tillit6"),
    }
    assert set(DeputyArrangement.history.values_list("history_user__username", flat=True)) == {"leder"}
    report = continuity.coverage_gaps(User.objects.get(username="leder"))
    assert [u.username for u in report.without_deputy] == ["tillit6"]


def test_tillit3_is_off_sick_today_and_the_home_visit_at_ten_goes_to_the_deputy():
    today = timezone.localdate()
    absence = Absence.objects.covering(today).get(person__username="tillit3")
    assert absence.kind == Absence.Kind.SICK_LEAVE
    assert absence.registered_by.username == "leder"
    assert (absence.starts_on, absence.ends_on) == (today, today + datetime.timedelta(days=2))
    assert absence.announced_at is not None  # begun today, so every user was told at once
    visit = Appointment.objects.get(service_user__user__username="bruker4")
    assert timezone.localtime(visit.starts_at).date() == today
    assert timezone.localtime(visit.starts_at).time() == datetime.time(10)
    assert visit.place == Appointment.Place.HOME
    assert (visit.trust_person.username, visit.original_trust_person.username) == ("tillit4", "tillit3")
    assert visit.status == Appointment.Status.COVERED
    assert visit.history.earliest("history_date").history_user.username == "tillit3"
    # tillit4 (the standing deputy) has the handover list for tillit3's users.
    handovers = continuity.handovers_for(User.objects.get(username="tillit4"))
    assert absence.pk in [a.pk for a, _ in handovers]
    # Every one of tillit3's users has been told who to contact instead.
    users = (
        FollowUp.objects.open()
        .filter(trust_person__username="tillit3")
        .values_list("service_user", flat=True)
    )
    told = Notification.objects.filter(dedupe_key__startswith=f"absence:{absence.pk}:user:")
    assert set(told.values_list("recipient_service_user", flat=True)) == set(users)


def test_tillit3s_user_with_a_login_sees_the_notice_and_the_deputy_as_contact_now():
    bruker4 = User.objects.get(username="bruker4")
    su = ServiceUser.objects.get(user=bruker4)
    contact = continuity.my_contact_now(su)
    assert (contact.role, contact.person.username) == ("deputy", "tillit4")
    subjects = list(outbox.inbox(bruker4).values_list("subject", flat=True))
    assert "Ingrid Moe er borte – dette er kontakten din" in subjects
    assert "Endring: Thomas Bakken kommer i stedet" in subjects
    assert outbox.unread_count(bruker4) >= 2
    # The deputy sees the handover in the bell at once.
    assert outbox.unread_count(User.objects.get(username="tillit4")) >= 1


def test_tillit2_is_on_holiday_from_next_monday_for_two_weeks_announced_the_day_before():
    today = timezone.localdate()
    holiday = Absence.objects.get(person__username="tillit2")
    assert holiday.kind == Absence.Kind.HOLIDAY
    assert holiday.registered_by.username == "tillit2"
    assert holiday.starts_on.weekday() == 0 and today < holiday.starts_on <= today + datetime.timedelta(
        days=7
    )
    assert holiday.ends_on == holiday.starts_on + datetime.timedelta(days=13)
    assert holiday.announce_return
    assert holiday.announced_at is None  # run_reminders tells the users the day before
    # bruker2's meeting in the holiday was handed to the case's deputy when the holiday was registered, and
    # bruker2 was told at once; nobody else has heard of the holiday yet.
    meeting = Appointment.objects.get(service_user__user__username="bruker2")
    assert holiday.starts_on <= timezone.localtime(meeting.starts_at).date() <= holiday.ends_on
    assert (meeting.trust_person.username, meeting.status) == ("tillit1", Appointment.Status.COVERED)
    told = Notification.objects.filter(dedupe_key__startswith=f"absence:{holiday.pk}:")
    assert list(told.values_list("dedupe_key", flat=True)) == [f"absence:{holiday.pk}:appointment:{meeting.pk}"]


def test_appointments_this_week_and_next_include_bruker1_at_a_cafe_with_tillit1_tomorrow():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cafe = Appointment.objects.get(service_user__user__username="bruker1", place=Appointment.Place.CAFE)
    assert timezone.localtime(cafe.starts_at).date() == tomorrow
    assert timezone.localtime(cafe.starts_at).time() == datetime.time(10)
    assert cafe.trust_person.username == "tillit1"
    assert Appointment.objects.filter(service_user__user__username="bruker1").count() == 2
    assert Appointment.objects.values("trust_person").distinct().count() >= 5
    # Booked by the trust person through the service, so the history says who.
    assert cafe.history.earliest("history_date").history_user.username == "tillit1"


def test_sms_and_email_wait_in_the_outbox_for_send_notifications():
    waiting = Notification.objects.filter(
        state=Notification.State.PENDING, channel__in=[Notification.Channel.SMS, Notification.Channel.EMAIL]
    )
    assert waiting.filter(channel=Notification.Channel.SMS).exists()
    assert not Notification.objects.exclude(state=Notification.State.PENDING).exists()
    out = io.StringIO()
    call_command("send_notifications", once=True, stdout=out)
    assert not waiting.exists()


def test_every_login_in_the_readme_exists_and_authenticates_with_the_demo_password():
    request = RequestFactory().post("/logg-inn/")
    expected = {"leder", "nav1", "dps1", "lege1", "admin", "leder_malvik"}
    expected |= {f"tillit{i}" for i in range(1, 7)} | {f"bruker{i}" for i in range(1, 6)}
    assert expected <= {login.username for login in demo.all_logins()}
    for username in expected:
        user = authenticate(request, username=username, password=demo.PASSWORD)
        assert user is not None, username
        # A wrong password fails (checked directly: repeated failures through authenticate() trip axes).
        assert not user.check_password("feil-passord")


def test_the_system_user_cannot_log_in():
    system = User.objects.get(username=demo.SYSTEM_USERNAME)
    assert not system.has_usable_password()
    assert not system.is_active


def test_each_login_has_the_role_it_is_listed_with():

    def roles(username):
        return set(
            Membership.objects.filter(user__username=username).values_list("role", "organisation__name")
        )

    assert roles("leder") == {(Membership.Role.LEADER, "Oppfølgingstjenesten Øst")}
    assert roles("tillit6") == {(Membership.Role.TRUST_PERSON, "Oppfølgingstjenesten Øst")}
    assert roles("nav1") == {(Membership.Role.PARTNER, "NAV Lerkendal")}
    assert roles("dps1") == {(Membership.Role.PARTNER, "DPS Nidaros")}
    assert roles("lege1") == {(Membership.Role.PARTNER, "Lerkendal legesenter")}
    assert roles("leder_malvik") == {(Membership.Role.LEADER, "Oppfølgingstjenesten Malvik")}
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert (Membership.Role.ADMIN, "Oppfølgingstjenesten Øst") in roles("admin")
    for i in range(1, 6):
        assert ServiceUser.objects.filter(user__username=f"bruker{i}").exists()


def test_bruker1_follows_up_with_tillit1_and_has_let_nav_lerkendal_see_her_case():
    case = FollowUp.objects.get(service_user__user__username="bruker1")
    assert case.trust_person.username == "tillit1"
    assert case.status == FollowUp.Status.ACTIVE
    nav1 = User.objects.get(username="nav1")
    consent = Consent.objects.valid_on().get(
        owner=case.service_user, grantee_organisation__name="NAV Lerkendal"
    )
    assert consent.given_how == Consent.GivenHow.PORTAL
    assert FollowUp.objects.for_user(nav1).filter(pk=case.pk).exists()
    assert case.service_user.access_events.count() >= 3
    assert NextOfKin.objects.filter(service_user=case.service_user, kind=NextOfKin.Kind.RESTRICTED).exists()


def test_the_malvik_leader_sees_none_of_trondheims_cases():
    leader = User.objects.get(username="leder_malvik")
    visible = FollowUp.objects.for_user(leader)
    assert visible.count() == FollowUp.objects.filter(municipality__number="5031").count() > 0
    assert not visible.filter(municipality__number="5001").exists()
    assert not ServiceUser.objects.for_user(leader).filter(municipality__number="5001").exists()
    trondheim_leader = User.objects.get(username="leder")
    assert not FollowUp.objects.for_user(trondheim_leader).filter(municipality__number="5031").exists()


def test_about_sixty_trondheim_users_spread_over_every_status_source_and_ending_reason():
    cases = FollowUp.objects.filter(municipality__number="5001")
    assert 55 <= cases.count() <= 65
    assert set(cases.values_list("status", flat=True)) == set(FollowUp.Status.values)
    assert set(cases.values_list("referral_source", flat=True)) == set(FollowUp.ReferralSource.values)
    ended = cases.filter(status=FollowUp.Status.ENDED)
    assert set(ended.values_list("ending_reason", flat=True)) == set(FollowUp.EndingReason.values)
    for case in ended:
        assert case.ended_on and case.user_notice, case
    assert ended.filter(open_door_until__isnull=False).exists()
    assert ended.exclude(taken_over_by__isnull=True, taken_over_by_name="").exists()
    # Most cases have a deputy; every trust person has cases.
    assert cases.filter(deputy__isnull=False).count() > cases.count() / 2
    assert cases.values("trust_person").distinct().count() == 6


def test_consents_of_every_state_grantee_and_scope_exist():
    consents = list(Consent.objects.all())
    assert {c.state for c in consents} == {"valid", "expired", "withdrawn", "future"}
    valid = [c for c in consents if c.state == "valid"]
    assert any(c.grantee_user_id for c in valid) and any(c.grantee_organisation_id for c in valid)
    for field in Consent.SCOPE_FIELDS.values():
        assert any(getattr(c, field) for c in consents), field


def test_every_user_has_a_name_of_their_own():
    names = sorted(ServiceUser.objects.values_list("first_name", "last_name"))
    assert len(set(names)) == len(names)
    # A second run draws the same names, so it finds every person and creates nobody: see
    # test_running_it_again_adds_no_row_to_any_table_history_included.


def test_history_says_who_made_every_row():
    for model in (FollowUp, ServiceUser, Consent, NextOfKin, Membership):
        assert not model.history.filter(history_user__isnull=True).exists(), model
    first_case_version = FollowUp.history.filter(service_user__user__username="bruker1").earliest(
        "history_date"
    )
    assert first_case_version.history_user.username == "tillit1"


def test_a_cancelled_meeting_with_a_user_without_a_phone_waits_in_the_print_queue():
    [letter] = outbox.print_queue(User.objects.get(username="tillit2"))
    assert letter.subject == "Avtalen din er avlyst"
    assert letter.recipient_service_user.preferred_channel == ServiceUser.Channel.LETTER
    assert letter.address.startswith(letter.recipient_service_user.full_name)
