"""Every write to a crisis plan goes through a function here (DESIGN.md rule 2).

Each service takes the acting user explicitly, checks the gate and the finer rules, saves with the history user
and a change reason, writes the notifications to the outbox, and does it in one transaction. The version
machinery is the individual plan's (``plans.services``): a save based on an older version raises
:class:`plans.services.PlanConflict` with both texts, and a restore is a new version.

Who may do what, on top of the gate (``plans.access``):

* the staff of the user's open case (trust person, deputy, leader) do everything: texts, review date, contacts,
  record the user's paper sign-off, restore, archive;
* the owner writes the texts and the contacts of their own plan (the trust person is told), and confirms it in
  the portal;
* a partner with the owner's crisis-plan consent confirms the plan in the app, and changes nothing;
* a member of an emergency service (legevakt) opens the plan with :func:`open_emergency_access` by stating a
  reason; the owner and the trust person are told, and the grant ends after ``CRISIS_EMERGENCY_ACCESS_HOURS``.

Sign-offs are not content: they do not change the version. A change after a sign-off leaves the sign-off
pointing at the version it confirmed, so everyone sees that the plan has changed since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import AccessEvent, Consent, FollowUp, Membership, Organisation, ServiceUser, User
from koordinator.phone import normalise_phone
from koordinator.timeutil import no_datetime
from koordinator.toolkit import (
    ServiceError,
    bump,
    check_fields,
    clean_date,
    clean_text,
    clean_version,
    ensure_inside_gate,
    field_label,
    restore_fields,
    save_with_history,
    shorten,
)
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess
from plans.services import PlanConflict, check_plan_version, tell_case_staff

# Fields each service accepts.
PLAN_FIELDS = CrisisPlan.TEXT_FIELDS + ("review_on",)
# The owner writes every text of their own plan; the review date is agreed with the staff.
OWNER_FIELDS = CrisisPlan.TEXT_FIELDS
CONTACT_FIELDS = ("name", "role", "phone", "reachable", "note")
# A new plan is gone through again after this many weeks unless another date is chosen.
REVIEW_WEEKS = 26
# A reason shorter than this says nothing a reader of the access log can use.
MIN_REASON_LENGTH = 10

MESSAGES = {
    "archived": gettext_lazy("Kriseplanen er arkivert og kan ikke endres."),
    "archived_contact": gettext_lazy("Kontakten er allerede fjernet fra kriseplanen."),
    "exists": gettext_lazy("%(name)s har allerede en kriseplan."),
    "no_plan": gettext_lazy("Fant ingen kriseplan for denne personen."),
    "reason": gettext_lazy("Skriv hvorfor du må se kriseplanen nå, med minst %(min)s tegn. For eksempel: «Kom inn på "
                "legevakten i natt, vi trenger å vite hvem vi skal ringe»."),
}


def emergency_access_hours() -> int:
    """How long an emergency grant lasts (settings.CRISIS_EMERGENCY_ACCESS_HOURS, default 12)."""
    return int(getattr(settings, "CRISIS_EMERGENCY_ACCESS_HOURS", 12))


# --- who is who -----------------------------------------------------------------------------------------------


def _open_cases(service_user_id: int):
    return (
        FollowUp.objects.open()
        .filter(service_user_id=service_user_id)
        .select_related("service_user", "trust_person", "deputy", "unit")
        .order_by("-started_on", "-pk")
    )


def open_case(service_user_id: int) -> FollowUp | None:
    """The user's newest open case, with the people the crisis plan names (as Min side chooses it)."""
    return _open_cases(service_user_id).first()


def open_cases(service_user_id: int) -> list[FollowUp]:
    """All the user's open cases, newest first (``open_case`` is the first): one query."""
    return list(_open_cases(service_user_id))


def is_staff(user: User, crisis_plan: CrisisPlan) -> bool:
    """Does ``user`` work on the owner's open case (trust person, deputy, standing deputy, leader)?"""
    return access.is_person_staff(user, crisis_plan.service_user_id)


def is_owner(user: User, crisis_plan: CrisisPlan) -> bool:
    return access.is_owner(user, crisis_plan.service_user_id)


def is_consented_partner(user: User, crisis_plan: CrisisPlan) -> bool:
    """A partner the owner has let see the crisis plan (consent with the crisis-plan scope, in force today)."""
    return access.has_consent(user, crisis_plan.service_user_id, Consent.Scope.CRISIS_PLAN)


def emergency_organisations(user: User) -> list[Organisation]:
    """The active emergency services (legevakt / akuttjeneste) ``user`` is a member of."""
    a = access.actor_for(user)
    if not a.is_authenticated:
        return []
    return list(Organisation.objects.filter(pk__in=_emergency_org_ids(a)).order_by("name"))


def _emergency_org_ids(a: access.Actor):
    from plans.access import emergency_organisation_ids

    return emergency_organisation_ids(a)


def is_emergency_member(user: User) -> bool:
    a = access.actor_for(user)
    return a.is_authenticated and Membership.objects.filter(
        user_id=a.user_id, organisation_id__in=_emergency_org_ids(a)
    ).exists()


def _role_text(user: User) -> str:
    return access.role_label(user) or ""


# --- small helpers ------------------------------------------------------------------------------------------------


def _lock(crisis_plan: CrisisPlan) -> CrisisPlan:
    return CrisisPlan.objects.select_for_update(of=("self",)).select_related("service_user").get(pk=crisis_plan.pk)


def _require_current(crisis_plan: CrisisPlan) -> None:
    if crisis_plan.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived"]), "status")


def _require_staff(actor: User, crisis_plan: CrisisPlan) -> None:
    access.require_change(actor, crisis_plan)
    if not is_staff(actor, crisis_plan):
        raise PermissionDenied


def _tell_staff_if_owner(actor: User, crisis_plan: CrisisPlan, what) -> None:
    """When the owner changes their own crisis plan, the trust person (and the deputy if the trust person is away)
    gets a message in the app. ``what`` (what changed) is lazy or a builder: the message is composed in the
    recipient's language."""
    if is_staff(actor, crisis_plan) or not is_owner(actor, crisis_plan):
        return
    case = open_case(crisis_plan.service_user_id)
    if case is None:
        return
    name = crisis_plan.service_user.full_name
    tell_case_staff(
        case, crisis_plan,
        lambda: _("%(name)s har endret kriseplanen sin") % {"name": name},
        lambda: _("%(name)s har endret dette i kriseplanen: %(what)s.") % {"name": name,
                                                                          "what": what() if callable(what) else what},
    )


def _clean_plan(data: dict, *, check_review: bool) -> dict:
    clean = {name: clean_text(data.get(name), name, max_length=4000) for name in CrisisPlan.TEXT_FIELDS if name in data}
    if "review_on" in data:
        clean["review_on"] = clean_date(data["review_on"], "review_on")
        if check_review and clean["review_on"] is not None and clean["review_on"] < timezone.localdate():
            raise ServiceError(_("Datoen for neste gjennomgang kan ikke være tilbake i tid."), "review_on")
    return clean


# --- the plan -----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_crisis_plan(actor: User, service_user: ServiceUser, **fields) -> CrisisPlan:
    """A new crisis plan for a user, as a draft, made by the staff of the user's open case or by the owner.

    A user has one current crisis plan; a new one only after the old one is archived. The review date is
    ``REVIEW_WEEKS`` ahead unless chosen.
    """
    check_fields(fields, PLAN_FIELDS)
    staff = access.is_person_staff(actor, service_user.pk)
    owner = access.is_owner(actor, service_user.pk)
    if not (staff or owner):
        raise PermissionDenied
    if not staff and "review_on" in fields:
        check_fields(fields, OWNER_FIELDS, PLAN_FIELDS)
    su = ServiceUser.objects.select_for_update(of=("self",)).get(pk=service_user.pk)
    message = str(MESSAGES["exists"]) % {"name": su.full_name}
    if CrisisPlan.objects.filter(service_user=su).current().exists():
        raise ServiceError(message, "service_user")
    data = _clean_plan(fields, check_review=True)
    if data.get("review_on") is None:
        data["review_on"] = timezone.localdate() + datetime.timedelta(weeks=REVIEW_WEEKS)
    try:
        with transaction.atomic():
            crisis_plan = save_with_history(CrisisPlan(service_user=su, created_by=actor, **data), actor,
                                gettext_lazy("Kriseplanen er opprettet"))
    except IntegrityError:
        raise ServiceError(message, "service_user") from None
    ensure_inside_gate(actor, crisis_plan)
    return crisis_plan


@transaction.atomic
def update_crisis_plan(actor: User, crisis_plan: CrisisPlan, based_on_version, **fields) -> CrisisPlan:
    """Change the texts (and, for staff, the review date).

    ``based_on_version`` is the version the editor started from; if the plan has moved on, nothing is saved and
    :class:`PlanConflict` carries both texts.
    """
    access.require_change(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    staff = is_staff(actor, crisis_plan)
    check_fields(fields, PLAN_FIELDS if staff else OWNER_FIELDS, PLAN_FIELDS)
    _require_current(crisis_plan)
    based_on = clean_version(based_on_version, message=PlanConflict.bad_version)
    check_plan_version(crisis_plan, based_on, fields, {name: getattr(crisis_plan, name) for name in fields})
    changing_review = "review_on" in fields and fields["review_on"] != crisis_plan.review_on
    data = _clean_plan({**{name: getattr(crisis_plan, name) for name in PLAN_FIELDS}, **fields},
                       check_review=changing_review)
    changed = [name for name in fields if getattr(crisis_plan, name) != data[name]]
    if not changed:
        return crisis_plan
    for name in changed:
        setattr(crisis_plan, name, data[name])
    def labels() -> str:  # the fields' names, in the language the words are written in
        return ", ".join(field_label(CrisisPlan, name) for name in changed)

    bump(crisis_plan, actor, lambda: _("Kriseplanen er endret: %(fields)s") % {"fields": labels()})
    _tell_staff_if_owner(actor, crisis_plan, labels)
    ensure_inside_gate(actor, crisis_plan)
    return crisis_plan


@transaction.atomic
def archive_crisis_plan(actor: User, crisis_plan: CrisisPlan, *, based_on_version=None) -> CrisisPlan:
    """Archive the plan (instead of deleting it): it can still be read, and a new one can be made."""
    _require_staff(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    crisis_plan.status = CrisisPlan.Status.ARCHIVED
    crisis_plan.archived_at = timezone.now()
    return bump(crisis_plan, actor, gettext_lazy("Kriseplanen er arkivert"))


@transaction.atomic
def restore_crisis_plan_version(actor: User, crisis_plan: CrisisPlan, history_id, *,
                                based_on_version=None) -> CrisisPlan:
    """Bring back the texts and the review date of an earlier version (staff). The restore is a new version;
    the contacts are not touched (they have their own history)."""
    _require_staff(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    return restore_fields(actor, crisis_plan, history_id, CrisisPlan.RESTORABLE_FIELDS)


# --- contacts -----------------------------------------------------------------------------------------------------


def _reachable(value) -> list[str]:
    if value is None or value == "":
        value = []
    if isinstance(value, str):
        value = [value]
    values = list(value)
    if any(v not in CrisisContact.Reachable.values for v in values):
        raise ServiceError(_("Velg når personen kan nås fra listen."), "reachable")
    if not values:
        raise ServiceError(_("Velg minst én tid personen kan nås: kontortid, kveld, natt eller helg."), "reachable")
    return values


def _clean_contact(data: dict) -> dict:
    phone_text = clean_text(data.get("phone"), "phone", required=_("Skriv telefonnummeret."), max_length=32)
    phone = normalise_phone(phone_text)
    if phone is None:
        raise ServiceError(_("Skriv et gyldig telefonnummer, for eksempel 912 34 567."), "phone")
    reachable = _reachable(data.get("reachable"))
    clean = {
        "name": clean_text(data.get("name"), "name", required=_("Skriv navnet."), max_length=200),
        "role": clean_text(data.get("role"), "role", max_length=200),
        "phone": phone,
        "note": clean_text(data.get("note"), "note", max_length=200),
    }
    for value, field in CrisisContact.REACHABLE_FIELDS.items():
        clean[field] = value in reachable
    return clean


def _contact_values(contact: CrisisContact) -> dict:
    return {"name": contact.name, "role": contact.role, "phone": contact.phone, "note": contact.note,
            "reachable": contact.reachable}


def _contact_plan(actor: User, contact: CrisisContact, based_on_version) -> tuple[CrisisContact, CrisisPlan]:
    access.require_change(actor, contact)
    crisis_plan = _lock(contact.crisis_plan)
    _require_current(crisis_plan)
    contact = CrisisContact.objects.get(pk=contact.pk)
    if contact.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_contact"]))
    return contact, crisis_plan


def _next_order(crisis_plan: CrisisPlan) -> int:
    top = CrisisContact.objects.filter(crisis_plan=crisis_plan).live().aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def add_contact(actor: User, crisis_plan: CrisisPlan, *, based_on_version=None, **fields) -> CrisisContact:
    """Someone to call, last in the list: name, role or relation, phone (normalised) and when they can be reached."""
    check_fields(fields, CONTACT_FIELDS)
    access.require_change(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    check_plan_version(crisis_plan, based_on_version, fields, {})
    data = _clean_contact(fields)
    contact = save_with_history(CrisisContact(crisis_plan=crisis_plan, order=_next_order(crisis_plan), **data), actor,
                    gettext_lazy("Kontakt lagt til"))
    bump(crisis_plan, actor, lambda: _("Kontakt lagt til i kriseplanen: %(name)s") % {"name": contact.name})
    _tell_staff_if_owner(actor, crisis_plan, lambda: _("ny kontakt (%(name)s)") % {"name": contact.name})
    ensure_inside_gate(actor, contact)
    return contact


@transaction.atomic
def update_contact(actor: User, contact: CrisisContact, *, based_on_version=None, **changes) -> CrisisContact:
    check_fields(changes, CONTACT_FIELDS)
    contact, crisis_plan = _contact_plan(actor, contact, based_on_version)
    current = _contact_values(contact)
    check_plan_version(crisis_plan, based_on_version, changes, {name: current[name] for name in changes})
    data = _clean_contact({**current, **changes})
    changed = [name for name, value in data.items() if getattr(contact, name) != value]
    if not changed:
        return contact
    for name in changed:
        setattr(contact, name, data[name])
    save_with_history(contact, actor, gettext_lazy("Kontakt endret"))
    bump(crisis_plan, actor, lambda: _("Kontakt endret i kriseplanen: %(name)s") % {"name": contact.name})
    _tell_staff_if_owner(actor, crisis_plan, lambda: _("kontakten %(name)s") % {"name": contact.name})
    return contact


@transaction.atomic
def move_contact(actor: User, contact: CrisisContact, direction: str, *, based_on_version=None) -> CrisisContact:
    """Move a contact one place up (called earlier) or down in the list."""
    if direction not in ("up", "down"):
        raise ServiceError(_("Velg opp eller ned."), "direction")
    contact, crisis_plan = _contact_plan(actor, contact, based_on_version)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    contacts = list(CrisisContact.objects.filter(crisis_plan=crisis_plan).live().order_by("order", "pk"))
    index = next(i for i, c in enumerate(contacts) if c.pk == contact.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(contacts):
        return contact
    contacts[index], contacts[other] = contacts[other], contacts[index]
    # Number the list again from 0, saving only the rows whose place changed (each with history).
    for position, row in enumerate(contacts):
        if row.order != position:
            row.order = position
            save_with_history(row, actor, gettext_lazy("Rekkefølgen er endret"))
    bump(crisis_plan, actor, gettext_lazy("Rekkefølgen på kontaktene er endret"))
    _tell_staff_if_owner(actor, crisis_plan, gettext_lazy("rekkefølgen på kontaktene"))
    return next(c for c in contacts if c.pk == contact.pk)


@transaction.atomic
def remove_contact(actor: User, contact: CrisisContact, *, based_on_version=None) -> CrisisContact:
    """Take a contact off the list. Nothing is deleted: the contact is archived and stays in the history."""
    contact, crisis_plan = _contact_plan(actor, contact, based_on_version)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    contact.archived_at = timezone.now()
    save_with_history(contact, actor, gettext_lazy("Kontakt fjernet"))
    bump(crisis_plan, actor, lambda: _("Kontakt fjernet fra kriseplanen: %(name)s") % {"name": contact.name})
    _tell_staff_if_owner(actor, crisis_plan, lambda: _("fjernet kontakten %(name)s") % {"name": contact.name})
    return contact


@transaction.atomic
def replace_contacts(actor: User, crisis_plan: CrisisPlan, contacts: Iterable[dict], *,
                     based_on_version=None) -> list[CrisisContact]:
    """The whole ordered list at once (the API): the list becomes ``contacts`` in the order given.

    Unchanged lists change nothing. Otherwise the old contacts are archived and the new list saved, as one new
    version of the plan; the history keeps every earlier list.
    """
    access.require_change(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    wanted = []
    for index, item in enumerate(contacts):
        item = dict(item)
        check_fields(item, CONTACT_FIELDS)
        try:
            wanted.append(_clean_contact(item))
        except ServiceError as error:
            raise ServiceError(_("Kontakt nummer %(n)s: %(message)s") % {"n": index + 1, "message": error.message},
                               "contacts") from None
    live = list(CrisisContact.objects.filter(crisis_plan=crisis_plan).live().order_by("order", "pk"))
    fields = ("name", "role", "phone", "note", *CrisisContact.REACHABLE_FIELDS.values())
    current = [{name: getattr(c, name) for name in fields} for c in live]
    check_plan_version(crisis_plan, based_on_version, {"contacts": wanted}, {"contacts": current})
    if current == wanted:
        return live
    now = timezone.now()
    for contact in live:
        contact.archived_at = now
        save_with_history(contact, actor, gettext_lazy("Kontakt fjernet"))
    saved = [
        save_with_history(CrisisContact(crisis_plan=crisis_plan, order=position, **data), actor, gettext_lazy("Kontakt lagt til"))
        for position, data in enumerate(wanted)
    ]
    bump(crisis_plan, actor, gettext_lazy("Kontaktlisten i kriseplanen er endret"))
    _tell_staff_if_owner(actor, crisis_plan, gettext_lazy("kontaktlisten"))
    return saved


# --- sign-offs ----------------------------------------------------------------------------------------------------


def may_sign_off(user: User, crisis_plan: CrisisPlan) -> bool:
    """Staff and consented partners confirm in the app, the owner in the portal. Emergency access is read-only."""
    if crisis_plan.archived_at is not None:
        return False
    return is_staff(user, crisis_plan) or is_owner(user, crisis_plan) or is_consented_partner(user, crisis_plan)


def _activate(actor: User, crisis_plan: CrisisPlan) -> None:
    """The owner's confirmation takes a draft into use (not a new version: the text is the same)."""
    if crisis_plan.status == CrisisPlan.Status.DRAFT:
        crisis_plan.status = CrisisPlan.Status.ACTIVE
        save_with_history(crisis_plan, actor, gettext_lazy("Kriseplanen er tatt i bruk: brukeren har bekreftet den"))


@transaction.atomic
def sign_off(actor: User, crisis_plan: CrisisPlan, *, based_on_version=None) -> CrisisSignOff:
    """«Jeg har lest kriseplanen og er enig»: staff and partners in the app, the owner in the portal.

    The sign-off is for the current version. The owner's confirmation takes a draft into use and tells the trust
    person. ``based_on_version``: the version the reader saw; if the plan changed since, it is a conflict.
    """
    if not CrisisPlan.objects.for_user(actor).filter(pk=crisis_plan.pk).exists():
        raise PermissionDenied
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    staff, owner = is_staff(actor, crisis_plan), is_owner(actor, crisis_plan)
    if not (staff or owner or is_consented_partner(actor, crisis_plan)):
        raise PermissionDenied
    if CrisisSignOff.objects.filter(crisis_plan=crisis_plan, person=actor, plan_version=crisis_plan.version).exists():
        raise ServiceError(_("Du har allerede bekreftet denne versjonen av kriseplanen."))
    by_owner = owner and not staff
    su = crisis_plan.service_user
    signed = save_with_history(
        CrisisSignOff(
            crisis_plan=crisis_plan,
            person=actor,
            name=su.full_name if by_owner else actor.display_name,
            role=_("Brukeren selv") if by_owner else _role_text(actor),
            by_owner=by_owner,
            how=CrisisSignOff.How.PORTAL if by_owner else CrisisSignOff.How.APP,
            signed_on=timezone.localdate(),
            plan_version=crisis_plan.version,
            recorded_by=actor,
        ),
        actor,
        gettext_lazy("Kriseplanen er bekreftet"),
    )
    if by_owner:
        _activate(actor, crisis_plan)
        case = open_case(su.pk)
        if case is not None:
            tell_case_staff(
                case, crisis_plan,
                lambda: _("%(name)s har bekreftet kriseplanen sin") % {"name": su.full_name},
                lambda: _("%(name)s har bekreftet versjon %(version)s av kriseplanen i portalen.")
                % {"name": su.full_name, "version": crisis_plan.version},
            )
    return signed


@transaction.atomic
def record_paper_sign_off(actor: User, crisis_plan: CrisisPlan, *, signed_on=None,
                          based_on_version=None) -> CrisisSignOff:
    """Staff record that the user signed the current version on paper (*«alle sammen underskrev på den»*)."""
    _require_staff(actor, crisis_plan)
    crisis_plan = _lock(crisis_plan)
    _require_current(crisis_plan)
    check_plan_version(crisis_plan, based_on_version, {}, {})
    today = timezone.localdate()
    signed_on = clean_date(signed_on, "signed_on") or today
    if signed_on > today:
        raise ServiceError(_("Datoen kan ikke være fram i tid."), "signed_on")
    if CrisisSignOff.objects.filter(crisis_plan=crisis_plan, by_owner=True, plan_version=crisis_plan.version).exists():
        raise ServiceError(_("Brukeren har allerede bekreftet denne versjonen av kriseplanen."))
    su = crisis_plan.service_user
    signed = save_with_history(
        CrisisSignOff(
            crisis_plan=crisis_plan,
            person=su.user if su.user_id else None,
            name=su.full_name,
            role=_("Brukeren selv"),
            by_owner=True,
            how=CrisisSignOff.How.PAPER,
            signed_on=signed_on,
            plan_version=crisis_plan.version,
            recorded_by=actor,
        ),
        actor,
        gettext_lazy("Brukerens bekreftelse på papir er registrert"),
    )
    _activate(actor, crisis_plan)
    return signed


# --- emergency access ---------------------------------------------------------------------------------------------


def _name_key(value: str) -> str:
    return " ".join(str(value or "").split()).casefold()


def find_for_emergency(actor: User, full_name: str, birth_date) -> list[ServiceUser]:
    """The people with a current crisis plan whose full name and birth date match exactly (emergency members only).

    Deliberately narrow, so it is not a browsing tool: the birth date must match exactly and the whole name
    (first and last, any case and spacing). The break-glass search is the one read that starts outside the
    access gate; it shows only name and birth date, and opening the plan needs a reason (:func:`open_emergency_access`).
    """
    if not is_emergency_member(actor):
        raise PermissionDenied
    birth_date = clean_date(birth_date, "birth_date")
    if birth_date is None:
        raise ServiceError(_("Skriv fødselsdatoen."), "birth_date")
    key = _name_key(full_name)
    if not key:
        raise ServiceError(_("Skriv hele navnet."), "full_name")
    candidates = (
        ServiceUser.objects.filter(birth_date=birth_date, archived_at__isnull=True,
                                   pk__in=CrisisPlan.objects.current().values("service_user_id"))
        .select_related("municipality")
        .order_by("last_name", "first_name", "pk")
    )
    return [su for su in candidates if _name_key(f"{su.first_name} {su.last_name}") == key]


@transaction.atomic
def open_emergency_access(actor: User, service_user: ServiceUser, reason: str, *,
                          channel: str = AccessEvent.Channel.WEB) -> EmergencyAccess:
    """Break-glass: an emergency-service member opens the user's crisis plan, stating why.

    Without a reason nothing happens (ServiceError). With one: a grant for ``CRISIS_EMERGENCY_ACCESS_HOURS`` to the
    crisis plan only, an access event with the reason in the owner's access log, a message to the owner and one
    (with the reason) to the trust person, or the deputy too when the trust person is away.
    """
    organisations = emergency_organisations(actor)
    if not organisations:
        raise PermissionDenied
    reason = clean_text(reason, "reason", max_length=500)
    if len(reason) < MIN_REASON_LENGTH:
        raise ServiceError(str(MESSAGES["reason"]) % {"min": MIN_REASON_LENGTH}, "reason")
    su = ServiceUser.objects.filter(pk=service_user.pk).first()
    crisis_plan = CrisisPlan.objects.current().filter(service_user=su).first() if su else None
    if crisis_plan is None:
        raise ServiceError(str(MESSAGES["no_plan"]), "service_user")
    now = timezone.now()
    organisation = organisations[0]
    grant = save_with_history(
        EmergencyAccess(person=actor, organisation=organisation, service_user=su, reason=reason, started_at=now,
                        expires_at=now + datetime.timedelta(hours=emergency_access_hours())),
        actor,
        gettext_lazy("Nødtilgang til kriseplanen"),
    )
    access.forget(actor)
    access.record_access(actor, [su.pk], gettext_lazy("Kriseplan (nødtilgang)"), channel, reason=reason)
    until = no_datetime(grant.expires_at)
    # Urgent: told at once, by SMS too in the quiet hours (issue 16).
    notice = outbox.build(
        su,
        gettext_lazy("Legevakten har åpnet kriseplanen din"),
        lambda: _("Hei %(first)s. %(who)s fra %(org)s åpnet kriseplanen din %(when)s, uten samtykke, fordi det hastet. De kan "
          "se kriseplanen (ikke noe annet) til %(until)s. Du ser hvem og hvorfor under «Hvem har sett opplysningene "
          "mine» på Min side. Spør gjerne kontaktpersonen din hvis du lurer på noe.")
        % {"first": su.first_name, "who": actor.display_name, "org": organisation.name,
           "when": no_datetime(now), "until": until},
        about=grant,
    )
    notice.urgent = True
    outbox.notify_many([notice])
    case = open_case(su.pk)
    if case is not None:
        tell_case_staff(
            case, grant,
            lambda: _("Nødtilgang til kriseplanen til %(name)s") % {"name": su.full_name},
            lambda: _("%(who)s (%(org)s) åpnet kriseplanen til %(name)s %(when)s med nødtilgang til %(until)s. Grunn: "
              "%(reason)s") % {"who": actor.display_name, "org": organisation.name, "name": su.full_name,
                               "when": no_datetime(now), "until": until, "reason": shorten(reason, 300)},
        )
    return grant


def active_grant(user: User, service_user_id: int) -> EmergencyAccess | None:
    """The reader's emergency grant to this user's crisis plan that is in force now, if any."""
    a = access.actor_for(user)
    if not a.is_authenticated:
        return None
    return (
        EmergencyAccess.objects.active()
        .filter(person_id=a.user_id, service_user_id=service_user_id, organisation_id__in=_emergency_org_ids(a))
        .order_by("-expires_at", "-pk")
        .first()
    )
