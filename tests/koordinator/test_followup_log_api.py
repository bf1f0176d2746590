"""``/api/v1/followup-entries/``: list with filters, create (with the next appointment), PATCH, archive; errors as
JSON on the field; the same gate and services as the pages; a query budget on the list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, Appointment, FollowUpEntry
from koordinator.timeutil import at
from tests.conftest import login
from tests.koordinator.conftest import many_entries

pytestmark = pytest.mark.django_db
URL = "/api/v1/followup-entries/"
Kind = FollowUpEntry.Kind


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def test_create_returns_the_entry_as_the_caller_sees_it(world):
    started = timezone.now() - datetime.timedelta(hours=3)
    response = client_for(world.trust_person).post(URL, {
        "follow_up": world.case.pk, "kind": Kind.ACCOMPANIED, "started_at": _iso(started),
        "duration_minutes": 90, "service": world.nav.pk, "life_areas": ["okonomi"], "note": "Fulgte Kari til NAV.",
    }, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "accompanied" and data["kind_display"] == "Fulgt til avtale"
    assert data["service"] == world.nav.pk and data["service_name"] == "NAV Lerkendal"
    assert data["life_areas"] == ["okonomi"] and data["is_contact"] is True
    assert data["written_by"]["id"] == world.trust_person.pk
    assert data["service_user"] == world.owner_su.pk and data["steps"] == []
    entry = FollowUpEntry.objects.get(pk=data["id"])
    assert entry.history.get().history_user == world.trust_person


def test_create_defaults_to_now_and_thirty_minutes(world):
    response = client_for(world.trust_person).post(URL, {"follow_up": world.case.pk, "kind": "sms"}, format="json")
    assert response.status_code == 201
    assert response.json()["duration_minutes"] == 30


def test_create_can_book_the_next_appointment(world):
    tomorrow = at(timezone.localdate() + datetime.timedelta(days=1), 12)
    response = client_for(world.deputy).post(URL, {
        "follow_up": world.case.pk, "kind": "conversation",
        "next_appointment": {"starts_at": tomorrow.isoformat(), "place": "office"},
    }, format="json")
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get(pk=response.json()["next_appointment"])
    assert appointment.starts_at == tomorrow and appointment.follow_up == world.case


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "visit"}, "kind"),
    ({"kind": "phone", "duration_minutes": 1000}, "duration_minutes"),
    ({"kind": "phone", "started_at": "2999-01-01T10:00:00+01:00"}, "started_at"),
    ({"kind": "phone", "life_areas": ["månen"]}, "life_areas"),
    ({"kind": "accompanied"}, "service"),
    ({"kind": "phone", "service": 999999}, "service"),
    ({"kind": "phone", "steps": [999999]}, "steps"),
    ({"kind": "phone", "next_appointment": {"starts_at": "2000-01-01T10:00:00+01:00", "place": "home"}},
     "next_appointment"),
    ({"kind": "phone", "next_appointment": {"place": "moon"}}, "next_appointment"),
])
def test_bad_input_is_a_400_on_the_field_and_changes_nothing(world, payload, field):
    response = client_for(world.trust_person).post(URL, {"follow_up": world.case.pk, **payload}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"] and body["detail"]
    assert FollowUpEntry.objects.count() == 0 and Appointment.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400_with_errors(world):
    response = client_for(world.trust_person).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_patch_changes_only_what_is_sent(world, entry):
    response = client_for(world.leader).patch(f"{URL}{entry.pk}/", {"note": "Rettet av lederen."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["note"] == "Rettet av lederen."
    assert response.json()["kind"] == Kind.HOME_VISIT and response.json()["life_areas"] == ["bolig", "okonomi"]
    assert entry.history.latest().history_user == world.leader


def test_patch_with_a_step_from_the_plan(world, entry):
    from plans import services as plan_services

    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    response = client_for(world.trust_person).patch(f"{URL}{entry.pk}/", {"steps": [step.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["steps"] == [step.pk]


def test_put_and_delete_are_not_allowed(world, entry):
    client = client_for(world.trust_person)
    assert client.put(f"{URL}{entry.pk}/", {"note": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{entry.pk}/").status_code == 405
    assert FollowUpEntry.objects.filter(pk=entry.pk).exists()


def test_archive_keeps_the_entry_for_staff_and_takes_it_from_the_owner(world, entry):
    response = client_for(world.trust_person).post(f"{URL}{entry.pk}/archive/", {"reason": "Feil person"},
                                                   format="json")
    assert response.status_code == 200
    assert response.json()["archived_at"] and response.json()["archived_reason"] == "Feil person"
    staff = client_for(world.trust_person)
    assert [e["id"] for e in staff.get(URL, {"archived": "true"}).json()["results"]] == [entry.pk]
    assert staff.get(URL, {"archived": "false"}).json()["results"] == []
    assert client_for(world.owner).get(f"{URL}{entry.pk}/").status_code == 404
    again = staff.post(f"{URL}{entry.pk}/archive/", {}, format="json")
    assert again.status_code == 400 and "errors" in again.json()


def test_the_list_is_newest_first_and_filters(world):
    now = timezone.now()
    many_entries(world.case, 3, kind=Kind.PHONE, start=now - datetime.timedelta(days=1), hours_apart=24)
    many_entries(world.case, 2, kind=Kind.HOME_VISIT, start=now - datetime.timedelta(days=10), hours_apart=24)
    many_entries(world.other_case, 1, kind=Kind.PHONE)
    client = client_for(world.leader)
    results = client.get(URL).json()["results"]
    assert len(results) == 6
    assert [r["started_at"] for r in results] == sorted((r["started_at"] for r in results), reverse=True)
    assert len(client.get(URL, {"follow_up": world.case.pk}).json()["results"]) == 5
    assert len(client.get(URL, {"service_user": world.other_su.pk}).json()["results"]) == 1
    assert len(client.get(URL, {"kind": "home_visit"}).json()["results"]) == 2
    assert len(client.get(URL, {"written_by": world.other_trust_person.pk}).json()["results"]) == 1
    day = timezone.localdate()
    recent = client.get(URL, {"from": (day - datetime.timedelta(days=3)).isoformat(), "to": day.isoformat()})
    assert len(recent.json()["results"]) == 4
    older = client.get(URL, {"to": (day - datetime.timedelta(days=5)).isoformat()})
    assert {r["kind"] for r in older.json()["results"]} == {"home_visit"}


@pytest.mark.parametrize("params", [{"kind": "visit"}, {"from": "i går"}, {"follow_up": "abc"},
                                    {"archived": "kanskje"}])
def test_bad_filters_are_a_400(world, params):
    response = client_for(world.trust_person).get(URL, params)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_a_partner_reading_the_list_is_logged_once_per_user_and_the_owner_is_not(world, entry):
    many_entries(world.case, 3)
    assert len(client_for(world.partner_valid).get(URL).json()["results"]) == 4
    events = AccessEvent.objects.filter(actor=world.partner_valid, channel=AccessEvent.Channel.API)
    assert events.count() == 1 and events.get().what == "Kontaktlogg (liste)"
    assert len(client_for(world.owner).get(URL).json()["results"]) == 4
    assert not AccessEvent.objects.filter(actor=world.owner).exists()


def _list_queries(user) -> int:
    client = client_for(user)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "owner"])
def test_the_list_does_not_grow_in_queries_with_the_number_of_entries(world, persona):
    from plans import services as plan_services

    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    [first] = many_entries(world.case, 1)
    first.steps.add(step)
    one = _list_queries(world.persona(persona))
    for e in many_entries(world.case, 29, hours_apart=3):
        e.steps.add(step)
    thirty = _list_queries(world.persona(persona))
    assert len(client_for(world.persona(persona)).get(URL).json()["results"]) == 30
    assert one == thirty
