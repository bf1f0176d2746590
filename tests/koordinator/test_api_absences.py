"""/api/v1/absences/: who is away, registering (with appointments handed over or cancelled), the preview that
warns about gaps before registering, and cancelling an absence."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import Absence, AccessEvent, Appointment, DeputyArrangement, Notification
from koordinator.timeutil import at
from tests import factories as f
from tests.conftest import login
from tests.relative_dates import FromToday, on_the_day

pytestmark = pytest.mark.django_db
URL = "/api/v1/absences/"
PREVIEW = f"{URL}preview/"


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def away(person, first: int, last: int, **fields) -> Absence:
    return Absence.objects.create(
        person=person, kind="ferie", starts_on=day(first), ends_on=day(last), registered_by=person, **fields
    )


def visit(world, when: datetime.datetime, case=None) -> Appointment:
    case = case or world.case
    return Appointment.objects.create(
        follow_up=case,
        service_user=case.service_user,
        trust_person=case.trust_person,
        starts_at=when,
        place=Appointment.Place.HOME,
        created_by=case.trust_person,
    )


def registration(**overrides) -> dict:
    return {"kind": "ferie", "starts_on": day(10).isoformat(), "ends_on": day(12).isoformat(), **overrides}


# --- reading ----------------------------------------------------------------------------------------------


def test_colleagues_in_the_unit_see_who_is_away_and_other_municipalities_do_not(world):
    absence = away(world.trust_person, 1, 3, note="Hytta")
    for persona in ("trust_person", "deputy", "other_trust_person", "leader"):
        data = client_for(world.persona(persona)).get(f"{URL}{absence.pk}/").json()
        assert data["person"]["id"] == world.trust_person.pk, persona
        assert (data["kind"], data["kind_display"], data["note"]) == ("ferie", "Ferie", "Hytta")
    for persona in ("other_leader", "owner", "partner_valid", "admin"):
        client = client_for(world.persona(persona))
        assert client.get(f"{URL}{absence.pk}/").status_code == 404, persona
        assert client.get(URL).json()["results"] == [], persona
    # An absence is about a worker, not a service user: nothing goes in anyone's access log.
    assert not AccessEvent.objects.exists()


def test_the_list_filters_by_person_period_and_cancelled(world):
    mine = away(world.trust_person, 1, 3)
    later = away(world.trust_person, 20, 22)
    theirs = away(world.deputy, 2, 2, cancelled_at=timezone.now())
    client = client_for(world.leader)

    def ids(**params) -> set[int]:
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    assert ids() == {mine.pk, later.pk, theirs.pk}
    assert ids(person=world.trust_person.pk) == {mine.pk, later.pk}
    # An absence is in a period when the two overlap.
    assert ids(**{"from": day(3).isoformat(), "to": day(19).isoformat()}) == {mine.pk}
    assert ids(cancelled="true") == {theirs.pk}
    assert ids(cancelled="false") == {mine.pk, later.pk}


@pytest.mark.parametrize(
    "params", [{"from": "mandag"}, {"kind": "fri"}, {"cancelled": "ja"}, {"person": "x"}]
)
def test_bad_filters_are_a_400_on_the_parameter(world, params):
    response = client_for(world.leader).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


# --- registering ------------------------------------------------------------------------------------------


def test_a_trust_person_registers_their_own_absence_without_naming_themselves(world):
    response = client_for(world.trust_person).post(URL, registration(note="Kurs i Oslo"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    absence = Absence.objects.get()
    assert data["absence"]["id"] == absence.pk
    assert data["absence"]["person"]["id"] == world.trust_person.pk
    assert data["absence"]["registered_by"]["id"] == world.trust_person.pk
    assert (data["gaps"], data["covered"], data["cancelled"], data["announced"]) == ([], [], [], False)
    # Ten days ahead: nobody is told yet (run_reminders does it the day before).
    assert not Notification.objects.exists()


def test_the_leader_registers_sick_leave_today_and_appointments_follow_the_decisions(world):
    world.owner_su.phone = "+4791111111"
    world.owner_su.save()
    first = visit(world, at(day(1), 10))
    second = visit(world, at(day(1), 14))
    payload = registration(
        person=world.trust_person.pk,
        kind="sykmelding",
        starts_on=day(0).isoformat(),
        ends_on=day(2).isoformat(),
        decisions={str(second.pk): "cancel"},
    )
    response = client_for(world.leader).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["covered"] == [first.pk]
    assert data["cancelled"] == [second.pk]
    assert data["announced"] is True
    assert data["gaps"] == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.trust_person) == ("covered", world.deputy)
    assert second.status == "cancelled"
    told = Notification.objects.get(recipient_service_user=world.owner_su, dedupe_key__contains=":user:")
    assert world.deputy.display_name in told.body


def test_a_gap_is_reported_with_the_case_and_the_reason(world):
    away(world.deputy, 9, 11)
    response = client_for(world.leader).post(URL, registration(person=world.trust_person.pk), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["gaps"] == [
        {
            "follow_up": world.case.pk,
            "service_user": world.owner_su.pk,
            "reason": f"Stedfortrederen {world.deputy.display_name} er også borte i perioden.",
        }
    ]


def test_a_trust_person_cannot_name_a_colleague_and_nothing_is_saved(world):
    response = client_for(world.other_trust_person).post(
        URL, registration(person=world.trust_person.pk), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"person"}
    assert not Absence.objects.exists()


def test_a_leader_cannot_name_staff_in_another_municipality(world):
    response = client_for(world.other_leader).post(
        URL, registration(person=world.trust_person.pk), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"person"}
    assert not Absence.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "admin"])
def test_only_staff_register_absences(world, persona):
    response = client_for(world.persona(persona)).post(URL, registration(), format="json")
    assert response.status_code == 403
    assert not Absence.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "fri"}, "kind"),
        ({"starts_on": FromToday(12), "ends_on": FromToday(10)}, "ends_on"),
        ({"starts_on": FromToday(-5), "ends_on": FromToday(-1)}, "ends_on"),
        ({"ends_on": FromToday(500)}, "ends_on"),
        ({"starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "starts_on"),
        ({"starts_on": "31.12.2026"}, "starts_on"),
        ({"decisions": {"abc": "deputy"}}, "decisions"),
        ({"decisions": {"1": "kanskje"}}, "decisions"),
        ({"decisions": ["deputy"]}, "decisions"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_registrations_are_a_400_on_the_field_and_save_nothing(world, overrides, field):
    response = client_for(world.trust_person).post(URL, registration(**on_the_day(overrides)), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_refused(world):
    away(world.trust_person, 11, 11)
    response = client_for(world.trust_person).post(URL, registration(), format="json")
    assert response.status_code == 400
    assert "allerede registrert fravær" in response.json()["detail"]
    assert Absence.objects.count() == 1


# --- the preview --------------------------------------------------------------------------------------------


def test_the_preview_shows_gaps_and_appointments_and_saves_nothing(world):
    away(world.deputy, 0, 30)
    appointment = visit(world, at(day(11), 10))
    visit(world, at(day(20), 10))  # outside the period
    params = {
        "person": world.trust_person.pk,
        "starts_on": day(10).isoformat(),
        "ends_on": day(12).isoformat(),
    }
    response = client_for(world.leader).get(PREVIEW, params)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [g["follow_up"] for g in data["gaps"]] == [world.case.pk]
    assert [a["id"] for a in data["appointments"]] == [appointment.pk]
    assert Absence.objects.count() == 1
    # The leader read the owner's appointment: it is in her access log.
    assert AccessEvent.objects.get().service_user == world.owner_su


def test_the_preview_for_yourself_needs_no_person(world):
    response = client_for(world.trust_person).get(
        PREVIEW, {"starts_on": day(10).isoformat(), "ends_on": day(12).isoformat()}
    )
    assert response.status_code == 200
    assert response.json() == {"gaps": [], "appointments": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_on": "x"}, "starts_on"),
        ({"ends_on": ""}, "ends_on"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "starts_on"),
        ({"starts_on": FromToday(12), "ends_on": FromToday(10)}, "ends_on"),
        ({"person": "Tora"}, "person"),
    ],
)
def test_a_bad_preview_query_is_a_400_on_the_parameter(world, params, field):
    query = {"starts_on": day(10).isoformat(), "ends_on": day(12).isoformat(), **on_the_day(params)}
    response = client_for(world.leader).get(PREVIEW, query)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_a_colleague_cannot_preview_someone_elses_absence(world):
    params = {
        "person": world.trust_person.pk,
        "starts_on": day(10).isoformat(),
        "ends_on": day(12).isoformat(),
    }
    response = client_for(world.other_trust_person).get(PREVIEW, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"person"}


def test_a_partner_cannot_preview_an_absence_of_their_own(world):
    response = client_for(world.partner_valid).get(
        PREVIEW, {"starts_on": day(10).isoformat(), "ends_on": day(12).isoformat()}
    )
    assert response.status_code == 403


# --- cancelling ------------------------------------------------------------------------------------------


def test_the_leader_cancels_an_absence(world):
    absence = away(world.trust_person, 10, 12)
    response = client_for(world.leader).post(f"{URL}{absence.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["cancelled_at"] is not None
    absence.refresh_from_db()
    assert absence.cancelled_at is not None
    assert absence.history.latest().history_user == world.leader


def test_a_colleague_sees_but_may_not_cancel_and_another_municipality_gets_404(world):
    absence = away(world.trust_person, 10, 12)
    assert client_for(world.deputy).post(f"{URL}{absence.pk}/cancel/").status_code == 403
    assert client_for(world.other_leader).post(f"{URL}{absence.pk}/cancel/").status_code == 404
    absence.refresh_from_db()
    assert absence.cancelled_at is None


def test_a_cancelled_absence_is_not_cancelled_twice(world):
    absence = away(world.trust_person, 10, 12, cancelled_at=timezone.now())
    response = client_for(world.trust_person).post(f"{URL}{absence.pk}/cancel/")
    assert response.status_code == 400
    assert "allerede slettet" in response.json()["detail"]
    assert absence.history.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_absence_is_not_edited_in_place(world, method):
    absence = away(world.trust_person, 10, 12)
    response = getattr(client_for(world.trust_person), method)(
        f"{URL}{absence.pk}/", {"ends_on": day(20).isoformat()}, format="json"
    )
    assert response.status_code == 405
    absence.refresh_from_db()
    assert absence.ends_on == day(12)


def test_the_gap_check_uses_the_standing_deputy_when_the_case_has_none(world):
    # The case has no deputy of its own; the trust person's standing deputy is away too: a gap.
    world.case.deputy = None
    world.case.save()
    standby = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standby, organisation=world.unit, role="trust_person")
    DeputyArrangement.objects.create(
        trust_person=world.trust_person, deputy=standby, unit=world.unit, set_by=world.leader
    )
    away(standby, 10, 10)
    response = client_for(world.leader).post(URL, registration(person=world.trust_person.pk), format="json")
    assert response.status_code == 201
    assert [g["follow_up"] for g in response.json()["gaps"]] == [world.case.pk]
