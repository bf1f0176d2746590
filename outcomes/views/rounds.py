"""The quality-of-life rounds' pages (issue 14, point 1).

* ``/saker/<pk>/livskvalitet/`` (``qol_rounds``): the case's rounds, for its staff (and, read only, the owner);
* ``/saker/<pk>/livskvalitet/ny/`` (``qol_round_create``) and ``/livskvalitet/<pk>/`` (``qol_round_edit``): one form
  with both parts, for the case's staff;
* ``/min-side/livskvalitet/`` (``my_qol_round``): the user's own part, alone, in plain words.

The gate decides (``outcomes.access``): outside it a 404, visible but not for this reader to change a 403. Every
write goes through ``outcomes.rounds``; a read by anyone but the owner goes in the owner's access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from koordinator import access
from koordinator.models import AccessEvent, FollowUp
from koordinator.toolkit import ServiceError
from outcomes import rounds
from outcomes.forms import MyAnswersForm, RoundForm
from outcomes.models import QualityOfLifeRound

# How many of a round's changes its page lists («Endringer», newest first), as the end evaluation's page.
CHANGES_SHOWN = 10


def _case_or_404(request: HttpRequest, pk: int) -> FollowUp:
    """The case, if the reader may see its rounds (its staff, the owner); otherwise a 404."""
    case = access.get_visible_or_404(
        FollowUp.objects.select_related("service_user", "trust_person"), request.user, pk=pk
    )
    if not rounds.reaches_rounds(request.user, case):
        raise Http404
    return case


def _staff_case(request: HttpRequest, pk: int) -> FollowUp:
    case = _case_or_404(request, pk)
    # The owner sees the rounds, but fills in their part on Min side: 403 here.
    if not access.is_case_staff(request.user, case.pk):
        raise PermissionDenied
    return case


def _record_read(request: HttpRequest, case: FollowUp, what) -> None:
    access.record_access(request.user, [case.service_user_id], what, AccessEvent.Channel.WEB)


@login_required
@require_safe
def case_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's rounds, newest first: date, kind, who answered the user's part, how many answered. Two queries
    for the rounds whatever their number."""
    case = _case_or_404(request, pk)
    staff = access.is_case_staff(request.user, case.pk)
    rows = []
    for qol_round in rounds.rounds_for_case(request.user, case):
        objective, subjective = rounds.answered_counts(qol_round)
        rows.append({"round": qol_round, "objective": objective, "subjective": subjective})
    last = rows[0]["round"].taken_on if rows else None
    _record_read(request, case, gettext_lazy("Livskvalitetsrunder"))
    context = {
        "case": case,
        "rows": rows,
        "can_add": staff,
        "due": rounds.is_due(case, last),
        "next_due_on": rounds.next_due_on(case, last),
        "end_round_due": rounds.round_due_at_end(case) if case.status == FollowUp.Status.ENDED else False,
        "objective_total": len(rounds.OBJECTIVE_FIELDS),
        "subjective_total": len(rounds.SUBJECTIVE_FIELDS),
    }
    return render(request, "outcomes/rounds/list.html", context)


def _form_page(
    request, *, case, form, title, submit, kind_label, action, status=200, existing_round=None, changes=()
) -> HttpResponse:
    return render(
        request,
        "outcomes/rounds/form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "submit": submit,
            "kind_label": kind_label,
            "action": action,
            "existing_round": existing_round,
            "changes": changes,
        },
        status=status,
    )


def _round_that_day(case: FollowUp, error: ServiceError, form, exclude_pk: int | None = None):
    """After «Saken har allerede en livskvalitetsrunde …» on the date: that round, for a link to open it."""
    if error.field != "taken_on":
        return None
    day = form.cleaned_data.get("taken_on") or timezone.localdate()
    rows = QualityOfLifeRound.objects.filter(follow_up_id=case.pk, taken_on=day)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.first()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    """«Ny runde»: both parts on one page. The kind follows the rule (``rounds.next_kind``): the case's first round
    is «Ved oppstart», a round on an ended case «Ved avslutning», otherwise «Underveis»."""
    case = _staff_case(request, pk)
    has_rounds = QualityOfLifeRound.objects.filter(follow_up_id=case.pk).exists()
    kind = rounds.next_kind(case, has_rounds)
    form = RoundForm(request.POST if request.method == "POST" else None)
    existing_round = None
    if request.method == "POST" and form.is_valid():
        try:
            rounds.start_round(case, request.user, **form.service_kwargs())
        except ServiceError as error:
            existing_round = _round_that_day(case, error, form)  # before the error takes the date away
            form.add_service_error(error)
        else:
            messages.success(request, _("Livskvalitetsrunden er lagret."))
            return redirect("qol_rounds", case.pk)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Ny livskvalitetsrunde"),
        submit=_("Lagre runden"),
        kind_label=QualityOfLifeRound.Kind(kind).label,
        action=reverse("qol_round_create", args=[case.pk]),
        existing_round=existing_round,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a round: both parts and the date, for the case's staff (the owner: 403; they answer on Min side)."""
    qol_round = access.get_visible_or_404(
        QualityOfLifeRound.objects.select_related("follow_up__service_user", "follow_up__trust_person"),
        request.user,
        pk=pk,
    )
    case = qol_round.follow_up
    if not access.can_change(request.user, qol_round):
        raise PermissionDenied
    form = RoundForm(
        request.POST if request.method == "POST" else None, initial=RoundForm.initial_for(qol_round)
    )
    existing_round = None
    if request.method == "POST" and form.is_valid():
        try:
            rounds.change_round(qol_round, request.user, **form.service_kwargs())
        except ServiceError as error:
            existing_round = _round_that_day(case, error, form, exclude_pk=qol_round.pk)
            form.add_service_error(error)
        else:
            messages.success(request, _("Livskvalitetsrunden er lagret."))
            return redirect("qol_rounds", case.pk)
    _record_read(request, case, gettext_lazy("Livskvalitetsrunde"))
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Endre livskvalitetsrunden"),
        submit=_("Lagre runden"),
        kind_label=qol_round.get_kind_display(),
        action=reverse("qol_round_edit", args=[qol_round.pk]),
        existing_round=existing_round,
        changes=list(
            qol_round.history.select_related("history_user").order_by("-history_date", "-history_id")[
                :CHANGES_SHOWN
            ]
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_qol_round(request: HttpRequest) -> HttpResponse:
    """The user's own part, alone: the 14 questions in plain words, «Hopp over» allowed. Into the open round, or a
    new one today when a round is due; otherwise the page says when the next one comes. Only for a service user
    (404 for anyone else)."""
    if access.actor_for(request.user).service_user_id is None:
        raise Http404
    state = rounds.my_round(request.user)
    initial = {}
    if state.open_round is not None:
        initial = {name: getattr(state.open_round, name) for name in rounds.SUBJECTIVE_FIELDS}
    form = MyAnswersForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and state.can_answer and form.is_valid():
        try:
            rounds.record_my_answers(request.user, form.answers(), case=state.case)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Takk! Svarene dine er lagret."))
            return redirect("my_page")
    elif request.method == "POST" and not state.can_answer:
        messages.info(request, str(rounds.MESSAGES["none_due"]))
        return redirect("my_qol_round")
    return render(request, "outcomes/rounds/my_round.html", {"form": form, "state": state})
