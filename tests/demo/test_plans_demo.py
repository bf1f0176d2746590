"""The plans' demo data (demo/plans.py): plans on two thirds of the open cases, bruker1's plan with progress.

The demo is loaded once for the package (``tests/demo/conftest.py``) and the tests only read it. That seeding
again adds no row, the plans' included, is checked in ``test_seed_demo.py``.
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from demo import core as demo
from demo.plans import PLAN_MODELS
from koordinator import access
from koordinator.models import Consent, FollowUp, Notification, User
from plans import selectors
from plans.models import Goal, Measure, Plan, PlanRevision, ProgressNote, Step
from tests.demo.world import plan_of, user

pytestmark = pytest.mark.django_db


def test_bruker1_has_a_plan_in_use_with_three_life_areas_and_progress_over_several_months():
    today = timezone.localdate()
    plan = plan_of("bruker1")
    assert plan.status == Plan.Status.ACTIVE
    assert Plan.objects.for_user(user("bruker1")).filter(pk=plan.pk).exists()
    areas = set(Goal.objects.live().filter(plan=plan).values_list("life_area", flat=True))
    assert len(areas) >= 3
    done = Step.objects.live().filter(goal__plan=plan, status=Step.Status.DONE)
    months = {(d.year, d.month) for d in done.values_list("closed_on", flat=True) if d < today}
    assert len(months) >= 3
    # «Min fremgang» draws them: several months with steps done.
    progress = selectors.progress(user("bruker1"), plan)
    assert sum(1 for m in progress.months if m.count) >= 3
    open_steps = Step.objects.live().open().filter(goal__plan=plan)
    assert open_steps.filter(due_on=today + datetime.timedelta(days=2)).exists()
    assert 0 < open_steps.overdue(today).count() <= 2
    assert Step.objects.suggestions().filter(goal__plan=plan, created_by__username="bruker1").exists()


def test_bruker1_consented_before_the_plan_was_taken_into_use():
    plan = plan_of("bruker1")
    assert plan.consent_given_how == Consent.GivenHow.PORTAL
    assert plan.consent_given_on <= plan.period_from
    rows = list(plan.history.order_by("history_date", "history_id").values("consent_given_on", "status"))
    first_consent = next(i for i, r in enumerate(rows) if r["consent_given_on"] is not None)
    first_active = next(i for i, r in enumerate(rows) if r["status"] == Plan.Status.ACTIVE)
    assert first_consent < first_active


def test_nav1_is_responsible_for_a_measure_in_bruker1s_plan_and_wrote_a_note_on_it():
    plan = plan_of("bruker1")
    nav1 = user("nav1")
    assert (
        access.valid_consents_to(access.actor_for(nav1), Consent.Scope.PLAN)
        .filter(owner=plan.follow_up.service_user)
        .exists()
    )
    measure = Measure.objects.get(plan=plan, responsible_person=nav1)
    assert measure.responsible_organisation.name == "NAV Lerkendal"
    assert ProgressNote.objects.filter(measure=measure, author=nav1).exists()
    assert Plan.objects.for_user(nav1).filter(pk=plan.pk).exists()
    assert PlanRevision.objects.filter(plan=plan, revised_on__lt=timezone.localdate()).exists()
    assert not plan.revision_overdue()


def test_about_two_thirds_of_the_open_cases_in_both_municipalities_have_a_plan():
    cases = FollowUp.objects.open()
    with_plan = cases.filter(plans__isnull=False).distinct()
    assert 0.6 <= with_plan.count() / cases.count() <= 0.72
    assert with_plan.filter(municipality__number="5001").exists()
    assert with_plan.filter(municipality__number="5031").exists()
    assert not Plan.objects.filter(follow_up__status=FollowUp.Status.ENDED).exists()
    # bruker2 is left without a plan: the browser test makes one with him.
    assert not Plan.objects.filter(follow_up__service_user__user__username="bruker2").exists()


def test_there_are_plans_in_every_state_with_what_slides_and_what_is_flagged():
    today = timezone.localdate()
    statuses = dict(Plan.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[Plan.Status.ACTIVE] > statuses[Plan.Status.DRAFT] > 0
    assert statuses[Plan.Status.DECLINED] > 0 and statuses[Plan.Status.ENDED] > 0
    for declined in Plan.objects.filter(status=Plan.Status.DECLINED):
        assert declined.declined_on <= today and declined.declined_reason
    assert plan_of("bruker4").declined_reason == "Vil ikke ha plan nå, vil tenke på det."
    assert Step.objects.overdue(today).filter(goal__plan__status=Plan.Status.ACTIVE).exists()
    slid = Plan.objects.revision_due(today - datetime.timedelta(days=1))
    assert slid.filter(revisions__revised_on__lt=today).exists()
    assert Measure.objects.flagged().filter(decision_status=Measure.Decision.APPLIED).exists()
    assert Measure.objects.flagged().filter(decision_status=Measure.Decision.NOT_NEEDED).exists()
    assert {Measure.Decision.GRANTED, Measure.Decision.REFUSED, Measure.Decision.APPEALED} <= set(
        Measure.objects.values_list("decision_status", flat=True)
    )
    assert ProgressNote.objects.filter(author__username__in=["dps1", "lege1"]).exists()


def test_everything_is_inside_the_gate_of_the_cases_trust_person():
    trust_people = User.objects.filter(pk__in=Plan.objects.values("follow_up__trust_person")).distinct()
    assert trust_people.count() >= 6
    for tp in trust_people:
        theirs = Q(follow_up__trust_person=tp)
        assert (
            Plan.objects.for_user(tp, access.CHANGE).filter(theirs).count()
            == Plan.objects.filter(theirs).count()
        )
        for model in (Goal, Measure, ProgressNote, PlanRevision):
            own = model.objects.filter(plan__follow_up__trust_person=tp)
            assert model.objects.for_user(tp).filter(pk__in=own.values("pk")).count() == own.count(), model
        own_steps = Step.objects.filter(goal__plan__follow_up__trust_person=tp)
        assert Step.objects.for_user(tp).filter(pk__in=own_steps.values("pk")).count() == own_steps.count()


def test_the_history_reads_as_months_of_use_by_the_people_on_the_case():
    now = timezone.now()
    for model in PLAN_MODELS:
        rows = model.history.all()
        assert not rows.filter(history_user__isnull=True).exists(), model
        assert not rows.filter(history_user__username=demo.SYSTEM_USERNAME).exists(), model
        assert not rows.filter(history_date__gt=now).exists(), model
    plan = plan_of("bruker1")
    rows = list(plan.history.order_by("history_id"))
    dates = [r.history_date for r in rows]
    assert dates == sorted(dates)  # written in time order
    assert (dates[-1] - dates[0]).days >= 120
    assert plan.created_at == dates[0] and plan.updated_at == dates[-1]
    assert {r.history_user.username for r in rows} == {"tillit1", "bruker1"}
    # A row's created_at is the date of its first version, on the row and in its history.
    for step in Step.objects.filter(goal__plan=plan):
        first = step.history.earliest("history_id")
        assert step.created_at == first.history_date == first.created_at


def test_corrected_dates_are_the_same_on_the_row_and_in_its_latest_history_row():
    today = timezone.localdate()
    closed = Step.objects.filter(closed_on__isnull=False)
    assert closed.filter(closed_on__lt=today - datetime.timedelta(days=90)).exists()
    for step in Step.objects.select_related("goal__plan"):
        latest = step.history.latest("history_id")
        assert (latest.due_on, latest.closed_on, latest.status) == (step.due_on, step.closed_on, step.status)
        if step.closed_on:
            assert step.created_at.date() <= step.closed_on <= today
    for plan in Plan.objects.all():
        latest = plan.history.latest("history_id")
        assert (latest.next_revision_on, latest.version) == (plan.next_revision_on, plan.version)
    for revision in PlanRevision.objects.all():
        assert revision.history.latest("history_id").next_revision_on == revision.next_revision_on
        assert revision.revised_on < revision.next_revision_on


def test_only_this_weeks_news_about_plans_waits_and_only_in_the_app():
    about_plans = Notification.objects.filter(about_type__model="plan")
    assert about_plans.exists()
    assert not about_plans.exclude(channel=Notification.Channel.IN_APP).exists()
    assert not about_plans.filter(due_at__lt=timezone.now() - datetime.timedelta(days=7)).exists()
    subjects = set(about_plans.filter(recipient_user__username="tillit1").values_list("subject", flat=True))
    assert {
        "Kari Nordmann har gjort et delmål",
        "Kari Nordmann har kommentert planen",
        "Nytt notat i planen til Kari Nordmann",
    } <= subjects
