"""The plan page, creating a plan, editing its texts (with the conflict page), and its status.

Thin views: reads go through ``plans.selectors`` and the gate, writes through ``plans.services``. Outside the
gate is 404; a reader who may not do what a page does gets 403.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from koordinator import access
from koordinator.models import Consent, FollowUp
from koordinator.toolkit import ServiceError, pages
from plans import access as plans_access
from plans import forms, selectors, services
from plans.models import LifeArea, Plan, Step
from plans.views.common import form_page, is_owner, plan_or_404, plan_url, record_read, require_staff

# --- creating a plan, and the owner's own plan -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_for_case(request: HttpRequest, pk: int) -> HttpResponse:
    """«Individuell plan» from the case page: the open plan if there is one, otherwise offer to make a draft."""
    case = access.get_visible_or_404(FollowUp.objects.select_related("service_user"), request.user, pk=pk)
    if not plans_access.reaches_case(request.user, case.pk):  # the case page's link asks the same
        raise Http404  # e.g. a partner without the plan scope: not even whether there is a plan
    current = selectors.current_plan(request.user, case)
    if current is not None:
        return redirect(current)
    can_create = access.can_change(request.user, case) and case.status != FollowUp.Status.ENDED
    form = forms.PlanTextForm(request.POST if request.method == "POST" else None,
                              plan=Plan(follow_up=case), staff=True, initial={"version": 1})
    for name in list(form.fields):
        if name != "own_words":
            del form.fields[name]
    if request.method == "POST":
        access.require_change(request.user, case)
        if form.is_valid():
            try:
                plan = services.create_plan(request.user, case, own_words=form.cleaned_data["own_words"])
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Utkastet til planen er laget. Legg til mål og delmål sammen med "
                                            "brukeren."))
                return redirect(plan)
    context = {"case": case, "form": form, "can_create": can_create,
               "earlier": selectors.plans_for_case(request.user, case)}
    return render(request, "plans/create.html", context)


def _own_plan(request: HttpRequest) -> Plan | None:
    if access.actor_for(request.user).service_user_id is None:
        raise Http404
    return selectors.plan_for_owner(request.user)


@login_required
@require_safe
def my_plan(request: HttpRequest) -> HttpResponse:
    """«Min plan» from Min side."""
    plan = _own_plan(request)
    if plan is None:
        return render(request, "plans/no_plan.html")
    return redirect(plan)


@login_required
@require_safe
def my_progress(request: HttpRequest) -> HttpResponse:
    """«Min fremgang» from Min side."""
    plan = _own_plan(request)
    if plan is None:
        return render(request, "plans/no_plan.html")
    return redirect("plan_progress", plan.pk)


# --- the plan page ------------------------------------------------------------------------------------------------


def _goal_groups(page: selectors.PlanPage) -> list[tuple[str, list]]:
    """Goals grouped by life area, areas in the order their first goal has in the plan."""
    groups: dict[str, list] = {}
    for view in page.goals:
        groups.setdefault(view.goal.life_area, []).append(view)
    return [(LifeArea(area).label, views) for area, views in groups.items()]


def _note_targets(request: HttpRequest, page: selectors.PlanPage) -> tuple[set[int], set[int]]:
    """Which steps and measures the reader may write progress notes on, without a query per row."""
    steps = [v.step for g in page.goals for v in g.steps + g.closed_steps]
    measures = [v.measure for v in page.measures]
    if not page.plan.is_editable:
        return set(), set()
    if page.is_staff:
        return {s.pk for s in steps}, {m.pk for m in measures}
    actor = access.actor_for(request.user)
    if not actor.is_partner:
        return set(), set()
    step_ids = {s.pk for s in steps if services.is_responsible_partner(request.user, s)}
    measure_ids = {m.pk for m in measures if services.is_responsible_partner(request.user, m)}
    if not (step_ids or measure_ids):
        return set(), set()
    # The owner's consent with the plan scope is what lets a partner in at all (the request's list, no query).
    if not access.has_consent(request.user, page.case.service_user_id, Consent.Scope.PLAN):
        return set(), set()
    return step_ids, measure_ids


@login_required
@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.plan_page(request.user, pk)
    plan = page.plan
    record_read(request.user, plan, gettext_lazy("Individuell plan"))
    note_steps, note_measures = _note_targets(request, page)
    # The suggestions name their goal; set it from the goals already read rather than a query each.
    goals = {view.goal.pk: view.goal for view in page.goals}
    for step in page.suggestions:
        step.goal = goals[step.goal_id]
    context = {
        "page": page,
        "plan": plan,
        "goal_groups": _goal_groups(page),
        "note_steps": note_steps,
        "note_measures": note_measures,
        "is_partner_reader": not (page.is_staff or page.is_owner),
        "revision_form": forms.RevisionForm() if page.is_staff and plan.status == Plan.Status.ACTIVE else None,
        "consent_form": forms.PlanConsentForm() if page.is_staff and plan.status == Plan.Status.DRAFT
        and not plan.has_consent else None,
        "user_step": Step.Who.USER,
    }
    return render(request, "plans/detail.html", context)


# --- editing the texts, and the conflict page ---------------------------------------------------------------------


def conflict_words() -> pages.ConflictWords:
    return pages.ConflictWords(title=_("Planen ble endret mens du skrev"), back_label=_("Tilbake til planen"),
                               save_label=_("Lagre"))


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _conflict_page(request: HttpRequest, conflict: services.PlanConflict, staff: bool, form) -> HttpResponse:
    plan = conflict.plan
    return conflict_page(
        request, conflict, form,
        make_form=lambda initial: forms.PlanTextForm(plan=plan, staff=staff, initial=initial),
        back_url=reverse("plan_detail", args=[plan.pk]), action_url=reverse("plan_edit", args=[plan.pk]),
    )


def conflict_page(request: HttpRequest, conflict: services.PlanConflict, form, *, make_form, back_url: str,
                  action_url: str) -> HttpResponse:
    """Both texts side by side; nothing typed is lost (the plan and the crisis plan use the same page).

    The toolkit's three-way merge against the version the editor started from; ``make_form(initial)`` builds the
    form to save again.
    """
    base = pages.base_record(conflict)

    def values(name: str) -> tuple:
        before = getattr(base, name) if base is not None else None
        return conflict.submitted.get(name), conflict.current.get(name), before

    merged, rows = pages.merge(form.text_names, values, lambda name: form.fields[name].label)
    for row in rows:
        row["mine"], row["stored"] = _shown(row["mine"]), _shown(row["stored"])
    return pages.conflict_response(
        request, conflict, words=conflict_words(), rows=rows, form=make_form({**merged, "version": conflict.current_version}),
        fields_template="plans/_fields.html", back_url=back_url, action_url=action_url, stylesheet="css/plans.css",
        plan=conflict.document,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's texts. The version the editor started from goes along as a hidden field."""
    plan = plan_or_404(request, pk)
    access.require_change(request.user, plan)
    staff = selectors.staff_on(request.user, plan)
    if not plan.is_editable:
        messages.info(request, _("Planen kan ikke endres nå."))
        return redirect(plan)
    form = forms.PlanTextForm(request.POST if request.method == "POST" else None, plan=plan, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(request.user, plan, form.cleaned_data["version"], **form.changes())
        except services.PlanConflict as conflict:
            return _conflict_page(request, conflict, staff, form)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Planen er lagret."))
            return redirect(plan)
    return render(request, "plans/edit.html", {"plan": plan, "form": form, "staff": staff})


# --- status: consent, activate, decline, re-offer, end, revise ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's consent to the plan: given by the owner here, or recorded by staff (paper or oral)."""
    plan = plan_or_404(request, pk)
    access.require_change(request.user, plan)
    owner = is_owner(request.user, plan)
    form = None if owner else forms.PlanConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = {} if form is None else {"given_how": form.cleaned_data["given_how"],
                                        "given_on": form.cleaned_data["given_on"]}
        try:
            services.record_plan_consent(request.user, plan, **data)
        except ServiceError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect(plan)
            form.add_service_error(error, {"consent_given_how": "given_how", "consent_given_on": "given_on"})
        else:
            messages.success(request, _("Takk, samtykket til planen er registrert.") if owner
                             else _("Samtykket til planen er registrert."))
            return redirect(plan)
    if form is None:
        return render(request, "plans/owner_consent.html", {"plan": plan})
    return form_page(request, plan=plan, form=form, title=_("Registrer samtykke til planen"),
                     submit=_("Registrer samtykket"),
                     intro=_("Planen kan tas i bruk når brukeren har samtykket til den."))


@login_required
@require_http_methods(["GET", "POST"])
def plan_activate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.ActivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activate_plan(request.user, plan, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Planen er tatt i bruk. Brukeren har fått beskjed."))
            return redirect(plan)
    intro = _("Brukeren får beskjed om at planen er klar, og når dere skal gå gjennom den sammen igjen.")
    if not plan.has_consent:
        intro = _("Brukeren har ikke samtykket til planen ennå. Registrer samtykket først.")
    return form_page(request, plan=plan, form=form, title=_("Ta planen i bruk"), submit=_("Ta planen i bruk"),
                     intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def plan_decline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_plan(request.user, plan, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Registrert at brukeren takket nei. Planen kan tilbys på nytt senere."))
            return redirect(plan)
    return form_page(request, plan=plan, form=form, title=_("Brukeren takket nei til planen"),
                     submit=_("Registrer at brukeren takket nei"),
                     intro=_("Det er lov å si nei. Skriv gjerne hva brukeren sa, så det er lettere å spørre "
                             "igjen senere."))


@login_required
@require_POST
def plan_reoffer(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    try:
        services.reoffer_plan(request.user, plan)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Planen er tilbudt på nytt og er et utkast igjen."))
    return redirect(plan)


@login_required
@require_http_methods(["GET", "POST"])
def plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.EndPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_plan(request.user, plan, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Planen er avsluttet."))
            return redirect(plan)
    return form_page(request, plan=plan, form=form, title=_("Avslutt planen"), submit=_("Avslutt planen"),
                     intro=_("Planen kan fortsatt leses etterpå. Brukeren får beskjed hvis planen var i bruk."))


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """«Revider planen»: when, who took part, what changed, and the next revision date."""
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    form = forms.RevisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_plan(request.user, plan, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Revisjonen er registrert. Brukeren har fått beskjed."))
            return redirect(plan_url(plan, "periode"))
    return form_page(request, plan=plan, form=form, title=_("Revider planen"), submit=_("Registrer revisjonen"),
                     intro=_("Gå gjennom planen sammen med brukeren. Skriv hva som ble endret og når dere ser på "
                             "den igjen."))

