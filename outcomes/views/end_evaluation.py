"""The end-of-follow-up evaluation for the case's staff: read it (``/saker/<pk>/sluttevaluering/``) and change it
while the case is ended (``…/endre/``). It is written when the case ends, on the ending page (``outcomes.end_evaluation``).

Behind the gate: the case's staff and the owner read it (the owner on Min side, in plain words); a partner never does,
whatever their consent: for them the page does not exist (404). Reads by staff go to the owner's access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from koordinator import access
from koordinator.models import AccessEvent, FollowUp
from koordinator.toolkit import ServiceError
from outcomes import end_evaluation
from outcomes.end_evaluation import EndEvaluationForm

# What the owner's access log says about a read of the evaluation.
READ = gettext_lazy("Sluttevaluering")
# How many of the evaluation's changes the page lists (newest first).
CHANGES_SHOWN = 10


def _case_or_404(request: HttpRequest, pk: int) -> FollowUp:
    qs = FollowUp.objects.select_related("service_user", "unit")
    return access.get_visible_or_404(qs, request.user, pk=pk)


def _record_read(request: HttpRequest, case: FollowUp) -> None:
    """A read by anyone but the owner goes to the owner's access log (``record_access`` leaves the owner out)."""
    access.record_access(request.user, [case.service_user_id], READ, AccessEvent.Channel.WEB)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    evaluation = end_evaluation.evaluation_for(request.user, case)
    if not end_evaluation.page_opens(request.user, case, evaluation):
        raise Http404
    changes = []
    if evaluation is not None:
        changes = list(
            evaluation.history.select_related("history_user").order_by("-history_date", "-history_id")[
                :CHANGES_SHOWN
            ]
        )
        _record_read(request, case)
    context = {
        "case": case,
        "evaluation": evaluation,
        "changes": changes,
        "may_write": end_evaluation.may_write(request.user, case),
        "is_owner": access.is_owner(request.user, case.service_user_id),
        "user_gone": not end_evaluation.asks_user_part(case.ending_reason),
        "offers_end_round": end_evaluation.offers_end_round(request.user, case),
    }
    return render(request, "outcomes/end/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    evaluation = end_evaluation.evaluation_for(request.user, case)
    if not access.is_case_staff(request.user, case.pk):
        # The owner sees it (read-only: 403); for anyone else it does not exist.
        if evaluation is not None:
            raise PermissionDenied
        raise Http404
    page = reverse("end_evaluation", args=[case.pk])
    if case.status != FollowUp.Status.ENDED:
        messages.info(
            request, _("Oppfølgingen er ikke avsluttet. Sluttevalueringen kan endres når den avsluttes.")
        )
        return redirect(page if evaluation is not None else case.get_absolute_url())
    initial = EndEvaluationForm.initial_from(evaluation) if evaluation is not None else None
    form = EndEvaluationForm(
        request.POST if request.method == "POST" else None, reason=case.ending_reason, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            end_evaluation.save_end_evaluation(request.user, case, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Sluttevalueringen er lagret. Brukeren kan lese den på Min side."))
            return redirect(page)
    if evaluation is not None:
        _record_read(request, case)
    context = {"case": case, "evaluation": evaluation, "form": form}
    return render(request, "outcomes/end/edit.html", context, status=200)
