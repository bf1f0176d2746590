"""A message's text in the app: ``{{ notification.body|message_html }}`` (``koordinator.outbox.links``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from koordinator.outbox.links import app_html

register = template.Library()


@register.filter
def message_html(body: str) -> SafeString:
    """Escaped, with its line breaks, every address shown as a short link («Meld forfall»)."""
    return app_html(body)
