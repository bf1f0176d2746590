"""Meetings: schedule, change, cancel; the meeting page with the agenda built for the group; attendance;
apologies (*forfall*) from the page or with the signed link, without logging in; points for the agenda; «Revider
planen»; handing the chair on.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from koordinator import access
from koordinator.services import ServiceError
from koordinator.timeutil import no_datetime
from meetings import forms, ics, selectors, services
from meetings.models import Meeting
from meetings.views.common import (
    agenda_item_or_404,
    form_page,
    group_or_404,
    group_url,
    meeting_or_404,
    meeting_url,
    record_group_read,
    require,
)
from plans.models import Plan


def _when(meeting: Meeting) -> str:
    return no_datetime(meeting.starts_at)


# --- scheduling ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a meeting: everyone with consent gets the invitation (e-mail with a calendar file; the user by SMS or
    letter as they prefer)."""
    group = group_or_404(request, pk)
    require(services.may_manage(request.user, group))
    form = forms.MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(request.user, group, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Møtet er planlagt. Alle i gruppen har fått innkalling."))
            return redirect(meeting_url(meeting))
    return form_page(
        request, form=form, title=_("Planlegg et møte"), submit=_("Planlegg møtet og send innkalling"),
        about=str(group), back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"),
        intro=_("Alle i gruppen får innkalling med tid og sted. Brukeren får den slik hun eller han vil ha beskjeder; "
                "de andre på e-post med en kalenderfil."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    require(services.may_manage(request.user, meeting.group) and meeting.is_planned)
    form = forms.MeetingChangeForm(request.POST if request.method == "POST" else None,
                                   initial=forms.MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_meeting(request.user, meeting, reason=form.cleaned_data["reason"],
                                    **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Møtet er lagret. Endres tid eller sted, får alle beskjed."))
            return redirect(meeting_url(meeting))
    return form_page(request, form=form, title=_("Endre møtet"), submit=_("Lagre"), about=_when(meeting),
                     back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    require(services.may_manage(request.user, meeting.group) and meeting.is_planned)
    form = forms.CancelMeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(request.user, meeting, form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Møtet er avlyst. Alle i gruppen har fått beskjed."))
            return redirect(meeting_url(meeting))
    return form_page(request, form=form, title=_("Avlys møtet"), submit=_("Avlys møtet"), about=_when(meeting),
                     back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"))


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    require(services.may_write_minutes(request.user, meeting))
    try:
        services.mark_meeting_held(request.user, meeting)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Møtet er registrert som holdt."))
    return redirect(meeting_url(meeting))


# --- the meeting page ------------------------------------------------------------------------------------------------


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting for one reader. After it is shown, the minutes count as read (for «endret siden du leste sist»)."""
    page = selectors.meeting_page(request.user, pk)
    meeting, minutes = page.meeting, page.minutes
    record_group_read(request.user, page.group, gettext_lazy("Møte i ansvarsgruppen"))
    amendments = page.amendments()
    mine = page.my_member_ids
    started = meeting.has_started()
    cancelled = meeting.status == Meeting.Status.CANCELLED
    context = {
        "page": page,
        "meeting": meeting,
        "minutes": minutes,
        "amendments": amendments,
        "my_member_ids": mine,
        "started": started,
        "cancelled": cancelled,
        "can_record": page.can_write_minutes and started and not cancelled,
        "can_start_minutes": page.can_write_minutes and minutes is None and not cancelled,
        "can_add_items": page.can_write_minutes and started and not cancelled and page.group.is_open,
        "can_revise_plan": page.is_staff and started and not cancelled,
        "can_hand_over": page.is_staff and meeting.is_planned and not started,
        "today": timezone.localdate(),
    }
    response = render(request, "meetings/meeting_detail.html", context)
    # The reading mark: unless the page found it at the version shown already (the service would leave it so).
    if minutes is not None and page.since_read.last_read_version != minutes.version:
        services.mark_minutes_read(request.user, minutes)
    return response


@login_required
@require_safe
def meeting_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """«Legg i kalenderen»: the meeting as an ``.ics`` file (the same as the invitation's)."""
    meeting = meeting_or_404(request, pk)
    record_group_read(request.user, meeting.group, gettext_lazy("Møte i ansvarsgruppen (kalenderfil)"))
    case = meeting.group.follow_up
    reader = ("owner" if access.is_owner(request.user, case.service_user_id)
              else "staff" if access.is_case_staff(request.user, case.pk) else "partner")
    response = HttpResponse(ics.meeting_ics(meeting, reader=reader), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    response["Cache-Control"] = "no-store"
    return response


# --- attendance and apologies ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who came: present, sent apologies, or absent without notice, for each member."""
    page = selectors.meeting_page(request.user, pk)
    meeting = page.meeting
    require(page.can_write_minutes)
    form = forms.AttendanceForm(request.POST if request.method == "POST" else None, rows=page.members)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(request.user, meeting, form.statuses())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Oppmøtet er registrert."))
            return redirect(meeting_url(meeting, "deltakere"))
    record_group_read(request.user, page.group, gettext_lazy("Oppmøte i ansvarsgruppen"))
    return form_page(request, form=form, title=_("Registrer oppmøte"), submit=_("Lagre oppmøtet"),
                     about=_when(meeting), back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"),
                     intro=_("Velg for hvert medlem. Den som har meldt forfall, står allerede med det."))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_apologies(request: HttpRequest, pk: int) -> HttpResponse:
    """«Meld forfall» for a logged-in member; a manager may record apologies for a member who phoned in."""
    meeting = meeting_or_404(request, pk)
    manager = services.may_write_minutes(request.user, meeting)
    own = services.acting_member(request.user, meeting.group)
    require(manager or own is not None)
    data = request.POST if request.method == "POST" else None
    form = forms.RecordApologiesForm(data, group=meeting.group, initial={"member": own}) if manager \
        else forms.ApologiesForm(data)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data.get("member")
        try:
            services.send_apologies(request.user, meeting, message=form.cleaned_data["message"],
                                    member=member if member is not None and (own is None or member.pk != own.pk)
                                    else None)
        except ServiceError as error:
            form.add_service_error(error, {"token": "message", "starts_at": "message"})
        else:
            messages.success(request, _("Forfallet er sendt til møtelederen."))
            return redirect(meeting_url(meeting))
    record_group_read(request.user, meeting.group, gettext_lazy("Møte i ansvarsgruppen"))
    return form_page(
        request, form=form, title=_("Meld forfall"), submit=_("Send forfall"), about=_when(meeting),
        back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"),
        intro=_("Kan du ikke komme? Møtelederen får beskjed. Skriv gjerne hvem som kommer i stedet, eller det du vil ha "
                "sagt i møtet."),
    )


@require_http_methods(["GET", "POST"])
def apologies_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: send apologies without logging in. The service checks the signed link (the
    member is still in the group, the consent is in force, the meeting is still ahead) on GET and again on POST."""
    try:
        meeting, member = services.apology_link(token)
    except ServiceError as error:
        return render(request, "meetings/apologies_link.html", {"error": error.message}, status=400)
    is_user = member.kind == member.Kind.USER
    form = forms.ApologiesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_apologies_by_link(token, form.cleaned_data["message"])
        except ServiceError as error:
            return render(request, "meetings/apologies_link.html", {"error": error.message}, status=400)
        return render(request, "meetings/apologies_link.html", {"done": True, "meeting": meeting, "member": member,
                                                                "is_user": is_user})
    context = {"form": form, "meeting": meeting, "member": member, "is_user": is_user,
               "place": meeting.place_for_user if is_user else meeting.place_text}
    return render(request, "meetings/apologies_link.html", context)


# --- the agenda ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """A point for the agenda. The user's own points come first («Brukerens ord»)."""
    meeting = meeting_or_404(request, pk)
    writer = services.may_write_minutes(request.user, meeting)
    owner = services.is_owner(request.user, meeting.group)
    require(meeting.is_planned and (writer or services.acting_member(request.user, meeting.group) is not None))
    form = forms.ProposeForm(request.POST if request.method == "POST" else None, may_write_for_user=writer and not owner)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_agenda_item(request.user, meeting, title=form.cleaned_data["title"],
                                         text=form.cleaned_data["text"],
                                         for_user=form.cleaned_data.get("for_user", False))
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Punktet er satt på dagsorden."))
            return redirect(meeting_url(meeting, "dagsorden"))
    intro = _("Det du vil snakke om i møtet. Dine punkter står først på dagsorden.") if owner \
        else _("Møtelederen får beskjed om punktet.")
    return form_page(request, form=form, title=_("Foreslå et punkt til dagsorden"), submit=_("Sett på dagsorden"),
                     about=_when(meeting), intro=intro, back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"))


@login_required
@require_POST
def agenda_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = agenda_item_or_404(request, pk)
    meeting = item.meeting
    require(item.proposed_by_id == request.user.pk or services.may_write_minutes(request.user, meeting))
    try:
        services.archive_agenda_item(request.user, item)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Punktet er tatt av dagsorden."))
    return redirect(meeting_url(meeting, "dagsorden"))


@login_required
@require_POST
def agenda_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """«Lås dagsorden»: the generated points are stored as they are now."""
    meeting = meeting_or_404(request, pk)
    require(services.may_write_minutes(request.user, meeting))
    try:
        services.freeze_agenda(request.user, meeting)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dagsorden er lagret slik den er nå."))
    return redirect(meeting_url(meeting, "dagsorden"))


# --- the plan, and the chair -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_revise_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """«Revider planen» from the meeting: the revision is recorded with the meeting and who was there."""
    meeting = meeting_or_404(request, pk)
    require(services.is_staff(request.user, meeting.group))
    has_plan = Plan.objects.for_user(request.user).filter(follow_up_id=meeting.group.follow_up_id).active().exists()
    form = forms.RevisePlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_plan_at_meeting(request.user, meeting, **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error, {"plan": "what_changed", "starts_at": "what_changed",
                                           "status": "what_changed"})
        else:
            messages.success(request, _("Revisjonen av planen er registrert med møtet. Brukeren har fått beskjed."))
            return redirect(meeting_url(meeting, "plan"))
    intro = _("Revisjonen blir registrert med møtets dato, og de som var til stede, står som deltakere.") if has_plan \
        else _("Brukeren har ingen plan i bruk som kan revideres.")
    return form_page(request, form=form, title=_("Revider planen"), submit=_("Registrer revisjonen"), intro=intro,
                     about=_when(meeting), back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_hand_over_chair(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair is away: the deputy or a leader chairs this meeting (or it goes back to the group's own chair)."""
    meeting = meeting_or_404(request, pk)
    require(services.is_staff(request.user, meeting.group))
    candidates = selectors.chair_candidates(request.user, meeting)
    case = meeting.group.follow_up
    own = case.service_user.full_name if meeting.group.user_chairs else case.trust_person.display_name
    form = forms.HandOverChairForm(request.POST if request.method == "POST" else None, candidates=candidates,
                                   group_chair_name=own, initial={"chair_person": meeting.chair_person_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_over_chair(request.user, meeting, form.cleaned_data["chair_person"])
        except ServiceError as error:
            form.add_service_error(error, {"starts_at": "chair_person", "status": "chair_person"})
        else:
            messages.success(request, _("Møtelederen er endret. Den nye møtelederen og brukeren har fått beskjed."))
            return redirect(meeting_url(meeting))
    record_group_read(request.user, meeting.group, gettext_lazy("Møte i ansvarsgruppen"))
    return form_page(request, form=form, title=_("Gi møteledelsen videre"), submit=_("Lagre"), about=_when(meeting),
                     intro=_("Nå leder %(name)s møtet. Velg stedfortrederen eller en leder.")
                     % {"name": selectors.chair_name(meeting)},
                     back_url=meeting_url(meeting), back_text=_("Tilbake til møtet"))
