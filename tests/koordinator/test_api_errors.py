"""Bad input never gives a 500: errors are JSON with ``detail`` (and ``errors`` per field for a 400)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import outbox
from koordinator.models import Absence, Appointment, DeputyArrangement
from koordinator.timeutil import at
from tests.conftest import login

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    [],
    "tekst",
    12,
    None,
    {"unknown": "felt"},
    {"service_user": [1, 2], "unit": {"id": 1}, "trust_person": True, "status": 7, "scopes": {"plan": 1}},
    {"owner": 10**30, "service_user": -1, "unit": 0, "trust_person": 1.5, "deputy": "1; DROP TABLE"},
    {"phone": "\x00", "first_name": "A\x00B", "name": "x" * 10_000, "relation": ["mor"]},
    {"valid_until": "2026-02-30", "started_on": "0000-00-00", "ended_on": 20260101, "open_door_until": []},
    {"birth_date": "9999-99-99", "valid_from": "10000-01-01", "email": "@", "postal_code": 1234},
    # Continuity: times at the edge of the calendar, numbers too large, decisions of the wrong shape.
    {"starts_at": "9999-12-31T23:59:59-05:00", "starts_on": "9999-12-31", "ends_on": "0001-01-01"},
    {"follow_up": 1, "starts_at": "0001-01-01T00:00:00+05:00", "place": "home", "duration_minutes": 10**30},
    {"decisions": {"abc": "x", "1": None}, "kind": [], "person": "meg", "deputy": {"id": 1}, "note": None},
    {"decisions": "alle", "announce_return": "kanskje", "starts_at": 1e308, "trust_person": "x" * 300},
    {
        "kind": "ferie",
        "starts_on": "2026-01-01",
        "ends_on": "2026-01-02",
        "decisions": {"99999999999999999999": 1},
    },
]


def continuity_objects(world) -> tuple[Appointment, Absence, DeputyArrangement, int]:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = Appointment.objects.create(
        follow_up=world.case,
        service_user=world.owner_su,
        trust_person=world.trust_person,
        starts_at=at(tomorrow, 10),
        place=Appointment.Place.HOME,
        created_by=world.trust_person,
    )
    absence = Absence.objects.create(
        person=world.trust_person,
        kind="ferie",
        starts_on=tomorrow,
        ends_on=tomorrow,
        registered_by=world.leader,
    )
    arrangement = DeputyArrangement.objects.create(
        trust_person=world.trust_person, deputy=world.deputy, unit=world.unit, set_by=world.leader
    )
    message = outbox.notify(world.leader, "Hei", "Tekst")
    return appointment, absence, arrangement, message.pk


def endpoints(world) -> list[tuple[str, str]]:
    appointment, absence, arrangement, message = continuity_objects(world)
    return [
        ("post", "/api/v1/service-users/"),
        ("patch", f"/api/v1/service-users/{world.owner_su.pk}/"),
        ("put", f"/api/v1/service-users/{world.owner_su.pk}/"),
        ("post", "/api/v1/follow-ups/"),
        ("patch", f"/api/v1/follow-ups/{world.case.pk}/"),
        ("put", f"/api/v1/follow-ups/{world.case.pk}/"),
        ("post", f"/api/v1/follow-ups/{world.case.pk}/status/"),
        ("post", f"/api/v1/follow-ups/{world.case.pk}/end/"),
        ("post", "/api/v1/consents/"),
        ("post", f"/api/v1/consents/{world.consent_valid.pk}/withdraw/"),
        ("post", "/api/v1/next-of-kin/"),
        ("patch", f"/api/v1/next-of-kin/{world.next_of_kin.pk}/"),
        ("put", f"/api/v1/next-of-kin/{world.next_of_kin.pk}/"),
        ("post", "/api/v1/appointments/"),
        ("post", f"/api/v1/appointments/{appointment.pk}/move/"),
        ("post", f"/api/v1/appointments/{appointment.pk}/cancel/"),
        ("post", "/api/v1/absences/"),
        ("post", f"/api/v1/absences/{absence.pk}/cancel/"),
        ("post", "/api/v1/deputies/"),
        ("patch", f"/api/v1/deputies/{arrangement.pk}/"),
        ("put", f"/api/v1/deputies/{arrangement.pk}/"),
        ("post", f"/api/v1/notifications/{message}/read/"),
        ("post", "/api/v1/notifications/read-all/"),
    ]


@pytest.mark.parametrize("persona", ["leader", "owner"])
def test_bad_bodies_give_json_errors_never_a_500(world, persona):
    client = login(APIClient(), world.persona(persona))
    for method, url in endpoints(world):
        for body in BAD_BODIES:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (method, url, body)
            if response.status_code >= 400:
                assert "detail" in response.json(), (method, url, body)
            if response.status_code == 400:
                assert isinstance(response.json()["errors"], dict)


def test_malformed_json_is_a_400(world):
    client = login(APIClient(), world.leader)
    response = client.generic("POST", "/api/v1/consents/", "{nei", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_form_encoded_bodies_work_too(world):
    client = login(APIClient(), world.trust_person)
    response = client.patch(f"/api/v1/service-users/{world.owner_su.pk}/", {"city": "Trondheim"})
    assert response.status_code == 200
    assert response.json()["city"] == "Trondheim"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/service-users/999999/",
        "/api/v1/service-users/abc/",
        "/api/v1/service-users/-1/",
        "/api/v1/service-users/99999999999999999999999999/",
        "/api/v1/follow-ups/999999/",
        "/api/v1/consents/1.5/",
        "/api/v1/next-of-kin/0/",
        "/api/v1/access-events/999999/",
        "/api/v1/service-users/?page=999",
        "/api/v1/service-users/?page=tre",
        "/api/v1/appointments/999999/",
        "/api/v1/appointments/?page=999",
        "/api/v1/absences/abc/",
        "/api/v1/absences/99999999999999999999999/",
        "/api/v1/deputies/0/",
        "/api/v1/notifications/-1/",
        "/api/v1/notifications/99999999999999999999999/",
    ],
)
def test_unknown_ids_and_pages_are_404(world, url):
    response = login(APIClient(), world.leader).get(url)
    assert response.status_code == 404
    # JSON in the one error shape, also where the path itself names nothing ("abc", "1.5"): never a page.
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "errors"} and response.json()["errors"] == {}


@pytest.mark.parametrize(
    "params",
    [
        {"municipality": "Trondheim"},
        {"archived": "kanskje"},
        {"municipality": "99999999999999999999999999"},
        {"municipality": "1.5"},
    ],
)
def test_bad_filters_are_400_or_empty_never_500(world, params):
    response = login(APIClient(), world.leader).get("/api/v1/service-users/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert set(response.json()["errors"]) == set(params)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/appointments/", {"from": "0000-00-00", "to": "i morgen"}),
        ("/api/v1/appointments/", {"from": "0001-01-01", "to": "9999-12-31"}),
        ("/api/v1/appointments/", {"follow_up": "99999999999999999999", "status": "\x00"}),
        ("/api/v1/absences/", {"from": "10000-01-01", "person": "-5", "kind": "fri", "cancelled": "1"}),
        ("/api/v1/absences/", {"from": "0001-01-01", "to": "9999-12-31"}),
        ("/api/v1/notifications/", {"unread": "ja"}),
        ("/api/v1/absences/preview/", {}),
        ("/api/v1/absences/preview/", {"starts_on": "0001-01-01", "ends_on": "9999-12-31"}),
        ("/api/v1/absences/preview/", {"starts_on": "9999-12-31", "ends_on": "9999-12-31", "person": "0"}),
        (
            "/api/v1/absences/preview/",
            {"starts_on": "2026-01-02", "ends_on": "2026-01-01", "person": "x" * 100},
        ),
    ],
)
@pytest.mark.parametrize("persona", ["leader", "trust_person", "owner"])
def test_bad_queries_on_the_continuity_endpoints_never_give_a_500(world, url, params, persona):
    response = login(APIClient(), world.persona(persona)).get(url, params)
    assert response.status_code < 500
    if response.status_code == 400:
        assert isinstance(response.json()["errors"], dict)
        assert response.json()["detail"]


def test_a_403_and_a_404_are_json_with_a_plain_message(world):
    partner = login(APIClient(), world.partner_valid)
    forbidden = partner.patch(f"/api/v1/service-users/{world.owner_su.pk}/", {"city": "Oslo"}, format="json")
    assert forbidden.status_code == 403
    # One error shape for every status (the schema's «Error»): nothing per field but for a 400.
    assert forbidden.json() == {"detail": "Du kan se dette, men ikke endre det.", "errors": {}}
    missing = partner.get(f"/api/v1/service-users/{world.other_su.pk}/")
    assert missing.status_code == 404
    # Plain Norwegian, not Django's «No ServiceUser matches the given query.», and the same as for no such id.
    assert missing.json() == {"detail": "Finnes ikke, eller du har ikke tilgang.", "errors": {}}
    assert partner.get("/api/v1/service-users/999999/").json() == missing.json()


def test_a_message_about_part_of_a_field_is_a_string_under_that_field(world):
    # Issue 12: DRF nests the errors of a list's items and a nested object's fields; the schema (and a client's one
    # code path) says every field has a list of strings. Where in the field comes first.
    client = login(APIClient(), world.trust_person)
    consent = client.post("/api/v1/consents/", {"owner": world.owner_su.pk, "grantee_organisation": world.nav.pk,
                                                "scopes": ["plan", "AAA"], "valid_until": "2030-01-01",
                                                "given_how": "paper"}, format="json")
    assert consent.status_code == 400
    assert consent.json()["errors"] == {"scopes": ["1: \"AAA\" er ikke et gyldig valg."]}
    crisis = client.post("/api/v1/crisis-plans/", {"service_user": world.owner_su.pk, "contacts": [
        {"name": "Eva", "phone": "900 00 001", "reachable": ["evening"]}, {"name": "Per", "reachable": ["x"]},
    ]}, format="json")
    assert crisis.status_code == 400
    assert crisis.json()["errors"] == {"contacts": ["1.phone: Dette feltet er påkrevd.",
                                                    "1.reachable.0: \"x\" er ikke et gyldig valg."]}
    assert crisis.json()["detail"].endswith("1.phone: Dette feltet er påkrevd.")


def test_every_error_has_the_same_shape(world):
    anonymous = APIClient().get("/api/v1/plans/")
    assert anonymous.status_code == 401 and anonymous.json() == {"detail": anonymous.json()["detail"], "errors": {}}
    client = login(APIClient(), world.trust_person)
    not_allowed = client.delete(f"/api/v1/service-users/{world.owner_su.pk}/")
    assert not_allowed.status_code == 405 and not_allowed.json()["errors"] == {}
    bad_page = client.get("/api/v1/follow-ups/?page=99")
    assert bad_page.status_code == 404 and bad_page.json()["errors"] == {}


def test_anonymous_gets_401_everywhere_and_no_redirect(world):
    client = APIClient()
    for url in (
        "/api/v1/service-users/",
        "/api/v1/follow-ups/",
        "/api/v1/consents/",
        "/api/v1/next-of-kin/",
        "/api/v1/access-events/",
        "/api/v1/appointments/",
        "/api/v1/absences/",
        "/api/v1/absences/preview/",
        "/api/v1/deputies/",
        "/api/v1/deputies/coverage/",
        "/api/v1/notifications/",
        "/api/v1/notifications/read-all/",
        f"/api/v1/service-users/{world.owner_su.pk}/",
    ):
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code == 401, (method, url)
            assert "detail" in response.json()


def test_options_describes_an_endpoint_without_leaking_or_failing(world):
    client = login(APIClient(), world.partner_valid)
    for url in (
        "/api/v1/service-users/",
        f"/api/v1/service-users/{world.owner_su.pk}/",
        "/api/v1/consents/",
        f"/api/v1/follow-ups/{world.case.pk}/",
        f"/api/v1/follow-ups/{world.other_case.pk}/",
    ):
        response = client.options(url)
        assert response.status_code == 200, url
        # A partner may not write, so no write form is described.
        assert "actions" not in response.json() or "PUT" not in response.json()["actions"], url
