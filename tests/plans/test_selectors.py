"""Reads: the plan page (nine points, per reader, fixed number of queries), progress, worklists, timeline."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koordinator import access
from plans import selectors, services
from plans.models import Plan, Step
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# --- the plan page --------------------------------------------------------------------------------------------------


def test_the_page_has_the_nine_points_of_the_regulation_in_order(world, plan):
    page = selectors.plan_page(world.trust_person, plan)
    assert [title for _, title in page.sections()] == [
        "Mine mål, styrker og behov",
        "Hvem er med",
        "Hvem koordinerer",
        "Hva hver enkelt bidrar med",
        "Tiltak: tjenestene jeg får",
        "Hvordan tiltakene gjennomføres",
        "Planperiode og revisjon",
        "Samtykke",
        "Samarbeid med andre tjenester",
    ]
    assert page.coordinator == world.trust_person
    assert page.deputy == world.deputy
    assert page.owner == world.owner_su
    assert page.version == plan.version and page.etag == plan.etag


def test_the_participants_are_the_consents_with_the_plan_scope_in_force(world, plan):
    page = selectors.plan_page(world.trust_person, plan)
    assert {c.pk for c in page.participants} == {
        world.consent_valid.pk, world.consent_org.pk, world.consent_wrong_scope.pk
    }


def test_goals_steps_and_measures_are_grouped_with_their_notes_and_comments(world, plan, goal, users_step):
    done, _ = services.add_step(world.trust_person, goal, what="Ferdig")
    services.close_step(world.owner, done, "done", "Bra!")
    services.add_progress_note(world.trust_person, step=users_step, text="Ringt.")
    services.add_comment(world.owner, goal=goal, text="Viktig.")
    services.add_comment(world.owner, step=users_step, text="Gruer meg.")
    measure = services.add_measure(world.trust_person, plan, service="Bostøtte", responsible_organisation=world.nav,
                                   needs_decision=True)
    services.add_progress_note(world.trust_person, measure=measure, text="Søkt.")

    page = selectors.plan_page(world.owner, plan)
    [goal_view] = page.goals
    assert [v.step.what for v in goal_view.steps] == ["Ringe boligkontoret"]
    assert [v.step.what for v in goal_view.closed_steps] == ["Ferdig"]
    assert [c.text for c in goal_view.comments] == ["Viktig."]
    [step_view] = goal_view.steps
    assert step_view.responsible == "Meg"
    assert [n.text for n in step_view.notes] == ["Ringt."]
    assert [c.text for c in step_view.comments] == ["Gruer meg."]
    [measure_view] = page.measures
    assert measure_view.is_flagged and page.flagged_count == 1
    assert [n.text for n in measure_view.notes] == ["Søkt."]
    staff_page = selectors.plan_page(world.trust_person, plan)
    assert staff_page.goals[0].steps[0].responsible == "Kari"


def test_the_owner_sees_their_waiting_suggestions_and_a_partner_does_not(world, plan, goal):
    services.suggest_step(world.owner, goal, what="Gå på visning")
    assert [s.what for s in selectors.plan_page(world.owner, plan).suggestions] == ["Gå på visning"]
    assert [s.what for s in selectors.plan_page(world.trust_person, plan).suggestions] == ["Gå på visning"]
    assert selectors.plan_page(world.partner_valid, plan).suggestions == []


def test_overdue_steps_are_counted_for_the_page(world, plan, goal):
    pf.StepFactory(goal=goal, due_on=days(-3))
    pf.StepFactory(goal=goal, due_on=days(3))
    page = selectors.plan_page(world.trust_person, plan)
    assert page.overdue_count == 1
    assert [v.is_overdue for v in page.goals[0].steps] == [True, False]


@pytest.mark.parametrize(
    "persona, can_change, is_staff, is_owner",
    [
        ("trust_person", True, True, False),
        ("deputy", True, True, False),
        ("leader", True, True, False),
        ("owner", True, False, True),
        ("partner_valid", False, False, False),
    ],
)
def test_the_page_knows_who_is_reading(world, plan, persona, can_change, is_staff, is_owner):
    page = selectors.plan_page(world.persona(persona), plan)
    assert (page.can_change, page.is_staff, page.is_owner) == (can_change, is_staff, is_owner)


@pytest.mark.parametrize("persona", ["other_owner", "other_trust_person", "partner_none", "partner_expired", "admin"])
def test_the_page_is_a_404_outside_the_gate(world, plan, persona):
    with pytest.raises(Http404):
        selectors.plan_page(world.persona(persona), plan)
    with pytest.raises(Http404):
        selectors.progress(world.persona(persona), plan)
    with pytest.raises(Http404):
        selectors.plan_timeline(world.persona(persona), plan)


def build(world, n: int) -> Plan:
    """A plan with ``n`` of everything: goals, open/closed/suggested steps, measures, notes, comments, revisions."""
    plan = pf.PlanFactory(follow_up=world.case)
    for _ in range(n):
        goal = pf.GoalFactory(plan=plan)
        step = pf.StepFactory(goal=goal, who_kind="person", who_person=world.partner_valid,
                              who_organisation=world.nav)
        pf.StepFactory(goal=goal, status=Step.Status.DONE, closed_on=timezone.localdate(), closed_by=world.owner)
        pf.StepFactory(goal=goal, accepted=False, suggested_by_user=True)
        measure = pf.MeasureFactory(plan=plan, responsible_organisation=world.nav,
                                    responsible_person=world.partner_org_member)
        pf.ProgressNoteFactory(plan=plan, step=step, author=world.partner_valid)
        pf.ProgressNoteFactory(plan=plan, step=None, measure=measure, author=world.trust_person)
        pf.CommentFactory(plan=plan, goal=goal, author=world.owner)
        pf.CommentFactory(plan=plan, goal=None, step=step, author=world.trust_person)
        pf.PlanRevisionFactory(plan=plan, created_by=world.trust_person)
    return plan


def queries_for(fn, user) -> int:
    access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid", "leader"])
def test_the_plan_page_takes_the_same_number_of_queries_for_1_or_30_of_everything(world, persona):
    user = world.persona(persona)
    small = build(world, 1)
    page = selectors.plan_page(user, small)
    assert len(page.goals) == 1 and len(page.measures) == 1
    one = queries_for(lambda: selectors.plan_page(user, small), user)
    Plan.objects.filter(pk=small.pk).update(status=Plan.Status.ENDED)

    big = build(world, 30)
    page = selectors.plan_page(user, big)
    assert len(page.goals) == 30 and len(page.measures) == 30
    assert sum(len(g.steps) + len(g.closed_steps) for g in page.goals) == 60
    thirty = queries_for(lambda: selectors.plan_page(user, big), user)
    assert one == thirty
    assert thirty <= 14


def test_progress_and_the_timeline_take_the_same_number_of_queries_for_1_or_30(world):
    small = build(world, 1)
    counts_small = (queries_for(lambda: selectors.progress(world.owner, small), world.owner),
                    queries_for(lambda: selectors.plan_timeline(world.trust_person, small), world.trust_person))
    Plan.objects.filter(pk=small.pk).update(status=Plan.Status.ENDED)
    big = build(world, 30)
    for _ in range(5):
        big.version += 1
        big.save()  # more history rows
    counts_big = (queries_for(lambda: selectors.progress(world.owner, big), world.owner),
                  queries_for(lambda: selectors.plan_timeline(world.trust_person, big), world.trust_person))
    assert counts_small == counts_big


# --- «Min fremgang» ------------------------------------------------------------------------------------------------


def test_progress_counts_steps_done_per_month_for_twelve_months_and_lists_this_months(world, plan, goal):
    day = datetime.date(2026, 11, 23)

    def done(on, what="x", status=Step.Status.DONE):
        return pf.StepFactory(goal=goal, what=what, status=status, closed_on=on, due_on=on)

    done(datetime.date(2026, 11, 2), "Ringte NAV")
    done(datetime.date(2026, 11, 20), "Var hos tannlegen")
    done(datetime.date(2026, 9, 15))
    done(datetime.date(2026, 9, 16))
    done(datetime.date(2026, 9, 17))
    done(datetime.date(2025, 12, 1))  # the oldest month shown
    done(datetime.date(2025, 11, 30))  # too old
    done(datetime.date(2026, 11, 21), status=Step.Status.NOT_DONE)
    suggestion = done(datetime.date(2026, 11, 22))
    Step.objects.filter(pk=suggestion.pk).update(accepted=False, suggested_by_user=True)

    result = selectors.progress(world.owner, plan, day=day)
    assert [m.month for m in result.months] == [datetime.date(2025, 12, 1)] + [
        datetime.date(2026, month, 1) for month in range(1, 12)
    ]
    assert [m.count for m in result.months] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 2]
    assert [m.percent for m in result.months][-3:] == [100, 0, 67]
    assert result.months[-1].label == "november 2026"
    assert [s.what for s in result.this_month] == ["Var hos tannlegen", "Ringte NAV"]
    assert result.total_done == 6 and result.done_this_month == 2 and result.has_any


def test_progress_for_a_plan_with_nothing_done_yet(world, plan):
    result = selectors.progress(world.owner, plan)
    assert len(result.months) == 12
    assert all(m.count == 0 and m.percent == 0 for m in result.months)
    assert not result.has_any


# --- worklists ----------------------------------------------------------------------------------------------------


def test_overdue_and_due_soon_steps_are_from_plans_in_use(world, plan, goal):
    late = pf.StepFactory(goal=goal, due_on=days(-2))
    soon = pf.StepFactory(goal=goal, due_on=days(3))
    pf.StepFactory(goal=goal, due_on=days(20))
    closed = pf.StepFactory(goal=goal, due_on=days(-5), status=Step.Status.DONE, closed_on=days(-5))
    other_plan = pf.PlanFactory(follow_up=world.other_case, status=Plan.Status.DRAFT, consent_given_on=None)
    pf.StepFactory(goal__plan=other_plan, due_on=days(-2))

    assert list(selectors.overdue_steps(world.trust_person)) == [late]
    assert list(selectors.steps_due_soon(world.trust_person)) == [soon]
    assert list(selectors.overdue_steps(world.owner)) == [late]
    assert list(selectors.overdue_steps(world.other_trust_person)) == []  # the other plan is a draft
    assert list(selectors.overdue_steps(world.leader, plan=plan)) == [late]
    assert closed not in selectors.overdue_steps(world.leader)


def test_flagged_measures_are_for_staff(world, plan):
    flagged = services.add_measure(world.trust_person, plan, service="Praktisk bistand",
                                   responsible_organisation=world.unit, needs_decision=True)
    services.add_measure(world.trust_person, plan, service="Kafé", responsible_organisation=world.unit)
    assert list(selectors.flagged_measures(world.trust_person)) == [flagged]
    assert list(selectors.flagged_measures(world.leader, plan=plan)) == [flagged]
    assert list(selectors.flagged_measures(world.owner)) == []
    assert list(selectors.flagged_measures(world.partner_valid)) == []


def test_overdue_revisions_show_on_the_trust_persons_list(world, plan):
    services.update_plan(world.trust_person, plan, plan.version, next_revision_on=days(-1))
    assert list(selectors.overdue_revisions(world.trust_person)) == [plan]
    assert list(selectors.overdue_revisions(world.deputy)) == []
    assert list(selectors.overdue_revisions(world.deputy, own_cases_only=False)) == [plan]
    assert list(selectors.overdue_revisions(world.owner)) == []
    plan.refresh_from_db()
    services.update_plan(world.trust_person, plan, plan.version, next_revision_on=days(0))
    assert list(selectors.overdue_revisions(world.trust_person)) == []


def test_suggestions_waiting_are_the_staffs_to_answer(world, goal):
    suggestion, _ = services.suggest_step(world.owner, goal, what="Gå på visning")
    assert list(selectors.suggestions_waiting(world.trust_person)) == [suggestion]
    assert list(selectors.suggestions_waiting(world.owner)) == []
    services.reject_suggestion(world.trust_person, suggestion)
    assert list(selectors.suggestions_waiting(world.trust_person)) == []


def test_finding_the_plan_of_a_case_and_of_the_owner(world, plan):
    assert selectors.current_plan(world.trust_person, world.case) == plan
    assert selectors.plan_for_owner(world.owner) == plan
    assert selectors.plan_for_owner(world.trust_person) is None
    assert selectors.current_plan(world.other_owner, world.case) is None
    services.end_plan(world.trust_person, plan)
    new = services.create_plan(world.trust_person, world.case)
    assert selectors.plans_for_case(world.trust_person, world.case) == [new, plan]


# --- the timeline -----------------------------------------------------------------------------------------------------


def test_the_timeline_shows_each_version_with_who_when_and_what_newest_first(world, plan, goal):
    plan.refresh_from_db()
    services.update_plan(world.owner, plan, plan.version, own_words="Et hjem.")
    versions = selectors.plan_timeline(world.trust_person, plan)
    assert [v.version for v in versions] == [4, 3, 2, 1]
    newest = versions[0]
    assert newest.who == world.owner.display_name
    assert newest.what == "Planen er endret: mine ord: hva er viktig for meg"
    assert newest.changed_fields == ["mine ord: hva er viktig for meg"]
    assert versions[1].what == "Mål lagt til: Egen leilighet"
    assert versions[-1].what == "Planen er opprettet"
    assert not newest.restorable
    assert versions[1].restorable  # the text was different then


def test_a_versions_texts_can_be_read_before_restoring(world, plan):
    first = plan.history.order_by("history_id").first()
    values = selectors.plan_version_values(world.trust_person, plan, first.history_id)
    assert values["own_words"] == "Jeg vil ha min egen leilighet."
    assert values["version"] == 1
    assert selectors.plan_version_values(world.trust_person, plan, 10**9) is None
