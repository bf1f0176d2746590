"""Demo data for responsibility groups (issue 6): about half of the open demo cases have a group.

Registered with ``koordinator.demo.register_demo_section`` (imported from ``MeetingsConfig.ready``), so it runs
at the end of ``DemoBuilder.build`` after the plans, in the same transaction: ``manage.py seed_demo``,
``make run`` and the browser tests.

What it makes
-------------
* ``bruker1`` (Kari Nordmann): a group chaired by ``tillit1`` with ``nav1`` (Per Olsen, NAV Lerkendal) as a
  member: her consent to NAV Lerkendal has the meetings scope. ``lege1`` is not a member: her consent to him
  covers the crisis plan only, so the add-member form explains what is missing. Four meetings over three months:
  minutes she approved in the portal; minutes changed after she approved them (with a reason: she sees what
  changed since she read them); minutes she disagreed with, that were corrected and then approved; and last
  week's minutes, marked ready and waiting for her answer. ``nav1`` has an action item more than a week overdue
  and sent apologies to the last meeting. The next meeting is at her home within the week, with a point she
  proposed herself.
* ``bruker3`` (intake) chairs her own new group: she scheduled the first meeting herself. ``bruker4`` (on a
  break) has a group on pause since he asked for one. ``bruker2`` has no group on purpose: ``tillit2`` can make
  one (his consent to ``dps1`` lacks the meetings scope, so adding her explains why not).
* Other open cases in Trondheim and Malvik, chosen with ``plan_rng("meetings")``, until about half of the open
  cases have a group: two or three past meetings with attendance recorded, minutes in every state (draft, ready,
  approved, disputed, changed after approval), action items open, overdue, done, not done and no longer
  relevant, and most with a meeting ahead (one moved, one cancelled and planned again, one with apologies sent
  from the page, one with the link from the invitation). A partner joins a group only where the owner's
  meetings-scope consent to them is in force (``nav1``, ``dps1``, ``lege1`` for their services; Boligkontoret,
  which has no log-in, as a service), and never before the consent began. Boligkontoret is the partner that
  often does not turn up: its two groups meet every two or three weeks, it came to its first meeting in each
  and not since, and its action items are overdue (the leader's *«Boligkontoret: 2 av 7 møter»*). A meeting
  ``tillit3`` (sick today) chairs tomorrow and one in ``tillit2``'s holiday are flagged for the leader.

How
---
Every write goes through ``meetings.services``, by the one who would do it: the chair (the trust person)
schedules, records attendance, writes the minutes and the action items; the owners with a log-in propose points,
approve or disagree and close their own items; partners close their items, comment and send apologies. Staff
record the answer of a user without a log-in as given on paper or orally. Each group is played as a timeline of
events in time order, months back, with the plans' :class:`plans.demo.Clock` dating the history rows (and the
notifications) each event writes. What the services can only do as of today is moved back in two places, and
nowhere else:

1. *A past meeting's time*. ``schedule_meeting`` refuses a time that has passed, so a past meeting is scheduled
   (weeks before it) at a placeholder time ahead, and its ``starts_at`` is corrected on the row and its history
   row at once (:func:`plans.demo.correct`). Its invitations, dated weeks back, are removed with the other old
   messages. Apologies to a past meeting are recorded by the chair with the attendance (*«ringte og meldte
   forfall»*); apologies from the page or the link are sent to meetings that are still ahead.
2. *When*, in the rows. The services stamp ``held_at``, ``ready_at``, ``user_response_at``, ``created_at``,
   ``closed_on`` and the like with the real time. As each history row is written, the clock (:class:`_Clock`)
   sets such a value, written in this run, to the moment of the event that first wrote it; at the end of the
   section the rows get the values of their latest history rows. No service decides anything by these stamps.

Messages are settled as in the plans (:func:`plans.demo.settle_messages`): this week's in-app ones stay under the
bell, dated to their event; older ones and every SMS, e-mail and letter were delivered back then and are removed.

Running it again adds nothing: a case that has a group (open or closed) is left as it is, and which cases get a
group and what happens in it is drawn from ``plan_rng`` the same way on every run; dates are relative to
``builder.today``. Seeding time grows with every service call (each passes the gate), so the volume is kept to
what the story needs (``MAX_PAST_MEETINGS``, ``SHARE_WITH_GROUP``).

One module per part: ``shapes`` (what a group is made of, as a script), ``words``, ``section`` (with the
clock), ``groups`` (which groups are made, and what happens in them) and ``play`` (playing a group, and the
section registered with the builder).
"""

from __future__ import annotations

from demo.meetings.groups import (
    MAX_PAST_MEETINGS,
    NO_SHOW,
    OWNER_SCRIPTS,
    SHARE_WITH_GROUP,
    scripts,
)
from demo.meetings.play import (
    meetings_demo,
)
from demo.meetings.section import (
    MeetingsSection,
)
from demo.meetings.shapes import (
    AMENDED,
    APPROVED,
    COORDINATOR,
    CORRECTED,
    DEPUTY,
    DISPUTED,
    DRAFT,
    MEETING_MODELS,
    READY,
    STAMPED,
    USER,
    Absent,
    Apologies,
    Cancelled,
    Done,
    GroupScript,
    ItemScript,
    Kind,
    MeetingScript,
    MemberScript,
    NotDone,
    Place,
    Present,
)
from demo.meetings.words import (
    AMENDMENTS,
    APOLOGIES,
    CLOSE_NOTES,
    DECISIONS,
    DISAGREEMENTS,
    ITEMS,
    PARTNER_POINTS,
    PLACES,
    POINT_NOTES,
    ROLES,
    SITUATIONS,
    USER_POINTS,
    USER_WORDS,
)

__all__ = [
    "AMENDED",
    "AMENDMENTS",
    "APOLOGIES",
    "APPROVED",
    "Absent",
    "Apologies",
    "CLOSE_NOTES",
    "COORDINATOR",
    "CORRECTED",
    "Cancelled",
    "DECISIONS",
    "DEPUTY",
    "DISAGREEMENTS",
    "DISPUTED",
    "DRAFT",
    "Done",
    "GroupScript",
    "ITEMS",
    "ItemScript",
    "Kind",
    "MAX_PAST_MEETINGS",
    "MEETING_MODELS",
    "MeetingScript",
    "MeetingsSection",
    "MemberScript",
    "NO_SHOW",
    "NotDone",
    "OWNER_SCRIPTS",
    "PARTNER_POINTS",
    "PLACES",
    "POINT_NOTES",
    "Place",
    "Present",
    "READY",
    "ROLES",
    "SHARE_WITH_GROUP",
    "SITUATIONS",
    "STAMPED",
    "USER",
    "USER_POINTS",
    "USER_WORDS",
    "meetings_demo",
    "scripts",
]
