"""Reads for the meetings pages, lists, the PDF and the API, one module per use: ``lists`` (lists and the members'
consent), ``pages`` (the agenda, the meeting page, the group page, the minutes' history), ``leader`` (the leader's
figures) and ``roles`` (who I am in a group, who may chair, what waits for whom). Callers use the package.

Every function starts from a gated queryset (``Model.objects.for_user``), so nothing here hands a caller more than
the access gate allows; a single object outside the gate is a ``Http404``. The page selectors run a fixed number of
queries however many members, agenda points, action items or comments there are (asserted in
``tests/meetings/test_query_budgets.py``).

Selectors never write. A page that shows the minutes calls ``meetings.services.mark_minutes_read`` after
:func:`meeting_page` (which reports what changed since the reader last read them).
"""

from meetings.selectors.leader import (
    ChairGap,
    OrganisationAttendance,
    OrganisationOverdue,
    attendance_by_organisation,
    meetings_needing_a_chair,
    overdue_by_organisation,
)
from meetings.selectors.lists import (
    CASE_RELATED,
    GROUP_RELATED,
    ITEM_RELATED,
    MEETING_RELATED,
    MEMBER_RELATED,
    GroupSummary,
    action_items,
    consent_in_force,
    current_group,
    groups_for_case,
    my_action_items,
    my_groups,
    next_meeting_for_owner,
    visible_groups,
    visible_meetings,
)
from meetings.selectors.pages import (
    AgendaPoint,
    Amendment,
    GroupPage,
    MeetingPage,
    MemberRow,
    SectionChange,
    SinceRead,
    agenda,
    chair_name,
    changes_since_last_read,
    diff_sections,
    generated_points,
    group_page,
    meeting_page,
    minutes_agenda,
    minutes_amendments,
    minutes_page,
    minutes_timeline,
    minutes_version_values,
)
from meetings.selectors.roles import (
    ChairCandidate,
    ChairWork,
    chair_candidates,
    chair_work,
    minutes_awaiting_owner,
    my_member_ids,
)

__all__ = [
    "AgendaPoint",
    "Amendment",
    "CASE_RELATED",
    "ChairCandidate",
    "ChairGap",
    "ChairWork",
    "GROUP_RELATED",
    "GroupPage",
    "GroupSummary",
    "ITEM_RELATED",
    "MEETING_RELATED",
    "MEMBER_RELATED",
    "MeetingPage",
    "MemberRow",
    "OrganisationAttendance",
    "OrganisationOverdue",
    "SectionChange",
    "SinceRead",
    "action_items",
    "agenda",
    "attendance_by_organisation",
    "chair_candidates",
    "chair_name",
    "chair_work",
    "changes_since_last_read",
    "consent_in_force",
    "current_group",
    "diff_sections",
    "generated_points",
    "group_page",
    "groups_for_case",
    "meeting_page",
    "meetings_needing_a_chair",
    "minutes_agenda",
    "minutes_amendments",
    "minutes_page",
    "minutes_awaiting_owner",
    "minutes_timeline",
    "minutes_version_values",
    "my_action_items",
    "my_groups",
    "my_member_ids",
    "next_meeting_for_owner",
    "overdue_by_organisation",
    "visible_groups",
    "visible_meetings",
]
