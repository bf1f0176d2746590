"""«Last ned alt om meg»: the owner's page on Min side, and the staff's page for a person who asked on paper.

* ``/min-side/alt-om-meg/``: what the archive holds, the button to ask for it, where it is («Vi lager arkivet ditt»),
  and while it is ready the download link and until when. Only for a logged-in service user (404 for anyone else).
* ``/brukere/<pk>/alt-om-personen/``: the same for a person who asked on paper, in person or by phone, made by the
  staff who work with them (``archive_access.may_produce``: never a partner, never the person themselves): a form for
  how and when the request came, and the archives made that way, to download, print or hand over. The person's access
  log has one entry for the request (``exchange.archive.request_paper_archive``) and one per download, not one per
  view of the page, its form errors or the redirect after it (that logged one paper request five times).

Downloads are sent with ``Cache-Control: no-store`` and are each a history row on the archive; a download by staff is
in the person's access log (``exchange.archive.download``). Bad input (a double press, an emptied archive, someone
else's archive, a date missing or in the future) is a plain message and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange import archive as archives
from exchange.archive_access import may_produce
from exchange.archive_forms import PaperRequestForm
from exchange.archive_pdf import section_titles
from exchange.models import DataArchive
from koordinator import access
from koordinator.models import ServiceUser
from koordinator.toolkit.services import ServiceError

# How many earlier archives the pages list.
SHOWN = 5


def _own_service_user(request: HttpRequest) -> ServiceUser:
    """The logged-in service user's own record, through the gate; 404 for anyone without one."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        raise Http404
    return access.get_visible_or_404(ServiceUser.objects, request.user, pk=service_user_id)


def _overview(archives_shown: list[DataArchive]) -> dict:
    """What the pages show: the request in progress, the archive to download (not past its time), the latest."""
    now = timezone.now()
    return {
        "archives": archives_shown,
        "in_progress": next((a for a in archives_shown if a.is_in_progress), None),
        "ready": next((a for a in archives_shown if a.is_ready and a.expires_at > now), None),
        "latest": archives_shown[0] if archives_shown else None,
        "sections": section_titles(),
        "keep_days": archives.keep_days(),
    }


def _zip_response(archive: DataArchive, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    # Personal data: never kept by a shared cache or the browser.
    response["Cache-Control"] = "no-store"
    return response


# --- the owner ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@login_required
def my_archive(request: HttpRequest) -> HttpResponse:
    service_user = _own_service_user(request)
    shown = list(
        DataArchive.objects.for_user(request.user).listing()
        .filter(service_user=service_user, on_paper=False)
        .order_by("-requested_at", "-pk")[:SHOWN]
    )
    return render(request, "exchange/archive/my_archive.html", {"service_user": service_user, **_overview(shown)})


@require_POST
@login_required
def my_archive_request(request: HttpRequest) -> HttpResponse:
    service_user = _own_service_user(request)
    try:
        _archive, made = archives.request_own_archive(request.user, service_user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if made:
            messages.success(request, _("Vi lager arkivet ditt. Du får beskjed når det er klart."))
        else:
            messages.info(request, _("Du har allerede bedt om arkivet. Vi lager det nå, og du får beskjed når det "
                                     "er klart."))
    return redirect("my_archive")


@require_GET
@login_required
def my_archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = _own_service_user(request)
    qs = DataArchive.objects.listing().filter(service_user=service_user, on_paper=False)
    archive = access.get_visible_or_404(qs, request.user, pk=pk)
    try:
        content = archives.download(request.user, archive)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("my_archive")
    return _zip_response(archive, content)


# --- the staff, for a person who asked on paper -------------------------------------------------------------------


def _person_for_staff(request: HttpRequest, pk: int) -> ServiceUser:
    """The person, if the reader may make their archive; otherwise 404 (the page does not exist for them)."""
    service_user = access.get_visible_or_404(ServiceUser.objects.select_related("municipality"), request.user, pk=pk)
    if not may_produce(request.user, service_user.pk):
        raise Http404
    return service_user


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    service_user = _person_for_staff(request, pk)
    form = PaperRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _archive, made = archives.request_paper_archive(request.user, service_user, **form.service_kwargs())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if made:
                messages.success(request, _("Arkivet blir laget. Du får beskjed i appen når det er klart."))
            else:
                messages.info(request, _("Arkivet for %(name)s er allerede bestilt og blir laget nå. Du får beskjed "
                                         "når det er klart.") % {"name": service_user.full_name})
            return redirect("person_archive", pk=service_user.pk)
    shown = list(
        DataArchive.objects.for_user(request.user).listing()
        .filter(service_user=service_user, on_paper=True)
        .select_related("requested_by", "last_downloaded_by")
        .order_by("-requested_at", "-pk")[:SHOWN]
    )
    context = {"person": service_user, "form": form, **_overview(shown)}
    return render(request, "exchange/archive/person_archive.html", context)


@require_GET
@login_required
def person_archive_download(request: HttpRequest, pk: int, archive_pk: int) -> HttpResponse:
    service_user = _person_for_staff(request, pk)
    qs = DataArchive.objects.listing().filter(service_user=service_user, on_paper=True)
    archive = access.get_visible_or_404(qs, request.user, pk=archive_pk)
    try:
        content = archives.download(request.user, archive)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("person_archive", pk=service_user.pk)
    return _zip_response(archive, content)
