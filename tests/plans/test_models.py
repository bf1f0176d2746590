"""The plans' models: defaults, the database's own rules (constraints) and history on every model."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import Comment, Goal, LifeArea, Measure, Plan, PlanRevision, ProgressNote, Step
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def refused(**create):
    """The database refuses the row (checked in a savepoint so the test can go on)."""
    model, fields = create.pop("model"), create
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_the_life_areas_are_the_eleven_in_the_domain_brief():
    assert [label for _, label in LifeArea.choices] == [
        "Bolig",
        "Arbeid, utdanning og aktivitet",
        "Økonomi og gjeld",
        "Fysisk helse",
        "Psykisk helse",
        "Tannhelse",
        "Rusmestring",
        "Familie og nettverk",
        "Fritid",
        "Trygghet",
        "Juridiske forhold",
    ]


def test_a_new_plan_is_a_draft_at_version_one(world):
    plan = Plan.objects.create(follow_up=world.case)
    assert plan.status == Plan.Status.DRAFT
    assert plan.version == 1
    assert plan.etag == f'"plan-{plan.pk}-v1"'
    assert plan.coordinator == world.trust_person


def test_a_case_has_only_one_open_plan_but_may_have_many_ended_ones(world):
    pf.PlanFactory(follow_up=world.case, status=Plan.Status.ENDED)
    pf.PlanFactory(follow_up=world.case, status=Plan.Status.ENDED)
    pf.PlanFactory(follow_up=world.case, status=Plan.Status.DRAFT)
    refused(model=Plan, follow_up=world.case, status=Plan.Status.DECLINED, declined_on=timezone.localdate())
    assert Plan.objects.filter(follow_up=world.case).count() == 3


def test_an_active_plan_needs_the_users_consent_in_the_database_too(world):
    refused(model=Plan, follow_up=world.case, status=Plan.Status.ACTIVE)


def test_a_declined_plan_has_a_date(world):
    refused(model=Plan, follow_up=world.case, status=Plan.Status.DECLINED)


def test_the_plan_period_cannot_end_before_it_starts(world):
    today = timezone.localdate()
    refused(model=Plan, follow_up=world.case, period_from=today, period_until=today - datetime.timedelta(days=1))


def test_the_version_is_positive(world):
    refused(model=Plan, follow_up=world.case, version=0)


def test_a_step_is_due_four_weeks_ahead_by_default_and_starts_planned(world):
    step = pf.StepFactory(goal__plan__follow_up=world.case)
    assert step.due_on == timezone.localdate() + datetime.timedelta(weeks=4)
    assert step.status == Step.Status.PLANNED
    assert step.accepted and not step.suggested_by_user


def test_a_step_names_exactly_who_matches_its_kind(world):
    goal = pf.GoalFactory(plan__follow_up=world.case)
    refused(model=Step, goal=goal, what="x", who_kind="organisation")
    refused(model=Step, goal=goal, what="x", who_kind="person")
    refused(model=Step, goal=goal, what="x", who_kind="user", who_organisation=world.nav)
    Step.objects.create(goal=goal, what="x", who_kind="organisation", who_organisation=world.nav)
    Step.objects.create(goal=goal, what="x", who_kind="person", who_person=world.partner_org_member,
                        who_organisation=world.nav)


def test_a_closed_step_has_a_closing_date_and_an_open_one_has_none(world):
    goal = pf.GoalFactory(plan__follow_up=world.case)
    refused(model=Step, goal=goal, what="x", status=Step.Status.DONE)
    refused(model=Step, goal=goal, what="x", status=Step.Status.PLANNED, closed_on=timezone.localdate())


def test_only_the_users_suggestions_can_be_unaccepted(world):
    goal = pf.GoalFactory(plan__follow_up=world.case)
    refused(model=Step, goal=goal, what="x", accepted=False)
    step = Step.objects.create(goal=goal, what="x", accepted=False, suggested_by_user=True)
    assert step.is_suggestion
    assert not step.is_overdue(step.due_on + datetime.timedelta(days=10))


def test_a_measures_decision_states_carry_their_dates(world):
    plan = pf.PlanFactory(follow_up=world.case)
    today = timezone.localdate()
    refused(model=Measure, plan=plan, service="x", responsible_organisation=world.nav, decision_status="granted")
    refused(model=Measure, plan=plan, service="x", responsible_organisation=world.nav, decision_status="applied")
    refused(model=Measure, plan=plan, service="x", responsible_organisation=world.nav, decision_status="appealed",
            decided_on=today)
    refused(model=Measure, plan=plan, service="x", responsible_organisation=world.nav, period_from=today,
            period_until=today - datetime.timedelta(days=1))


def test_a_measure_that_needs_a_decision_and_has_none_is_flagged():
    today = timezone.localdate()
    flagged = Measure(needs_decision=True, decision_status=Measure.Decision.NOT_NEEDED)
    applied = Measure(needs_decision=True, decision_status=Measure.Decision.APPLIED, applied_on=today)
    granted = Measure(needs_decision=True, decision_status=Measure.Decision.GRANTED, decided_on=today)
    no_need = Measure(needs_decision=False)
    assert flagged.is_flagged and applied.is_flagged
    assert not granted.is_flagged and not no_need.is_flagged
    assert flagged.decision_display == "Trenger vedtak – ikke søkt ennå"
    assert no_need.decision_display == "Trenger ikke vedtak"
    assert granted.decision_display == "Innvilget"


def test_a_progress_note_is_about_a_step_or_a_measure_never_both_or_neither(world):
    step = pf.StepFactory(goal__plan__follow_up=world.case)
    measure = pf.MeasureFactory(plan=step.goal.plan)
    plan = step.goal.plan
    refused(model=ProgressNote, plan=plan, author=world.trust_person, text="x")
    refused(model=ProgressNote, plan=plan, step=step, measure=measure, author=world.trust_person, text="x")


def test_a_comment_is_about_a_goal_or_a_step_never_both_or_neither(world):
    step = pf.StepFactory(goal__plan__follow_up=world.case)
    plan = step.goal.plan
    refused(model=Comment, plan=plan, author=world.owner, text="x")
    refused(model=Comment, plan=plan, goal=step.goal, step=step, author=world.owner, text="x")


def test_the_next_revision_is_not_before_the_revision(world):
    plan = pf.PlanFactory(follow_up=world.case)
    today = timezone.localdate()
    refused(model=PlanRevision, plan=plan, revised_on=today, what_changed="x", plan_version=2,
            next_revision_on=today - datetime.timedelta(days=1), created_by=world.trust_person)


@pytest.mark.parametrize("model", [Plan, Goal, Step, Measure, ProgressNote, Comment, PlanRevision])
def test_every_plan_model_keeps_history(model):
    assert hasattr(model, "history")
    assert model.history.model.__name__ == f"Historical{model.__name__}"


@pytest.mark.parametrize(
    "model, gate_name",
    [(Plan, "plans"), (Goal, "goals"), (Step, "steps"), (Measure, "measures"), (ProgressNote, "progress_notes"),
     (Comment, "plan_comments"), (PlanRevision, "plan_revisions")],
)
def test_every_plan_model_is_behind_the_gate(model, gate_name):
    from koordinator.access import POLICIES

    assert model.objects.all().gate_name == gate_name
    assert gate_name in POLICIES


def test_revision_overdue_only_for_a_plan_in_use(world):
    today = timezone.localdate()
    plan = pf.PlanFactory(follow_up=world.case, next_revision_on=today - datetime.timedelta(days=1))
    assert plan.revision_overdue(today)
    plan.status = Plan.Status.DRAFT
    assert not plan.revision_overdue(today)
