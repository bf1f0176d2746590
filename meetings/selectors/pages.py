"""The agenda built for a meeting, the meeting page, the group page and the minutes' history: each in a fixed number
of queries."""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from koordinator import access, continuity
from koordinator.models import Absence, FollowUp, ServiceUser, User
from koordinator.timeutil import no_date
from meetings.access import owner_member_ids, partner_member_ids
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
from meetings.selectors.lists import (
    ITEM_RELATED,
    MEETING_RELATED,
    MEMBER_RELATED,
    action_items,
    consent_in_force,
    get_visible_or_404,
    visible_groups,
    visible_meetings,
)
from plans.models import Plan, PlanRevision, Step
from plans.selectors import PlanVersion, document_timeline, document_version_values

# --- the agenda -----------------------------------------------------------------------------------------------------


@dataclass
class AgendaPoint:
    """One point on the agenda, in plain words. ``item`` is the stored row (always for proposals; for generated
    points once the agenda is locked); ``action_item``, ``step`` and ``plan`` link to what it is about, so a page
    can show its state now."""

    kind: str
    title: str
    detail: str = ""
    item: AgendaItem | None = None
    action_item: ActionItem | None = None
    step: Step | None = None
    plan: Plan | None = None
    proposed_by: str = ""
    note: str = ""  # the minutes' note for this point (filled by meeting_page)

    @property
    def kind_label(self) -> str:
        return str(AgendaItem.Kind(self.kind).label)

    @property
    def is_generated(self) -> bool:
        return self.kind in AgendaItem.GENERATED


def _action_title(item: ActionItem, case: FollowUp) -> str:
    return _("Oppgave: «%(what)s» – %(who)s, frist %(due)s") % {
        "what": item.what, "who": item.responsible.name_in(case), "due": no_date(item.due_on)}


def _step_title(step: Step) -> str:
    return _("Delmål: «%(what)s», frist %(due)s (%(status)s)") % {
        "what": step.what, "due": no_date(step.due_on), "status": step.get_status_display().lower()}


def generated_points(meeting: Meeting, *, reader: User | None = None) -> list[AgendaPoint]:
    """The points the agenda gets by itself, in order: every open action item from earlier meetings of the group,
    the plan's steps that came due since the last meeting, and the plan revision if it is due by the meeting.

    «Since the last meeting» is after the group's previous meeting that was not cancelled, up to and including the
    meeting's day; before a group's first meeting it is the plan's open steps due by then. With ``reader``, steps
    and the plan are read through the gate (a partner without the plan scope does not get them); without, it is
    the services' view (for locking the agenda). Four queries (six with a reader).
    """
    group = meeting.group
    case = group.follow_up
    day = meeting.local_date
    points: list[AgendaPoint] = []
    earlier = (
        ActionItem.objects.open()
        .filter(group_id=group.pk, meeting__starts_at__lt=meeting.starts_at)
        .select_related(*ITEM_RELATED)
        .order_by("due_on", "pk")
    )
    for item in earlier:
        points.append(AgendaPoint(
            AgendaItem.Kind.ACTION_ITEM, _action_title(item, case),
            _("Fra møtet %(date)s") % {"date": no_date(item.meeting.local_date)}, action_item=item,
        ))
    plans = Plan.objects.for_user(reader) if reader is not None else Plan.objects.all()
    plan = plans.filter(follow_up_id=case.pk).active().first()
    if plan is None:
        return points
    previous = (
        Meeting.objects.filter(group_id=group.pk, starts_at__lt=meeting.starts_at).not_cancelled()
        .order_by("-starts_at").values_list("starts_at", flat=True).first()
    )
    steps = (Step.objects.for_user(reader) if reader is not None else Step.objects.all()).live().filter(
        goal__plan=plan, due_on__lte=day
    )
    if previous is not None:
        steps = steps.filter(due_on__gt=timezone.localtime(previous).date())
    else:
        steps = steps.open()
    for step in steps.select_related("who_person", "who_organisation").order_by("due_on", "pk"):
        points.append(AgendaPoint(AgendaItem.Kind.PLAN_STEP, _step_title(step), step=step, plan=plan))
    if plan.next_revision_on is not None and plan.next_revision_on <= day:
        points.append(AgendaPoint(
            AgendaItem.Kind.PLAN_REVISION,
            _("Revidere planen (skulle revideres %(date)s)") % {"date": no_date(plan.next_revision_on)},
            plan=plan,
        ))
    return points


def _stored_points(meeting: Meeting, reader: User, case: FollowUp,
                   titles: dict[int, str] | None = None) -> list[AgendaPoint]:
    """The meeting's stored points as ``reader`` may read them; plan points only for a reader who may see the plan.
    Three queries.

    ``titles``, if given, gets the title of every stored point, archived ones too (``_titles``, for the minutes'
    amendments), from the same query."""
    stored = list(
        AgendaItem.objects.for_user(reader).filter(meeting=meeting)
        .select_related("proposed_by_member__person", "proposed_by_member__organisation",
                        "action_item__responsible__person", "action_item__responsible__organisation", "step")
    )
    if titles is not None:
        titles.update((i.pk, i.title) for i in stored)
    items = [i for i in stored if i.archived_at is None]  # .live()
    step_ids = {i.step_id for i in items if i.step_id}
    visible_steps = set(Step.objects.for_user(reader).filter(pk__in=step_ids).values_list("pk", flat=True)) \
        if step_ids else set()
    plan = None
    if any(i.kind == AgendaItem.Kind.PLAN_REVISION for i in items):
        plan = Plan.objects.for_user(reader).filter(follow_up_id=case.pk).active().first()
    points = []
    for i in items:
        if i.kind == AgendaItem.Kind.PLAN_STEP and i.step_id not in visible_steps:
            continue
        if i.kind == AgendaItem.Kind.PLAN_REVISION and plan is None:
            continue
        points.append(AgendaPoint(
            i.kind, i.title, i.text, item=i, action_item=i.action_item, step=i.step,
            plan=plan if i.kind == AgendaItem.Kind.PLAN_REVISION else None,
            proposed_by=i.proposed_by_member.name_in(case) if i.proposed_by_member_id else "",
        ))
    return points


def _ordered(points: list[AgendaPoint]) -> list[AgendaPoint]:
    order = {kind: n for n, kind in enumerate(AgendaItem.ORDER)}
    # Stable: generated points keep their computed order; stored ones their position.
    return sorted(points, key=lambda p: (order[p.kind], p.item.position if p.item else 0, p.item.pk if p.item else 0))


def _agenda(meeting: Meeting, reader: User, titles: dict[int, str] | None = None) -> list[AgendaPoint]:
    case = meeting.group.follow_up
    points = _stored_points(meeting, reader, case, titles)
    if not meeting.agenda_is_frozen and meeting.status == Meeting.Status.PLANNED:
        points = [p for p in points if not p.is_generated] + generated_points(meeting, reader=reader)
    return _ordered(points)


def agenda(user: User, meeting: Meeting | int) -> list[AgendaPoint]:
    """The meeting's agenda as ``user`` may read it, built for the group (DOMAIN.md, *ansvarsgruppe*):

    1. the user's own points («Brukerens ord»);
    2. every open action item from earlier meetings of the group;
    3. the plan's steps that came due since the last meeting;
    4. the plan revision, if it is due;
    5. the points members proposed.

    While the meeting is planned the generated points (2–4) are computed, so an item closed before the meeting
    leaves the agenda; once the agenda is locked (the minutes are started or the meeting is held) the stored points
    are shown, so a past meeting keeps the agenda it had.
    """
    return _agenda(get_visible_or_404(visible_meetings(user), meeting), user)


def minutes_agenda(user: User, minutes: Minutes) -> list[AgendaPoint]:
    """:func:`agenda` of the meeting of ``minutes`` the caller has read through the gate (``minutes_or_404``):
    whoever sees the minutes reaches their meeting (``in_meeting_policy``), so the meeting is not read again."""
    return _agenda(minutes.meeting, user)


# --- the meeting page ------------------------------------------------------------------------------------------------


@dataclass
class MemberRow:
    member: GroupMember
    name: str
    role: str
    attendance: Attendance | None
    consent_in_force: bool

    @property
    def attendance_label(self) -> str:
        return str(self.attendance.get_status_display()) if self.attendance else ""


@dataclass
class SectionChange:
    """One section of the minutes that differs between two versions, with a line diff (``difflib``)."""

    key: str
    label: str
    before: str
    after: str

    @property
    def lines(self) -> list[tuple[str, str]]:
        """``(op, line)``: ``"+"`` added, ``"-"`` removed, ``" "`` unchanged (no colour needed to tell them apart)."""
        result = []
        for line in difflib.ndiff(self.before.splitlines(), self.after.splitlines()):
            if line.startswith("? "):
                continue
            result.append((line[0], line[2:]))
        return result


@dataclass
class SinceRead:
    """What changed in the minutes since the reader last read them."""

    last_read_version: int | None
    current_version: int
    changes: list[SectionChange] = field(default_factory=list)

    @property
    def first_time(self) -> bool:
        return self.last_read_version is None

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


@dataclass
class _ReaderInGroup:
    """What a page of a group (or one of its meetings) keeps of its reader for ``my_member_ids``: the reader, their
    partner members and all the group's members, removed ones too (keyword-only, after the page's own fields)."""

    group: Group
    actor: access.Actor | None = field(default=None, repr=False, kw_only=True)
    partner_ids: object = field(default=None, repr=False, kw_only=True)
    everyone: list[GroupMember] = field(default_factory=list, repr=False, kw_only=True)

    @cached_property
    def my_member_ids(self) -> set[int]:
        """``roles.my_member_ids`` for the page's group (no query in a request)."""
        return _my_member_ids(self.actor, self.group, self.partner_ids, self.everyone)


@dataclass
class MeetingPage(_ReaderInGroup):
    """Everything the meeting page shows, for one reader, in a fixed number of queries."""

    meeting: Meeting
    case: FollowUp
    owner: ServiceUser
    chair_name: str
    chair_absence: Absence | None
    members: list[MemberRow]
    agenda: list[AgendaPoint]
    minutes: Minutes | None
    since_read: SinceRead | None
    comments: list[Comment]
    action_items: list[ActionItem]
    plan_revisions: list[PlanRevision]
    my_member: GroupMember | None
    is_staff: bool
    is_owner: bool
    can_manage: bool
    can_write_minutes: bool
    # Every stored point's title (``_titles``).
    titles: dict[int, str] = field(default_factory=dict)

    def amendments(self) -> list[Amendment]:
        """The minutes' changes after they were marked ready (``minutes_amendments``): none while a draft. One
        query (the minutes and the titles are the page's)."""
        if self.minutes is None or self.minutes.is_draft:
            return []
        return _amendments(self.minutes, self.titles)

    @property
    def my_attendance(self) -> Attendance | None:
        if self.my_member is None:
            return None
        return next((r.attendance for r in self.members if r.member.pk == self.my_member.pk), None)

    @property
    def can_send_apologies(self) -> bool:
        return self.my_member is not None and self.meeting.is_planned and not self.meeting.has_started()

    @property
    def can_propose(self) -> bool:
        return self.meeting.is_planned and (self.my_member is not None or self.can_write_minutes)

    @property
    def can_respond(self) -> bool:
        """Approve or disagree: the user (or staff recording the user's answer) once the minutes are ready."""
        return self.minutes is not None and not self.minutes.is_draft and (self.is_owner or self.is_staff)

    @property
    def can_comment(self) -> bool:
        return self.minutes is not None and (self.my_member is not None or self.is_staff)

    @property
    def version(self) -> int | None:
        return self.minutes.version if self.minutes else None


def _flatten(values: dict, titles: dict[int, str]) -> dict[str, tuple[str, str]]:
    """The sections of one version as ``key -> (label, text)``, in the document's order."""
    labels = {name: capfirst(str(Minutes._meta.get_field(name).verbose_name)) for name in Minutes.TEXT_SECTIONS}
    flat = {"situation": (labels["situation"], values.get("situation") or ""),
            "user_words": (labels["user_words"], values.get("user_words") or "")}
    for key, text in sorted((values.get("point_notes") or {}).items(), key=lambda kv: int(kv[0])):
        flat[f"point:{key}"] = (_("Punkt: %(title)s") % {"title": titles.get(int(key), "–")}, text or "")
    flat["decisions"] = (labels["decisions"], values.get("decisions") or "")
    return flat


def diff_sections(before: dict, after: dict, titles: dict[int, str]) -> list[SectionChange]:
    """The sections that differ between two versions' values (``Minutes.SECTION_FIELDS``)."""
    old, new = _flatten(before, titles), _flatten(after, titles)
    keys = list(old) + [k for k in new if k not in old]
    changes = []
    for key in keys:
        label, text_before = old.get(key, (new.get(key, ("", ""))[0], ""))
        text_after = new.get(key, (label, ""))[1]
        if text_before != text_after:
            changes.append(SectionChange(key, new.get(key, (label,))[0], text_before, text_after))
    return changes


def _values(record) -> dict:
    return {name: getattr(record, name) for name in Minutes.SECTION_FIELDS}


def _versions(minutes: Minutes, versions: list[int]) -> dict[int, dict]:
    """The sections as they were at each of ``versions`` (the last history row of each). One query."""
    found = {}
    for record in minutes.history.filter(version__in=versions).order_by("history_date", "history_id"):
        found[record.version] = _values(record)
    return found


def _titles(user: User, meeting_id: int) -> dict[int, str]:
    return dict(AgendaItem.objects.for_user(user).filter(meeting_id=meeting_id).values_list("pk", "title"))


def _since_read(user: User, minutes: Minutes, titles: dict[int, str]) -> SinceRead:
    read = MinutesRead.objects.for_user(user).filter(minutes=minutes, reader_id=getattr(user, "pk", None)).first()
    if read is None or read.version >= minutes.version:
        return SinceRead(read.version if read else None, minutes.version)
    old = _versions(minutes, [read.version]).get(read.version, {})
    return SinceRead(read.version, minutes.version, diff_sections(old, _values(minutes), titles))


def changes_since_last_read(user: User, minutes: Minutes | int) -> SinceRead:
    """What changed in the minutes since ``user`` last read them (empty the first time, and when nothing did)."""
    minutes = get_visible_or_404(Minutes.objects.for_user(user), minutes)
    return _since_read(user, minutes, _titles(user, minutes.meeting_id))


def _may(user: User, group: Group) -> tuple[bool, bool, bool]:
    """(staff, owner, manages the group)."""
    staff = access.is_case_staff(user, group.follow_up_id)
    owner = access.is_owner(user, group.follow_up.service_user_id)
    return staff, owner, staff or (owner and group.user_chairs)


def chair_name(meeting: Meeting) -> str:
    if meeting.chair_person_id:
        return meeting.chair_person.display_name
    case = meeting.group.follow_up
    return case.service_user.full_name if meeting.group.user_chairs else case.trust_person.display_name


def _chair_id(meeting: Meeting) -> int | None:
    if meeting.chair_person_id:
        return meeting.chair_person_id
    if meeting.group.user_chairs:
        return meeting.group.follow_up.service_user.user_id
    return meeting.group.follow_up.trust_person_id


def meeting_page(user: User, meeting: Meeting | int) -> MeetingPage:
    """The meeting for one reader: members with attendance and whether their consent is in force, the agenda with
    the minutes' note for each point, the minutes and what changed since the reader last read them, comments, the
    action items decided here, and the plan revision made in the meeting. 404 outside the gate.

    The meeting is read through the gate, and so is each thing in it (attendance, stored points, minutes, comments,
    the reader's reading mark): in a request the gate's id lists are read once (``access.per_request``), so asking
    it again per part costs at most the minutes' id list, not a query per part."""
    return _meeting_page(user, get_visible_or_404(visible_meetings(user), meeting))


def minutes_page(user: User, minutes: Minutes | int, *, for_pdf: bool = False) -> MeetingPage:
    """:func:`meeting_page` of the minutes' meeting, the minutes read through the gate (whoever sees them reaches
    the meeting: ``in_meeting_policy``) with the meeting joined in, so neither is read twice. ``for_pdf`` leaves
    out what the minutes' PDF does not print: what changed since the reader last read them, the comments and the
    plan revisions. 404 outside the gate."""
    minutes = get_visible_or_404(
        Minutes.objects.for_user(user).select_related(*(f"meeting__{r}" for r in MEETING_RELATED), "ready_by",
                                                      "user_response_by"),
        minutes,
    )
    return _meeting_page(user, minutes.meeting, minutes=minutes, for_pdf=for_pdf)


# The attendance's columns read with the members (annotation name -> field's attname).
_ATTENDANCE_FIELDS = {"id": "id", "status": "status", "message": "message", "via": "via",
                      "recorded_by": "recorded_by_id", "recorded_at": "recorded_at"}
_ATTENDANCE_COLUMNS = tuple(_ATTENDANCE_FIELDS)
_ATTENDANCE_ATTNAMES = [f.attname for f in Attendance._meta.concrete_fields]  # ``from_db`` takes them in this order


def _meeting_page(user: User, meeting: Meeting, *, minutes: Minutes | None = None,
                  for_pdf: bool = False) -> MeetingPage:
    """The page of a meeting the caller has read through the gate (and, if given, its minutes)."""
    group = meeting.group
    case = group.follow_up
    staff, owner, manage = _may(user, group)
    chair_id = _chair_id(meeting)
    write = manage or (chair_id is not None and chair_id == getattr(user, "pk", None))

    # Every member of the group, removed ones too (for ``my_member_ids``); the page shows the current ones and those
    # with attendance at this meeting.
    # Each with their attendance at this meeting joined in (one row at most: ``attendance_once_per_member``).
    everyone = list(
        GroupMember.objects.for_user(user).filter(group=group)
        .annotate(att=FilteredRelation("attendance", condition=Q(attendance__meeting=meeting)))
        .annotate(**{f"att_{name}": F(f"att__{name}") for name in _ATTENDANCE_COLUMNS})
        # The attendance through the gate too (a FilteredRelation takes no sub-query): a row the reader may not
        # see is left out below.
        .annotate(att_visible=Exists(Attendance.objects.for_user(user).filter(pk=OuterRef("att_id"))))
        .select_related(*MEMBER_RELATED).order_by("added_at", "pk")
    )
    attendance = {}
    for m in everyone:
        m.group = group
        if m.att_id is not None and m.att_visible:
            row = {"meeting_id": meeting.pk, "member_id": m.pk,
                   **{attname: getattr(m, f"att_{name}") for name, attname in _ATTENDANCE_FIELDS.items()}}
            attendance[m.pk] = Attendance.from_db(m._state.db, list(row), [row[f] for f in _ATTENDANCE_ATTNAMES])
    members = [m for m in everyone if m.removed_at is None or m.pk in attendance]
    consent = consent_in_force(group, members)
    rows = [MemberRow(m, m.name_in(case), m.role_display, attendance.get(m.pk), consent[m.pk]) for m in members]

    a = access.actor_for(user)
    partner_ids = partner_member_ids(a)
    if owner:
        my_member = next((m for m in members if m.kind == GroupMember.Kind.USER and m.removed_at is None), None)
    elif case.trust_person_id == a.user_id:
        my_member = next((m for m in members if m.kind == GroupMember.Kind.COORDINATOR), None)
    else:
        if isinstance(partner_ids, list):  # in a request: the list is read already
            mine = set(partner_ids)
        else:
            mine = set(GroupMember.objects.filter(group=group, pk__in=partner_ids).values_list("pk", flat=True))
        candidates = [m for m in members if m.pk in mine]
        candidates.sort(key=lambda m: m.kind != GroupMember.Kind.PERSON)
        my_member = candidates[0] if candidates else None

    titles: dict[int, str] = {}
    points = _agenda(meeting, user, titles)
    if minutes is None:
        minutes = (Minutes.objects.for_user(user).filter(meeting=meeting)
                   .select_related("ready_by", "user_response_by").first())
    since, comments = None, []
    if minutes is not None:
        shown = {p.item.pk: p.item.title for p in points if p.item}
        for p in points:
            if p.item:
                p.note = minutes.note_for(p.item.pk)
    if minutes is not None and not for_pdf:
        since = _since_read(user, minutes, shown)
        comments = list(Comment.objects.for_user(user).filter(minutes=minutes).live().select_related(
            "author", "member__person", "member__organisation").order_by("created_at", "pk"))
    items = list(ActionItem.objects.for_user(user).filter(meeting=meeting).select_related(*ITEM_RELATED)
                 .order_by("due_on", "pk"))
    revisions = [] if for_pdf else list(
        PlanRevision.objects.for_user(user)
        .filter(meeting_type=ContentType.objects.get_for_model(Meeting), meeting_id=meeting.pk)
        .select_related("created_by").order_by("-revised_on", "-pk")
    )
    chair_absence = None
    if chair_id is not None and meeting.is_planned:
        chair_absence = continuity.absences_on([chair_id], meeting.local_date).get(chair_id)
    return MeetingPage(
        meeting=meeting, group=group, case=case, owner=case.service_user, chair_name=chair_name(meeting),
        chair_absence=chair_absence, members=rows, agenda=points, minutes=minutes, since_read=since,
        comments=comments, action_items=items, plan_revisions=revisions, my_member=my_member, is_staff=staff,
        is_owner=owner, can_manage=manage, can_write_minutes=write, titles=titles, actor=a,
        partner_ids=partner_ids, everyone=everyone,
    )


def _my_member_ids(a: access.Actor | None, group: Group, partner_ids, everyone: list[GroupMember]) -> set[int]:
    """``roles.my_member_ids`` with the partner's members and all the group's members (``everyone``, removed ones
    too) at hand: in a request (``partner_ids`` a list) no query, else one."""
    if a is None or not a.is_authenticated:
        return set()
    if isinstance(partner_ids, list):
        partner = set(partner_ids)
        # ``owner_member_ids``: the user members of the owner's groups; the trust person: the coordinator.
        owner = a.service_user_id is not None and group.follow_up.service_user_id == a.service_user_id
        coordinator = group.follow_up.trust_person_id == a.user_id
        return {m.pk for m in everyone if m.pk in partner or (owner and m.kind == GroupMember.Kind.USER)
                or (coordinator and m.kind == GroupMember.Kind.COORDINATOR)}
    q = Q(pk__in=partner_ids) | Q(pk__in=owner_member_ids(a))
    if group.follow_up.trust_person_id == a.user_id:
        q |= Q(kind=GroupMember.Kind.COORDINATOR)
    return set(GroupMember.objects.filter(q, group=group).values_list("pk", flat=True))


# --- the group page --------------------------------------------------------------------------------------------------


@dataclass
class GroupPage(_ReaderInGroup):
    case: FollowUp
    members: list[MemberRow]
    upcoming: list[Meeting]
    past: list[Meeting]
    minutes_status: dict[int, str]  # meeting id -> the minutes' status label
    open_items: list[ActionItem]
    is_staff: bool
    is_owner: bool
    can_manage: bool


def group_page(user: User, group: Group | int) -> GroupPage:
    """The group: current members (and whether each one's consent is in force), meetings ahead and past with the
    minutes' status, and the open action items. A fixed number of queries; 404 outside the gate."""
    group = get_visible_or_404(visible_groups(user), group)
    case = group.follow_up
    staff, owner, manage = _may(user, group)
    # Every member, removed ones too (for ``my_member_ids``); the page lists the current ones.
    everyone = list(GroupMember.objects.for_user(user).filter(group=group).select_related(*MEMBER_RELATED)
                    .order_by("added_at", "pk"))
    members = [m for m in everyone if m.removed_at is None]
    consent = consent_in_force(group, members)
    rows = [MemberRow(m, m.name_in(case), m.role_display, None, consent[m.pk]) for m in members]
    # With each meeting its minutes' status: the group is visible, so are its meetings and their minutes
    # (``in_group_policy``, ``in_meeting_policy``).
    meetings = list(Meeting.objects.for_user(user).filter(group=group).select_related("chair_person")
                    .annotate(minutes_state=F("minutes__status")).order_by("starts_at", "pk"))
    now = timezone.now()
    upcoming = [m for m in meetings if m.is_planned and m.starts_at >= now]
    past = [m for m in reversed(meetings) if m not in upcoming]
    words = Minutes.OWNER_WORDS if owner else {}
    statuses = {
        m.pk: str(words.get(m.minutes_state) or Minutes.Status(m.minutes_state).label)
        for m in meetings if m.minutes_state is not None
    }
    items = list(action_items(user, group=group, status=ActionItem.Status.OPEN))
    a = access.actor_for(user)
    return GroupPage(group, case, rows, upcoming, past, statuses, items, staff, owner, manage, actor=a,
                     partner_ids=partner_member_ids(a), everyone=everyone)


# --- the minutes' history --------------------------------------------------------------------------------------------


def minutes_timeline(user: User, minutes: Minutes | int) -> list[PlanVersion]:
    """Every version of the minutes, newest first, with who, when and why (the plans' timeline, reused)."""
    return document_timeline(get_visible_or_404(Minutes.objects.for_user(user), minutes), Minutes.SECTION_FIELDS)


def minutes_version_values(user: User, minutes: Minutes | int, history_id: int) -> dict | None:
    """The sections as they were in one version (for showing it before a restore)."""
    return document_version_values(get_visible_or_404(Minutes.objects.for_user(user), minutes), history_id, Minutes.SECTION_FIELDS)


@dataclass
class Amendment:
    """A change after the minutes were marked ready: shown as a visible change with its reason."""

    version: int
    when: datetime.datetime
    who: str
    reason: str
    changes: list[SectionChange]


def minutes_amendments(user: User, minutes: Minutes | int) -> list[Amendment]:
    """The changes made after the minutes were marked ready, oldest first, each with a section diff. Two queries."""
    minutes = get_visible_or_404(Minutes.objects.for_user(user), minutes)
    return _amendments(minutes, _titles(user, minutes.meeting_id))


def _amendments(minutes: Minutes, titles: dict[int, str]) -> list[Amendment]:
    amendments = []
    previous = None
    for record in minutes.history.select_related("history_user").order_by("history_date", "history_id"):
        if previous is not None and record.version > previous.version and record.amendment_reason:
            amendments.append(Amendment(
                version=record.version,
                when=record.history_date,
                who=record.history_user.display_name if record.history_user else _("Systemet"),
                reason=record.amendment_reason,
                changes=diff_sections(_values(previous), _values(record), titles),
            ))
        previous = record
    return amendments
