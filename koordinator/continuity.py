"""Continuity services and selectors: deputies, absences, appointments, who is my contact now, handovers.

Writes here follow DESIGN.md rule 2 like ``koordinator/services.py``: the acting user is explicit, rules are
checked, history user and reason are set, notifications are written to the outbox in the same transaction.

The case that must never happen again: a user tidied up and put plants on the table for a home visit, and
nobody told her the worker was off sick. So: registering an absence that has begun tells every user at once,
and today's appointments go out by SMS first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from koordinator import access, outbox
from koordinator.models import (
    Absence,
    Appointment,
    DeputyArrangement,
    FollowUp,
    Handover,
    Membership,
    Notification,
    Organisation,
    User,
)
from koordinator.phone import display_phone
from koordinator.timeutil import at, day_bounds, no_date, no_datetime, no_time
from koordinator.toolkit import ServiceError, save_with_history

# --- who covers whom -------------------------------------------------------------------------------------------


def standing_deputies(trust_person_ids: Iterable[int]) -> dict[int, User]:
    arrangements = DeputyArrangement.objects.filter(trust_person_id__in=set(trust_person_ids)).select_related(
        "deputy"
    )
    return {a.trust_person_id: a.deputy for a in arrangements}


def effective_deputy(case: FollowUp, standing: dict[int, User] | None = None) -> User | None:
    """The case's own deputy, else the trust person's standing deputy."""
    if case.deputy_id:
        return case.deputy
    if standing is None:
        standing = standing_deputies([case.trust_person_id])
    return standing.get(case.trust_person_id)


def absences_on(user_ids: Iterable[int], day: datetime.date) -> dict[int, Absence]:
    """The absence covering ``day`` for each of ``user_ids`` who is away that day."""
    return {a.person_id: a for a in Absence.objects.covering(day).filter(person_id__in=set(user_ids))}


@dataclass
class Contact:
    """Who the user should contact right now."""

    role: str  # "primary", "deputy" or "duty"
    name: str
    phone: str
    person: User | None = None
    until: datetime.date | None = None  # when the primary is back, if they are away
    reason: str = ""

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    def as_dict(self) -> dict:
        return {
            "role": self.role,
            "name": self.name,
            "phone": self.phone,
            "user_id": self.person.pk if self.person else None,
            "until": self.until.isoformat() if self.until else None,
            "reason": self.reason,
        }


def contact_now(case: FollowUp, day: datetime.date | None = None) -> Contact:
    """Primary → deputy → the unit's duty contact, right for ``day`` (today)."""
    day = day or timezone.localdate()
    deputy = effective_deputy(case)
    away = absences_on([case.trust_person_id] + ([deputy.pk] if deputy else []), day)
    primary_absence = away.get(case.trust_person_id)
    if primary_absence is None:
        return Contact("primary", case.trust_person.display_name, case.trust_person.phone, case.trust_person)
    if deputy is not None and deputy.pk not in away:
        return Contact(
            "deputy",
            deputy.display_name,
            deputy.phone,
            deputy,
            until=primary_absence.ends_on,
            reason=_("%(name)s er borte til og med %(date)s.")
            % {"name": case.trust_person.first_name or case.trust_person.display_name,
               "date": no_date(primary_absence.ends_on)},
        )
    unit = case.unit
    return Contact(
        "duty",
        _("Vakttelefonen, %(unit)s") % {"unit": unit.name},
        unit.duty_phone or unit.phone,
        None,
        until=primary_absence.ends_on,
        reason=_("Både kontaktpersonen din og stedfortrederen er borte nå."),
    )


def my_contact_now(service_user) -> Contact | None:
    case = (
        FollowUp.objects.open()
        .filter(service_user=service_user)
        .select_related("trust_person", "deputy", "unit")
        .order_by("-started_on", "-pk")
        .first()
    )
    return contact_now(case) if case else None


# --- standing deputies -------------------------------------------------------------------------------------------


def _leader_over(actor: User, person: User) -> bool:
    munis = access.actor_for(actor).leader_municipality_ids
    return Membership.objects.filter(user=person, organisation__municipality_id__in=munis).exists()


def _unit_of(person: User) -> Organisation | None:
    membership = (
        Membership.objects.filter(user=person, role=Membership.Role.TRUST_PERSON)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def set_standing_deputy(actor: User, trust_person: User, deputy: User | None) -> DeputyArrangement | None:
    """The leader gives a trust person a standing deputy (``None`` removes it)."""
    if not _leader_over(actor, trust_person):
        raise PermissionDenied
    unit = _unit_of(trust_person)
    if unit is None:
        raise ServiceError(_("Personen er ikke tillitsperson i noen enhet."), "trust_person")
    existing = DeputyArrangement.objects.filter(trust_person=trust_person).first()
    if deputy is None:
        if existing:
            existing._history_user = actor
            existing.delete()
        return None
    if deputy.pk == trust_person.pk:
        raise ServiceError(_("Stedfortrederen må være en annen enn tillitspersonen."), "deputy")
    if not Membership.objects.filter(user=deputy, organisation=unit, role=Membership.Role.TRUST_PERSON).exists():
        raise ServiceError(_("Stedfortrederen må jobbe i %(unit)s.") % {"unit": unit.name}, "deputy")
    arrangement = existing or DeputyArrangement(trust_person=trust_person, unit=unit)
    arrangement.deputy = deputy
    arrangement.set_by = actor
    return save_with_history(arrangement, actor, _("Fast stedfortreder satt"))


# --- appointments -------------------------------------------------------------------------------------------


@transaction.atomic
def create_appointment(
    actor: User,
    case: FollowUp,
    *,
    starts_at: datetime.datetime,
    place: str,
    place_detail: str = "",
    about: str = "",
    duration_minutes: int = 60,
    trust_person: User | None = None,
) -> Appointment:
    access.require_change(actor, case)
    if case.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Saken er avsluttet. Åpne den igjen før du avtaler et møte."))
    if place not in Appointment.Place.values:
        raise ServiceError(_("Velg hvor dere skal møtes."), "place")
    if starts_at < timezone.now() - datetime.timedelta(minutes=5):
        raise ServiceError(_("Tidspunktet har allerede vært."), "starts_at")
    if not 5 <= duration_minutes <= 8 * 60:
        raise ServiceError(_("Varigheten må være mellom 5 minutter og 8 timer."), "duration_minutes")
    appointment = Appointment(
        follow_up=case,
        service_user=case.service_user,
        trust_person=trust_person or case.trust_person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        place_detail=place_detail,
        about=about,
        created_by=actor,
    )
    return save_with_history(appointment, actor, _("Avtale opprettet"))


@transaction.atomic
def cancel_appointment(actor: User, appointment: Appointment, note: str = "", *, tell_user: bool = True):
    access.require_change(actor, appointment)
    _cancel(actor, appointment, note)
    if tell_user:
        _tell_user_about_appointment(appointment, "cancelled", urgent=_is_today(appointment))
    return appointment


def _cancel(actor: User, appointment: Appointment, note: str) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.status_note = note
    save_with_history(appointment, actor, _("Avtale avlyst"))
    _cancel_pending_reminders(appointment)


def _cancel_pending_reminders(appointment: Appointment) -> None:
    _cancel_pending_reminders_many([appointment])


def _cancel_pending_reminders_many(appointments: list[Appointment]) -> None:
    """Pending reminders of changed appointments are cancelled (one read, one bulk write with history)."""
    if not appointments:
        return
    q = Q()
    for appointment in appointments:
        q |= Q(dedupe_key__startswith=f"appointment:{appointment.pk}:reminder:")
    pending = list(Notification.objects.filter(q, state=Notification.State.PENDING))
    for n in pending:
        n.state = Notification.State.CANCELLED
    if pending:
        bulk_update_with_history(pending, Notification, ["state"], default_change_reason="Avtalen er endret")


def _is_today(appointment: Appointment) -> bool:
    return timezone.localtime(appointment.starts_at).date() == timezone.localdate()


def _tell_user_about_appointment(appointment: Appointment, what: str, *, urgent: bool, absent: User | None = None,
                                 key: str | None = None, contact: Contact | None = None) -> None:
    outbox.notify_many([appointment_notice(appointment, what, urgent=urgent, absent=absent, key=key,
                                           contact=contact)])


def appointment_notice(appointment: Appointment, what: str, *, urgent: bool, absent: User | None = None,
                       key: str | None = None, contact: Contact | None = None) -> Notification:
    """The message to the user about a covered, moved or cancelled appointment (unsaved)."""
    su = appointment.service_user
    when = no_datetime(appointment.starts_at)
    if what == "covered":
        body = _(
            "Hei %(name)s. %(absent)s kan ikke komme %(when)s. %(deputy)s kommer i stedet, samme tid og sted "
            "(%(place)s). Spørsmål? Ring %(deputy)s på %(phone)s."
        ) % {
            "name": su.first_name,
            "absent": (absent.display_name if absent else _("Kontaktpersonen din")),
            "when": when,
            "deputy": appointment.trust_person.display_name,
            "place": appointment.place_for_user,
            "phone": display_phone(appointment.trust_person.phone or appointment.follow_up.unit.duty_phone),
        }
        subject = _("Endring: %(deputy)s kommer i stedet") % {"deputy": appointment.trust_person.display_name}
    elif what == "moved":
        body = _("Hei %(name)s. Avtalen din er flyttet til %(when)s (%(place)s).") % {
            "name": su.first_name, "when": when, "place": appointment.place_for_user
        }
        subject = _("Avtalen din er flyttet")
    else:
        contact = contact or my_contact_now(su)
        body = _(
            "Hei %(name)s. Avtalen %(when)s er dessverre avlyst. Vi tar kontakt for å finne en ny tid. "
            "Trenger du noen nå, ring %(contact)s på %(phone)s."
        ) % {
            "name": su.first_name,
            "when": when,
            "contact": contact.name if contact else _("kontoret"),
            "phone": contact.phone_display if contact else "",
        }
        subject = _("Avtalen din er avlyst")
    # Today's changes go by SMS first, whatever the usual preference, so nobody waits in vain.
    channel = outbox.choose_channel(su, outbox.Channel.SMS) if urgent else None
    return outbox.build(su, subject, body, about=appointment, channel=channel, dedupe_key=key)


@transaction.atomic
def move_appointment(actor: User, appointment: Appointment, new_start: datetime.datetime, note: str = ""):
    access.require_change(actor, appointment)
    if new_start < timezone.now():
        raise ServiceError(_("Det nye tidspunktet har allerede vært."), "starts_at")
    urgent = _is_today(appointment)
    _cancel_pending_reminders(appointment)
    appointment.starts_at = new_start
    appointment.status = Appointment.Status.PLANNED
    appointment.status_note = note
    save_with_history(appointment, actor, _("Avtale flyttet"))
    _tell_user_about_appointment(appointment, "moved", urgent=urgent)
    return appointment


# --- absences --------------------------------------------------------------------------------------------------


@dataclass
class Gap:
    """A case where neither the trust person nor the deputy is there, or where there is no deputy at all."""

    case: FollowUp
    reason: str


@dataclass
class AbsenceResult:
    absence: Absence
    gaps: list[Gap] = field(default_factory=list)
    covered: list[Appointment] = field(default_factory=list)
    cancelled: list[Appointment] = field(default_factory=list)
    announced: bool = False


DEPUTY, CANCEL = "deputy", "cancel"


def _cases_of(person: User):
    return (
        FollowUp.objects.open()
        .filter(trust_person=person)
        .select_related("service_user", "trust_person", "deputy", "unit")
        .order_by("pk")
    )


def gaps_for_absence(person: User, starts_on: datetime.date, ends_on: datetime.date,
                     cases: list[FollowUp] | None = None) -> list[Gap]:
    """Cases of ``person`` left without cover if they are away from ``starts_on`` to ``ends_on``."""
    cases = list(cases if cases is not None else _cases_of(person))
    standing = standing_deputies([person.pk])
    deputies = {effective_deputy(c, standing) for c in cases} - {None}
    away = set(
        Absence.objects.overlapping(starts_on, ends_on)
        .filter(person_id__in=[d.pk for d in deputies])
        .values_list("person_id", flat=True)
    )
    gaps = []
    for case in cases:
        deputy = effective_deputy(case, standing)
        if deputy is None:
            gaps.append(Gap(case, _("%(user)s har ingen stedfortreder.") % {"user": case.service_user.full_name}))
        elif deputy.pk in away:
            gaps.append(
                Gap(case, _("Stedfortrederen %(deputy)s er også borte i perioden.") % {"deputy": deputy.display_name})
            )
    return gaps


def preview_absence(actor: User, person: User, starts_on: datetime.date, ends_on: datetime.date):
    """What registering would touch: the gaps and the appointments in the period (for the form's warning)."""
    _check_absence_rights(actor, person)
    appointments = list(
        Appointment.objects.upcoming()
        .filter(trust_person=person)
        .between(starts_on, ends_on)
        .select_related("service_user", "follow_up")
    )
    return gaps_for_absence(person, starts_on, ends_on), appointments


def _check_absence_rights(actor: User, person: User) -> None:
    if actor.pk == person.pk and access.actor_for(actor).trust_person_unit_ids:
        return
    if _leader_over(actor, person):
        return
    raise PermissionDenied


@transaction.atomic
def register_absence(
    actor: User,
    person: User,
    *,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    announce_return: bool = False,
    decisions: dict[int, str] | None = None,
    default_decision: str = DEPUTY,
) -> AbsenceResult:
    """Register an absence and act on it.

    ``decisions`` maps appointment ids in the period to ``"deputy"`` (hand it to the deputy) or ``"cancel"``;
    others get ``default_decision``. An appointment with no deputy available is cancelled. If the absence has
    begun, users are told now; otherwise ``run_reminders`` tells them the day before it starts.
    """
    _check_absence_rights(actor, person)
    today = timezone.localdate()
    if kind not in Absence.Kind.values:
        raise ServiceError(_("Velg type fravær."), "kind")
    if starts_on is None or ends_on is None:
        raise ServiceError(_("Skriv fra og til dato."), "starts_on")
    if ends_on < starts_on:
        raise ServiceError(_("«Til og med» kan ikke være før «fra og med»."), "ends_on")
    if ends_on < today:
        raise ServiceError(_("Fraværet er allerede over. Registrer bare fravær som gjelder i dag eller senere."),
                           "ends_on")
    if ends_on > starts_on + datetime.timedelta(days=366):
        raise ServiceError(_("Et fravær kan vare i høyst ett år. Registrer et nytt etterpå."), "ends_on")
    if Absence.objects.overlapping(starts_on, ends_on).filter(person=person).exists():
        raise ServiceError(_("%(name)s har allerede registrert fravær i denne perioden.")
                           % {"name": person.display_name}, "starts_on")
    decisions = decisions or {}
    if any(d not in (DEPUTY, CANCEL) for d in list(decisions.values()) + [default_decision]):
        raise ServiceError(_("Velg for hver avtale om stedfortrederen tar den eller om den avlyses."))

    absence = save_with_history(
        Absence(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note,
                announce_return=announce_return, registered_by=actor),
        actor,
        _("Fravær registrert"),
    )
    cases = list(_cases_of(person))
    result = AbsenceResult(absence, gaps=gaps_for_absence(person, starts_on, ends_on, cases))
    _handle_appointments(actor, absence, cases, decisions, default_decision, result)
    if starts_on <= today:
        announce_absence(absence, cases=cases)
        result.announced = True
    return result


def _handle_appointments(actor, absence, cases, decisions, default_decision, result) -> None:
    """Hand each appointment in the period to the deputy, or cancel it; tell today's users at once.

    Reads and writes are batched so the number of queries does not grow with appointments or users.
    """
    person = absence.person
    appointments = list(
        Appointment.objects.upcoming()
        .filter(trust_person=person)
        .between(absence.starts_on, absence.ends_on)
        .select_related("service_user", "follow_up__trust_person", "follow_up__deputy", "follow_up__unit")
    )
    if not appointments:
        return
    standing = standing_deputies([person.pk])
    deputy_ids = {d.pk for d in (effective_deputy(a.follow_up, standing) for a in appointments) if d}
    deputy_absences = defaultdict(list)
    for a in Absence.objects.overlapping(absence.starts_on, absence.ends_on).filter(person_id__in=deputy_ids):
        deputy_absences[a.person_id].append(a)
    today = timezone.localdate()
    notices = []
    for appointment in appointments:
        day = timezone.localtime(appointment.starts_at).date()
        deputy = effective_deputy(appointment.follow_up, standing)
        deputy_free = deputy is not None and not any(a.covers(day) for a in deputy_absences[deputy.pk])
        if decisions.get(appointment.pk, default_decision) == DEPUTY and deputy_free:
            appointment.original_trust_person = person
            appointment.trust_person = deputy
            appointment.status = Appointment.Status.COVERED
            appointment.status_note = _("Stedfortreder tar avtalen")
            result.covered.append(appointment)
            what = "covered"
        else:
            appointment.status = Appointment.Status.CANCELLED
            appointment.status_note = _("Avlyst på grunn av fravær")
            result.cancelled.append(appointment)
            what = "cancelled"
        # Today's changes are told at once; later ones go with the announcement of the absence.
        if day == today:
            unit = appointment.follow_up.unit
            contact = (
                Contact("deputy", deputy.display_name, deputy.phone, deputy) if deputy_free
                else Contact("duty", _("vakttelefonen til %(unit)s") % {"unit": unit.name},
                             unit.duty_phone or unit.phone)
            )
            notices.append(appointment_notice(
                appointment, what, urgent=True, absent=person, contact=contact,
                key=f"absence:{absence.pk}:appointment:{appointment.pk}",
            ))
    bulk_update_with_history(
        appointments, Appointment, ["trust_person", "original_trust_person", "status", "status_note"],
        default_user=actor, default_change_reason=_("Endret på grunn av fravær"),
    )
    _cancel_pending_reminders_many(appointments)
    outbox.notify_many(notices)


def announce_absence(absence: Absence, cases: list[FollowUp] | None = None) -> int:
    """Tell each of the absent person's users who to contact instead, and give the deputies a handover.

    Idempotent: every notification carries a dedupe key, and ``announced_at`` is set once.
    Returns the number of users told.
    """
    person = absence.person
    cases = list(cases if cases is not None else _cases_of(person))
    standing = standing_deputies([person.pk])
    deputy_ids = {d.pk for d in (effective_deputy(c, standing) for c in cases) if d}
    deputies_away = set(
        Absence.objects.overlapping(absence.starts_on, absence.ends_on)
        .filter(person_id__in=deputy_ids)
        .exclude(pk=absence.pk)
        .values_list("person_id", flat=True)
    )
    changed = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(Q(original_trust_person=person) | Q(trust_person=person))
        .between(absence.starts_on, absence.ends_on)
        .exclude(starts_at__lt=day_bounds(timezone.localdate())[1])  # today's were told already
        .select_related("trust_person")
    ):
        changed[appointment.follow_up_id].append(appointment)
    drafts: list[Notification] = []
    by_deputy: dict[int, list[FollowUp]] = defaultdict(list)
    for case in cases:
        su = case.service_user
        deputy = effective_deputy(case, standing)
        lines = [
            _("Hei %(name)s. %(worker)s er borte fra %(start)s til og med %(end)s.")
            % {"name": su.first_name, "worker": person.display_name, "start": no_date(absence.starts_on),
               "end": no_date(absence.ends_on)}
        ]
        if deputy is not None and deputy.pk not in deputies_away:
            lines.append(
                _("Da kan du ta kontakt med %(deputy)s på %(phone)s.")
                % {"deputy": deputy.display_name, "phone": display_phone(deputy.phone or case.unit.duty_phone)}
            )
            by_deputy[deputy.pk].append(case)
        else:
            lines.append(
                _("Da kan du ringe vakttelefonen til %(unit)s på %(phone)s.")
                % {"unit": case.unit.name, "phone": display_phone(case.unit.duty_phone or case.unit.phone)}
            )
        for appointment in changed.get(case.pk, []):
            if appointment.status == Appointment.Status.COVERED:
                lines.append(_("Avtalen %(when)s blir som før, men %(deputy)s kommer i stedet.")
                             % {"when": no_datetime(appointment.starts_at),
                                "deputy": appointment.trust_person.display_name})
            elif appointment.status == Appointment.Status.CANCELLED:
                lines.append(_("Avtalen %(when)s er avlyst. Vi tar kontakt om en ny tid.")
                             % {"when": no_datetime(appointment.starts_at)})
        drafts.append(outbox.build(
            su,
            _("%(worker)s er borte – dette er kontakten din") % {"worker": person.display_name},
            " ".join(lines),
            about=absence,
            dedupe_key=f"absence:{absence.pk}:user:{su.pk}",
        ))
    for deputy_id, deputy_cases in by_deputy.items():
        deputy = next(effective_deputy(c, standing) for c in deputy_cases)
        names = ", ".join(c.service_user.full_name for c in deputy_cases)
        body = ngettext(
            "%(worker)s er borte fra %(start)s til og med %(end)s. Du er stedfortreder for %(count)s bruker: "
            "%(names)s. Se overføringslisten i koordinator.",
            "%(worker)s er borte fra %(start)s til og med %(end)s. Du er stedfortreder for %(count)s brukere: "
            "%(names)s. Se overføringslisten i koordinator.",
            len(deputy_cases),
        ) % {"worker": person.display_name, "start": no_date(absence.starts_on), "end": no_date(absence.ends_on),
             "count": len(deputy_cases), "names": names}
        subject = _("Overføring: du dekker for %(worker)s") % {"worker": person.display_name}
        drafts.append(outbox.build(deputy, subject, body, about=absence, channel=outbox.Channel.IN_APP,
                                   dedupe_key=f"absence:{absence.pk}:deputy:{deputy_id}:in_app"))
        if deputy.email:
            drafts.append(outbox.build(deputy, subject, body, about=absence, channel=outbox.Channel.EMAIL,
                                       dedupe_key=f"absence:{absence.pk}:deputy:{deputy_id}:email"))
    written = outbox.notify_many(drafts)
    told = sum(1 for n in written if n.recipient_service_user_id)
    if absence.announced_at is None:
        absence.announced_at = timezone.now()
        save_with_history(absence, None, _("Brukerne er varslet om fraværet"))
    return told


def announce_return(absence: Absence) -> int:
    """*«X er tilbake»* to each user, once, the day after the absence ends (if asked for)."""
    told = 0
    for case in _cases_of(absence.person):
        if outbox.notify(
            case.service_user,
            _("%(worker)s er tilbake") % {"worker": absence.person.display_name},
            _("Hei %(name)s. %(worker)s er tilbake på jobb og er kontaktpersonen din igjen. Telefon: %(phone)s.")
            % {"name": case.service_user.first_name, "worker": absence.person.display_name,
               "phone": display_phone(absence.person.phone or case.unit.duty_phone)},
            about=absence,
            dedupe_key=f"absence:{absence.pk}:return:{case.service_user_id}",
        ):
            told += 1
    absence.return_announced_at = timezone.now()
    save_with_history(absence, None, _("Brukerne er varslet om at fraværet er over"))
    return told


@transaction.atomic
def cancel_absence(actor: User, absence: Absence) -> Absence:
    """Take back an absence (registered by mistake, or the person came back early).

    Appointments still ahead that a deputy had taken over go back to the person, and users who had been
    told about the absence are told it no longer applies. Cancelled appointments stay cancelled: the user
    has been told, and a new time is agreed with them.
    """
    _check_absence_rights(actor, absence.person)
    if absence.cancelled_at is not None:
        raise ServiceError(_("Fraværet er allerede slettet."))
    person = absence.person
    absence.cancelled_at = timezone.now()
    save_with_history(absence, actor, _("Fravær slettet"))
    handed_back = list(
        Appointment.objects.filter(original_trust_person=person, status=Appointment.Status.COVERED,
                                   starts_at__gt=timezone.now())
        .between(absence.starts_on, absence.ends_on)
        .select_related("service_user")
    )
    for appointment in handed_back:
        appointment.trust_person = person
        appointment.original_trust_person = None
        appointment.status = Appointment.Status.PLANNED
        appointment.status_note = _("Tilbake hos %(name)s") % {"name": person.display_name}
    if handed_back:
        bulk_update_with_history(
            handed_back, Appointment, ["trust_person", "original_trust_person", "status", "status_note"],
            default_user=actor, default_change_reason=_("Fraværet er slettet"),
        )
        _cancel_pending_reminders_many(handed_back)
    if absence.announced_at is not None:
        outbox.notify_many([
            outbox.build(
                case.service_user,
                _("%(worker)s er likevel på jobb") % {"worker": person.display_name},
                _("Hei %(name)s. %(worker)s er likevel ikke borte, og er kontaktpersonen din som vanlig. "
                  "Avtaler som ikke ble avlyst, blir som først avtalt.")
                % {"name": case.service_user.first_name, "worker": person.display_name},
                about=absence,
                dedupe_key=f"absence:{absence.pk}:withdrawn:{case.service_user_id}",
            )
            for case in _cases_of(person)
        ])
    return absence


# --- the deputy's handover list -------------------------------------------------------------------------------


@dataclass
class HandoverItem:
    """Something due for a user during the absence: an appointment, a step, an action item, a meeting."""

    kind: str
    when: datetime.datetime | datetime.date | None
    text: str
    url: str = ""


@dataclass
class HandoverEntry:
    case: FollowUp
    contact_phone: str
    items: list[HandoverItem] = field(default_factory=list)


# Later issues (plans, meetings) register functions here: fn(absence, cases) -> {case_id: [HandoverItem]}.
HANDOVER_SECTIONS: list[Callable[[Absence, list[FollowUp]], dict[int, list[HandoverItem]]]] = []


def register_handover_section(fn):
    HANDOVER_SECTIONS.append(fn)
    return fn


@register_handover_section
def _appointments_section(absence: Absence, cases: list[FollowUp]) -> dict[int, list[HandoverItem]]:
    items: dict[int, list[HandoverItem]] = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(follow_up_id__in=[c.pk for c in cases])
        .filter(Q(original_trust_person=absence.person) | Q(trust_person=absence.person))
        .between(absence.starts_on, absence.ends_on)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("starts_at")
    ):
        items[appointment.follow_up_id].append(
            HandoverItem(
                "appointment",
                appointment.starts_at,
                _("Avtale %(when)s, %(place)s: %(about)s")
                % {"when": no_datetime(appointment.starts_at), "place": appointment.place_text,
                   "about": appointment.about or "–"},
            )
        )
    return items


def handover_list(deputy: User, absence: Absence) -> list[HandoverEntry]:
    """The deputy's list for one absence: the users they cover and what is due for each in the period."""
    standing = standing_deputies([absence.person_id])
    cases = [c for c in _cases_of(absence.person) if (effective_deputy(c, standing) or User()).pk == deputy.pk]
    entries = {c.pk: HandoverEntry(c, c.service_user.phone) for c in cases}
    for section in HANDOVER_SECTIONS:
        for case_id, items in section(absence, cases).items():
            if case_id in entries:
                entries[case_id].items.extend(items)
    return list(entries.values())


def handovers_for(deputy: User, day: datetime.date | None = None) -> list[tuple[Absence, list[HandoverEntry]]]:
    """Every absence the deputy covers that is going on or starts within a week."""
    day = day or timezone.localdate()
    covered_people = set(
        FollowUp.objects.open().filter(deputy=deputy).values_list("trust_person_id", flat=True)
    ) | set(DeputyArrangement.objects.filter(deputy=deputy).values_list("trust_person_id", flat=True))
    absences = (
        Absence.objects.active()
        .filter(person_id__in=covered_people, ends_on__gte=day, starts_on__lte=day + datetime.timedelta(days=7))
        .select_related("person")
    )
    return [(a, entries) for a in absences if (entries := handover_list(deputy, a))]


# --- coverage gaps for the leader ------------------------------------------------------------------------------


@dataclass
class CoverageReport:
    uncovered: list[tuple[FollowUp, Absence, Absence]]  # case, trust person's absence, deputy's absence
    without_deputy: list[User]


def coverage_gaps(actor: User, day: datetime.date | None = None, horizon_days: int = 60) -> CoverageReport:
    """Users whose trust person and deputy are away at the same time; trust persons with no deputy at all."""
    day = day or timezone.localdate()
    munis = access.actor_for(actor).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    last = day + datetime.timedelta(days=horizon_days)
    absences = list(
        Absence.objects.overlapping(day, last)
        .filter(person__memberships__organisation__municipality_id__in=munis)
        .distinct()
        .select_related("person")
    )
    by_person = defaultdict(list)
    for a in absences:
        by_person[a.person_id].append(a)
    cases = list(
        FollowUp.objects.open()
        .filter(municipality_id__in=munis, trust_person_id__in=by_person)
        .select_related("service_user", "trust_person", "deputy", "unit")
    )
    standing = standing_deputies({c.trust_person_id for c in cases})
    uncovered = []
    for case in cases:
        deputy = effective_deputy(case, standing)
        if deputy is None:
            continue
        for mine in by_person[case.trust_person_id]:
            overlap = next(
                (d for d in by_person.get(deputy.pk, []) if d.starts_on <= mine.ends_on and d.ends_on >= mine.starts_on),
                None,
            )
            if overlap:
                uncovered.append((case, mine, overlap))
                break
    trust_persons = User.objects.filter(
        memberships__role=Membership.Role.TRUST_PERSON,
        memberships__organisation__municipality_id__in=munis,
        is_active=True,
    ).distinct()
    without = [
        tp for tp in trust_persons.exclude(pk__in=DeputyArrangement.objects.values("trust_person_id"))
        .order_by("first_name", "last_name")
    ]
    return CoverageReport(uncovered=uncovered, without_deputy=without)


# --- permanent change of trust person ------------------------------------------------------------------------


@transaction.atomic
def change_trust_person(actor: User, case: FollowUp, new_trust_person: User, handover_note: str) -> Handover:
    """The leader reassigns a case for good. The handover note is required and the user can read it."""
    from koordinator.services import check_staffing

    access.require_change(actor, case)
    if not access.leads(actor, case.municipality_id):
        raise PermissionDenied
    if not (handover_note or "").strip():
        raise ServiceError(_("Skriv et overføringsnotat til den nye tillitspersonen."), "handover_note")
    if new_trust_person.pk == case.trust_person_id:
        raise ServiceError(_("Velg en annen tillitsperson enn den som har saken nå."), "trust_person")
    case = FollowUp.objects.select_for_update().select_related("service_user", "trust_person").get(pk=case.pk)
    deputy = case.deputy if case.deputy_id != new_trust_person.pk else None
    check_staffing(case.unit, new_trust_person, deputy)
    handover = save_with_history(
        Handover(follow_up=case, from_person=case.trust_person, to_person=new_trust_person,
                 note=handover_note.strip(), created_by=actor),
        actor,
        _("Ny tillitsperson"),
    )
    old = case.trust_person
    case.trust_person = new_trust_person
    case.deputy = deputy
    case.user_notice = _("Du har fått ny kontaktperson: %(new)s. %(old)s har skrevet et notat om overføringen "
                         "som du kan lese.") % {"new": new_trust_person.display_name, "old": old.display_name}
    case.user_notice_at = timezone.now()
    save_with_history(case, actor, _("Ny tillitsperson: %(name)s") % {"name": new_trust_person.display_name})
    su = case.service_user
    outbox.notify(
        su,
        _("Du har fått ny kontaktperson"),
        _("Hei %(name)s. Fra nå er %(new)s kontaktpersonen din, i stedet for %(old)s. Telefon: %(phone)s.")
        % {"name": su.first_name, "new": new_trust_person.display_name, "old": old.display_name,
           "phone": display_phone(new_trust_person.phone or case.unit.duty_phone)},
        about=case,
    )
    outbox.notify(
        new_trust_person,
        _("Ny sak: %(user)s") % {"user": su.full_name},
        _("Du er ny tillitsperson for %(user)s. Les overføringsnotatet fra %(old)s.")
        % {"user": su.full_name, "old": old.display_name},
        about=case,
        channel=outbox.Channel.IN_APP,
    )
    return handover


# --- appointment lists ----------------------------------------------------------------------------------------


def appointments_for_worker(user: User, day: datetime.date | None = None):
    """Today's and the rest of this week's live appointments where ``user`` is the one who meets."""
    from koordinator.timeutil import week_bounds

    day = day or timezone.localdate()
    _, sunday = week_bounds(day)
    qs = (
        Appointment.objects.upcoming()
        .filter(trust_person=user)
        .between(day, max(sunday, day))
        .select_related("service_user", "original_trust_person")
        .order_by("starts_at")
    )
    today_end = day_bounds(day)[1]
    items = list(qs)
    return [a for a in items if a.starts_at < today_end], [a for a in items if a.starts_at >= today_end]


def reminder_due_at(appointment: Appointment) -> datetime.datetime:
    """By default the evening before at 18.00 (settings.APPOINTMENT_REMINDER_*), or at once if that has passed."""
    from django.conf import settings

    day = timezone.localtime(appointment.starts_at).date() - datetime.timedelta(
        days=settings.APPOINTMENT_REMINDER_DAYS_BEFORE
    )
    return max(at(day, settings.APPOINTMENT_REMINDER_HOUR), timezone.now())


def reminder_text(appointment: Appointment) -> tuple[str, str]:
    su = appointment.service_user
    return (
        _("Påminnelse: avtale %(when)s") % {"when": no_datetime(appointment.starts_at)},
        _("Hei %(name)s. Husk avtalen med %(worker)s %(day)s kl. %(time)s, %(place)s. Passer det ikke, ring "
          "%(phone)s.")
        % {"name": su.first_name, "worker": appointment.trust_person.display_name,
           "day": no_date(timezone.localtime(appointment.starts_at).date()), "time": no_time(appointment.starts_at),
           "place": appointment.place_for_user,
           "phone": display_phone(appointment.trust_person.phone or appointment.follow_up.unit.duty_phone)},
    )

