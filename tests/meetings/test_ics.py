"""The calendar invitation: it parses with icalendar, has the right time in Europe/Oslo in summer and in winter,
updates the same entry when the meeting changes, cancels it, and rides along on the e-mails."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from koordinator import outbox
from koordinator.models import Notification
from koordinator.outbox import sender
from meetings import ics, services
from meetings.models import Meeting
from tests.conftest import login
from tests.meetings.conftest import fresh, later, notifications_to

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
UTC = datetime.UTC


def parse(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.parametrize(
    "local, utc",
    [
        # Summer time (CEST, UTC+2) …
        (datetime.datetime(2027, 7, 1, 10, 0), datetime.datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),
        # … and winter time (CET, UTC+1).
        (datetime.datetime(2027, 1, 14, 10, 0), datetime.datetime(2027, 1, 14, 9, 0, tzinfo=UTC)),
    ],
)
def test_the_invitation_has_the_right_time_in_europe_oslo(world, group, local, utc):
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=local.replace(tzinfo=OSLO),
                                        place="user_home", duration_minutes=90)
    data = ics.meeting_ics(meeting, reader="partner", attendee_email="lege@example.no")
    calendar, event = parse(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART") == local.replace(tzinfo=OSLO)
    assert event.decoded("DTSTART").astimezone(UTC) == utc
    assert event.decoded("DTEND").astimezone(UTC) == utc + datetime.timedelta(minutes=90)
    assert b"DTSTART;TZID=Europe/Oslo:" + local.strftime("%Y%m%dT%H%M%S").encode() in data
    # The time-zone definition travels with it, so any calendar can read the TZID.
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Oslo"
    assert str(event["SUMMARY"]) == "Ansvarsgruppemøte: Kari Nordmann"
    assert str(event["LOCATION"]) == "Hjemme hos brukeren – adressen får du av tillitspersonen"  # the GP has no address
    assert str(event["ATTENDEE"]) == "mailto:lege@example.no"


def test_a_change_updates_the_same_entry_and_a_cancellation_removes_it(world, meeting):
    _, first = parse(ics.meeting_ics(meeting, reader="staff"))
    meeting = services.change_meeting(world.trust_person, meeting, place="office")
    _, changed = parse(ics.meeting_ics(meeting, reader="staff"))
    assert str(changed["UID"]) == str(first["UID"]) == ics.meeting_uid(meeting)
    assert (int(first["SEQUENCE"]), int(changed["SEQUENCE"])) == (0, 1)
    meeting = services.cancel_meeting(world.trust_person, meeting, "Koordinatoren er syk")
    calendar, cancelled = parse(ics.meeting_ics(meeting, reader="staff"))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2
    assert "Koordinatoren er syk" in str(cancelled["DESCRIPTION"])


def test_the_invitation_names_only_its_recipient(world, meeting):
    data = ics.meeting_ics(meeting, reader="partner", attendee_email="lege@example.no")
    assert data.count(b"ATTENDEE") == 1
    assert world.partner_org_member.email.encode() not in data


def test_an_email_about_a_meeting_carries_the_ics_when_it_is_delivered(world, meeting, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    [invitation] = [n for n in notifications_to(world.partner_valid) if n.about == meeting]
    assert invitation.channel == "email"
    [(filename, content, mimetype)] = outbox.attachments_for(invitation)
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar; method=REQUEST")
    _, event = parse(content)
    assert event.decoded("DTSTART") == meeting.starts_at.astimezone(OSLO)
    assert str(event["ATTENDEE"]) == f"mailto:{world.partner_valid.email}"

    Notification.objects.exclude(pk=invitation.pk).update(state=Notification.State.CANCELLED)
    result = sender.send_due()
    assert result.sent == 1
    [email] = mail.outbox
    assert email.to == [world.partner_valid.email]
    [(name, attached, kind)] = email.attachments
    assert name == filename and kind.startswith("text/calendar")
    attached = attached.encode() if isinstance(attached, str) else attached
    assert parse(attached)[1].decoded("DTSTART") == meeting.starts_at.astimezone(OSLO)


def test_sms_letters_and_other_emails_carry_nothing(world, meeting, minutes):
    [sms] = [n for n in notifications_to(world.owner_su) if n.about == meeting]
    assert sms.channel == "sms" and outbox.attachments_for(sms) == []
    other = outbox.notify(world.partner_valid, "Referat", "x", about=minutes, channel="email")
    assert outbox.attachments_for(other) == []


def test_a_late_email_carries_the_meeting_as_it_stands(world, meeting):
    [invitation] = [n for n in notifications_to(world.partner_valid) if n.about == meeting]
    services.change_meeting(world.trust_person, meeting, starts_at=fresh(meeting).starts_at
                            + datetime.timedelta(hours=2))
    [(_, content, _)] = outbox.attachments_for(invitation)
    assert parse(content)[1].decoded("DTSTART") == fresh(meeting).starts_at.astimezone(OSLO)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 1


def test_the_calendar_writes_the_place_as_its_reader_reads_it(client, world, group, gp_member, nav_member):
    """A partner does not see the user's address: «Hjemme hos brukeren» with where to get it, as on the pages."""
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(2), place=Meeting.Place.USER_HOME)
    [invitation] = [n for n in notifications_to(world.partner_valid) if n.about == meeting]
    [(_, content, _)] = outbox.attachments_for(invitation)
    assert str(parse(content)[1]["LOCATION"]) == "Hjemme hos brukeren – adressen får du av tillitspersonen"
    url = reverse("meeting_calendar", args=[meeting.pk])
    partner = login(client, world.partner_valid).get(url).content
    assert str(parse(partner)[1]["LOCATION"]) == "Hjemme hos brukeren – adressen får du av tillitspersonen"
    assert str(parse(login(client, world.trust_person).get(url).content)[1]["LOCATION"]) == "Hjemme hos brukeren"
    assert str(parse(login(client, world.owner).get(url).content)[1]["LOCATION"]).lower() == "hjemme hos deg"
