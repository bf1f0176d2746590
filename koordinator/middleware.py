"""Idle session expiry: a session that has seen no request for SESSION_IDLE_TIMEOUT seconds ends."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from koordinator import access

LAST_SEEN_KEY = "koordinator_last_seen"
# Seconds: the last request is noted to the minute, so the idle timeout may end a session up to a minute early.
LAST_SEEN_RESOLUTION = 60


class GateScopeMiddleware:
    """One request, one build of each access policy the request asks for (``access.request_scope``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with access.request_scope():
            return self.get_response(request)


def note_login(sender, request, user, **kwargs) -> None:
    """Logging in counts as the last request (``user_logged_in``): the first page after it need not write the
    session again."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Du ble logget ut fordi du ikke hadde gjort noe på en stund."))
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                # At most one session write a minute, not one per request (a database write on every page).
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class IgnoreBrowserLanguageMiddleware:
    """Pages are Norwegian unless the person chooses English in the footer.

    Django's ``LocaleMiddleware`` would otherwise follow the browser's Accept-Language, and a phone set up in
    English would get English pages nobody asked for. With the header gone only the language cookie (set by
    the footer's switch) decides, and the default is ``LANGUAGE_CODE`` ("nb"). Must come before
    ``LocaleMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PlainNotFoundMiddleware:
    """The Norwegian «not found» page in the demo (`make run` sets ``PLAIN_NOT_FOUND=1``) although DEBUG is on.

    With DEBUG on, Django answers a 404 with its technical page (in English, listing every address of the site)
    instead of ``handler404``; people trying the demo met it whenever the gate said no. Only a 404 Django makes
    itself is replaced: one raised by a view (``Http404``, here in ``process_exception``) and an address no view
    answers (no ``resolver_match``); a view's own 404 page is left as it is. Without DEBUG, ``handler404`` answers
    anyway and this does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and getattr(settings, "PLAIN_NOT_FOUND", False)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None and self._active():
            from koordinator.views.errors import page_not_found

            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self._active():
            from koordinator.views.errors import page_not_found

            return page_not_found(request, exception)
        return None
