"""The crisis plan pages (*kriseplan*, «Plan B»), under ``planer/kriseplan/``.

Thin views: reads through ``plans.crisis.selectors`` and the gate, writes through ``plans.crisis.services``.
Outside the gate is 404; a reader who may not do what a page does gets 403. The conflict page, the timeline and
the restore page are the individual plan's (``plans.views.pages.conflict_page``, ``plans.views.history``).

Emergency access: a member of an emergency service (legevakt) finds the user by full name and exact birth date
(``nodtilgang/``), states a reason, and is let in to the crisis plan only, for a limited time.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from koordinator import access
from koordinator.models import AccessEvent, ServiceUser
from koordinator.services import ServiceError
from koordinator.toolkit.pages import pdf_response
from plans.crisis import forms, selectors, services
from plans.crisis.pdf import FULL, POCKET, render_crisis_pdf
from plans.models import CrisisContact, CrisisPlan
from plans.services import PlanConflict
from plans.views.history import restore_page, timeline_page
from plans.views.pages import conflict_page


def _plan_or_404(request: HttpRequest, pk: int) -> CrisisPlan:
    return selectors.get_visible(request.user, pk)


def _contact_or_404(request: HttpRequest, pk: int) -> CrisisContact:
    return access.get_visible_or_404(CrisisContact.objects.select_related("crisis_plan__service_user"),
                                     request.user, pk=pk)


def _emergency_what(what) -> str:
    """«… (nødtilgang)» in the access log (composed in its one language: ``access.record_access``)."""
    return _("%(what)s (nødtilgang)") % {"what": what}


def _record(request: HttpRequest, crisis_plan: CrisisPlan, what) -> None:
    """A read by anyone but the owner goes to the owner's access log, with the reason for an emergency reader."""
    grant = None
    if not (services.is_staff(request.user, crisis_plan) or services.is_consented_partner(request.user, crisis_plan)):
        grant = services.active_grant(request.user, crisis_plan.service_user_id)
    if grant is not None:
        what = partial(_emergency_what, what)
    access.record_access(request.user, [crisis_plan.service_user_id], what, AccessEvent.Channel.WEB,
                         reason=grant.reason if grant else "")


def _require_staff(request: HttpRequest, crisis_plan: CrisisPlan) -> None:
    if not services.is_staff(request.user, crisis_plan):
        raise PermissionDenied


def _url(crisis_plan: CrisisPlan, anchor: str = "") -> str:
    url = reverse("crisis_plan_detail", args=[crisis_plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_page(request: HttpRequest, *, crisis_plan: CrisisPlan, form, title: str, submit: str, intro: str = "",
               cancel: str = "") -> HttpResponse:
    context = {"crisis_plan": crisis_plan, "form": form, "title": title, "submit": submit, "intro": intro,
               "cancel": cancel or _url(crisis_plan)}
    return render(request, "plans/crisis/form.html", context)


# --- finding the plan: from the case, and the owner's own --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def crisis_plan_for_user(request: HttpRequest, pk: int) -> HttpResponse:
    """«Kriseplan» from the case page (``pk`` is the service user): the current plan, or offer to make one."""
    su = access.get_visible_or_404(ServiceUser.objects.all(), request.user, pk=pk)
    opening = selectors.opening_for(request.user, su.pk)  # the case page's link asks the same
    if opening is None:
        raise Http404
    if opening.current is not None:
        return redirect(opening.current)
    return _create_page(request, su)


@login_required
@require_http_methods(["GET", "POST"])
def my_crisis_plan(request: HttpRequest) -> HttpResponse:
    """«Kriseplanen min» from Min side."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        raise Http404
    current = selectors.own_crisis_plan(request.user)
    if current is not None:
        return redirect(current)
    return _create_page(request, ServiceUser.objects.get(pk=service_user_id))


def _create_page(request: HttpRequest, su: ServiceUser) -> HttpResponse:
    is_owner = access.is_owner(request.user, su.pk)
    staff = services.is_staff(request.user, CrisisPlan(service_user=su))
    if not (staff or is_owner):
        # Someone who sees the person but not a crisis plan learns nothing about whether there is one.
        raise Http404
    if request.method == "POST":
        try:
            crisis_plan = services.create_crisis_plan(request.user, su)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Kriseplanen er laget. Skriv den sammen, med brukerens egne ord."))
            return redirect("crisis_plan_edit", crisis_plan.pk)
    context = {"service_user": su, "can_create": True, "is_owner": is_owner,
               "earlier": selectors.earlier_for(request.user, su.pk), "form": forms.VersionForm()}
    return render(request, "plans/crisis/create.html", context)


# --- the page ----------------------------------------------------------------------------------------------------


@login_required
@require_safe
def crisis_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.crisis_plan_page(request.user, pk)
    what = gettext_lazy("Kriseplan")
    if page.grant is not None:
        what = partial(_emergency_what, what)
    access.record_access(request.user, [page.owner.pk], what, AccessEvent.Channel.WEB,
                         reason=selectors.access_reason(page))
    return render(request, "plans/crisis/detail.html", {"page": page, "crisis_plan": page.crisis_plan})


@login_required
@require_http_methods(["GET", "POST"])
def crisis_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The texts; the version the editor started from goes along as a hidden field (a stale one: the merge page)."""
    crisis_plan = _plan_or_404(request, pk)
    access.require_change(request.user, crisis_plan)
    staff = services.is_staff(request.user, crisis_plan)
    if not crisis_plan.is_editable:
        messages.info(request, _("Kriseplanen er arkivert og kan ikke endres."))
        return redirect(crisis_plan)
    form = forms.CrisisPlanForm(request.POST if request.method == "POST" else None, crisis_plan=crisis_plan,
                                staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_crisis_plan(request.user, crisis_plan, form.cleaned_data["version"], **form.changes())
        except PlanConflict as conflict:
            return conflict_page(
                request, conflict, form,
                make_form=lambda initial: forms.CrisisPlanForm(crisis_plan=crisis_plan, staff=staff,
                                                               initial=initial),
                back_url=_url(crisis_plan), action_url=reverse("crisis_plan_edit", args=[crisis_plan.pk]),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Kriseplanen er lagret."))
            return redirect(crisis_plan)
    return render(request, "plans/crisis/edit.html", {"crisis_plan": crisis_plan, "form": form, "staff": staff})


# --- contacts ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    crisis_plan = _plan_or_404(request, pk)
    access.require_change(request.user, crisis_plan)
    form = forms.ContactForm(request.POST if request.method == "POST" else None,
                             initial={"version": crisis_plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(request.user, crisis_plan, based_on_version=form.cleaned_data["version"],
                                 **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Kontakten er lagt til nederst i listen."))
            return redirect(_url(crisis_plan, "ring"))
    return _form_page(request, crisis_plan=crisis_plan, form=form, title=_("Legg til en kontakt"),
                      submit=_("Legg til kontakten"),
                      intro=_("Hvem skal ringes, og når kan de nås? Kontakten min nå, legevakten og 113 står "
                              "alltid med og trenger ikke legges til."))


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    crisis_plan = contact.crisis_plan
    access.require_change(request.user, contact)
    initial = {"name": contact.name, "role": contact.role, "phone": contact.phone, "note": contact.note,
               "reachable": contact.reachable, "version": crisis_plan.version}
    form = forms.ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(request.user, contact, based_on_version=form.cleaned_data["version"],
                                    **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Kontakten er lagret."))
            return redirect(_url(crisis_plan, "ring"))
    return _form_page(request, crisis_plan=crisis_plan, form=form,
                      title=_("Endre kontakten %(name)s") % {"name": contact.name}, submit=_("Lagre"))


def _contact_action(request: HttpRequest, pk: int, act) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    access.require_change(request.user, contact)
    form = forms.VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        message = act(contact, version)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect(_url(contact.crisis_plan, "ring"))


@login_required
@require_POST
def contact_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in ("opp", "ned"):
        raise Http404

    def act(contact, version):
        services.move_contact(request.user, contact, "up" if direction == "opp" else "down",
                              based_on_version=version)
        return _("%(name)s er flyttet.") % {"name": contact.name}

    return _contact_action(request, pk, act)


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    def act(contact, version):
        services.remove_contact(request.user, contact, based_on_version=version)
        return _("%(name)s er fjernet fra listen. Det står fortsatt i historikken.") % {"name": contact.name}

    return _contact_action(request, pk, act)


# --- sign-off, archive ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def crisis_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """«Jeg har lest kriseplanen og er enig»: staff and partners in the app, the owner in the portal."""
    crisis_plan = _plan_or_404(request, pk)
    if not services.may_sign_off(request.user, crisis_plan):
        raise PermissionDenied
    form = forms.VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.sign_off(request.user, crisis_plan, based_on_version=version)
    except PlanConflict:
        messages.error(request, _("Kriseplanen er endret siden du åpnet den. Les den nye versjonen før du "
                                  "bekrefter."))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Takk, du har bekreftet kriseplanen."))
    return redirect(_url(crisis_plan, "bekreftet"))


@login_required
@require_http_methods(["GET", "POST"])
def crisis_paper_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record that the user signed the plan on paper."""
    crisis_plan = _plan_or_404(request, pk)
    _require_staff(request, crisis_plan)
    form = forms.PaperSignOffForm(request.POST if request.method == "POST" else None,
                                  initial={"version": crisis_plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_paper_sign_off(request.user, crisis_plan, signed_on=form.cleaned_data["signed_on"],
                                           based_on_version=form.cleaned_data["version"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Brukerens underskrift på papir er registrert."))
            return redirect(_url(crisis_plan, "bekreftet"))
    return _form_page(
        request, crisis_plan=crisis_plan, form=form, title=_("Brukeren har skrevet under på papir"),
        submit=_("Registrer underskriften"),
        intro=_("Registrer at %(name)s har lest og skrevet under på versjon %(version)s av kriseplanen. Gi "
                "brukeren en kopi.") % {"name": crisis_plan.service_user.full_name, "version": crisis_plan.version},
    )


@login_required
@require_http_methods(["GET", "POST"])
def crisis_plan_archive(request: HttpRequest, pk: int) -> HttpResponse:
    crisis_plan = _plan_or_404(request, pk)
    _require_staff(request, crisis_plan)
    form = forms.ArchiveForm(request.POST if request.method == "POST" else None,
                             initial={"version": crisis_plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_crisis_plan(request.user, crisis_plan, based_on_version=form.cleaned_data["version"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Kriseplanen er arkivert. Den kan fortsatt leses, og en ny kan lages."))
            return redirect(crisis_plan)
    return _form_page(request, crisis_plan=crisis_plan, form=form, title=_("Arkiver kriseplanen"),
                      submit=_("Arkiver"),
                      intro=_("Ingenting slettes. Planen kan fortsatt leses, men ikke endres."))


# --- PDFs ---------------------------------------------------------------------------------------------------------


def _pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return pdf_response(*render_crisis_pdf(request.user, pk, kind))


@login_required
@require_GET
def crisis_plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, FULL)


@login_required
@require_GET
def crisis_pocket_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, POCKET)


# --- history -------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def crisis_plan_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    crisis_plan = _plan_or_404(request, pk)
    versions = selectors.timeline(request.user, crisis_plan)
    _record(request, crisis_plan, gettext_lazy("Historikk for kriseplanen"))
    return timeline_page(
        request, document=crisis_plan, versions=versions, title=_("Historikk for kriseplanen"),
        owner_name=crisis_plan.service_user.full_name, back_url=_url(crisis_plan),
        restore_url_name="crisis_plan_restore",
        can_restore=crisis_plan.is_editable and services.is_staff(request.user, crisis_plan),
    )


@login_required
@require_http_methods(["GET", "POST"])
def crisis_plan_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    crisis_plan = _plan_or_404(request, pk)
    _require_staff(request, crisis_plan)
    values = selectors.version_values(request.user, crisis_plan, history_id)
    if values is None:
        raise Http404
    return restore_page(
        request, document=crisis_plan, history_id=history_id, values=values, fields=CrisisPlan.RESTORABLE_FIELDS,
        restore=lambda version: services.restore_crisis_plan_version(request.user, crisis_plan, history_id,
                                                                     based_on_version=version),
        timeline_url=reverse("crisis_plan_timeline", args=[crisis_plan.pk]),
        intro=_("Tekstene og datoen for neste gjennomgang blir som i denne versjonen. Det blir en ny versjon av "
                "kriseplanen; versjon %(version)s og alt før finnes fortsatt i historikken. Kontaktene endres "
                "ikke.") % {"version": crisis_plan.version},
        record=lambda: _record(request, crisis_plan, gettext_lazy("Historikk for kriseplanen")),
    )


# --- emergency access ------------------------------------------------------------------------------------------------


def _require_emergency_member(request: HttpRequest) -> None:
    """The search is for members of an emergency service only; anyone else gets a 404 (it does not exist)."""
    if not services.is_emergency_member(request.user):
        raise Http404


@login_required
@require_safe
def emergency_search(request: HttpRequest) -> HttpResponse:
    """Find a person's crisis plan by full name and exact birth date, then state why you must open it."""
    _require_emergency_member(request)
    form = forms.EmergencySearchForm(request.GET if "full_name" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = services.find_for_emergency(request.user, form.cleaned_data["full_name"],
                                                  form.cleaned_data["birth_date"])
        except ServiceError as error:
            form.add_service_error(error)
    context = {"form": form, "results": results, "reason_form": forms.EmergencyReasonForm(),
               "hours": services.emergency_access_hours(),
               "organisations": services.emergency_organisations(request.user)}
    return render(request, "plans/crisis/emergency_search.html", context)


@login_required
@require_POST
def emergency_open(request: HttpRequest) -> HttpResponse:
    """Open the crisis plan with a reason. The name and birth date go along and are matched again, so the form
    cannot be used to open a plan the search did not find."""
    _require_emergency_member(request)
    search = forms.EmergencySearchForm(request.POST)
    if not search.is_valid():
        raise Http404
    found = services.find_for_emergency(request.user, search.cleaned_data["full_name"],
                                        search.cleaned_data["birth_date"])
    try:
        su = next(su for su in found if str(su.pk) == request.POST.get("service_user", ""))
    except StopIteration:
        raise Http404 from None
    reason_form = forms.EmergencyReasonForm(request.POST)
    reason_form.is_valid()
    try:
        services.open_emergency_access(request.user, su, reason_form.cleaned_data.get("reason", ""))
    except ServiceError as error:
        reason_form.add_service_error(error)
        context = {"form": search, "results": found, "reason_form": reason_form, "chosen": su.pk,
                   "hours": services.emergency_access_hours(),
                   "organisations": services.emergency_organisations(request.user)}
        return render(request, "plans/crisis/emergency_search.html", context, status=400)
    crisis_plan = selectors.current_for(request.user, su.pk)
    messages.warning(request, _("Du har nødtilgang til kriseplanen i %(hours)s timer. Personen og kontaktpersonen "
                                "har fått beskjed.") % {"hours": services.emergency_access_hours()})
    return redirect(crisis_plan)
