"""Reads for the crisis plan page, the PDFs and the API.

Everything starts from the gate (``CrisisPlan.objects.for_user``) and runs a fixed number of queries however many
contacts and sign-offs a plan has (the page and the PDFs have query budgets in tests).

The always-included block — my contact now, legevakt 116 117, and 113 — is computed here every time the plan is
read, never stored, so it is always current: while the trust person is away it names the deputy, and when both
are away the service's duty phone (``koordinator.continuity.contact_now``, as Min side and the case page use it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import access, continuity
from koordinator.models import FollowUp, ServiceUser, User
from koordinator.phone import display_phone
from koordinator.timeutil import no_date
from plans import access as plans_access
from plans.crisis import services
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess
from plans.selectors import PlanVersion, document_timeline, document_version_values

LEGEVAKT_PHONE = "116117"
EMERGENCY_PHONE = "113"


@dataclass
class CallEntry:
    """One line of the call list: who, what they are to me, when they can be reached, and the number."""

    name: str
    role: str
    when: str
    phone: str
    kind: str  # "contact_now", "contact", "legevakt" or "emergency"
    note: str = ""

    @property
    def phone_display(self) -> str:
        if self.phone == LEGEVAKT_PHONE:
            return "116 117"
        if self.phone == EMERGENCY_PHONE:
            return "113"
        return display_phone(self.phone)


def _contact_now_entry(case: FollowUp, day: datetime.date) -> CallEntry:
    contact = continuity.contact_now(case, day)
    unit = case.unit
    # A deputy with no phone of their own is reached through the service, as Min side says.
    phone = contact.phone or unit.duty_phone or unit.phone
    if contact.role == "primary":
        role = _("Kontaktpersonen min (tillitsperson), %(unit)s") % {"unit": unit.name}
        when = _("Dagtid på hverdager")
    elif contact.role == "deputy":
        role = _("Stedfortreder: %(reason)s") % {"reason": contact.reason}
        when = _("Dagtid på hverdager")
    else:
        role = contact.reason
        when = _("Se tjenestens åpningstider")
    return CallEntry(contact.name, role, when, phone, "contact_now")


_NO_CASE = object()


def always_included(service_user_id: int, day: datetime.date | None = None, *, case=_NO_CASE) -> list[CallEntry]:
    """My contact now (if I have an open case), legevakt and 113: read now, so always current. 2–4 queries.
    ``case``: the user's newest open case (``services.open_case``) when the caller has read it already."""
    day = day or timezone.localdate()
    entries = []
    if case is _NO_CASE:
        case = services.open_case(service_user_id)
    if case is not None:
        entries.append(_contact_now_entry(case, day))
    entries.append(CallEntry(_("Legevakten"), _("Når det haster og kontaktpersonen ikke kan nås"),
                             _("Hele døgnet"), LEGEVAKT_PHONE, "legevakt"))
    entries.append(CallEntry(_("Nødnummer for helse (AMK)"), _("Ved fare for liv"), _("Hele døgnet"),
                             EMERGENCY_PHONE, "emergency"))
    return entries


def contact_entry(contact: CrisisContact) -> CallEntry:
    when = ", ".join(contact.reachable_labels()).lower().capitalize() or "–"
    return CallEntry(contact.name, contact.role, when, contact.phone, "contact", contact.note)


def call_list(always: list[CallEntry], contacts: list[CrisisContact]) -> list[CallEntry]:
    """Who to call, in order: my contact now first, then the user's own list, then legevakt and 113."""
    first = [e for e in always if e.kind == "contact_now"]
    last = [e for e in always if e.kind != "contact_now"]
    return first + [contact_entry(c) for c in contacts] + last


# --- the page -----------------------------------------------------------------------------------------------------


@dataclass
class CrisisPage:
    crisis_plan: CrisisPlan
    owner: ServiceUser
    contacts: list[CrisisContact]
    sign_offs: list[CrisisSignOff]
    always: list[CallEntry]
    can_change: bool
    is_staff: bool
    is_owner: bool
    is_partner: bool
    grant: EmergencyAccess | None
    may_sign_off: bool
    signed_this_version: bool
    day: datetime.date = field(default_factory=timezone.localdate)

    @property
    def is_emergency(self) -> bool:
        """Reading only under an emergency grant (not as staff, owner or consented partner)."""
        return self.grant is not None

    @property
    def version(self) -> int:
        return self.crisis_plan.version

    @property
    def contact_now(self) -> CallEntry | None:
        return next((e for e in self.always if e.kind == "contact_now"), None)

    @property
    def fixed_numbers(self) -> list[CallEntry]:
        """Legevakt and 113."""
        return [e for e in self.always if e.kind != "contact_now"]

    @property
    def contact_entries(self) -> list[tuple[CrisisContact, CallEntry]]:
        return [(c, contact_entry(c)) for c in self.contacts]

    @property
    def call_list(self) -> list[CallEntry]:
        return call_list(self.always, self.contacts)

    @property
    def current_sign_offs(self) -> list[CrisisSignOff]:
        return [s for s in self.sign_offs if s.plan_version == self.crisis_plan.version]

    @property
    def earlier_sign_offs(self) -> list[CrisisSignOff]:
        return [s for s in self.sign_offs if s.plan_version != self.crisis_plan.version]

    @property
    def changed_since_sign_off(self) -> bool:
        """Signed before, but not this version: the plan has changed since everyone confirmed it."""
        return bool(self.earlier_sign_offs) and not self.current_sign_offs

    @property
    def owner_signed(self) -> bool:
        return any(s.by_owner for s in self.current_sign_offs)

    @property
    def review_overdue(self) -> bool:
        return self.crisis_plan.review_overdue(self.day)

    def sections(self) -> list[tuple[str, str, str]]:
        """(field name, heading, text) for each text part, in order (the page and the full PDF use the same)."""
        return [(name, heading, getattr(self.crisis_plan, name)) for name, heading in section_titles()]


def section_titles() -> list[tuple[str, str]]:
    """The text parts as headings in the user's voice (a function, so they are translated when read)."""
    return [
        ("warning_signs", _("Varseltegn: slik merker jeg og andre at det går mot en krise")),
        ("triggers", _("Dette pleier å utløse en krise")),
        ("self_help", _("Dette gjør jeg selv")),
        ("how_to_meet_me", _("Slik vil jeg bli møtt")),
        ("what_helps", _("Dette hjelper")),
        ("what_does_not_help", _("Dette hjelper ikke")),
        ("admission_wishes", _("Ønsker om innleggelse")),
        ("medication", _("Medisiner")),
        ("pickup_arrangements", _("Henteavtaler")),
        ("children_pets_keys", _("Barn, dyr og nøkler")),
    ]


def get_visible(user: User, crisis_plan: CrisisPlan | int) -> CrisisPlan:
    pk = crisis_plan.pk if isinstance(crisis_plan, Model) else crisis_plan
    found = CrisisPlan.objects.for_user(user).select_related("service_user").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def crisis_plan_page(user: User, crisis_plan: CrisisPlan | int, *, day: datetime.date | None = None) -> CrisisPage:
    """The whole crisis plan for one reader, in a fixed number of queries (404 outside the gate)."""
    day = day or timezone.localdate()
    plan = get_visible(user, crisis_plan)
    # The owner's open cases, newest first (``services.open_case`` is the first): for «my contact now», and for
    # whether the reader works on one of them (``services.is_staff``) without asking the database again.
    open_cases = services.open_cases(plan.service_user_id)
    is_staff = plans_access.works_on_one_of(user, [case.pk for case in open_cases])
    if is_staff is None:
        is_staff = services.is_staff(user, plan)
    is_owner = access.is_owner(user, plan.service_user_id)
    # The gate lets the staff of the owner's open case and the owner change a crisis plan (``crisis_owner_q``): its
    # answer for this plan, from what is known already.
    can_change = plan.is_editable and (is_staff or is_owner)
    is_partner = not (is_staff or is_owner) and services.is_consented_partner(user, plan)
    grant = None if (is_staff or is_owner or is_partner) else services.active_grant(user, plan.service_user_id)
    contacts = list(CrisisContact.objects.for_user(user).filter(crisis_plan=plan).live().order_by("order", "pk"))
    sign_offs = list(
        CrisisSignOff.objects.for_user(user).filter(crisis_plan=plan).order_by("-plan_version", "signed_on", "pk")
    )
    signed = any(s.person_id == user.pk and s.plan_version == plan.version for s in sign_offs)
    return CrisisPage(
        crisis_plan=plan,
        owner=plan.service_user,
        contacts=contacts,
        sign_offs=sign_offs,
        always=always_included(plan.service_user_id, day, case=open_cases[0] if open_cases else None),
        can_change=can_change,
        is_staff=is_staff,
        is_owner=is_owner,
        is_partner=is_partner,
        grant=grant,
        may_sign_off=plan.is_editable and (is_staff or is_owner or is_partner) and not signed,
        signed_this_version=signed,
        day=day,
    )


def access_reason(page: CrisisPage) -> str:
    """The reason to write in the access log: the emergency grant's, for a reader under one."""
    return page.grant.reason if page.grant is not None else ""


def current_for(user: User, service_user_id: int) -> CrisisPlan | None:
    """The user's current crisis plan, if ``user`` may see it."""
    return CrisisPlan.objects.for_user(user).current().filter(service_user_id=service_user_id).first()


@dataclass(frozen=True)
class Opening:
    """What «Kriseplan» from the case page opens: the person's current crisis plan (``current``), or with none the
    page to make one (``current`` is ``None``)."""

    current: CrisisPlan | None


def opening_for(user: User, service_user_id: int) -> Opening | None:
    """What «Kriseplan» for this person opens for ``user``, or ``None`` when it opens nothing for them.

    The one answer for the case page's link and for the page it leads to (``crisis_plan_for_user``): the current
    crisis plan if the gate shows it to ``user``; otherwise the page to make one, for the staff of the person's open
    case and the owner. Anyone else (a partner without the crisis-plan scope, or with it while there is no current
    plan; the staff of an ended case) is not shown the link, and the page is a 404 that does not say whether there is
    a plan. One query, two without a current plan.
    """
    current = current_for(user, service_user_id)
    if current is not None:
        return Opening(current)
    if access.is_owner(user, service_user_id) or access.is_person_staff(user, service_user_id):
        return Opening(None)
    return None


def earlier_for(user: User, service_user_id: int) -> list[CrisisPlan]:
    return list(
        CrisisPlan.objects.for_user(user).filter(service_user_id=service_user_id, archived_at__isnull=False)
        .order_by("-archived_at", "-pk")
    )


def own_crisis_plan(user: User) -> CrisisPlan | None:
    """The logged-in user's own current crisis plan (for *Min side*)."""
    a = access.actor_for(user)
    if a.service_user_id is None:
        return None
    return current_for(user, a.service_user_id)


def timeline(user: User, crisis_plan: CrisisPlan | int) -> list[PlanVersion]:
    return document_timeline(get_visible(user, crisis_plan), CrisisPlan.RESTORABLE_FIELDS)


def version_values(user: User, crisis_plan: CrisisPlan | int, history_id: int) -> dict | None:
    return document_version_values(get_visible(user, crisis_plan), history_id, CrisisPlan.RESTORABLE_FIELDS)


def sign_off_text(sign_off: CrisisSignOff) -> str:
    """«Kari Nordmann (Brukeren selv), i portalen 23.11.2026, versjon 3»."""
    who = f"{sign_off.name} ({sign_off.role})" if sign_off.role else sign_off.name
    return _("%(who)s, %(how)s %(date)s, versjon %(version)s") % {
        "who": who, "how": sign_off.get_how_display().lower(), "date": no_date(sign_off.signed_on),
        "version": sign_off.plan_version,
    }
