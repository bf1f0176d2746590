"""Lists of groups, meetings, action items and attendance through the gate, and the consent each member needs."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from koordinator import access
from koordinator.models import FollowUp, Membership, User
from meetings import notices
from meetings.access import owner_member_ids, partner_member_ids
from meetings.models import (
    ActionItem,
    Group,
    GroupMember,
    Meeting,
)

CASE_RELATED = ("follow_up__service_user", "follow_up__trust_person", "follow_up__deputy", "follow_up__unit")


GROUP_RELATED = CASE_RELATED


MEETING_RELATED = tuple(f"group__{r}" for r in CASE_RELATED) + ("chair_person",)


MEMBER_RELATED = ("person", "organisation")


ITEM_RELATED = ("responsible__person", "responsible__organisation", "meeting")


def get_visible_or_404(qs: QuerySet, obj: Model | int) -> Model:
    pk = obj.pk if isinstance(obj, Model) else obj
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- lists ----------------------------------------------------------------------------------------------------------


def visible_groups(user: User, action: str = access.VIEW) -> QuerySet:
    """The groups ``user`` may see (or change), with the case and its people joined in."""
    return Group.objects.for_user(user, action).select_related(*GROUP_RELATED)


def groups_for_case(user: User, follow_up: FollowUp) -> list[Group]:
    """The case's groups, the open one first, then closed ones (newest first)."""
    groups = list(visible_groups(user).filter(follow_up=follow_up).order_by("-created_at", "-pk"))
    return sorted(groups, key=lambda g: g.status == Group.Status.CLOSED)


def current_group(user: User, follow_up: FollowUp) -> Group | None:
    """The case's group that is not closed, if ``user`` may see it."""
    return visible_groups(user).filter(follow_up=follow_up).open().first()


def visible_meetings(user: User, action: str = access.VIEW) -> QuerySet:
    return Meeting.objects.for_user(user, action).select_related(*MEETING_RELATED)


def next_meeting_for_owner(user: User) -> Meeting | None:
    """The logged-in user's next planned meeting in their own group (for *Min plan*)."""
    a = access.actor_for(user)
    if a.service_user_id is None:
        return None
    return (
        visible_meetings(user).upcoming().filter(group__follow_up__service_user_id=a.service_user_id)
        .order_by("starts_at", "pk").first()
    )


def action_items(user: User, *, group: Group | None = None, status: str | None = None, overdue: bool = False,
                 day: datetime.date | None = None) -> QuerySet:
    """Action items ``user`` may see, with who, the meeting and the user joined in (the list endpoint's query).

    ``overdue`` keeps open items whose due date has passed.
    """
    qs = ActionItem.objects.for_user(user).select_related(
        *ITEM_RELATED, *(f"group__{r}" for r in CASE_RELATED)
    )
    if group is not None:
        qs = qs.filter(group=group)
    if status is not None:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue(day)
    return qs.order_by("due_on", "pk")


def my_action_items(user: User, *, include_closed: bool = False) -> QuerySet:
    """*«Mine oppgaver»*: the items ``user`` is responsible for across all their groups — as a partner (personally
    or for their service, while the consent is in force), as the user, or as the coordinator. Open ones first by
    due date. Without ``include_closed``, only open items in groups that are not closed."""
    a = access.actor_for(user)
    mine = Q(responsible_id__in=partner_member_ids(a)) | Q(responsible_id__in=owner_member_ids(a))
    mine |= Q(responsible__kind=GroupMember.Kind.COORDINATOR, group__follow_up__trust_person_id=a.user_id)
    qs = action_items(user).filter(mine)
    if not include_closed:
        qs = qs.open().exclude(group__status=Group.Status.CLOSED)
    return qs.order_by("status", "due_on", "pk")


@dataclass
class GroupSummary:
    """One line of *«Mine ansvarsgrupper»*."""

    group: Group
    next_meeting: Meeting | None
    open_items: int
    overdue_items: int
    # Who reads it: "owner" (the user), "staff" (the coordinator) or "partner"; says how the place is shown.
    reader: str = "partner"


def my_groups(user: User, *, day: datetime.date | None = None) -> list[GroupSummary]:
    """The open groups ``user`` takes part in as a member (a partner while consent is in force, the user, the
    coordinator), with the next meeting and how many of their own items are open and overdue. Three queries."""
    day = day or timezone.localdate()
    a = access.actor_for(user)
    member_of = GroupMember.objects.current().filter(
        Q(pk__in=partner_member_ids(a)) | Q(pk__in=owner_member_ids(a))
        | Q(kind=GroupMember.Kind.COORDINATOR, group__follow_up__trust_person_id=a.user_id)
    )
    # The list shows the user's name, and says whether the reader is the owner or the trust person (ids): only the
    # service user is joined in, and each meeting gets its group from here.
    groups = list(Group.objects.for_user(user).open().filter(pk__in=member_of.values("group_id"))
                  .select_related("follow_up__service_user").order_by("pk"))
    by_pk = {g.pk: g for g in groups}
    upcoming = Meeting.objects.for_user(user).upcoming().filter(group__in=groups).order_by("starts_at", "pk")
    next_of: dict[int, Meeting] = {}
    for meeting in upcoming:
        meeting.group = by_pk[meeting.group_id]
        next_of.setdefault(meeting.group_id, meeting)
    open_items, overdue = defaultdict(int), defaultdict(int)
    for group_id, due_on in my_action_items(user).filter(group__in=groups).values_list("group_id", "due_on"):
        open_items[group_id] += 1
        overdue[group_id] += due_on < day

    def reader(group: Group) -> str:
        if a.service_user_id is not None and a.service_user_id == group.follow_up.service_user_id:
            return "owner"
        return "staff" if group.follow_up.trust_person_id == a.user_id else "partner"

    summaries = [GroupSummary(g, next_of.get(g.pk), open_items[g.pk], overdue[g.pk], reader(g)) for g in groups]
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(summaries, key=lambda s: (s.next_meeting.starts_at if s.next_meeting else far, s.group.pk))


# --- consent of members ---------------------------------------------------------------------------------------------


def consent_in_force(group: Group, members: list[GroupMember], day: datetime.date | None = None) -> dict[int, bool]:
    """For each member: may they see the group now (the user and coordinator always; staff always)? Three queries
    at most, however many members."""
    people, services = notices.consent_reach(group.follow_up.service_user_id, day)
    staff = notices.staff_ids(group)
    person_ids = [m.person_id for m in members if m.kind == GroupMember.Kind.PERSON]
    through_service = set()
    if services and person_ids:
        through_service = set(
            Membership.objects.filter(role=Membership.Role.PARTNER, organisation_id__in=services,
                                      user_id__in=person_ids).values_list("user_id", flat=True)
        )
    result = {}
    for m in members:
        if m.kind in GroupMember.ALWAYS:
            result[m.pk] = True
        elif m.kind == GroupMember.Kind.PERSON:
            result[m.pk] = m.person_id in staff or m.person_id in people or m.person_id in through_service
        else:
            result[m.pk] = m.organisation_id in services
    return result
