"""Links in a message's text, as the app shows them.

A message is written once for every channel (``outbox.build``). An SMS or an e-mail needs the whole address
(``settings.SITE_URL`` and the path) for the recipient to tap; that text is what is stored and sent. In the app,
where the same message is read on *Varsler* and Min side, a whole address is noise, and on a phone one unbroken
word a thousand pixels wide. :func:`app_html` shows each address as a short link instead: the words an app
registered for the page it leads to (:func:`register_link_text`: «Meld forfall» for the meetings' apology page),
the site's name for an address elsewhere, «Åpne lenken» otherwise. A link to this site becomes a path, so it works
whichever address the app is served from::

    {% load message_tags %}
    {{ notification.body|message_html }}
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

# An address with its scheme, or a path standing alone (a message written while SITE_URL was empty).
ADDRESS = re.compile(r"https?://[^\s<>\"']+|(?<![^\s(«])/[^\s<>\"']+")
# Punctuation that ends the sentence around an address rather than the address itself.
TRAILING = ".,;:!?)»\"'"

_TEXTS: dict[str, str] = {}


def register_link_text(url_name: str, text: str) -> None:
    """Show links to the page named ``url_name`` as ``text`` in the app (give a lazy translation)."""
    _TEXTS[url_name] = text


def _own_path(address: str) -> str | None:
    """The path of an address on this site (``SITE_URL``), or ``None`` for an address elsewhere."""
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if address.startswith("/"):
        return address
    if site and (address == site or address.startswith(site + "/")):
        return address[len(site):] or "/"
    return None


def _link(address: str) -> str | None:
    """The ``<a>`` for one address, or ``None`` to leave it as text (a path that is not one of this site's pages)."""
    path = _own_path(address)
    if path is None:
        host = urlsplit(address).hostname or address
        return format_html('<a class="ds-link" href="{}">{}</a>', address, host)
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        match = None
    text = _TEXTS.get(match.url_name) if match else None
    if text is None and address.startswith("/"):
        return None  # a bare path is only taken for a link when it leads to a page that has a name for it
    return format_html('<a class="ds-link" href="{}">{}</a>', path, text or _("Åpne lenken"))


def app_html(body: str) -> SafeString:
    """``body`` as HTML for the app: escaped, line breaks kept, every address a short link."""
    parts: list[str] = []
    position = 0
    for found in ADDRESS.finditer(body or ""):
        address = found.group(0).rstrip(TRAILING)
        link = _link(address)
        if link is None:
            continue
        parts.append(escape(body[position:found.start()]))
        parts.append(link)
        position = found.start() + len(address)
    parts.append(escape((body or "")[position:]))
    return mark_safe(normalize_newlines("".join(parts)).replace("\n", "<br>"))
