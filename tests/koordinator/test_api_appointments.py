"""/api/v1/appointments/: reading, filtering, booking, cancelling and moving appointments."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, Appointment, FollowUp, Notification
from koordinator.timeutil import at
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def detail(appointment) -> str:
    return f"{URL}{appointment.pk}/"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def visit(world, when: datetime.datetime, case=None, **fields) -> Appointment:
    case = case or world.case
    return Appointment.objects.create(
        follow_up=case,
        service_user=case.service_user,
        trust_person=case.trust_person,
        starts_at=when,
        place=Appointment.Place.HOME,
        about="Hjemmebesøk",
        created_by=case.trust_person,
        **fields,
    )


def booking(world, **overrides) -> dict:
    return {
        "follow_up": world.case.pk,
        "starts_at": at(day(2), 10).isoformat(),
        "place": "cafe",
        "place_detail": "Kafé Ni Muser",
        "about": "Søknad om bostøtte",
        **overrides,
    }


# --- reading ----------------------------------------------------------------------------------------------


def test_an_appointment_shows_who_comes_when_and_where(world):
    appointment = visit(world, at(day(1), 10), place_detail="Inngang B")
    data = client_for(world.trust_person).get(detail(appointment)).json()
    assert data["follow_up"] == world.case.pk
    assert data["service_user_name"] == "Kari Nordmann"
    assert data["trust_person"]["id"] == world.trust_person.pk
    assert data["original_trust_person"] is None
    assert data["place"] == "home"
    assert data["place_display"] == "Hjemme hos brukeren: Inngang B"
    assert data["status"] == "planned"
    assert data["status_display"] == "Avtalt"
    starts = datetime.datetime.fromisoformat(data["starts_at"])
    ends = datetime.datetime.fromisoformat(data["ends_at"])
    assert ends - starts == datetime.timedelta(minutes=60)


def test_the_owner_sees_their_own_appointments_and_nobody_elses(world):
    mine = visit(world, at(day(1), 10))
    theirs = visit(world, at(day(1), 12), case=world.other_case)
    client = client_for(world.owner)
    assert [a["id"] for a in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(detail(theirs)).status_code == 404
    # The owner's own reads are not in their access log.
    assert not AccessEvent.objects.exists()


def test_reading_appointments_is_logged_for_the_owner(world):
    appointment = visit(world, at(day(1), 10))
    client_for(world.deputy).get(detail(appointment))
    event = AccessEvent.objects.get()
    assert (event.service_user, event.actor, event.channel, event.what) == (
        world.owner_su,
        world.deputy,
        "api",
        "Avtaler",
    )


def test_the_list_filters_by_days_case_and_status(world):
    today = visit(world, at(day(0), 23, 30))
    tomorrow = visit(world, at(day(1), 0, 30))
    next_week = visit(world, at(day(7), 9), status=Appointment.Status.CANCELLED)
    other = visit(world, at(day(1), 12), case=world.other_case)
    client = client_for(world.leader)

    def ids(**params) -> list[int]:
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [today.pk, tomorrow.pk, other.pk, next_week.pk]
    # Whole days in Norwegian time: 23.30 today is today, 00.30 tomorrow is tomorrow.
    assert ids(**{"from": day(0).isoformat(), "to": day(0).isoformat()}) == [today.pk]
    assert ids(**{"from": day(1).isoformat()}) == [tomorrow.pk, other.pk, next_week.pk]
    assert ids(to=day(1).isoformat()) == [today.pk, tomorrow.pk, other.pk]
    assert ids(follow_up=world.other_case.pk) == [other.pk]
    assert ids(status="cancelled") == [next_week.pk]
    assert ids(**{"from": "0001-01-01", "to": "9999-12-31"}) == [
        today.pk,
        tomorrow.pk,
        other.pk,
        next_week.pk,
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "i morgen"},
        {"to": "2026-02-30"},
        {"status": "kanskje"},
        {"follow_up": "abc"},
        {"follow_up": "0"},
    ],
)
def test_bad_filters_are_a_400_on_the_parameter(world, params):
    response = client_for(world.leader).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_a_partner_with_consent_to_the_follow_up_log_still_sees_no_appointments(world):
    appointment = visit(world, at(day(1), 10))
    client = client_for(world.partner_valid)
    assert client.get(URL).json()["results"] == []
    assert client.get(detail(appointment)).status_code == 404


# --- booking ------------------------------------------------------------------------------------------------


def test_the_trust_person_books_an_appointment(world):
    response = client_for(world.trust_person).post(URL, booking(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    appointment = Appointment.objects.get()
    assert data["id"] == appointment.pk
    assert data["place_display"] == "På kafé: Kafé Ni Muser"
    assert data["duration_minutes"] == 60
    assert appointment.trust_person == world.trust_person
    assert appointment.created_by == world.trust_person
    assert appointment.history.get().history_user == world.trust_person


def test_a_case_outside_the_change_gate_is_a_400_on_follow_up(world):
    response = client_for(world.trust_person).post(
        URL, booking(world, follow_up=world.other_case.pk), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"follow_up"}
    # The same answer as for a case that does not exist.
    missing = client_for(world.trust_person).post(URL, booking(world, follow_up=999999), format="json")
    assert missing.json()["errors"] == response.json()["errors"]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "admin"])
def test_only_staff_book_appointments(world, persona):
    response = client_for(world.persona(persona)).post(URL, booking(world), format="json")
    assert response.status_code == 403
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": "2020-01-01T10:00:00+01:00"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:59:59-05:00"}, "starts_at"),
        ({"starts_at": "i morgen"}, "starts_at"),
        ({"place": "månen"}, "place"),
        ({"duration_minutes": 2}, "duration_minutes"),
        ({"duration_minutes": 10**12}, "duration_minutes"),
        ({"place_detail": "x" * 201}, "place_detail"),
        ({"about": "x" * 301}, "about"),
    ],
)
def test_bad_bookings_are_a_400_on_the_field_and_save_nothing(world, overrides, field):
    response = client_for(world.trust_person).post(URL, booking(world, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Appointment.objects.exists()


def test_an_ended_case_gets_no_new_appointments(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    response = client_for(world.trust_person).post(URL, booking(world), format="json")
    assert response.status_code == 400
    assert "avsluttet" in response.json()["detail"]
    assert not Appointment.objects.exists()


# --- cancelling and moving -------------------------------------------------------------------------------------


def test_cancelling_tells_the_user(world):
    appointment = visit(world, at(day(3), 10))
    response = client_for(world.deputy).post(f"{detail(appointment)}cancel/", {"note": "Syk"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["status_note"] == "Syk"
    notice = Notification.objects.get(recipient_service_user=world.owner_su)
    assert "avlyst" in notice.body


def test_moving_changes_the_time_and_tells_the_user(world):
    appointment = visit(world, at(day(3), 10))
    new_start = at(day(4), 13, 30)
    response = client_for(world.trust_person).post(
        f"{detail(appointment)}move/",
        {"starts_at": new_start.isoformat(), "note": "Kollisjon"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert datetime.datetime.fromisoformat(response.json()["starts_at"]) == new_start
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start
    notice = Notification.objects.get(recipient_service_user=world.owner_su)
    assert "flyttet" in notice.body and "13.30" in notice.body


def test_a_move_into_the_past_is_a_400_and_changes_nothing(world):
    appointment = visit(world, at(day(3), 10))
    response = client_for(world.trust_person).post(
        f"{detail(appointment)}move/", {"starts_at": "2020-01-01T10:00:00+01:00"}, format="json"
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day(3), 10)
    assert not Notification.objects.exists()


def test_a_cancelled_appointment_is_neither_cancelled_again_nor_moved(world):
    appointment = visit(world, at(day(3), 10), status=Appointment.Status.CANCELLED)
    client = client_for(world.trust_person)
    again = client.post(f"{detail(appointment)}cancel/", {}, format="json")
    moved = client.post(
        f"{detail(appointment)}move/", {"starts_at": at(day(5), 10).isoformat()}, format="json"
    )
    assert (again.status_code, moved.status_code) == (400, 400)
    assert "allerede avlyst" in again.json()["detail"]
    assert appointment.history.count() == 1
    assert not Notification.objects.exists()


def test_the_owner_may_read_but_not_cancel_and_a_colleague_gets_404(world):
    appointment = visit(world, at(day(3), 10))
    assert client_for(world.owner).post(f"{detail(appointment)}cancel/", {}, format="json").status_code == 403
    assert (
        client_for(world.other_trust_person)
        .post(f"{detail(appointment)}cancel/", {}, format="json")
        .status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == "planned"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_appointment_is_changed_only_through_move_and_cancel(world, method):
    appointment = visit(world, at(day(3), 10))
    response = getattr(client_for(world.trust_person), method)(
        detail(appointment), {"starts_at": at(day(4), 10).isoformat()}, format="json"
    )
    assert response.status_code == 405
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day(3), 10)


def test_anonymous_gets_401(world):
    appointment = visit(world, at(day(3), 10))
    client = APIClient()
    assert client.get(URL).status_code == 401
    assert client.get(detail(appointment)).status_code == 401
    assert client.post(f"{detail(appointment)}cancel/", {}, format="json").status_code == 401
