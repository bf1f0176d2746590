"""Goals, steps (with the owner's suggestions) and measures: add, edit, close, archive.

Staff write goals, steps and measures. The owner closes their own steps and proposes new ones (they go to
the coordinator as suggestions). The services decide the finer rules and raise ``PermissionDenied`` (403)
where a reader may not write.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from koordinator import access
from koordinator.services import ServiceError
from plans import forms, selectors, services
from plans.models import Step
from plans.views.common import (
    form_page,
    goal_or_404,
    is_owner,
    measure_or_404,
    plan_or_404,
    plan_url,
    require_staff,
    step_or_404,
)


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _show_warnings(request: HttpRequest, warnings: list[str]) -> None:
    """The services' friendly suggestions (a far due date: split the step?) as info after saving."""
    for warning in warnings:
        messages.info(request, warning)


# --- goals ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.GoalForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.add_goal(request.user, plan, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Målet er lagt til. Legg gjerne til et første lite delmål."))
            return redirect(plan_url(plan, f"mal-{goal.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Nytt mål"), submit=_("Lagre målet"),
                     intro=_("Skriv målet slik brukeren sier det. Det kan være lite eller stort: egen leilighet, "
                             "fikse tennene, se datteren min."))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_or_404(request, pk)
    plan = goal.plan
    require_staff(request.user, plan)
    initial = {"life_area": goal.life_area, "text": goal.text, "in_users_words": goal.in_users_words}
    form = forms.GoalForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(request.user, goal, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Målet er lagret."))
            return redirect(plan_url(plan, f"mal-{goal.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Endre målet"), submit=_("Lagre målet"),
                     cancel=plan_url(plan, f"mal-{goal.pk}"))


@login_required
@require_POST
def goal_archive(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_or_404(request, pk)
    require_staff(request.user, goal.plan)
    try:
        services.archive_goal(request.user, goal)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Målet er tatt ut av planen. Det finnes fortsatt i historikken."))
    return redirect(goal.plan)


# --- steps ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_or_404(request, pk)
    plan = goal.plan
    require_staff(request.user, plan)
    form = forms.StepForm(_data(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            step, warnings = services.add_step(request.user, goal, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Delmålet er lagt til."))
            _show_warnings(request, warnings)
            return redirect(plan_url(plan, f"delmal-{step.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Nytt delmål"), submit=_("Lagre delmålet"),
                     about=goal.text, cancel=plan_url(plan, f"mal-{goal.pk}"),
                     intro=_("Et lite steg med kort frist. Fristen er fire uker fram hvis du ikke velger noe annet."))


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    plan = step.goal.plan
    require_staff(request.user, plan)
    form = forms.StepEditForm(_data(request), plan=plan, step=step)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data.get("status") or None
        if status == step.status:
            status = None
        try:
            step, warnings = services.update_step(request.user, step, status=status, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Delmålet er lagret."))
            _show_warnings(request, warnings)
            return redirect(plan_url(plan, f"delmal-{step.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Endre delmålet"), submit=_("Lagre delmålet"),
                     about=step.goal.text, cancel=plan_url(plan, f"delmal-{step.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def step_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a step: done, not done (or dropped, by staff), with «Hvordan gikk det?»."""
    step = step_or_404(request, pk)
    plan = step.goal.plan
    access.require_change(request.user, step)
    staff = selectors.staff_on(request.user, plan)
    if not staff and step.who_kind != Step.Who.USER:
        raise PermissionDenied
    form = forms.CloseStepForm(_data(request), staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.close_step(request.user, step, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if step.status == Step.Status.DONE:
                messages.success(request, _("Bra jobba! Delmålet er markert som gjort."))
            else:
                messages.success(request, _("Delmålet er avsluttet."))
            return redirect(plan_url(plan, f"mal-{step.goal_id}"))
    return form_page(request, plan=plan, form=form, title=_("Hvordan gikk det?"), submit=_("Lagre"),
                     about=step.what, cancel=plan_url(plan, f"delmal-{step.pk}"))


@login_required
@require_POST
def step_archive(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    require_staff(request.user, step.goal.plan)
    try:
        services.archive_step(request.user, step)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delmålet er tatt ut av planen. Det finnes fortsatt i historikken."))
    return redirect(step.goal.plan)


# --- the owner's suggestions --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner proposes a step under one of their goals; it goes to the coordinator."""
    goal = goal_or_404(request, pk)
    plan = goal.plan
    if not is_owner(request.user, plan):
        raise PermissionDenied
    form = forms.SuggestStepForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            _step, warnings = services.suggest_step(request.user, goal, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Takk! Forslaget er sendt til kontaktpersonen din, som svarer deg."))
            _show_warnings(request, warnings)
            return redirect(plan_url(plan, f"mal-{goal.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Foreslå et nytt delmål"), submit=_("Send forslaget"),
                     about=goal.text, cancel=plan_url(plan, f"mal-{goal.pk}"))


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    require_staff(request.user, step.goal.plan)
    try:
        step, warnings = services.accept_suggestion(request.user, step)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Forslaget er tatt med i planen. Brukeren har fått beskjed."))
        _show_warnings(request, warnings)
        return redirect(plan_url(step.goal.plan, f"delmal-{step.pk}"))
    return redirect(step.goal.plan)


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    step = step_or_404(request, pk)
    plan = step.goal.plan
    require_staff(request.user, plan)
    form = forms.RejectSuggestionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_suggestion(request.user, step, form.cleaned_data["reply"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Brukeren har fått svar på forslaget."))
            return redirect(plan)
    return form_page(request, plan=plan, form=form, title=_("Ikke ta med forslaget"), submit=_("Send svaret"),
                     about=step.what, intro=_("Svar vennlig, og si gjerne hvorfor. Snakk helst med brukeren om det."))


# --- measures -------------------------------------------------------------------------------------------------


MEASURE_INTRO = _("Et tiltak er hjelp eller en tjeneste brukeren får. Et vedtak er en skriftlig avgjørelse om "
                  "tjenesten; med vedtak kan brukeren klage.")


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.MeasureForm(_data(request), plan=plan, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.add_measure(request.user, plan, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Tiltaket er lagt til."))
            return redirect(plan_url(plan, f"tiltak-{measure.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Nytt tiltak"), submit=_("Lagre tiltaket"),
                     intro=str(MEASURE_INTRO), cancel=plan_url(plan, "tiltak"))


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = measure_or_404(request, pk)
    plan = measure.plan
    require_staff(request.user, plan)
    initial = {name: getattr(measure, name) for name in services.MEASURE_FIELDS}
    form = forms.MeasureForm(_data(request), plan=plan, actor=request.user, measure=measure, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_measure(request.user, measure, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Tiltaket er lagret."))
            return redirect(plan_url(plan, f"tiltak-{measure.pk}"))
    return form_page(request, plan=plan, form=form, title=_("Endre tiltaket"), submit=_("Lagre tiltaket"),
                     about=measure.service, intro=str(MEASURE_INTRO), cancel=plan_url(plan, f"tiltak-{measure.pk}"))


@login_required
@require_POST
def measure_archive(request: HttpRequest, pk: int) -> HttpResponse:
    measure = measure_or_404(request, pk)
    require_staff(request.user, measure.plan)
    try:
        services.archive_measure(request.user, measure)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tiltaket er tatt ut av planen. Det finnes fortsatt i historikken."))
    return redirect(plan_url(measure.plan, "tiltak"))
