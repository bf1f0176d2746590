"""Token authentication: for other systems and scripts (``manage.py drf_create_token USER``)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_token_from_the_management_command_authenticates_a_call(world, capsys):
    call_command("drf_create_token", world.trust_person.username)
    token = Token.objects.get(user=world.trust_person)
    assert token.key in capsys.readouterr().out

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/follow-ups/")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [world.case.pk]


def test_a_write_with_a_token_needs_no_csrf_and_is_recorded_as_the_tokens_user(world):
    token = Token.objects.create(user=world.trust_person)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        f"/api/v1/follow-ups/{world.case.pk}/status/", {"status": "dormant"}, format="json"
    )
    assert response.status_code == 200
    assert world.case.history.latest().history_user == world.trust_person


def test_a_wrong_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token feil")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_session_write_without_csrf_is_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.trust_person)
    response = client.post(
        f"/api/v1/follow-ups/{world.case.pk}/status/", {"status": "dormant"}, format="json"
    )
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "active"
