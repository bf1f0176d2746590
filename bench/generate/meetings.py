"""Responsibility groups: members, meetings (held, cancelled and coming), attendance, agendas, the living minutes
and the action items.

About two in five open cases in active follow-up have a group (some paused), and some ended cases a closed one.
The members are the user, the coordinator and the partners the user has consented to (the *meetings* scope);
now and then one has been removed. The group meets every five to eight weeks; a held meeting has its frozen
agenda (the user's points, open action items, plan steps, proposals), attendance, minutes in every state
(drafts, ready for the user, approved, disputed, amended after approval, each version a history row), who read
which version, and one to three action items (the older ones mostly closed, some open and overdue).
"""

from __future__ import annotations

import datetime

from bench.generate import words
from bench.generate.context import DAY, Case, Ctx
from koordinator.models import FollowUp
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)

GROUP = ("id", "follow_up_id", "status", "status_reason", "status_changed_at", "chair", "created_by_id", "created_at")
MEMBER = ("id", "group_id", "kind", "person_id", "organisation_id", "role", "added_by_id", "added_at", "removed_at",
          "removed_by_id", "removed_reason")
MEETING = ("id", "group_id", "starts_at", "duration_minutes", "place", "place_detail", "note", "status",
           "status_note", "cancelled_at", "held_at", "sequence", "agenda_frozen_at", "created_by_id", "created_at")
ATTENDANCE = ("id", "meeting_id", "member_id", "status", "message", "via", "recorded_by_id", "recorded_at")
AGENDA = ("id", "meeting_id", "kind", "title", "proposed_by_member_id", "proposed_by_id", "action_item_id", "step_id",
          "position", "created_at")
MINUTES = ("id", "meeting_id", "situation", "user_words", "point_notes", "decisions", "status", "version",
           "amendment_reason", "ready_at", "ready_by_id", "ready_version", "user_response_at", "user_response_by_id",
           "user_response_how", "user_response_version", "disagreement", "created_by_id", "created_at", "updated_at")
ACTION = ("id", "group_id", "meeting_id", "what", "responsible_id", "due_on", "status", "status_note", "closed_on",
          "closed_by_id", "created_by_id", "created_at", "updated_at")
READ = ("id", "minutes_id", "reader_id", "version", "read_at")

GStatus = Group.Status
MKind = GroupMember.Kind
AStatus = ActionItem.Status
HOUR = datetime.timedelta(hours=1)


class Member:
    __slots__ = ("id", "kind", "person_id", "until", "label")

    def __init__(self, member_id: int, kind: str, person_id: int | None, until: datetime.datetime | None, label: str):
        self.id, self.kind, self.person_id, self.until, self.label = member_id, kind, person_id, until, label


def has_group(ctx: Ctx, case: Case) -> bool:
    if case.status in (FollowUp.Status.ACTIVE, FollowUp.Status.DORMANT):
        return ctx.chance(0.45)
    return case.status == FollowUp.Status.ENDED and ctx.chance(0.15)


def groups(ctx: Ctx, case: Case) -> None:
    if has_group(ctx, case):
        GroupBuilder(ctx, case).build()


class GroupBuilder:
    def __init__(self, ctx: Ctx, case: Case):
        self.ctx, self.case, self.tp = ctx, case, case.tp
        self.table = ctx.sink.table(Group, GROUP)
        self.id = self.table.new_id()
        end = case.ended_on or ctx.ago(10)
        day = min(case.started_on + ctx.between(14, 90) * DAY, end - 5 * DAY)
        self.created = ctx.past(ctx.office_time(max(day, case.started_on)))
        self.members: list[Member] = []
        self.open_items: list[tuple[int, int]] = []  # (action item id, responsible member id), still open

    def build(self) -> None:
        ctx, case = self.ctx, self.case
        status, changed = GStatus.ACTIVE, None
        if case.status == FollowUp.Status.ENDED:
            status, changed = GStatus.CLOSED, ctx.office_time(case.ended_on)
        elif case.status == FollowUp.Status.DORMANT and ctx.chance(0.6) or ctx.chance(0.05):
            status, changed = GStatus.PAUSED, ctx.office_time(max(self.created.date(), ctx.ago(ctx.between(5, 60))))
        chair = Group.Chair.USER if case.login is not None and ctx.chance(0.1) else Group.Chair.COORDINATOR
        values = (self.id, case.id, GStatus.ACTIVE, "", None, chair, self.tp.id, self.created)
        versions = [(values, self.created, self.tp.id, "Ansvarsgruppe opprettet")]
        if status != GStatus.ACTIVE:
            changed = max(ctx.past(changed), self.created)
            values = (self.id, case.id, status, words.GROUP_REASONS[status], changed, chair, self.tp.id, self.created)
            versions.append((values, changed, self.tp.id, f"Gruppen: {GStatus(status).label}"))
        self.table.record(versions)
        self.add_members()
        last = changed or ctx.now
        self.meetings(last, upcoming=status == GStatus.ACTIVE)

    def member(self, kind: str, person_id: int | None, org_id: int | None, role: str, label: str) -> None:
        ctx = self.ctx
        table = ctx.sink.table(GroupMember, MEMBER)
        member_id = table.new_id()
        values = (member_id, self.id, kind, person_id, org_id, role, self.tp.id, self.created, None, None, "")
        versions = [(values, self.created, self.tp.id, f"Nytt medlem: {label}")]
        until = None
        if kind not in GroupMember.ALWAYS and ctx.chance(0.05):
            until = ctx.past(self.created + ctx.between(30, 300) * DAY)
            values = table.version(values, removed_at=until, removed_by_id=self.tp.id,
                                   removed_reason="Er ikke lenger med i oppfølgingen.")
            versions.append((values, until, self.tp.id, f"Medlem fjernet: {label}"))
        table.record(versions)
        self.members.append(Member(member_id, kind, person_id, until, label))

    def add_members(self) -> None:
        case = self.case
        self.member(MKind.USER, None, None, "", case.name)
        self.member(MKind.COORDINATOR, None, None, "", self.tp.name)
        for grant in case.grants:
            if "meetings" not in grant.scopes:
                continue
            if grant.person is not None:
                self.member(MKind.PERSON, grant.person.id, None, "samarbeidspartner", grant.person.name)
            else:
                self.member(MKind.ORGANISATION, None, grant.org.id, words.ROLES.get(grant.org.key, ""), grant.org.name)

    def meetings(self, last: datetime.datetime, *, upcoming: bool) -> None:
        ctx = self.ctx
        days: list[datetime.date] = []
        day = self.created.date() + ctx.between(7, 30) * DAY
        while ctx.at(day, 13) < last and day < ctx.today:
            days.append(day)
            day += ctx.between(35, 56) * DAY
        days = days[-15:]
        for day in days:
            self.meeting(day, planned=False)
        if upcoming and ctx.chance(0.7):
            self.meeting(ctx.today + ctx.between(1, 40) * DAY, planned=True)

    def meeting(self, day: datetime.date, *, planned: bool) -> None:
        ctx = self.ctx
        table = ctx.sink.table(Meeting, MEETING)
        meeting_id = table.new_id()
        starts = ctx.at(day, ctx.pick((9, 10, 12, 13, 14)))
        created = ctx.past(max(self.created, ctx.office_time(day - ctx.between(10, 30) * DAY)))
        place = ctx.pick(Meeting.Place.values)
        detail = "Lenken kommer på e-post dagen før." if place == Meeting.Place.VIDEO else ""
        values = (meeting_id, self.id, starts, ctx.pick((60, 60, 90)), place, detail, "", Meeting.Status.PLANNED, "",
                  None, None, 0, None, self.tp.id, created)
        versions = [(values, created, self.tp.id, "Møtet er kalt inn")]
        status = Meeting.Status.PLANNED
        if not planned and ctx.chance(0.07):
            status = Meeting.Status.CANCELLED
            cancelled = ctx.past(max(created, starts - ctx.between(1, 5) * DAY))
            values = table.version(values, status=status, status_note="Brukeren ble syk.", cancelled_at=cancelled,
                                   sequence=1)
            versions.append((values, cancelled, self.tp.id, "Møtet er avlyst"))
        elif not planned:
            status = Meeting.Status.HELD
            held = ctx.past(starts + 2 * HOUR)
            values = table.version(values, status=status, held_at=held, agenda_frozen_at=held)
            versions.append((values, held, self.tp.id, "Møtet er holdt"))
        table.record(versions)
        self.case.meetings.append((meeting_id, starts, status))
        current = [m for m in self.members if m.until is None or m.until > starts]
        if status == Meeting.Status.HELD:
            held = values[MEETING.index("held_at")]
            self.attendance(meeting_id, current, held)
            items = self.agenda(meeting_id, current, day, held)
            self.minutes(meeting_id, items, held)
            self.action_items(meeting_id, current, day, held)
        elif status == Meeting.Status.PLANNED:
            self.apologies(meeting_id, current, created)

    def attendance(self, meeting_id: int, members: list[Member], held: datetime.datetime) -> None:
        ctx = self.ctx
        table = ctx.sink.table(Attendance, ATTENDANCE)
        for m in members:
            roll = ctx.rng.random()
            status = Attendance.Status.PRESENT if roll < 0.8 else (
                Attendance.Status.APOLOGIES if roll < 0.92 else Attendance.Status.ABSENT)
            message = words.APOLOGY if status == Attendance.Status.APOLOGIES else ""
            table.add((table.new_id(), meeting_id, m.id, status, message, Attendance.Via.RECORDED, self.tp.id, held),
                      held, self.tp.id, f"Oppmøte: {Attendance.Status(status).label}")

    def apologies(self, meeting_id: int, members: list[Member], created: datetime.datetime) -> None:
        ctx = self.ctx
        table = ctx.sink.table(Attendance, ATTENDANCE)
        for m in members:
            if m.kind == MKind.PERSON and ctx.chance(0.15):
                when = ctx.past(created + DAY)
                table.add((table.new_id(), meeting_id, m.id, Attendance.Status.APOLOGIES, words.APOLOGY,
                           Attendance.Via.LINK, m.person_id, when), when, m.person_id, "Meldt forfall")

    def agenda(self, meeting_id: int, members: list[Member], day: datetime.date, held: datetime.datetime) -> list[int]:
        """The frozen agenda: the user's point, open action items, a plan step, the revision, a proposal."""
        ctx, case = self.ctx, self.case
        table = ctx.sink.table(AgendaItem, AGENDA)
        Kind = AgendaItem.Kind
        rows = []
        if ctx.chance(0.5):
            rows.append((Kind.USER_WORDS, ctx.pick(words.USER_POINTS), members[0].id, self.tp.id, None, None))
        for item_id, _responsible in self.open_items[:3]:
            rows.append((Kind.ACTION_ITEM, "Oppgave fra forrige møte", None, None, item_id, None))
        steps = [s for s, made, closed in case.steps if made <= day and (closed is None or closed >= day)]
        if steps and ctx.chance(0.6):
            rows.append((Kind.PLAN_STEP, "Delmål i planen", None, None, None, ctx.pick(steps)))
        if case.plan_id and ctx.chance(0.1):
            rows.append((Kind.PLAN_REVISION, "Revisjon av planen", None, None, None, None))
        partners = [m for m in members if m.kind == MKind.PERSON]
        if partners and ctx.chance(0.3):
            m = ctx.pick(partners)
            rows.append((Kind.PROPOSED, ctx.pick(words.PROPOSED_POINTS), m.id, m.person_id, None, None))
        ids = []
        for position, (kind, title, by_member, by, item, step) in enumerate(rows):
            item_id = table.new_id()
            table.add((item_id, meeting_id, kind, title, by_member, by, item, step, position, held), held, self.tp.id,
                      "Dagsorden låst")
            ids.append(item_id)
        return ids

    def minutes(self, meeting_id: int, items: list[int], held: datetime.datetime) -> None:
        ctx, case = self.ctx, self.case
        if not ctx.chance(0.95):
            return
        table = ctx.sink.table(Minutes, MINUTES)
        minutes_id = table.new_id()
        tp = self.tp
        fill = {"first": case.first, "tp": tp.first}
        notes = {str(i): words.POINT_NOTE for i in items}
        created = held
        values = (minutes_id, meeting_id, ctx.pick(words.SITUATIONS).format(**fill), "", {}, "",
                  Minutes.Status.DRAFT, 1, "", None, None, None, None, None, "", None, "", tp.id, created, created)
        versions = [(values, created, tp.id, "Referat startet")]
        at = created
        for version in range(2, ctx.between(2, 4) + 1):
            at = ctx.past(at + ctx.between(1, 30) * HOUR)
            values = table.version(values, version=version, updated_at=at, point_notes=notes,
                                   user_words=ctx.pick(words.USER_WORDS), decisions=ctx.pick(words.DECISIONS).format(**fill))
            versions.append((values, at, tp.id, "Referatet er endret"))
        age = (ctx.now - held).days
        roll = ctx.rng.random()
        state = ("draft" if roll < 0.1 else "ready" if roll < 0.2 else "disputed" if roll < 0.25 else "approved") \
            if age > 30 else ("draft" if roll < 0.4 else "ready" if roll < 0.8 else "approved")
        version = values[table.index["version"]]
        read_version = version
        if state != "draft":
            at = ctx.past(at + ctx.between(1, 72) * HOUR)
            values = table.version(values, status=Minutes.Status.READY, ready_at=at, ready_by_id=tp.id,
                                   ready_version=version, updated_at=at)
            versions.append((values, at, tp.id, "Referatet er klart"))
        if state in ("approved", "disputed"):
            at = ctx.past(at + ctx.between(1, 10) * DAY)
            by = case.login.id if case.login else tp.id
            how = "portal" if case.login else ctx.pick(("paper", "oral"))
            disputed = state == "disputed"
            values = table.version(values, status=Minutes.Status.DISPUTED if disputed else Minutes.Status.APPROVED,
                                   user_response_at=at, user_response_by_id=by, user_response_how=how,
                                   user_response_version=version, disagreement=words.DISAGREEMENT if disputed else "",
                                   updated_at=at)
            reason = "Brukeren er uenig i referatet" if disputed else "Godkjent av brukeren"
            versions.append((values, at, by, reason))
            if not disputed and ctx.chance(0.1):
                at = ctx.past(at + ctx.between(1, 5) * DAY)
                version += 1
                values = table.version(values, version=version, amendment_reason="Rettet datoen for neste møte.",
                                       updated_at=at)
                versions.append((values, at, tp.id, "Referatet er endret etter at det ble godkjent"))
        table.record(versions)
        if state != "draft":
            self.reads(minutes_id, read_version, at)

    def reads(self, minutes_id: int, version: int, after: datetime.datetime) -> None:
        ctx = self.ctx
        table = ctx.sink.table(MinutesRead, READ)
        readers = [m.person_id for m in self.members if m.kind == MKind.PERSON and m.until is None]
        if self.case.login is not None:
            readers.append(self.case.login.id)
        for reader in readers:
            if ctx.chance(0.6):
                when = ctx.past(after + ctx.between(1, 96) * HOUR)
                table.add((table.new_id(), minutes_id, reader, version, when), when, reader, "Lest")

    def action_items(self, meeting_id: int, members: list[Member], day: datetime.date, held: datetime.datetime):
        ctx, case = self.ctx, self.case
        table = ctx.sink.table(ActionItem, ACTION)
        for _ in range(ctx.between(1, 3)):
            m = ctx.pick(members)
            kind = "user" if m.kind == MKind.USER else "coordinator" if m.kind == MKind.COORDINATOR else "partner"
            what = ctx.pick(words.ACTION_ITEMS[kind]).format(first=case.first)
            due = day + ctx.between(14, 42) * DAY
            item_id = table.new_id()
            values = (item_id, self.id, meeting_id, what, m.id, due, AStatus.OPEN, "", None, None, self.tp.id, held,
                      held)
            versions = [(values, held, self.tp.id, "Oppgave opprettet")]
            roll = ctx.rng.random()
            if due < ctx.today:
                status = AStatus.DONE if roll < 0.65 else AStatus.NOT_DONE if roll < 0.75 else (
                    AStatus.CANCELLED if roll < 0.8 else AStatus.OPEN)
            else:
                status = AStatus.DONE if roll < 0.1 else AStatus.OPEN
            if status != AStatus.OPEN:
                closed = min(max(due + ctx.between(-10, 10) * DAY, day + DAY), ctx.ago(1))
                when = ctx.past(max(ctx.office_time(closed), held))
                values = table.version(values, status=status, status_note=words.ACTION_CLOSE_NOTES[status],
                                       closed_on=closed, closed_by_id=self.tp.id, updated_at=when)
                versions.append((values, when, self.tp.id, f"Oppgave: {AStatus(status).label}"))
            else:
                self.open_items.append((item_id, m.id))
                if due < ctx.today:
                    case.overdue_items.append(item_id)
            table.record(versions)
