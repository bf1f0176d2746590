"""The leader's «Oppbevaring og sletting» (``/leder/oppbevaring/``): what of the municipality's ended cases passes its
retention period in the next 30 days (and when), the legal holds in force, the last runs with their counts, and the
forms that place and lift a hold.

Only a leader of the municipality sees it (anyone else: 404, as the leader's other pages; a municipality that is not
theirs: 404). The names shown (the persons of the cases listed) are read through the gate and go to the persons'
access logs as a list (once a day); the hold pages name one person and log the read each time. A fixed number of
queries, whatever the number of cases (``retention.engine.rows_for``; ``engine.amounts``: one per step of the kinds
shown, so a case lists only the kinds that have something, with how many rows).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from koordinator import access
from koordinator.models import AccessEvent, FollowUp, Membership, Municipality
from koordinator.toolkit import ServiceError
from retention import engine, kinds, services
from retention.forms import PERSON, HoldForm, LiftForm
from retention.models import LegalHold, RetentionRun

PAGE_SIZE = 25
HOLDS_SHOWN = 100
RUNS_SHOWN = 5

LISTED = gettext_lazy("Navnet ditt i lederens liste over det som snart slettes etter oppbevaringstiden")
HOLD_READ = gettext_lazy("Slettestopp for opplysningene dine")

STATE_WORDS = {
    engine.DUE: gettext_lazy("slettes ved neste kjøring"),
    engine.HELD: gettext_lazy("slettestopp: slettes ikke"),
    engine.OTHER_CASE: gettext_lazy("venter: personen har en annen sak som er åpen eller har åpen dør"),
}


def _municipalities(request: HttpRequest) -> tuple[list[Municipality], Municipality]:
    """The leader's municipalities and the one chosen (``?kommune=``; the first without one). Not a leader, or a
    municipality that is not theirs: 404."""
    ids = access.actor_for(request.user).leader_municipality_ids
    if not ids:
        raise Http404
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name", "pk"))
    value = (request.GET.get("kommune") or request.POST.get("kommune") or "").strip()
    if not value:
        return municipalities, municipalities[0]
    chosen = next((m for m in municipalities if str(m.pk) == value), None)
    if chosen is None:
        raise Http404
    return municipalities, chosen


def _overview_url(municipality: Municipality, municipalities: list) -> str:
    url = reverse("retention_overview")
    return url if municipality == municipalities[0] else f"{url}?{urlencode({'kommune': municipality.pk})}"


def _item_text(item: engine.Item) -> str:
    if item.state in STATE_WORDS:
        return str(STATE_WORDS[item.state])
    return _("slettes fra %(date)s") % {"date": f"{item.due_on:%d.%m.%Y}"}


def _grouped(row: engine.Row, amounts: dict) -> list[tuple[str, list[str], list[str]]]:
    """What goes when, one line per date («slettes fra 04.12.2026»: logg og avtaler (12), plan (3); om personen:
    kriseplan (2)): the case's kinds and the person's (on the person's last case), each with how many rows, in the
    order of the kinds. A kind with nothing in it is left out."""
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for item in row.items:
        count = amounts.get((item.kind.key, item.follow_up_id, row.case.service_user_id), 0)
        if not count:
            continue
        case, person = groups.setdefault(_item_text(item), ([], []))
        (case if item.follow_up_id is not None else person).append(
            _("%(kind)s (%(count)s)") % {"kind": item.kind.short_label, "count": count})
    return [(text, case, person) for text, (case, person) in groups.items()]


def _placers(holds: list[LegalHold], municipality: Municipality) -> set[int]:
    """Who of those who placed the holds is a leader in this municipality (their names are shown; anyone else placed
    it as the administrator, and is shown as that)."""
    placers = {hold.placed_by_id for hold in holds}
    return set(Membership.objects.filter(user_id__in=placers, role=Membership.Role.LEADER,
                                         organisation__municipality=municipality)
               .values_list("user_id", flat=True)) if placers else set()


def _runs(municipality: Municipality) -> list[dict]:
    """The last runs, with this municipality's numbers only."""
    labels = kinds.labels()
    runs = []
    for run in RetentionRun.objects.order_by("-started_at", "-pk")[:RUNS_SHOWN]:
        mine = (run.counts or {}).get("municipalities", {}).get(str(municipality.pk), {})
        parts = [(str(labels.get(key, key)), c.get("rows", 0), c.get("history", 0)) for key, c in mine.items()]
        runs.append({"run": run, "parts": parts, "rows": sum(p[1] for p in parts),
                     "history": sum(p[2] for p in parts)})
    return runs


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    municipalities, municipality = _municipalities(request)
    today = timezone.localdate()
    cases = FollowUp.objects.for_user(request.user).filter(municipality=municipality)
    page = Paginator(engine.expiring_cases(cases, today), PAGE_SIZE).get_page(request.GET.get("side"))
    found = engine.rows_for(list(page.object_list), today)
    amounts = engine.amounts(found)
    rows = [{"row": row, "groups": _grouped(row, amounts)} for row in found]
    holds_qs = LegalHold.objects.for_user(request.user).in_force().filter(municipality=municipality)
    holds = list(holds_qs.select_related("follow_up__service_user", "service_user", "placed_by")
                 .order_by("-placed_at", "-pk")[:HOLDS_SHOWN])
    holds_total = len(holds) if len(holds) < HOLDS_SHOWN else holds_qs.count()
    leaders = _placers(holds, municipality)
    held = {hold.follow_up_id for hold in holds if hold.follow_up_id}
    named = {row["row"].case.service_user_id for row in rows}
    named |= {hold.service_user_id or hold.follow_up.service_user_id for hold in holds}
    access.record_access(request.user, named, LISTED, AccessEvent.Channel.WEB, listing=True)
    context = {
        "municipalities": municipalities,
        "municipality": municipality,
        "overview_url": _overview_url(municipality, municipalities),
        "page": page,
        "rows": rows,
        "held_cases": held,
        "holds": [{"hold": hold, "target": services.target_text(hold),
                   "person": (hold.service_user or hold.follow_up.service_user).full_name,
                   "placed_by": hold.placed_by.display_name if hold.placed_by_id in leaders else _("Administrator")}
                  for hold in holds],
        "holds_total": holds_total,
        "runs": _runs(municipality),
        "horizon": today + datetime.timedelta(days=engine.HORIZON_DAYS),
        "horizon_days": engine.HORIZON_DAYS,
        "kinds": kinds.all_kinds(),
    }
    return render(request, "retention/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hold_create(request: HttpRequest) -> HttpResponse:
    """Place a hold on a case of the municipality, or on its whole person."""
    municipalities, municipality = _municipalities(request)
    back = _overview_url(municipality, municipalities)
    initial = {"case": (request.GET.get("sak") or "").strip()[:20]}
    form = HoldForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["case"]
        case = FollowUp.objects.for_user(request.user).filter(pk=number, municipality=municipality) \
            .select_related("service_user").first()
        if case is None:
            form.add_error("case", _("Fant ingen sak med nummer %(number)s i %(municipality)s.")
                           % {"number": number, "municipality": municipality.name})
        else:
            whole_person = form.cleaned_data["target"] == PERSON
            try:
                services.place_hold(request.user, reason=form.cleaned_data["reason"],
                                    follow_up=None if whole_person else case,
                                    service_user=case.service_user if whole_person else None)
            except ServiceError as error:
                form.add_service_error(error, {"target": "target", "reason": "reason"})
            else:
                if whole_person:
                    messages.success(request, _("Slettestopp er satt for alt om personen i sak %(number)s. "
                                                "Ingenting om personen slettes før stoppen oppheves.")
                                     % {"number": case.pk})
                else:
                    messages.success(request, _("Slettestopp er satt for sak %(number)s. Ingenting i saken slettes "
                                                "før stoppen oppheves.") % {"number": case.pk})
                return redirect(back)
    context = {"form": form, "municipality": municipality, "municipalities": municipalities, "back": back}
    return render(request, "retention/hold_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a hold of the municipality, with a reason."""
    ids = access.actor_for(request.user).leader_municipality_ids
    if not ids:
        raise Http404
    hold = LegalHold.objects.for_user(request.user).filter(pk=pk, municipality_id__in=sorted(ids)) \
        .select_related("follow_up__service_user", "service_user", "municipality").first()
    if hold is None:
        raise Http404
    person = hold.service_user or hold.follow_up.service_user
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name", "pk"))
    back = _overview_url(hold.municipality, municipalities)
    form = LiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_hold(request.user, hold, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Slettestoppen er opphevet (%(target)s). Det som har passert "
                                        "oppbevaringstiden, slettes ved neste kjøring.")
                             % {"target": services.target_text(hold)})
            return redirect(back)
    access.record_access(request.user, [person.pk], HOLD_READ, AccessEvent.Channel.WEB)
    context = {"form": form, "hold": hold, "person": person, "target": services.target_text(hold), "back": back}
    return render(request, "retention/hold_lift.html", context)
