"""/api/v1/follow-ups/: reading and filtering cases, opening one, status, ending, assignment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, FollowUp, Membership
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/follow-ups/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def detail(case) -> str:
    return f"{URL}{case.pk}/"


def today_plus(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# --- reading ----------------------------------------------------------------------------------------------


def test_a_case_shows_the_workers_and_the_next_allowed_statuses(world):
    data = client_for(world.trust_person).get(detail(world.case)).json()
    assert data["service_user"] == world.owner_su.pk
    assert data["service_user_name"] == "Kari Nordmann"
    assert data["trust_person"]["id"] == world.trust_person.pk
    assert data["deputy"]["id"] == world.deputy.pk
    assert data["status"] == "active"
    assert data["allowed_transitions"] == ["dormant", "ended"]


def test_reading_a_case_is_logged_for_the_owner(world):
    client_for(world.partner_org_member).get(detail(world.case))
    event = AccessEvent.objects.get()
    assert (event.service_user, event.actor, event.channel) == (
        world.owner_su,
        world.partner_org_member,
        "api",
    )


def test_the_list_filters_by_status_and_trust_person(world):
    client = client_for(world.leader)
    FollowUp.objects.filter(pk=world.other_case.pk).update(status=FollowUp.Status.DORMANT)
    assert [c["id"] for c in client.get(URL, {"status": "dormant"}).json()["results"]] == [
        world.other_case.pk
    ]
    mine = client.get(URL, {"trust_person": world.trust_person.pk}).json()["results"]
    assert [c["id"] for c in mine] == [world.case.pk]


@pytest.mark.parametrize("params", [{"status": "sleeping"}, {"trust_person": "Stig"}, {"page": "x"}])
def test_bad_filters_give_json_errors(world, params):
    response = client_for(world.leader).get(URL, params)
    assert response.status_code in (400, 404)
    assert "detail" in response.json()


# --- status and ending --------------------------------------------------------------------------------------


def test_the_trust_person_pauses_a_case_and_the_user_is_told(world):
    response = client_for(world.trust_person).post(
        f"{detail(world.case)}status/", {"status": "dormant"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "dormant"
    assert "pause" in response.json()["user_notice"]


@pytest.mark.parametrize("new_status", ["intake", "ended", "asleep", ""])
def test_a_status_the_case_cannot_take_is_refused_on_the_status_field(world, new_status):
    response = client_for(world.trust_person).post(
        f"{detail(world.case)}status/", {"status": new_status}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


def test_ending_a_case_records_why_and_who_takes_over(world):
    payload = {"reason": "handed_over", "taken_over_by": world.nav.pk, "open_door_until": today_plus(90)}
    response = client_for(world.deputy).post(f"{detail(world.case)}end/", payload, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "ended"
    assert data["ending_reason"] == "handed_over"
    assert data["taken_over_by"] == world.nav.pk
    assert data["is_open_door"] is True
    assert "NAV Lerkendal" in data["user_notice"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"reason": "bored"}, "reason"),
        ({"reason": "handed_over"}, "taken_over_by"),
        ({"reason": "other", "note": " "}, "note"),
        ({"reason": "moved", "open_door_until": "2000-01-01"}, "open_door_until"),
        ({"reason": "moved", "ended_on": "not a date"}, "ended_on"),
        ({"reason": "moved", "taken_over_by": 999999}, "taken_over_by"),
    ],
)
def test_ending_with_bad_input_changes_nothing(world, payload, field):
    response = client_for(world.trust_person).post(f"{detail(world.case)}end/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


def test_ending_twice_is_refused(world):
    client = client_for(world.trust_person)
    assert client.post(f"{detail(world.case)}end/", {"reason": "moved"}, format="json").status_code == 200
    response = client.post(f"{detail(world.case)}end/", {"reason": "moved"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Oppfølgingen er allerede avsluttet."]}


# --- assignment ---------------------------------------------------------------------------------------------


def test_the_leader_assigns_a_new_trust_person_and_the_user_is_told(world):
    payload = {"trust_person": world.other_trust_person.pk, "deputy": None, "handover_note": "Liker kafé."}
    response = client_for(world.leader).patch(detail(world.case), payload, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["trust_person"]["id"] == world.other_trust_person.pk
    assert data["deputy"] is None
    assert world.other_trust_person.display_name in data["user_notice"]


def test_a_new_trust_person_needs_a_handover_note(world):
    response = client_for(world.leader).patch(
        detail(world.case), {"trust_person": world.other_trust_person.pk}, format="json"
    )
    assert response.status_code == 400
    assert "handover_note" in response.json()["errors"]
    world.case.refresh_from_db()
    assert world.case.trust_person == world.trust_person


def test_a_patch_that_leaves_out_the_trust_person_keeps_them(world):
    response = client_for(world.leader).patch(
        detail(world.case), {"deputy": world.other_trust_person.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["trust_person"]["id"] == world.trust_person.pk
    assert response.json()["deputy"]["id"] == world.other_trust_person.pk


def test_a_put_needs_the_trust_person(world):
    response = client_for(world.leader).put(detail(world.case), {"deputy": None}, format="json")
    assert response.status_code == 400
    assert "trust_person" in response.json()["errors"]


def test_the_deputy_cannot_be_the_trust_person(world):
    response = client_for(world.leader).patch(
        detail(world.case), {"trust_person": world.deputy.pk, "deputy": world.deputy.pk}, format="json"
    )
    assert response.status_code == 400
    assert "deputy" in response.json()["errors"]


def test_a_trust_person_outside_the_leaders_units_is_not_a_choice(world):
    stranger = f.UserFactory(username="tillit_bergen")
    f.MembershipFactory(user=stranger, organisation=world.other_unit, role=Membership.Role.TRUST_PERSON)
    response = client_for(world.leader).patch(
        detail(world.case), {"trust_person": stranger.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["trust_person"] == [
        "Finnes ikke, eller er ikke et valg du kan gjøre her."
    ]


# --- opening a new case ------------------------------------------------------------------------------------


def new_case(world, **overrides) -> dict:
    data = {
        "service_user": world.owner_su.pk,
        "unit": world.unit.pk,
        "trust_person": world.trust_person.pk,
        "referral_source": "relatives",
    }
    data.update(overrides)
    return data


def test_a_new_case_is_refused_while_one_is_open(world):
    response = client_for(world.trust_person).post(URL, new_case(world), format="json")
    assert response.status_code == 400
    assert "service_user" in response.json()["errors"]
    assert FollowUp.objects.filter(service_user=world.owner_su).count() == 1


def test_a_new_case_is_opened_after_the_old_one_ended(world):
    client = client_for(world.trust_person)
    assert client.post(f"{detail(world.case)}end/", {"reason": "moved"}, format="json").status_code == 200
    response = client.post(URL, new_case(world, started_on=timezone.localdate().isoformat()), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "intake"
    assert data["referral_source"] == "relatives"
    assert FollowUp.objects.filter(service_user=world.owner_su).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_user": 999999}, "service_user"),
        ({"service_user": "Kari"}, "service_user"),
        ({"unit": None}, "unit"),
        ({"referral_source": "agency"}, "referral_agency"),
        ({"started_on": "2026-13-01"}, "started_on"),
    ],
)
def test_opening_a_case_with_bad_input_saves_nothing(world, overrides, field):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    response = client_for(world.trust_person).post(URL, new_case(world, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert FollowUp.objects.count() == 2


def test_nothing_is_deleted(world):
    assert client_for(world.leader).delete(detail(world.case)).status_code == 405
    assert FollowUp.objects.filter(pk=world.case.pk).exists()
