"""GET /api/v1/me/: who am I, my roles, and for a service user: who my contact is now."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from koordinator.models import FollowUp
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/"


def me(user) -> dict:
    response = login(APIClient(), user).get(URL)
    assert response.status_code == 200
    return response.json()


def test_it_shows_a_trust_persons_unit(world):
    data = me(world.trust_person)
    assert data["id"] == world.trust_person.pk
    assert data["username"] == "tillit"
    assert data["name"] == world.trust_person.display_name
    assert data["roles"]["trust_person_units"] == [{"id": world.unit.pk, "name": "Oppfølgingstjenesten Øst"}]
    assert data["roles"]["leader_municipalities"] == []
    assert data["roles"]["is_admin"] is False
    assert data["service_user"] is None


def test_it_shows_a_leaders_municipality_a_partners_organisation_and_an_administrator(world):
    assert me(world.leader)["roles"]["leader_municipalities"] == [
        {"id": world.municipality.pk, "name": "Trondheim"}
    ]
    assert me(world.partner_org_member)["roles"]["partner_organisations"] == [
        {"id": world.nav.pk, "name": "NAV Lerkendal"}
    ]
    assert me(world.admin)["roles"]["is_admin"] is True


def test_it_tells_a_service_user_who_their_contact_is_now(world):
    world.trust_person.phone = "+4791112222"
    world.trust_person.save()
    data = me(world.owner)
    assert data["service_user"]["id"] == world.owner_su.pk
    contact = data["service_user"]["contact"]
    assert contact["follow_up"] == world.case.pk
    assert contact["trust_person"] == {
        "id": world.trust_person.pk,
        "name": world.trust_person.display_name,
        "phone": "+4791112222",
    }
    assert contact["deputy"]["name"] == world.deputy.display_name
    assert contact["unit"] == {"id": world.unit.pk, "name": "Oppfølgingstjenesten Øst"}
    assert contact["unit_phone"] == world.unit.duty_phone


def test_a_service_user_with_no_open_case_has_no_contact(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    assert me(world.owner)["service_user"]["contact"] is None


def test_anonymous_gets_401_json_not_a_redirect(world):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_it_refuses_writes(world):
    client = login(APIClient(), world.owner)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(URL, {}, format="json").status_code == 405
