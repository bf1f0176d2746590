"""Helpers the plan views share: reading through the gate, role checks, the access log, the form page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from koordinator import access
from koordinator.models import AccessEvent, User
from plans import selectors
from plans.models import Goal, Measure, Plan, Step

PLAN_RELATED = selectors.PLAN_RELATED


def plan_or_404(request: HttpRequest, pk: int) -> Plan:
    return access.get_visible_or_404(Plan.objects.select_related(*PLAN_RELATED), request.user, pk=pk)


def goal_or_404(request: HttpRequest, pk: int) -> Goal:
    related = [f"plan__{name}" for name in PLAN_RELATED]
    return access.get_visible_or_404(Goal.objects.select_related(*related), request.user, pk=pk)


def step_or_404(request: HttpRequest, pk: int) -> Step:
    related = [f"goal__plan__{name}" for name in PLAN_RELATED]
    return access.get_visible_or_404(Step.objects.select_related("goal", *related), request.user, pk=pk)


def measure_or_404(request: HttpRequest, pk: int) -> Measure:
    related = [f"plan__{name}" for name in PLAN_RELATED]
    return access.get_visible_or_404(Measure.objects.select_related(*related), request.user, pk=pk)


def is_owner(user: User, plan: Plan) -> bool:
    return access.is_owner(user, plan.follow_up.service_user_id)


def require_staff(user: User, plan: Plan) -> None:
    """Staff-only pages: someone who may see the plan but does not work on the case gets 403."""
    if not selectors.staff_on(user, plan):
        raise PermissionDenied


def record_read(user: User, plan: Plan, what) -> None:
    """Reads by anyone but the owner are written to the owner's access log (``record_access`` skips the owner).
    ``what`` is lazy: the log is written in one language."""
    access.record_access(user, [plan.follow_up.service_user_id], what, AccessEvent.Channel.WEB)


def plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plan_detail", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


def form_page(request: HttpRequest, *, plan: Plan, form, title: str, submit: str, intro: str = "",
              about: str = "", cancel: str = "", status: int = 200, extra: dict | None = None) -> HttpResponse:
    """One form on its own page (``plans/form.html``): heading, a short explanation, the fields, the button."""
    context = {
        "plan": plan,
        "form": form,
        "title": title,
        "submit": submit,
        "intro": intro,
        "about": about,
        "cancel": cancel or plan_url(plan),
        **(extra or {}),
    }
    return render(request, "plans/form.html", context, status=status)
