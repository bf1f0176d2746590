"""/api/v1/service-users/: intake, reading, changing; the access log; nothing deleted."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, FollowUp, Membership, ServiceUser
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/service-users/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def intake(world, **overrides) -> dict:
    data = {
        "first_name": "Nina",
        "last_name": "Berg",
        "phone": "912 34 568",
        "unit": world.unit.pk,
        "trust_person": world.trust_person.pk,
        "deputy": world.deputy.pk,
        "referral_source": FollowUp.ReferralSource.AGENCY,
        "referral_agency": world.nav.pk,
    }
    data.update(overrides)
    return data


# --- intake ---------------------------------------------------------------------------------------------


def test_intake_registers_the_person_and_opens_a_case(world):
    response = client_for(world.leader).post(URL, intake(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    person = ServiceUser.objects.get(pk=data["id"])
    case = FollowUp.objects.get(pk=data["case"])
    assert person.full_name == "Nina Berg"
    assert person.phone == "+4791234568"
    assert case.service_user == person
    assert case.status == FollowUp.Status.INTAKE
    assert case.referral_agency == world.nav
    assert data["cases"] == [
        {"id": case.pk, "status": "intake", "started_on": case.started_on.isoformat(), "ended_on": None}
    ]
    assert case.history.get().history_user == world.leader


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"first_name": ""}, "first_name"),
        ({"referral_source": "telepathy"}, "referral_source"),
        ({"referral_agency": None}, "referral_agency"),
        ({"deputy": "__trust_person__"}, "deputy"),
        ({"unit": 999999}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"trust_person": 999999}, "trust_person"),
        ({"birth_date": "31.02.1980"}, "birth_date"),
        ({"started_on": "i går"}, "started_on"),
        ({"email": "ikke-en-adresse"}, "email"),
        ({"postal_code": "123456"}, "postal_code"),
        ({"preferred_channel": "email"}, "preferred_channel"),
        ({"interpreter_needed": True}, "interpreter_language"),
    ],
)
def test_intake_with_bad_input_gives_a_field_error_and_saves_nothing(world, overrides, field):
    if overrides.get("deputy") == "__trust_person__":
        overrides["deputy"] = world.trust_person.pk
    before = (ServiceUser.objects.count(), FollowUp.objects.count())
    response = client_for(world.trust_person).post(URL, intake(world, **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"]
    assert (ServiceUser.objects.count(), FollowUp.objects.count()) == before


def test_intake_refuses_a_trust_person_from_another_unit(world):
    stranger = f.UserFactory(username="tillit_bergen")
    f.MembershipFactory(user=stranger, organisation=world.other_unit, role=Membership.Role.TRUST_PERSON)
    response = client_for(world.leader).post(URL, intake(world, trust_person=stranger.pk), format="json")
    assert response.status_code == 400
    assert "trust_person" in response.json()["errors"]


def test_intake_by_someone_who_may_not_register_is_403(world):
    for user in (world.partner_valid, world.owner, world.admin):
        response = client_for(user).post(URL, intake(world), format="json")
        assert response.status_code == 403
    assert not ServiceUser.objects.filter(first_name="Nina").exists()


# --- reading and the access log ----------------------------------------------------------------------------


def test_the_list_logs_one_access_event_per_person_on_the_page(world):
    response = client_for(world.leader).get(URL)
    assert {p["id"] for p in response.json()["results"]} == {world.owner_su.pk, world.other_su.pk}
    events = AccessEvent.objects.filter(actor=world.leader, channel=AccessEvent.Channel.API)
    assert sorted(events.values_list("service_user_id", flat=True)) == sorted(
        [world.owner_su.pk, world.other_su.pk]
    )


def test_reading_a_person_logs_who_read_it(world):
    response = client_for(world.partner_valid).get(f"{URL}{world.owner_su.pk}/")
    assert response.status_code == 200
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert event.actor == world.partner_valid
    assert event.channel == AccessEvent.Channel.API
    assert event.actor_role == "Samarbeidspartner, Legesenteret"


def test_the_owner_reading_their_own_data_is_not_logged(world):
    client = client_for(world.owner)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{world.owner_su.pk}/").status_code == 200
    assert not AccessEvent.objects.exists()


def test_a_partner_does_not_see_case_ids_without_the_follow_up_scope(world):
    data = client_for(world.partner_wrong_scope).get(f"{URL}{world.owner_su.pk}/").json()
    assert data["full_name"] == "Kari Nordmann"
    assert data["cases"] == []
    assert (
        client_for(world.partner_valid).get(f"{URL}{world.owner_su.pk}/").json()["cases"][0]["id"]
        == world.case.pk
    )


def test_the_list_filters_by_municipality(world):
    bergen_su = f.ServiceUserFactory(municipality=world.other_municipality)
    f.FollowUpFactory(service_user=bergen_su, unit=world.other_unit, trust_person=world.trust_person)
    client = client_for(world.trust_person)
    ids = {p["id"] for p in client.get(URL, {"municipality": world.other_municipality.pk}).json()["results"]}
    assert ids == {bergen_su.pk}
    assert client.get(URL, {"municipality": "Bergen"}).status_code == 400


# --- changing -------------------------------------------------------------------------------------------


def test_the_owner_changes_their_own_phone(world):
    response = client_for(world.owner).patch(
        f"{URL}{world.owner_su.pk}/", {"phone": "934 56 789"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+4793456789"
    world.owner_su.refresh_from_db()
    assert world.owner_su.phone == "+4793456789"
    assert world.owner_su.history.latest().history_user == world.owner


def test_the_owner_may_not_change_their_name(world):
    response = client_for(world.owner).patch(
        f"{URL}{world.owner_su.pk}/", {"first_name": "Karianne"}, format="json"
    )
    assert response.status_code == 400
    assert "Du kan ikke endre" in response.json()["detail"]
    world.owner_su.refresh_from_db()
    assert world.owner_su.first_name == "Kari"


def test_a_put_from_the_owner_that_repeats_their_name_is_accepted(world):
    client = client_for(world.owner)
    current = client.get(f"{URL}{world.owner_su.pk}/").json()
    payload = {k: current[k] for k in ("first_name", "last_name", "phone", "preferred_channel", "language")}
    payload["city"] = "Trondheim"
    response = client.put(f"{URL}{world.owner_su.pk}/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["city"] == "Trondheim"


def test_staff_change_a_name(world):
    response = client_for(world.trust_person).patch(
        f"{URL}{world.owner_su.pk}/", {"last_name": "Nordmann-Berg"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Kari Nordmann-Berg"


def test_a_bad_phone_number_changes_nothing(world):
    response = client_for(world.trust_person).patch(
        f"{URL}{world.owner_su.pk}/", {"phone": "abc"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"phone": ["Skriv et gyldig telefonnummer, for eksempel 912 34 567."]}
    world.owner_su.refresh_from_db()
    assert world.owner_su.phone == "+4791234567"


def test_nothing_is_deleted(world):
    response = client_for(world.leader).delete(f"{URL}{world.owner_su.pk}/")
    assert response.status_code == 405
    assert ServiceUser.objects.filter(pk=world.owner_su.pk).exists()
