"""«Ring meg» pages (issue 16): the user's button on Min side, the SMS link, the staff's marks, the leader's page.

Thin views: the gate reads (``CallbackRequest.objects.for_user``), ``reach.callbacks`` writes. Bad input is a clear
Norwegian message next to the field (or at the top for a mark), nothing changed, never a 500.

* ``/min-side/ring-meg/`` (``my_callback``): GET the form (and what is asked already), POST ask. A service user's
  only (404 for anyone else).
* ``/r/<token>`` (``callback_link``): the link at the end of every SMS. Works without logging in; shows only «Vil du
  at vi ringer deg?» and a button, and after the press who will call.
* ``/ring-meg/<id>/merk/`` (``callback_mark``): POST «Ringt», «Fikk ikke svar – prøver igjen» or «Sendt SMS» by the
  case's staff (someone else's request: 404; the owner: 403); back to where the button was.
* ``/leder/ring-meg/`` (``leader_callbacks``): who waits now in the leader's municipalities, with the marks, and the
  figures (``reach.figures``). Leaders only (404).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from koordinator import access
from koordinator.models import AccessEvent, ServiceUser
from koordinator.toolkit import ServiceError
from reach import callbacks, escalation, figures
from reach.models import CALLBACK_NOTE_MAX_LENGTH, CallbackRequest

When = CallbackRequest.When


class CallbackForm(forms.Form):
    """When it suits and a few words; both optional. The service checks them again and has the last word."""

    when = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Når vil du at vi ringer?"),
        choices=When.choices,
        initial=When.SOON,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": callbacks.MESSAGES["when"]},
    )
    note = forms.CharField(
        required=False,
        label=gettext_lazy("Noen ord om hva det gjelder"),
        help_text=gettext_lazy("Om du vil. Høyst 300 tegn."),
        max_length=CALLBACK_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": lazy(lambda: str(callbacks.MESSAGES["note_long"])
                                           % {"max": CALLBACK_NOTE_MAX_LENGTH}, str)()},
    )


def _add_error(form: forms.Form, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _own_service_user(request: HttpRequest) -> ServiceUser:
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        raise Http404
    return access.get_visible_or_404(ServiceUser.objects, request.user, pk=service_user_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_callback(request: HttpRequest) -> HttpResponse:
    service_user = _own_service_user(request)
    form = CallbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            callback, created = callbacks.request_callback(
                service_user,
                by=request.user,
                when=form.cleaned_data["when"],
                note=form.cleaned_data["note"],
                via=CallbackRequest.Via.MY_PAGE,
            )
        except ServiceError as error:
            _add_error(form, error)
        else:
            if created:
                messages.success(request, _("Takk! %(promise)s") % {"promise": callbacks.promise(callback)})
            else:
                messages.info(request, _("Du har allerede bedt om å bli ringt. %(promise)s")
                              % {"promise": callbacks.promise(callback)})
            return redirect(reverse("my_page") + "#ring-meg-tittel")
    return render(request, "reach/callbacks/my_callback.html", {
        "form": form,
        "state": callbacks.my_callback(request.user),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def callback_link(request: HttpRequest, token: str) -> HttpResponse:
    """No log-in: the signed link is the key. A bad or old link says so (404), naming no one."""
    try:
        service_user_id = callbacks.read_link(token)
    except ServiceError as error:
        return render(request, "reach/callbacks/link.html", {"link_error": error.message}, status=404)
    service_user = ServiceUser.objects.filter(pk=service_user_id, archived_at__isnull=True).first()
    if service_user is None:
        return render(request, "reach/callbacks/link.html", {"link_error": callbacks.MESSAGES["link_invalid"]},
                      status=404)
    context: dict = {"token": token}
    case = callbacks.newest_open_case(service_user.pk)
    if case is None:
        context["error"] = callbacks.MESSAGES["no_case"]
        return render(request, "reach/callbacks/link.html", context)
    existing = callbacks.open_request(case.pk)
    if request.method == "POST":
        try:
            callback, created = callbacks.request_callback(
                service_user, by=service_user.user, via=CallbackRequest.Via.SMS_LINK
            )
        except ServiceError as error:
            context["error"] = error.message
        else:
            return redirect(reverse("callback_link", args=[token]) + ("?takk=1" if created else ""))
    elif existing is not None:
        context["promise"] = callbacks.promise(existing)
        context["thanks"] = request.GET.get("takk") == "1"
    return render(request, "reach/callbacks/link.html", context)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("worklist") if access.actor_for(request.user).trust_person_unit_ids else reverse(
        "leader_callbacks")


@login_required
@require_POST
def callback_mark(request: HttpRequest, pk: int) -> HttpResponse:
    callback = access.get_visible_or_404(CallbackRequest.objects.select_related("service_user"), request.user, pk=pk)
    access.require_change(request.user, callback)
    outcome = request.POST.get("outcome", "")
    try:
        callback = callbacks.mark_callback(request.user, callback, outcome)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        name = callback.service_user.full_name
        if callback.state == CallbackRequest.State.OPEN:
            text = _("Merket: fikk ikke svar. %(name)s har fått beskjed om at du prøver igjen; forsøket står i "
                     "loggen.") % {"name": name}
        else:
            text = _("Merket: %(outcome)s. Det står i loggen til %(name)s.") % {
                "outcome": callback.get_outcome_display(), "name": name}
        messages.success(request, text)
    return redirect(_back(request))


LEADER_WHAT = gettext_lazy("«Ring meg» på lederens side")


@login_required
@require_safe
def leader_callbacks(request: HttpRequest) -> HttpResponse:
    if not callbacks.is_leader(request.user):
        raise Http404
    waiting = callbacks.waiting_in_municipality(request.user)
    if waiting.rows:
        access.record_access(request.user, [row.callback.service_user_id for row in waiting.rows], LEADER_WHAT,
                             AccessEvent.Channel.WEB, listing=True)
    last_month, notice = figures.parse_last_month(request.GET.get("til"))
    return render(request, "reach/callbacks/leader.html", {
        "waiting": waiting,
        "figures": figures.leader_figures(request.user, last_month, notice),
        "working_hours": escalation.describe_working_hours(),
        "escalate_after": escalation.escalate_after(),
    })
