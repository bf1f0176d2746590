"""Continuity pages: appointments, absences, the deputy's handover, standing deputies, coverage gaps,
and the permanent change of trust person. Thin views: the rules are in ``koordinator.continuity``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koordinator import access, continuity
from koordinator.continuity_forms import (
    AbsenceForm,
    AppointmentForm,
    CancelAppointmentForm,
    ChangeTrustPersonForm,
    MoveAppointmentForm,
    StandingDeputyForm,
    add_decision_fields,
    decisions_from,
    planned_outcome,
    staff_of_leader,
)
from koordinator.models import Absence, AccessEvent, Appointment, DeputyArrangement, FollowUp
from koordinator.services import ServiceError


def _require_worker(request: HttpRequest) -> None:
    if not access.actor_for(request.user).is_staff_worker:
        raise Http404


def _require_leader(request: HttpRequest) -> None:
    if not access.actor_for(request.user).leader_municipality_ids:
        raise Http404


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- appointments --------------------------------------------------------------------------------------------


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    days = continuity.appointments_for_worker(request.user, continuity.first_day_from(request.GET.get("fra")))
    return render(request, "koordinator/continuity/appointments.html", {"days": days})


@login_required
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible_or_404(FollowUp.objects.select_related("service_user", "trust_person"),
                                     request.user, pk=pk)
    access.require_change(request.user, case)
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            continuity.create_appointment(
                request.user, case, starts_at=form.starts_at(), place=form.cleaned_data["place"],
                place_detail=form.cleaned_data["place_detail"], about=form.cleaned_data["about"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ServiceError as error:
            form.add_service_error(error, {"starts_at": "day"})
        else:
            messages.success(request, _("Avtalen er lagret. Brukeren får en påminnelse kvelden før."))
            return redirect(case)
    return render(request, "koordinator/continuity/appointment_form.html", {"case": case, "form": form})


def _appointment_or_404(request: HttpRequest, pk: int) -> Appointment:
    qs = Appointment.objects.select_related("service_user", "trust_person", "follow_up")
    appointment = access.get_visible_or_404(qs, request.user, pk=pk)
    access.require_change(request.user, appointment)
    return appointment


def _no_longer_live(request: HttpRequest, appointment: Appointment) -> HttpResponse | None:
    if appointment.status in Appointment.LIVE_STATUSES:
        return None
    messages.info(request, _("Avtalen er allerede avlyst eller gjennomført."))
    return redirect(appointment.follow_up)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    if done := _no_longer_live(request, appointment):
        return done
    form = CancelAppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        continuity.cancel_appointment(request.user, appointment, form.cleaned_data["note"])
        messages.success(request, _("Avtalen er avlyst, og brukeren får beskjed."))
        return redirect(_safe_next(request, appointment.follow_up.get_absolute_url()))
    return render(request, "koordinator/continuity/appointment_cancel.html",
                  {"appointment": appointment, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_or_404(request, pk)
    if done := _no_longer_live(request, appointment):
        return done
    form = MoveAppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            continuity.move_appointment(request.user, appointment, form.starts_at(), form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error, {"starts_at": "day"})
        else:
            messages.success(request, _("Avtalen er flyttet, og brukeren får beskjed."))
            return redirect(_safe_next(request, appointment.follow_up.get_absolute_url()))
    return render(request, "koordinator/continuity/appointment_move.html",
                  {"appointment": appointment, "form": form})


# --- absences --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def absences(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    today = timezone.localdate()
    visible = Absence.objects.for_user(request.user).active().filter(ends_on__gte=today).select_related("person")
    changeable = set(Absence.objects.for_user(request.user, "change").values_list("pk", flat=True))
    return render(request, "koordinator/continuity/absences.html",
                  {"absences": visible.order_by("starts_on", "pk"), "changeable": changeable})


@login_required
@require_http_methods(["GET", "POST"])
def absence_register(request: HttpRequest) -> HttpResponse:
    """Two steps, without JavaScript: fill in the absence; see the gaps and the appointments; confirm."""
    _require_worker(request)
    form = AbsenceForm(request.POST or None, actor=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        person = form.chosen_person()
        try:
            gaps, in_period = continuity.preview_absence(
                request.user, person, form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
            )
        except PermissionDenied:
            form.add_error("person" if "person" in form.fields else None,
                           _("Du kan bare registrere fravær for deg selv."))
        else:
            # The appointments and the users without cover shown name users: in their access log, as in the API's
            # preview (once a day).
            access.record_access(request.user, [a.service_user_id for a in in_period]
                                 + [gap.case.service_user_id for gap in gaps],
                                 gettext_lazy("Avtaler (før registrering av fravær)"), AccessEvent.Channel.WEB,
                                 listing=True)
            covers = continuity.absence_covers(person, form.cleaned_data["starts_on"], form.cleaned_data["ends_on"],
                                               in_period)
            ordered = [covers[a.pk] for a in in_period]
            add_decision_fields(form, ordered, confirming="confirm" in request.POST)
            if "confirm" in request.POST and form.is_valid():
                try:
                    result = continuity.register_absence(
                        request.user, person,
                        kind=form.cleaned_data["kind"], starts_on=form.cleaned_data["starts_on"],
                        ends_on=form.cleaned_data["ends_on"], note=form.cleaned_data["note"],
                        announce_return=form.cleaned_data["announce_return"], decisions=decisions_from(form),
                    )
                except ServiceError as error:
                    form.add_service_error(error)
                else:
                    _report_absence(request, result)
                    return redirect("absences")
            preview = {"gaps": gaps, "appointments": in_period, "person": person,
                       "own_gaps": [g for g in gaps if g.case.trust_person_id == person.pk],
                       "covered_gaps": [g for g in gaps if g.case.trust_person_id != person.pk],
                       "deputy_away": any(not c.deputy_free for c in covers.values()),
                       "outcome": planned_outcome(form, ordered),
                       "kind": dict(form.fields["kind"].choices).get(form.cleaned_data.get("kind"), ""),
                       "starts_on": form.cleaned_data["starts_on"], "ends_on": form.cleaned_data["ends_on"],
                       "started": form.cleaned_data["starts_on"] <= timezone.localdate()}
    return render(request, "koordinator/continuity/absence_form.html", {"form": form, "preview": preview})


def _report_absence(request: HttpRequest, result: continuity.AbsenceResult) -> None:
    if result.announced:
        messages.success(request, _("Fraværet er registrert. Brukerne får beskjed nå om hvem de kan kontakte."))
    else:
        messages.success(request, _("Fraværet er registrert. Brukerne får beskjed dagen før det begynner."))
    if result.covered or result.cancelled:
        messages.info(request, ngettext(
            "%(covered)s avtale er gitt til stedfortreder eller en kollega, %(cancelled)s er avlyst. Brukerne det "
            "gjelder, har fått beskjed nå.",
            "%(covered)s avtaler er gitt til stedfortreder eller en kollega, %(cancelled)s er avlyst. Brukerne det "
            "gjelder, har fått beskjed nå.",
            len(result.covered),
        ) % {"covered": len(result.covered), "cancelled": len(result.cancelled)})
    if result.gaps:
        # Once, naming who is affected (not the same reason once per user).
        names = ", ".join(gap.case.service_user.full_name for gap in result.gaps)
        text = ngettext(
            "Ingen dekning for %(count)s bruker: %(names)s. Brukeren får vakttelefonen som kontakt.",
            "Ingen dekning for %(count)s brukere: %(names)s. De får vakttelefonen som kontakt.",
            len(result.gaps),
        ) % {"count": len(result.gaps), "names": names}
        if access.actor_for(request.user).leader_municipality_ids:
            text = f"{text} {_('Under «Dekning» kan du gi dem en annen stedfortreder.')}"
        messages.warning(request, text)


@login_required
@require_POST
def absence_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    absence = access.get_visible_or_404(Absence.objects.select_related("person"), request.user, pk=pk)
    access.require_change(request.user, absence)
    continuity.cancel_absence(request.user, absence)
    messages.success(request, _("Fraværet er slettet."))
    return redirect("absences")


@login_required
@require_GET
def handover(request: HttpRequest) -> HttpResponse:
    _require_worker(request)
    return render(request, "koordinator/continuity/handover.html",
                  {"handovers": continuity.handovers_for(request.user)})


# --- the leader's pages --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deputies(request: HttpRequest) -> HttpResponse:
    _require_leader(request)
    form = StandingDeputyForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            continuity.set_standing_deputy(request.user, form.cleaned_data["trust_person"],
                                           form.cleaned_data["deputy"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Fast stedfortreder er lagret."))
            return redirect("deputies")
    elif request.method == "POST":
        messages.error(request, _("Velg tillitsperson og stedfortreder fra listene."))
    staff = list(staff_of_leader(request.user))
    current = {
        a.trust_person_id: a.deputy
        for a in DeputyArrangement.objects.filter(trust_person__in=staff).select_related("deputy")
    }
    rows = [(person, current.get(person.pk)) for person in staff]
    return render(request, "koordinator/continuity/deputies.html", {"rows": rows, "staff": staff})


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    _require_leader(request)
    report = continuity.coverage_gaps(request.user)
    # The users named on the page go in their access log, as in the API's coverage (once a day).
    access.record_access(request.user, [case.service_user_id for case, _mine, _theirs in report.uncovered],
                         gettext_lazy("Dekningsoversikt"), AccessEvent.Channel.WEB, listing=True)
    return render(request, "koordinator/continuity/coverage.html", {"report": report})


@login_required
@require_http_methods(["GET", "POST"])
def change_trust_person(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible_or_404(FollowUp.objects.select_related("service_user", "trust_person", "unit"),
                                     request.user, pk=pk)
    if not access.leads(request.user, case.municipality_id):
        raise PermissionDenied
    form = ChangeTrustPersonForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            continuity.change_trust_person(request.user, case, form.cleaned_data["trust_person"],
                                           form.cleaned_data["handover_note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Ny tillitsperson er satt. Brukeren får beskjed med navnet."))
            return redirect(case)
    access.record_access(request.user, [case.service_user], gettext_lazy("Bytte av tillitsperson"),
                         AccessEvent.Channel.WEB)
    return render(request, "koordinator/continuity/change_trust_person.html", {"case": case, "form": form})
