"""The follow-up log, the writes (DESIGN.md rule 2): create, change and archive entries, and the reminder for a
quiet spell. The acting user is explicit, every rule is checked before anything is saved, the history user and
reason are set, and it all happens in one transaction (bad input raises ``ServiceError`` and changes nothing)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_update_with_history

from koordinator import access, continuity, outbox
from koordinator.followup_log import links
from koordinator.followup_log.common import (
    MAX_DURATION_MINUTES,
    MESSAGES,
    NOTE_MAX_LENGTH,
    Kind,
    entry_fields,
)
from koordinator.followup_log.selectors import (
    _quiet,
    quiet_case_rows,
    quiet_key,
    quiet_key_prefix,
)
from koordinator.models import FollowUp, FollowUpEntry, LifeArea, Notification, Organisation, User
from koordinator.timeutil import no_date, no_datetime
from koordinator.toolkit import ServiceError, check_within_calendar, ensure_inside_gate, save_with_history

# --- validation ----------------------------------------------------------------------------------------------


def _text(value, name: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(str(MESSAGES["text"]), name)
    value = value.strip()
    if len(value) > max_length:
        raise ServiceError(str(MESSAGES["too_long"]) % {"max": max_length}, name)
    return value


def _moment(value) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ServiceError(str(MESSAGES["started_at"]), "started_at")
    check_within_calendar(started_at=value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _duration(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DURATION_MINUTES:
        raise ServiceError(str(MESSAGES["duration"]) % {"max": MAX_DURATION_MINUTES}, "duration_minutes")
    return value


def _life_areas(values) -> dict[str, bool]:
    if values is None:
        values = ()
    if isinstance(values, str):
        values = [values]
    chosen = set()
    for value in values:
        if value not in LifeArea.values:
            raise ServiceError(str(MESSAGES["life_area"]) % {"value": value}, "life_areas")
        chosen.add(value)
    return {name: area in chosen for area, name in FollowUpEntry.LIFE_AREA_FIELDS.items()}


def _clean(case: FollowUp, data: dict) -> dict:
    """Every field checked; returns the model's own fields (life areas as booleans) and each link's items (by
    the link's name: ``steps``)."""
    unknown = set(data) - set(entry_fields())
    if unknown:
        raise ServiceError(str(MESSAGES["unknown_fields"]) % {"fields": ", ".join(sorted(unknown))})
    kind = data.get("kind")
    if kind not in Kind.values:
        raise ServiceError(str(MESSAGES["kind"]), "kind")
    started_at = _moment(data.get("started_at"))
    if started_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ServiceError(str(MESSAGES["future"]), "started_at")
    if case.status == FollowUp.Status.ENDED and case.ended_on and timezone.localtime(started_at).date() > case.ended_on:
        raise ServiceError(str(MESSAGES["ended"]) % {"date": no_date(case.ended_on)}, "started_at")
    service = data.get("service")
    if service is not None and (not isinstance(service, Organisation) or not service.is_active):
        raise ServiceError(str(MESSAGES["service"]), "service")
    service_text = _text(data.get("service_text"), "service_text", 200)
    if service is not None and service_text:
        raise ServiceError(str(MESSAGES["service_both"]), "service_text")
    if kind == Kind.ACCOMPANIED and service is None and not service_text:
        raise ServiceError(str(MESSAGES["service_needed"]), "service")
    clean = {
        "kind": kind,
        "started_at": started_at,
        "duration_minutes": _duration(data.get("duration_minutes")),
        "place": _text(data.get("place"), "place", 200),
        "service": service,
        "service_text": service_text,
        "note": _text(data.get("note"), "note", NOTE_MAX_LENGTH),
        "agreed_next": _text(data.get("agreed_next"), "agreed_next", NOTE_MAX_LENGTH),
        **_life_areas(data.get("life_areas")),
    }
    clean.update(links.clean_all(case, data))
    return clean


def _case_for_writing(actor: User, case: FollowUp) -> FollowUp:
    access.require_change(actor, case)
    return FollowUp.objects.select_related("service_user", "trust_person", "unit").get(pk=case.pk)


# --- writing -----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_entry(
    actor: User,
    case: FollowUp,
    *,
    kind: str,
    started_at: datetime.datetime | None = None,
    duration_minutes: int = 30,
    place: str = "",
    service: Organisation | None = None,
    service_text: str = "",
    life_areas: Iterable[str] = (),
    note: str = "",
    agreed_next: str = "",
    next_appointment: dict | None = None,
    **linked: Iterable,
) -> FollowUpEntry:
    """Log a contact (or an attempt). ``next_appointment`` (the keyword arguments of
    :func:`koordinator.continuity.create_appointment`: ``starts_at``, ``place``, …) books the next meeting in
    the same transaction; if it is refused, nothing is saved. ``linked``: what the entry points at, one keyword
    per registered link (``steps=[step]``, see ``followup_log.links``)."""
    case = _case_for_writing(actor, case)
    data = _clean(case, {
        "kind": kind,
        "started_at": started_at if started_at is not None else timezone.now(),
        "duration_minutes": duration_minutes,
        "place": place,
        "service": service,
        "service_text": service_text,
        "life_areas": life_areas,
        "note": note,
        "agreed_next": agreed_next,
        **linked,
    })
    chosen = {name: data.pop(name) for name in links.link_names()}
    entry = FollowUpEntry(follow_up=case, written_by=actor, **data)
    if next_appointment:
        try:
            entry.next_appointment = continuity.create_appointment(actor, case, **next_appointment)
        except ServiceError as error:
            raise ServiceError(error.message, "next_appointment") from None
    save_with_history(entry, actor, lambda: _("Loggført: %(kind)s") % {"kind": entry.get_kind_display()})
    for link in links.entry_links():
        if chosen[link.name]:
            link.save(actor, entry, chosen[link.name])
    if entry.is_contact:
        _end_quiet_spell(case)
    ensure_inside_gate(actor, entry)
    return entry


def _lock(entry: FollowUpEntry) -> FollowUpEntry:
    return (
        FollowUpEntry.objects.select_for_update(of=("self",))
        .select_related("follow_up", "service")
        .get(pk=entry.pk)
    )


@transaction.atomic
def update_entry(actor: User, entry: FollowUpEntry, **changes) -> FollowUpEntry:
    """Change an entry. Only what differs is saved; the history keeps every earlier version."""
    access.require_change(actor, entry)
    entry = _lock(entry)
    if entry.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived"]))
    unknown = set(changes) - set(entry_fields())
    if unknown:
        raise ServiceError(str(MESSAGES["unknown_fields"]) % {"fields": ", ".join(sorted(unknown))})
    current = links.current_all(entry)
    merged = {
        "kind": entry.kind,
        "started_at": entry.started_at,
        "duration_minutes": entry.duration_minutes,
        "place": entry.place,
        "service": entry.service,
        "service_text": entry.service_text,
        "life_areas": entry.life_areas,
        "note": entry.note,
        "agreed_next": entry.agreed_next,
        **current,
        **changes,
    }
    data = _clean(entry.follow_up, merged)
    chosen = {name: data.pop(name) for name in links.link_names()}
    changed = [name for name, value in data.items() if getattr(entry, name) != value]
    links_changed = links.changed_links(current, chosen)
    if not changed and not links_changed:
        return entry
    was_contact = entry.is_contact
    for name in changed:
        setattr(entry, name, data[name])
    def reason() -> str:  # the fields' names, in the history's one language
        labels = [_label(name) for name in changed if not name.startswith("area_")]
        if any(name.startswith("area_") for name in changed):
            labels.append(_("livsområder"))
        labels += [str(link.label) for link in links_changed]
        return _("Loggføringen er endret: %(fields)s") % {"fields": ", ".join(labels)}

    save_with_history(entry, actor, reason)
    for link in links_changed:
        link.save(actor, entry, chosen[link.name])
    if entry.is_contact and not was_contact:
        _end_quiet_spell(entry.follow_up)
    ensure_inside_gate(actor, entry)
    return entry


def _label(name: str) -> str:
    return str(FollowUpEntry._meta.get_field(name).verbose_name)


@transaction.atomic
def archive_entry(actor: User, entry: FollowUpEntry, reason: str = "") -> FollowUpEntry:
    """Take an entry out of the log (written on the wrong person, a mistake). Nothing is deleted: staff still
    find it, with its history; the owner and partners no longer see it."""
    access.require_change(actor, entry)
    entry = _lock(entry)
    if entry.archived_at is not None:
        raise ServiceError(str(MESSAGES["already_archived"]))
    entry.archived_at = timezone.now()
    entry.archived_reason = _text(reason, "reason", 300)
    save_with_history(entry, actor, gettext_lazy("Loggføringen er arkivert"))
    return entry


def _end_quiet_spell(case: FollowUp) -> None:
    """A contact ends the quiet spell: a reminder about it that has not gone out yet is cancelled."""
    pending = list(
        Notification.objects.filter(
            dedupe_key__startswith=quiet_key_prefix(case.pk), state=Notification.State.PENDING
        )
    )
    for notification in pending:
        notification.state = Notification.State.CANCELLED
    if pending:
        bulk_update_with_history(pending, Notification, ["state"],
                                 default_change_reason="Kontakt er registrert i loggen")


def quiet_reminders(now: datetime.datetime) -> int:
    """One calm in-app reminder to the trust person per quiet spell (``run_reminders``). Idempotent: the
    dedupe key names the case and the day the spell began, so a rerun writes nothing and a new spell (after a
    new contact) gets a new reminder."""
    day = timezone.localdate(now)
    # A case already reminded for its spell (the key names the day it began) is left out by the database, so a run
    # with nothing due reads none of them, however many quiet cases there are. The key as quiet_key writes it.
    cases = quiet_case_rows(day).exclude(
        outbox.already_written(FollowUp, "followup:", OuterRef("pk"), ":quiet:", OuterRef("since"))
    )
    drafts = []
    for case in cases:
        quiet = _quiet(case, case.last_contact, case.last_attempt, day)
        drafts.append(outbox.build(case.trust_person, words=partial(_quiet_words, case, quiet), about=case,
                                   channel=outbox.Channel.IN_APP, dedupe_key=quiet_key(case.pk, quiet)))
    return len(outbox.notify_many(drafts))


def _quiet_words(case: FollowUp, quiet) -> tuple[str, str]:
    """The quiet-spell reminder to the trust person, composed by the outbox in the recipient's language."""
    su = case.service_user
    if quiet.never:
        body = ngettext(
            "Det er ikke registrert kontakt med %(name)s siden oppfølgingen startet %(date)s, for %(days)s dag "
            "siden.",
            "Det er ikke registrert kontakt med %(name)s siden oppfølgingen startet %(date)s, for %(days)s dager "
            "siden.",
            quiet.days,
        )
    else:
        body = ngettext(
            "Det er %(days)s dag siden det sist ble registrert kontakt med %(name)s (%(date)s).",
            "Det er %(days)s dager siden det sist ble registrert kontakt med %(name)s (%(date)s).",
            quiet.days,
        )
    body = body % {"name": su.full_name, "date": no_date(quiet.since), "days": quiet.days}
    if quiet.last_attempt:
        body += " " + _("Sist forsøkt: %(when)s.") % {"when": no_datetime(quiet.last_attempt)}
    body += " " + _("Kanskje en telefon, en SMS eller et besøk? Når du skriver kontakten i loggen, forsvinner "
                    "merket på arbeidslisten.")
    return _("Lenge siden kontakt med %(name)s") % {"name": su.full_name}, body
