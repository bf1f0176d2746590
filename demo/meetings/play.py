"""Playing the groups: ``_Play`` runs one group's script as events in time order through
``meetings.services`` (by the chair, the owner and the partners), and ``meetings_demo`` is the section
registered with the builder: every new group played under the clock, then the rows and messages settled.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from demo.core import DemoBuilder, register_demo_section
from demo.meetings.groups import case_key, scripts
from demo.meetings.section import MeetingsSection
from demo.meetings.shapes import (
    AMENDED,
    APPROVED,
    COORDINATOR,
    CORRECTED,
    DISPUTED,
    USER,
    GroupScript,
    ItemScript,
    MeetingScript,
    MemberScript,
)
from demo.meetings.words import DONE_POINT_NOTE, POINT_NOTES
from demo.plans import correct
from koordinator.models import Consent, User
from koordinator.timeutil import at
from meetings import services, tokens
from meetings.models import ActionItem, AgendaItem, Group, GroupMember, Meeting, Minutes

# --- playing one group ----------------------------------------------------------------------------------------


class _Play:
    """One group's events in time order: by the chair (the trust person), the owner and the partners."""

    def __init__(self, section: MeetingsSection, script: GroupScript):
        self.s = section
        self.script = script
        self.case = script.case
        self.tp = section.user(script.case.trust_person.username)
        self.owner: User | None = script.case.service_user.user
        self.rng = section.builder.plan_rng(f"meetings-play:{case_key(script.case)}")
        self.note_rng = section.builder.plan_rng(f"meetings-notes:{case_key(script.case)}")
        self.words = {"first": self.case.service_user.first_name, "tp": self.tp.first_name}
        self.group: Group | None = None
        self.members: dict[str, GroupMember] = {}
        self.meetings: dict[MeetingScript, Meeting] = {}
        self.items: dict[ItemScript, ActionItem] = {}
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []

    def at(self, ago: int, hour: int, minute: int, fn: Callable[[], None]) -> None:
        self.events.append((self.s.moment(ago, hour, minute), len(self.events), fn))

    def text(self, template: str) -> str:
        return template.format(**self.words)

    def actor(self, key: str) -> User | None:
        """Who acts as the member ``key`` (``None``: a service, or a user without a log-in)."""
        if key == USER:
            return self.owner
        if key == COORDINATOR:
            return self.tp
        if key in self.s.orgs:
            return None
        return self.s.user(key)

    # --- the script as events

    def run(self) -> None:
        sc = self.script
        self.at(sc.created, 9, 0, self.make_group)
        if sc.chair_by_user is not None:
            self.at(sc.chair_by_user, 19, 0, self.take_chair)
        for member in sc.members:
            self.at(member.added, 9, 30, lambda m=member: self.add_member(m))
        for meeting in sc.meetings:
            self.plan(meeting)
        if sc.status:
            self.at(sc.status[0], 15, 0, self.set_status)
        for moment, _, event in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.s.clock.moment = moment
            event()
        self.s.clock.moment = None

    def plan(self, ms: MeetingScript) -> None:
        self.at(ms.scheduled, 11, 0, lambda: self.schedule(ms))
        for ago, key, title in ms.proposals:
            self.at(ago, 18, 0, lambda k=key, t=title: self.propose(ms, k, t))
        for ago, key, message, via in ms.apologies:
            self.at(ago, 17, 0, lambda k=key, m=message, v=via: self.apologise(ms, k, m, v))
        if ms.moved:
            self.at(ms.moved[0], 12, 0, lambda: self.move(ms))
        if ms.cancelled:
            self.at(ms.cancelled[0], 12, 0, lambda: self.cancel(ms))
            self.plan(ms.replacement)
        if not ms.is_past:
            return
        self.at(ms.ago, ms.hour + 1, 10, lambda: self.hold(ms))
        if ms.ready is not None:
            self.at(ms.ready, 15, 30, lambda: self.mark_ready(ms))
        story = {
            APPROVED: [(ms.response[0], 19, 0, self.approve)],
            DISPUTED: [(ms.response[0], 19, 0, self.disagree)],
            AMENDED: [
                (ms.response[0], 19, 0, self.approve),
                (ms.amended and ms.amended[0], 21, 0, self.amend),
            ],
            CORRECTED: [
                (ms.response[0], 19, 0, self.disagree),
                (ms.amended and ms.amended[0], 21, 0, self.amend),
                (ms.amended and ms.amended[0], 21, 30, self.approve),
            ],
        }
        for ago, hour, minute, step in story.get(ms.minutes, []):
            self.at(ago, hour, minute, lambda s=step: s(ms))
        for item in ms.items:
            if item.closed:
                self.at(item.closed[0], 16, 0, lambda i=item: self.close(i))
        for ago, key, text in ms.comments:
            self.at(ago, 20, 0, lambda k=key, t=text: self.comment(ms, k, t))
        for ago, key in ms.reads:
            self.at(ago, 20, 30, lambda k=key: self.read(ms, k))

    # --- the group and its members

    def make_group(self) -> None:
        self.group = services.create_group(self.tp, self.case)
        for member in GroupMember.objects.filter(group=self.group):
            self.members[member.kind] = member  # USER and COORDINATOR are the kinds' values

    def take_chair(self) -> None:
        services.set_group_chair(self.owner, self.group, Group.Chair.USER)

    def add_member(self, script: MemberScript) -> None:
        if script.key in self.s.orgs:
            fields = {"organisation": self.s.orgs[script.key]}
        else:
            org = self.s.orgs.get(script.organisation)
            fields = {"person": self.s.user(script.key), "organisation": org}
        self.members[script.key] = services.add_member(self.tp, self.group, role=script.role, **fields)

    def set_status(self) -> None:
        _ago, status, reason = self.script.status
        services.change_group_status(self.tp, self.group, status, self.text(reason))

    @property
    def chair(self) -> User:
        return self.owner if self.script.chair_by_user is not None else self.tp

    # --- meetings

    def schedule(self, ms: MeetingScript) -> None:
        starts_at = self.s.moment(ms.ago, ms.hour)
        # A past meeting was scheduled weeks before it, when it was still ahead: a placeholder time, corrected at once.
        ahead = at(self.s.real_today + datetime.timedelta(days=60), ms.hour) if ms.is_past else starts_at
        meeting = services.schedule_meeting(
            self.chair,
            self.group,
            starts_at=ahead,
            place=ms.place,
            place_detail=ms.detail,
            note=self.text(ms.note),
        )
        if ms.is_past:
            correct(meeting, starts_at=starts_at)
        self.meetings[ms] = meeting

    def move(self, ms: MeetingScript) -> None:
        _ago, days, reason = ms.moved
        meeting = self.meetings[ms]
        services.change_meeting(
            self.chair,
            meeting,
            starts_at=meeting.starts_at + datetime.timedelta(days=days),
            reason=self.text(reason),
        )

    def cancel(self, ms: MeetingScript) -> None:
        services.cancel_meeting(self.chair, self.meetings[ms], self.text(ms.cancelled[1]))

    def propose(self, ms: MeetingScript, key: str, title: str) -> None:
        actor = self.actor(key)
        if key not in self.members or (actor is None and key != USER):
            return
        if actor is None:  # the trust person writes down the user's point
            services.propose_agenda_item(self.tp, self.meetings[ms], title=self.text(title), for_user=True)
        else:
            services.propose_agenda_item(actor, self.meetings[ms], title=self.text(title))

    def apologise(self, ms: MeetingScript, key: str, message: str, via: str) -> None:
        if key not in self.members:
            return
        if via == "link":
            token = tokens.apology_token(self.meetings[ms].pk, self.members[key].pk)
            services.send_apologies_by_link(token, self.text(message))
        else:
            services.send_apologies(self.actor(key), self.meetings[ms], message=self.text(message))

    def hold(self, ms: MeetingScript) -> None:
        """After the meeting: attendance, the minutes written, the action items decided."""
        meeting = self.meetings[ms]
        there = {key: value for key, value in ms.attendance.items() if key in self.members}
        services.record_attendance(
            self.tp,
            meeting,
            {self.members[key]: status for key, (status, _message) in there.items()},
            {self.members[key]: self.text(message) for key, (_status, message) in there.items() if message},
        )
        minutes = services.start_minutes(self.tp, meeting)
        notes = {}
        # Each point gets a note of its own (issue 12: one note repeated under three items read as a mistake), drawn
        # from its own random stream so the rest of the story stays as it was.
        pools: dict[str, list[str]] = {}
        for point in AgendaItem.objects.filter(meeting=meeting).live().select_related("action_item"):
            if point.action_item is not None and point.action_item.status == ActionItem.Status.DONE:
                notes[str(point.pk)] = self.text(DONE_POINT_NOTE)
                continue
            pool = pools.get(point.kind)
            if not pool:
                pool = pools[point.kind] = list(POINT_NOTES[point.kind])
                self.note_rng.shuffle(pool)
            notes[str(point.pk)] = self.text(pool.pop())
        sections = {name: self.text(value) for name, value in ms.texts.items()}
        services.write_minutes(self.tp, minutes, minutes.version, point_notes=notes, **sections)
        for item in ms.items:
            if item.who in self.members:
                self.items[item] = services.add_action_item(
                    self.tp,
                    meeting,
                    what=self.text(item.what),
                    responsible=self.members[item.who],
                    due_on=self.s.day(item.due),
                )

    def minutes(self, ms: MeetingScript) -> Minutes:
        return Minutes.objects.get(meeting=self.meetings[ms])

    def mark_ready(self, ms: MeetingScript) -> None:
        services.mark_minutes_ready(self.tp, self.minutes(ms))

    def respond_as(self) -> tuple[User, str]:
        """The owner in the portal; for a user without a log-in, the trust person records the answer."""
        if self.owner is not None:
            return self.owner, ""
        return self.tp, self.rng.choice((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL))

    def approve(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        actor, how = self.respond_as()
        services.approve_minutes(actor, minutes, based_on_version=minutes.version, how=how)
        if self.owner is not None:
            services.mark_minutes_read(self.owner, minutes)

    def disagree(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        actor, how = self.respond_as()
        services.disagree_with_minutes(
            actor, minutes, self.text(ms.response[1]), based_on_version=minutes.version, how=how
        )
        if self.owner is not None:
            services.mark_minutes_read(self.owner, minutes)

    def amend(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        _ago, reason, added = ms.amended
        services.write_minutes(
            self.tp,
            minutes,
            minutes.version,
            reason=self.text(reason),
            decisions=f"{minutes.decisions}\n\n{self.text(added)}".strip(),
        )

    def comment(self, ms: MeetingScript, key: str, text: str) -> None:
        actor = self.actor(key)
        if actor is not None and key in self.members:
            services.add_comment(actor, self.minutes(ms), self.text(text))

    def read(self, ms: MeetingScript, key: str) -> None:
        actor = self.actor(key)
        if actor is not None and key in self.members:
            services.mark_minutes_read(actor, self.minutes(ms))

    def close(self, script: ItemScript) -> None:
        item = self.items.get(script)
        if item is None:
            return
        _ago, status, note = script.closed
        actor = self.actor(script.who) or self.tp
        services.set_action_item_status(actor, item, status, self.text(note))


@register_demo_section
def meetings_demo(builder: DemoBuilder) -> None:
    section = MeetingsSection(builder)
    have = set(Group.objects.values_list("follow_up_id", flat=True))
    todo = [script for script in scripts(section) if script.case.pk not in have]
    if not todo:
        return
    with section.clock:
        for script in todo:
            _Play(section, script).run()
    section.settle()
