"""Next of kin: add, edit and archive (archived entries leave the lists but stay in the history)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from koordinator import access, services
from koordinator.forms import NextOfKinForm
from koordinator.models import NextOfKin, ServiceUser
from koordinator.views.service_users import back_to_person


def _person_or_404(request: HttpRequest, pk: int) -> NextOfKin:
    # Archived entries are gone from the user's point of view: editing one is a 404.
    qs = NextOfKin.objects.filter(archived_at__isnull=True).select_related("service_user")
    return access.get_visible_or_404(qs, request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    access.require_change(request.user, service_user)
    form = NextOfKinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_next_of_kin(request.user, service_user, **form.service_kwargs())
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Pårørende er lagt til."))
            return redirect(back_to_person(request.user, service_user))
    context = {"form": form, "person": service_user, "cancel_url": back_to_person(request.user, service_user)}
    return render(request, "koordinator/next_of_kin/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    kin = _person_or_404(request, pk)
    access.require_change(request.user, kin)
    initial = {name: getattr(kin, name) for name in services.NEXT_OF_KIN_FIELDS}
    form = NextOfKinForm(request.POST if request.method == "POST" else None, initial=initial)
    back = back_to_person(request.user, kin.service_user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, _("Du endret ingenting."))
            return redirect(back)
        try:
            services.update_next_of_kin(request.user, kin, **changes)
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect(back)
    context = {"form": form, "person": kin.service_user, "kin": kin, "cancel_url": back}
    return render(request, "koordinator/next_of_kin/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    kin = _person_or_404(request, pk)
    access.require_change(request.user, kin)
    back = back_to_person(request.user, kin.service_user)
    if request.method == "POST":
        services.archive_next_of_kin(request.user, kin)
        messages.success(request, _("%(name)s er fjernet fra listen.") % {"name": kin.name})
        return redirect(back)
    return render(request, "koordinator/next_of_kin/archive.html", {"kin": kin, "cancel_url": back})
