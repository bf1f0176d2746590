"""The responsibility group: from the case, its page, members (with the consent each needs), chair and status;
«Mine ansvarsgrupper» and the owner's own group.

Thin views: reads through ``meetings.selectors`` and the gate (outside is 404), writes through
``meetings.services``; a reader who may see a page but not do what it does gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from koordinator import access
from koordinator.models import FollowUp
from koordinator.services import ServiceError
from meetings import forms, selectors, services
from meetings.models import GroupMember
from meetings.views.common import (
    form_page,
    group_or_404,
    group_url,
    member_or_404,
    record_group_read,
    record_read,
    require,
)


@login_required
@require_http_methods(["GET", "POST"])
def group_for_case(request: HttpRequest, pk: int) -> HttpResponse:
    """«Ansvarsgruppe» from the case page: the open group if there is one, otherwise offer to make it (staff)."""
    case = access.get_visible_or_404(FollowUp.objects.select_related("service_user", "trust_person"), request.user,
                                     pk=pk)
    current = selectors.current_group(request.user, case)
    if current is not None:
        return redirect(group_url(current))
    can_create = access.can_change(request.user, case) and case.status != FollowUp.Status.ENDED
    form = forms.GroupCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        access.require_change(request.user, case)
        if form.is_valid():
            try:
                group = services.create_group(request.user, case, chair=form.cleaned_data["chair"])
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Ansvarsgruppen er laget. Legg til dem som skal være med, og planlegg "
                                            "det første møtet."))
                return redirect(group_url(group))
    earlier = selectors.groups_for_case(request.user, case)
    if earlier:
        record_read(request.user, [case.service_user_id], gettext_lazy("Ansvarsgruppe"))
    context = {"case": case, "form": form, "can_create": can_create, "earlier": earlier}
    return render(request, "meetings/group_create.html", context)


@login_required
@require_safe
def my_group(request: HttpRequest) -> HttpResponse:
    """«Min ansvarsgruppe» from Min side: the owner's open group, or a page that says there is none yet."""
    a = access.actor_for(request.user)
    if a.service_user_id is None:
        raise Http404
    group = selectors.visible_groups(request.user).filter(follow_up__service_user_id=a.service_user_id).open().first()
    if group is None:
        return render(request, "meetings/no_group.html")
    return redirect(group_url(group))


@login_required
@require_safe
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.group_page(request.user, pk)
    record_group_read(request.user, page.group, gettext_lazy("Ansvarsgruppe"))
    for meeting in page.past:
        meeting.minutes_label = page.minutes_status.get(meeting.pk, "")
    context = {
        "page": page,
        "group": page.group,
        "may_set_chair": (page.is_staff or page.is_owner) and page.group.is_open,
        "always": GroupMember.ALWAYS,
        "my_member_ids": page.my_member_ids,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/group_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person or a service. Someone the owner has not consented to is refused with the exact consent that is
    missing, in plain words, next to the field."""
    group = group_or_404(request, pk)
    require(services.may_manage(request.user, group))
    form = forms.MemberAddForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(request.user, group, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s er lagt til i gruppen og har fått beskjed.")
                             % {"name": member.display_name})
            return redirect(group_url(group))
    return form_page(
        request, form=form, title=_("Legg til i ansvarsgruppen"), submit=_("Legg til"),
        back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"),
        intro=_("Bare de %(name)s har gitt samtykke til å være med i ansvarsgruppen, kan legges til. De som mangler "
                "samtykke, er merket i listene.") % {"name": group.follow_up.service_user.full_name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    group = member.group
    require(services.may_manage(request.user, group))
    form = forms.MemberRoleForm(request.POST if request.method == "POST" else None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(request.user, member, role=form.cleaned_data["role"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Rollen er endret."))
            return redirect(group_url(group))
    return form_page(request, form=form, title=_("Endre rollen"), submit=_("Lagre"), about=member.display_name,
                     back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"))


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    group = member.group
    require(services.may_manage(request.user, group) and member.kind not in GroupMember.ALWAYS
            and member.removed_at is None)
    form = forms.MemberRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(request.user, member, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s er ikke lenger med i gruppen.") % {"name": member.display_name})
            return redirect(group_url(group))
    return form_page(request, form=form, title=_("Ta ut av ansvarsgruppen"), submit=_("Ta ut av gruppen"),
                     about=member.display_name, back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"),
                     intro=_("Medlemmet får ikke flere innkallinger. Det som er skrevet, blir stående."))


@login_required
@require_http_methods(["GET", "POST"])
def group_chair(request: HttpRequest, pk: int) -> HttpResponse:
    """Who leads the group: the coordinator, or the user (*«så det styrer jeg liksom selv»*)."""
    group = group_or_404(request, pk)
    require(services.is_staff(request.user, group) or services.is_owner(request.user, group))
    owner = services.is_owner(request.user, group)
    form = forms.GroupChairForm(request.POST if request.method == "POST" else None, initial={"chair": group.chair})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_group_chair(request.user, group, form.cleaned_data["chair"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Det er lagret hvem som leder gruppen."))
            return redirect(group_url(group))
    intro = _("Du kan kalle inn og lede møtene selv, og skrive referatet. Kontaktpersonen din hjelper deg.") if owner \
        else _("Brukeren kan lede sin egen ansvarsgruppe hvis hun eller han vil.")
    return form_page(request, form=form, title=_("Hvem leder gruppen"), submit=_("Lagre"), intro=intro,
                     back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"))


@login_required
@require_http_methods(["GET", "POST"])
def group_status(request: HttpRequest, pk: int) -> HttpResponse:
    group = group_or_404(request, pk)
    require(services.may_manage(request.user, group))
    form = forms.GroupStatusForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_group_status(request.user, group, form.cleaned_data["status"],
                                         form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Statusen for gruppen er endret."))
            return redirect(group_url(group))
    return form_page(request, form=form, title=_("Endre status for gruppen"), submit=_("Lagre"),
                     intro=_("Nå: %(status)s.") % {"status": group.get_status_display()},
                     back_url=group_url(group), back_text=_("Tilbake til ansvarsgruppen"))


@login_required
@require_safe
def my_groups(request: HttpRequest) -> HttpResponse:
    """«Mine ansvarsgrupper»: the groups the reader is a member of, with the next meeting and their own items."""
    summaries = selectors.my_groups(request.user)
    record_read(request.user, [s.group.follow_up.service_user_id for s in summaries], gettext_lazy("Mine ansvarsgrupper"),
                listing=True)
    return render(request, "meetings/my_groups.html", {"summaries": summaries})
