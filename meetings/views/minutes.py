"""The minutes (*referat*) as a living document: start, write (with the version in a hidden field and the conflict
page with both texts side by side), mark ready, the user's answer, comments, the history with restore, the PDF.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from koordinator.toolkit import ServiceError, pages
from meetings import forms, selectors, services
from meetings.models import Minutes
from meetings.pdf import render_minutes_pdf
from meetings.services import MinutesConflict
from meetings.views.common import (
    comment_or_404,
    form_page,
    meeting_or_404,
    meeting_url,
    minutes_or_404,
    record_group_read,
    require,
)


def _minutes_url(minutes: Minutes) -> str:
    return meeting_url(minutes.meeting, "referat")


@login_required
@require_POST
def minutes_start(request: HttpRequest, pk: int) -> HttpResponse:
    """«Skriv referat»: version 1, the situation carried over from the last minutes, the agenda locked."""
    meeting = meeting_or_404(request, pk)
    require(services.may_write_minutes(request.user, meeting))
    try:
        minutes = services.start_minutes(request.user, meeting)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(meeting_url(meeting))
    return redirect("minutes_edit", minutes.pk)


def _points(request: HttpRequest, minutes: Minutes) -> list:
    """The agenda of minutes read through the gate (``minutes_or_404``)."""
    return selectors.minutes_agenda(request.user, minutes)


def _text(value) -> str:
    return "" if value is None else str(value)


def conflict_page(request: HttpRequest, conflict: MinutesConflict, form: forms.MinutesForm) -> HttpResponse:
    """Both texts side by side; nothing typed is lost (the toolkit's three-way merge, as for plans).

    The notes per agenda point are one field in the minutes and one form field per point on the page.
    """
    minutes = conflict.minutes
    base = pages.base_record(conflict)
    submitted_notes = {str(k): v for k, v in (conflict.submitted.get("point_notes") or {}).items()}
    stored_notes = conflict.current.get("point_notes") or {}
    base_notes = (base.point_notes or {}) if base is not None else {}

    def values(name: str) -> tuple[str, str, str | None]:
        if name in form.point_fields:
            key = str(form.point_fields[name])
            return (_text(submitted_notes.get(key)), _text(stored_notes.get(key)),
                    _text(base_notes.get(key)) if base is not None else None)
        return (_text(conflict.submitted.get(name)), _text(conflict.current.get(name)),
                _text(getattr(base, name)) if base is not None else None)

    merged, rows = pages.merge(form.text_names, values, lambda name: form.fields[name].label)
    initial = {**merged, "version": conflict.current_version}
    if "reason" in form.fields:
        initial["reason"] = form.cleaned_data.get("reason", "")
    fresh = Minutes.objects.get(pk=minutes.pk)
    merge_form = forms.MinutesForm(minutes=fresh, points=selectors.agenda(request.user, fresh.meeting),
                                   initial=initial)
    words = pages.ConflictWords(title=_("Referatet ble endret mens du skrev"), back_label=_("Tilbake til møtet"),
                                save_label=_("Lagre referatet"))
    return pages.conflict_response(
        request, conflict, words=words, rows=rows, form=merge_form, fields_template="meetings/partials/fields.html",
        back_url=_minutes_url(fresh), action_url=reverse("minutes_edit", args=[fresh.pk]),
        stylesheet="css/meetings.css", minutes=fresh, meeting=fresh.meeting,
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the minutes. The version the writer started from goes along as a hidden field: a save based on an older
    version gets the conflict page."""
    minutes = minutes_or_404(request, pk)
    require(services.may_write_minutes(request.user, minutes.meeting))
    points = _points(request, minutes)
    form = forms.MinutesForm(request.POST if request.method == "POST" else None, minutes=minutes, points=points)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_minutes(request.user, minutes, form.cleaned_data["version"],
                                   reason=form.cleaned_data.get("reason", ""), **form.sections())
        except MinutesConflict as conflict:
            return conflict_page(request, conflict, form)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Referatet er lagret."))
            return redirect(_minutes_url(minutes))
    record_group_read(request.user, minutes.meeting.group, gettext_lazy("Referat fra ansvarsgruppemøte"))
    context = {"minutes": minutes, "meeting": minutes.meeting, "form": form}
    return render(request, "meetings/minutes_edit.html", context)


@login_required
@require_POST
def minutes_ready(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair marks the minutes ready: the user is asked to approve them, the members are told."""
    minutes = minutes_or_404(request, pk)
    require(services.may_write_minutes(request.user, minutes.meeting))
    form = forms.MinutesReadyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Siden mangler versjonen. Last siden på nytt."))
        return redirect(_minutes_url(minutes))
    try:
        services.mark_minutes_ready(request.user, minutes, based_on_version=form.cleaned_data["version"])
    except MinutesConflict:
        messages.error(request, _("Referatet er endret av noen andre siden du åpnet siden. Les det igjen før du "
                                  "markerer det som klart."))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Referatet er markert som klart. Brukeren er bedt om å lese og svare på det."))
    return redirect(_minutes_url(minutes))


@login_required
@require_http_methods(["GET", "POST"])
def minutes_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The user approves the minutes or writes what they disagree with (staff record an answer given on paper or
    orally). The version the user read goes along: if the minutes changed meanwhile, nothing is saved and what the
    user wrote stays in the form."""
    minutes = minutes_or_404(request, pk)
    group = minutes.meeting.group
    owner = services.is_owner(request.user, group)
    require((owner or services.is_staff(request.user, group)) and not minutes.is_draft)
    form = forms.RespondForm(request.POST if request.method == "POST" else None, staff=not owner,
                             initial={"version": minutes.version})
    changed = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["answer"] == "approve":
                services.approve_minutes(request.user, minutes, based_on_version=data["version"],
                                         how=data.get("how", ""))
            else:
                services.disagree_with_minutes(request.user, minutes, data["disagreement"],
                                               based_on_version=data["version"], how=data.get("how", ""))
        except MinutesConflict:
            changed = True
            minutes = minutes_or_404(request, pk)
            # Keep what was written; the new version goes in the hidden field once the text has been shown again.
            form = forms.RespondForm({**request.POST.dict(), "version": minutes.version}, staff=not owner)
            form.is_valid()
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Takk, svaret ditt er lagret.") if owner else _("Svaret er registrert."))
            return redirect(_minutes_url(minutes))
    page = selectors.meeting_page(request.user, minutes.meeting)
    record_group_read(request.user, group, gettext_lazy("Referat fra ansvarsgruppemøte"))
    context = {"minutes": minutes, "meeting": minutes.meeting, "page": page, "form": form, "owner": owner,
               "changed": changed}
    response = render(request, "meetings/minutes_respond.html", context)
    services.mark_minutes_read(request.user, minutes)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = minutes_or_404(request, pk)
    group = minutes.meeting.group
    require(services.acting_member(request.user, group) is not None or services.is_staff(request.user, group))
    form = forms.CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_comment(request.user, minutes, form.cleaned_data["text"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Kommentaren er lagret."))
            return redirect(meeting_url(minutes.meeting, "kommentarer"))
    return form_page(request, form=form, title=_("Kommenter referatet"), submit=_("Lagre kommentaren"),
                     back_url=_minutes_url(minutes), back_text=_("Tilbake til møtet"),
                     intro=_("Alle i gruppen ser kommentaren. Møtelederen får beskjed."))


@login_required
@require_POST
def comment_archive(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_or_404(request, pk)
    meeting = comment.minutes.meeting
    require(comment.author_id == request.user.pk or services.may_manage(request.user, meeting.group))
    try:
        services.archive_comment(request.user, comment)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Kommentaren er fjernet."))
    return redirect(meeting_url(meeting, "kommentarer"))


# --- history and restore ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def minutes_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = minutes_or_404(request, pk)
    versions = selectors.minutes_timeline(request.user, minutes)
    can_restore = services.may_write_minutes(request.user, minutes.meeting)
    for version in versions:
        version.restore_url = reverse("minutes_restore", args=[minutes.pk, version.history_id])
    record_group_read(request.user, minutes.meeting.group, gettext_lazy("Historikk for referat"))
    context = {"minutes": minutes, "meeting": minutes.meeting, "versions": versions, "can_restore": can_restore}
    return render(request, "meetings/timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """«Gjenopprett denne versjonen»: the sections as they were next to how they are now; a restore is a new
    version (after the minutes are ready it needs a reason, and the members are told)."""
    minutes = minutes_or_404(request, pk)
    require(services.may_write_minutes(request.user, minutes.meeting))
    values = selectors.minutes_version_values(request.user, minutes, history_id)
    if values is None:
        raise Http404
    form = forms.MinutesRestoreForm(request.POST if request.method == "POST" else None, minutes=minutes,
                                    initial={"version": minutes.version})
    if request.method == "POST" and form.is_valid():
        try:
            minutes = services.restore_minutes_version(request.user, minutes, history_id,
                                                       based_on_version=form.cleaned_data["version"],
                                                       reason=form.cleaned_data.get("reason", ""))
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Versjon %(old)s er gjenopprettet som versjon %(new)s.")
                             % {"old": values["version"], "new": minutes.version})
            return redirect(_minutes_url(minutes))
    titles = {p.item.pk: p.item.title for p in _points(request, minutes) if p.item}
    current = {name: getattr(minutes, name) for name in Minutes.SECTION_FIELDS}
    changes = selectors.diff_sections(current, values, titles)
    record_group_read(request.user, minutes.meeting.group, gettext_lazy("Historikk for referat"))
    context = {"minutes": minutes, "meeting": minutes.meeting, "form": form, "changes": changes,
               "old_version": values["version"], "timeline_url": reverse("minutes_timeline", args=[minutes.pk])}
    return render(request, "meetings/restore.html", context)


# --- the PDF ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as a PDF: attendance, agenda, sections, decisions, action items. Opening it is an access event."""
    return pages.pdf_response(*render_minutes_pdf(request.user, pk))
