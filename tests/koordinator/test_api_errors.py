"""Bad input never gives a 500: errors are JSON with ``detail`` (and ``errors`` per field for a 400)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from tests.conftest import login

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    [],
    "tekst",
    12,
    None,
    {"unknown": "felt"},
    {"service_user": [1, 2], "unit": {"id": 1}, "trust_person": True, "status": 7, "scopes": {"plan": 1}},
    {"owner": 10**30, "service_user": -1, "unit": 0, "trust_person": 1.5, "deputy": "1; DROP TABLE"},
    {"phone": "\x00", "first_name": "A\x00B", "name": "x" * 10_000, "relation": ["mor"]},
    {"valid_until": "2026-02-30", "started_on": "0000-00-00", "ended_on": 20260101, "open_door_until": []},
    {"birth_date": "9999-99-99", "valid_from": "10000-01-01", "email": "@", "postal_code": 1234},
]


def endpoints(world) -> list[tuple[str, str]]:
    return [
        ("post", "/api/v1/service-users/"),
        ("patch", f"/api/v1/service-users/{world.owner_su.pk}/"),
        ("put", f"/api/v1/service-users/{world.owner_su.pk}/"),
        ("post", "/api/v1/follow-ups/"),
        ("patch", f"/api/v1/follow-ups/{world.case.pk}/"),
        ("put", f"/api/v1/follow-ups/{world.case.pk}/"),
        ("post", f"/api/v1/follow-ups/{world.case.pk}/status/"),
        ("post", f"/api/v1/follow-ups/{world.case.pk}/end/"),
        ("post", "/api/v1/consents/"),
        ("post", f"/api/v1/consents/{world.consent_valid.pk}/withdraw/"),
        ("post", "/api/v1/next-of-kin/"),
        ("patch", f"/api/v1/next-of-kin/{world.next_of_kin.pk}/"),
        ("put", f"/api/v1/next-of-kin/{world.next_of_kin.pk}/"),
    ]


@pytest.mark.parametrize("persona", ["leader", "owner"])
def test_bad_bodies_give_json_errors_never_a_500(world, persona):
    client = login(APIClient(), world.persona(persona))
    for method, url in endpoints(world):
        for body in BAD_BODIES:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (method, url, body)
            if response.status_code >= 400:
                assert "detail" in response.json(), (method, url, body)
            if response.status_code == 400:
                assert isinstance(response.json()["errors"], dict)


def test_malformed_json_is_a_400(world):
    client = login(APIClient(), world.leader)
    response = client.generic("POST", "/api/v1/consents/", "{nei", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_form_encoded_bodies_work_too(world):
    client = login(APIClient(), world.trust_person)
    response = client.patch(f"/api/v1/service-users/{world.owner_su.pk}/", {"city": "Trondheim"})
    assert response.status_code == 200
    assert response.json()["city"] == "Trondheim"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/service-users/999999/",
        "/api/v1/service-users/abc/",
        "/api/v1/service-users/-1/",
        "/api/v1/service-users/99999999999999999999999999/",
        "/api/v1/follow-ups/999999/",
        "/api/v1/consents/1.5/",
        "/api/v1/next-of-kin/0/",
        "/api/v1/access-events/999999/",
        "/api/v1/service-users/?page=999",
        "/api/v1/service-users/?page=tre",
    ],
)
def test_unknown_ids_and_pages_are_404(world, url):
    response = login(APIClient(), world.leader).get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "Trondheim"},
        {"archived": "kanskje"},
        {"municipality": "99999999999999999999999999"},
        {"municipality": "1.5"},
    ],
)
def test_bad_filters_are_400_or_empty_never_500(world, params):
    response = login(APIClient(), world.leader).get("/api/v1/service-users/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert set(response.json()["errors"]) == set(params)


def test_a_403_and_a_404_are_json_with_a_plain_message(world):
    partner = login(APIClient(), world.partner_valid)
    forbidden = partner.patch(f"/api/v1/service-users/{world.owner_su.pk}/", {"city": "Oslo"}, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"detail": "Du kan se dette, men ikke endre det."}
    missing = partner.get(f"/api/v1/service-users/{world.other_su.pk}/")
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail"}


def test_anonymous_gets_401_everywhere_and_no_redirect(world):
    client = APIClient()
    for url in (
        "/api/v1/service-users/",
        "/api/v1/follow-ups/",
        "/api/v1/consents/",
        "/api/v1/next-of-kin/",
        "/api/v1/access-events/",
        f"/api/v1/service-users/{world.owner_su.pk}/",
    ):
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == 401, (method, url)
            assert "detail" in response.json()


def test_options_describes_an_endpoint_without_leaking_or_failing(world):
    client = login(APIClient(), world.partner_valid)
    for url in (
        "/api/v1/service-users/",
        f"/api/v1/service-users/{world.owner_su.pk}/",
        "/api/v1/consents/",
        f"/api/v1/follow-ups/{world.case.pk}/",
        f"/api/v1/follow-ups/{world.other_case.pk}/",
    ):
        response = client.options(url)
        assert response.status_code == 200, url
        # A partner may not write, so no write form is described.
        assert "actions" not in response.json() or "PUT" not in response.json()["actions"], url
