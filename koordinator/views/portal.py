"""The service user's own pages: *Min side*, the access log, giving consent, and my contact details.

Only a logged-in service user has these pages; for anyone else they do not exist (404). Everything is
read through the access gate and written through ``koordinator.services``.
"""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from koordinator import access, continuity, outbox, services
from koordinator.models import (
    AccessEvent,
    Appointment,
    Consent,
    FollowUp,
    Handover,
    ServiceUser,
    User,
)
from koordinator.portal_forms import ContactForm, PortalConsentForm
from koordinator.sections import MY_PAGE, MY_PAGE_FIRST, render_sections
from koordinator.timeutil import day_bounds

ACCESS_LOG_PAGE_SIZE = 50
# The newest few; the rest are one click away on «Varsler», so the page stays short however many messages arrive.
MY_PAGE_MESSAGES = 3


def _own_service_user(request) -> ServiceUser:
    """The logged-in user's own service-user record, through the gate; 404 for anyone without one."""
    actor = access.actor_for(request.user)
    if actor.service_user_id is None:
        raise Http404
    return access.get_visible_or_404(ServiceUser.objects, request.user, pk=actor.service_user_id)


def _add_service_error(form: forms.BaseForm, error: services.ServiceError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- Min side ---------------------------------------------------------------------------------------------

# The case status as the user reads it: what it means for them, not the office's word for it.
STATUS_TEXT = {
    FollowUp.Status.INTAKE: _(
        "Oppfølgingen din er i oppstart. Vi blir kjent og finner ut sammen hva du trenger."
    ),
    FollowUp.Status.ACTIVE: _("Du får oppfølging nå."),
    FollowUp.Status.DORMANT: _(
        "Oppfølgingen din er satt på pause. Du kan ta kontakt når du vil, så starter vi igjen."
    ),
    FollowUp.Status.ENDED: _("Oppfølgingen din er avsluttet."),
}

# Valid consents first: those are the ones the user may want to act on.
_STATE_ORDER = {"valid": 0, "future": 1, "expired": 2, "withdrawn": 3}


def _upcoming_appointments(user: User, service_user: ServiceUser, first: datetime.date | None = None) -> list[dict]:
    """The user's live appointments for seven days from ``first`` (today), each with a plain day word when it is
    near; «Neste uke» shows the seven after.

    Today's stay on the list all day: a visit at 10.00 that a deputy took over is still worth seeing at 10.30.
    """
    today = timezone.localdate()
    first = first or today
    appointments = (
        Appointment.objects.for_user(user)
        .upcoming()
        .filter(service_user=service_user)
        .between(first, first + datetime.timedelta(days=continuity.DAYS_SHOWN - 1))
        .select_related("trust_person", "original_trust_person")
        .order_by("starts_at", "pk")
    )
    near = {today: _("I dag"), today + datetime.timedelta(days=1): _("I morgen")}
    return [
        {
            "appointment": appointment,
            "day": near.get(timezone.localtime(appointment.starts_at).date()),
            # A deputy covering: the user is told who comes instead of whom.
            "instead_of": appointment.original_trust_person
            if appointment.original_trust_person_id
            and appointment.original_trust_person_id != appointment.trust_person_id
            else None,
        }
        for appointment in appointments
    ]


def _next_appointment(user: User, service_user: ServiceUser) -> dict | None:
    """The user's next live appointment (from the start of today, however far ahead), for the top of Min side.

    One query on the (service user, start) index.
    """
    today = timezone.localdate()
    appointment = (
        Appointment.objects.for_user(user)
        .upcoming()
        .filter(service_user=service_user, starts_at__gte=day_bounds(today)[0])
        .select_related("trust_person", "original_trust_person")
        .order_by("starts_at", "pk")
        .first()
    )
    if appointment is None:
        return None
    near = {today: _("I dag"), today + datetime.timedelta(days=1): _("I morgen")}
    return {
        "appointment": appointment,
        "day": near.get(timezone.localtime(appointment.starts_at).date()),
        "instead_of": appointment.original_trust_person
        if appointment.original_trust_person_id and appointment.original_trust_person_id != appointment.trust_person_id
        else None,
    }


def _notice(case: FollowUp) -> str:
    """The case's note to the user, unless it only says again what the card already says: the status, and who the
    trust person is. The note is kept as it was written («Du kan ta kontakt med Ingrid Moe når du vil»), so shown
    on a day Ingrid is away it would send the user to someone who is not there; «Kontakten din nå» says who is."""
    notice = (case.user_notice or "").strip()
    template = services.STATUS_NOTICES.get(case.status)
    repeats = {str(STATUS_TEXT[case.status]).strip()}
    if template:
        repeats.add(str(template % {"worker": case.trust_person.display_name}).strip())
    return "" if notice in repeats else notice


def _latest_handovers(cases: list[FollowUp]) -> dict[int, Handover]:
    """The latest handover note of each case, in one query."""
    if not cases:
        return {}
    latest: dict[int, Handover] = {}
    for handover in (
        Handover.objects.filter(follow_up__in=[case.pk for case in cases])
        .select_related("created_by", "from_person", "to_person")
        .order_by("-created_at", "-pk")
    ):
        latest.setdefault(handover.follow_up_id, handover)
    return latest


@require_safe
@login_required
def my_page(request):
    service_user = _own_service_user(request)
    # The owner's cases, newest first: read once in the request, for the sections below too.
    cases = continuity.owner_cases(request.user)
    open_cases = [case for case in cases if case.status != FollowUp.Status.ENDED]
    # With no open case, the most recently ended one still matters: its notice says who took over
    # and how long the door stays open.
    ended = sorted(
        (case for case in cases if case.status == FollowUp.Status.ENDED),
        key=lambda case: (case.ended_on or datetime.date.min, case.pk),
        reverse=True,
    )
    shown_cases = open_cases or ended[:1]
    # Only a case without a deputy of its own has the standing deputy of its trust person (``effective_deputy``).
    standing = continuity.standing_deputies({case.trust_person_id for case in shown_cases if not case.deputy_id})
    handovers = _latest_handovers(shown_cases)
    # A coming absence of the trust person: who covers then, by the same rule as «Kontakten din nå».
    # «Kontakten din nå»: the one rule for whom the user should contact today. The case card below says the same:
    # a trust person who is away is shown as away, not as someone to call. About the newest open case, open_cases[0]
    # (``continuity.my_contact_now``'s case: the gate shows the owner every case of their own), with the standing
    # deputies read above; with it, the coming absences (one query for both).
    contact, coming = continuity.contacts_now_and_coming(open_cases, standing)
    away = contact is not None and contact.role != "primary"
    # A deputy with no phone of their own is reached through the service, as the absence notice says.
    unit = open_cases[0].unit if open_cases else None
    service_phone = (unit.duty_phone or unit.phone) if unit else ""
    consents = sorted(
        Consent.objects.for_user(request.user)
        .filter(owner=service_user)
        .select_related("grantee_user", "grantee_organisation"),
        key=lambda consent: (_STATE_ORDER[consent.state], consent.valid_until),
    )
    first_day = continuity.first_day_from(request.GET.get("fra"))
    # One more than shown tells whether there are older ones, without counting them.
    notes = list(outbox.inbox(request.user)[:MY_PAGE_MESSAGES + 1])
    appointments = _upcoming_appointments(request.user, service_user, first_day)
    # From today the first of the seven days' appointments is the next one (the same query's first row); else, or
    # when there is none this week, the next is looked for however far ahead.
    if appointments and first_day == timezone.localdate():
        next_appointment = dict(appointments[0])
    else:
        next_appointment = _next_appointment(request.user, service_user)
    return render(
        request,
        "koordinator/portal/my_page.html",
        {
            "service_user": service_user,
            "contact": contact,
            "service_phone": service_phone,
            "next_appointment": next_appointment,
            "appointments": appointments,
            # The seven days shown, for the «Neste uke» and «Forrige uke» links.
            "appointment_days": continuity.AppointmentDays(first_day, timezone.localdate(), []),
            "notes": notes[:MY_PAGE_MESSAGES],
            "older_notes": len(notes) > MY_PAGE_MESSAGES,
            "cases": [
                {
                    "case": case,
                    "status_text": STATUS_TEXT[case.status],
                    "deputy": continuity.effective_deputy(case, standing),
                    "coming": coming.get(case.pk),
                    "handover": handovers.get(case.pk),
                    "notice": _notice(case),
                    # The trust person is away today: «Kontakten din nå» names who to contact instead.
                    "away_until": contact.until if away and case.pk == open_cases[0].pk else None,
                }
                for case in shown_cases
            ],
            "consents": consents,
            # The apps' parts through the registry: first the plan's next steps and the crisis plan, right after
            # «Kontakten din nå» and the next appointment; further down the next meeting.
            "first_sections": render_sections(request, MY_PAGE_FIRST),
            "sections": render_sections(request, MY_PAGE),
        },
    )


# --- Hvem har sett opplysningene mine ------------------------------------------------------------------


@require_safe
@login_required
def access_log(request):
    _own_service_user(request)
    events = AccessEvent.objects.for_user(request.user).order_by("-at", "-pk")
    page = Paginator(events, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "koordinator/portal/access_log.html", {"page": page})


# --- Gi nytt samtykke ------------------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def give_consent(request):
    service_user = _own_service_user(request)
    form = PortalConsentForm(request.POST or None, service_user=service_user)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.give_consent(
                request.user,
                service_user,
                scopes=form.cleaned_data["scopes"],
                valid_until=form.cleaned_data["valid_until"],
                given_how=Consent.GivenHow.PORTAL,
                **form.grantee_kwargs(),
            )
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Samtykket er lagret. %(who)s kan nå se det du valgte.") % {"who": consent.grantee_name},
            )
            return redirect("my_page")
    return render(request, "koordinator/portal/give_consent.html", {"form": form})


# --- Mine opplysninger --------------------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_contact(request):
    service_user = _own_service_user(request)
    # The form works on a copy, so a refused change never touches the object the service reads.
    form = ContactForm(request.POST or None, instance=copy.copy(service_user))
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in services.OWNER_EDITABLE_FIELDS}
        changes["language"] = changes["language"] or service_user.language
        try:
            services.update_service_user(request.user, service_user, **changes)
        except services.ServiceError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Opplysningene dine er lagret."))
            return redirect("my_page")
    return render(request, "koordinator/portal/edit_contact.html", {"form": form})
