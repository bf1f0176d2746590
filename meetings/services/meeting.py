"""Meetings: schedule, change, cancel, mark held, hand over the chair; apologies (also by the invitation's link)
and attendance; the agenda built for the meeting."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import outbox
from koordinator.models import User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    check_fields,
    clean_text,
    ensure_inside_gate,
    field_label,
    save_with_history,
)
from meetings import notices, selectors, tokens
from meetings.models import (
    AgendaItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
)
from meetings.services.common import (
    CALENDAR_FIELDS,
    GROUP_RELATED,
    MAX_DURATION,
    MEETING_FIELDS,
    MESSAGES,
    MIN_DURATION,
    acting_member,
    as_datetime,
    cancel_pending_reminders,
    chair_of,
    is_owner,
    is_staff,
    lock_meeting,
    managed_group,
    managed_meeting,
    may_write_minutes,
    member_may_see,
    member_of,
    require_open,
    require_planned_ahead,
    require_started,
    require_visible,
    written_meeting,
)
from plans.services import tell_case_staff

# --- meetings -------------------------------------------------------------------------------------------------------


def _clean_meeting(data: dict, *, check_past: bool) -> dict:
    starts_at = data.get("starts_at")
    if starts_at is None or starts_at == "":
        raise ServiceError(_("Velg dato og klokkeslett for møtet."), "starts_at")
    starts_at = as_datetime(starts_at, "starts_at")
    if check_past and starts_at <= timezone.now():
        raise ServiceError(_("Møtet kan ikke være tilbake i tid."), "starts_at")
    try:
        duration = int(data.get("duration_minutes") or 60)
    except (TypeError, ValueError):
        raise ServiceError(_("Skriv varigheten i minutter."), "duration_minutes") from None
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise ServiceError(_("Et møte varer fra 15 minutter til 10 timer."), "duration_minutes")
    place = data.get("place")
    if place not in Meeting.Place.values:
        raise ServiceError(_("Velg hvor møtet skal være."), "place")
    detail = clean_text(data.get("place_detail"), "place_detail", max_length=200)
    if place in (Meeting.Place.PARTNER, Meeting.Place.OTHER) and not detail:
        raise ServiceError(_("Skriv hvor, for eksempel tjenesten og adressen."), "place_detail")
    return {
        "starts_at": starts_at,
        "duration_minutes": duration,
        "place": place,
        "place_detail": detail,
        "note": clean_text(data.get("note"), "note", max_length=2000),
    }


def _invitation(meeting: Meeting, what: str):
    """The message for one recipient: ``what`` is ``new``, ``changed`` or ``cancelled``."""
    group = meeting.group
    su = group.follow_up.service_user
    worker = group.follow_up.trust_person

    def message(r: notices.Recipient) -> tuple[str, str]:  # composed by the outbox, in the recipient's language
        when = notices.when_text(meeting)
        link = tokens.apology_url(meeting.pk, r.member.pk) if what != "cancelled" else ""
        if r.member.kind == GroupMember.Kind.USER:
            place = meeting.place_for_user
            if what == "new":
                subject = _("Møte i ansvarsgruppen din %(date)s") % {"date": no_date(meeting.local_date)}
                body = _("Hei %(name)s. Du er invitert til møte i ansvarsgruppen din %(when)s, %(place)s.") % {
                    "name": su.first_name, "when": when, "place": place}
            elif what == "changed":
                subject = _("Møtet i ansvarsgruppen din er endret")
                body = _("Hei %(name)s. Møtet i ansvarsgruppen din er endret. Nå er det %(when)s, %(place)s.") % {
                    "name": su.first_name, "when": when, "place": place}
            else:
                subject = _("Møtet i ansvarsgruppen din er avlyst")
                body = _("Hei %(name)s. Møtet i ansvarsgruppen din %(when)s er avlyst.") % {
                    "name": su.first_name, "when": when}
            if meeting.status_note and what != "new":
                body += " " + _("Grunn: %(reason)s") % {"reason": meeting.status_note}
            if what != "cancelled":
                body += " " + _("Kan du ikke komme, si fra til %(worker)s.") % {"worker": worker.display_name}
                if link:
                    body += " " + _("Eller bruk lenken: %(link)s") % {"link": link}
            return subject, body
        # A partner does not see the user's address: «Hjemme hos brukeren» says where to get it.
        place = meeting.place_text if r.member.kind == GroupMember.Kind.COORDINATOR else meeting.place_for_partner
        names = {"name": su.full_name, "when": when, "place": place}
        if what == "new":
            subject = _("Innkalling: ansvarsgruppen til %(name)s, %(date)s") % {
                "name": su.full_name, "date": no_date(meeting.local_date)}
            body = _("Møte i ansvarsgruppen til %(name)s %(when)s. Sted: %(place)s.") % names
        elif what == "changed":
            subject = _("Endret møte: ansvarsgruppen til %(name)s") % {"name": su.full_name}
            body = _("Møtet i ansvarsgruppen til %(name)s er endret. Nytt tidspunkt og sted: %(when)s, %(place)s.") \
                % names
        else:
            subject = _("Avlyst: ansvarsgruppen til %(name)s, %(date)s") % {
                "name": su.full_name, "date": no_date(meeting.local_date)}
            body = _("Møtet i ansvarsgruppen til %(name)s %(when)s er avlyst.") % names
        if meeting.status_note and what != "new":
            body += " " + _("Grunn: %(reason)s") % {"reason": meeting.status_note}
        if meeting.note and what != "cancelled":
            body += "\n\n" + meeting.note
        if link:
            body += "\n\n" + _("Kan du ikke komme? Meld forfall her: %(link)s") % {"link": link}
        return subject, body

    return message


def _tell_everyone(actor: User, meeting: Meeting, what: str, *, urgent: bool = False) -> int:
    """Every member (with consent in force), the one who did it included: they want the calendar entry too.
    ``urgent``: a change to a meeting today, sent in the quiet hours too."""
    return notices.tell(notices.recipients(meeting.group), _invitation(meeting, what), about=meeting, calendar=True,
                        urgent=urgent)


def _is_today(moment) -> bool:
    return moment is not None and timezone.localtime(moment).date() == timezone.localdate()


@transaction.atomic
def schedule_meeting(actor: User, group: Group, *, starts_at, place: str, place_detail: str = "",
                     duration_minutes: int = 60, note: str = "") -> Meeting:
    """Plan a meeting and invite every member: by e-mail with an ``.ics`` invitation, the user by SMS or letter
    as they prefer (``meetings.notices``)."""
    group = managed_group(actor, group)
    require_open(group, active=True)
    data = _clean_meeting({"starts_at": starts_at, "place": place, "place_detail": place_detail,
                           "duration_minutes": duration_minutes, "note": note}, check_past=True)
    meeting = save_with_history(Meeting(group=group, created_by=actor, **data), actor, gettext_lazy("Møtet er planlagt"))
    meeting.group = group
    _tell_everyone(actor, meeting, "new")
    ensure_inside_gate(actor, meeting)
    return meeting


@transaction.atomic
def change_meeting(actor: User, meeting: Meeting, *, reason: str = "", **changes) -> Meeting:
    """Move a planned meeting or change its place or message. A new time or place goes to everyone, with a new
    version of the calendar invitation; a changed message alone is saved quietly."""
    check_fields(changes, MEETING_FIELDS)
    meeting = managed_meeting(actor, meeting)
    require_open(meeting.group)
    require_planned_ahead(meeting)
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    moved = "starts_at" in changes and as_datetime(changes["starts_at"], "starts_at") != meeting.starts_at
    data = _clean_meeting({**current, **changes}, check_past=moved)
    changed = [name for name in MEETING_FIELDS if current[name] != data[name]]
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, data[name])
    reason = clean_text(reason, "reason", max_length=300)
    calendar = any(name in CALENDAR_FIELDS for name in changed)
    if calendar:
        meeting.sequence += 1
        meeting.status_note = reason
    save_with_history(meeting, actor, lambda: _("Møtet er endret: %(fields)s")
                      % {"fields": ", ".join(field_label(Meeting, name) for name in changed)})
    if calendar:
        cancel_pending_reminders(meeting)
        # A meeting moved away from today, or to today, or changed today: urgent (quiet hours, issue 16).
        _tell_everyone(actor, meeting, "changed",
                       urgent=_is_today(current["starts_at"]) or _is_today(meeting.starts_at))
    return meeting


def cancel_planned_meeting(actor: User, meeting: Meeting, reason: str) -> Meeting:
    meeting = lock_meeting(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.status_note = reason[:300]
    meeting.sequence += 1
    save_with_history(meeting, actor, gettext_lazy("Møtet er avlyst"))
    cancel_pending_reminders(meeting)
    _tell_everyone(actor, meeting, "cancelled", urgent=_is_today(meeting.starts_at))
    return meeting


@transaction.atomic
def cancel_meeting(actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a planned meeting, with a reason everyone is told (the calendar gets ``METHOD:CANCEL``)."""
    meeting = managed_meeting(actor, meeting)
    require_planned_ahead(meeting)
    reason = clean_text(reason, "reason", required=_("Skriv kort hvorfor møtet avlyses."), max_length=300)
    return cancel_planned_meeting(actor, meeting, reason)


@transaction.atomic
def mark_meeting_held(actor: User, meeting: Meeting) -> Meeting:
    """The meeting took place. Its agenda is locked as it was (``freeze_agenda``)."""
    meeting = written_meeting(actor, meeting)
    require_started(meeting)
    return mark_held(actor, meeting)


def mark_held(actor: User, meeting: Meeting) -> Meeting:
    if meeting.status == Meeting.Status.PLANNED:
        freeze_agenda_items(actor, meeting)
        meeting.status = Meeting.Status.HELD
        meeting.held_at = timezone.now()
        save_with_history(meeting, actor, gettext_lazy("Møtet er holdt"))
    return meeting


@transaction.atomic
def hand_over_chair(actor: User, meeting: Meeting, person: User | None) -> Meeting:
    """Someone else chairs this meeting (the chair is away): the case's deputy or a leader. ``None`` hands the
    chair back to the group's own. The new chair and the user are told."""
    require_visible(actor, meeting)
    if not is_staff(actor, meeting.group):
        raise PermissionDenied
    meeting = lock_meeting(meeting)
    require_planned_ahead(meeting)
    if person is not None:
        if not isinstance(person, User) or not person.is_active:
            raise ServiceError(_("Velg en person fra listen."), "chair_person")
        if not is_staff(person, meeting.group):
            raise ServiceError(
                _("Den som leder møtet, må ha tilgang til saken: velg stedfortrederen eller en leder."), "chair_person"
            )
    if (person.pk if person else None) == meeting.chair_person_id:
        return meeting
    meeting.chair_person = person
    meeting.sequence += 1
    new_chair = chair_of(meeting)
    name = new_chair.display_name if new_chair else meeting.group.follow_up.service_user.full_name
    save_with_history(meeting, actor, lambda: _("Møteleder for dette møtet: %(name)s") % {"name": name})
    su = meeting.group.follow_up.service_user
    if person is not None and person.pk != actor.pk:
        outbox.notify(
            person,
            lambda: _("Du leder et møte i ansvarsgruppen til %(name)s") % {"name": su.full_name},
            lambda: _("Du leder møtet i ansvarsgruppen til %(name)s %(when)s, %(place)s.")
            % {"name": su.full_name, "when": notices.when_text(meeting), "place": meeting.place_text},
            about=meeting,
            channel=outbox.Channel.EMAIL if person.email else outbox.Channel.IN_APP,
        )
    outbox.notify(
        su,
        gettext_lazy("Ny møteleder"),
        lambda: _("Hei %(name)s. %(chair)s leder møtet i ansvarsgruppen din %(when)s. Tid og sted er som før.")
        % {"name": su.first_name, "chair": name, "when": notices.when_text(meeting)},
        about=meeting,
    )
    return meeting


# --- apologies and attendance ----------------------------------------------------------------------------------------


def tell_chair(meeting: Meeting, subject, body, *, skip: User | None = None) -> None:
    """The meeting's chair and the case's staff (the deputy too when the coordinator is away) in the app.
    ``subject`` and ``body`` are lazy or builders: the outbox composes them in each recipient's language."""
    chair = chair_of(meeting)
    if chair is not None and chair.pk != meeting.group.follow_up.trust_person_id and (skip is None or
                                                                                     chair.pk != skip.pk):
        outbox.notify(chair, subject, body, about=meeting, channel=outbox.Channel.IN_APP)
    tell_case_staff(meeting.group.follow_up, meeting, subject, body)


def _record_apologies(actor: User | None, meeting: Meeting, member: GroupMember, message: str, via: str) -> Attendance:
    require_planned_ahead(meeting)
    if not member_may_see(member):
        raise PermissionDenied
    message = clean_text(message, "message", max_length=1000)
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first() or Attendance(
        meeting=meeting, member=member
    )
    if attendance.pk and attendance.status == Attendance.Status.APOLOGIES and attendance.message == message:
        return attendance
    attendance.status = Attendance.Status.APOLOGIES
    attendance.message = message
    attendance.via = via
    attendance.recorded_by = actor
    save_with_history(attendance, actor, gettext_lazy("Meldt forfall"))
    def body() -> str:
        text = _("%(who)s har meldt forfall til møtet %(when)s.") % {
            "who": member.display_name, "when": notices.when_text(meeting)}
        return text + " " + _("Melding: %(text)s") % {"text": message} if message else text

    tell_chair(meeting, lambda: _("Forfall: %(who)s") % {"who": member.display_name}, body, skip=actor)
    return attendance


@transaction.atomic
def send_apologies(actor: User, meeting: Meeting, *, message: str = "", member: GroupMember | None = None
                   ) -> Attendance:
    """A member says they cannot come (*forfall*), with an optional message; the chair is told.

    Without ``member`` the actor sends for themselves (the member they act as, :func:`acting_member`). A manager may
    record apologies for another member who phoned in.
    """
    require_visible(actor, meeting)
    meeting = lock_meeting(meeting)
    own = acting_member(actor, meeting.group)
    if member is None:
        if own is None:
            raise ServiceError(_("Du er ikke medlem av denne ansvarsgruppen."), "member")
        member, via = own, Attendance.Via.PAGE
    else:
        member = member_of(meeting.group, member)
        if own is not None and own.pk == member.pk:
            via = Attendance.Via.PAGE
        elif may_write_minutes(actor, meeting):
            via = Attendance.Via.RECORDED
        else:
            raise PermissionDenied
    return _record_apologies(actor, meeting, member, message, via)


def apology_link(token: str, *, lock: bool = False) -> tuple[Meeting, GroupMember]:
    """The meeting and the member a signed apology link names, after checking it may still be used: the member is
    still in the group, their consent is in force, the meeting is planned and ahead. A clear ``ServiceError``
    (field ``token``) otherwise. The page that takes the link shows what it is about with this before the POST.
    """
    meeting_id, member_id = tokens.read_apology_token(token)
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    member = GroupMember.objects.filter(pk=member_id, group__meetings=meeting_id).first() if meeting else None
    if meeting is None or member is None:
        raise ServiceError(_("Lenken er ikke gyldig. Sjekk at hele lenken ble med."), "token")
    meeting = lock_meeting(meeting) if lock else Meeting.objects.select_related(
        *(f"group__{r}" for r in GROUP_RELATED), "chair_person").get(pk=meeting.pk)
    member = member_of(meeting.group, member, "token")
    try:
        require_planned_ahead(meeting)
    except ServiceError as error:
        raise ServiceError(error.message, "token") from None
    if not member_may_see(member):
        raise ServiceError(_("Du har ikke lenger tilgang til denne ansvarsgruppen."), "token")
    return meeting, member


@transaction.atomic
def send_apologies_by_link(token: str, message: str = "") -> Attendance:
    """Apologies with the signed link from the invitation, without logging in (``meetings.tokens``).

    Everything is checked again (:func:`apology_link`). The history names the member's person as the one who did it.
    """
    meeting, member = apology_link(token, lock=True)
    if member.kind == GroupMember.Kind.USER:
        by = meeting.group.follow_up.service_user.user
    elif member.kind == GroupMember.Kind.COORDINATOR:
        by = meeting.group.follow_up.trust_person
    else:
        by = member.person
    return _record_apologies(by, meeting, member, message, Attendance.Via.LINK)


@transaction.atomic
def record_attendance(actor: User, meeting: Meeting, statuses: Mapping[GroupMember, str],
                      messages: Mapping[GroupMember, str] | None = None) -> list[Attendance]:
    """Who came: present, apologies sent, or absent without notice, for each member given. The meeting is then held.

    Members not in ``statuses`` are left as they are (apologies sent before the meeting stay).
    """
    meeting = written_meeting(actor, meeting)
    require_started(meeting)
    messages = messages or {}
    if not statuses:
        raise ServiceError(_("Velg oppmøte for minst ett medlem."), "statuses")
    cleaned = []
    for member, status in statuses.items():
        member = member_of(meeting.group, member, current=False)
        if status not in Attendance.Status.values:
            raise ServiceError(_("Velg om %(name)s var til stede, meldte forfall eller ikke møtte.")
                               % {"name": member.display_name}, "statuses")
        cleaned.append((member, status, clean_text(messages.get(member, None), "messages", max_length=1000)))
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    saved = []
    for member, status, message in cleaned:
        attendance = existing.get(member.pk) or Attendance(meeting=meeting, member=member)
        if attendance.pk and attendance.status == status and (not message or attendance.message == message):
            saved.append(attendance)
            continue
        attendance.status = status
        if message or status != Attendance.Status.APOLOGIES:
            attendance.message = message if status == Attendance.Status.APOLOGIES else ""
        attendance.via = Attendance.Via.RECORDED
        attendance.recorded_by = actor
        saved.append(save_with_history(attendance, actor, partial(_attendance_reason, attendance)))
    mark_held(actor, meeting)
    return saved


def _attendance_reason(attendance: Attendance) -> str:
    return _("Oppmøte: %(status)s") % {"status": attendance.get_status_display()}


# --- the agenda ------------------------------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    return (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1


def freeze_agenda_items(actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Store the generated points that are not stored yet, and mark the agenda locked."""
    stored = list(AgendaItem.objects.filter(meeting=meeting, kind__in=AgendaItem.GENERATED))
    have = {(i.kind, i.action_item_id or i.step_id) for i in stored}
    position = _next_position(meeting)
    added = []
    for point in selectors.generated_points(meeting):
        key = (point.kind, point.action_item.pk if point.action_item else point.step.pk if point.step else None)
        if key in have:
            continue
        added.append(save_with_history(
            AgendaItem(meeting=meeting, kind=point.kind, title=point.title[:300], text=point.detail,
                       action_item=point.action_item, step=point.step, position=position, proposed_by=actor),
            actor,
            gettext_lazy("Punkt på dagsorden"),
        ))
        position += 1
    if meeting.agenda_frozen_at is None:
        meeting.agenda_frozen_at = timezone.now()
        save_with_history(meeting, actor, gettext_lazy("Dagsorden låst"))
    return added


@transaction.atomic
def freeze_agenda(actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Store the agenda's generated points (open action items, plan steps, the plan revision) as they are now.

    Done by :func:`start_minutes` and when the meeting is held; a manager may run it again while the meeting is
    planned to take in what has come since. Returns the points added.
    """
    meeting = written_meeting(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    return freeze_agenda_items(actor, meeting)


@transaction.atomic
def propose_agenda_item(actor: User, meeting: Meeting, *, title: str, text: str = "", for_user: bool = False
                        ) -> AgendaItem:
    """A point for the agenda. The user's points come first («Brukerens ord»); a manager may write one down for
    the user with ``for_user``. Partners' and staff's points come last. The chair is told about points from others.
    """
    require_visible(actor, meeting)
    meeting = lock_meeting(meeting)
    group = meeting.group
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError(_("Møtet er holdt. Foreslå punktet til neste møte."), "meeting")
    title = clean_text(title, "title", required=_("Skriv punktet."), max_length=300)
    text = clean_text(text, "text", max_length=4000)
    member = acting_member(actor, group)
    manager = may_write_minutes(actor, meeting)
    if member is None and not manager:
        raise PermissionDenied
    if for_user:
        if not manager and not is_owner(actor, group):
            raise PermissionDenied
        member = GroupMember.objects.current().get(group=group, kind=GroupMember.Kind.USER)
    user_words = member is not None and member.kind == GroupMember.Kind.USER
    item = save_with_history(
        AgendaItem(meeting=meeting, kind=AgendaItem.Kind.USER_WORDS if user_words else AgendaItem.Kind.PROPOSED,
                   title=title, text=text, proposed_by_member=member, proposed_by=actor,
                   position=_next_position(meeting)),
        actor,
        gettext_lazy("Punkt foreslått"),
    )
    if not manager:
        who = member.display_name
        tell_chair(meeting, lambda: _("Nytt punkt til møtet %(date)s") % {"date": no_date(meeting.local_date)},
                   lambda: _("%(who)s foreslår et punkt til møtet %(when)s: «%(title)s»")
                   % {"who": who, "when": notices.when_text(meeting), "title": title})
    return item


@transaction.atomic
def archive_agenda_item(actor: User, item: AgendaItem) -> AgendaItem:
    """Take a point off the agenda of a planned meeting (by whoever proposed it, or a manager)."""
    require_visible(actor, item)
    meeting = lock_meeting(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError(_("Dagsorden til et møte som er holdt eller avlyst, endres ikke."), "meeting")
    if item.archived_at is not None:
        raise ServiceError(_("Punktet er allerede tatt av dagsorden."), "item")
    if item.proposed_by_id != actor.pk and not may_write_minutes(actor, meeting):
        raise PermissionDenied
    item.archived_at = timezone.now()
    save_with_history(item, actor, gettext_lazy("Punkt tatt av dagsorden"))
    return item
