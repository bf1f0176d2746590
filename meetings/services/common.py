"""What the meetings' services share: the fields, the messages, the minutes' conflict, who is who (roles), and
the locks and small checks every write starts with."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Consent, Notification, User
from koordinator.toolkit import (
    ServiceError,
    VersionConflict,
    check_within_calendar,
)
from meetings import notices
from meetings.access import partner_member_ids
from meetings.models import (
    ActionItem,
    Group,
    GroupMember,
    Meeting,
    Minutes,
)

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


def require_visible(actor: User, obj) -> None:
    if not type(obj).objects.for_user(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied


def _checked(actor: User, obj, lock, allowed):
    """``obj`` locked, after checking ``actor`` may see it and ``allowed(actor, locked)`` — decided on the stored
    row, not on what the caller holds."""
    require_visible(actor, obj)
    obj = lock(obj)
    if not allowed(actor, obj):
        raise PermissionDenied
    return obj


def managed_group(actor: User, group: Group) -> Group:
    return _checked(actor, group, lock_group, may_manage)


def managed_meeting(actor: User, meeting: Meeting) -> Meeting:
    return _checked(actor, meeting, lock_meeting, lambda a, m: may_manage(a, m.group))


def written_meeting(actor: User, meeting: Meeting) -> Meeting:
    """A manager or the meeting's chair (who writes the minutes, records attendance and action items)."""
    return _checked(actor, meeting, lock_meeting, may_write_minutes)


# --- locks and small checks -----------------------------------------------------------------------------------------

GROUP_RELATED = ("follow_up__service_user", "follow_up__trust_person", "follow_up__unit")


def lock_group(group: Group) -> Group:
    return Group.objects.select_for_update(of=("self",)).select_related(*GROUP_RELATED).get(pk=group.pk)


def lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(*(f"group__{r}" for r in GROUP_RELATED), "chair_person")
        .get(pk=meeting.pk)
    )


def lock_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related(*(f"meeting__group__{r}" for r in GROUP_RELATED), "meeting__chair_person")
        .get(pk=minutes.pk)
    )


def require_open(group: Group, *, active: bool = False) -> None:
    if group.status == Group.Status.CLOSED:
        raise ServiceError(str(MESSAGES["closed"]), "status")
    if active and group.status == Group.Status.PAUSED:
        raise ServiceError(str(MESSAGES["paused"]), "status")


def require_planned_ahead(meeting: Meeting) -> None:
    """A meeting that can still be changed, cancelled or sent apologies for: planned and not started."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    if meeting.status != Meeting.Status.PLANNED:
        raise ServiceError(str(MESSAGES["not_planned"]), "status")
    if meeting.has_started():
        raise ServiceError(str(MESSAGES["started"]), "starts_at")


def require_started(meeting: Meeting) -> None:
    """Attendance, minutes sign-off and action items belong to a meeting that has started (and was not cancelled)."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ServiceError(str(MESSAGES["cancelled"]), "status")
    if not meeting.has_started():
        raise ServiceError(str(MESSAGES["not_started"]), "starts_at")


def member_of(group: Group, member, field: str = "member", *, current: bool = True) -> GroupMember:
    if not isinstance(member, GroupMember) or member.group_id != group.pk:
        raise ServiceError(str(MESSAGES["not_member"]), field)
    member = GroupMember.objects.select_related("person", "organisation").get(pk=member.pk)
    if current and member.removed_at is not None:
        raise ServiceError(str(MESSAGES["removed_member"]), field)
    member.group = group
    return member


def as_datetime(value, field: str) -> datetime.datetime:
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
    check_within_calendar(**{field: moment})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def cancel_pending_reminders(meeting: Meeting) -> None:
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
