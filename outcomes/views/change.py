"""«Slik har det gått» (issue 14, point 2): the user's own picture of change on Min side, and the same per case for
staff, with the objective part.

Reads go through the gate (``QualityOfLifeRound.objects.for_user``): partners and other municipalities get its
404. A read by anyone but the owner is written to the owner's access log. One query for the rounds, whatever their
number; the comparison is ``outcomes.change`` and the charts ``outcomes.charts``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from koordinator import access
from koordinator.models import AccessEvent, FollowUp
from outcomes import change, charts
from outcomes.models import QualityOfLifeRound

# What the owner's access log says a staff read was.
READ_WHAT = gettext_lazy("Livskvalitet: slik har det gått")


def reaches_rounds(user, case: FollowUp) -> bool:
    """May ``user`` see the case's rounds, whether or not there are any? The rounds gate's own rule
    (``outcomes.access``): the case's staff and the owner; never a partner."""
    return access.is_case_staff(user, case.pk) or access.is_owner(user, case.service_user_id)


def _chart(c: change.SubjectiveChange) -> str:
    bars = [charts.Bar(capfirst(p.label), p.score, p.words) for p in c.points]
    return charts.bars_over_time(bars, max=5, label=str(c.item.plain))


def _subjective_rows(rounds, today) -> list[dict]:
    return [{"change": c, "chart": _chart(c)} for c in change.subjective_changes(rounds, today=today)]


def _next_round_month(latest_day, today) -> str:
    """The month the next round is about due (``QOL_ROUND_MONTHS`` after the latest), or "" when it is due now."""
    due = change.add_months(latest_day, settings.QOL_ROUND_MONTHS)
    if due <= today:
        return ""
    return change.month_label(due, today=today)


@login_required
@require_safe
def my_change(request: HttpRequest) -> HttpResponse:
    """«Slik har det gått» on Min side: the owner's answers in the first and the latest round (and the one before
    the latest), of the newest case they answered a round in. Two queries beyond the shell's (the roles, the
    rounds)."""
    actor = access.actor_for(request.user)
    if actor.service_user_id is None:
        raise Http404
    today = timezone.localdate()
    rounds = [
        r
        for r in QualityOfLifeRound.objects.for_user(request.user)
        .filter(follow_up__service_user_id=actor.service_user_id)
        .select_related("follow_up__service_user")  # the name on a printout, in the same query
        .order_by("taken_on", "pk")
        if change.has_subjective(r)
    ]
    if rounds:  # the newest case with an answered round: a new case starts a new picture
        case_id = rounds[-1].follow_up_id
        rounds = [r for r in rounds if r.follow_up_id == case_id]
    rows = _subjective_rows(rounds, today)
    single = change.single_round(rounds, today=today)
    picked = change.pick(rounds)
    context = {
        "person": rounds[-1].follow_up.service_user if rounds else None,
        "today": today,
        "rows": rows,
        "single": single,
        "picked": picked,
        "first_when": change.when(picked.first.taken_on, today=today) if picked.first else "",
        "first_label": change.month_label(picked.first.taken_on, today=today) if picked.first else "",
        "latest_label": change.month_label(picked.latest.taken_on, today=today) if picked.latest else "",
        "next_month": _next_round_month((picked.latest or picked.first).taken_on, today)
        if picked.first
        else "",
    }
    return render(request, "outcomes/change/mine.html", context)


@login_required
@require_safe
def case_change(request: HttpRequest, pk: int) -> HttpResponse:
    """«Slik har det gått» for a case: the subjective part as on Min side (in short words for staff) and the
    objective part (O1–O18) then and now. Outside the rounds gate is a 404; a staff read is written to the owner's
    access log."""
    case = access.get_visible_or_404(FollowUp.objects.select_related("service_user"), request.user, pk=pk)
    rounds = list(
        QualityOfLifeRound.objects.for_user(request.user).filter(follow_up=case).order_by("taken_on", "pk")
    )
    if not rounds and not reaches_rounds(request.user, case):
        raise Http404  # a partner who sees the case (the follow-up-log consent): not even whether there are rounds
    access.record_access(request.user, [case.service_user_id], READ_WHAT, AccessEvent.Channel.WEB)
    today = timezone.localdate()
    answered = [r for r in rounds if change.has_subjective(r)]
    picked = change.pick(answered)
    rows = _subjective_rows(answered, today)
    objective_rounds, objective_rows = change.objective_changes(rounds)
    latest = rounds[-1].taken_on if rounds else None
    context = {
        "case": case,
        "person": case.service_user,
        "is_owner": access.is_owner(request.user, case.service_user_id),
        "rounds": rounds,
        "rows": rows,
        "tally": change.tally([row["change"] for row in rows]),
        "single": change.single_round(answered, today=today),
        "picked": picked,
        "first_label": change.month_label(picked.first.taken_on, today=today) if picked.first else "",
        "latest_label": change.month_label(picked.latest.taken_on, today=today) if picked.latest else "",
        "objective_rounds": objective_rounds,
        "objective_rows": objective_rows,
        "objective_compared": len(objective_rounds) > 1,
        "next_month": _next_round_month(latest, today) if latest else "",
        "today": today,
    }
    return render(request, "outcomes/change/case.html", context)
