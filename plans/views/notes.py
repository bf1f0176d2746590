"""Progress notes (staff, and partners on what they are responsible for) and comments (the owner and staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from koordinator.services import ServiceError
from plans import forms, selectors, services
from plans.models import Measure, Plan, Step
from plans.views.common import form_page, goal_or_404, is_owner, measure_or_404, plan_url, step_or_404


def _note_page(request: HttpRequest, plan: Plan, target: Step | Measure, anchor: str) -> HttpResponse:
    if not services.may_add_progress_note(request.user, target, plan):
        raise PermissionDenied
    form = forms.NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        kind = "step" if isinstance(target, Step) else "measure"
        try:
            services.add_progress_note(request.user, text=form.cleaned_data["text"], **{kind: target})
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Notatet er lagret."))
            return redirect(plan_url(plan, anchor))
    about = target.what if isinstance(target, Step) else target.service
    return form_page(request, plan=plan, form=form, title=_("Nytt notat om framdriften"), submit=_("Lagre notatet"),
                     about=about, cancel=plan_url(plan, anchor),
                     intro=_("Skriv kort hvordan det går. Kontaktpersonen og brukeren ser notatet."))


@login_required
@require_http_methods(["GET", "POST"])
def step_note(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    return _note_page(request, step.goal.plan, step, f"delmal-{step.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def measure_note(request: HttpRequest, pk: int) -> HttpResponse:
    measure = measure_or_404(request, pk)
    return _note_page(request, measure.plan, measure, f"tiltak-{measure.pk}")


def _comment_page(request: HttpRequest, plan: Plan, about: str, anchor: str, **target) -> HttpResponse:
    owner = is_owner(request.user, plan)
    if not (owner or selectors.staff_on(request.user, plan)):
        raise PermissionDenied
    form = forms.CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_comment(request.user, text=form.cleaned_data["text"], **target)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Takk! Kommentaren er lagret, og kontaktpersonen din ser den.") if owner
                             else _("Kommentaren er lagret."))
            return redirect(plan_url(plan, anchor))
    intro = _("Skriv med dine egne ord hva du tenker om dette.") if owner else ""
    return form_page(request, plan=plan, form=form, title=_("Skriv en kommentar"), submit=_("Lagre kommentaren"),
                     about=about, intro=intro, cancel=plan_url(plan, anchor))


@login_required
@require_http_methods(["GET", "POST"])
def goal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_or_404(request, pk)
    return _comment_page(request, goal.plan, goal.text, f"mal-{goal.pk}", goal=goal)


@login_required
@require_http_methods(["GET", "POST"])
def step_comment(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    return _comment_page(request, step.goal.plan, step.what, f"delmal-{step.pk}", step=step)
