"""/api/v1/deputies/: the leader's standing deputies, and the coverage report (who is left without cover)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import Absence, AccessEvent, DeputyArrangement, FollowUp, Membership
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/deputies/"
COVERAGE = f"{URL}coverage/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def standing(world, trust_person=None, deputy=None) -> DeputyArrangement:
    return DeputyArrangement.objects.create(
        trust_person=trust_person or world.trust_person,
        deputy=deputy or world.deputy,
        unit=world.unit,
        set_by=world.leader,
    )


def away(person, first: int, last: int) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(
        person=person,
        kind="sykmelding",
        starts_on=today + datetime.timedelta(days=first),
        ends_on=today + datetime.timedelta(days=last),
        registered_by=person,
    )


# --- reading ----------------------------------------------------------------------------------------------


def test_the_leader_lists_the_standing_deputies_in_her_municipality(world):
    arrangement = standing(world)
    data = client_for(world.leader).get(URL).json()["results"]
    assert [a["id"] for a in data] == [arrangement.pk]
    assert data[0]["trust_person"]["id"] == world.trust_person.pk
    assert data[0]["deputy"]["id"] == world.deputy.pk
    assert data[0]["unit"] == {"id": world.unit.pk, "name": "Oppfølgingstjenesten Øst"}
    assert data[0]["set_by"]["id"] == world.leader.pk
    assert client_for(world.leader).get(f"{URL}{arrangement.pk}/").status_code == 200


@pytest.mark.parametrize(
    "persona", ["other_leader", "trust_person", "deputy", "owner", "partner_valid", "admin"]
)
def test_everyone_but_the_leader_gets_an_empty_list_and_404(world, persona):
    arrangement = standing(world)
    client = client_for(world.persona(persona))
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{arrangement.pk}/").status_code == 404


# --- setting -----------------------------------------------------------------------------------------------


def test_the_leader_sets_a_standing_deputy_and_it_opens_the_case_to_them(world):
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    colleague = client_for(world.other_trust_person)
    assert colleague.get(f"/api/v1/follow-ups/{world.case.pk}/").status_code == 404

    response = client_for(world.leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": world.other_trust_person.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    arrangement = DeputyArrangement.objects.get()
    assert response.json()["id"] == arrangement.pk
    assert (arrangement.trust_person, arrangement.deputy, arrangement.set_by) == (
        world.trust_person,
        world.other_trust_person,
        world.leader,
    )
    assert arrangement.history.get().history_user == world.leader
    assert colleague.get(f"/api/v1/follow-ups/{world.case.pk}/").status_code == 200


def test_posting_again_replaces_the_deputy_with_200(world):
    arrangement = standing(world)
    response = client_for(world.leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": world.other_trust_person.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == arrangement.pk
    arrangement.refresh_from_db()
    assert arrangement.deputy == world.other_trust_person


def test_posting_null_removes_the_standing_deputy_with_204(world):
    standing(world)
    response = client_for(world.leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": None}, format="json"
    )
    assert response.status_code == 204
    assert not DeputyArrangement.objects.exists()


def test_patch_changes_the_deputy_and_null_removes_it(world):
    arrangement = standing(world)
    client = client_for(world.leader)
    changed = client.patch(f"{URL}{arrangement.pk}/", {"deputy": world.other_trust_person.pk}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["deputy"]["id"] == world.other_trust_person.pk
    # A PATCH without the field keeps it.
    assert client.patch(f"{URL}{arrangement.pk}/", {}, format="json").json()["deputy"]["id"] == (
        world.other_trust_person.pk
    )
    # A PUT must say who.
    assert client.put(f"{URL}{arrangement.pk}/", {}, format="json").status_code == 400
    removed = client.patch(f"{URL}{arrangement.pk}/", {"deputy": None}, format="json")
    assert removed.status_code == 204
    assert not DeputyArrangement.objects.exists()


def test_the_trust_person_cannot_be_their_own_deputy(world):
    response = client_for(world.leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": world.trust_person.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"deputy"}
    assert not DeputyArrangement.objects.exists()


def test_the_deputy_must_work_in_the_same_unit(world):
    west = f.OrganisationFactory(name="Oppfølgingstjenesten Vest", municipality=world.municipality)
    elsewhere = f.UserFactory(username="tillit_vest")
    f.MembershipFactory(user=elsewhere, organisation=west, role=Membership.Role.TRUST_PERSON)
    response = client_for(world.leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"deputy"}
    assert "Oppfølgingstjenesten Øst" in response.json()["detail"]


def test_a_leader_cannot_choose_staff_in_another_municipality(world):
    response = client_for(world.other_leader).post(
        URL, {"trust_person": world.trust_person.pk, "deputy": world.deputy.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"trust_person", "deputy"}
    assert not DeputyArrangement.objects.exists()


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "owner", "partner_valid", "admin"])
def test_only_a_leader_sets_standing_deputies(world, persona):
    arrangement = standing(world)
    client = client_for(world.persona(persona))
    created = client.post(
        URL, {"trust_person": world.other_trust_person.pk, "deputy": world.deputy.pk}, format="json"
    )
    changed = client.patch(f"{URL}{arrangement.pk}/", {"deputy": None}, format="json")
    assert (created.status_code, changed.status_code) == (403, 404)
    assert DeputyArrangement.objects.count() == 1


def test_nothing_is_deleted_with_delete(world):
    arrangement = standing(world)
    assert client_for(world.leader).delete(f"{URL}{arrangement.pk}/").status_code == 405
    assert DeputyArrangement.objects.exists()


# --- coverage -------------------------------------------------------------------------------------------------


def test_coverage_lists_users_left_without_cover_and_trust_persons_without_a_standing_deputy(world):
    standing(world)  # the trust person has one; the deputy and the colleague have none
    mine = away(world.trust_person, 0, 3)
    theirs = away(world.deputy, 2, 5)
    response = client_for(world.leader).get(COVERAGE)
    assert response.status_code == 200, response.content
    data = response.json()
    assert len(data["uncovered"]) == 1
    gap = data["uncovered"][0]
    assert (gap["follow_up"], gap["service_user"], gap["service_user_name"]) == (
        world.case.pk,
        world.owner_su.pk,
        "Kari Nordmann",
    )
    assert gap["trust_person_absence"]["id"] == mine.pk
    assert gap["trust_person_absence"]["person"]["id"] == world.trust_person.pk
    assert gap["deputy_absence"]["id"] == theirs.pk
    assert gap["deputy_absence"]["kind"] == "sykmelding"
    assert {p["id"] for p in data["without_deputy"]} == {world.deputy.pk, world.other_trust_person.pk}
    # The leader saw the owner's name: it is in her access log.
    assert AccessEvent.objects.get().service_user == world.owner_su


@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid", "admin"])
def test_coverage_is_for_leaders_only(world, persona):
    assert client_for(world.persona(persona)).get(COVERAGE).status_code == 403
