"""Who I am in a group, who may chair, and what waits for whom (for the pages and the worklist)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import access, continuity
from koordinator.models import Absence, Membership, User
from meetings.access import owner_member_ids, partner_member_ids
from meetings.models import (
    ActionItem,
    Group,
    GroupMember,
    Meeting,
    Minutes,
)
from meetings.selectors.lists import (
    action_items,
    get_visible_or_404,
    visible_meetings,
)

# --- for the pages: who I am in a group, who may chair, what waits for whom ------------------------------------------


def my_member_ids(user: User, group: Group) -> set[int]:
    """The members ``user`` acts as in ``group``: the owner the user member, the trust person the coordinator, a
    partner their person member and their service's member while the consent is in force. For showing «Oppdater»
    on the action items they are responsible for without a query per item. One query at most."""
    a = access.actor_for(user)
    if not a.is_authenticated:
        return set()
    q = Q(pk__in=partner_member_ids(a)) | Q(pk__in=owner_member_ids(a))
    if group.follow_up.trust_person_id == a.user_id:
        q |= Q(kind=GroupMember.Kind.COORDINATOR)
    return set(GroupMember.objects.filter(q, group=group).values_list("pk", flat=True))


@dataclass
class ChairCandidate:
    """Someone who may chair a meeting instead (staff on the case), and whether they are away that day."""

    person: User
    role: str
    absence: Absence | None = None


def chair_candidates(user: User, meeting: Meeting | int) -> list[ChairCandidate]:
    """Who the chair of a meeting can be handed to (``services.hand_over_chair`` accepts staff on the case): the
    case's deputy (own or standing) and the leaders in the case's municipality, each with their absence on the
    meeting's day. Not the trust person (the chair handed back is «the group's own»). Four queries."""
    meeting = get_visible_or_404(visible_meetings(user), meeting)
    case = meeting.group.follow_up
    people: dict[int, tuple[User, str]] = {}
    deputy = continuity.effective_deputy(case)
    if deputy is not None and deputy.is_active:
        people[deputy.pk] = (deputy, _("stedfortreder"))
    leaders = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            role=Membership.Role.LEADER, organisation__municipality_id=case.municipality_id
        ).values("user_id"),
    ).order_by("first_name", "last_name", "username")
    for leader in leaders:
        people.setdefault(leader.pk, (leader, _("leder")))
    people.pop(case.trust_person_id, None)
    away = continuity.absences_on(people, meeting.local_date)
    return [ChairCandidate(person, role, away.get(pk)) for pk, (person, role) in people.items()]


def minutes_awaiting_owner(user: User) -> list[Minutes]:
    """The owner's minutes marked ready and waiting for their answer (approve, or say what they disagree with),
    oldest meeting first. One query."""
    a = access.actor_for(user)
    if a.service_user_id is None:
        return []
    return list(
        Minutes.objects.for_user(user)
        .filter(status=Minutes.Status.READY, meeting__group__follow_up__service_user_id=a.service_user_id)
        .select_related("meeting").order_by("meeting__starts_at", "pk")
    )


@dataclass
class ChairWork:
    """What waits for a trust person in the groups of the cases they follow up (for *Min arbeidsliste*)."""

    coming: list[Meeting]  # planned, from now to the end of the sixth day after today (seven days, not a week)
    minutes_waiting: list[Meeting]  # started, not cancelled, minutes missing or not marked ready
    disputed: list[Minutes]  # the user disagrees with something
    overdue_items: list[ActionItem]


def chair_work(user: User, *, day: datetime.date | None = None, now: datetime.datetime | None = None
               ) -> ChairWork:
    """For the trust person: in the open groups of the cases they are trust person for (and meetings whose chair
    was handed to them), the planned meetings of the next seven days (today included: on a Sunday evening Monday's
    meeting is there), meetings whose minutes are not marked ready yet,
    minutes the user disagrees with, and overdue open action items. Four queries however many groups."""
    day = day or timezone.localdate()
    now = now or timezone.now()
    a = access.actor_for(user)
    if not a.is_authenticated:
        return ChairWork([], [], [], [])
    groups = Group.objects.for_user(user).open().filter(follow_up__trust_person_id=a.user_id).values("pk")
    mine = Q(group_id__in=groups) | Q(chair_person_id=a.user_id)
    # The worklist shows the user's name and the place: only the service user is joined in (every joined model's
    # columns cost time to select and build, and this runs on every view of the worklist).
    meetings = Meeting.objects.for_user(user).filter(mine).select_related("group__follow_up__service_user")
    seventh_day_ends = datetime.datetime.combine(day + datetime.timedelta(days=7), datetime.time.min,
                                                 tzinfo=timezone.get_current_timezone())
    # The coming meetings and those whose minutes wait, in one query (both in start order), parted here by the same
    # conditions (a meeting starting this very moment may be in both lists, as when they were two queries).
    is_coming = Q(status=Meeting.Status.PLANNED, starts_at__gte=now, starts_at__lt=seventh_day_ends)
    is_waiting = (~Q(status=Meeting.Status.CANCELLED) & Q(starts_at__lte=now)
                  & (Q(minutes__isnull=True) | Q(minutes__status=Minutes.Status.DRAFT)))
    coming, waiting = [], []
    for meeting in (meetings.filter(is_coming | is_waiting)
                    .annotate(minutes_state=F("minutes__status"), minutes_pk=F("minutes__pk"))
                    .order_by("starts_at", "pk")):
        if (meeting.status == Meeting.Status.PLANNED and now <= meeting.starts_at < seventh_day_ends):
            coming.append(meeting)
        if (meeting.status != Meeting.Status.CANCELLED and meeting.starts_at <= now
                and (meeting.minutes_pk is None or meeting.minutes_state == Minutes.Status.DRAFT)):
            waiting.append(meeting)
    disputed = list(
        Minutes.objects.for_user(user).filter(status=Minutes.Status.DISPUTED, meeting__group_id__in=groups)
        .select_related("meeting__group__follow_up__service_user").order_by("meeting__starts_at", "pk")
    )
    # The worklist names the user, the one responsible (``GroupMember.name_in``) and the date: only those are joined.
    overdue = list(action_items(user, overdue=True, day=day).filter(group_id__in=groups).select_related(None)
                   .select_related("group__follow_up__service_user", "group__follow_up__trust_person",
                                   "responsible__person", "responsible__organisation"))
    return ChairWork(coming, waiting, disputed, overdue)
