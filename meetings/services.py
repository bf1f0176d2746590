"""Every write to a responsibility group goes through a function here (DESIGN.md rule 2).

Each service takes the acting user explicitly, checks the gate (``koordinator.access``, ``meetings.access``) and the
finer rules below, saves with the history user and a change reason, writes the notifications to the outbox, and
does it in one transaction. Bad input raises ``ServiceError`` (a plain Norwegian message and the field) and
changes nothing. Views, forms, the API and commands call these and never repeat the rules.

Who may do what, on top of the gate:

* **managers** — the case's staff (trust person, deputy, leader), and the user when they chair their own group —
  change the group and its members, schedule, move and cancel meetings, record attendance and write the minutes;
* the meeting's **chair** (``Meeting.chair_person`` if the chair was handed on, else the group's chair) writes the
  minutes and marks them ready too;
* the **user** (the owner) proposes points for the agenda (they come first, as «Brukerens ord»), approves the
  minutes or writes what they disagree with, comments, sends apologies and updates their own action items;
* a **partner member**, while the owner's meetings consent to them is in force, proposes points, sends apologies
  (from the page, or with the signed link in the invitation: :func:`send_apologies_by_link`), comments on the
  minutes and updates the action items they are responsible for. Nothing else.

The minutes are a living document like the plan (and reuse its machinery in ``plans.services``): every save of a
section adds one to ``Minutes.version``; :func:`write_minutes` must say which version it was based on, and a stale
one raises :class:`MinutesConflict` with both texts, so nothing typed is lost. After the chair has marked them
ready, changes need a reason, show as visible changes (``meetings.selectors.minutes_amendments``) and every member
is told.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import Consent, FollowUp, Membership, Notification, Organisation, User
from koordinator.timeutil import no_date, no_datetime
from koordinator.toolkit import (
    ServiceError,
    VersionConflict,
    bump,
    check_fields,
    check_version,
    clean_date,
    clean_text,
    ensure_inside_gate,
    field_label,
    restore_fields,
    save_with_history,
    shorten,
)
from meetings import notices, selectors, tokens
from meetings.access import partner_member_ids
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Comment,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from plans import services as plan_services
from plans.models import Plan, PlanRevision
from plans.services import tell_case_staff

MEETING_FIELDS = ("starts_at", "duration_minutes", "place", "place_detail", "note")
# Changing these is a change everyone is told about (a new calendar invitation).
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "place_detail")
ACTION_ITEM_FIELDS = ("what", "responsible", "due_on")
MIN_DURATION, MAX_DURATION = 15, 600

MESSAGES = {
    "closed": gettext_lazy("Ansvarsgruppen er avsluttet."),
    "paused": gettext_lazy("Ansvarsgruppen er satt på pause. Gjør den aktiv igjen før dere planlegger møter."),
    "not_planned": gettext_lazy("Møtet er ikke lenger planlagt."),
    "cancelled": gettext_lazy("Møtet er avlyst."),
    "started": gettext_lazy("Møtet har allerede startet."),
    "not_started": gettext_lazy("Møtet har ikke startet ennå."),
    "not_member": gettext_lazy("Velg et medlem av ansvarsgruppen."),
    "removed_member": gettext_lazy("Medlemmet er ikke lenger med i ansvarsgruppen."),
    "bad_datetime": gettext_lazy("Skriv dato og klokkeslett, for eksempel 23.11.2026 14.00."),
    "item_closed": gettext_lazy("Oppgaven er allerede avsluttet."),
    "no_minutes_yet": gettext_lazy("Referatet er ikke klart ennå."),
}


class MinutesConflict(VersionConflict):
    """A save based on an old version of the minutes: nothing saved, both texts kept (``submitted``, ``current``)."""

    template = gettext_lazy(
        "Referatet ble endret av %(who)s mens du skrev (du startet fra versjon %(base)s, nå er det versjon "
        "%(current)s). Det du skrev er tatt vare på: se over begge tekstene og lagre på nytt."
    )
    bad_version = gettext_lazy("Oppgi hvilken versjon av referatet endringen bygger på.")

    @property
    def minutes(self) -> Minutes:
        return self.document


# --- who is who -----------------------------------------------------------------------------------------------------


def is_staff(actor: User, group: Group) -> bool:
    """The case's trust person, deputy (own or standing) or a leader in the municipality."""
    return access.is_case_staff(actor, group.follow_up_id)


def is_owner(actor: User, group: Group) -> bool:
    return access.is_owner(actor, group.follow_up.service_user_id)


def may_manage(actor: User, group: Group) -> bool:
    """Staff, or the user when they chair their own group."""
    return is_staff(actor, group) or (group.user_chairs and is_owner(actor, group))


def chair_of(meeting: Meeting) -> User | None:
    """The person who chairs the meeting (``None`` when the user chairs and has no login)."""
    if meeting.chair_person_id:
        return meeting.chair_person
    group = meeting.group
    if group.user_chairs:
        return group.follow_up.service_user.user
    return group.follow_up.trust_person


def is_chair(actor: User, meeting: Meeting) -> bool:
    chair = chair_of(meeting)
    return chair is not None and getattr(actor, "pk", None) == chair.pk


def may_write_minutes(actor: User, meeting: Meeting) -> bool:
    """Managers of the group and the meeting's chair write the minutes, record attendance and action items."""
    return may_manage(actor, meeting.group) or is_chair(actor, meeting)


def acting_member(actor: User, group: Group) -> GroupMember | None:
    """The member ``actor`` acts as in ``group``: the owner the user member, the trust person the coordinator, a
    partner their person member (or their service's member) while the consent is in force."""
    a = access.actor_for(actor)
    if not a.is_authenticated:
        return None
    members = GroupMember.objects.current().filter(group=group)
    if is_owner(actor, group):
        return members.filter(kind=GroupMember.Kind.USER).first()
    if group.follow_up.trust_person_id == a.user_id:
        return members.filter(kind=GroupMember.Kind.COORDINATOR).first()
    mine = list(members.filter(pk__in=partner_member_ids(a)))
    # A personal membership before the service's.
    mine.sort(key=lambda m: m.kind != GroupMember.Kind.PERSON)
    return mine[0] if mine else None


def is_responsible(actor: User, item: ActionItem) -> bool:
    """Is ``actor`` the one who does the action item (or acts for the service that does)?"""
    member = item.responsible
    if member.kind == GroupMember.Kind.USER:
        return is_owner(actor, item.group)
    if member.kind == GroupMember.Kind.COORDINATOR:
        return item.group.follow_up.trust_person_id == getattr(actor, "pk", None)
    return GroupMember.objects.filter(pk=member.pk).filter(pk__in=partner_member_ids(access.actor_for(actor))).exists()


def member_may_see(member: GroupMember, day: datetime.date | None = None) -> bool:
    """Is the owner's meetings consent to this member in force (always true for the user and the coordinator)?"""
    group = member.group
    if member.kind in GroupMember.ALWAYS:
        return True
    owner_id = group.follow_up.service_user_id
    if member.kind == GroupMember.Kind.PERSON:
        if member.person_id in notices.staff_ids(group):
            return True
        return member.person_id in notices.consented_user_ids(owner_id, [member.person], day)
    return Consent.objects.valid_on(day).filter(
        owner_id=owner_id, scope_meetings=True, grantee_organisation_id=member.organisation_id
    ).exists()


def _require_visible(actor: User, obj) -> None:
    if not type(obj).objects.for_user(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied


def _checked(actor: User, obj, lock, allowed):
    """``obj`` locked, after checking ``actor`` may see it and ``allowed(actor, locked)`` — decided on the stored
    row, not on what the caller holds."""
    _require_visible(actor, obj)
    obj = lock(obj)
    if not allowed(actor, obj):
        raise PermissionDenied
    return obj


def _managed_group(actor: User, group: Group) -> Group:
    return _checked(actor, group, _lock_group, may_manage)


def _managed_meeting(actor: User, meeting: Meeting) -> Meeting:
    return _checked(actor, meeting, _lock_meeting, lambda a, m: may_manage(a, m.group))


def _written_meeting(actor: User, meeting: Meeting) -> Meeting:
    """A manager or the meeting's chair (who writes the minutes, records attendance and action items)."""
    return _checked(actor, meeting, _lock_meeting, may_write_minutes)


# --- locks and small checks -----------------------------------------------------------------------------------------

GROUP_RELATED = ("follow_up__service_user", "follow_up__trust_person", "follow_up__unit")


def _lock_group(group: Group) -> Group:
    return Group.objects.select_for_update(of=("self",)).select_related(*GROUP_RELATED).get(pk=group.pk)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(*(f"group__{r}" for r in GROUP_RELATED), "chair_person")
        .get(pk=meeting.pk)
    )


def _lock_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related(*(f"meeting__group__{r}" for r in GROUP_RELATED), "meeting__chair_person")
        .get(pk=minutes.pk)
    )


def _require_open(group: Group, *, active: bool = False) -> None:
    if group.status == Group.Status.CLOSED:
        raise ServiceError(str(MESSAGES["closed"]), "status")
    if active and group.status == Group.Status.PAUSED:
        raise ServiceError(str(MESSAGES["paused"]), "status")


def _require_planned_ahead(meeting: Meeting) -> None:
    """A meeting that can still be changed, cancelled or sent apologies for: planned and not started."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError(str(MESSAGES["not_planned"]), "status")
    if meeting.has_started():
        raise ServiceError(str(MESSAGES["started"]), "starts_at")


def _require_started(meeting: Meeting) -> None:
    """Attendance, minutes sign-off and action items belong to a meeting that has started (and was not cancelled)."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    if not meeting.has_started():
        raise ServiceError(str(MESSAGES["not_started"]), "starts_at")


def _member_of(group: Group, member, field: str = "member", *, current: bool = True) -> GroupMember:
    if not isinstance(member, GroupMember) or member.group_id != group.pk:
        raise ServiceError(str(MESSAGES["not_member"]), field)
    member = GroupMember.objects.select_related("person", "organisation").get(pk=member.pk)
    if current and member.removed_at is not None:
        raise ServiceError(str(MESSAGES["removed_member"]), field)
    member.group = group
    return member


def _as_datetime(value, field: str) -> datetime.datetime:
    """An aware time from a datetime (naive means Europe/Oslo), an ISO string or «23.11.2026 14.00»."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(" kl. ", " ").replace("kl.", " ")
        moment = None
        for parse in (datetime.datetime.fromisoformat,
                      lambda s: datetime.datetime.strptime(" ".join(s.split()), "%d.%m.%Y %H.%M"),
                      lambda s: datetime.datetime.strptime(" ".join(s.split()), "%d.%m.%Y %H:%M")):
            try:
                moment = parse(text)
                break
            except ValueError:
                continue
        if moment is None:
            raise ServiceError(str(MESSAGES["bad_datetime"]), field)
    else:
        raise ServiceError(str(MESSAGES["bad_datetime"]), field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _cancel_pending_reminders(meeting: Meeting) -> None:
    """Reminders written for the old time must not go out (the reminder command writes new ones)."""
    from simple_history.utils import bulk_update_with_history

    pending = list(
        Notification.objects.filter(
            state=Notification.State.PENDING,
            about_type=ContentType.objects.get_for_model(Meeting),
            about_id=meeting.pk,
            dedupe_key__startswith=f"meeting:{meeting.pk}:reminder:",
        )
    )
    for n in pending:
        n.state = Notification.State.CANCELLED
    if pending:
        bulk_update_with_history(pending, Notification, ["state"], default_change_reason="Møtet er endret")


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
            group = save_with_history(Group(follow_up=case, chair=chair, created_by=actor), actor, _("Ansvarsgruppen er opprettet"))
    except IntegrityError:
        raise _group_exists_error(case) from None
    for kind in GroupMember.ALWAYS:
        save_with_history(GroupMember(group=group, kind=kind, added_by=actor), actor, _("Fast medlem av gruppen"))
    su = case.service_user
    outbox.notify(
        su,
        _("Du har fått en ansvarsgruppe"),
        _("Hei %(name)s. Nå har du en ansvarsgruppe: de som hjelper deg, samlet rundt ett bord. Du bestemmer hvem som "
          "er med. %(worker)s tar kontakt om det første møtet.")
        % {"name": su.first_name, "worker": case.trust_person.display_name},
        about=group,
    )
    ensure_inside_gate(actor, group)
    return group


@transaction.atomic
def set_group_chair(actor: User, group: Group, chair: str) -> Group:
    """Who leads the group: the coordinator, or the user themselves. Staff or the user decide."""
    _require_visible(actor, group)
    group = _lock_group(group)
    staff, owner = is_staff(actor, group), is_owner(actor, group)
    if not (staff or owner):
        raise PermissionDenied
    _require_open(group)
    if chair not in Group.Chair.values:
        raise ServiceError(_("Velg hvem som leder gruppen."), "chair")
    if chair == group.chair:
        return group
    group.chair = chair
    save_with_history(group, actor, _("Møteleder endret: %(chair)s") % {"chair": group.get_chair_display()})
    su = group.follow_up.service_user
    if owner and not staff:
        tell_case_staff(
            group.follow_up, group,
            _("%(name)s vil lede ansvarsgruppen selv") % {"name": su.full_name} if chair == Group.Chair.USER
            else _("%(name)s vil at koordinatoren leder ansvarsgruppen") % {"name": su.full_name},
            _("%(name)s har endret hvem som leder ansvarsgruppen: %(chair)s.")
            % {"name": su.full_name, "chair": group.get_chair_display()},
        )
    return group


@transaction.atomic
def change_group_status(actor: User, group: Group, status: str, reason: str = "") -> Group:
    """Pause, close or take the group up again. Pausing and closing say why; closing cancels planned meetings."""
    group = _managed_group(actor, group)
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
            _cancel(actor, meeting, reason)
    group.status = status
    group.status_reason = reason if status != Group.Status.ACTIVE else ""
    group.status_changed_at = timezone.now()
    save_with_history(group, actor, _("Gruppen: %(status)s") % {"status": group.get_status_display()})
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
    group = _managed_group(actor, group)
    _require_open(group)
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
    save_with_history(member, actor, _("Nytt medlem: %(name)s") % {"name": member.display_name})
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
    group = _managed_group(actor, member.group)
    member = _member_of(group, member)
    role = clean_text(role, "role", max_length=200)
    if role == member.role:
        return member
    member.role = role
    save_with_history(member, actor, _("Rolle endret"))
    return member


@transaction.atomic
def remove_member(actor: User, member: GroupMember, reason: str = "") -> GroupMember:
    """A member leaves the group (archived, never deleted). The user and the coordinator always stay.

    Their open action items stay open and on the agenda until the chair gives them to someone else.
    """
    group = _managed_group(actor, member.group)
    member = _member_of(group, member)
    if member.kind in GroupMember.ALWAYS:
        raise ServiceError(_("Brukeren og koordinatoren er alltid med i gruppen."), "member")
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.removed_reason = clean_text(reason, "reason", max_length=1000)
    save_with_history(member, actor, _("Medlem fjernet: %(name)s") % {"name": member.display_name})
    return member


# --- meetings -------------------------------------------------------------------------------------------------------


def _clean_meeting(data: dict, *, check_past: bool) -> dict:
    starts_at = data.get("starts_at")
    if starts_at is None or starts_at == "":
        raise ServiceError(_("Velg dato og klokkeslett for møtet."), "starts_at")
    starts_at = _as_datetime(starts_at, "starts_at")
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
    when = notices.when_text(meeting)

    def message(r: notices.Recipient) -> tuple[str, str]:
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
        names = {"name": su.full_name, "when": when, "place": meeting.place_text}
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


def _tell_everyone(actor: User, meeting: Meeting, what: str) -> int:
    """Every member (with consent in force), the one who did it included: they want the calendar entry too."""
    return notices.tell(notices.recipients(meeting.group), _invitation(meeting, what), about=meeting, calendar=True)


@transaction.atomic
def schedule_meeting(actor: User, group: Group, *, starts_at, place: str, place_detail: str = "",
                     duration_minutes: int = 60, note: str = "") -> Meeting:
    """Plan a meeting and invite every member: by e-mail with an ``.ics`` invitation, the user by SMS or letter
    as they prefer (``meetings.notices``)."""
    group = _managed_group(actor, group)
    _require_open(group, active=True)
    data = _clean_meeting({"starts_at": starts_at, "place": place, "place_detail": place_detail,
                           "duration_minutes": duration_minutes, "note": note}, check_past=True)
    meeting = save_with_history(Meeting(group=group, created_by=actor, **data), actor, _("Møtet er planlagt"))
    meeting.group = group
    _tell_everyone(actor, meeting, "new")
    ensure_inside_gate(actor, meeting)
    return meeting


@transaction.atomic
def change_meeting(actor: User, meeting: Meeting, *, reason: str = "", **changes) -> Meeting:
    """Move a planned meeting or change its place or message. A new time or place goes to everyone, with a new
    version of the calendar invitation; a changed message alone is saved quietly."""
    check_fields(changes, MEETING_FIELDS)
    meeting = _managed_meeting(actor, meeting)
    _require_open(meeting.group)
    _require_planned_ahead(meeting)
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    moved = "starts_at" in changes and _as_datetime(changes["starts_at"], "starts_at") != meeting.starts_at
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
    labels = ", ".join(field_label(Meeting, name) for name in changed)
    save_with_history(meeting, actor, _("Møtet er endret: %(fields)s") % {"fields": labels})
    if calendar:
        _cancel_pending_reminders(meeting)
        _tell_everyone(actor, meeting, "changed")
    return meeting


def _cancel(actor: User, meeting: Meeting, reason: str) -> Meeting:
    meeting = _lock_meeting(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.status_note = reason[:300]
    meeting.sequence += 1
    save_with_history(meeting, actor, _("Møtet er avlyst"))
    _cancel_pending_reminders(meeting)
    _tell_everyone(actor, meeting, "cancelled")
    return meeting


@transaction.atomic
def cancel_meeting(actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a planned meeting, with a reason everyone is told (the calendar gets ``METHOD:CANCEL``)."""
    meeting = _managed_meeting(actor, meeting)
    _require_planned_ahead(meeting)
    reason = clean_text(reason, "reason", required=_("Skriv kort hvorfor møtet avlyses."), max_length=300)
    return _cancel(actor, meeting, reason)


@transaction.atomic
def mark_meeting_held(actor: User, meeting: Meeting) -> Meeting:
    """The meeting took place. Its agenda is locked as it was (``freeze_agenda``)."""
    meeting = _written_meeting(actor, meeting)
    _require_started(meeting)
    return _mark_held(actor, meeting)


def _mark_held(actor: User, meeting: Meeting) -> Meeting:
    if meeting.status == Meeting.Status.PLANNED:
        _freeze(actor, meeting)
        meeting.status = Meeting.Status.HELD
        meeting.held_at = timezone.now()
        save_with_history(meeting, actor, _("Møtet er holdt"))
    return meeting


@transaction.atomic
def hand_over_chair(actor: User, meeting: Meeting, person: User | None) -> Meeting:
    """Someone else chairs this meeting (the chair is away): the case's deputy or a leader. ``None`` hands the
    chair back to the group's own. The new chair and the user are told."""
    _require_visible(actor, meeting)
    if not is_staff(actor, meeting.group):
        raise PermissionDenied
    meeting = _lock_meeting(meeting)
    _require_planned_ahead(meeting)
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
    save_with_history(meeting, actor, _("Møteleder for dette møtet: %(name)s") % {"name": name})
    su = meeting.group.follow_up.service_user
    if person is not None and person.pk != actor.pk:
        outbox.notify(
            person,
            _("Du leder et møte i ansvarsgruppen til %(name)s") % {"name": su.full_name},
            _("Du leder møtet i ansvarsgruppen til %(name)s %(when)s, %(place)s.")
            % {"name": su.full_name, "when": notices.when_text(meeting), "place": meeting.place_text},
            about=meeting,
            channel=outbox.Channel.EMAIL if person.email else outbox.Channel.IN_APP,
        )
    outbox.notify(
        su,
        _("Ny møteleder"),
        _("Hei %(name)s. %(chair)s leder møtet i ansvarsgruppen din %(when)s. Tid og sted er som før.")
        % {"name": su.first_name, "chair": name, "when": notices.when_text(meeting)},
        about=meeting,
    )
    return meeting


# --- apologies and attendance ----------------------------------------------------------------------------------------


def _tell_chair(meeting: Meeting, subject: str, body: str, *, skip: User | None = None) -> None:
    """The meeting's chair and the case's staff (the deputy too when the coordinator is away) in the app."""
    chair = chair_of(meeting)
    if chair is not None and chair.pk != meeting.group.follow_up.trust_person_id and (skip is None or
                                                                                     chair.pk != skip.pk):
        outbox.notify(chair, subject, body, about=meeting, channel=outbox.Channel.IN_APP)
    tell_case_staff(meeting.group.follow_up, meeting, subject, body)


def _record_apologies(actor: User | None, meeting: Meeting, member: GroupMember, message: str, via: str) -> Attendance:
    _require_planned_ahead(meeting)
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
    save_with_history(attendance, actor, _("Meldt forfall"))
    body = _("%(who)s har meldt forfall til møtet %(when)s.") % {
        "who": member.display_name, "when": notices.when_text(meeting)}
    if message:
        body += " " + _("Melding: %(text)s") % {"text": message}
    _tell_chair(meeting, _("Forfall: %(who)s") % {"who": member.display_name}, body, skip=actor)
    return attendance


@transaction.atomic
def send_apologies(actor: User, meeting: Meeting, *, message: str = "", member: GroupMember | None = None
                   ) -> Attendance:
    """A member says they cannot come (*forfall*), with an optional message; the chair is told.

    Without ``member`` the actor sends for themselves (the member they act as, :func:`acting_member`). A manager may
    record apologies for another member who phoned in.
    """
    _require_visible(actor, meeting)
    meeting = _lock_meeting(meeting)
    own = acting_member(actor, meeting.group)
    if member is None:
        if own is None:
            raise ServiceError(_("Du er ikke medlem av denne ansvarsgruppen."), "member")
        member, via = own, Attendance.Via.PAGE
    else:
        member = _member_of(meeting.group, member)
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
    meeting = _lock_meeting(meeting) if lock else Meeting.objects.select_related(
        *(f"group__{r}" for r in GROUP_RELATED), "chair_person").get(pk=meeting.pk)
    member = _member_of(meeting.group, member, "token")
    try:
        _require_planned_ahead(meeting)
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
    meeting = _written_meeting(actor, meeting)
    _require_started(meeting)
    messages = messages or {}
    if not statuses:
        raise ServiceError(_("Velg oppmøte for minst ett medlem."), "statuses")
    cleaned = []
    for member, status in statuses.items():
        member = _member_of(meeting.group, member, current=False)
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
        saved.append(save_with_history(attendance, actor, _("Oppmøte: %(status)s") % {"status": attendance.get_status_display()}))
    _mark_held(actor, meeting)
    return saved


# --- the agenda ------------------------------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    return (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1


def _freeze(actor: User, meeting: Meeting) -> list[AgendaItem]:
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
            _("Punkt på dagsorden"),
        ))
        position += 1
    if meeting.agenda_frozen_at is None:
        meeting.agenda_frozen_at = timezone.now()
        save_with_history(meeting, actor, _("Dagsorden låst"))
    return added


@transaction.atomic
def freeze_agenda(actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Store the agenda's generated points (open action items, plan steps, the plan revision) as they are now.

    Done by :func:`start_minutes` and when the meeting is held; a manager may run it again while the meeting is
    planned to take in what has come since. Returns the points added.
    """
    meeting = _written_meeting(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    return _freeze(actor, meeting)


@transaction.atomic
def propose_agenda_item(actor: User, meeting: Meeting, *, title: str, text: str = "", for_user: bool = False
                        ) -> AgendaItem:
    """A point for the agenda. The user's points come first («Brukerens ord»); a manager may write one down for
    the user with ``for_user``. Partners' and staff's points come last. The chair is told about points from others.
    """
    _require_visible(actor, meeting)
    meeting = _lock_meeting(meeting)
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
        _("Punkt foreslått"),
    )
    if not manager:
        who = member.display_name
        _tell_chair(meeting, _("Nytt punkt til møtet %(date)s") % {"date": no_date(meeting.local_date)},
                    _("%(who)s foreslår et punkt til møtet %(when)s: «%(title)s»")
                    % {"who": who, "when": notices.when_text(meeting), "title": title})
    return item


@transaction.atomic
def archive_agenda_item(actor: User, item: AgendaItem) -> AgendaItem:
    """Take a point off the agenda of a planned meeting (by whoever proposed it, or a manager)."""
    _require_visible(actor, item)
    meeting = _lock_meeting(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError(_("Dagsorden til et møte som er holdt eller avlyst, endres ikke."), "meeting")
    if item.archived_at is not None:
        raise ServiceError(_("Punktet er allerede tatt av dagsorden."), "item")
    if item.proposed_by_id != actor.pk and not may_write_minutes(actor, meeting):
        raise PermissionDenied
    item.archived_at = timezone.now()
    save_with_history(item, actor, _("Punkt tatt av dagsorden"))
    return item


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


def _tell_members_about_minutes(actor: User, minutes: Minutes, subject: str, body_for_user: str, body: str) -> None:
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
    meeting = _written_meeting(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    _freeze(actor, meeting)
    previous = (
        Minutes.objects.filter(meeting__group=meeting.group, meeting__starts_at__lt=meeting.starts_at)
        .order_by("-meeting__starts_at", "-pk")
        .first()
    )
    minutes = save_with_history(
        Minutes(meeting=meeting, situation=previous.situation if previous else "", created_by=actor),
        actor,
        _("Referatet er påbegynt"),
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
    _require_visible(actor, minutes)
    minutes = _lock_minutes(minutes)
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
    labels = ", ".join(field_label(Minutes, name) for name in changed)
    if amending:
        bump(minutes, actor, _("Endret etter at referatet var klart (%(fields)s): %(reason)s")
              % {"fields": labels, "reason": reason})
        date = no_date(meeting.local_date)
        _tell_members_about_minutes(
            actor, minutes,
            _("Referatet fra møtet %(date)s er endret") % {"date": date},
            _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er endret. Grunn: %(reason)s. Les det "
              "gjerne igjen.") % {"name": meeting.group.follow_up.service_user.first_name, "date": date,
                                  "reason": reason},
            _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er endret (%(fields)s). Grunn: %(reason)s")
            % {"name": meeting.group.follow_up.service_user.full_name, "date": date, "fields": labels,
               "reason": reason},
        )
    else:
        bump(minutes, actor, _("Referatet er endret: %(fields)s") % {"fields": labels})
    return minutes


@transaction.atomic
def mark_minutes_ready(actor: User, minutes: Minutes, *, based_on_version=None) -> Minutes:
    """The chair marks the minutes ready: the user is asked to read and approve them, the members are told.
    The meeting is marked held."""
    _require_visible(actor, minutes)
    minutes = _lock_minutes(minutes)
    meeting = minutes.meeting
    if not may_write_minutes(actor, meeting):
        raise PermissionDenied
    check_version(minutes, based_on_version, {}, {}, conflict=MinutesConflict)
    _require_started(meeting)
    if not minutes.is_draft:
        raise ServiceError(_("Referatet er allerede markert som klart."), "status")
    if not any(getattr(minutes, name) for name in Minutes.SECTION_FIELDS):
        raise ServiceError(_("Referatet er tomt. Skriv minst situasjonen nå eller det dere ble enige om."), "situation")
    minutes.status = Minutes.Status.READY
    minutes.ready_at = timezone.now()
    minutes.ready_by = actor
    minutes.ready_version = minutes.version
    save_with_history(minutes, actor, _("Referatet er klart"))
    _mark_held(actor, meeting)
    su = meeting.group.follow_up.service_user
    date = no_date(meeting.local_date)
    _tell_members_about_minutes(
        actor, minutes,
        _("Referatet fra møtet %(date)s er klart") % {"date": date},
        _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er klart. Les det, og si om du er enig, "
          "eller skriv det du er uenig i.") % {"name": su.first_name, "date": date},
        _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er klart.") % {"name": su.full_name,
                                                                                      "date": date},
    )
    return minutes


def _user_response(actor: User, minutes: Minutes, based_on_version, how: str, status: str) -> Minutes:
    """Lock, check the version and the right to answer for the user, and record who answered, how and to which
    version (the owner in the portal, or staff recording an answer given on paper or orally)."""
    _require_visible(actor, minutes)
    minutes = _lock_minutes(minutes)
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
    save_with_history(minutes, actor, _("Godkjent av brukeren (%(how)s)") % {"how": minutes.get_user_response_how_display()})
    meeting = minutes.meeting
    su = meeting.group.follow_up.service_user
    _tell_chair(meeting, _("%(name)s har godkjent referatet") % {"name": su.full_name},
                _("%(name)s har godkjent referatet fra møtet %(date)s.")
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
    save_with_history(minutes, actor, _("Brukeren er uenig i referatet"))
    meeting = minutes.meeting
    su = meeting.group.follow_up.service_user
    _tell_chair(meeting, _("%(name)s er uenig i referatet") % {"name": su.full_name},
                _("%(name)s er uenig i referatet fra møtet %(date)s: %(text)s")
                % {"name": su.full_name, "date": no_date(meeting.local_date), "text": shorten(text, 300)}, skip=actor)
    return minutes


@transaction.atomic
def restore_minutes_version(actor: User, minutes: Minutes, history_id, *, based_on_version=None, reason: str = ""
                            ) -> Minutes:
    """Bring back the sections from an earlier version; the restore is itself a new version (nothing is lost).
    After the minutes are ready it needs a reason like any other change, and the members are told."""
    _require_visible(actor, minutes)
    minutes = _lock_minutes(minutes)
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
            _("Referatet fra møtet %(date)s er endret") % {"date": date},
            _("Hei %(name)s. Referatet fra møtet i ansvarsgruppen din %(date)s er endret. Grunn: %(reason)s. Les det "
              "gjerne igjen.") % {"name": su.first_name, "date": date, "reason": reason},
            _("Referatet fra møtet i ansvarsgruppen til %(name)s %(date)s er satt tilbake til en tidligere versjon. "
              "Grunn: %(reason)s") % {"name": su.full_name, "date": date, "reason": reason},
        )
    return minutes


@transaction.atomic
def mark_minutes_read(actor: User, minutes: Minutes) -> MinutesRead:
    """Remember that ``actor`` has read the current version (call it after showing the minutes)."""
    _require_visible(actor, minutes)
    version = Minutes.objects.values_list("version", flat=True).get(pk=minutes.pk)
    read = MinutesRead.objects.filter(minutes=minutes, reader=actor).first()
    if read is not None and read.version == version:
        return read
    read = read or MinutesRead(minutes=minutes, reader=actor)
    read.version = version
    read.read_at = timezone.now()
    return save_with_history(read, actor, _("Lest"))


@transaction.atomic
def add_comment(actor: User, minutes: Minutes, text: str) -> Comment:
    """A member's comment on the minutes (the user, a partner, staff). The coordinator is told of others' comments."""
    _require_visible(actor, minutes)
    minutes = _lock_minutes(minutes)
    group = minutes.meeting.group
    member = acting_member(actor, group)
    staff = is_staff(actor, group)
    if member is None and not staff:
        raise PermissionDenied
    text = clean_text(text, "text", required=_("Skriv kommentaren."), max_length=4000)
    comment = save_with_history(
        Comment(minutes=minutes, author=actor, member=member, text=text, minutes_version=minutes.version),
        actor,
        _("Kommentar til referatet"),
    )
    if not staff:
        who = member.display_name
        _tell_chair(minutes.meeting, _("Kommentar til referatet fra %(who)s") % {"who": who},
                    _("%(who)s kommenterte referatet fra møtet %(date)s: %(text)s")
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
    save_with_history(comment, actor, _("Kommentar fjernet"))
    return comment


# --- action items ----------------------------------------------------------------------------------------------------


def _clean_action_item(group: Group, meeting: Meeting, data: dict) -> dict:
    what = clean_text(data.get("what"), "what", required=_("Skriv hva som skal gjøres."), max_length=2000)
    responsible = _member_of(group, data.get("responsible"), "responsible")
    due_on = clean_date(data.get("due_on"), "due_on")
    if due_on is None:
        raise ServiceError(_("Velg en frist."), "due_on")
    if due_on < meeting.local_date:
        raise ServiceError(_("Fristen kan ikke være før møtet."), "due_on")
    return {"what": what, "responsible": responsible, "due_on": due_on}


def _tell_responsible(actor: User, item: ActionItem, subject: str, body: str) -> None:
    notices.tell(notices.recipients(item.group, members=[item.responsible], exclude=actor),
                 lambda r: (subject, body), about=item)


@transaction.atomic
def add_action_item(actor: User, meeting: Meeting, *, what: str, responsible: GroupMember, due_on) -> ActionItem:
    """What, who (a member of the group), by when. It belongs to the meeting and stays on every next agenda until
    it is closed. The responsible is told."""
    meeting = _written_meeting(actor, meeting)
    _require_started(meeting)
    group = meeting.group
    _require_open(group)
    data = _clean_action_item(group, meeting, {"what": what, "responsible": responsible, "due_on": due_on})
    item = save_with_history(ActionItem(group=group, meeting=meeting, created_by=actor, **data), actor, _("Oppgave lagt til"))
    item.group = group
    su = group.follow_up.service_user
    _tell_responsible(
        actor, item,
        _("Ny oppgave fra ansvarsgruppen til %(name)s") % {"name": su.full_name},
        _("Du har fått en oppgave i ansvarsgruppen til %(name)s: «%(what)s». Frist: %(due)s.")
        % {"name": su.full_name, "what": shorten(item.what, 300), "due": no_date(item.due_on)},
    )
    ensure_inside_gate(actor, item)
    return item


def _lock_item(actor: User, item: ActionItem) -> ActionItem:
    _require_visible(actor, item)
    _lock_group(item.group)
    return ActionItem.objects.select_related(
        *(f"group__{r}" for r in GROUP_RELATED), "meeting", "responsible__person", "responsible__organisation"
    ).get(pk=item.pk)


def _may_lead(actor: User, item: ActionItem) -> bool:
    """The group's managers and the chair of the meeting that decided it."""
    item.meeting.group = item.group
    return may_write_minutes(actor, item.meeting)


@transaction.atomic
def update_action_item(actor: User, item: ActionItem, **changes) -> ActionItem:
    """Change what, who or the due date of an open item (the chair or the coordinator)."""
    check_fields(changes, ACTION_ITEM_FIELDS)
    item = _lock_item(actor, item)
    if not _may_lead(actor, item):
        raise PermissionDenied
    if not item.is_open:
        raise ServiceError(str(MESSAGES["item_closed"]), "status")
    current = {name: getattr(item, name) for name in ACTION_ITEM_FIELDS}
    data = _clean_action_item(item.group, item.meeting, {**current, **changes})
    changed = [name for name in ACTION_ITEM_FIELDS if current[name] != data[name]]
    if not changed:
        return item
    new_responsible = "responsible" in changed
    for name in changed:
        setattr(item, name, data[name])
    save_with_history(item, actor, _("Oppgave endret: %(fields)s") % {"fields": ", ".join(field_label(ActionItem, n) for n in changed)})
    su = item.group.follow_up.service_user
    if new_responsible:
        _tell_responsible(
            actor, item,
            _("Ny oppgave fra ansvarsgruppen til %(name)s") % {"name": su.full_name},
            _("Du har fått en oppgave i ansvarsgruppen til %(name)s: «%(what)s». Frist: %(due)s.")
            % {"name": su.full_name, "what": shorten(item.what, 300), "due": no_date(item.due_on)},
        )
    return item


@transaction.atomic
def set_action_item_status(actor: User, item: ActionItem, status: str, note: str = "") -> ActionItem:
    """Close an item as done, not done or no longer relevant (with a note), or reopen it.

    The responsible member closes their own; the chair and the coordinator close or reopen any. A partner's or the
    user's update is told to the coordinator.
    """
    item = _lock_item(actor, item)
    lead = _may_lead(actor, item)
    responsible = is_responsible(actor, item)
    if not (lead or responsible):
        raise PermissionDenied
    if status not in ActionItem.Status.values:
        raise ServiceError(_("Velg status for oppgaven."), "status")
    note = clean_text(note, "status_note", max_length=2000)
    if status == ActionItem.Status.OPEN:
        if not lead:
            raise PermissionDenied
        if item.is_open:
            raise ServiceError(_("Oppgaven er allerede åpen."), "status")
        item.closed_on = None
        item.closed_by = None
    else:
        if not item.is_open:
            raise ServiceError(str(MESSAGES["item_closed"]), "status")
        if status == ActionItem.Status.CANCELLED and not note:
            raise ServiceError(_("Skriv kort hvorfor oppgaven ikke er aktuell lenger."), "status_note")
        item.closed_on = timezone.localdate()
        item.closed_by = actor
    item.status = status
    item.status_note = note
    save_with_history(item, actor, _("Oppgave: %(status)s") % {"status": item.get_status_display()})
    if not is_staff(actor, item.group):
        who = item.responsible.display_name if responsible else actor.display_name
        body = _("%(who)s har satt oppgaven «%(what)s» til «%(status)s».") % {
            "who": who, "what": shorten(item.what, 200), "status": item.get_status_display()}
        if note:
            body += " " + _("Merknad: %(note)s") % {"note": note}
        tell_case_staff(item.group.follow_up, item, _("Oppgave oppdatert: %(who)s") % {"who": who}, body)
    return item


# --- the plan -------------------------------------------------------------------------------------------------------


@transaction.atomic
def revise_plan_at_meeting(actor: User, meeting: Meeting, *, what_changed: str, next_revision_on,
                           based_on_version=None) -> PlanRevision:
    """*«Revider planen»* from a meeting: the plan revision is recorded with the meeting, who was there and the date
    (``plans.services.revise_plan``). Staff on the case only; the meeting must have started."""
    _require_visible(actor, meeting)
    meeting = _lock_meeting(meeting)
    _require_started(meeting)
    plan = Plan.objects.filter(follow_up_id=meeting.group.follow_up_id).active().first()
    if plan is None:
        raise ServiceError(_("Brukeren har ingen plan i bruk som kan revideres."), "plan")
    present = [
        a.member for a in Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT)
        .select_related("member__person", "member__organisation")
    ]
    for member in present:
        member.group = meeting.group
    participants = ", ".join(m.display_name for m in present)
    return plan_services.revise_plan(
        actor, plan, what_changed=what_changed, next_revision_on=next_revision_on, participants=participants,
        revised_on=meeting.local_date, meeting=meeting,
        meeting_note=_("Ansvarsgruppemøte %(when)s") % {"when": no_datetime(meeting.starts_at)},
        based_on_version=based_on_version,
    )
