"""``/api/v1/retention/expiring/``: the leader's list of what passes its retention period in the next month, without
names; bad input is JSON naming the field; the persons listed go in their access logs (the API's channel)."""

from __future__ import annotations

import pytest

from koordinator.models import AccessEvent
from retention import services
from tests.conftest import login
from tests.query_counts import clock  # noqa: F401 - the autouse Monday
from tests.retention.test_pages import _ended, _years_ago

pytestmark = pytest.mark.django_db

URL = "/api/v1/retention/expiring/"


def test_the_leader_gets_each_case_with_its_kinds_days_and_states(api_client, world):
    soon = _ended(world, _years_ago(10), name="Snart")
    held = _ended(world, _years_ago(-2), name="Holdt")
    services.place_hold(world.leader, follow_up=held, reason="Tilsyn")
    _ended(world, _years_ago(5), unit=world.other_unit, name="Bergensk")
    login(api_client, world.leader)

    response = api_client.get(URL)

    assert response.status_code == 200
    data = response.json()
    assert [row["id"] for row in data["results"]] == [held.pk, soon.pk]
    row = data["results"][1]
    assert row["service_user"] == soon.service_user_id and row["held"] is False
    items = {item["kind"]: item for item in row["items"]}
    assert items["plan"] == {"kind": "plan", "label": "Individuell plan", "scope": "case", "due_on": "2026-12-04",
                             "state": "waiting"}
    assert items["access_log"]["scope"] == "person"
    assert data["results"][0]["held"] is True
    assert {item["state"] for item in data["results"][0]["items"]} == {"held"}
    assert "Snart" not in response.content.decode() and "Bergensk" not in response.content.decode()
    assert set(AccessEvent.objects.filter(actor=world.leader, channel="api").values_list("service_user_id",
                                                                                         flat=True)) == \
        {soon.service_user_id, held.service_user_id}


@pytest.mark.parametrize(("kommune", "status", "field"), [
    ("abc", 400, "kommune"),
    ("9" * 30, 400, "kommune"),
    ("{bergen}", 404, None),
])
def test_bad_input_is_a_clear_error(api_client, world, kommune, status, field):
    login(api_client, world.leader)
    response = api_client.get(URL, {"kommune": kommune.format(bergen=world.other_municipality.pk)})
    assert response.status_code == status
    body = response.json()
    assert body["detail"]
    if field:
        assert body["errors"][field] == ["Skriv id-en til kommunen (et tall)."]


def test_anyone_but_a_leader_is_refused(api_client, world):
    login(api_client, world.trust_person)
    response = api_client.get(URL)
    assert response.status_code == 403 and "Bare ledere" in response.json()["detail"]
