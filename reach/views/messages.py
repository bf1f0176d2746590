"""The thread between a user and their case's staff, as pages.

* ``/min-side/meldinger/``: the user's thread (their newest open case; their newest case, read-only, when none is
  open). A POST there sends a message.
* ``/saker/<pk>/meldinger/``: the same thread for the case's staff (trust person, deputy, leader). A POST sends.
  Every staff read (GET) is one event in the user's access log. The owner is sent to their own page; anyone else
  (a partner, whatever their consent; another municipality) gets a 404.
* ``…/lest/`` (POST, «Merk som lest») marks the other side's messages read; ``…/<id>/trekk-tilbake/`` (POST)
  takes back the reader's own unread message.

Opening a page writes nothing but its access event: reading is marked with the button, or by answering.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from koordinator import access
from koordinator.models import AccessEvent, FollowUp
from koordinator.toolkit import ServiceError
from reach import messages as service
from reach.models import MESSAGE_MAX_LENGTH, Message

# What the owner's access log says about a staff read of the thread.
READ = gettext_lazy("Meldinger")


def _staff_case_or_404(request: HttpRequest, pk: int) -> FollowUp:
    """The case, for its staff only: a partner (who may see the case with a consent) and anyone else get 404."""
    qs = FollowUp.objects.select_related("service_user", "trust_person", "deputy", "unit")
    case = access.get_visible_or_404(qs, request.user, pk=pk)
    if not access.is_case_staff(request.user, case.pk):
        raise Http404
    return case


def _my_case_or_404(request: HttpRequest) -> FollowUp:
    case = service.my_case(request.user)
    if case is None:
        raise Http404
    return case


def _page(request: HttpRequest, case: FollowUp, *, mine: bool, body: str = "", error: str = "",
          status: int = 200) -> HttpResponse:
    page = service.thread_page(request.user, case, request.GET.get("side"))
    items = service.shown(request.user, case, page.object_list)
    here = reverse("reach_my_messages") if mine else reverse("reach_case_messages", args=[case.pk])
    context = {
        "case": case,
        "mine": mine,
        "page": page,
        "items": items,
        "unread": service.unread_count(request.user, case),
        "may_write": service.is_writer(request.user, case),
        "no_login": not mine and case.service_user.user_id is None,
        "here": here,
        "mark_read_url": here + "lest/",
        "body": body,
        "error": error,
        "max_length": MESSAGE_MAX_LENGTH,
    }
    return render(request, "reach/messages/thread.html", context, status=status)


def _send(request: HttpRequest, case: FollowUp, *, mine: bool) -> HttpResponse:
    body = request.POST.get("body", "")
    try:
        if mine:
            service.send_as_user(request.user, case, body)
        else:
            service.send_as_staff(request.user, case, body)
    except ServiceError as error:
        if not mine:  # the thread shown again is a read like any other
            access.record_access(request.user, [case.service_user_id], READ, AccessEvent.Channel.WEB)
        return _page(request, case, mine=mine, body=body, error=error.message, status=400)
    flash.success(request, _("Meldingen er sendt."))
    here = reverse("reach_my_messages") if mine else reverse("reach_case_messages", args=[case.pk])
    return redirect(here + "#siste-melding")


@login_required
@require_http_methods(["GET", "POST"])
def my_thread(request: HttpRequest) -> HttpResponse:
    case = _my_case_or_404(request)
    if request.method == "POST":
        return _send(request, case, mine=True)
    return _page(request, case, mine=True)


@login_required
@require_http_methods(["GET", "POST"])
def case_thread(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET" and not access.is_case_staff(request.user, pk):
        # The owner reads and writes their thread on Min side.
        visible = access.get_visible_or_404(FollowUp.objects.all(), request.user, pk=pk)
        if access.is_owner(request.user, visible.service_user_id):
            return redirect("reach_my_messages")
        raise Http404
    case = _staff_case_or_404(request, pk)
    if request.method == "POST":
        return _send(request, case, mine=False)
    access.record_access(request.user, [case.service_user_id], READ, AccessEvent.Channel.WEB)
    return _page(request, case, mine=False)


def _mark_read(request: HttpRequest, case: FollowUp, here: str) -> HttpResponse:
    count = service.mark_read(request.user, case)
    if count:
        flash.success(request, _("Merket som lest."))
    return redirect(here)


@login_required
@require_POST
def my_mark_read(request: HttpRequest) -> HttpResponse:
    return _mark_read(request, _my_case_or_404(request), reverse("reach_my_messages"))


@login_required
@require_POST
def case_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    case = _staff_case_or_404(request, pk)
    return _mark_read(request, case, reverse("reach_case_messages", args=[case.pk]))


def _withdraw(request: HttpRequest, case: FollowUp, message_pk: int, here: str) -> HttpResponse:
    message = access.get_visible_or_404(Message.objects.all(), request.user, pk=message_pk, case=case)
    try:
        service.withdraw(request.user, message)
    except ServiceError as error:
        flash.error(request, error.message)
    except PermissionDenied:
        raise Http404 from None
    else:
        flash.success(request, _("Meldingen er trukket tilbake."))
    return redirect(here)


@login_required
@require_POST
def my_withdraw(request: HttpRequest, message_pk: int) -> HttpResponse:
    return _withdraw(request, _my_case_or_404(request), message_pk, reverse("reach_my_messages"))


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    case = _staff_case_or_404(request, pk)
    return _withdraw(request, case, message_pk, reverse("reach_case_messages", args=[case.pk]))
