"""/api/v1/notifications/: my messages (the bell), only mine, and marking them read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import outbox
from koordinator.models import Appointment, Notification
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def message(recipient, subject="Hei", **kwargs) -> Notification:
    return outbox.notify(recipient, subject, f"{subject}, dette er teksten.", **kwargs)


def test_a_staff_member_reads_their_messages_newest_first(world):
    older = message(world.deputy, "Først", due_at=timezone.now() - datetime.timedelta(hours=2))
    newer = message(world.deputy, "Så", about=world.case)
    data = client_for(world.deputy).get(URL).json()
    assert data["count"] == 2
    assert [n["id"] for n in data["results"]] == [newer.pk, older.pk]
    first = data["results"][0]
    assert set(first) == {"id", "subject", "body", "channel", "state", "due_at", "read_at", "about"}
    assert (first["subject"], first["body"], first["state"], first["read_at"]) == (
        "Så",
        "Så, dette er teksten.",
        "pending",
        None,
    )
    assert first["about"] == {"type": "followup", "id": world.case.pk}
    assert data["results"][1]["about"] is None


def test_a_service_user_reads_what_was_sent_to_them_by_any_channel(world):
    world.owner_su.phone = "+4791111111"
    world.owner_su.save()
    sms = message(world.owner_su, "Avtalen er flyttet")
    data = client_for(world.owner).get(URL).json()
    assert [n["id"] for n in data["results"]] == [sms.pk]
    assert data["results"][0]["channel"] == "sms"


def test_messages_due_later_and_cancelled_ones_are_not_shown(world):
    message(world.deputy, "Senere", due_at=timezone.now() + datetime.timedelta(days=1))
    cancelled = message(world.deputy, "Avlyst")
    Notification.objects.filter(pk=cancelled.pk).update(state=Notification.State.CANCELLED)
    client = client_for(world.deputy)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{cancelled.pk}/").status_code == 404


def test_someone_elses_message_is_a_404_and_is_never_marked_read(world):
    theirs = message(world.trust_person)
    client = client_for(world.deputy)
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    client.post(f"{URL}read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_filter(world):
    read = message(world.deputy, "Lest")
    unread = message(world.deputy, "Ulest")
    outbox.mark_read(world.deputy, [read.pk])
    client = client_for(world.deputy)
    assert [n["id"] for n in client.get(URL, {"unread": "true"}).json()["results"]] == [unread.pk]
    assert [n["id"] for n in client.get(URL, {"unread": "false"}).json()["results"]] == [read.pk]
    bad = client.get(URL, {"unread": "kanskje"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"unread"}


def test_marking_one_message_read(world):
    first = message(world.deputy, "En")
    second = message(world.deputy, "To")
    response = client_for(world.deputy).post(f"{URL}{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert first.history.latest().history_user == world.deputy
    assert outbox.unread_count(world.deputy) == 1


def test_marking_a_read_message_again_keeps_the_first_time(world):
    note = message(world.deputy)
    client = client_for(world.deputy)
    first = client.post(f"{URL}{note.pk}/read/").json()["read_at"]
    assert client.post(f"{URL}{note.pk}/read/").json()["read_at"] == first


def test_marking_all_read(world):
    for n in range(3):
        message(world.deputy, f"Nr. {n}")
    client = client_for(world.deputy)
    response = client.post(f"{URL}read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked": 3}
    assert outbox.unread_count(world.deputy) == 0
    assert client.post(f"{URL}read-all/").json() == {"marked": 0}


def test_the_about_field_names_the_kind_of_thing(world):
    appointment = Appointment.objects.create(
        follow_up=world.case,
        service_user=world.owner_su,
        trust_person=world.trust_person,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        place=Appointment.Place.PHONE,
        created_by=world.trust_person,
    )
    note = message(world.owner_su, "Påminnelse", about=appointment)
    data = client_for(world.owner).get(f"{URL}{note.pk}/").json()
    assert data["about"] == {"type": "appointment", "id": appointment.pk}


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("put", "{id}/"), ("patch", "{id}/"), ("delete", "{id}/"), ("get", "read-all/")],
)
def test_nothing_but_read_changes_a_message(world, method, path):
    note = message(world.deputy)
    response = getattr(client_for(world.deputy), method)(
        URL + path.format(id=note.pk), {"subject": "Endret", "read_at": ""}, format="json"
    )
    assert response.status_code == 405
    note.refresh_from_db()
    assert (note.subject, note.read_at) == ("Hei", None)


def test_anonymous_gets_401(world):
    note = message(world.deputy)
    client = APIClient()
    for method, url in (("get", URL), ("get", f"{URL}{note.pk}/"), ("post", f"{URL}read-all/")):
        assert getattr(client, method)(url).status_code == 401
