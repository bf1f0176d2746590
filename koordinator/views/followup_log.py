"""The follow-up log pages: the case's log, the quick entry, the full entry, edit, archive; the user's own
view of what is logged about them (*innsyn*); the leader's activity figures.

Thin views: the rules are in ``koordinator.followup_log``. Reads go through the gate; reads by anyone but the
owner go in the owner's access log (the owner reading their own log is not an access event).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from koordinator import access, followup_log
from koordinator.followup_log_forms import QUICK_FIELDS, ArchiveEntryForm, EntryForm, QuickEntryForm
from koordinator.models import AccessEvent, FollowUp, FollowUpEntry
from koordinator.services import ServiceError
from koordinator.views.paging import one_query_page

LOG_PAGE_SIZE = 25
MY_LOG_PAGE_SIZE = 25

CASE_RELATED = ("service_user", "unit", "trust_person", "deputy")


def _case_or_404(request: HttpRequest, pk: int) -> FollowUp:
    return access.get_visible_or_404(FollowUp.objects.select_related(*CASE_RELATED), request.user, pk=pk)


def _entry_or_404(request: HttpRequest, pk: int) -> FollowUpEntry:
    qs = FollowUpEntry.objects.select_related(*(f"follow_up__{name}" for name in CASE_RELATED), "service")
    return access.get_visible_or_404(qs, request.user, pk=pk)


def _log_url(case: FollowUp | int) -> str:
    return reverse("followup_log", args=[case.pk if isinstance(case, FollowUp) else case])


# --- the case's log --------------------------------------------------------------------------------------------


@login_required
@require_GET
def case_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Every live entry of the case, newest first, a page at a time. A fixed number of queries per page."""
    case = _case_or_404(request, pk)
    can_change = access.can_change(request.user, case)
    page = one_query_page(followup_log.entries_for_case(request.user, case), LOG_PAGE_SIZE, request.GET.get("side"))
    access.record_access(request.user, [case.service_user_id], gettext_lazy("Kontaktlogg"), AccessEvent.Channel.WEB)
    context = {"case": case, "page": page, "can_change": can_change}
    return render(request, "koordinator/followup_log/log.html", context)


def _writable_case(request: HttpRequest, pk: int) -> FollowUp:
    case = _case_or_404(request, pk)
    # Visible but read-only (the owner, a partner): 403.
    access.require_change(request.user, case)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def entry_quick(request: HttpRequest, pk: int) -> HttpResponse:
    """*Skriv i loggen*: four fields, big targets, works one-handed on a phone and without JavaScript."""
    case = _writable_case(request, pk)
    form = QuickEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            followup_log.create_entry(request.user, case, **form.service_kwargs())
        except ServiceError as error:
            if error.field in form.fields or not error.field:
                form.add_service_error(error)
            else:
                # Something only the full form asks for (which service, for «fulgt til avtale»): the full
                # form, with what was typed and the message next to the missing field.
                return _full_form_with_error(request, case, error)
        else:
            messages.success(request, _("Lagret i loggen."))
            return redirect(_log_url(case))
    return render(request, "koordinator/followup_log/quick.html", {"case": case, "form": form})


def _full_form_with_error(request: HttpRequest, case: FollowUp, error: ServiceError) -> HttpResponse:
    form = EntryForm(request.POST, actor=request.user, case=case)
    form.is_valid()
    form.add_service_error(error, EntryForm.FIELD_MAP)
    return render(request, "koordinator/followup_log/form.html", _create_context(case, form))


def _create_context(case: FollowUp, form: EntryForm) -> dict:
    return {"case": case, "form": form, "title": _("Ny loggføring"), "submit": _("Lagre i loggen"),
            "action": reverse("followup_entry_create", args=[case.pk])}


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The full entry (*Flere detaljer*). Coming from the quick form, what was typed there is filled in."""
    case = _writable_case(request, pk)
    from_quick = request.method == "POST" and "fra_hurtig" in request.POST
    if from_quick:
        initial = {name: request.POST.get(name, "") for name in QUICK_FIELDS}
        form = EntryForm(actor=request.user, case=case, initial={k: v for k, v in initial.items() if v != ""})
    else:
        form = EntryForm(request.POST if request.method == "POST" else None, actor=request.user, case=case)
    if request.method == "POST" and not from_quick and form.is_valid():
        try:
            followup_log.create_entry(request.user, case, **form.service_kwargs(),
                                      next_appointment=form.next_appointment())
        except ServiceError as error:
            form.add_service_error(error, EntryForm.FIELD_MAP)
        else:
            messages.success(request, _("Lagret i loggen.") if not form.next_appointment()
                             else _("Lagret i loggen, og neste avtale er laget. Brukeren får en påminnelse."))
            return redirect(_log_url(case))
    return render(request, "koordinator/followup_log/form.html", _create_context(case, form))


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    access.require_change(request.user, entry)
    case = entry.follow_up
    if entry.archived_at is not None:
        raise Http404
    if request.method == "POST":
        form = EntryForm(request.POST, actor=request.user, case=case, with_next=False)
    else:
        form = EntryForm(actor=request.user, case=case, with_next=False, initial=EntryForm.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            followup_log.update_entry(request.user, entry, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error, EntryForm.FIELD_MAP)
        else:
            messages.success(request, _("Loggføringen er lagret."))
            return redirect(f"{_log_url(case)}#logg-{entry.pk}")
    context = {"case": case, "form": form, "entry": entry, "title": _("Endre loggføringen"),
               "submit": _("Lagre endringene")}
    return render(request, "koordinator/followup_log/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_archive(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    access.require_change(request.user, entry)
    case = entry.follow_up
    if entry.archived_at is not None:
        raise Http404
    form = ArchiveEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            followup_log.archive_entry(request.user, entry, form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Loggføringen er tatt ut av loggen. Den finnes fortsatt i historikken."))
            return redirect(_log_url(case))
    return render(request, "koordinator/followup_log/archive.html", {"case": case, "entry": entry, "form": form})


# --- innsyn: what is logged about me ---------------------------------------------------------------------------


@login_required
@require_GET
def my_log(request: HttpRequest) -> HttpResponse:
    """Every entry about the logged-in user, in plain words. The owner's own read is not an access event."""
    if access.actor_for(request.user).service_user_id is None:
        raise Http404
    page = one_query_page(followup_log.entries_about_me(request.user), MY_LOG_PAGE_SIZE, request.GET.get("side"))
    return render(request, "koordinator/followup_log/my_log.html", {"page": page})


# --- the leader's activity figures -------------------------------------------------------------------------------


@login_required
@require_GET
def leader_activity(request: HttpRequest) -> HttpResponse:
    """Contacts per month by kind for each trust person, the last six months. A fixed number of queries."""
    if not access.actor_for(request.user).leader_municipality_ids:
        raise Http404
    workers = followup_log.activity_by_trust_person(request.user)
    months = workers[0].activity.month_labels if workers else []
    return render(request, "koordinator/followup_log/leader_activity.html", {"workers": workers, "months": months})
