"""The minutes as a living document (the toolkit's version check, bump and restore): write, mark ready, the
user's approval or disagreement, read marks, comments."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Consent, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    bump,
    check_fields,
    check_version,
    clean_text,
    ensure_inside_gate,
    field_label,
    restore_fields,
    save_with_history,
    shorten,
)
from meetings import notices
from meetings.models import (
    AgendaItem,
    Comment,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from meetings.services.common import (
    MESSAGES,
    MinutesConflict,
    acting_member,
    is_owner,
    is_staff,
    lock_minutes,
    may_manage,
    may_write_minutes,
    require_started,
    require_visible,
    written_meeting,
)
from meetings.services.meeting import (
    freeze_agenda_items,
    mark_held,
    tell_chair,
)

# --- the minutes -----------------------------------------------------------------------------------------------------


def _clean_sections(minutes: Minutes, sections: dict) -> dict:
    clean = {name: clean_text(sections[name], name, max_length=20000) for name in Minutes.TEXT_SECTIONS if name in sections}
    if "point_notes" in sections:
        given = sections["point_notes"]
        if not isinstance(given, Mapping):
            raise ServiceError(_("Notatene til punktene må gis per punkt."), "point_notes")
        live = set(AgendaItem.objects.filter(meeting_id=minutes.meeting_id, archived_at__isnull=True)
                   .values_list("pk", flat=True))
        notes = dict(minutes.point_notes or {})
        for key, text in given.items():
            try:
                item_id = int(key)
            except (TypeError, ValueError):
                raise ServiceError(_("Ukjent punkt på dagsorden."), "point_notes") from None
            if item_id not in live:
                raise ServiceError(_("Ukjent punkt på dagsorden."), "point_notes")
            text = clean_text(text, "point_notes", max_length=20000)
            if text:
                notes[str(item_id)] = text
            else:
                notes.pop(str(item_id), None)
        clean["point_notes"] = dict(sorted(notes.items(), key=lambda kv: int(kv[0])))
    return clean


def _tell_members_about_minutes(actor: User, minutes: Minutes, subject, body_for_user, body) -> None:
    """The words are lazy or builders: the outbox composes them in each recipient's language."""
    group = minutes.meeting.group
    notices.tell(
        notices.recipients(group, exclude=actor),
        lambda r: (subject, body_for_user if r.member.kind == GroupMember.Kind.USER else body),
        about=minutes,
    )


@transaction.atomic
def start_minutes(actor: User, meeting: Meeting) -> Minutes:
    """The minutes of a meeting, at version 1. The agenda is locked so every point has its place in the minutes.

    *«Pr dags dato»*: the situation is carried over from the group's latest earlier minutes, to be revised.
    Starting twice returns the same minutes.
    """
    meeting = written_meeting(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    freeze_agenda_items(actor, meeting)
    previous = (
        Minutes.objects.filter(meeting__group=meeting.group, meeting__starts_at__lt=meeting.starts_at)
        .order_by("-meeting__starts_at", "-pk")
        .first()
    )
    minutes = save_with_history(
        Minutes(meeting=meeting, situation=previous.situation if previous else "", created_by=actor),
        actor,
        gettext_lazy("Referatet er påbegynt"),
    )
    ensure_inside_gate(actor, minutes)
    return minutes


@transaction.atomic
def write_minutes(actor: User, minutes: Minutes, based_on_version, *, reason: str = "", **sections) -> Minutes:
    """Save sections of the minutes: ``situation``, ``user_words``, ``decisions`` (text) and ``point_notes`` (a
    mapping from agenda item id to text; given points replace, empty text removes).

    ``based_on_version`` is the version the writer started from: if the minutes have moved on, nothing is saved and
    :class:`MinutesConflict` carries both texts. After the minutes are marked ready, ``reason`` is required, the
    change shows as a visible change, and every member is told.
    """
    check_fields(sections, Minutes.SECTION_FIELDS)
    require_visible(actor, minutes)
    minutes = lock_minutes(minutes)
    meeting = minutes.meeting
    if not may_write_minutes(actor, meeting):
        raise PermissionDenied
    if based_on_version is None:
        raise ServiceError(str(MinutesConflict.bad_version), "version")
    check_version(minutes, based_on_version, sections, {name: getattr(minutes, name) for name in sections},
                   conflict=MinutesConflict)
    data = _clean_sections(minutes, sections)
    changed = [name for name in data if getattr(minutes, name) != data[name]]
    if not changed:
        return minutes
    amending = not minutes.is_draft
    reason = clean_text(reason, "reason", max_length=300)
    if amending and not reason:
        raise ServiceError(_("Referatet er markert som klart. Skriv kort hvorfor det endres."), "reason")
    for name in changed:
        setattr(minutes, name, data[name])
    minutes.amendment_reason = reason if amending else ""
    def labels() -> str:  # the sections' names, in the language the words are written in
        return ", ".join(field_label(Minutes, name) for name in changed)

    if amending:
        bump(minutes, actor, lambda: _("Endret etter at referatet var klart (%(fields)s): %(reason)s")
             % {"fields": labels(), "reason": reason})
        date = no_date(meeting.local_date)
        _tell_members_about_minutes(
            actor, minutes,
            lambda: _("Referatet fra møtet %(date)s er endret") % {"date": date},
            lambda: _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er endret. Grunn: %(reason)s. "
                      "Les det gjerne igjen.") % {"name": meeting.group.follow_up.service_user.first_name,
                                                  "date": date, "reason": reason},
            lambda: _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er endret (%(fields)s). Grunn: "
                      "%(reason)s") % {"name": meeting.group.follow_up.service_user.full_name, "date": date,
                                       "fields": labels(), "reason": reason},
        )
    else:
        bump(minutes, actor, lambda: _("Referatet er endret: %(fields)s") % {"fields": labels()})
    return minutes


@transaction.atomic
def mark_minutes_ready(actor: User, minutes: Minutes, *, based_on_version=None) -> Minutes:
    """The chair marks the minutes ready: the user is asked to read and approve them, the members are told.
    The meeting is marked held."""
    require_visible(actor, minutes)
    minutes = lock_minutes(minutes)
    meeting = minutes.meeting
    if not may_write_minutes(actor, meeting):
        raise PermissionDenied
    check_version(minutes, based_on_version, {}, {}, conflict=MinutesConflict)
    require_started(meeting)
    if not minutes.is_draft:
        raise ServiceError(_("Referatet er allerede markert som klart."), "status")
    if not any(getattr(minutes, name) for name in Minutes.SECTION_FIELDS):
        raise ServiceError(_("Referatet er tomt. Skriv minst situasjonen nå eller det dere ble enige om."), "situation")
    minutes.status = Minutes.Status.READY
    minutes.ready_at = timezone.now()
    minutes.ready_by = actor
    minutes.ready_version = minutes.version
    save_with_history(minutes, actor, gettext_lazy("Referatet er klart"))
    mark_held(actor, meeting)
    su = meeting.group.follow_up.service_user
    date = no_date(meeting.local_date)
    _tell_members_about_minutes(
        actor, minutes,
        lambda: _("Referatet fra møtet %(date)s er klart") % {"date": date},
        lambda: _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er klart. Les det, og si om du er "
                  "enig, eller skriv det du er uenig i.") % {"name": su.first_name, "date": date},
        lambda: _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er klart.") % {"name": su.full_name,
                                                                                              "date": date},
    )
    return minutes


def _user_response(actor: User, minutes: Minutes, based_on_version, how: str, status: str) -> Minutes:
    """Lock, check the version and the right to answer for the user, and record who answered, how and to which
    version (the owner in the portal, or staff recording an answer given on paper or orally)."""
    require_visible(actor, minutes)
    minutes = lock_minutes(minutes)
    group = minutes.meeting.group
    owner = is_owner(actor, group)
    if not owner and not is_staff(actor, group):
        raise PermissionDenied
    if not owner and how not in (Consent.GivenHow.PAPER, Consent.GivenHow.ORAL):
        raise ServiceError(_("Velg hvordan brukeren svarte: på papir eller muntlig."), "how")
    check_version(minutes, based_on_version, {}, {}, conflict=MinutesConflict)
    if minutes.is_draft:
        raise ServiceError(str(MESSAGES["no_minutes_yet"]), "status")
    if status == Minutes.Status.APPROVED == minutes.status and minutes.user_response_version == minutes.version:
        raise ServiceError(_("Referatet er allerede godkjent."), "status")
    minutes.status = status
    minutes.user_response_at = timezone.now()
    minutes.user_response_by = actor
    minutes.user_response_how = Consent.GivenHow.PORTAL if owner else how
    minutes.user_response_version = minutes.version
    return minutes


@transaction.atomic
def approve_minutes(actor: User, minutes: Minutes, *, based_on_version=None, how: str = "") -> Minutes:
    """The user approves the minutes (in the portal; or staff record an approval given on paper or orally).

    With ``based_on_version`` the approval is refused as a conflict if the minutes changed after the user read them.
    """
    minutes = _user_response(actor, minutes, based_on_version, how, Minutes.Status.APPROVED)
    minutes.disagreement = ""
    save_with_history(minutes, actor, lambda: _("Godkjent av brukeren (%(how)s)") % {"how": minutes.get_user_response_how_display()})
    meeting = minutes.meeting
    su = meeting.group.follow_up.service_user
    tell_chair(meeting, lambda: _("%(name)s har godkjent referatet") % {"name": su.full_name},
               lambda: _("%(name)s har godkjent referatet fra møtet %(date)s.")
                % {"name": su.full_name, "date": no_date(meeting.local_date)}, skip=actor)
    return minutes


@transaction.atomic
def disagree_with_minutes(actor: User, minutes: Minutes, text: str, *, based_on_version=None, how: str = ""
                          ) -> Minutes:
    """The user writes what they disagree with, in their own words. It is kept with the minutes and the chair and
    coordinator are told."""
    text = clean_text(text, "disagreement", required=_("Skriv hva du er uenig i."), max_length=4000)
    minutes = _user_response(actor, minutes, based_on_version, how, Minutes.Status.DISPUTED)
    minutes.disagreement = text
    save_with_history(minutes, actor, gettext_lazy("Brukeren er uenig i referatet"))
    meeting = minutes.meeting
    su = meeting.group.follow_up.service_user
    tell_chair(meeting, lambda: _("%(name)s er uenig i referatet") % {"name": su.full_name},
               lambda: _("%(name)s er uenig i referatet fra møtet %(date)s: %(text)s")
                % {"name": su.full_name, "date": no_date(meeting.local_date), "text": shorten(text, 300)}, skip=actor)
    return minutes


@transaction.atomic
def restore_minutes_version(actor: User, minutes: Minutes, history_id, *, based_on_version=None, reason: str = ""
                            ) -> Minutes:
    """Bring back the sections from an earlier version; the restore is itself a new version (nothing is lost).
    After the minutes are ready it needs a reason like any other change, and the members are told."""
    require_visible(actor, minutes)
    minutes = lock_minutes(minutes)
    if not may_write_minutes(actor, minutes.meeting):
        raise PermissionDenied
    check_version(minutes, based_on_version, {}, {}, conflict=MinutesConflict)
    amending = not minutes.is_draft
    reason = clean_text(reason, "reason", max_length=300)
    if amending and not reason:
        raise ServiceError(_("Referatet er markert som klart. Skriv kort hvorfor det endres."), "reason")
    minutes.amendment_reason = reason if amending else ""
    restore_fields(actor, minutes, history_id, Minutes.SECTION_FIELDS,
                   not_found=_("Fant ikke den versjonen av referatet."),
                   unchanged=_("Referatet er allerede likt denne versjonen."))
    if amending:
        date = no_date(minutes.meeting.local_date)
        su = minutes.meeting.group.follow_up.service_user
        _tell_members_about_minutes(
            actor, minutes,
            lambda: _("Referatet fra møtet %(date)s er endret") % {"date": date},
            lambda: _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er endret. Grunn: %(reason)s. "
                      "Les det gjerne igjen.") % {"name": su.first_name, "date": date, "reason": reason},
            lambda: _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er satt tilbake til en tidligere "
                      "versjon. Grunn: %(reason)s") % {"name": su.full_name, "date": date, "reason": reason},
        )
    return minutes


@transaction.atomic
def mark_minutes_read(actor: User, minutes: Minutes) -> MinutesRead:
    """Remember that ``actor`` has read the current version (call it after showing the minutes)."""
    require_visible(actor, minutes)
    version = Minutes.objects.values_list("version", flat=True).get(pk=minutes.pk)
    read = MinutesRead.objects.filter(minutes=minutes, reader=actor).first()
    if read is not None and read.version == version:
        return read
    read = read or MinutesRead(minutes=minutes, reader=actor)
    read.version = version
    read.read_at = timezone.now()
    return save_with_history(read, actor, gettext_lazy("Lest"))


@transaction.atomic
def add_comment(actor: User, minutes: Minutes, text: str) -> Comment:
    """A member's comment on the minutes (the user, a partner, staff). The coordinator is told of others' comments."""
    require_visible(actor, minutes)
    minutes = lock_minutes(minutes)
    group = minutes.meeting.group
    member = acting_member(actor, group)
    staff = is_staff(actor, group)
    if member is None and not staff:
        raise PermissionDenied
    text = clean_text(text, "text", required=_("Skriv kommentaren."), max_length=4000)
    comment = save_with_history(
        Comment(minutes=minutes, author=actor, member=member, text=text, minutes_version=minutes.version),
        actor,
        gettext_lazy("Kommentar til referatet"),
    )
    if not staff:
        who = member.display_name
        tell_chair(minutes.meeting, lambda: _("Kommentar til referatet fra %(who)s") % {"who": who},
                   lambda: _("%(who)s kommenterte referatet fra møtet %(date)s: %(text)s")
                   % {"who": who, "date": no_date(minutes.meeting.local_date), "text": shorten(text, 300)})
    ensure_inside_gate(actor, comment, access.VIEW)
    return comment


@transaction.atomic
def archive_comment(actor: User, comment: Comment) -> Comment:
    """A comment is taken down (by its author or a manager), never deleted."""
    access.require_change(actor, comment)
    comment = Comment.objects.select_related("minutes__meeting__group__follow_up").get(pk=comment.pk)
    if comment.author_id != actor.pk and not may_manage(actor, comment.minutes.meeting.group):
        raise PermissionDenied
    if comment.archived_at is not None:
        raise ServiceError(_("Kommentaren er allerede fjernet."), "comment")
    comment.archived_at = timezone.now()
    save_with_history(comment, actor, gettext_lazy("Kommentar fjernet"))
    return comment
