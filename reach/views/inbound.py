"""SMS that arrive: the gateway's two webhooks and the leader's inbox (``reach.sms_inbound`` does the work).

* ``POST /sms/innkommende/``: an SMS the gateway received. Signed (``reach.sms_inbound.verify``), no session, no
  CSRF token. 200 ``{"id": …, "result": "matched" | "inbox" | "held"}`` (``held``: no municipality could be told,
  so no leader sees it; the administrator's list in the admin site), the same for a replay (stored once);
  400/401/403/405/503 ``{"detail": …}`` (``"field"`` for a 400), nothing stored.
* ``POST /sms/kvittering/``: a delivery receipt. 200 ``{"id": …, "result": "recorded" | "retry" | "failed" |
  "duplicate"}``; 404 for a key we do not know.
* ``/leder/sms/``: the leader's inbox, their municipalities' SMS that could not be put in a user's thread (number,
  text, when), and ``/leder/sms/<id>/behandlet/`` (POST) marks one handled with a short note. Anyone but a leader:
  404; another municipality's SMS: 404. The sender is not known (or not one person), so there is no owner whose access
  log a read could go in; the page names no service user.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from koordinator.toolkit import ServiceError
from reach import sms_inbound
from reach.sms_inbound import WebhookError

INBOX_PAGE_SIZE = 30


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _error(error: WebhookError) -> JsonResponse:
    body = {"detail": error.message}
    if error.field:
        body["field"] = error.field
    return _json(body, status=error.status)


def _signed_body(request: HttpRequest) -> bytes:
    """The raw body, once its signature is checked (``WebhookError`` otherwise)."""
    if request.method != "POST":
        raise WebhookError(405, _("Bruk POST."))
    try:
        body = request.body
    except RequestDataTooBig:
        raise WebhookError(400, sms_inbound.MESSAGES["too_big"]) from None
    sms_inbound.verify(body, request.headers.get(sms_inbound.TIMESTAMP_HEADER),
                       request.headers.get(sms_inbound.SIGNATURE_HEADER))
    return body


@csrf_exempt
def sms_incoming(request: HttpRequest) -> JsonResponse:
    try:
        body = _signed_body(request)
        incoming = sms_inbound.parse_incoming(body)
    except WebhookError as error:
        response = _error(error)
        if error.status == 405:
            response["Allow"] = "POST"
        return response
    sms, _created = sms_inbound.receive(incoming)
    return _json({"id": sms.provider_message_id, "result": sms_inbound.result_of(sms)})


@csrf_exempt
def sms_receipt(request: HttpRequest) -> JsonResponse:
    try:
        parsed = sms_inbound.parse_receipt(_signed_body(request))
        result = sms_inbound.receipt(parsed)
    except WebhookError as error:
        response = _error(error)
        if error.status == 405:
            response["Allow"] = "POST"
        return response
    return _json({"id": parsed.receipt_id, "result": result.outcome})


# --- the leader's inbox --------------------------------------------------------------------------------------------


def _inbox_page(request: HttpRequest, *, error_id: int | None = None, error: str = "", note: str = "",
                status: int = 200) -> HttpResponse:
    handled = request.GET.get("behandlet") == "1"
    page = Paginator(sms_inbound.inbox(request.user, handled=handled), INBOX_PAGE_SIZE).get_page(
        request.GET.get("side"))
    context = {
        "page": page,
        "items": list(page.object_list),
        "handled": handled,
        "error_id": error_id,
        "error": error,
        "note": note,
        "note_max_length": sms_inbound.NOTE_MAX_LENGTH,
    }
    return render(request, "reach/inbound/inbox.html", context, status=status)


@login_required
@require_GET
def sms_inbox(request: HttpRequest) -> HttpResponse:
    if not sms_inbound.may_read_inbox(request.user):
        raise Http404
    return _inbox_page(request)


@login_required
@require_POST
def sms_inbox_handle(request: HttpRequest, pk: int) -> HttpResponse:
    if not sms_inbound.may_read_inbox(request.user):
        raise Http404
    note = request.POST.get("notat", "")
    try:
        sms_inbound.mark_handled(request.user, pk, note)
    except PermissionDenied:
        raise Http404 from None
    except ServiceError as error:
        if error.field != "note":  # already handled (by another leader a moment ago): the list says how
            messages.info(request, error.message)
            return redirect("reach_sms_inbox")
        return _inbox_page(request, error_id=pk, error=error.message, note=note[:sms_inbound.NOTE_MAX_LENGTH])
    messages.success(request, _("SMS-en er merket som behandlet."))
    return redirect("reach_sms_inbox")
