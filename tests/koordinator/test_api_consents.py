"""/api/v1/consents/: giving, reading, filtering and withdrawing consent. Consents are never edited."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import Consent
from tests import factories as f
from tests.conftest import login
from tests.relative_dates import FromToday, on_the_day

pytestmark = pytest.mark.django_db
URL = "/api/v1/consents/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def consent(world, **overrides) -> dict:
    data = {
        "owner": world.owner_su.pk,
        "grantee_user": world.partner_none.pk,
        "scopes": ["plan", "crisis_plan"],
        "valid_until": days(180),
        "given_how": "paper",
    }
    data.update(overrides)
    return data


def test_the_owner_gives_consent_in_the_portal(world):
    response = client_for(world.owner).post(URL, consent(world, given_how="oral"), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["given_how"] == "portal"
    assert data["scopes"] == ["plan", "crisis_plan"]
    assert data["state"] == "valid"
    assert data["grantee_name"] == world.partner_none.display_name
    assert Consent.objects.get(pk=data["id"]).recorded_by == world.owner


def test_the_grantee_sees_the_person_from_the_next_request(world):
    partner = client_for(world.partner_none)
    assert partner.get(f"/api/v1/service-users/{world.owner_su.pk}/").status_code == 404
    client_for(world.trust_person).post(URL, consent(world), format="json")
    assert partner.get(f"/api/v1/service-users/{world.owner_su.pk}/").status_code == 200


def test_a_consent_that_starts_later_is_future(world):
    response = client_for(world.trust_person).post(
        URL, consent(world, valid_from=days(10), valid_until=days(20)), format="json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "future"


OMIT = object()  # leave the field out of the request


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_how": OMIT}, "given_how"),
        ({"given_how": "telepathy"}, "given_how"),
        ({"grantee_organisation": "__nav__"}, "grantee_user"),
        ({"grantee_user": OMIT}, "grantee_user"),
        ({"grantee_user": None}, "grantee_user"),
        ({"grantee_user": "__trust_person__"}, "grantee_user"),
        ({"grantee_user": 999999}, "grantee_user"),
        ({"grantee_user": OMIT, "grantee_organisation": "__unit__"}, "grantee_organisation"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["everything"]}, "scopes"),
        ({"scopes": "plan"}, "scopes"),
        ({"valid_until": FromToday(-1)}, "valid_until"),
        ({"valid_until": FromToday(3 * 366 + 5)}, "valid_until"),
        ({"valid_until": "snart"}, "valid_until"),
        ({"valid_from": "9999-12-31", "valid_until": "9999-12-31"}, "valid_from"),  # was a 500 (an overflow)
        ({"valid_until": "0001-01-01"}, "valid_until"),
        ({"owner": 999999}, "owner"),
        ({"owner": None}, "owner"),
    ],
)
def test_bad_consent_input_gives_a_field_error_and_saves_nothing(world, overrides, field):
    ids = {"__nav__": world.nav.pk, "__trust_person__": world.trust_person.pk, "__unit__": world.unit.pk}
    overrides = on_the_day(overrides)
    payload = consent(world, **{k: ids.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    payload = {k: v for k, v in payload.items() if v is not OMIT}
    before = Consent.objects.count()
    response = client_for(world.trust_person).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert Consent.objects.count() == before


def test_withdrawing_takes_effect_and_is_shown_as_withdrawn(world):
    response = client_for(world.owner).post(
        f"{URL}{world.consent_valid.pk}/withdraw/", {"reason": "Nok nå"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "Nok nå"
    assert (
        client_for(world.partner_valid).get(f"/api/v1/service-users/{world.owner_su.pk}/").status_code == 404
    )


def test_withdrawing_twice_is_a_clear_error(world):
    response = client_for(world.owner).post(f"{URL}{world.consent_withdrawn.pk}/withdraw/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Samtykket er allerede trukket tilbake."]}


def test_the_partner_named_in_a_consent_cannot_withdraw_it(world):
    response = client_for(world.partner_valid).post(
        f"{URL}{world.consent_valid.pk}/withdraw/", {}, format="json"
    )
    assert response.status_code == 403
    world.consent_valid.refresh_from_db()
    assert world.consent_valid.withdrawn_at is None


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_consent_is_never_edited_or_deleted(world, method):
    response = getattr(client_for(world.owner), method)(
        f"{URL}{world.consent_valid.pk}/", {"valid_until": days(900)}, format="json"
    )
    assert response.status_code == 405
    world.consent_valid.refresh_from_db()
    assert world.consent_valid.valid_until.isoformat() != days(900)


@pytest.mark.parametrize(
    ("state", "names"),
    [
        ("valid", {"consent_valid", "consent_org", "consent_wrong_scope"}),
        ("expired", {"consent_expired"}),
        ("withdrawn", {"consent_withdrawn"}),
        ("future", {"consent_future"}),
    ],
)
def test_the_list_filters_by_state(world, state, names):
    world.consent_future = f.ConsentFactory(
        owner=world.owner_su,
        grantee_user=world.partner_none,
        recorded_by=world.trust_person,
        valid_from=timezone.localdate() + datetime.timedelta(days=5),
    )
    response = client_for(world.trust_person).get(URL, {"state": state, "owner": world.owner_su.pk})
    assert {c["id"] for c in response.json()["results"]} == {getattr(world, n).pk for n in names}
    assert {c["state"] for c in response.json()["results"]} == {state}


def test_an_unknown_state_filter_is_a_400(world):
    response = client_for(world.trust_person).get(URL, {"state": "maybe"})
    assert response.status_code == 400
    assert "state" in response.json()["errors"]


def test_a_service_far_from_the_owner_is_not_a_choice(world):
    bergen_nav = f.OrganisationFactory(
        name="NAV Bergenhus", kind="nav", municipality=world.other_municipality
    )
    bergen_partner = f.UserFactory(username="nav_bergen")
    f.MembershipFactory(user=bergen_partner, organisation=bergen_nav, role="partner")
    client = client_for(world.trust_person)

    response = client.post(
        URL, consent(world, grantee_user=None, grantee_organisation=bergen_nav.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "grantee_organisation": ["Du kan ikke velge denne for Kari Nordmann."]
    }
    response = client.post(URL, consent(world, grantee_user=bergen_partner.pk), format="json")
    assert response.status_code == 400
    assert "grantee_user" in response.json()["errors"]
    # A regional service (no municipality) is near everyone.
    dps = f.OrganisationFactory(name="DPS Vest", kind="specialist", municipality=None)
    response = client.post(URL, consent(world, grantee_user=None, grantee_organisation=dps.pk), format="json")
    assert response.status_code == 201
