"""/api/v1/next-of-kin/: adding and changing next of kin; people kept away stay hidden from partners."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from koordinator.models import NextOfKin
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/next-of-kin/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def test_the_owner_adds_a_next_of_kin(world):
    payload = {
        "service_user": world.owner_su.pk,
        "name": "Mor Nordmann",
        "relation": "mor",
        "phone": "415 55 555",
        "is_guardian": True,
    }
    response = client_for(world.owner).post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "supportive"
    assert data["phone"] == "+4741555555"
    person = NextOfKin.objects.get(pk=data["id"])
    assert person.service_user == world.owner_su
    assert person.history.get().history_user == world.owner


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"relation": " "}, "relation"),
        ({"kind": "enemy"}, "kind"),
        ({"phone": "0"}, "phone"),
        ({"email": "nei"}, "email"),
        ({"is_guardian": "kanskje"}, "is_guardian"),
        ({"service_user": "__other__"}, "service_user"),
    ],
)
def test_bad_input_gives_a_field_error_and_saves_nothing(world, payload, field):
    data = {"service_user": world.owner_su.pk, "name": "Jon", "relation": "bror"}
    data.update(payload)
    if data["service_user"] == "__other__":
        data["service_user"] = world.other_su.pk  # not one the trust person can see
    before = NextOfKin.objects.count()
    response = client_for(world.trust_person).post(URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert NextOfKin.objects.count() == before


def test_staff_change_a_next_of_kin_to_someone_kept_away(world):
    response = client_for(world.trust_person).patch(
        f"{URL}{world.next_of_kin.pk}/", {"kind": "restricted", "note": "Ønsker ikke kontakt"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["kind"] == "restricted"
    # The partner with crisis-plan consent no longer sees her.
    assert client_for(world.partner_valid).get(f"{URL}{world.next_of_kin.pk}/").status_code == 404


def test_a_put_replaces_the_fields(world):
    payload = {
        "name": "Eva Nordmann",
        "relation": "søster",
        "kind": "supportive",
        "is_guardian": False,
        "phone": "",
        "email": "eva@example.no",
        "note": "",
    }
    response = client_for(world.owner).put(f"{URL}{world.next_of_kin.pk}/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == ""
    assert response.json()["email"] == "eva@example.no"


def test_a_bad_change_changes_nothing(world):
    response = client_for(world.owner).patch(f"{URL}{world.next_of_kin.pk}/", {"relation": ""}, format="json")
    assert response.status_code == 400
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.relation == "søster"


def test_a_partner_list_never_includes_people_kept_away(world):
    for partner in (world.partner_valid, world.partner_org_member):
        names = {p["name"] for p in client_for(partner).get(URL).json()["results"]}
        assert names == {"Eva Nordmann"}


def test_the_list_filters_by_kind(world):
    response = client_for(world.trust_person).get(URL, {"kind": "restricted"})
    assert [p["id"] for p in response.json()["results"]] == [world.restricted_next_of_kin.pk]


def test_nothing_is_deleted(world):
    assert client_for(world.owner).delete(f"{URL}{world.next_of_kin.pk}/").status_code == 405
    assert NextOfKin.objects.filter(pk=world.next_of_kin.pk).exists()
