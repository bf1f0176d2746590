"""``/konto/varsler/`` (``staff_alert_settings``): a member of staff switches «Varsle meg også på SMS» on or off
(``reach.alert_settings``). GET shows the choice and the number the SMS go to; POST saves it (with history) and comes
back here. Service users and anyone without a role: 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from koordinator.toolkit import ServiceError
from reach import alert_settings


class AlertForm(forms.Form):
    sms_alerts = forms.BooleanField(
        required=False,
        label=gettext_lazy("Varsle meg også på SMS"),
        help_text=gettext_lazy("Når noen ber om å bli ringt eller skriver en melding til deg. SMS-en sier bare at "
                               "det har kommet noe, ikke hvem eller hva; det ser du i Koordinator."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_alert_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not alert_settings.is_staff(user):
        raise Http404
    if request.method == "POST":
        form = AlertForm(request.POST)
        if form.is_valid():
            on = form.cleaned_data["sms_alerts"]
            try:
                alert_settings.set_sms_alerts(user, on)
            except ServiceError as error:
                form.add_error("sms_alerts", error.message)
            else:
                if on:
                    messages.success(request, _("Lagret. Du får også SMS til %(phone)s.")
                                     % {"phone": alert_settings.phone_text(user)})
                else:
                    messages.success(request, _("Lagret. Du får varsler bare i Koordinator."))
                return redirect("staff_alert_settings")
    else:
        form = AlertForm(initial={"sms_alerts": user.sms_alerts})
    return render(request, "reach/alerts/settings.html", {
        "form": form,
        "phone": alert_settings.phone_text(user),
        "no_phone": alert_settings.MESSAGES["no_phone"],
    })
