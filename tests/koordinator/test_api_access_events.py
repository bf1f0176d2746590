"""/api/v1/access-events/: the owner's own access log, read only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from koordinator.models import AccessEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/access-events/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def test_the_owner_sees_who_read_their_data_through_the_api(world):
    client_for(world.partner_valid).get(f"/api/v1/service-users/{world.owner_su.pk}/")
    client_for(world.trust_person).get(f"/api/v1/follow-ups/{world.case.pk}/")
    client_for(world.leader).get(f"/api/v1/service-users/{world.other_su.pk}/")  # someone else's data

    results = client_for(world.owner).get(URL).json()["results"]
    assert [(e["actor_name"], e["what"], e["channel"]) for e in results] == [
        (world.trust_person.display_name, "Oppfølgingssak", "api"),
        (world.partner_valid.display_name, "Personopplysninger", "api"),
    ]
    one = client_for(world.owner).get(f"{URL}{results[0]['id']}/")
    assert one.status_code == 200


def test_nobody_else_reads_the_access_log(world):
    client_for(world.trust_person).get(f"/api/v1/service-users/{world.owner_su.pk}/")
    event = AccessEvent.objects.get()
    for user in (world.trust_person, world.leader, world.other_owner, world.admin):
        client = client_for(user)
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{event.pk}/").status_code == 404


def test_reading_the_access_log_is_not_itself_logged(world):
    client_for(world.owner).get(URL)
    assert not AccessEvent.objects.exists()


def test_the_log_filters_by_channel(world):
    client_for(world.trust_person).get(f"/api/v1/service-users/{world.owner_su.pk}/")
    client = client_for(world.owner)
    assert client.get(URL, {"channel": "web"}).json()["count"] == 0
    assert client.get(URL, {"channel": "api"}).json()["count"] == 1


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_access_log_cannot_be_written_through_the_api(world, method):
    client_for(world.trust_person).get(f"/api/v1/service-users/{world.owner_su.pk}/")
    event = AccessEvent.objects.get()
    url = URL if method == "post" else f"{URL}{event.pk}/"
    response = getattr(client_for(world.owner), method)(url, {"what": "Ingenting"}, format="json")
    assert response.status_code == 405
    event.refresh_from_db()
    assert event.what == "Personopplysninger"
