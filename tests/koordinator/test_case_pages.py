"""A follow-up case: its page (with contact now, deputy, appointments, handover notes), status buttons, ending
and the case's deputy."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import access, services
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    DeputyArrangement,
    FollowUp,
    Handover,
    Notification,
)
from koordinator.timeutil import at
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


# --- assign: the case's own deputy (a new trust person has its own page) --------------------------------------


def test_assign_offers_only_the_case_deputy_from_the_unit_and_not_the_trust_person(client, world):
    form = login(client, world.leader).get(url("followup_assign", world)).context["form"]
    assert set(form.fields) == {"deputy", "note"}
    assert set(form.fields["deputy"].queryset) == {world.other_trust_person, world.deputy}


def test_assign_sets_the_case_deputy_without_a_handover_note_and_tells_nobody(client, world):
    response = login(client, world.leader).post(url("followup_assign", world), {
        "deputy": world.other_trust_person.pk, "note": "Ferie",
    })
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert (world.case.trust_person, world.case.deputy) == (world.trust_person, world.other_trust_person)
    assert world.case.user_notice == ""
    assert world.case.history.latest().history_change_reason == "Ferie"
    assert not Handover.objects.exists()
    assert not Notification.objects.exists()


def test_assign_never_changes_the_trust_person_and_links_to_the_change_page(client, world):
    login(client, world.leader)
    page = client.get(url("followup_assign", world)).content.decode()
    assert url("change_trust_person", world) in page
    client.post(url("followup_assign", world), {"trust_person": world.other_trust_person.pk,
                                               "deputy": world.deputy.pk})
    world.case.refresh_from_db()
    assert world.case.trust_person == world.trust_person


def test_assign_says_the_standing_deputy_applies_when_the_case_has_none(client, world):
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    login(client, world.leader)
    form = client.get(url("followup_assign", world)).context["form"]
    assert world.other_trust_person.display_name in str(form.fields["deputy"].empty_label)
    assert client.post(url("followup_assign", world), {"deputy": ""}).status_code == 302
    world.case.refresh_from_db()
    assert world.case.deputy is None


def test_assign_with_nothing_changed_says_so_and_writes_no_history(client, world):
    before = world.case.history.count()
    response = login(client, world.leader).post(url("followup_assign", world), {"deputy": world.deputy.pk},
                                                follow=True)
    assert "Du endret ingenting." in [str(m) for m in response.context["messages"]]
    assert world.case.history.count() == before


@pytest.mark.parametrize("persona", ["trust_person", "partner_valid"])
def test_assign_refuses_the_trust_person_or_someone_outside_the_unit_as_deputy(client, world, persona):
    response = login(client, world.leader).post(url("followup_assign", world), {
        "deputy": world.persona(persona).pk,
    })
    assert response.status_code == 200
    assert "deputy" in response.context["form"].errors
    assert 'href="#id_deputy' in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.deputy == world.deputy


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "partner_valid", "owner"])
def test_assign_is_a_403_for_others_who_see_the_case(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(url("followup_assign", world)).status_code == 403
    response = client.post(url("followup_assign", world), {"deputy": world.other_trust_person.pk})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.deputy == world.deputy


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_assign_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(url("followup_assign", world)).status_code == 404


def test_assign_refuses_delete(client, world):
    assert login(client, world.leader).delete(url("followup_assign", world)).status_code == 405


# --- continuity on the case page: contact now, deputy, appointments, handovers ------------------------------

MONDAY = datetime.date(2026, 11, 23)
TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


@pytest.fixture
def phones(world):
    for user, phone in ((world.trust_person, "+4790000010"), (world.deputy, "+4790000020"),
                        (world.other_trust_person, "+4790000030")):
        user.phone = phone
        user.save()
    return world


def appointment(world, when, *, case=None, **extra) -> Appointment:
    case = case or world.case
    data = {"follow_up": case, "service_user": case.service_user, "trust_person": case.trust_person,
            "starts_at": when, "place": Appointment.Place.HOME, "about": "Hjemmebesøk",
            "created_by": case.trust_person, **extra}
    return Appointment.objects.create(**data)


def away(world, person, first=MONDAY, last=MONDAY + datetime.timedelta(days=2), kind="sykmelding") -> Absence:
    return Absence.objects.create(person=person, kind=kind, starts_on=first, ends_on=last,
                                  registered_by=world.leader)


def test_contact_now_is_the_trust_person_when_nobody_is_away(client, phones, clock):
    response = login(client, phones.trust_person).get(url("followup_detail", phones))
    contact = response.context["continuity"].contact
    assert (contact.role, contact.person) == ("primary", phones.trust_person)
    page = response.content.decode()
    assert "Kontakt nå" in page
    assert 'href="tel:+4790000010"' in page


def test_contact_now_is_the_deputy_with_until_when_while_the_trust_person_is_away(client, phones, clock):
    away(phones, phones.trust_person)
    response = login(client, phones.leader).get(url("followup_detail", phones))
    contact = response.context["continuity"].contact
    assert (contact.role, contact.person, contact.until) == ("deputy", phones.deputy, MONDAY + datetime.timedelta(2))
    page = response.content.decode()
    assert 'href="tel:+4790000020"' in page
    assert f"{phones.trust_person.display_name} er borte til og med 25.11.2026." in page


def test_contact_now_is_the_duty_phone_when_trust_person_and_deputy_are_both_away(client, phones, clock):
    away(phones, phones.trust_person)
    away(phones, phones.deputy, kind="ferie")
    response = login(client, phones.leader).get(url("followup_detail", phones))
    assert response.context["continuity"].contact.role == "duty"
    page = response.content.decode()
    assert "Vakttelefonen, Oppfølgingstjenesten Øst" in page
    assert f'href="tel:{phones.unit.duty_phone}"' in page
    assert "ingen stedfortreder er på jobb" in page


def test_contact_now_is_not_shown_to_a_partner(client, phones, clock):
    response = login(client, phones.partner_valid).get(url("followup_detail", phones))
    assert response.context["continuity"].contact is None
    assert "Kontakt nå" not in response.content.decode()


def test_contact_now_is_not_shown_for_an_ended_case(client, world):
    services.end_follow_up(world.trust_person, world.case, reason="moved")
    response = login(client, world.trust_person).get(url("followup_detail", world))
    assert response.context["continuity"].contact is None


def test_a_standing_deputy_is_shown_and_labelled_when_the_case_has_no_deputy(client, world):
    world.case.deputy = None
    world.case.save()
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    response = login(client, world.trust_person).get(url("followup_detail", world))
    row = response.context["continuity"].row
    assert (row.deputy, row.deputy_is_standing) == (world.other_trust_person, True)
    page = response.content.decode()
    assert world.other_trust_person.display_name in page
    assert "fast stedfortreder" in page


def test_the_cases_own_deputy_is_not_labelled_standing(client, world):
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    row = login(client, world.trust_person).get(url("followup_detail", world)).context["continuity"].row
    assert (row.deputy, row.deputy_is_standing) == (world.deputy, False)


def test_appointments_lists_the_cases_upcoming_live_ones_with_move_and_cancel_links(client, world, clock):
    later = appointment(world, at(TUESDAY, 14), about="Til NAV sammen")
    today = appointment(world, at(MONDAY, 10))
    covered = appointment(world, at(TUESDAY, 9), trust_person=world.deputy,
                          original_trust_person=world.trust_person, status=Appointment.Status.COVERED)
    appointment(world, at(TUESDAY, 12), status=Appointment.Status.CANCELLED)
    appointment(world, at(MONDAY - datetime.timedelta(days=1), 10))  # yesterday
    appointment(world, at(TUESDAY, 11), case=world.other_case, about="Ola sin avtale")
    response = login(client, world.trust_person).get(url("followup_detail", world))
    assert response.context["continuity"].appointments == [today, covered, later]
    page = response.content.decode()
    assert "Til NAV sammen" in page and "24.11.2026 kl. 14.00" in page
    assert f"dekker for {world.trust_person.display_name}" in page
    assert "Ola sin avtale" not in page
    for a in (today, covered, later):
        assert reverse("appointment_move", args=[a.pk]) in page
        assert reverse("appointment_cancel", args=[a.pk]) in page
    assert url("appointment_create", world) in page


def test_the_owner_sees_their_appointments_without_buttons(client, world, clock):
    visit = appointment(world, at(TUESDAY, 14))
    response = login(client, world.owner).get(url("followup_detail", world))
    assert response.context["continuity"].appointments == [visit]
    page = response.content.decode()
    assert reverse("appointment_move", args=[visit.pk]) not in page
    assert url("appointment_create", world) not in page


def test_a_partner_who_sees_the_case_sees_no_appointments_and_no_handover_notes(client, world, clock):
    appointment(world, at(TUESDAY, 14), about="Hjemmebesøk med tannlegetime")
    services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                    handover_note="Kari er redd for tannlegen.")
    response = login(client, world.partner_valid).get(url("followup_detail", world))
    assert response.status_code == 200
    assert response.context["continuity"].appointments is None
    assert response.context["continuity"].handovers is None
    page = response.content.decode()
    assert "tannlege" not in page
    assert "Avtaler" not in page


def test_an_outsider_never_sees_another_cases_appointments(client, world, clock):
    mine = appointment(world, at(TUESDAY, 14), about="Karis avtale")
    theirs = appointment(world, at(TUESDAY, 15), case=world.other_case, about="Olas avtale")
    login(client, world.other_trust_person)
    assert client.get(url("followup_detail", world)).status_code == 404
    response = client.get(reverse("followup_detail", args=[world.other_case.pk]))
    assert response.context["continuity"].appointments == [theirs]
    assert "Karis avtale" not in response.content.decode()
    worklist = client.get(reverse("worklist")).content.decode()
    assert "Karis avtale" not in worklist
    assert mine.pk not in [a.pk for a in client.get(reverse("worklist")).context["worklist"].today]


def test_only_a_leader_gets_the_change_of_trust_person_link(client, world):
    assert url("change_trust_person", world) in login(client, world.leader).get(
        url("followup_detail", world)).content.decode()
    assert url("change_trust_person", world) not in login(client, world.trust_person).get(
        url("followup_detail", world)).content.decode()


def test_an_ended_case_offers_no_new_appointment_and_no_change_of_trust_person(client, world):
    services.end_follow_up(world.trust_person, world.case, reason="moved")
    page = login(client, world.leader).get(url("followup_detail", world)).content.decode()
    assert url("appointment_create", world) not in page
    assert url("change_trust_person", world) not in page


def test_handover_notes_are_listed_with_who_when_and_the_note(client, world, clock):
    services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                    handover_note="Kari liker å møtes på kafé.\nHusk tannlegen 3. mars.")
    access.forget(world.other_trust_person)
    for viewer in (world.other_trust_person, world.owner):
        response = login(client, viewer).get(url("followup_detail", world))
        [handover] = response.context["continuity"].handovers
        page = response.content.decode()
        assert f"Fra {world.trust_person.display_name} til {world.other_trust_person.display_name}" in page
        assert f"Skrevet av {world.leader.display_name}, 23.11.2026 kl. 07.30" in page
        assert "Kari liker å møtes på kafé.<br>Husk tannlegen 3. mars." in page


def _detail_queries(client, user, world) -> int:
    login(client, user)
    client.get(url("followup_detail", world))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("followup_detail", world)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["trust_person", "leader"])
def test_query_count_does_not_grow_with_the_number_of_appointments(client, world, clock, persona):
    # A standing deputy and an absence, so every part of «Kontakt nå» and the deputy line runs.
    world.case.deputy = None
    world.case.save()
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.deputy, unit=world.unit,
                                     set_by=world.leader)
    away(world, world.trust_person)
    appointment(world, at(TUESDAY, 8), trust_person=world.deputy, original_trust_person=world.trust_person)
    one = _detail_queries(client, world.persona(persona), world)
    for i in range(14):
        appointment(world, at(TUESDAY + datetime.timedelta(days=i), 10),
                    trust_person=world.deputy if i % 2 else world.trust_person,
                    original_trust_person=world.trust_person if i % 2 else None)
    fifteen = _detail_queries(client, world.persona(persona), world)
    assert len(client.get(url("followup_detail", world)).context["continuity"].appointments) == 15
    assert one == fifteen
