"""factory_boy factories for plans. They bypass the services on purpose: tests set up state quickly."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from plans.models import Comment, Goal, LifeArea, Measure, Plan, PlanRevision, ProgressNote, Step
from tests import factories as f


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    follow_up = factory.SubFactory(f.FollowUpFactory)
    status = Plan.Status.ACTIVE
    consent_given_on = factory.LazyFunction(timezone.localdate)
    consent_given_how = "paper"
    period_from = factory.LazyFunction(timezone.localdate)
    next_revision_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=12))
    own_words = "Jeg vil ha et sted å bo som er mitt."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    life_area = LifeArea.HOUSING
    text = factory.Sequence(lambda n: f"Mål nummer {n}")
    order = factory.Sequence(lambda n: n)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    what = factory.Sequence(lambda n: f"Delmål nummer {n}")
    who_kind = Step.Who.USER


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    service = factory.Sequence(lambda n: f"Tiltak {n}")
    responsible_organisation = factory.SubFactory(f.OrganisationFactory)
    extent = "2 timer i uka"


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    step = factory.SubFactory(StepFactory)
    plan = factory.LazyAttribute(lambda n: n.step.goal.plan if n.step else n.measure.plan)
    author = factory.SubFactory(f.UserFactory)
    text = "Går fint."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    goal = factory.SubFactory(GoalFactory)
    plan = factory.LazyAttribute(lambda c: c.goal.plan if c.goal else c.step.goal.plan)
    author = factory.SubFactory(f.UserFactory)
    text = "Dette er viktig for meg."


class PlanRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanRevision

    plan = factory.SubFactory(PlanFactory)
    revised_on = factory.LazyFunction(timezone.localdate)
    what_changed = "Nye delmål."
    next_revision_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=8))
    plan_version = 1
    created_by = factory.SubFactory(f.UserFactory)
