"""The leader's figures: meetings held, attendance per partner service, overdue action items per service."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import ngettext

from koordinator import access
from koordinator.models import Absence, Organisation, User
from meetings.access import group_ids
from meetings.models import (
    ActionItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
)
from meetings.selectors.lists import (
    MEETING_RELATED,
    action_items,
)

# --- for the leader --------------------------------------------------------------------------------------------------


@access.per_request
def _leader_groups(user: User) -> list[int]:
    """The groups in the leader's municipalities, read once as a list: the figures' queries then start from each
    group's own rows (the (group, starts_at) and (group, status) indexes) instead of from every held meeting or
    overdue item in the country (issue 11: 130 and 60 ms at a third of the national size)."""
    munis = access.actor_for(user).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    return list(Group.objects.for_user(user).filter(follow_up__municipality_id__in=munis).values_list("pk", flat=True))


@dataclass
class OrganisationAttendance:
    """How often a partner service came to the meetings it was expected at («NAV Lerkendal: 4 av 9 møter»)."""

    organisation: Organisation
    meetings: int = 0
    present: int = 0
    apologies: int = 0
    absent: int = 0
    not_recorded: int = 0

    @property
    def label(self) -> str:
        return ngettext("%(name)s: %(present)s av %(total)s møte", "%(name)s: %(present)s av %(total)s møter",
                        self.meetings) % {"name": self.organisation.name, "present": self.present,
                                          "total": self.meetings}

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.meetings) if self.meetings else 0


# Which attendance counts when a service had several members at one meeting.
_RANK = {Attendance.Status.PRESENT: 3, Attendance.Status.APOLOGIES: 2, Attendance.Status.ABSENT: 1}


def attendance_by_organisation(user: User, *, since: datetime.date | None = None,
                               until: datetime.date | None = None) -> list[OrganisationAttendance]:
    """For a leader: per partner service, across every group in their municipalities, in how many held meetings it
    was present, sent apologies, was absent without notice, or nothing was recorded. A service is expected at a
    meeting when it had a member in the group then (a person from it, or the service itself). Lowest attendance
    first. Four queries."""
    groups = _leader_groups(user)
    members = list(
        GroupMember.objects.filter(group_id__in=groups, organisation__isnull=False)
        .values_list("pk", "group_id", "organisation_id", "added_at", "removed_at")
    )
    meetings = Meeting.objects.filter(group_id__in=groups, status=Meeting.Status.HELD)
    if since:
        meetings = meetings.filter(starts_at__date__gte=since)
    if until:
        meetings = meetings.filter(starts_at__date__lte=until)
    statuses = {
        (meeting_id, member_id): status
        for meeting_id, member_id, status in Attendance.objects.filter(
            meeting_id__in=meetings.values("pk"), member__organisation__isnull=False
        ).values_list("meeting_id", "member_id", "status")
    }
    meetings = list(meetings.values_list("pk", "group_id", "starts_at"))
    by_group = defaultdict(list)
    for member in members:
        by_group[member[1]].append(member)
    counts: dict[int, OrganisationAttendance] = {}
    organisations = Organisation.objects.in_bulk({m[2] for m in members})
    for meeting_id, group_id, starts_at in meetings:
        best: dict[int, str | None] = {}
        for member_id, _group, org_id, added_at, removed_at in by_group[group_id]:
            if added_at > starts_at or (removed_at is not None and removed_at <= starts_at):
                continue
            status = statuses.get((meeting_id, member_id))
            if org_id not in best or _RANK.get(status, 0) > _RANK.get(best[org_id], 0):
                best[org_id] = status
        for org_id, status in best.items():
            row = counts.setdefault(org_id, OrganisationAttendance(organisations[org_id]))
            row.meetings += 1
            if status == Attendance.Status.PRESENT:
                row.present += 1
            elif status == Attendance.Status.APOLOGIES:
                row.apologies += 1
            elif status == Attendance.Status.ABSENT:
                row.absent += 1
            else:
                row.not_recorded += 1
    return sorted(counts.values(), key=lambda r: (r.percent, r.organisation.name))


@dataclass
class OrganisationOverdue:
    organisation: Organisation
    items: list[ActionItem]

    @property
    def count(self) -> int:
        return len(self.items)


def overdue_by_organisation(user: User, *, day: datetime.date | None = None) -> list[OrganisationOverdue]:
    """For a leader: open action items past their due date, per partner service responsible (a person from it, or
    the service itself), most first. One query."""
    groups = _leader_groups(user)
    items = (
        action_items(user, overdue=True, day=day)
        .filter(group_id__in=groups, responsible__organisation__isnull=False)
    )
    by_org: dict[int, OrganisationOverdue] = {}
    for item in items:
        org = item.responsible.organisation
        by_org.setdefault(org.pk, OrganisationOverdue(org, [])).items.append(item)
    return sorted(by_org.values(), key=lambda r: (-r.count, r.organisation.name))


@dataclass
class ChairGap:
    """A planned meeting whose chair is away that day: the leader moves it or hands the chair on."""

    meeting: Meeting
    chair: User
    absence: Absence


def meetings_needing_a_chair(user: User, *, day: datetime.date | None = None, horizon_days: int = 60
                             ) -> list[ChairGap]:
    """Planned meetings in the cases ``user`` works on (a leader: the municipality) from ``day`` up to
    ``horizon_days`` ahead, whose chair (the coordinator, or the person the chair was handed to) is away on the
    meeting's day. Two queries."""
    day = day or timezone.localdate()
    a = access.actor_for(user)
    if not a.is_authenticated:
        return []
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    groups = group_ids(a, access.CHANGE, owner=False, members=False)
    if not isinstance(groups, list):  # a leader's municipality: read the ids once, as for the figures above
        groups = [row["pk"] for row in groups]
    meetings = list(
        Meeting.objects.filter(group_id__in=groups)
        .planned()
        .filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=horizon_days + 1))
        .select_related(*MEETING_RELATED)
        .order_by("starts_at", "pk")
    )
    chairs = {m.pk: (m.chair_person if m.chair_person_id else m.group.follow_up.trust_person) for m in meetings
              if m.chair_person_id or not m.group.user_chairs}
    absences = list(
        Absence.objects.overlapping(day, day + datetime.timedelta(days=horizon_days))
        .filter(person_id__in={c.pk for c in chairs.values()})
    )
    gaps = []
    for meeting in meetings:
        chair = chairs.get(meeting.pk)
        if chair is None:
            continue
        absence = next((x for x in absences if x.person_id == chair.pk and x.covers(meeting.local_date)), None)
        if absence is not None:
            gaps.append(ChairGap(meeting, chair, absence))
    return gaps
