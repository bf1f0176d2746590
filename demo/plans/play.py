"""Playing the plans: ``_Play`` runs one plan's script as events in time order through ``plans.services``
(by the trust person, the owner and partners), and ``plans_demo`` is the section registered with the
builder: every script played under the clock, the dates settled, and Kari's latest contacts linked to her
steps (``log_on_steps``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from demo.core import DemoBuilder, register_demo_section
from demo.plans.clock import correct
from demo.plans.generated import scripts
from demo.plans.section import Section
from demo.plans.shapes import (
    Decision,
    GoalScript,
    MeasureScript,
    PlanScript,
    RevisionScript,
    StepScript,
    StepStatus,
)
from koordinator.models import Consent, FollowUp, FollowUpEntry, User
from plans import logged_steps, services
from plans.models import Comment, Goal, Measure, Plan, PlanRevision, ProgressNote, Step

# --- playing one plan -----------------------------------------------------------------------------------------


class _Play:
    """One plan's events in time order, by the trust person (and the owner, and partners)."""

    def __init__(self, section: Section, script: PlanScript):
        self.s = section
        self.script = script
        self.case = script.case
        self.tp = section.staff(script.case)
        self.plan: Plan | None = None
        self.new: set = set()  # the scripts (plan, goals, steps, measures) whose objects this run made
        self.goals: dict[GoalScript, Goal] = {}
        self.steps: dict[StepScript, Step] = {}
        self.measures: dict[MeasureScript, Measure] = {}
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []

    def at(self, ago: int, hour: int, minute: int, fn: Callable[[], None]) -> None:
        self.events.append((self.s.moment(ago, hour, minute), len(self.events), fn))

    def count(self, model) -> None:
        self.s.builder.summary.count(model)

    @property
    def owner(self) -> User | None:
        return self.case.service_user.user

    # --- the script as events

    def run(self) -> None:
        sc = self.script
        self.at(sc.created, 9, 0, self.make_plan)
        for i, goal in enumerate(sc.goals):
            self.at(sc.created, 9, 5 + i, lambda g=goal: self.add_goal(g))
            for step in goal.steps:
                hour, minute = (9, 30) if step.created == sc.created else (13, 30)
                self.at(step.created, hour, minute, lambda g=goal, s=step: self.add_step(g, s))
                if step.closed is not None:
                    self.at(step.closed, 13, 0, lambda s=step: self.close_step(s))
                elif step.status == StepStatus.IN_PROGRESS:
                    self.at(step.created, hour, minute + 5, lambda s=step: self.start_step(s))
            if goal.comment:
                self.at(goal.comment[0], 19, 30, lambda g=goal: self.comment(g))
            if goal.suggestion:
                self.at(goal.suggestion[0], 20, 0, lambda g=goal: self.suggest(g))
        if sc.consent:
            ago, how = sc.consent
            self.at(ago, 19 if how == Consent.GivenHow.PORTAL else 10, 0, self.record_consent)
        if sc.activated is not None:
            self.at(sc.activated, 10, 30, self.activate)
        for measure in sc.measures:
            self.at(measure.created, 11, 0, lambda m=measure: self.add_measure(m))
            if measure.decided is not None:
                self.at(measure.decided, 11, 15, lambda m=measure: self.decide(m))
            if measure.appealed is not None:
                self.at(measure.appealed, 11, 30, lambda m=measure: self.appeal(m))
            for ago, author, text in measure.notes:
                self.at(ago, 14, 0, lambda m=measure, a=author, t=text: self.note(m, a, t))
        for revision in sc.revisions:
            self.at(revision.ago, 12, 0, lambda r=revision: self.revise(r))
        if sc.declined:
            self.at(sc.declined[0], 10, 0, self.decline)
        if sc.ended:
            self.at(sc.ended[0], 10, 0, self.end)
        for moment, _, event in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.s.clock.moment = moment
            event()
        self.s.clock.moment = None

    # --- the plan

    def make_plan(self) -> None:
        self.plan = Plan._default_manager.filter(follow_up=self.case).order_by("-pk").first()
        if self.plan is None:
            self.plan = services.create_plan(self.tp, self.case, **self.script.texts)
            self.new.add(self.script)
            self.count(Plan)

    @property
    def plan_is_new(self) -> bool:
        return self.script in self.new

    def can_fill(self) -> bool:
        """Goals and measures may be added to a plan that is new, or that is still a draft or in use."""
        if self.plan_is_new:
            return True
        self.plan.refresh_from_db()
        return self.plan.is_editable

    def record_consent(self) -> None:
        if not self.plan_is_new:
            return
        ago, how = self.script.consent
        if how == Consent.GivenHow.PORTAL:
            services.record_plan_consent(self.owner, self.plan, given_on=self.s.day(ago))
        else:
            services.record_plan_consent(self.tp, self.plan, given_how=how, given_on=self.s.day(ago))

    def activate(self) -> None:
        if not self.plan_is_new:
            return
        sc = self.script
        start = self.s.day(sc.activated)
        next_revision = self.s.day(sc.next_revision)
        plan = services.activate_plan(
            self.tp,
            self.plan,
            period_from=start,
            period_until=start + datetime.timedelta(days=sc.period_days) if sc.period_days else None,
            next_revision_on=self.s.not_before_today(next_revision),
        )
        if plan.next_revision_on != next_revision:
            correct(plan, next_revision_on=next_revision)

    def revise(self, script: RevisionScript) -> None:
        if not self.plan_is_new:
            return
        next_revision = self.s.day(script.next_revision)
        revision = services.revise_plan(
            self.tp,
            self.plan,
            what_changed=script.what_changed,
            participants=script.participants,
            revised_on=self.s.day(script.ago),
            next_revision_on=self.s.not_before_today(next_revision, days=1),
        )
        if revision.next_revision_on != next_revision:
            correct(revision, next_revision_on=next_revision)
            correct(revision.plan, next_revision_on=next_revision)
        self.count(PlanRevision)

    def decline(self) -> None:
        if not self.plan_is_new:
            return
        ago, reason = self.script.declined
        services.decline_plan(self.tp, self.plan, reason=reason, declined_on=self.s.day(ago))

    def end(self) -> None:
        if not self.plan_is_new:
            return
        ago, note = self.script.ended
        services.end_plan(self.tp, self.plan, note=note, ended_on=self.s.day(ago))

    # --- goals and steps

    # Goals and measures are looked up in a plan that was there already (by text, by service); what is made
    # under a goal or a measure only in the run that made it, so nothing else needs looking up.

    def add_goal(self, script: GoalScript) -> None:
        goal = None
        if not self.plan_is_new:
            goal = Goal._default_manager.filter(plan=self.plan, text=script.text).first()
        if goal is None and self.can_fill():
            goal = services.add_goal(
                self.tp,
                self.plan,
                life_area=script.area,
                text=script.text,
                in_users_words=script.in_users_words,
            )
            self.goals[script] = goal
            self.new.add(script)
            self.count(Goal)

    def add_step(self, goal_script: GoalScript, script: StepScript) -> None:
        if goal_script not in self.new:
            return  # the steps of a goal that was there already are left as they are
        due = self.s.day(script.due)
        step, _warnings = services.add_step(
            self.tp,
            self.goals[goal_script],
            what=script.what,
            who_kind=script.who,
            who_organisation=self.s.org(script.org, self.case) if script.org else None,
            who_person=self.s.user(script.person) if script.person else None,
            due_on=self.s.not_before_today(due),
        )
        if step.due_on != due:
            correct(step, due_on=due)
        self.steps[script] = step
        self.new.add(script)
        self.count(Step)

    def start_step(self, script: StepScript) -> None:
        if script in self.new:
            services.update_step(self.tp, self.steps[script], status=StepStatus.IN_PROGRESS)

    def close_step(self, script: StepScript) -> None:
        if script not in self.new:
            return
        actor = self.owner if script.by_owner else self.tp
        step = services.close_step(actor, self.steps[script], script.status, script.how)
        correct(step, closed_on=self.s.day(script.closed))

    def comment(self, script: GoalScript) -> None:
        if script in self.new and self.owner is not None:
            services.add_comment(self.owner, text=script.comment[1], goal=self.goals[script])
            self.count(Comment)

    def suggest(self, script: GoalScript) -> None:
        if script in self.new and self.owner is not None:
            _ago, what, due = script.suggestion
            services.suggest_step(self.owner, self.goals[script], what=what, due_on=self.s.day(due))
            self.count(Step)

    # --- measures

    def add_measure(self, script: MeasureScript) -> None:
        if not self.plan_is_new and (
            Measure._default_manager.filter(plan=self.plan, service=script.service).exists()
            or not self.can_fill()
        ):
            return
        fields = {
            "service": script.service,
            "responsible_organisation": self.s.org(script.org, self.case),
            "responsible_person": self.s.user(script.person) if script.person else None,
            "extent": script.extent,
            "needs_decision": script.needs_decision,
            "decided_by": script.decided_by,
        }
        if script.period:
            start, until = script.period
            fields["period_from"] = self.s.day(start)
            fields["period_until"] = self.s.day(until) if until is not None else None
        if script.applied is not None:
            fields.update(decision_status=Decision.APPLIED, applied_on=self.s.day(script.applied))
        self.measures[script] = services.add_measure(self.tp, self.plan, **fields)
        self.new.add(script)
        self.count(Measure)

    def decide(self, script: MeasureScript) -> None:
        if script in self.new:
            services.update_measure(
                self.tp,
                self.measures[script],
                decision_status=script.outcome,
                decided_on=self.s.day(script.decided),
            )

    def appeal(self, script: MeasureScript) -> None:
        if script in self.new:
            services.update_measure(
                self.tp,
                self.measures[script],
                decision_status=Decision.APPEALED,
                appealed_on=self.s.day(script.appealed),
            )

    def note(self, script: MeasureScript, author: str, text: str) -> None:
        if script not in self.new:
            return
        measure = self.measures[script]
        writer = self.s.user(author) if author else self.tp
        # A partner writes only while the owner's consent with the plan scope is in force.
        if services.may_add_progress_note(writer, measure, self.plan):
            services.add_progress_note(writer, text=text, measure=measure)
            self.count(ProgressNote)


@register_demo_section
def plans_demo(builder: DemoBuilder) -> None:
    section = Section(builder)
    with section.clock:
        for script in scripts(section):
            _Play(section, script).run()
    section.settle()
    log_on_steps(builder)


def log_on_steps(builder: DemoBuilder) -> None:
    """Kari's latest contacts name the open step of their life area they were about: her log shows «Delmål: …»."""
    case = FollowUp.objects.filter(service_user__user=builder.users["bruker1"]).order_by("-pk").first()
    steps = list(
        Step.objects.filter(goal__plan__follow_up=case).live().open().select_related("goal").order_by("due_on", "pk")
    )
    entries = (
        FollowUpEntry.objects.filter(follow_up=case, archived_at__isnull=True)
        .exclude(kind=FollowUpEntry.Kind.NOT_MET)
        .order_by("-started_at")[:6]
    )
    for entry in entries:
        about = [step for step in steps if step.goal.life_area in entry.life_areas][:1]
        if about:
            logged_steps.save(entry.written_by, entry, about)
