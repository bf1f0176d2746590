"""Bad input to the meetings API never gives a 500: errors are JSON with ``detail`` (and ``errors`` per field for a
400), in Norwegian, and nothing changes."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from meetings import services
from meetings.models import ActionItem, AgendaItem, Attendance, Group, GroupMember, Meeting, Minutes
from tests.conftest import login
from tests.koordinator.test_api_errors import BAD_BODIES as CORE_BAD_BODIES
from tests.meetings.api_helpers import action_item, client_for

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    *CORE_BAD_BODIES,
    # Groups and members: choices and ids of the wrong shape.
    {"follow_up": "1; DROP TABLE", "chair": "alle", "status": ["paused"], "reason": {"why": 1}},
    {"group": 10**30, "person": -1, "organisation": 1.5, "role": "x" * 300},
    {"group": {"id": 1}, "person": "meg", "organisation": [], "role": None},
    # Meetings: times at the edge of the calendar, unknown places, durations out of range.
    {"group": 1, "starts_at": "9999-12-31T23:59:59-05:00", "place": "månen", "duration_minutes": 10**30},
    {"starts_at": "0001-01-01T00:00:00+05:00", "place": None, "duration_minutes": -5, "place_detail": ["a"]},
    {"starts_at": "31.02.2026 kl. 25.00", "note": "x" * 5000, "reason": 7},
    {"starts_at": 1e308, "duration_minutes": "en time", "member": {"id": 1}, "message": "A\x00B"},
    # Minutes: versions, notes per point and history ids of every wrong shape.
    {"version": 0, "situation": "Stabil"},
    {"version": 10**30, "decisions": None},
    {"version": "to", "user_words": ["a", "b"]},
    {"version": 1.5, "point_notes": "tekst"},
    {"version": 1, "point_notes": [1, 2]},
    {"version": 1, "point_notes": {"abc": "x", "1": None}},
    {"version": 1, "point_notes": {"99999999999999999999999": "x"}, "reason": "x" * 400},
    {"history_id": -1, "how": "telepati", "disagreement": {"tekst": 1}},
    {"history_id": "første", "version": True},
    # Action items and attendance.
    {"meeting": "x", "what": ["a"], "responsible": [1], "due_on": "2026-13-01"},
    {"meeting": 1, "responsible": 99999999999999999999, "due_on": "0000-00-00", "status": "ferdig"},
    {"status": None, "status_note": 12, "what": "x" * 3000},
    {"member": 0, "status": "present", "message": "x" * 2000},
]


def objects(world, group, gp_member, nav_member):
    from tests.meetings.conftest import later, past_meeting

    tp = world.trust_person
    meeting = services.schedule_meeting(tp, group, starts_at=later(2), place=Meeting.Place.OFFICE)
    held = past_meeting(tp, group, 7)
    attendance = services.record_attendance(tp, held, {gp_member: Attendance.Status.PRESENT})[0]
    minutes = services.start_minutes(tp, held)
    item = action_item(world, held, gp_member)
    return meeting, held, attendance, minutes, item


def endpoints(world, group, gp_member, nav_member) -> list[tuple[str, str]]:
    meeting, _held, attendance, minutes, item = objects(world, group, gp_member, nav_member)
    return [
        ("post", "/api/v1/groups/"),
        ("patch", f"/api/v1/groups/{group.pk}/"),
        ("post", f"/api/v1/groups/{group.pk}/status/"),
        ("post", "/api/v1/group-members/"),
        ("patch", f"/api/v1/group-members/{nav_member.pk}/"),
        ("post", f"/api/v1/group-members/{nav_member.pk}/archive/"),
        ("post", "/api/v1/meetings/"),
        ("patch", f"/api/v1/meetings/{meeting.pk}/"),
        ("post", f"/api/v1/meetings/{meeting.pk}/cancel/"),
        ("post", f"/api/v1/meetings/{meeting.pk}/apologies/"),
        ("post", "/api/v1/attendance/"),
        ("patch", f"/api/v1/attendance/{attendance.pk}/"),
        ("post", "/api/v1/minutes/"),
        ("patch", f"/api/v1/minutes/{minutes.pk}/"),
        ("post", f"/api/v1/minutes/{minutes.pk}/ready/"),
        ("post", f"/api/v1/minutes/{minutes.pk}/approve/"),
        ("post", f"/api/v1/minutes/{minutes.pk}/disagree/"),
        ("post", f"/api/v1/minutes/{minutes.pk}/restore/"),
        ("post", "/api/v1/action-items/"),
        ("patch", f"/api/v1/action-items/{item.pk}/"),
    ]


SNAPSHOT_MODELS = (Group, GroupMember, Meeting, Attendance, AgendaItem, Minutes, ActionItem)


def snapshot() -> list:
    """Everything a write could change (every row of every meetings table), to show a refused one changed nothing.
    Plain SQL: it runs after each of the 2,100 requests, and the ORM's query building was a fifth of the test."""
    rows = []
    with connection.cursor() as cursor:
        for model in SNAPSHOT_MODELS:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY 1")
            rows.append(cursor.fetchall())
    return rows


@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid"])
def test_bad_bodies_give_json_errors_never_a_500(world, group, gp_member, nav_member, persona):
    client = login(APIClient(), world.persona(persona))
    for method, url in endpoints(world, group, gp_member, nav_member):
        before = snapshot()  # each request is compared with the state just before it
        for body in BAD_BODIES:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (method, url, body)
            after = snapshot()
            if response.status_code >= 400:
                assert "detail" in response.json(), (method, url, body)
                assert after == before, (method, url, body)
            if response.status_code == 400:
                assert isinstance(response.json()["errors"], dict), (method, url, body)
            before = after


def test_a_bad_body_is_answered_in_plain_norwegian(world, group, gp_member, nav_member):
    client = client_for(world.trust_person)
    response = client.post("/api/v1/meetings/", {"group": group.pk, "place": "månen"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["starts_at"] == ["Dette feltet er påkrevd."]
    assert errors["place"] == ['"månen" er ikke et gyldig valg.']
    assert response.json()["detail"].startswith("Noe av det du sendte er ikke gyldig.")


@pytest.mark.parametrize("header", ['"minutes-1-v1', "W/tull", "*,,", '"minutes-99999999999999999999-v1"', "\x7f"])
def test_malformed_if_match_is_a_400_or_ignored_never_a_500(world, group, gp_member, nav_member, header):
    _meeting, _held, _attendance, minutes, _item = objects(world, group, gp_member, nav_member)
    response = client_for(world.trust_person).patch(f"/api/v1/minutes/{minutes.pk}/", {"situation": "Nei"},
                                                    format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_malformed_json_is_a_400(world, group):
    response = client_for(world.trust_person).generic("POST", "/api/v1/meetings/", "{nei",
                                                      content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/groups/999999/",
        "/api/v1/groups/abc/",
        "/api/v1/group-members/-1/",
        "/api/v1/meetings/99999999999999999999999999/",
        "/api/v1/minutes/1.5/",
        "/api/v1/minutes/999999/history/",
        "/api/v1/minutes/999999/changes-since-read/",
        "/api/v1/action-items/0/",
        "/api/v1/attendance/999999/",
        "/api/v1/meetings/?page=999",
        "/api/v1/action-items/?page=tre",
    ],
)
def test_unknown_ids_and_pages_are_404(world, url):
    response = client_for(world.leader).get(url)
    assert response.status_code == 404
    # An id that is not a whole number matches no API route (Django's 404); the others are the API's JSON.
    if response["Content-Type"] == "application/json":
        assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/groups/", {"follow_up": "x", "status": "\x00", "service_user": "99999999999999999999"}),
        ("/api/v1/group-members/", {"group": "1.5", "kind": "venn", "current": "kanskje"}),
        ("/api/v1/meetings/", {"from": "0000-00-00", "to": "i morgen"}),
        ("/api/v1/meetings/", {"from": "0001-01-01", "to": "9999-12-31"}),
        ("/api/v1/meetings/", {"group": "-5", "status": "avlyst"}),
        ("/api/v1/minutes/", {"meeting": "første", "status": "klar"}),
        ("/api/v1/action-items/", {"overdue": "1", "mine": "ja", "responsible": "meg"}),
        ("/api/v1/action-items/", {"meeting": "99999999999999999999999", "status": ["open", "done"]}),
        ("/api/v1/attendance/", {"member": "x", "status": "kom"}),
    ],
)
@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid"])
def test_bad_filters_are_400_or_empty_never_500(world, url, params, persona):
    response = client_for(world.persona(persona)).get(url, params)
    assert response.status_code < 500
    if response.status_code == 400:
        assert isinstance(response.json()["errors"], dict) and response.json()["detail"]
    else:
        assert response.status_code == 200


def test_anonymous_gets_401_everywhere_and_no_redirect(world):
    client = APIClient()
    for endpoint in ("groups", "group-members", "meetings", "attendance", "minutes", "action-items"):
        for suffix in ("", "1/"):
            for method in ("get", "post", "patch"):
                response = getattr(client, method)(f"/api/v1/{endpoint}/{suffix}", {}, format="json")
                assert response.status_code == 401, (method, endpoint, suffix)
                assert "detail" in response.json()


def test_delete_is_never_allowed(world, group):
    response = client_for(world.trust_person).delete(f"/api/v1/groups/{group.pk}/")
    assert response.status_code == 405 and Group.objects.filter(pk=group.pk).exists()
