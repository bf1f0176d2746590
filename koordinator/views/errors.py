"""Error pages: Norwegian, in the app's layout, and JSON under ``/api/`` (``handler400`` … ``handler500`` and
``CSRF_FAILURE_VIEW``).

* 403 and 404 say the same words: the gate answers 404 outside and 403 for what one may read but not change,
  and the page must not confirm that the thing exists. It says what may have happened (consent withdrawn or
  expired, emergency access over, an old link) and how to go on, for the person's roles.
* 400 and 500 are rendered without the request's context: no context processor, no database query (the
  database may be what failed). If even that fails, a few lines of HTML are sent.
* Under ``/api/`` every one of them is ``{"detail": "<melding>", "errors": {}}`` as ``application/json``, the
  shape the API's own errors have (``koordinator/api/errors.py``).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# The ``detail`` of each JSON error. 403 and 404 are the same: neither confirms that the thing exists (the words
# of the API's own 404, so a client sees one message whichever answered).
MESSAGES = {
    400: gettext_lazy("Forespørselen kunne ikke behandles."),
    403: gettext_lazy("Finnes ikke, eller du har ikke tilgang."),
    404: gettext_lazy("Finnes ikke, eller du har ikke tilgang."),
    500: gettext_lazy("Noe gikk galt hos oss. Prøv igjen om litt."),
    "csrf": gettext_lazy("Skjemaet var for gammelt. Last siden på nytt og send det igjen."),
}

# The last resort when not even the template can be rendered (a broken static manifest, a template error).
_BARE_500 = (
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Noe gikk galt – Koordinator</title></head>'
    '<body><main><h1>Noe gikk galt hos oss</h1><p>Prøv igjen om litt.</p><p><a href="/">Til forsiden</a></p>'
    "</main></body></html>"
)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message) -> JsonResponse:
    """The API's error body for a status the API's own handler never saw (no view matched, CSRF, a crash)."""
    return JsonResponse({"detail": str(message), "errors": {}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _static_page(request: HttpRequest, template_name: str, status: int, context: dict | None = None) -> HttpResponse:
    """The page without the request's context processors: no database query, nothing that may fail with it."""
    context = dict(context or {})
    try:
        context.setdefault("request", request)
        context.setdefault("csrf_token", get_token(request))  # the footer's language switch still works
    except Exception:  # a request broken enough to be a 400 or a 500; the page does without
        logger.warning("Error page without the request's data", exc_info=True)
    try:
        return HttpResponse(loader.get_template(template_name).render(context), status=status)
    except Exception:
        logger.exception("Could not render %s", template_name)
        return HttpResponse(_BARE_500, status=status)


def _page(request: HttpRequest, template_name: str, status: int, context: dict) -> HttpResponse:
    """The page in the layout with the menu (it needs the user's roles); the static page if that fails."""
    try:
        return render(request, template_name, context, status=status)
    except Exception:
        logger.exception("Error page %s without the menu", template_name)
        return _static_page(request, template_name, status, context)


def _ways_on(request: HttpRequest) -> dict:
    """Where the person can go from here, and whom to ask, by their roles."""
    try:
        actor = access.actor_for(getattr(request, "user", None))
    except Exception:  # the database may be down: then only the front page
        logger.warning("Error page without the user's roles", exc_info=True)
        actor = access.ANONYMOUS
    links = []
    if not actor.is_authenticated:
        # Back here after logging in (the log-in page follows only a path on this site).
        login = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        return {"links": [(login, _("Logg inn"))], "contact": _("Er du ikke logget inn? Logg inn og prøv igjen."),
                "logged_in": False}
    if actor.trust_person_unit_ids:
        links.append((reverse("worklist"), _("Min arbeidsliste")))
    if actor.leader_municipality_ids:
        links.append((reverse("leader_overview"), _("Saksoversikt")))
    if actor.is_partner:
        links.append((reverse("partner_home"), _("Mine brukere")))
    if actor.service_user_id is not None:
        links.append((reverse("my_page"), _("Min side")))
    if not links:
        links.append((reverse("home"), _("Til forsiden")))
    if actor.is_staff_worker:
        contact = _("Mener du at du skal ha tilgang, kontakt lederen din.")
    elif actor.is_partner:
        contact = _("Trenger du tilgang igjen, må brukeren gi et nytt samtykke. Kontakt tillitspersonen til "
                    "brukeren, eller lederen din.")
    elif actor.service_user_id is not None:
        contact = _("Lurer du på noe, kontakt tillitspersonen din.")
    else:
        contact = _("Mener du at du skal ha tilgang, kontakt lederen din.")
    return {"links": links, "contact": contact, "logged_in": True}


def bad_request(request: HttpRequest, exception=None, template_name: str = "400.html") -> HttpResponse:
    if is_api(request):
        return json_error(400, MESSAGES[400])
    return _static_page(request, template_name, 400)


def permission_denied(request: HttpRequest, exception=None, template_name: str = "403.html") -> HttpResponse:
    if is_api(request):
        return json_error(403, MESSAGES[403])
    return _page(request, template_name, 403, _ways_on(request))


def page_not_found(request: HttpRequest, exception=None, template_name: str = "404.html") -> HttpResponse:
    if is_api(request):
        return json_error(404, MESSAGES[404])
    return _page(request, template_name, 404, _ways_on(request))


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if is_api(request):
        return json_error(500, MESSAGES[500])
    return _static_page(request, template_name, 500)


def csrf_failure(request: HttpRequest, reason: str = "", template_name: str = "403_csrf.html") -> HttpResponse:
    """A form sent with a missing or old security token (``CSRF_FAILURE_VIEW``): typically a page left open
    until the session ended, or opened before logging in or out. Nothing was saved."""
    if is_api(request):
        return json_error(403, MESSAGES["csrf"])
    # Back to the form the person came from, if it is on this site.
    back = request.META.get("HTTP_REFERER", "")
    try:
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = ""
    except Exception:  # a host not allowed: no link back
        back = ""
    return _page(request, template_name, 403, {"back": back})
