"""Action items (*oppgaver*): made in the meeting (what, who, by when), updated with a status and a note by the one
who does it (or the chair or coordinator), and «Mine oppgaver» across all the reader's groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from koordinator.services import ServiceError
from koordinator.timeutil import no_date, no_datetime
from meetings import forms, selectors, services
from meetings.views.common import (
    form_page,
    item_or_404,
    meeting_or_404,
    meeting_url,
    record_group_read,
    record_read,
    require,
)


@login_required
@require_http_methods(["GET", "POST"])
def action_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision becomes an action item: what, who and by when. It stays on every agenda until it is closed."""
    meeting = meeting_or_404(request, pk)
    require(services.may_write_minutes(request.user, meeting))
    form = forms.ActionItemForm(request.POST if request.method == "POST" else None, group=meeting.group)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_action_item(request.user, meeting, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error, {"starts_at": "what", "status": "what"})
        else:
            messages.success(request, _("Oppgaven er lagt til. %(who)s har fått beskjed.")
                             % {"who": item.responsible.display_name})
            return redirect(meeting_url(meeting, "oppgaver"))
    return form_page(request, form=form, title=_("Ny oppgave"), submit=_("Legg til oppgaven"),
                     about=no_datetime(meeting.starts_at), back_url=meeting_url(meeting),
                     back_text=_("Tilbake til møtet"),
                     intro=_("Hvem gjør hva, og innen når. Oppgaven står på dagsorden til hvert møte til den er "
                             "avsluttet."))


@login_required
@require_http_methods(["GET", "POST"])
def action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change what, who or the due date of an open item (the chair or the coordinator)."""
    item = item_or_404(request, pk)
    item.meeting.group = item.group
    require(services.may_write_minutes(request.user, item.meeting) and item.is_open)
    form = forms.ActionItemForm(request.POST if request.method == "POST" else None, group=item.group,
                                initial={"what": item.what, "responsible": item.responsible, "due_on": item.due_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action_item(request.user, item, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Oppgaven er endret."))
            return redirect(meeting_url(item.meeting, "oppgaver"))
    return form_page(request, form=form, title=_("Endre oppgaven"), submit=_("Lagre"), about=item.what,
                     back_url=meeting_url(item.meeting), back_text=_("Tilbake til møtet"))


@login_required
@require_http_methods(["GET", "POST"])
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Done, not done, or no longer relevant, with a note (the responsible, or the chair or coordinator), or a note
    alone that keeps it open («Fortsatt åpen»); the chair or coordinator may open a closed one again."""
    item = item_or_404(request, pk)
    item.meeting.group = item.group
    lead = services.may_write_minutes(request.user, item.meeting)
    require(lead or (item.is_open and services.is_responsible(request.user, item)))
    require(item.is_open or lead)
    back = request.GET.get("tilbake") == "mine"
    form = forms.ActionStatusForm(request.POST if request.method == "POST" else None, item=item, lead=lead)
    if request.method == "POST" and form.is_valid():
        was_open = item.is_open
        try:
            item = services.set_action_item_status(request.user, item, form.cleaned_data["status"],
                                                   form.cleaned_data["status_note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if was_open and item.is_open:
                messages.success(request, _("Merknaden er lagret. Oppgaven er fortsatt åpen."))
            else:
                messages.success(request, _("Oppgaven er oppdatert."))
            return redirect("my_action_items" if back else meeting_url(item.meeting, "oppgaver"))
    record_group_read(request.user, item.group, gettext_lazy("Oppgave fra ansvarsgruppen"))
    about = _("«%(what)s» – %(who)s, frist %(due)s") % {
        "what": item.what, "who": item.responsible.display_name, "due": no_date(item.due_on)}
    # Back where the person came from: «Mine oppgaver», where saving also goes, or the meeting.
    back_url, back_text = ((reverse("my_action_items"), _("Tilbake til Mine oppgaver")) if back
                           else (meeting_url(item.meeting), _("Tilbake til møtet")))
    return form_page(request, form=form, title=_("Oppdater oppgaven"), submit=_("Lagre"), about=about,
                     back_url=back_url, back_text=back_text)


@login_required
@require_safe
def my_action_items(request: HttpRequest) -> HttpResponse:
    """«Mine oppgaver»: what the reader is responsible for across all their groups (a partner for themselves or
    their service, the user, the coordinator). Open ones first by due date; «Vis avsluttede» shows the rest."""
    include_closed = request.GET.get("avsluttede") == "1"
    items = list(selectors.my_action_items(request.user, include_closed=include_closed))
    record_read(request.user, {i.group.follow_up.service_user_id for i in items}, gettext_lazy("Mine oppgaver"), listing=True)
    context = {"items": items, "include_closed": include_closed, "today": timezone.localdate()}
    return render(request, "meetings/my_action_items.html", context)
