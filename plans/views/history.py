"""«Min fremgang», the plan's timeline, and restoring an earlier version (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from koordinator.services import ServiceError
from plans import forms, selectors, services
from plans.models import Plan
from plans.views._common import is_owner, plan_or_404, record_read, require_staff

BAR_STEP = 5  # bar widths come in steps of 5 % (CSS classes; the CSP allows no inline styles)


@login_required
@require_safe
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Steps done per month for twelve months as a bar chart in plain HTML/CSS, and this month in words."""
    plan = plan_or_404(request, pk)
    progress = selectors.progress(request.user, plan)
    record_read(request.user, plan, _("Fremgang i planen"))
    bars = [{"month": m, "width": BAR_STEP * round(m.percent / BAR_STEP)} for m in progress.months]
    context = {"plan": plan, "progress": progress, "bars": bars, "is_owner": is_owner(request.user, plan)}
    return render(request, "plans/progress.html", context)


@login_required
@require_safe
def plan_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    versions = selectors.plan_timeline(request.user, plan)
    record_read(request.user, plan, _("Historikk for planen"))
    context = {
        "plan": plan,
        "versions": versions,
        "can_restore": plan.is_editable and selectors.staff_on(request.user, plan),
    }
    return render(request, "plans/timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """«Gjenopprett denne versjonen»: shows the version's texts, restores on a confirmed POST (a new version)."""
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    values = selectors.plan_version_values(request.user, plan, history_id)
    if values is None:
        raise Http404
    form = forms.RestoreForm(request.POST if request.method == "POST" else None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.restore_plan_version(request.user, plan, history_id,
                                                 based_on_version=form.cleaned_data["version"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Versjon %(old)s er gjenopprettet som versjon %(new)s.")
                             % {"old": values["version"], "new": plan.version})
            return redirect(plan)
    if request.method == "GET":
        record_read(request.user, plan, _("Historikk for planen"))
    rows = [
        {"label": Plan._meta.get_field(name).verbose_name, "then": values[name], "now": getattr(plan, name)}
        for name in Plan.RESTORABLE_FIELDS
    ]
    context = {"plan": plan, "form": form, "rows": rows, "old_version": values["version"],
               "history_id": history_id}
    return render(request, "plans/restore.html", context)
