"""A follow-up case: its page, status changes, ending, assigning workers, and its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koordinator import access, continuity, followup_log, selectors, services
from koordinator.forms import AssignForm, EndFollowUpForm, StatusForm
from koordinator.models import AccessEvent, FollowUp
from koordinator.sections import CASE_LINKS, page_links

Status = FollowUp.Status

# What the button says for each move: a verb, not a status name.
TRANSITION_LABELS = {
    (Status.INTAKE, Status.ACTIVE): gettext_lazy("Start oppfølgingen"),
    (Status.ACTIVE, Status.DORMANT): gettext_lazy("Sett oppfølgingen på pause"),
    (Status.DORMANT, Status.ACTIVE): gettext_lazy("Start oppfølgingen igjen"),
    (Status.ENDED, Status.ACTIVE): gettext_lazy("Gjenåpne oppfølgingen"),
}
TIMELINE_PAGE_SIZE = 100


def _case_or_404(request: HttpRequest, pk: int) -> FollowUp:
    qs = FollowUp.objects.select_related(
        "service_user", "unit", "trust_person", "deputy", "referral_agency", "taken_over_by"
    )
    return access.get_visible_or_404(qs, request.user, pk=pk)


def _is_leader_for(user, case: FollowUp) -> bool:
    return access.leads(user, case.municipality_id)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    can_change = access.can_change(request.user, case)
    transitions = [
        (status, TRANSITION_LABELS.get((case.status, status), Status(status).label))
        for status in case.allowed_transitions()
        if status != Status.ENDED  # ending has its own page with its own facts
    ]
    access.record_access(request.user, [case.service_user], gettext_lazy("Oppfølgingssak"), AccessEvent.Channel.WEB)
    is_open = case.status != Status.ENDED
    can_assign = can_change and _is_leader_for(request.user, case)
    context = {
        "case": case,
        "can_change": can_change,
        "can_assign": can_assign,
        "can_change_trust_person": can_assign and is_open,
        "can_add_appointment": can_change and is_open,
        "transitions": transitions if can_change else [],
        "continuity": selectors.case_continuity(request.user, case, can_change=can_change),
        # The «Logg» section: the latest entries, the quick-entry link, contacts per month (issue 5).
        "log": followup_log.case_log(request.user, case, can_change=can_change),
        # The apps' parts of the case: the plan, the crisis plan, the responsibility group (koordinator.sections).
        "case_links": page_links(request, CASE_LINKS, case=case),
    }
    return render(request, "koordinator/cases/detail.html", context)


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    access.require_change(request.user, case)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg en gyldig status."))
        return redirect(case)
    try:
        case = services.change_status(request.user, case, form.cleaned_data["status"])
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Status er endret til «%(status)s».") % {"status": case.get_status_display()})
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    access.require_change(request.user, case)
    if request.method == "GET" and case.status == Status.ENDED:
        messages.info(request, _("Oppfølgingen er allerede avsluttet."))
        return redirect(case)
    # With the apps' parts of ending (koordinator.ending: the end-of-follow-up evaluation), saved in one transaction.
    form = EndFollowUpForm(request.POST if request.method == "POST" else None, actor=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.end_follow_up(request.user, case, **form.service_kwargs())
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            done = _("Oppfølgingen er avsluttet. Brukeren ser beskjeden på sin side.")
            # What the apps' parts say is left to do (outcomes: the last quality-of-life round), with a link.
            more = [line for part in form.parts if (line := part.after_ending(case))]
            messages.success(request, format_html_join(" ", "{}", [(done,), *((line,) for line in more)]))
            return redirect(case)
    return render(request, "koordinator/cases/end.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's own deputy. A new trust person has its own page (``change_trust_person``): it is a
    permanent change that needs a handover note, and mixing the two on one form hid that."""
    case = _case_or_404(request, pk)
    # Only a leader in the case's municipality assigns; others who can see the case are refused.
    if not _is_leader_for(request.user, case):
        raise PermissionDenied
    access.require_change(request.user, case)
    standing = continuity.standing_deputies([case.trust_person_id]).get(case.trust_person_id)
    form = AssignForm(request.POST if request.method == "POST" else None, case=case, standing_deputy=standing)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["deputy"] == case.deputy:
            messages.info(request, _("Du endret ingenting."))
            return redirect(case)
        try:
            services.assign(
                request.user,
                case,
                trust_person=case.trust_person,
                deputy=form.cleaned_data["deputy"],
                note=form.cleaned_data["note"],
            )
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Stedfortreder for saken er lagret."))
            return redirect(case)
    context = {"case": case, "form": form, "standing_deputy": standing,
               "can_change_trust_person": case.status != Status.ENDED}
    return render(request, "koordinator/cases/assign.html", context)


@login_required
@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    entries = selectors.case_timeline(request.user, case)
    page = Paginator(entries, TIMELINE_PAGE_SIZE).get_page(request.GET.get("side"))
    access.record_access(
        request.user, [case.service_user], gettext_lazy("Historikk for oppfølgingen"), AccessEvent.Channel.WEB
    )
    return render(request, "koordinator/cases/timeline.html", {"case": case, "page": page})
