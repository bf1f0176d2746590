"""Every write to a responsibility group goes through a function in this package (DESIGN.md rule 2).

One module per capability: ``groups`` (the group and its members), ``meeting`` (meetings, apologies, attendance,
the agenda), ``minutes`` (the living document), ``action_items`` (and «Revider planen» from a meeting); ``common``
has the fields, the messages, who is who and the locks. Callers use the package: ``meetings.services.X``.

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

The minutes are a living document like the plan (the core toolkit's living documents, ``koordinator.toolkit``): every save of a
section adds one to ``Minutes.version``; :func:`write_minutes` must say which version it was based on, and a stale
one raises :class:`MinutesConflict` with both texts, so nothing typed is lost. After the chair has marked them
ready, changes need a reason, show as visible changes (``meetings.selectors.minutes_amendments``) and every member
is told.
"""


from koordinator.toolkit import ServiceError
from meetings.services.action_items import (
    add_action_item,
    note_action_item,
    revise_plan_at_meeting,
    set_action_item_status,
    update_action_item,
)
from meetings.services.common import (
    ACTION_ITEM_FIELDS,
    CALENDAR_FIELDS,
    MEETING_FIELDS,
    MESSAGES,
    MinutesConflict,
    acting_member,
    chair_of,
    is_chair,
    is_owner,
    is_responsible,
    is_staff,
    may_manage,
    may_write_minutes,
    member_may_see,
)
from meetings.services.groups import (
    add_member,
    change_group_status,
    consent_problem,
    create_group,
    remove_member,
    set_group_chair,
    update_member,
)
from meetings.services.meeting import (
    apology_link,
    archive_agenda_item,
    cancel_meeting,
    change_meeting,
    freeze_agenda,
    hand_over_chair,
    mark_meeting_held,
    propose_agenda_item,
    record_attendance,
    schedule_meeting,
    send_apologies,
    send_apologies_by_link,
)
from meetings.services.minutes import (
    add_comment,
    approve_minutes,
    archive_comment,
    disagree_with_minutes,
    mark_minutes_read,
    mark_minutes_ready,
    restore_minutes_version,
    start_minutes,
    write_minutes,
)

__all__ = [
    "ACTION_ITEM_FIELDS",
    "CALENDAR_FIELDS",
    "MEETING_FIELDS",
    "MESSAGES",
    "MinutesConflict",
    "ServiceError",
    "acting_member",
    "add_action_item",
    "add_comment",
    "add_member",
    "apology_link",
    "approve_minutes",
    "archive_agenda_item",
    "archive_comment",
    "cancel",
    "cancel_meeting",
    "chair_of",
    "change_group_status",
    "change_meeting",
    "consent_problem",
    "create_group",
    "disagree_with_minutes",
    "freeze",
    "freeze_agenda",
    "hand_over_chair",
    "is_chair",
    "is_owner",
    "is_responsible",
    "is_staff",
    "mark_meeting_held",
    "mark_minutes_read",
    "mark_minutes_ready",
    "may_manage",
    "may_write_minutes",
    "member_may_see",
    "note_action_item",
    "propose_agenda_item",
    "record_attendance",
    "remove_member",
    "restore_minutes_version",
    "revise_plan_at_meeting",
    "schedule_meeting",
    "send_apologies",
    "send_apologies_by_link",
    "set_action_item_status",
    "set_group_chair",
    "start_minutes",
    "update_action_item",
    "update_member",
    "write_minutes",
]
