"""The responsibility group and its members: create, chair, status, add/change/remove members (with the consent
that lets each one in)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import Consent, FollowUp, Membership, Organisation, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    clean_text,
    ensure_inside_gate,
    save_with_history,
)
from meetings import notices
from meetings.models import (
    Group,
    GroupMember,
    Meeting,
)
from meetings.services.common import (
    is_owner,
    is_staff,
    lock_group,
    managed_group,
    member_of,
    require_open,
    require_visible,
)
from meetings.services.meeting import (
    cancel_planned_meeting,
)
from plans.services import tell_case_staff

# --- the group -------------------------------------------------------------------------------------------------------


def _group_exists_error(case: FollowUp) -> ServiceError:
    return ServiceError(
        _("%(name)s har allerede en ansvarsgruppe som ikke er avsluttet.") % {"name": case.service_user.full_name},
        "follow_up",
    )


@transaction.atomic
def create_group(actor: User, follow_up: FollowUp, *, chair: str = Group.Chair.COORDINATOR) -> Group:
    """A responsibility group for a case, with the user and the coordinator as its first members.

    The case's staff create it. ``chair`` is the coordinator unless the user wants to convene and chair it.
    """
    # Changing a case is for its staff only (the gate), so only they create the group.
    access.require_change(actor, follow_up)
    case = (
        FollowUp.objects.select_for_update(of=("self",)).select_related("service_user", "trust_person")
        .get(pk=follow_up.pk)
    )
    if case.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er avsluttet. Åpne den igjen før du lager en ansvarsgruppe."), "follow_up")
    if chair not in Group.Chair.values:
        raise ServiceError(_("Velg hvem som leder gruppen."), "chair")
    if Group.objects.filter(follow_up=case).open().exists():
        raise _group_exists_error(case)
    try:
        with transaction.atomic():
            group = save_with_history(Group(follow_up=case, chair=chair, created_by=actor), actor, gettext_lazy("Ansvarsgruppen er opprettet"))
    except IntegrityError:
        raise _group_exists_error(case) from None
    for kind in GroupMember.ALWAYS:
        save_with_history(GroupMember(group=group, kind=kind, added_by=actor), actor, gettext_lazy("Fast medlem av gruppen"))
    su = case.service_user
    outbox.notify(
        su,
        gettext_lazy("Du har fått en ansvarsgruppe"),
        lambda: _("Hei %(name)s. Nå har du en ansvarsgruppe: de som hjelper deg, samlet rundt ett bord. Du bestemmer hvem som "
          "er med. %(worker)s tar kontakt om det første møtet.")
        % {"name": su.first_name, "worker": case.trust_person.display_name},
        about=group,
    )
    ensure_inside_gate(actor, group)
    return group


@transaction.atomic
def set_group_chair(actor: User, group: Group, chair: str) -> Group:
    """Who leads the group: the coordinator, or the user themselves. Staff or the user decide."""
    require_visible(actor, group)
    group = lock_group(group)
    staff, owner = is_staff(actor, group), is_owner(actor, group)
    if not (staff or owner):
        raise PermissionDenied
    require_open(group)
    if chair not in Group.Chair.values:
        raise ServiceError(_("Velg hvem som leder gruppen."), "chair")
    if chair == group.chair:
        return group
    group.chair = chair
    save_with_history(group, actor, lambda: _("Møteleder endret: %(chair)s") % {"chair": group.get_chair_display()})
    su = group.follow_up.service_user
    if owner and not staff:
        tell_case_staff(
            group.follow_up, group,
            lambda: _("%(name)s vil lede ansvarsgruppen selv") % {"name": su.full_name} if chair == Group.Chair.USER
            else _("%(name)s vil at koordinatoren leder ansvarsgruppen") % {"name": su.full_name},
            lambda: _("%(name)s har endret hvem som leder ansvarsgruppen: %(chair)s.")
            % {"name": su.full_name, "chair": group.get_chair_display()},
        )
    return group


@transaction.atomic
def change_group_status(actor: User, group: Group, status: str, reason: str = "") -> Group:
    """Pause, close or take the group up again. Pausing and closing say why; closing cancels planned meetings."""
    group = managed_group(actor, group)
    if status not in Group.Status.values:
        raise ServiceError(_("Velg status for gruppen."), "status")
    if status == group.status:
        raise ServiceError(_("Gruppen har allerede denne statusen."), "status")
    reason = clean_text(reason, "reason", max_length=1000)
    if status != Group.Status.ACTIVE and not reason:
        raise ServiceError(_("Skriv kort hvorfor."), "reason")
    if group.status == Group.Status.CLOSED and Group.objects.filter(follow_up_id=group.follow_up_id).open().exists():
        raise _group_exists_error(group.follow_up)
    if status == Group.Status.CLOSED:
        for meeting in Meeting.objects.filter(group=group).upcoming():
            cancel_planned_meeting(actor, meeting, reason)
    group.status = status
    group.status_reason = reason if status != Group.Status.ACTIVE else ""
    group.status_changed_at = timezone.now()
    save_with_history(group, actor, lambda: _("Gruppen: %(status)s") % {"status": group.get_status_display()})
    return group


# --- members --------------------------------------------------------------------------------------------------------


def consent_problem(group: Group, *, person: User | None = None, organisation: Organisation | None = None,
                    day: datetime.date | None = None) -> str | None:
    """Why ``person`` or ``organisation`` cannot be a member now, in plain Norwegian; ``None`` if they can.

    The answer names exactly what is missing: no consent at all, one without the meetings scope, one that has
    expired, is withdrawn or has not started yet.
    """
    day = day or timezone.localdate()
    owner = group.follow_up.service_user
    if person is not None:
        if person.pk in notices.staff_ids(group) or notices.consented_user_ids(owner.pk, [person], day):
            return None
        partner_orgs = Membership.objects.filter(user=person, role=Membership.Role.PARTNER).values("organisation_id")
        consents = Consent.objects.filter(owner=owner).filter(
            Q(grantee_user_id=person.pk) | Q(grantee_organisation_id__in=partner_orgs)
        )
        who = person.display_name
    else:
        consents = Consent.objects.filter(owner=owner, grantee_organisation=organisation)
        if consents.valid_on(day).filter(scope_meetings=True).exists():
            return None
        who = organisation.name
    scope = Consent.Scope.MEETINGS.label
    values = {"owner": owner.full_name, "who": who, "scope": scope, "first": owner.first_name}
    candidates = list(consents.select_related("grantee_user", "grantee_organisation").order_by("-valid_until", "-pk"))
    with_scope = [c for c in candidates if c.scope_meetings]
    valid_other = [c for c in candidates if not c.scope_meetings and c.state == "valid"]
    if valid_other:
        c = valid_other[0]
        return _(
            "Samtykket fra %(owner)s til %(grantee)s gjelder bare: %(scopes)s. Det mangler samtykke til «%(scope)s». "
            "Registrer et samtykke som gjelder «%(scope)s» før %(who)s legges til."
        ) % {**values, "grantee": c.grantee_name, "scopes": ", ".join(c.scope_labels())}
    for state, text in (
        ("future", _("Samtykket fra %(owner)s til %(grantee)s om «%(scope)s» gjelder først fra %(date)s. %(who)s kan "
                     "legges til fra den dagen.")),
        ("expired", _("Samtykket fra %(owner)s til %(grantee)s om «%(scope)s» gikk ut %(date)s. Registrer et nytt "
                      "samtykke før %(who)s legges til.")),
        ("withdrawn", _("%(owner)s trakk tilbake samtykket til %(grantee)s om «%(scope)s» %(date)s. %(who)s kan ikke "
                        "være med i ansvarsgruppen uten et nytt samtykke fra %(first)s.")),
    ):
        match = next((c for c in with_scope if c.state == state), None)
        if match is not None:
            date = {
                "future": match.valid_from,
                "expired": match.valid_until,
                "withdrawn": timezone.localtime(match.withdrawn_at).date() if match.withdrawn_at else day,
            }[state]
            return text % {**values, "grantee": match.grantee_name, "date": no_date(date)}
    return _(
        "%(owner)s har ikke gitt samtykke til at %(who)s får være med i ansvarsgruppen. Registrer et samtykke fra "
        "%(first)s til %(who)s som gjelder «%(scope)s», så kan %(who)s legges til."
    ) % values


@transaction.atomic
def add_member(actor: User, group: Group, *, person: User | None = None, organisation: Organisation | None = None,
               role: str = "") -> GroupMember:
    """A person (optionally with the service they come from) or a whole service joins the group.

    Only while the owner has consented to them with the meetings scope: otherwise a ``ServiceError`` that says which
    consent is missing (:func:`consent_problem`).
    """
    group = managed_group(actor, group)
    require_open(group)
    if person is not None and not isinstance(person, User):
        raise ServiceError(_("Velg en person fra listen."), "person")
    if organisation is not None and not isinstance(organisation, Organisation):
        raise ServiceError(_("Velg en tjeneste fra listen."), "organisation")
    if person is None and organisation is None:
        raise ServiceError(_("Velg en person eller en tjeneste."), "person")
    role = clean_text(role, "role", max_length=200)
    members = GroupMember.objects.current().filter(group=group)
    if person is not None:
        if not person.is_active:
            raise ServiceError(_("Personen har ikke lenger tilgang."), "person")
        if person.pk == group.follow_up.trust_person_id or getattr(group.follow_up.service_user, "user_id", None) == \
                person.pk:
            raise ServiceError(_("%(name)s er alltid med i gruppen.") % {"name": person.display_name}, "person")
        if organisation is not None and not Membership.objects.filter(
            user=person, organisation=organisation, role=Membership.Role.PARTNER
        ).exists():
            raise ServiceError(
                _("%(name)s jobber ikke i %(org)s.") % {"name": person.display_name, "org": organisation.name},
                "organisation",
            )
        if members.filter(kind=GroupMember.Kind.PERSON, person=person).exists():
            raise ServiceError(_("%(name)s er allerede med i gruppen.") % {"name": person.display_name}, "person")
        problem = consent_problem(group, person=person)
        if problem:
            raise ServiceError(problem, "person")
        member = GroupMember(group=group, kind=GroupMember.Kind.PERSON, person=person, organisation=organisation,
                             role=role, added_by=actor)
    else:
        if not organisation.is_active:
            raise ServiceError(_("Tjenesten er ikke lenger aktiv."), "organisation")
        if members.filter(kind=GroupMember.Kind.ORGANISATION, organisation=organisation).exists():
            raise ServiceError(_("%(name)s er allerede med i gruppen.") % {"name": organisation.name}, "organisation")
        problem = consent_problem(group, organisation=organisation)
        if problem:
            raise ServiceError(problem, "organisation")
        member = GroupMember(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=organisation, role=role,
                             added_by=actor)
    save_with_history(member, actor, lambda: _("Nytt medlem: %(name)s") % {"name": member.display_name})
    su = group.follow_up.service_user
    notices.tell(
        notices.recipients(group, members=[member], exclude=actor),
        lambda r: (
            _("Du er med i ansvarsgruppen til %(name)s") % {"name": su.full_name},
            _("Du er lagt til i ansvarsgruppen til %(name)s, som %(role)s. Du får innkalling til møtene og ser "
              "referatene og oppgavene dine så lenge %(first)s samtykker til det.")
            % {"name": su.full_name, "role": member.role_display, "first": su.first_name},
        ),
        about=group,
    )
    ensure_inside_gate(actor, member, access.VIEW)
    return member


@transaction.atomic
def update_member(actor: User, member: GroupMember, *, role: str) -> GroupMember:
    """Change a member's role (in plain words)."""
    group = managed_group(actor, member.group)
    member = member_of(group, member)
    role = clean_text(role, "role", max_length=200)
    if role == member.role:
        return member
    member.role = role
    save_with_history(member, actor, gettext_lazy("Rolle endret"))
    return member


@transaction.atomic
def remove_member(actor: User, member: GroupMember, reason: str = "") -> GroupMember:
    """A member leaves the group (archived, never deleted). The user and the coordinator always stay.

    Their open action items stay open and on the agenda until the chair gives them to someone else.
    """
    group = managed_group(actor, member.group)
    member = member_of(group, member)
    if member.kind in GroupMember.ALWAYS:
        raise ServiceError(_("Brukeren og koordinatoren er alltid med i gruppen."), "member")
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.removed_reason = clean_text(reason, "reason", max_length=1000)
    save_with_history(member, actor, lambda: _("Medlem fjernet: %(name)s") % {"name": member.display_name})
    return member
