"""«Min fremgang», the plan's timeline, and restoring an earlier version (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from koordinator.services import ServiceError
from plans import forms, selectors, services
from plans.models import Plan
from plans.views.common import is_owner, plan_or_404, record_read, require_staff

BAR_STEP = 5  # bar widths come in steps of 5 % (CSS classes; the CSP allows no inline styles)


@login_required
@require_safe
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Steps done per month for twelve months as a bar chart in plain HTML/CSS, and this month in words."""
    plan = plan_or_404(request, pk)
    progress = selectors.progress(request.user, plan)
    record_read(request.user, plan, gettext_lazy("Fremgang i planen"))
    bars = [{"month": m, "width": BAR_STEP * round(m.percent / BAR_STEP)} for m in progress.months]
    context = {"plan": plan, "progress": progress, "bars": bars, "is_owner": is_owner(request.user, plan)}
    return render(request, "plans/progress.html", context)


@login_required
@require_safe
def plan_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    versions = selectors.plan_timeline(request.user, plan)
    record_read(request.user, plan, gettext_lazy("Historikk for planen"))
    return timeline_page(
        request, document=plan, versions=versions, title=_("Historikk for planen"),
        owner_name=plan.follow_up.service_user.full_name, back_url=reverse("plan_detail", args=[plan.pk]),
        restore_url_name="plan_restore", can_restore=plan.is_editable and selectors.staff_on(request.user, plan),
    )


def timeline_page(request: HttpRequest, *, document, versions: list[selectors.PlanVersion], title: str,
                  owner_name: str, back_url: str, restore_url_name: str, can_restore: bool) -> HttpResponse:
    """The timeline of a living document (a plan, a crisis plan): ``plans/timeline.html``."""
    for version in versions:
        version.restore_url = reverse(restore_url_name, args=[document.pk, version.history_id])
    context = {"plan": document, "versions": versions, "title": title, "owner_name": owner_name,
               "back_url": back_url, "can_restore": can_restore}
    return render(request, "plans/timeline.html", context)


def restore_page(request: HttpRequest, *, document, history_id: int, values: dict, fields: tuple[str, ...],
                 restore, timeline_url: str, intro: str, record) -> HttpResponse:
    """«Gjenopprett denne versjonen» for a living document: shows the version's values next to the current ones,
    and on a confirmed POST calls ``restore(version)`` (a service that makes a new version and returns the
    document). ``record()`` writes the read to the access log on GET."""
    form = forms.RestoreForm(request.POST if request.method == "POST" else None,
                             initial={"version": document.version})
    if request.method == "POST" and form.is_valid():
        try:
            document = restore(form.cleaned_data["version"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Versjon %(old)s er gjenopprettet som versjon %(new)s.")
                             % {"old": values["version"], "new": document.version})
            return redirect(document)
    if request.method == "GET":
        record()
    model = type(document)
    rows = [
        {"label": model._meta.get_field(name).verbose_name, "then": values[name], "now": getattr(document, name)}
        for name in fields
    ]
    context = {"plan": document, "form": form, "rows": rows, "old_version": values["version"],
               "history_id": history_id, "timeline_url": timeline_url, "intro": intro}
    return render(request, "plans/restore.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """«Gjenopprett denne versjonen»: shows the version's texts, restores on a confirmed POST (a new version)."""
    plan = plan_or_404(request, pk)
    require_staff(request.user, plan)
    values = selectors.plan_version_values(request.user, plan, history_id)
    if values is None:
        raise Http404
    return restore_page(
        request, document=plan, history_id=history_id, values=values, fields=Plan.RESTORABLE_FIELDS,
        restore=lambda version: services.restore_plan_version(request.user, plan, history_id,
                                                              based_on_version=version),
        timeline_url=reverse("plan_timeline", args=[plan.pk]),
        intro=_("Tekstene, perioden og revisjonsdatoen blir som i denne versjonen. Det blir en ny versjon av "
                "planen; versjon %(version)s og alt før finnes fortsatt i historikken. Mål, delmål og tiltak "
                "endres ikke.") % {"version": plan.version},
        record=lambda: record_read(request.user, plan, gettext_lazy("Historikk for planen")),
    )
