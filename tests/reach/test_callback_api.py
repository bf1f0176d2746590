"""«Ring meg» in the API (issue 16, point 7): ``/api/v1/callbacks/`` — the owner asks and lists their own, the staff
list and mark, 404 across users and municipalities, bad input a 400 with the field and a message, in the schema,
paginated and flat in the number of requests."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koordinator.models import AccessEvent, FollowUpEntry
from koordinator.timeutil import at
from reach import callbacks
from reach.models import CallbackRequest
from tests.conftest import login

pytestmark = pytest.mark.django_db

LIST = "/api/v1/callbacks/"
TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def mark(pk: int) -> str:
    return f"{LIST}{pk}/mark/"


def ask(world) -> CallbackRequest:
    return callbacks.request_callback(world.owner_su, by=world.owner)[0]


def test_the_owner_asks_and_gets_the_open_one_the_second_time(api_client, world):
    login(api_client, world.owner)
    response = api_client.post(LIST, {"when": "tomorrow_morning", "note": "Om husleia"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["follow_up"] == world.case.pk and body["service_user"] == world.owner_su.pk
    assert body["when"] == "tomorrow_morning" and body["note"] == "Om husleia" and body["via"] == "api"
    assert body["assigned_to"] == {"id": world.trust_person.pk, "name": world.trust_person.display_name}
    assert body["assigned_role"] == "primary" and body["state"] == "open"
    assert body["promise"] == f"{world.trust_person.display_name} ringer deg i morgen formiddag."
    again = api_client.post(LIST, {}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert CallbackRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": "x" * 301}, "note", "Skriv høyst 300 tegn."),
        ({"when": "i_natt"}, "when", "Velg når det passer"),
        ({"when": 7}, "when", "Velg når det passer"),
        ({"note": {"a": 1}}, "note", "Skriv tekst her."),
        ({"note": 0}, "note", "Skriv tekst her."),
        ({"note": True}, "note", "Skriv tekst her."),
        ({"when": True}, "when", "Velg når det passer"),
    ],
)
def test_bad_input_is_a_400_with_the_field(api_client, world, data, field, message):
    response = login(api_client, world.owner).post(LIST, data, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and errors[field][0].startswith(message)
    assert not CallbackRequest.objects.exists()


def test_a_body_that_is_not_json_is_a_400(api_client, world):
    response = login(api_client, world.owner).post(LIST, "{ikke json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


def test_without_an_open_case_the_owner_gets_a_clear_400(api_client, world):
    world.case.status = "ended"
    world.case.save()
    response = login(api_client, world.owner).post(LIST, {}, format="json")
    assert response.status_code == 400 and "ingen åpen oppfølging" in response.json()["detail"]


@pytest.mark.parametrize("who", ["trust_person", "leader", "partner_valid", "admin"])
def test_only_a_service_user_asks(api_client, world, who):
    assert login(api_client, getattr(world, who)).post(LIST, {}, format="json").status_code == 403
    assert not CallbackRequest.objects.exists()


def test_anonymous_is_401(api_client, world):
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(LIST, {}, format="json").status_code == 401


def test_lists_show_what_each_may_see(api_client, world):
    mine = ask(world)
    theirs = callbacks.request_callback(world.other_su, by=world.other_owner)[0]

    def ids(user, query=""):
        return [row["id"] for row in login(api_client, user).get(LIST + query).json()["results"]]

    assert ids(world.owner) == [mine.pk]
    assert ids(world.other_owner) == [theirs.pk]
    assert ids(world.trust_person) == [mine.pk]
    assert ids(world.other_trust_person) == [theirs.pk]
    assert sorted(ids(world.leader)) == sorted([mine.pk, theirs.pk])
    assert ids(world.other_leader) == [] and ids(world.partner_valid) == [] and ids(world.admin) == []
    assert ids(world.leader, f"?follow_up={world.case.pk}") == [mine.pk]
    assert ids(world.leader, "?state=done") == []


def test_a_staff_read_is_in_the_owners_access_log(api_client, world):
    callback = ask(world)
    login(api_client, world.trust_person).get(f"{LIST}{callback.pk}/")
    assert AccessEvent.objects.filter(service_user=world.owner_su, actor=world.trust_person,
                                      what="«Ring meg»").count() == 1


@pytest.mark.parametrize("who", ["other_trust_person", "other_leader", "other_owner", "partner_valid", "admin"])
def test_another_persons_request_is_a_404(api_client, world, who):
    callback = ask(world)
    login(api_client, getattr(world, who))
    assert api_client.get(f"{LIST}{callback.pk}/").status_code == 404
    assert api_client.post(mark(callback.pk), {"outcome": "called"}, format="json").status_code == 404
    callback.refresh_from_db()
    assert callback.state == "open"


def test_the_staff_mark_and_the_log_has_the_contact(api_client, world):
    callback = ask(world)
    login(api_client, world.deputy)
    tried = api_client.post(mark(callback.pk), {"outcome": "no_answer"}, format="json")
    assert tried.status_code == 200 and tried.json()["state"] == "open" and tried.json()["attempts"] == 1
    done = api_client.post(mark(callback.pk), {"outcome": "called"}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == "done" and done.json()["outcome"] == "called" and done.json()["promise"] == ""
    assert list(FollowUpEntry.objects.order_by("pk").values_list("kind", flat=True)) == ["not_met", "phone"]
    again = api_client.post(mark(callback.pk), {"outcome": "sms_sent"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["outcome"] == ["Denne er allerede merket ferdig («Ringt»). Ingenting ble endret."]


def test_the_owner_may_not_mark(api_client, world):
    callback = ask(world)
    response = login(api_client, world.owner).post(mark(callback.pk), {"outcome": "called"}, format="json")
    assert response.status_code == 403
    assert not FollowUpEntry.objects.exists()


@pytest.mark.parametrize("data", [{}, {"outcome": "kanskje"}, {"outcome": None}])
def test_a_bad_outcome_is_a_400(api_client, world, data):
    callback = ask(world)
    response = login(api_client, world.trust_person).post(mark(callback.pk), data, format="json")
    assert response.status_code == 400 and "outcome" in response.json()["errors"]


def test_no_put_patch_or_delete(api_client, world):
    callback = ask(world)
    login(api_client, world.trust_person)
    for method in ("put", "patch", "delete"):
        assert getattr(api_client, method)(f"{LIST}{callback.pk}/", {}, format="json").status_code == 405


def test_the_list_is_paginated_and_flat_in_size(api_client, world):
    login(api_client, world.leader)
    now = timezone.now()

    def requests(n):
        CallbackRequest.objects.bulk_create([
            CallbackRequest(case=world.case, service_user=world.owner_su, unit=world.unit, requested_at=now,
                            assigned_to=world.trust_person, assigned_role="primary", due_by=now, state="done")
            for _ in range(n)])

    def count() -> int:
        api_client.get(LIST)
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(LIST)
        assert response.status_code == 200 and "results" in response.json()
        return len(ctx.captured_queries)

    requests(1)
    one = count()
    requests(30)
    assert count() == one


def test_it_is_in_the_schema(api_client, world):
    schema = login(api_client, world.trust_person).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/callbacks/" in schema["paths"] and "/api/v1/callbacks/{id}/mark/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/callbacks/"]
