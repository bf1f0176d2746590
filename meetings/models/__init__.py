"""Models of the meetings app. Import from here: ``from meetings.models import Group, Meeting, Minutes``.

The responsibility group (*ansvarsgruppe*) of one follow-up case: its members, its meetings with attendance and
agenda, the living minutes (*referat*) and the action items the meetings decide. See DOMAIN.md (*ansvarsgruppe*,
*referat*) for why each part is here.
"""

from meetings.models.actions import ActionItem
from meetings.models.group import Group, GroupMember
from meetings.models.meeting import USER_PLACES, AgendaItem, Attendance, Meeting
from meetings.models.minutes import Comment, Minutes, MinutesRead

__all__ = [
    "USER_PLACES",
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Comment",
    "Group",
    "GroupMember",
    "Meeting",
    "Minutes",
    "MinutesRead",
]
