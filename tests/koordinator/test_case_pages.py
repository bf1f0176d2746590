"""A follow-up case: its page, status buttons, ending and assigning."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator import services
from koordinator.models import AccessEvent, FollowUp
from tests.conftest import login

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_trust_person", "other_leader", "partner_none", "partner_expired", "partner_withdrawn",
             "partner_wrong_scope", "other_owner", "admin"]


def url(name, world):
    return reverse(name, args=[world.case.pk])


# --- detail -----------------------------------------------------------------------------------------------


def test_detail_shows_the_case_and_records_an_access_event(client, world):
    response = login(client, world.trust_person).get(url("followup_detail", world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.trust_person.display_name in page
    assert world.deputy.display_name in page
    assert "Oppfølgingstjenesten Øst" in page
    assert "Tok selv kontakt" in page  # referral_display
    assert url("followup_timeline", world) in page
    assert url("followup_end", world) in page
    assert url("followup_assign", world) not in page  # only leaders assign
    event = AccessEvent.objects.get()
    assert (event.actor, event.service_user, event.what) == (world.trust_person, world.owner_su, "Oppfølgingssak")


def test_detail_offers_only_allowed_status_changes(client, world):
    transitions = login(client, world.trust_person).get(url("followup_detail", world)).context["transitions"]
    assert [value for value, _label in transitions] == [FollowUp.Status.DORMANT]


def test_detail_shows_ending_facts_for_an_ended_case(client, world):
    door = timezone.localdate() + datetime.timedelta(days=30)
    services.end_follow_up(world.trust_person, world.case, reason="handed_over", taken_over_by_name="DPS Nidaros",
                           open_door_until=door)
    page = login(client, world.leader).get(url("followup_detail", world)).content.decode()
    assert "Overført til en annen tjeneste" in page
    assert "DPS Nidaros" in page
    assert door.strftime("%d.%m.%Y") in page
    assert "Døren står åpen" in page  # the notice the user was given
    assert url("followup_assign", world) in page
    assert url("followup_end", world) not in page


def test_detail_for_a_partner_with_the_follow_up_scope_has_no_buttons(client, world):
    response = login(client, world.partner_valid).get(url("followup_detail", world))
    assert response.status_code == 200
    assert response.context["transitions"] == []
    assert url("followup_end", world) not in response.content.decode()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_detail_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(url("followup_detail", world)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_owner_sees_their_case_without_an_access_event(client, world):
    assert login(client, world.owner).get(url("followup_detail", world)).status_code == 200
    assert not AccessEvent.objects.exists()


def test_detail_refuses_post(client, world):
    assert login(client, world.trust_person).post(url("followup_detail", world)).status_code == 405


# --- change status ----------------------------------------------------------------------------------------


def test_status_button_changes_the_status(client, world):
    response = login(client, world.deputy).post(url("followup_status", world), {"status": "dormant"})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.DORMANT
    assert world.case.history.latest().history_user == world.deputy


@pytest.mark.parametrize("status", ["intake", "ended", "nonsense", ""])
def test_status_refused_transitions_change_nothing(client, world, status):
    response = login(client, world.trust_person).post(url("followup_status", world), {"status": status},
                                                      follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


def test_status_change_refuses_get(client, world):
    assert login(client, world.trust_person).get(url("followup_status", world)).status_code == 405


def test_status_change_is_a_403_for_a_partner_who_sees_the_case(client, world):
    response = login(client, world.partner_valid).post(url("followup_status", world), {"status": "nonsense"})
    assert response.status_code == 403


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_status_change_is_a_404_for_outsiders(client, world, persona):
    response = login(client, world.persona(persona)).post(url("followup_status", world), {"status": "dormant"})
    assert response.status_code == 404
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


# --- end --------------------------------------------------------------------------------------------------


def test_end_form_suggests_three_months_of_open_door(client, world):
    form = login(client, world.trust_person).get(url("followup_end", world)).context["form"]
    today = timezone.localdate()
    assert form.initial["ended_on"] == today
    assert 89 <= (form.initial["open_door_until"] - today).days <= 92


def test_end_ends_the_case_and_the_user_gets_the_notice(client, world):
    door = timezone.localdate() + datetime.timedelta(days=90)
    response = login(client, world.trust_person).post(url("followup_end", world), {
        "reason": "handed_over", "taken_over_by": world.nav.pk, "open_door_until": door.isoformat(),
        "ended_on": timezone.localdate().isoformat(), "note": "",
    })
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ENDED
    assert world.case.taken_over_by == world.nav
    assert door.strftime("%d.%m.%Y") in world.case.user_notice
    assert "NAV Lerkendal" in world.case.user_notice


def test_end_accepts_norwegian_dates(client, world):
    login(client, world.trust_person).post(url("followup_end", world), {
        "reason": "moved", "open_door_until": "31.12.2099", "ended_on": timezone.localdate().strftime("%d.%m.%Y"),
    })
    world.case.refresh_from_db()
    assert world.case.open_door_until == datetime.date(2099, 12, 31)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "handed_over"}, "taken_over_by"),
        ({"reason": "other"}, "note"),
        ({"reason": "moved", "open_door_until": "2000-01-01"}, "open_door_until"),
        ({"reason": "moved", "ended_on": "not a date"}, "ended_on"),
    ],
    ids=["no-reason", "handover-without-successor", "other-without-note", "door-before-end", "bad-date"],
)
def test_end_bad_input_shows_the_error_and_changes_nothing(client, world, data, field):
    payload = {"ended_on": timezone.localdate().isoformat(), **data}
    response = login(client, world.trust_person).post(url("followup_end", world), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'href="#id_{field}' in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


def test_ending_an_ended_case_again_is_refused(client, world):
    services.end_follow_up(world.trust_person, world.case, reason="moved")
    login(client, world.trust_person)
    assert client.get(url("followup_end", world)).status_code == 302
    response = client.post(url("followup_end", world), {"reason": "prison",
                                                        "ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "allerede avsluttet" in response.context["form"].errors["reason"][0]
    world.case.refresh_from_db()
    assert world.case.ending_reason == "moved"


def test_end_is_a_403_for_a_partner_who_sees_the_case(client, world):
    login(client, world.partner_valid)
    assert client.get(url("followup_end", world)).status_code == 403
    assert client.post(url("followup_end", world), {"reason": "moved"}).status_code == 403


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_end_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).post(url("followup_end", world), {"reason": "moved"}).status_code == 404


def test_end_refuses_put(client, world):
    assert login(client, world.trust_person).put(url("followup_end", world)).status_code == 405


# --- assign -----------------------------------------------------------------------------------------------


def test_assign_choices_are_the_units_trust_persons(client, world):
    form = login(client, world.leader).get(url("followup_assign", world)).context["form"]
    expected = {world.trust_person, world.other_trust_person, world.deputy}
    assert set(form.fields["trust_person"].queryset) == expected
    assert set(form.fields["deputy"].queryset) == expected


def test_assign_saves_and_tells_the_user(client, world):
    response = login(client, world.leader).post(url("followup_assign", world), {
        "trust_person": world.other_trust_person.pk, "deputy": world.trust_person.pk, "note": "Ferie",
    })
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert (world.case.trust_person, world.case.deputy) == (world.other_trust_person, world.trust_person)
    assert world.other_trust_person.display_name in world.case.user_notice
    assert world.case.history.latest().history_change_reason == "Ferie"


def test_assign_same_person_twice_is_an_error(client, world):
    response = login(client, world.leader).post(url("followup_assign", world), {
        "trust_person": world.trust_person.pk, "deputy": world.trust_person.pk,
    })
    assert response.status_code == 200
    assert "deputy" in response.context["form"].errors
    world.case.refresh_from_db()
    assert world.case.deputy == world.deputy


def test_assign_refuses_someone_outside_the_unit(client, world):
    response = login(client, world.leader).post(url("followup_assign", world), {
        "trust_person": world.partner_valid.pk,
    })
    assert "trust_person" in response.context["form"].errors
    world.case.refresh_from_db()
    assert world.case.trust_person == world.trust_person


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "partner_valid", "owner"])
def test_assign_is_a_403_for_others_who_see_the_case(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(url("followup_assign", world)).status_code == 403
    response = client.post(url("followup_assign", world), {"trust_person": world.other_trust_person.pk})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.trust_person == world.trust_person


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_assign_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(url("followup_assign", world)).status_code == 404


def test_assign_refuses_delete(client, world):
    assert login(client, world.leader).delete(url("followup_assign", world)).status_code == 405
