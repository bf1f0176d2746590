"""The FHIR R4 read API (issue 15): what each resource carries, who sees what, the access log, and bad input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from koordinator.models import AccessEvent
from tests.conftest import login
from tests.exchange.fhir_helpers import FHIR_JSON, full_case, ids, url, validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    return full_case(world)


def get(user, path, **extra):
    return login(APIClient(), user).get(path, **extra)


def test_the_owner_gets_everything_of_their_own_and_every_resource_validates(world, scene):
    response = get(world.owner, url("fhir-everything", world.owner_su.pk))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    bundle = response.json()
    validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Patient"
    assert set(kinds) == {"Patient", "CarePlan", "Goal", "CareTeam", "Consent"}
    assert ids(bundle, "CarePlan") == [f"plan-{scene.plan.pk}", f"crisis-{scene.crisis.pk}"]
    assert sorted(ids(bundle, "Goal")) == sorted(str(g.pk) for g in scene.goals)
    assert bundle["total"] == len(bundle["entry"])
    # The owner reading their own data is not in their access log.
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()
