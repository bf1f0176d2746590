"""``/api/v1/messages/`` (issue 16): the thread in the API. Bad input is JSON with the field and a Norwegian message and
changes nothing; a double submit is one message; a message taken back has no words; every staff read is in the
user's access log; the list is paginated and filtered by case."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from koordinator import services as core_services
from koordinator.models import AccessEvent, FollowUp, Notification
from koordinator.timeutil import at
from reach import messages
from reach.models import Message
from tests.conftest import login

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 11, 24)
LIST = "/api/v1/messages/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def test_the_routes(world):
    assert reverse("api-message-list") == LIST
    assert reverse("api-message-read") == LIST + "read/"
    assert reverse("api-message-withdraw", args=[3]) == LIST + "3/withdraw/"


def test_the_owner_writes_and_the_staff_answer(api_client, world):
    login(api_client, world.owner)
    response = api_client.post(LIST, {"case": world.case.pk, "body": "Hei fra API"}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["from_service_user"] is True and data["body"] == "Hei fra API" and data["via"] == "api"
    assert data["author"] == {"id": world.owner.pk, "name": world.owner.display_name}
    assert data["can_withdraw"] is True and data["read_at"] is None
    login(api_client, world.trust_person)
    response = api_client.post(LIST, {"case": world.case.pk, "body": "Svar"}, format="json")
    assert response.status_code == 201 and response.json()["from_service_user"] is False
    assert Message.objects.get(pk=data["id"]).read_by == world.trust_person  # answering is reading


@pytest.mark.parametrize(("body", "says"), [
    ("", "Skriv en melding før du sender."),
    ("   ", "Skriv en melding før du sender."),
    ("x" * 2001, "Meldingen kan være høyst 2000 tegn. Den er nå 2001 tegn."),
    ("x" * 10_000, "Meldingen kan være høyst 2000 tegn. Den er nå 10000 tegn."),
])
def test_bad_words_are_a_400_on_the_field(api_client, world, body, says):
    login(api_client, world.owner)
    response = api_client.post(LIST, {"case": world.case.pk, "body": body}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": [says]} and response.json()["detail"] == says
    assert not Message.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("payload", [{}, {"case": "abc", "body": "x"}, {"case": 10**12, "body": "x"},
                                     {"case": None, "body": "x"}, {"body": None}, {"body": ["x"]}])
def test_nonsense_is_a_400_never_a_500(api_client, world, payload):
    login(api_client, world.trust_person)
    response = api_client.post(LIST, payload, format="json")
    assert response.status_code == 400 and response.json()["detail"]
    assert not Message.objects.exists()


def test_an_ended_case_takes_no_message(api_client, world):
    core_services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    login(api_client, world.owner)
    response = api_client.post(LIST, {"case": world.case.pk, "body": "Hei"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"case": ["Saken er avsluttet. Du kan lese meldingene, men ikke skrive nye."]}
    assert not Message.objects.exists()


def test_a_double_submit_is_the_message_already_sent(api_client, world, clock):
    login(api_client, world.owner)
    first = api_client.post(LIST, {"case": world.case.pk, "body": "Ring meg"}, format="json")
    clock.shift(datetime.timedelta(seconds=3))
    again = api_client.post(LIST, {"case": world.case.pk, "body": "Ring meg"}, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Message.objects.count() == 1


def test_mark_read_and_take_back(api_client, world):
    mine = messages.send_as_staff(world.trust_person, world.case, "Fra tillitspersonen")
    other = messages.send_as_staff(world.trust_person, world.case, "En til")
    login(api_client, world.trust_person)
    response = api_client.post(reverse("api-message-withdraw", args=[other.pk]), format="json")
    assert response.status_code == 200
    assert response.json()["body"] is None and response.json()["withdrawn_at"] is not None
    login(api_client, world.owner)
    response = api_client.post(reverse("api-message-read"), {"case": world.case.pk}, format="json")
    assert response.json() == {"marked": 1}
    login(api_client, world.trust_person)
    response = api_client.post(reverse("api-message-withdraw", args=[mine.pk]), format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Meldingen er allerede lest, og kan ikke trekkes tilbake."
    assert Message.objects.get(pk=mine.pk).withdrawn_at is None


def test_the_list_is_paginated_filtered_by_case_newest_first_and_every_staff_read_is_logged(api_client, world, clock):
    for i in range(3):
        messages.send_as_user(world.owner, world.case, f"Melding {i}")
        clock.shift(datetime.timedelta(minutes=1))
    messages.send_as_user(world.other_owner, world.other_case, "Fra en annen")
    login(api_client, world.leader)
    data = api_client.get(LIST, {"case": world.case.pk}).json()
    assert data["count"] == 3 and "next" in data
    assert [m["body"] for m in data["results"]] == ["Melding 2", "Melding 1", "Melding 0"]
    api_client.get(LIST, {"case": world.case.pk})
    assert AccessEvent.objects.filter(actor=world.leader, service_user=world.owner_su,
                                      channel=AccessEvent.Channel.API).count() == 2
    unread = api_client.get(LIST, {"case": world.case.pk, "unread": "true"}).json()
    assert unread["count"] == 3
    assert api_client.get(LIST, {"unread": "maybe"}).status_code == 400
    assert api_client.get(LIST, {"case": "abc"}).status_code == 400


def test_the_messages_are_in_the_schema(api_client, world):
    login(api_client, world.trust_person)
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/messages/", "/api/v1/messages/{id}/", "/api/v1/messages/read/",
            "/api/v1/messages/{id}/withdraw/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/messages/"]
