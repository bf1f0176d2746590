"""The FHIR API on the demo (issue 15, «Done when»): every resource the API returns about bruker1, and her
``Patient/$everything`` bundle, parse with ``fhir.resources`` (R4, 4.0.1), read by herself, her trust person, and a
partner; each resource read on its own is the same as in the bundle."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from exchange.fhir.everything import everything_bundle
from koordinator.models import ServiceUser, User
from tests.conftest import login
from tests.exchange.fhir_helpers import url, validate
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


def bruker1() -> ServiceUser:
    return ServiceUser.objects.get(user__username="bruker1")


def client(username: str) -> APIClient:
    return login(APIClient(), User.objects.get(username=username))


def test_bruker1s_everything_bundle_and_every_resource_in_it_validate_and_read_alike():
    me = client("bruker1")
    response = me.get(url("fhir-everything", bruker1().pk))
    assert response.status_code == 200, response.content
    bundle = response.json()
    validate(bundle)
    kinds = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kinds.setdefault(resource["resourceType"], []).append(resource["id"])
        single = me.get(url("fhir-read", resource["resourceType"], resource["id"]))
        assert single.status_code == 200, single.content
        assert single.json() == resource
        assert entry["fullUrl"] == f"http://testserver/fhir/{resource['resourceType']}/{resource['id']}"
    # Everything the API serves, and the plan's goals, her crisis plan, her case's team and her consents are there.
    assert set(kinds) == {"Patient", "CarePlan", "Goal", "CareTeam", "Consent"}
    assert any(i.startswith("plan-") for i in kinds["CarePlan"]) and any(i.startswith("crisis-") for i in kinds["CarePlan"])
    assert len(kinds["Goal"]) >= 3


@pytest.mark.parametrize("resource", ["Patient", "CarePlan", "Goal", "CareTeam", "Consent"])
def test_every_search_about_bruker1_validates(resource):
    params = {"_id": bruker1().pk} if resource == "Patient" else {"patient": bruker1().pk}
    for username in ("bruker1", "tillit1", "nav1"):
        response = client(username).get(url("fhir-search", resource, **params))
        assert response.status_code == 200, (username, response.content)
        validate(response.json())


def test_her_trust_person_and_a_partner_read_her_bundle_through_the_gate():
    staff = client("tillit1").get(url("fhir-everything", bruker1().pk)).json()
    validate(staff)
    partner = client("nav1").get(url("fhir-everything", bruker1().pk)).json()
    validate(partner)
    assert len(partner["entry"]) < len(staff["entry"])  # nav1 sees what bruker1 consented to, not all of it
    assert "identifier" not in partner["entry"][0]["resource"]


def test_the_archives_collection_bundle_validates():
    user = User.objects.get(username="bruker1")
    bundle = everything_bundle(user, bruker1(), bundle_type="collection")
    validate(bundle)
    assert bundle["type"] == "collection" and "total" not in bundle
    assert all("search" not in entry for entry in bundle["entry"])


def test_the_benchmark_measures_bruker1s_everything_for_every_role_that_sees_her():
    from django.test import override_settings

    from bench.benchmark import targets as t

    with override_settings(ROOT_URLCONF="bench.urls"):  # as the benchmark runs: the project's URLs and the floor
        listed = t.page_targets(t.find_subjects())
    found = {target.role: target for target in listed if target.name == "fhir everything"}
    assert {"tillit1", "leder", "bruker1", "nav1"} <= set(found)
    for role, target in found.items():
        assert target.url == url("fhir-everything", bruker1().pk) and target.kind == t.API_DETAIL
        assert client(role).get(target.url).status_code == 200
