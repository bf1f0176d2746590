"""Messages in the app (the bell and the list) and the letter print queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from koordinator import access, outbox
from koordinator.models import AccessEvent, Notification
from koordinator.pdf import LetterRenderer
from koordinator.toolkit.ids import clean_ids
from koordinator.toolkit.pages import pdf_response


def _ids(values: list[str]) -> list[int]:
    """The ids of the messages ticked; one that is not a number or is too large for the database is left out."""
    return clean_ids(values, Notification)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(outbox.inbox(request.user), 30).get_page(request.GET.get("side"))
    return render(request, "koordinator/notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = None if request.POST.get("all") else _ids(request.POST.getlist("id"))
    count = outbox.mark_read(request.user, ids)
    if count:
        messages.success(request, _("Merket som lest."))
    return redirect("notifications")


def _require_staff(request: HttpRequest) -> None:
    if not access.actor_for(request.user).is_staff_worker:
        raise Http404


@login_required
@require_GET
def print_queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return render(request, "koordinator/notifications/print_queue.html",
                  {"letters": list(outbox.print_queue(request.user))})


@login_required
@require_GET
def letters_pdf(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    letters = outbox.print_queue(request.user)
    asked = [value for value in request.GET.getlist("id") if value.strip()]
    if asked:
        # Only the letters asked for; none of them a letter in the queue (or not an id at all): nothing to print.
        letters = letters.filter(pk__in=_ids(asked))
    letters = list(letters)
    if not letters:
        raise Http404
    access.record_access(request.user, [n.recipient_service_user for n in letters], gettext_lazy("Brev til utskrift"),
                         AccessEvent.Channel.PDF)
    return pdf_response(*LetterRenderer().generate(letters))


@login_required
@require_POST
def mark_printed(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    ids = _ids(request.POST.getlist("id"))
    if not ids:
        messages.error(request, _("Kryss av brevene som er skrevet ut."))
        return redirect("print_queue")
    count = outbox.mark_printed(request.user, ids)
    messages.success(request, _("%(count)s brev er merket som sendt.") % {"count": count})
    return redirect("print_queue")
