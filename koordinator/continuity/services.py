"""Continuity, the writes (DESIGN.md rule 2): standing deputies, appointments, absences (with the users told at once
when an absence has begun), and the permanent change of trust person.

The case that must never happen again: a user tidied up and put plants on the table for a home visit, and
nobody told her the worker was off sick. So: registering an absence that has begun tells every user at once,
and today's appointments go out by SMS first."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_update_with_history

from koordinator import access, outbox
from koordinator.continuity.selectors import (
    CANCEL,
    COLLEAGUE,
    DEPUTY,
    Contact,
    Gap,
    absence_covers,
    appointments_in_absence,
    cases_of,
    check_absence_rights,
    effective_deputy,
    gaps_for_absence,
    is_today,
    leader_over,
    my_contact_now,
    standing_deputies,
)
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
from koordinator.timeutil import no_date, no_datetime
from koordinator.toolkit import ServiceError, check_within_calendar, compose, record_text, save_with_history


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
    if not leader_over(actor, trust_person):
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
    return save_with_history(arrangement, actor, gettext_lazy("Fast stedfortreder satt"))


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
    check_within_calendar(starts_at=starts_at)
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
    return save_with_history(appointment, actor, gettext_lazy("Avtale opprettet"))


@transaction.atomic
def cancel_appointment(actor: User, appointment: Appointment, note: str = "", *, tell_user: bool = True):
    access.require_change(actor, appointment)
    _cancel(actor, appointment, note)
    if tell_user:
        _tell_user_about_appointment(appointment, "cancelled", urgent=is_today(appointment))
    return appointment


def _cancel(actor: User, appointment: Appointment, note: str) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.status_note = note
    save_with_history(appointment, actor, gettext_lazy("Avtale avlyst"))
    _cancel_pending_reminders(appointment)


def _cancel_pending_reminders(appointment: Appointment) -> None:
    _cancel_pending_reminders_many([appointment])


def _cancel_pending_reminders_many(appointments: list[Appointment]) -> None:
    """Pending reminders of changed appointments are cancelled (one read, one bulk write with history).

    Found on the (about_type, about_id) index (a prefix search on the dedupe key read every notification in the
    country on PostgreSQL) and locked, so a sender cannot claim one between the read and the write: its claim
    (``UPDATE … WHERE state = 'pending'``) waits for this transaction and then finds it cancelled."""
    if not appointments:
        return
    pending = list(
        Notification.objects.select_for_update()
        .filter(about_type=ContentType.objects.get_for_model(Appointment), about_id__in=[a.pk for a in appointments],
                dedupe_key__startswith="appointment:", state=Notification.State.PENDING)
    )
    reminder = {f"appointment:{a.pk}:reminder:" for a in appointments}
    pending = [n for n in pending if any(n.dedupe_key.startswith(prefix) for prefix in reminder)]
    for n in pending:
        n.state = Notification.State.CANCELLED
    if pending:
        bulk_update_with_history(pending, Notification, ["state"], default_change_reason="Avtalen er endret")


def _tell_user_about_appointment(appointment: Appointment, what: str, *, urgent: bool, absent: User | None = None,
                                 key: str | None = None, contact: Contact | None = None) -> None:
    outbox.notify_many([appointment_notice(appointment, what, urgent=urgent, absent=absent, key=key,
                                           contact=contact)])


def appointment_notice(appointment: Appointment, what: str, *, urgent: bool, absent: User | None = None,
                       key: str | None = None, contact: Contact | None = None) -> Notification:
    """The message to the user about a covered, moved or cancelled appointment (unsaved), in the user's language.

    ``contact`` is who to call about a cancelled one (default: the user's contact now); a ``"duty"`` contact is
    named as the duty phone of the case's unit."""
    su = appointment.service_user
    # Today's changes go by SMS first, whatever the usual preference, so nobody waits in vain; and also in the
    # quiet hours (``Notification.urgent``, issue 16).
    channel = outbox.choose_channel(su, outbox.Channel.SMS) if urgent else None
    notice = outbox.build(su, words=partial(_appointment_words, appointment, what, absent, contact),
                          about=appointment, channel=channel, dedupe_key=key)
    notice.urgent = urgent
    return notice


def _appointment_words(appointment: Appointment, what: str, absent: User | None,
                       contact: Contact | None) -> tuple[str, str]:
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
        if contact is None:
            name = _("kontoret")
        elif contact.role == "duty":
            name = _("vakttelefonen til %(unit)s") % {"unit": appointment.follow_up.unit.name}
        else:
            name = contact.name
        body = _(
            "Hei %(name)s. Avtalen %(when)s er dessverre avlyst. Vi tar kontakt for å finne en ny tid. "
            "Trenger du noen nå, ring %(contact)s på %(phone)s."
        ) % {
            "name": su.first_name,
            "when": when,
            "contact": name,
            "phone": contact.phone_display if contact else "",
        }
        subject = _("Avtalen din er avlyst")
    return subject, body


@transaction.atomic
def move_appointment(actor: User, appointment: Appointment, new_start: datetime.datetime, note: str = ""):
    access.require_change(actor, appointment)
    check_within_calendar(starts_at=new_start)
    if new_start < timezone.now():
        raise ServiceError(_("Det nye tidspunktet har allerede vært."), "starts_at")
    urgent = is_today(appointment)  # moved away from today, or (below) moved to today: a same-day change
    _cancel_pending_reminders(appointment)
    appointment.starts_at = new_start
    urgent = urgent or is_today(appointment)
    appointment.status = Appointment.Status.PLANNED
    appointment.status_note = note
    save_with_history(appointment, actor, gettext_lazy("Avtale flyttet"))
    _tell_user_about_appointment(appointment, "moved", urgent=urgent)
    return appointment


@dataclass
class AbsenceResult:
    absence: Absence
    gaps: list[Gap] = field(default_factory=list)
    covered: list[Appointment] = field(default_factory=list)
    cancelled: list[Appointment] = field(default_factory=list)
    announced: bool = False


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

    ``decisions`` maps appointment ids in the period to ``"deputy"`` (the deputy takes it), a colleague
    (``colleague_choice(user)``: a trust person of the case's unit who is at work that day) or ``"cancel"``: each is
    done exactly as chosen, and a choice that cannot be kept (the deputy is away that day too) is a ServiceError that
    saves nothing. Appointments not named get ``default_decision``: with ``"deputy"`` the deputy takes them if
    they are at work that day, else they are cancelled (``absence_covers`` says which, and the form shows it).

    Every user whose appointment changes is told at once (today's by SMS first). If the absence has begun, all
    the users are told now who to contact; otherwise ``run_reminders`` tells them the day before it starts.
    """
    check_absence_rights(actor, person)
    today = timezone.localdate()
    if kind not in Absence.Kind.values:
        raise ServiceError(_("Velg type fravær."), "kind")
    if starts_on is None or ends_on is None:
        raise ServiceError(_("Skriv fra og til dato."), "starts_on")
    check_within_calendar(starts_on=starts_on, ends_on=ends_on)
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
    if default_decision not in (DEPUTY, CANCEL) or any(
        not isinstance(d, str) or (d not in (DEPUTY, CANCEL) and not d.startswith(COLLEAGUE))
        for d in decisions.values()
    ):
        raise ServiceError(_("Velg for hver avtale om stedfortrederen eller en kollega tar den, eller om den avlyses."))

    absence = save_with_history(
        Absence(person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note,
                announce_return=announce_return, registered_by=actor),
        actor,
        gettext_lazy("Fravær registrert"),
    )
    cases = list(cases_of(person))
    result = AbsenceResult(absence, gaps=gaps_for_absence(person, starts_on, ends_on, cases))
    _handle_appointments(actor, absence, decisions, default_decision, result)
    _tell_left_without_cover(absence, result.gaps)
    if starts_on <= today:
        announce_absence(absence, cases=cases)
        result.announced = True
    return result


def _handle_appointments(actor, absence, decisions, default_decision, result) -> None:
    """Each appointment in the period goes to the deputy, to a colleague or is cancelled, exactly as decided
    (``absence_covers``: the same choices the form offered), and every user whose appointment changes is told at
    once: the same message whether the absence began today (a sick day) or starts in three weeks.

    Reads and writes are batched so the number of queries does not grow with appointments or users.
    """
    person = absence.person
    appointments = appointments_in_absence(person, absence.starts_on, absence.ends_on)
    if not appointments:
        return
    covers = absence_covers(person, absence.starts_on, absence.ends_on, appointments)
    today = timezone.localdate()
    notices = []
    by_colleague: dict[int, list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        cover = covers[appointment.pk]
        decision = decisions.get(appointment.pk, cover.default if default_decision == DEPUTY else CANCEL)
        taker = cover.taker(decision)  # a choice that cannot be kept: a ServiceError, and nothing is saved
        if taker is not None:
            # One she was covering for a colleague keeps him as the one it belongs to.
            appointment.original_trust_person = appointment.original_trust_person or person
            appointment.trust_person = taker
            appointment.status = Appointment.Status.COVERED
            appointment.status_note = record_text(
                gettext_lazy("Stedfortreder tar avtalen") if decision == DEPUTY else gettext_lazy("En kollega tar avtalen")
            )
            if decision != DEPUTY:
                by_colleague[taker.pk].append(appointment)
            result.covered.append(appointment)
            what = "covered"
        else:
            appointment.status = Appointment.Status.CANCELLED
            appointment.status_note = record_text(gettext_lazy("Avlyst på grunn av fravær"))
            result.cancelled.append(appointment)
            what = "cancelled"
        unit = appointment.follow_up.unit
        contact = (
            Contact("deputy", cover.deputy.display_name, cover.deputy.phone, cover.deputy) if cover.deputy_free
            else Contact("duty", unit.name, unit.duty_phone or unit.phone)
        )
        notices.append(appointment_notice(
            appointment, what, urgent=cover.day == today, absent=person, contact=contact,
            key=f"absence:{absence.pk}:appointment:{appointment.pk}",
        ))
    for colleague_id, taken in by_colleague.items():
        colleague = taken[0].trust_person
        notices.append(outbox.build(
            colleague, words=partial(_colleague_words, person, taken), about=absence, channel=outbox.Channel.IN_APP,
            dedupe_key=f"absence:{absence.pk}:colleague:{colleague_id}",
        ))
    bulk_update_with_history(
        appointments, Appointment, ["trust_person", "original_trust_person", "status", "status_note"],
        default_user=actor, default_change_reason=record_text(gettext_lazy("Endret på grunn av fravær")),
    )
    _cancel_pending_reminders_many(appointments)
    outbox.notify_many(notices)


def _tell_left_without_cover(absence: Absence, gaps: list[Gap]) -> None:
    """The users ``absence.person`` was to cover for a colleague who is away then are told at once that she is away
    too, and to call the duty phone (they were told she would be their contact)."""
    notices = [
        outbox.build(gap.case.service_user, words=partial(_no_cover_words, absence, gap), about=absence,
                     dedupe_key=f"absence:{absence.pk}:no-cover:{gap.case.service_user_id}")
        for gap in gaps
        if gap.case.trust_person_id != absence.person_id and gap.absent is not None
    ]
    if notices:
        outbox.notify_many(notices)


def _no_cover_words(absence: Absence, gap: Gap) -> tuple[str, str]:
    case, person = gap.case, absence.person
    first, last = max(absence.starts_on, gap.absent.starts_on), min(absence.ends_on, gap.absent.ends_on)
    body = _(
        "Hei %(name)s. %(worker)s skulle være kontakten din mens %(absent)s er borte, men blir også borte fra "
        "%(start)s til og med %(end)s. Da kan du ringe vakttelefonen til %(unit)s på %(phone)s."
    ) % {"name": case.service_user.first_name, "worker": person.display_name,
         "absent": case.trust_person.display_name, "start": no_date(first), "end": no_date(last),
         "unit": case.unit.name, "phone": display_phone(case.unit.duty_phone or case.unit.phone)}
    return _("Ny kontakt mens %(absent)s er borte") % {"absent": case.trust_person.display_name}, body


def _colleague_words(person: User, taken: list[Appointment]) -> tuple[str, str]:
    """To a colleague who takes appointments for someone who is away (in the app)."""
    lines = "; ".join(
        _("%(when)s med %(user)s, %(place)s") % {"when": no_datetime(a.starts_at), "user": a.service_user.full_name,
                                                  "place": a.place_text}
        for a in taken
    )
    body = ngettext(
        "%(worker)s er borte. Du tar %(count)s avtale i stedet: %(lines)s.",
        "%(worker)s er borte. Du tar %(count)s avtaler i stedet: %(lines)s.",
        len(taken),
    ) % {"worker": person.display_name, "count": len(taken), "lines": lines}
    return _("Du tar avtaler for %(worker)s") % {"worker": person.display_name}, body


def announce_absence(absence: Absence, cases: list[FollowUp] | None = None) -> int:
    """Tell each of the absent person's users who to contact instead, and give the deputies a handover.

    Appointments whose users were told when the absence was registered (``_handle_appointments``) are not told
    again. Idempotent: every notification carries a dedupe key, and ``announced_at`` is set once.
    Returns the number of users told.
    """
    person = absence.person
    cases = list(cases if cases is not None else cases_of(person))
    standing = standing_deputies([person.pk])
    deputy_ids = {d.pk for d in (effective_deputy(c, standing) for c in cases) if d}
    deputies_away = set(
        Absence.objects.overlapping(absence.starts_on, absence.ends_on)
        .filter(person_id__in=deputy_ids)
        .exclude(pk=absence.pk)
        .values_list("person_id", flat=True)
    )
    changed = defaultdict(list)
    in_period = list(
        Appointment.objects.filter(Q(original_trust_person=person) | Q(trust_person=person))
        .between(absence.starts_on, absence.ends_on)
        .select_related("trust_person")
    )
    told = outbox.written_keys(Appointment, [a.pk for a in in_period], f"absence:{absence.pk}:appointment:")
    for appointment in in_period:
        if f"absence:{absence.pk}:appointment:{appointment.pk}" not in told:
            changed[appointment.follow_up_id].append(appointment)
    drafts: list[Notification] = []
    by_deputy: dict[int, list[FollowUp]] = defaultdict(list)
    for case in cases:
        deputy = effective_deputy(case, standing)
        deputy = deputy if deputy is not None and deputy.pk not in deputies_away else None
        if deputy is not None:
            by_deputy[deputy.pk].append(case)
        drafts.append(outbox.build(
            case.service_user,
            words=partial(_absence_words, absence, case, deputy, changed.get(case.pk, [])),
            about=absence,
            dedupe_key=f"absence:{absence.pk}:user:{case.service_user_id}",
        ))
    for deputy_id, deputy_cases in by_deputy.items():
        deputy = next(effective_deputy(c, standing) for c in deputy_cases)
        words = partial(_deputy_words, absence, deputy_cases)
        drafts.append(outbox.build(deputy, words=words, about=absence, channel=outbox.Channel.IN_APP,
                                   dedupe_key=f"absence:{absence.pk}:deputy:{deputy_id}:in_app"))
        if deputy.email:
            drafts.append(outbox.build(deputy, words=words, about=absence, channel=outbox.Channel.EMAIL,
                                       dedupe_key=f"absence:{absence.pk}:deputy:{deputy_id}:email"))
    written = outbox.notify_many(drafts)
    told_users = sum(1 for n in written if n.recipient_service_user_id)
    if absence.announced_at is None:
        absence.announced_at = timezone.now()
        save_with_history(absence, None, gettext_lazy("Brukerne er varslet om fraværet"))
    return told_users


def _absence_words(absence: Absence, case: FollowUp, deputy: User | None,
                   appointments: list[Appointment]) -> tuple[str, str]:
    """To a user: who is away, who to contact instead (the deputy who is at work, else the duty phone), and what
    happens to appointments they have not been told about yet."""
    su, person = case.service_user, absence.person
    lines = [
        _("Hei %(name)s. %(worker)s er borte fra %(start)s til og med %(end)s.")
        % {"name": su.first_name, "worker": person.display_name, "start": no_date(absence.starts_on),
           "end": no_date(absence.ends_on)}
    ]
    if deputy is not None:
        lines.append(
            _("Da kan du ta kontakt med %(deputy)s på %(phone)s.")
            % {"deputy": deputy.display_name, "phone": display_phone(deputy.phone or case.unit.duty_phone)}
        )
    else:
        lines.append(
            _("Da kan du ringe vakttelefonen til %(unit)s på %(phone)s.")
            % {"unit": case.unit.name, "phone": display_phone(case.unit.duty_phone or case.unit.phone)}
        )
    for appointment in appointments:
        if appointment.status == Appointment.Status.COVERED:
            lines.append(_("Avtalen %(when)s blir som før, men %(deputy)s kommer i stedet.")
                         % {"when": no_datetime(appointment.starts_at),
                            "deputy": appointment.trust_person.display_name})
        elif appointment.status == Appointment.Status.CANCELLED:
            lines.append(_("Avtalen %(when)s er avlyst. Vi tar kontakt om en ny tid.")
                         % {"when": no_datetime(appointment.starts_at)})
    subject = _("%(worker)s er borte – dette er kontakten din") % {"worker": person.display_name}
    return subject, " ".join(lines)


def _deputy_words(absence: Absence, cases: list[FollowUp]) -> tuple[str, str]:
    """To the deputy: whose users they cover, and where the handover list is."""
    person = absence.person
    names = ", ".join(c.service_user.full_name for c in cases)
    body = ngettext(
        "%(worker)s er borte fra %(start)s til og med %(end)s. Du er stedfortreder for %(count)s bruker: "
        "%(names)s. Se overføringslisten i koordinator.",
        "%(worker)s er borte fra %(start)s til og med %(end)s. Du er stedfortreder for %(count)s brukere: "
        "%(names)s. Se overføringslisten i koordinator.",
        len(cases),
    ) % {"worker": person.display_name, "start": no_date(absence.starts_on), "end": no_date(absence.ends_on),
         "count": len(cases), "names": names}
    return _("Overføring: du dekker for %(worker)s") % {"worker": person.display_name}, body


def announce_return(absence: Absence) -> int:
    """*«X er tilbake»* to each user, once, the day after the absence ends (if asked for)."""
    told = 0
    for case in cases_of(absence.person):
        if outbox.notify(
            case.service_user,
            words=partial(_return_words, absence, case),
            about=absence,
            dedupe_key=f"absence:{absence.pk}:return:{case.service_user_id}",
        ):
            told += 1
    absence.return_announced_at = timezone.now()
    save_with_history(absence, None, gettext_lazy("Brukerne er varslet om at fraværet er over"))
    return told


def _return_words(absence: Absence, case: FollowUp) -> tuple[str, str]:
    person = absence.person
    return (
        _("%(worker)s er tilbake") % {"worker": person.display_name},
        _("Hei %(name)s. %(worker)s er tilbake på jobb og er kontaktpersonen din igjen. Telefon: %(phone)s.")
        % {"name": case.service_user.first_name, "worker": person.display_name,
           "phone": display_phone(person.phone or case.unit.duty_phone)},
    )


@transaction.atomic
def cancel_absence(actor: User, absence: Absence) -> Absence:
    """Take back an absence (registered by mistake, or the person came back early).

    Appointments still ahead that a deputy had taken over go back to the person, and users who had been
    told about the absence are told it no longer applies. Cancelled appointments stay cancelled: the user
    has been told, and a new time is agreed with them.
    """
    check_absence_rights(actor, absence.person)
    if absence.cancelled_at is not None:
        raise ServiceError(_("Fraværet er allerede slettet."))
    person = absence.person
    absence.cancelled_at = timezone.now()
    save_with_history(absence, actor, gettext_lazy("Fravær slettet"))
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
        appointment.status_note = record_text(lambda: _("Tilbake hos %(name)s") % {"name": person.display_name})
    if handed_back:
        bulk_update_with_history(
            handed_back, Appointment, ["trust_person", "original_trust_person", "status", "status_note"],
            default_user=actor, default_change_reason=record_text(gettext_lazy("Fraværet er slettet")),
        )
        _cancel_pending_reminders_many(handed_back)
    if absence.announced_at is not None:
        outbox.notify_many([
            outbox.build(
                case.service_user,
                words=partial(_withdrawn_words, person, case.service_user),
                about=absence,
                dedupe_key=f"absence:{absence.pk}:withdrawn:{case.service_user_id}",
            )
            for case in cases_of(person)
        ])
    return absence


def _withdrawn_words(person: User, su) -> tuple[str, str]:
    return (
        _("%(worker)s er likevel på jobb") % {"worker": person.display_name},
        _("Hei %(name)s. %(worker)s er likevel ikke borte, og er kontaktpersonen din som vanlig. "
          "Avtaler som ikke ble avlyst, blir som først avtalt.")
        % {"name": su.first_name, "worker": person.display_name},
    )


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
        gettext_lazy("Ny tillitsperson"),
    )
    old = case.trust_person
    case.trust_person = new_trust_person
    case.deputy = deputy
    su = case.service_user
    # The notice on Min side is for the user: in their language, as a message to them.
    case.user_notice = compose(
        lambda: _("Du har fått ny kontaktperson: %(new)s. %(old)s har skrevet et notat om overføringen som du kan "
                  "lese.") % {"new": new_trust_person.display_name, "old": old.display_name},
        outbox.language_of(su),
    )
    case.user_notice_at = timezone.now()
    save_with_history(case, actor, lambda: _("Ny tillitsperson: %(name)s") % {"name": new_trust_person.display_name})
    outbox.notify(
        su,
        gettext_lazy("Du har fått ny kontaktperson"),
        lambda: _("Hei %(name)s. Fra nå er %(new)s kontaktpersonen din, i stedet for %(old)s. Telefon: %(phone)s.")
        % {"name": su.first_name, "new": new_trust_person.display_name, "old": old.display_name,
           "phone": display_phone(new_trust_person.phone or case.unit.duty_phone)},
        about=case,
    )
    outbox.notify(
        new_trust_person,
        lambda: _("Ny sak: %(user)s") % {"user": su.full_name},
        lambda: _("Du er ny tillitsperson for %(user)s. Les overføringsnotatet fra %(old)s.")
        % {"user": su.full_name, "old": old.display_name},
        about=case,
        channel=outbox.Channel.IN_APP,
    )
    return handover
