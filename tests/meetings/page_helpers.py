"""Small helpers shared by the meetings page tests (``test_pages_*.py``, ``test_pdf.py``)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koordinator import access
from koordinator.models import AccessEvent
from tests.conftest import login


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def post(client, user, name: str, *args, data=None):
    """POST as ``user`` (logged in afresh: the roles are read again, as in a new request)."""
    if user is not None:
        access.forget(user)
    client.logout()
    login(client, user)
    return client.post(url(name, *args), data or {})


def text(response) -> str:
    return response.content.decode()


def queries(client, path: str, user=None) -> int:
    """How many queries one GET of ``path`` runs (the roles are read afresh, as in a new request)."""
    if user is not None:
        access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def access_events(owner_su, channel: str = AccessEvent.Channel.WEB) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(service_user=owner_su, channel=channel).order_by("pk"))
