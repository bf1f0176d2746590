"""What a group is made of, as a script: the dataclasses each group is played from (``GroupScript`` with its
members, meetings and action items), ``MEETING_MODELS`` and the fields the services stamp with the real
time (``STAMPED``), the short names for attendance and action item statuses, member keys and the
minutes' stories.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from koordinator.models import FollowUp, Organisation
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

MEETING_MODELS = (
    Group,
    GroupMember,
    Meeting,
    Attendance,
    AgendaItem,
    Minutes,
    MinutesRead,
    Comment,
    ActionItem,
)
# The fields the services set to the real time (or today) when an event happens: dated back at the end.
STAMPED = {
    Group: ("created_at", "status_changed_at"),
    GroupMember: ("added_at", "removed_at"),
    Meeting: ("created_at", "held_at", "cancelled_at", "agenda_frozen_at"),
    Attendance: ("recorded_at",),
    AgendaItem: ("created_at", "archived_at"),
    Minutes: ("created_at", "updated_at", "ready_at", "user_response_at"),
    MinutesRead: ("read_at",),
    Comment: ("created_at", "archived_at"),
    ActionItem: ("created_at", "updated_at", "closed_on"),
}

Place = Meeting.Place
Present, Apologies, Absent = Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT
Done, NotDone, Cancelled = ActionItem.Status.DONE, ActionItem.Status.NOT_DONE, ActionItem.Status.CANCELLED
Kind = Organisation.Kind

USER, COORDINATOR, DEPUTY = "user", "coordinator", "deputy"
# The minutes' story: how far they got. ``amended``: approved, then changed with a reason; ``corrected``: the user
# disagreed, the chair corrected them, and the user approved the corrected version.
DRAFT, READY, APPROVED, DISPUTED, AMENDED, CORRECTED = (
    "draft",
    "ready",
    "approved",
    "disputed",
    "amended",
    "corrected",
)


# --- what a group is made of, as a script --------------------------------------------------------------------
# Days are counted back from today: ``ago=30`` is thirty days ago, ``ago=-4`` in four days.


@dataclass(eq=False)
class MemberScript:
    key: str  # a username, or an organisation key (see MeetingsSection.orgs) for a whole service
    role: str
    added: int
    organisation: str = ""  # the service a person comes from (an organisation key)


@dataclass(eq=False)
class ItemScript:
    what: str
    who: str  # a member key: USER, COORDINATOR, or a MemberScript key
    due: int
    closed: tuple[int, str, str] | None = None  # (ago, status, note)


@dataclass(eq=False)
class MeetingScript:
    ago: int
    hour: int
    place: str
    detail: str = ""
    scheduled: int = 0  # when it was scheduled (days ago)
    note: str = ""
    # Past meetings: who came (member key → status, message); the minutes and what was decided.
    attendance: dict[str, tuple[str, str]] = field(default_factory=dict)
    minutes: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # situation, user_words, decisions
    ready: int | None = None
    response: tuple[int, str] = (0, "")  # (ago, disagreement or amendment reason) for the minutes' story
    amended: tuple[int, str, str] | None = None  # (ago, reason, text added to the decisions)
    items: list[ItemScript] = field(default_factory=list)
    # Anyone's doings: (ago, member key, text).
    proposals: list[tuple[int, str, str]] = field(default_factory=list)
    comments: list[tuple[int, str, str]] = field(default_factory=list)
    reads: list[tuple[int, str]] = field(default_factory=list)
    # Meetings ahead: apologies (ago, member key, message, "page"|"link"); moved (ago, days later, reason);
    # cancelled (ago, reason) — a new meeting is then planned the same day (``replacement``).
    apologies: list[tuple[int, str, str, str]] = field(default_factory=list)
    moved: tuple[int, int, str] | None = None
    cancelled: tuple[int, str] | None = None
    replacement: MeetingScript | None = None

    @property
    def is_past(self) -> bool:
        return self.ago > 0


@dataclass(eq=False)
class GroupScript:
    case: FollowUp
    created: int
    members: list[MemberScript] = field(default_factory=list)
    meetings: list[MeetingScript] = field(default_factory=list)
    chair_by_user: int | None = None  # the day the user took the chair themselves
    status: tuple[int, str, str] | None = None  # (ago, paused/closed, reason)
