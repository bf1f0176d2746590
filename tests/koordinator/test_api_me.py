"""GET /api/v1/me/: who am I, my roles, and for a service user: who my contact is now."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import outbox
from koordinator.models import Absence, DeputyArrangement, FollowUp
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/"


def me(user) -> dict:
    response = login(APIClient(), user).get(URL)
    assert response.status_code == 200
    return response.json()


def test_it_shows_a_trust_persons_unit(world):
    data = me(world.trust_person)
    assert data["id"] == world.trust_person.pk
    assert data["username"] == "tillit"
    assert data["name"] == world.trust_person.display_name
    assert data["roles"]["trust_person_units"] == [{"id": world.unit.pk, "name": "Oppfølgingstjenesten Øst"}]
    assert data["roles"]["leader_municipalities"] == []
    assert data["roles"]["is_admin"] is False
    assert data["service_user"] is None


def test_it_shows_a_leaders_municipality_a_partners_organisation_and_an_administrator(world):
    assert me(world.leader)["roles"]["leader_municipalities"] == [
        {"id": world.municipality.pk, "name": "Trondheim"}
    ]
    assert me(world.partner_org_member)["roles"]["partner_organisations"] == [
        {"id": world.nav.pk, "name": "NAV Lerkendal"}
    ]
    assert me(world.admin)["roles"]["is_admin"] is True


def test_it_tells_a_service_user_who_their_contact_is_now(world):
    world.trust_person.phone = "+4791112222"
    world.trust_person.save()
    data = me(world.owner)
    assert data["service_user"]["id"] == world.owner_su.pk
    contact = data["service_user"]["contact"]
    assert contact["follow_up"] == world.case.pk
    assert contact["trust_person"] == {
        "id": world.trust_person.pk,
        "name": world.trust_person.display_name,
        "phone": "+4791112222",
    }
    assert contact["deputy"]["name"] == world.deputy.display_name
    assert contact["unit"] == {"id": world.unit.pk, "name": "Oppfølgingstjenesten Øst"}
    assert contact["unit_phone"] == world.unit.duty_phone


def test_a_service_user_with_no_open_case_has_no_contact(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    assert me(world.owner)["service_user"]["contact"] is None


def away_today(person, days: int = 2) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(
        person=person,
        kind="sykmelding",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=days),
        registered_by=person,
    )


def test_a_service_users_contact_now_is_the_trust_person_on_an_ordinary_day(world):
    world.trust_person.phone = "+4791112222"
    world.trust_person.save()
    data = me(world.owner)
    assert data["contact_now"] == {
        "role": "primary",
        "name": world.trust_person.display_name,
        "phone": "+4791112222",
        "user_id": world.trust_person.pk,
        "until": None,
        "reason": "",
    }


def test_a_service_users_contact_now_is_the_deputy_while_the_trust_person_is_away(world):
    absence = away_today(world.trust_person)
    contact = me(world.owner)["contact_now"]
    assert (contact["role"], contact["user_id"]) == ("deputy", world.deputy.pk)
    assert contact["until"] == absence.ends_on.isoformat()
    assert absence.ends_on.strftime("%d.%m.%Y") in contact["reason"]


def test_a_service_users_contact_now_is_the_duty_phone_when_both_are_away(world):
    away_today(world.trust_person)
    away_today(world.deputy)
    contact = me(world.owner)["contact_now"]
    assert (contact["role"], contact["phone"], contact["user_id"]) == ("duty", world.unit.duty_phone, None)


def test_a_service_user_with_no_open_case_has_no_contact_now(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    assert me(world.owner)["contact_now"] is None


def test_staff_see_whether_they_are_away_today_and_their_standing_deputy(world):
    data = me(world.trust_person)
    assert (data["absent_today"], data["standing_deputy"], data["contact_now"]) == (False, None, None)
    away_today(world.trust_person)
    DeputyArrangement.objects.create(
        trust_person=world.trust_person, deputy=world.deputy, unit=world.unit, set_by=world.leader
    )
    data = me(world.trust_person)
    assert data["absent_today"] is True
    assert data["standing_deputy"] == {"id": world.deputy.pk, "name": world.deputy.display_name}


def test_an_absence_that_starts_tomorrow_or_was_cancelled_is_not_today(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Absence.objects.create(
        person=world.deputy, kind="ferie", starts_on=tomorrow, ends_on=tomorrow, registered_by=world.deputy
    )
    cancelled = away_today(world.deputy)
    Absence.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    assert me(world.deputy)["absent_today"] is False


def test_people_who_are_not_staff_have_no_absence_flag(world):
    for persona in ("owner", "partner_valid", "admin"):
        data = me(world.persona(persona))
        assert (data["absent_today"], data["standing_deputy"]) == (None, None), persona


def test_it_counts_unread_notifications(world):
    outbox.notify(world.deputy, "Overføring", "Du dekker for Tora.")
    outbox.notify(world.deputy, "Ny sak", "Du har fått en ny sak.")
    assert me(world.deputy)["unread_notifications"] == 2
    outbox.mark_read(world.deputy)
    assert me(world.deputy)["unread_notifications"] == 0


def test_anonymous_gets_401_json_not_a_redirect(world):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_it_refuses_writes(world):
    client = login(APIClient(), world.owner)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(URL, {}, format="json").status_code == 405
