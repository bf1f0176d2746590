"""Reads for plan pages, lists, the PDF and the API.

Every function starts from a gated queryset (``Model.objects.for_user``), so nothing here hands a caller more
than the access gate allows, and each runs a fixed number of queries however many goals, steps, measures or
notes a plan has (the plan page, the PDF and the list endpoint have query budgets asserted in tests).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from koordinator import access, continuity
from koordinator.models import Consent, FollowUp, ServiceUser, User
from plans import access as plans_access
from plans.models import Comment, Goal, Measure, Plan, PlanRevision, ProgressNote, Step

PLAN_RELATED = (
    "follow_up__service_user",
    "follow_up__trust_person",
    "follow_up__deputy",
    "follow_up__unit",
    "consent_recorded_by",
)
STEP_RELATED = ("who_organisation", "who_person", "closed_by")
MEASURE_RELATED = ("responsible_organisation", "responsible_person")


# --- lists -------------------------------------------------------------------------------------------------------


def visible_plans(user: User, action: str = access.VIEW) -> QuerySet:
    """The plans ``user`` may see (or change), with the case and the people they name joined in."""
    return Plan.objects.for_user(user, action).select_related(*PLAN_RELATED)


def plans_for_case(user: User, follow_up: FollowUp) -> list[Plan]:
    """The case's plans, the open one first, then earlier ones (newest first)."""
    plans = list(visible_plans(user).filter(follow_up=follow_up).order_by("-created_at", "-pk"))
    return sorted(plans, key=lambda p: p.status == Plan.Status.ENDED)


def current_plan(user: User, follow_up: FollowUp) -> Plan | None:
    """The case's open plan (draft, active or declined), if ``user`` may see it."""
    return visible_plans(user).filter(follow_up=follow_up).open().first()


def plan_for_owner(user: User) -> Plan | None:
    """The logged-in user's own open plan (for *Min plan*)."""
    a = access.actor_for(user)
    if a.service_user_id is None:
        return None
    return (
        visible_plans(user)
        .filter(follow_up__service_user_id=a.service_user_id)
        .open()
        .order_by("-created_at", "-pk")
        .first()
    )


def participants(plan: Plan, day: datetime.date | None = None) -> list[Consent]:
    """Who takes part: the owner's consents with the plan scope that are in force (person or service)."""
    return list(
        Consent.objects.valid_on(day)
        .filter(owner_id=plan.follow_up.service_user_id, scope_plan=True)
        .select_related("grantee_user", "grantee_organisation")
        .order_by("valid_from", "pk")
    )


# --- the plan page -----------------------------------------------------------------------------------------------


@dataclass
class StepView:
    step: Step
    responsible: str
    is_overdue: bool
    notes: list[ProgressNote] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class GoalView:
    goal: Goal
    steps: list[StepView] = field(default_factory=list)
    closed_steps: list[StepView] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass
class MeasureView:
    measure: Measure
    is_flagged: bool
    notes: list[ProgressNote] = field(default_factory=list)


@dataclass
class PlanPage:
    """Everything the plan page shows, in the order of the regulation (DOMAIN.md, *individuell plan*):

    1. goals, resources and needs (``own_words``, ``goals``, ``plan.resources``, ``plan.needs``);
    2. who takes part (``participants``); 3. who coordinates (``coordinator``, ``deputy``);
    4. what each party contributes (``plan.contributions``); 5. the measures (``measures``);
    6. how they are carried out (``plan.how_carried_out``); 7. the period and revision (``plan.period_*``,
    ``plan.next_revision_on``, ``revisions``); 8. the consents (``plan.consent_*``, ``participants``);
    9. necessary cooperation with other services (``plan.cooperation``).
    """

    plan: Plan
    case: FollowUp
    owner: ServiceUser
    coordinator: User
    deputy: User | None
    goals: list[GoalView]
    participants: list[Consent]
    measures: list[MeasureView]
    revisions: list[PlanRevision]
    suggestions: list[Step]
    can_change: bool
    is_staff: bool
    is_owner: bool
    overdue_count: int
    flagged_count: int
    revision_overdue: bool
    # Who to contact today (``continuity.contact_now``, as Min side and the crisis plan say): the coordinator, or while
    # they are away the deputy or the duty phone. ``None`` for an ended case.
    contact: continuity.Contact | None = None

    @property
    def version(self) -> int:
        return self.plan.version

    @property
    def etag(self) -> str:
        return self.plan.etag

    @property
    def latest_revision(self) -> PlanRevision | None:
        return self.revisions[0] if self.revisions else None

    def sections(self) -> list[tuple[int, str]]:
        """The nine points as numbered headings, in plain words (the page and the PDF use the same)."""
        return list(enumerate(section_titles(), start=1))


def section_titles() -> list[str]:
    """The plan's nine parts as headings (a function, so they are translated when they are read)."""
    return [
        _("Mine mål, styrker og behov"),
        _("Hvem er med"),
        _("Hvem koordinerer"),
        _("Hva hver enkelt bidrar med"),
        _("Tiltak: tjenestene jeg får"),
        _("Hvordan tiltakene gjennomføres"),
        _("Planperiode og revisjon"),
        _("Samtykke"),
        _("Samarbeid med andre tjenester"),
    ]


def responsible_label(step: Step, case: FollowUp, *, for_owner: bool = False) -> str:
    """Who does the step, in plain words (the owner reads «Meg» for their own steps)."""
    if step.who_kind == Step.Who.USER:
        return _("Meg") if for_owner else case.service_user.first_name or case.service_user.full_name
    if step.who_kind == Step.Who.TRUST_PERSON:
        return case.trust_person.display_name
    if step.who_kind == Step.Who.PERSON and step.who_person_id:
        name = step.who_person.display_name
        if step.who_organisation_id:
            return f"{name} ({step.who_organisation.name})"
        return name
    return step.who_organisation.name if step.who_organisation_id else ""


def _get_visible_plan(user: User, plan: Plan | int) -> Plan:
    pk = plan.pk if isinstance(plan, Model) else plan
    found = visible_plans(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def plan_page(user: User, plan: Plan | int, *, day: datetime.date | None = None) -> PlanPage:
    """The whole plan for one reader, in a fixed number of queries (404 outside the gate).

    Partners get the plan without the user's open suggestions (the gate leaves them out); the owner sees
    their own suggestions waiting for an answer.
    """
    day = day or timezone.localdate()
    plan = _get_visible_plan(user, plan)
    case = plan.follow_up
    # The gate's answer for CHANGE asked of the plan's case (no query in a request: the case lists are read).
    can_change = plans_access.reaches_case(user, case.pk, access.CHANGE)
    is_staff = can_change and access.is_case_staff(user, case.pk)
    is_owner = access.is_owner(user, case.service_user_id)

    goals = list(Goal.objects.for_user(user).filter(plan=plan).live().order_by("order", "pk"))
    goal_ids = [g.pk for g in goals]
    steps = list(
        Step.objects.for_user(user)
        .filter(goal_id__in=goal_ids, archived_at__isnull=True)
        .select_related(*STEP_RELATED)
        .order_by("due_on", "pk")
    )
    measures = list(
        Measure.objects.for_user(user).filter(plan=plan).live().select_related(*MEASURE_RELATED).order_by("pk")
    )
    notes = list(ProgressNote.objects.for_user(user).filter(plan=plan).select_related("author").order_by(
        "created_at", "pk"))
    comments = list(Comment.objects.for_user(user).filter(plan=plan).select_related("author").order_by(
        "created_at", "pk"))
    revisions = list(
        PlanRevision.objects.for_user(user).filter(plan=plan).select_related("created_by").order_by(
            "-revised_on", "-pk")
    )
    consents = participants(plan, day)
    deputy = continuity.effective_deputy(case) if case.deputy_id is None else case.deputy
    contact = continuity.contact_now(case, day) if case.status != FollowUp.Status.ENDED else None

    notes_by_step, notes_by_measure = defaultdict(list), defaultdict(list)
    for note in notes:
        (notes_by_step[note.step_id] if note.step_id else notes_by_measure[note.measure_id]).append(note)
    comments_by_goal, comments_by_step = defaultdict(list), defaultdict(list)
    for comment in comments:
        (comments_by_goal[comment.goal_id] if comment.goal_id else comments_by_step[comment.step_id]).append(comment)

    goal_views = {g.pk: GoalView(g, comments=comments_by_goal[g.pk]) for g in goals}
    suggestions: list[Step] = []
    overdue = 0
    for step in steps:
        if not step.accepted:
            if step.rejected_at is None:
                suggestions.append(step)
            continue
        view = StepView(
            step,
            responsible=responsible_label(step, case, for_owner=is_owner),
            is_overdue=step.is_overdue(day),
            notes=notes_by_step[step.pk],
            comments=comments_by_step[step.pk],
        )
        overdue += view.is_overdue
        target = goal_views[step.goal_id]
        (target.steps if step.is_open else target.closed_steps).append(view)
    for view in goal_views.values():
        view.closed_steps.sort(key=lambda v: (v.step.closed_on or day, v.step.pk), reverse=True)

    measure_views = [MeasureView(m, m.is_flagged, notes_by_measure[m.pk]) for m in measures]
    return PlanPage(
        plan=plan,
        case=case,
        owner=case.service_user,
        coordinator=case.trust_person,
        deputy=deputy,
        goals=list(goal_views.values()),
        participants=consents,
        measures=measure_views,
        revisions=revisions,
        suggestions=suggestions,
        can_change=can_change,
        is_staff=is_staff,
        is_owner=is_owner,
        overdue_count=overdue,
        flagged_count=sum(1 for m in measure_views if m.is_flagged),
        revision_overdue=plan.revision_overdue(day),
        contact=contact,
    )


# --- worklists: overdue and due steps, flagged measures, revisions -----------------------------------------------


def _steps_in_use(user: User, action: str = access.VIEW) -> QuerySet:
    return (
        Step.objects.for_user(user, action)
        .live()
        .open()
        .filter(goal__plan__status=Plan.Status.ACTIVE)
        .select_related("goal__plan__follow_up__service_user", "goal__plan__follow_up__trust_person", *STEP_RELATED)
    )


def overdue_steps(user: User, *, day: datetime.date | None = None, plan: Plan | None = None) -> QuerySet:
    """Open steps in plans in use whose due date has passed, oldest first (staff see them highlighted)."""
    day = day or timezone.localdate()
    qs = _steps_in_use(user).filter(due_on__lt=day)
    if plan is not None:
        qs = qs.filter(goal__plan=plan)
    return qs.order_by("due_on", "pk")


def steps_due_soon(user: User, *, days: int = 7, day: datetime.date | None = None,
                   plan: Plan | None = None) -> QuerySet:
    """Open steps due from ``day`` (today) up to ``days`` days ahead."""
    day = day or timezone.localdate()
    qs = _steps_in_use(user).filter(due_on__gte=day, due_on__lte=day + datetime.timedelta(days=days))
    if plan is not None:
        qs = qs.filter(goal__plan=plan)
    return qs.order_by("due_on", "pk")


def _staff_case_ids(user: User):
    return FollowUp.objects.filter(access.case_staff_q(access.actor_for(user))).values("pk")


def suggestions_waiting(user: User) -> QuerySet:
    """The owners' step suggestions waiting for an answer from ``user`` as staff."""
    return (
        Step.objects.for_user(user, access.CHANGE)
        .suggestions()
        .filter(goal__archived_at__isnull=True, goal__plan__status__in=(Plan.Status.DRAFT, Plan.Status.ACTIVE))
        .filter(goal__plan__follow_up_id__in=_staff_case_ids(user))
        .select_related("goal__plan__follow_up__service_user")
        .order_by("created_at", "pk")
    )


def flagged_measures(user: User, *, plan: Plan | None = None) -> QuerySet:
    """Measures that need a decision (*vedtak*) and have none: for staff (who may change them) only."""
    qs = (
        Measure.objects.for_user(user, access.CHANGE)
        .flagged()
        .exclude(plan__status=Plan.Status.ENDED)
        .select_related("plan__follow_up__service_user", *MEASURE_RELATED)
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("pk")


def overdue_revisions(user: User, *, day: datetime.date | None = None, own_cases_only: bool = True) -> QuerySet:
    """Plans in use whose revision date has passed, for the trust person's own cases (or all they work on)."""
    day = day or timezone.localdate()
    qs = visible_plans(user, access.CHANGE).active().filter(next_revision_on__lt=day)
    if own_cases_only:
        qs = qs.filter(follow_up__trust_person=user)
    return qs.order_by("next_revision_on", "pk")


# --- «Min fremgang» -----------------------------------------------------------------------------------------------


@dataclass
class MonthCount:
    month: datetime.date  # the first day of the month
    label: str
    count: int
    percent: int  # of the busiest month, for a bar chart drawn with plain HTML/CSS (works without JavaScript)


@dataclass
class Progress:
    months: list[MonthCount]
    this_month: list[Step]
    total_done: int

    @property
    def done_this_month(self) -> int:
        return len(self.this_month)

    @property
    def has_any(self) -> bool:
        return self.total_done > 0


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def progress(user: User, plan: Plan | int, *, day: datetime.date | None = None) -> Progress:
    """Steps done per month over the last twelve months, and what was achieved this month. Two queries."""
    day = day or timezone.localdate()
    plan = _get_visible_plan(user, plan)
    first = _month_start(day, 11)
    done = list(
        Step.objects.for_user(user)
        .filter(goal__plan=plan, accepted=True, archived_at__isnull=True, status=Step.Status.DONE,
                closed_on__gte=first, closed_on__lte=day)
        .select_related("goal")
        .order_by("-closed_on", "-pk")
    )
    counts: dict[datetime.date, int] = defaultdict(int)
    for step in done:
        counts[_month_start(step.closed_on)] += 1
    busiest = max(counts.values(), default=0)
    months = []
    for back in range(11, -1, -1):
        start = _month_start(day, back)
        count = counts.get(start, 0)
        months.append(MonthCount(
            month=start,
            label=formats.date_format(start, "F Y"),
            count=count,
            percent=round(100 * count / busiest) if busiest else 0,
        ))
    this_month = [s for s in done if s.closed_on >= _month_start(day)]
    return Progress(months=months, this_month=this_month, total_done=len(done))


# --- history: the plan's timeline -----------------------------------------------------------------------------------


@dataclass
class PlanVersion:
    """One version of the plan: who made it, when, what happened, and which of the plan's own fields changed."""

    history_id: int
    version: int
    when: datetime.datetime
    who: str
    what: str
    changed_fields: list[str]
    restorable: bool
    restore_url: str = ""  # set by the timeline page


def plan_timeline(user: User, plan: Plan | int) -> list[PlanVersion]:
    """Every version of the plan, newest first, in two queries.

    Every change of the plan or its goals, steps and measures goes through ``plans.services``, which saves a
    new plan version with a plain reason («Delmål lagt til: …»), so the plan's own history is the timeline.
    ``restorable`` marks versions whose texts differ from the current ones (staff may restore them).
    """
    return document_timeline(_get_visible_plan(user, plan), Plan.RESTORABLE_FIELDS)


def document_timeline(document: Model, fields: tuple[str, ...]) -> list[PlanVersion]:
    """The versions of a living document (a plan, a crisis plan) from its own history, newest first.

    The caller has checked that the reader may see ``document``. One query for the history rows and their
    users; ``changed_fields`` and ``restorable`` compare ``fields`` with the previous and the current values.
    """
    model = type(document)
    rows = list(document.history.select_related("history_user").order_by("history_date", "history_id"))
    versions: list[PlanVersion] = []
    previous = None
    for record in rows:
        changed = []
        if previous is not None:
            changed = [
                str(model._meta.get_field(name).verbose_name)
                for name in fields
                if getattr(previous, name) != getattr(record, name)
            ]
        who = record.history_user.display_name if record.history_user is not None else _("Systemet")
        versions.append(PlanVersion(
            history_id=record.history_id,
            version=record.version,
            when=record.history_date,
            who=who,
            what=record.history_change_reason or "",
            changed_fields=changed,
            restorable=any(getattr(document, name) != getattr(record, name) for name in fields),
        ))
        previous = record
    versions.reverse()
    return versions


def plan_version_values(user: User, plan: Plan | int, history_id: int) -> dict | None:
    """The plan's own texts as they were in one version (for showing it before a restore)."""
    return document_version_values(_get_visible_plan(user, plan), history_id, Plan.RESTORABLE_FIELDS)


def document_version_values(document: Model, history_id: int, fields: tuple[str, ...]) -> dict | None:
    """``fields`` of a living document as they were in one version, and that version's number."""
    record = document.history.filter(history_id=history_id).first()
    if record is None:
        return None
    return {name: getattr(record, name) for name in fields} | {"version": record.version}


def responsible_choices(plan: Plan) -> tuple[list, list[User]]:
    """Services and people a step or measure can name: the plan's participants first (for form choice fields)."""
    consents = participants(plan)
    organisations = [c.grantee_organisation for c in consents if c.grantee_organisation_id]
    people = [c.grantee_user for c in consents if c.grantee_user_id]
    return organisations, people


def staff_on(user: User, plan: Plan) -> bool:
    """Does ``user`` work on the plan's case (trust person, deputy, leader)?"""
    return access.is_case_staff(user, plan.follow_up_id)


__all__ = [
    "GoalView",
    "MeasureView",
    "MonthCount",
    "PlanPage",
    "PlanVersion",
    "Progress",
    "StepView",
    "current_plan",
    "document_timeline",
    "document_version_values",
    "flagged_measures",
    "overdue_revisions",
    "overdue_steps",
    "participants",
    "plan_for_owner",
    "plan_page",
    "plan_timeline",
    "plan_version_values",
    "plans_for_case",
    "progress",
    "responsible_choices",
    "responsible_label",
    "section_titles",
    "staff_on",
    "steps_due_soon",
    "suggestions_waiting",
    "visible_plans",
]
