"""Every write to the core app goes through a function here (DESIGN.md rule 2).

Each service takes the acting user explicitly (never the request), validates, saves with the history
user and a change reason, re-checks that the result is still inside the writer's gate, and does it all
in one transaction. Views, forms, the API and management commands call these; they never repeat the rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Consent, FollowUp, Membership, NextOfKin, Organisation, ServiceUser, User
from koordinator.toolkit import ServiceError, check_within_calendar, ensure_inside_gate, save_with_history


def _date(day: datetime.date) -> str:
    return date_format(day, "d.m.Y")


# --- people -----------------------------------------------------------------------------------------------

SERVICE_USER_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
    "preferred_channel",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "address",
    "postal_code",
    "city",
)
# What the owner may change about themselves in the portal.
OWNER_EDITABLE_FIELDS = ("phone", "email", "preferred_channel", "language", "interpreter_needed",
                         "interpreter_language", "address", "postal_code", "city")


def _validate_contact(data: dict) -> None:
    from koordinator.phone import normalise_phone

    if data.get("phone"):
        normalised = normalise_phone(data["phone"])
        if normalised is None:
            raise ServiceError(_("Skriv et gyldig telefonnummer, for eksempel 912 34 567."), "phone")
        data["phone"] = normalised
    channel = data.get("preferred_channel")
    if channel == ServiceUser.Channel.SMS and not data.get("phone"):
        raise ServiceError(_("SMS krever et mobilnummer."), "preferred_channel")
    if channel == ServiceUser.Channel.EMAIL and not data.get("email"):
        raise ServiceError(_("E-post krever en e-postadresse."), "preferred_channel")
    if channel == ServiceUser.Channel.LETTER and not data.get("address"):
        raise ServiceError(_("Brev krever en adresse."), "preferred_channel")
    if data.get("interpreter_needed") and not data.get("interpreter_language"):
        raise ServiceError(_("Skriv hvilket språk tolken skal snakke."), "interpreter_language")


def trust_persons_in_unit(unit: Organisation):
    return User.objects.filter(
        memberships__organisation=unit, memberships__role=Membership.Role.TRUST_PERSON, is_active=True
    ).distinct()


def units_for(actor: User):
    """The follow-up units where ``actor`` may register cases: their own unit, or all in a leader's municipality."""
    a = access.actor_for(actor)
    return Organisation.objects.filter(kind=Organisation.Kind.FOLLOW_UP_SERVICE, is_active=True).filter(
        Q(pk__in=a.trust_person_unit_ids) | Q(municipality_id__in=a.leader_municipality_ids)
    )


def check_staffing(unit: Organisation, trust_person: User, deputy: User | None) -> None:
    """The trust person and the deputy (if any) must work in ``unit``, and be two different people."""
    workers = trust_persons_in_unit(unit)
    if not workers.filter(pk=trust_person.pk).exists():
        raise ServiceError(_("Tillitspersonen må jobbe i enheten %(unit)s.") % {"unit": unit.name}, "trust_person")
    if deputy is not None:
        if deputy.pk == trust_person.pk:
            raise ServiceError(_("Stedfortrederen må være en annen enn tillitspersonen."), "deputy")
        if not workers.filter(pk=deputy.pk).exists():
            raise ServiceError(_("Stedfortrederen må jobbe i enheten %(unit)s.") % {"unit": unit.name}, "deputy")


def _check_referral(data: dict) -> None:
    source = data.get("referral_source")
    if source not in FollowUp.ReferralSource.values:
        raise ServiceError(_("Velg hvem som henviste."), "referral_source")
    if source == FollowUp.ReferralSource.AGENCY and not (
        data.get("referral_agency") or data.get("referral_agency_name")
    ):
        raise ServiceError(_("Skriv hvilken tjeneste som henviste."), "referral_agency")


@transaction.atomic
def register_service_user(
    actor: User,
    *,
    unit: Organisation,
    trust_person: User,
    referral_source: str,
    deputy: User | None = None,
    referral_agency: Organisation | None = None,
    referral_agency_name: str = "",
    referral_note: str = "",
    started_on: datetime.date | None = None,
    **person,
) -> FollowUp:
    """Intake: a new service user and their case, in status *inntak*."""
    if not access.may_register_service_users(actor) or not units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    unknown = set(person) - set(SERVICE_USER_FIELDS)
    if unknown:
        raise ServiceError(_("Ukjente felt: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if not (person.get("first_name") or "").strip() or not (person.get("last_name") or "").strip():
        raise ServiceError(_("Skriv fornavn og etternavn."), "first_name")
    check_within_calendar(birth_date=person.get("birth_date"))
    person.setdefault("preferred_channel", ServiceUser.Channel.SMS if person.get("phone") else
                      ServiceUser.Channel.LETTER)
    _validate_contact(person)
    service_user = save_with_history(
        ServiceUser(municipality=unit.municipality, **person), actor, gettext_lazy("Registrert ved inntak")
    )
    return _new_case(actor, service_user, unit=unit, trust_person=trust_person, deputy=deputy,
                     referral_source=referral_source, referral_agency=referral_agency,
                     referral_agency_name=referral_agency_name, referral_note=referral_note,
                     started_on=started_on, reason=gettext_lazy("Inntak"))


def _new_case(actor: User, service_user: ServiceUser, *, unit: Organisation, trust_person: User,
              deputy: User | None, referral_source: str, referral_agency: Organisation | None,
              referral_agency_name: str, referral_note: str, started_on: datetime.date | None,
              reason) -> FollowUp:
    """A case in status *inntak*, checked for staffing and referral, and inside the writer's gate."""
    check_within_calendar(started_on=started_on)
    check_staffing(unit, trust_person, deputy)
    _check_referral(
        {"referral_source": referral_source, "referral_agency": referral_agency,
         "referral_agency_name": referral_agency_name}
    )
    case = save_with_history(
        FollowUp(
            service_user=service_user,
            municipality=unit.municipality,
            unit=unit,
            trust_person=trust_person,
            deputy=deputy,
            status=FollowUp.Status.INTAKE,
            started_on=started_on or timezone.localdate(),
            referral_source=referral_source,
            referral_agency=referral_agency,
            referral_agency_name=referral_agency_name,
            referral_note=referral_note,
        ),
        actor,
        reason,
    )
    ensure_inside_gate(actor, case)
    return case


@transaction.atomic
def update_service_user(actor: User, service_user: ServiceUser, **changes) -> ServiceUser:
    access.require_change(actor, service_user)
    is_owner = service_user.user_id == actor.pk
    allowed = OWNER_EDITABLE_FIELDS if is_owner else SERVICE_USER_FIELDS
    forbidden = set(changes) - set(allowed)
    if forbidden:
        raise ServiceError(_("Du kan ikke endre: %(fields)s") % {"fields": ", ".join(sorted(forbidden))})
    check_within_calendar(birth_date=changes.get("birth_date"))
    data = {field: getattr(service_user, field) for field in SERVICE_USER_FIELDS}
    data.update(changes)
    if not (data["first_name"] or "").strip() or not (data["last_name"] or "").strip():
        raise ServiceError(_("Skriv fornavn og etternavn."), "first_name")
    _validate_contact(data)
    for field in changes:
        setattr(service_user, field, data[field])
    save_with_history(service_user, actor, gettext_lazy("Opplysninger endret"))
    ensure_inside_gate(actor, service_user)
    return service_user


# --- follow-up cases ---------------------------------------------------------------------------------------

STATUS_NOTICES = {
    FollowUp.Status.ACTIVE: _("Oppfølgingen din er i gang. Kontaktpersonen din er %(worker)s."),
    FollowUp.Status.DORMANT: _(
        "Oppfølgingen din er satt på pause. Du kan ta kontakt med %(worker)s når du vil, så starter vi igjen."
    ),
}


def _notify_user(case: FollowUp, words) -> None:
    """A note the user sees on their own page now, in the user's language (``words``: lazy or a builder).
    (Notifications through the outbox come later.)"""
    from koordinator import outbox
    from koordinator.toolkit import compose

    case.user_notice = compose(words, outbox.language_of(case.service_user))
    case.user_notice_at = timezone.now()


@transaction.atomic
def change_status(actor: User, case: FollowUp, new_status: str, note: str = "") -> FollowUp:
    """Move a case between intake, active and dormant. Ending has its own service with its own facts."""
    access.require_change(actor, case)
    case = FollowUp.objects.select_for_update().get(pk=case.pk)
    if new_status == FollowUp.Status.ENDED:
        raise ServiceError(_("Bruk «Avslutt oppfølgingen» for å avslutte."), "status")
    if new_status not in case.allowed_transitions():
        raise ServiceError(
            _("En sak som er «%(old)s» kan ikke settes til «%(new)s».")
            % {"old": case.get_status_display(), "new": FollowUp.Status(new_status).label
               if new_status in FollowUp.Status.values else new_status},
            "status",
        )
    reopening = case.status == FollowUp.Status.ENDED
    case.status = new_status
    if reopening:
        case.ended_on = None
        case.ending_reason = ""
        case.open_door_until = None
    template = STATUS_NOTICES.get(new_status)
    if template:
        _notify_user(case, lambda: template % {"worker": case.trust_person.display_name})
    save_with_history(case, actor, note or (lambda: _("Status endret til %(status)s")
                                            % {"status": case.get_status_display()}))
    ensure_inside_gate(actor, case)
    return case


@transaction.atomic
def end_follow_up(
    actor: User,
    case: FollowUp,
    *,
    reason: str,
    note: str = "",
    taken_over_by: Organisation | None = None,
    taken_over_by_name: str = "",
    open_door_until: datetime.date | None = None,
    ended_on: datetime.date | None = None,
    parts: Iterable[Callable[[User, FollowUp], object]] = (),
) -> FollowUp:
    """End a case and tell the user, in plain words, why, who takes over and how long the door stays open.

    ``parts`` are the apps' parts of ending (``koordinator.ending``: the end-of-follow-up evaluation), each called
    as ``part(actor, case)`` after the case is saved as ended, in this transaction: one that raises undoes it all."""
    access.require_change(actor, case)
    case = FollowUp.objects.select_for_update().get(pk=case.pk)
    if case.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er allerede avsluttet."), "reason")
    if reason not in FollowUp.EndingReason.values:
        raise ServiceError(_("Velg hvorfor oppfølgingen avsluttes."), "reason")
    check_within_calendar(ended_on=ended_on, open_door_until=open_door_until)
    ended_on = ended_on or timezone.localdate()
    if open_door_until is not None and open_door_until < ended_on:
        raise ServiceError(_("«Åpen dør til» kan ikke være før avslutningsdatoen."), "open_door_until")
    if reason == FollowUp.EndingReason.HANDED_OVER and not (taken_over_by or taken_over_by_name):
        raise ServiceError(_("Skriv hvem som tar over koordineringen."), "taken_over_by")
    if reason == FollowUp.EndingReason.OTHER and not note.strip():
        raise ServiceError(_("Skriv kort hvorfor oppfølgingen avsluttes."), "note")
    case.status = FollowUp.Status.ENDED
    case.ended_on = ended_on
    case.ending_reason = reason
    case.ending_note = note
    case.taken_over_by = taken_over_by
    case.taken_over_by_name = taken_over_by_name
    case.open_door_until = open_door_until
    _notify_user(case, lambda: ending_notice(case))
    save_with_history(case, actor, lambda: _("Oppfølgingen avsluttet: %(reason)s")
                      % {"reason": case.get_ending_reason_display()})
    for part in parts:
        part(actor, case)
    ensure_inside_gate(actor, case)
    return case


def ending_notice(case: FollowUp) -> str:
    parts = [
        _("Oppfølgingen din hos %(unit)s ble avsluttet %(date)s.")
        % {"unit": case.unit.name, "date": _date(case.ended_on)},
        _("Grunn: %(reason)s.") % {"reason": case.get_ending_reason_display()},
    ]
    successor = case.taken_over_by.name if case.taken_over_by_id else case.taken_over_by_name
    if successor:
        parts.append(_("Nå er det %(who)s som koordinerer tjenestene dine.") % {"who": successor})
    if case.open_door_until:
        parts.append(
            _("Døren står åpen: du kan ta kontakt med oss igjen fram til %(date)s, så starter vi opp igjen.")
            % {"date": _date(case.open_door_until)}
        )
    return " ".join(str(p) for p in parts)


@transaction.atomic
def assign(
    actor: User,
    case: FollowUp,
    *,
    trust_person: User,
    deputy: User | None,
    note: str = "",
    handover_note: str = "",
) -> FollowUp:
    """The leader assigns the trust person and the case's own deputy.

    A new trust person is a permanent change: it needs a handover note for the new worker, which the user
    can read too, and the user is told the new name (``continuity.change_trust_person``).
    """
    from koordinator import continuity

    access.require_change(actor, case)
    if not access.leads(actor, case.municipality_id):
        raise PermissionDenied
    case = FollowUp.objects.select_for_update().get(pk=case.pk)
    check_staffing(case.unit, trust_person, deputy)
    if case.trust_person_id != trust_person.pk:
        continuity.change_trust_person(actor, case, trust_person, handover_note)
        case.refresh_from_db()
    if case.deputy_id != (deputy.pk if deputy else None):
        case.deputy = deputy
        save_with_history(case, actor, note or gettext_lazy("Stedfortreder for saken endret"))
    ensure_inside_gate(actor, case, access.VIEW)
    return case


@transaction.atomic
def open_follow_up(
    actor: User,
    service_user: ServiceUser,
    *,
    unit: Organisation,
    trust_person: User,
    referral_source: str,
    deputy: User | None = None,
    referral_agency: Organisation | None = None,
    referral_agency_name: str = "",
    referral_note: str = "",
    started_on: datetime.date | None = None,
) -> FollowUp:
    """A new case for someone already registered, e.g. a new referral after an earlier case ended.

    A person has at most one case that is not ended; an ended case is taken up again with
    :func:`change_status` instead.
    """
    access.require_change(actor, service_user)
    if not access.may_register_service_users(actor) or not units_for(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    # Lock the person so two simultaneous requests cannot both open a case.
    service_user = ServiceUser.objects.select_for_update().get(pk=service_user.pk)
    if unit.municipality_id != service_user.municipality_id:
        raise ServiceError(_("Enheten må ligge i kommunen der personen bor."), "unit")
    if FollowUp.objects.filter(service_user=service_user).open().exists():
        raise ServiceError(
            _("%(name)s har allerede en oppfølging som ikke er avsluttet.") % {"name": service_user.full_name},
            "service_user",
        )
    return _new_case(actor, service_user, unit=unit, trust_person=trust_person, deputy=deputy,
                     referral_source=referral_source, referral_agency=referral_agency,
                     referral_agency_name=referral_agency_name, referral_note=referral_note,
                     started_on=started_on, reason=gettext_lazy("Ny oppfølging"))


# --- consent --------------------------------------------------------------------------------------------


@transaction.atomic
def give_consent(
    actor: User,
    owner: ServiceUser,
    *,
    scopes: Iterable[str],
    valid_until: datetime.date,
    given_how: str,
    grantee_user: User | None = None,
    grantee_organisation: Organisation | None = None,
    valid_from: datetime.date | None = None,
    note: str = "",
) -> Consent:
    """Record a consent. The owner gives it in the portal; staff record one given on paper or orally."""
    access.require_change(actor, owner)
    is_owner = owner.user_id == actor.pk
    if is_owner:
        given_how = Consent.GivenHow.PORTAL
    elif given_how not in (Consent.GivenHow.PAPER, Consent.GivenHow.ORAL):
        raise ServiceError(_("Velg hvordan brukeren ga samtykket: signert på papir eller muntlig."), "given_how")
    _check_grantee(owner, grantee_user, grantee_organisation)
    scopes = [s for s in scopes]
    if not scopes:
        raise ServiceError(_("Velg minst én ting samtykket gjelder."), "scopes")
    unknown = [s for s in scopes if s not in Consent.SCOPE_FIELDS]
    if unknown:
        raise ServiceError(_("Ukjent omfang: %(scopes)s") % {"scopes": ", ".join(unknown)}, "scopes")
    check_within_calendar(valid_from=valid_from, valid_until=valid_until)
    valid_from = valid_from or timezone.localdate()
    if valid_until is None or valid_until < valid_from:
        raise ServiceError(_("«Gjelder til» må være samme dag som eller etter «gjelder fra»."), "valid_until")
    if valid_until > valid_from + datetime.timedelta(days=3 * 366):
        raise ServiceError(_("Et samtykke kan gjelde i høyst tre år om gangen."), "valid_until")
    consent = Consent(
        owner=owner,
        grantee_user=grantee_user,
        grantee_organisation=grantee_organisation,
        valid_from=valid_from,
        valid_until=valid_until,
        given_how=given_how,
        recorded_by=actor,
        note=note,
    )
    for scope in scopes:
        setattr(consent, Consent.SCOPE_FIELDS[scope], True)
    save_with_history(consent, actor, gettext_lazy("Samtykke gitt"))
    ensure_inside_gate(actor, consent)
    return consent


@transaction.atomic
def withdraw_consent(actor: User, consent: Consent, reason: str = "") -> Consent:
    """Withdrawal takes effect on the partner's next request: the gate reads ``withdrawn_at``."""
    access.require_change(actor, consent)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ServiceError(_("Samtykket er allerede trukket tilbake."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawn_reason = reason
    save_with_history(consent, actor, gettext_lazy("Samtykke trukket tilbake"))
    return consent


def consent_grantee_organisations(owner: ServiceUser | None = None):
    """The one rule for which services a consent may name (forms, pages and the API ask this).

    Active partner services (the municipal follow-up unit already sees the case); for a given owner, those in the
    owner's municipality or serving several (such as a DPS). Without an owner: every service any owner could name.
    """
    qs = Organisation.objects.filter(is_active=True).exclude(kind=Organisation.Kind.FOLLOW_UP_SERVICE)
    if owner is not None:
        qs = qs.filter(Q(municipality_id=owner.municipality_id) | Q(municipality__isnull=True))
    return qs


def consent_grantee_users(owner: ServiceUser | None = None):
    """People a consent may name: active partner members of the services :func:`consent_grantee_organisations`
    allows."""
    memberships = Membership.objects.filter(
        role=Membership.Role.PARTNER, organisation__in=consent_grantee_organisations(owner)
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def _check_grantee(owner: ServiceUser, grantee_user: User | None, grantee_organisation: Organisation | None) -> None:
    """A consent names one person or one service, and only one the rule allows for this owner."""
    if (grantee_user is None) == (grantee_organisation is None):
        raise ServiceError(_("Velg enten én person eller én tjeneste som får se opplysningene."), "grantee_user")
    message = _("Du kan ikke velge denne for %(name)s.") % {"name": owner.full_name}
    if grantee_user is not None and not consent_grantee_users(owner).filter(pk=grantee_user.pk).exists():
        raise ServiceError(message, "grantee_user")
    if (grantee_organisation is not None
            and not consent_grantee_organisations(owner).filter(pk=grantee_organisation.pk).exists()):
        raise ServiceError(message, "grantee_organisation")


# --- next of kin ---------------------------------------------------------------------------------------------

NEXT_OF_KIN_FIELDS = ("name", "relation", "kind", "is_guardian", "phone", "email", "note")


def _validate_next_of_kin(data: dict) -> None:
    from koordinator.phone import normalise_phone

    if not (data.get("name") or "").strip():
        raise ServiceError(_("Skriv navnet."), "name")
    if not (data.get("relation") or "").strip():
        raise ServiceError(_("Skriv relasjonen, for eksempel mor eller bror."), "relation")
    if data.get("kind") not in NextOfKin.Kind.values:
        raise ServiceError(_("Velg om personen kan kontaktes."), "kind")
    if data.get("phone"):
        normalised = normalise_phone(data["phone"])
        if normalised is None:
            raise ServiceError(_("Skriv et gyldig telefonnummer, for eksempel 912 34 567."), "phone")
        data["phone"] = normalised


@transaction.atomic
def add_next_of_kin(actor: User, service_user: ServiceUser, **data) -> NextOfKin:
    access.require_change(actor, service_user)
    unknown = set(data) - set(NEXT_OF_KIN_FIELDS)
    if unknown:
        raise ServiceError(_("Ukjente felt: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data.setdefault("kind", NextOfKin.Kind.SUPPORTIVE)
    _validate_next_of_kin(data)
    person = save_with_history(NextOfKin(service_user=service_user, **data), actor, gettext_lazy("Pårørende lagt til"))
    ensure_inside_gate(actor, person)
    return person


@transaction.atomic
def update_next_of_kin(actor: User, person: NextOfKin, **changes) -> NextOfKin:
    access.require_change(actor, person)
    unknown = set(changes) - set(NEXT_OF_KIN_FIELDS)
    if unknown:
        raise ServiceError(_("Ukjente felt: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = {field: getattr(person, field) for field in NEXT_OF_KIN_FIELDS}
    data.update(changes)
    _validate_next_of_kin(data)
    for field in changes:
        setattr(person, field, data[field])
    save_with_history(person, actor, gettext_lazy("Pårørende endret"))
    return person


@transaction.atomic
def archive_next_of_kin(actor: User, person: NextOfKin) -> NextOfKin:
    """Nothing is deleted: the entry is archived and stays in history."""
    access.require_change(actor, person)
    person.archived_at = timezone.now()
    save_with_history(person, actor, gettext_lazy("Pårørende fjernet fra listen"))
    return person
