"""The admin site's links work for the administrator (issue 12: every link shown to someone works for them)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<a class="button" href="([^"]+)">')


@pytest.mark.parametrize("where", ["change", "earlier version"])
def test_the_reset_password_button_opens_the_accounts_password_page(client, world, where):
    account = world.partner_valid
    account.first_name = "Endret"
    account.save()  # a second version in the history
    login(client, world.admin)
    url = reverse("admin:koordinator_user_change", args=[account.pk])
    if where == "earlier version":
        version = account.history.order_by("history_id").first()
        url = reverse("admin:koordinator_user_simple_history", args=[account.pk, version.history_id])
    page = client.get(url)
    assert page.status_code == 200
    hrefs = BUTTON.findall(page.content.decode())
    assert hrefs, "no password button"
    target = reverse("admin:auth_user_password_change", args=[account.pk])
    for href in hrefs:
        resolved = urljoin(url, href)
        assert resolved == target
        assert client.get(resolved).status_code == 200
