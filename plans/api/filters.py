"""Filters for the plan lists. They narrow a queryset that has already been through the gate."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from koordinator.api.filters import ArchivedFilterMixin, IdFilter, StrictBooleanFilter
from plans.models import Comment, Goal, Measure, Plan, ProgressNote, Step


class PlanFilter(filters.FilterSet):
    follow_up = IdFilter(field_name="follow_up_id", label=_("sak"))
    service_user = IdFilter(field_name="follow_up__service_user_id", label=_("tjenestemottaker"))
    status = filters.ChoiceFilter(choices=Plan.Status.choices, label=_("status"))
    revision_overdue = StrictBooleanFilter(method="filter_revision_overdue", label=_("revisjonen er forsinket"))

    class Meta:
        model = Plan
        fields = ["follow_up", "service_user", "status", "revision_overdue"]

    def filter_revision_overdue(self, queryset, name, value):
        overdue = queryset.active().filter(next_revision_on__lt=timezone.localdate())
        return overdue if value == "true" else queryset.exclude(pk__in=overdue.values("pk"))


class GoalFilter(ArchivedFilterMixin):
    plan = IdFilter(field_name="plan_id", label=_("plan"))

    class Meta:
        model = Goal
        fields = ["plan", "archived"]


class StepFilter(ArchivedFilterMixin):
    plan = IdFilter(field_name="goal__plan_id", label=_("plan"))
    goal = IdFilter(field_name="goal_id", label=_("mål"))
    status = filters.ChoiceFilter(choices=Step.Status.choices, label=_("status"))
    suggestion = StrictBooleanFilter(method="filter_suggestion", label=_("forslag som venter på svar"))

    class Meta:
        model = Step
        fields = ["plan", "goal", "status", "suggestion", "archived"]

    def filter_suggestion(self, queryset, name, value):
        waiting = queryset.suggestions()
        return waiting if value == "true" else queryset.exclude(pk__in=waiting.values("pk"))


class MeasureFilter(ArchivedFilterMixin):
    plan = IdFilter(field_name="plan_id", label=_("plan"))
    decision_status = filters.ChoiceFilter(choices=Measure.Decision.choices, label=_("vedtak"))

    class Meta:
        model = Measure
        fields = ["plan", "decision_status", "archived"]


class ProgressNoteFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=_("plan"))
    step = IdFilter(field_name="step_id", label=_("delmål"))
    measure = IdFilter(field_name="measure_id", label=_("tiltak"))

    class Meta:
        model = ProgressNote
        fields = ["plan", "step", "measure"]


class CommentFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=_("plan"))
    goal = IdFilter(field_name="goal_id", label=_("mål"))
    step = IdFilter(field_name="step_id", label=_("delmål"))

    class Meta:
        model = Comment
        fields = ["plan", "goal", "step"]
