"""Consent recorded by staff on the owner's behalf, and withdrawal (by the owner or staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from koordinator import access, services
from koordinator.forms import ConsentForm, WithdrawConsentForm
from koordinator.models import Consent, ServiceUser
from koordinator.views.service_users import back_to_person


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` address if it points back into this site; otherwise an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    owner = access.get_visible_or_404(ServiceUser.objects, request.user, pk=pk)
    access.require_change(request.user, owner)
    if owner.user_id == request.user.pk:
        # The owner gives consent themselves, in the portal.
        return redirect("my_consent_create")
    form = ConsentForm(request.POST if request.method == "POST" else None, actor=request.user, owner=owner)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_consent(request.user, owner, **form.service_kwargs())
        except services.ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Samtykket er registrert."))
            return redirect(back_to_person(request.user, owner))
    context = {"form": form, "person": owner, "cancel_url": back_to_person(request.user, owner)}
    return render(request, "koordinator/consents/create.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Consent.objects.select_related("owner", "grantee_user", "grantee_organisation")
    consent = access.get_visible_or_404(qs, request.user, pk=pk)
    access.require_change(request.user, consent)
    back = _safe_next(request) or back_to_person(request.user, consent.owner)
    if consent.withdrawn_at is not None:
        messages.info(request, _("Samtykket er allerede trukket tilbake."))
        return redirect(back)
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_consent(request.user, consent, reason=form.cleaned_data["reason"])
        except services.ServiceError as error:
            messages.info(request, error.message)
        else:
            messages.success(
                request,
                _("Samtykket er trukket tilbake. %(grantee)s kan ikke lenger se opplysningene.")
                % {"grantee": consent.grantee_name},
            )
        return redirect(back)
    context = {"consent": consent, "form": form, "next": _safe_next(request), "cancel_url": back}
    return render(request, "koordinator/consents/withdraw.html", context)
