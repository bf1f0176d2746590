"""The calendar invitation (``.ics``) for a meeting, made with the ``icalendar`` library.

Times are written in Europe/Oslo (``DTSTART;TZID=Europe/Oslo:…``) with the time-zone definition included, so a
calendar shows the right time in summer and in winter. ``UID`` is stable for the meeting and ``SEQUENCE`` is the
meeting's ``sequence`` (one more for every change), so an invitation updates the entry the first one made; a
cancelled meeting is sent with ``METHOD:CANCEL``.

The outbox attaches this to every e-mail about a meeting (``koordinator.outbox.register_attachments``), built when
the e-mail leaves: the calendar always gets the meeting as it stands, and an e-mail delivered late never puts an
old time back. The invitation names only the recipient as attendee, never the other members.
"""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import access
from koordinator.models import Notification
from meetings.models import Meeting
from meetings.selectors import chair_name

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
PRODID = "-//koordinator//ansvarsgruppe//NO"
MIMETYPE = "text/calendar"


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting, whatever changes: the calendar entry is updated, not duplicated."""
    return f"koordinator-meeting-{meeting.pk}@{_domain()}"


def meeting_ics(meeting: Meeting, *, reader: str, attendee_email: str = "", attendee_name: str = "") -> bytes:
    """The invitation as bytes: ``METHOD:REQUEST`` for a planned or held meeting, ``METHOD:CANCEL`` if cancelled.
    ``reader`` ("owner", "staff" or "partner") decides how the place is written (``Meeting.place_for``)."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    start = timezone.localtime(meeting.starts_at, OSLO)
    end = timezone.localtime(meeting.ends_at, OSLO)
    owner = meeting.group.follow_up.service_user

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")

    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _("Ansvarsgruppemøte: %(name)s") % {"name": owner.full_name})
    event.add("location", meeting.place_for(reader))
    description = [_("Møteleder: %(name)s") % {"name": chair_name(meeting)}]
    if meeting.note:
        description.append(meeting.note)
    if cancelled and meeting.status_note:
        description.append(_("Avlyst: %(reason)s") % {"reason": meeting.status_note})
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = icalendar.vText(chair_name(meeting))
    event.add("organizer", organizer)
    if attendee_email:
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["cn"] = icalendar.vText(attendee_name)
        # Replies would go to the system's address, which does not read them: apologies go through the link.
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    # The Europe/Oslo definition for the years around the meeting (a whole 1970–2038 table is not needed).
    calendar.add_missing_timezones(
        first_date=datetime.date(start.year - 1, 1, 1), last_date=datetime.date(end.year + 2, 1, 1)
    )
    return calendar.to_ical()


def filename(meeting: Meeting) -> str:
    return f"ansvarsgruppemote-{timezone.localtime(meeting.starts_at, OSLO):%Y-%m-%d}.ics"


def _reader(notification: Notification, meeting: Meeting) -> str:
    """Who the e-mail is to, as ``Meeting.place_for`` asks: the user, the case's staff, or a partner."""
    if notification.recipient_service_user_id is not None:
        return "owner"
    return "staff" if access.is_case_staff(notification.recipient_user, meeting.group.follow_up_id) else "partner"


def attachments_for_meeting(notification: Notification, meeting: Meeting) -> list[tuple[str, bytes, str]]:
    """The outbox's attachment builder for e-mails about a meeting (registered in ``MeetingsConfig.ready``)."""
    meeting = (
        Meeting.objects.select_related("group__follow_up__service_user", "group__follow_up__trust_person",
                                       "chair_person")
        .get(pk=meeting.pk)
    )
    content = meeting_ics(meeting, reader=_reader(notification, meeting), attendee_email=notification.address,
                          attendee_name=notification.recipient_name)
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    return [(filename(meeting), content, f"{MIMETYPE}; method={method}; charset=UTF-8")]
