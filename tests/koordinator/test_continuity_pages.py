"""Continuity pages: absences, appointments, handover, deputies, coverage, change of worker, messages, letters."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from koordinator import outbox
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
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def visit(world, when):
    return Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person, starts_at=when,
        place="home", about="Hjemmebesøk", created_by=world.trust_person,
    )


def absence_post(**extra):
    data = {"kind": "sykmelding", "starts_on": "2026-11-23", "ends_on": "2026-11-24", "note": ""}
    data.update(extra)
    return data


def test_the_leader_registers_sick_leave_in_two_steps_and_sees_the_appointments_first(client, world, clock):
    appointment = visit(world, at(MONDAY, 10))
    login(client, world.leader)
    url = reverse("absence_register")
    first = client.post(url, absence_post(person=world.trust_person.pk))
    assert first.status_code == 200
    assert Absence.objects.count() == 0  # nothing saved before confirming
    assert f"decision_{appointment.pk}" in first.content.decode()
    second = client.post(url, absence_post(person=world.trust_person.pk, confirm="1",
                                           **{f"decision_{appointment.pk}": "deputy"}), follow=True)
    assert second.redirect_chain[-1][0] == reverse("absences")
    assert "Brukerne får beskjed nå" in second.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "covered" and appointment.trust_person == world.deputy
    assert Notification.objects.filter(recipient_service_user=world.owner_su).count() == 2


def test_the_form_warns_about_a_gap_before_saving(client, world, clock):
    Absence.objects.create(person=world.deputy, kind="ferie", starts_on=MONDAY, ends_on=MONDAY,
                           registered_by=world.deputy)
    login(client, world.leader)
    response = client.post(reverse("absence_register"), absence_post(person=world.trust_person.pk))
    assert "1 bruker står uten dekning" in response.content.decode()
    assert world.owner_su.full_name in response.content.decode()


def test_a_trust_person_registers_their_own_absence_without_choosing_a_person(client, world, clock):
    login(client, world.trust_person)
    page = client.get(reverse("absence_register"))
    assert 'name="person"' not in page.content.decode()
    client.post(reverse("absence_register"), absence_post(person=world.deputy.pk, confirm="1"))
    [absence] = Absence.objects.all()
    assert absence.person == world.trust_person  # a smuggled person field is ignored


def test_bad_absence_dates_give_a_clear_error_and_save_nothing(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("absence_register"), absence_post(starts_on="2026-11-25", ends_on="2026-11-23",
                                                                     confirm="1"))
    assert response.status_code == 200
    assert "«Til og med» kan ikke være før «fra og med»." in response.content.decode()
    response = client.post(reverse("absence_register"), absence_post(starts_on="ikke en dato", confirm="1"))
    assert "gyldig dato" in response.content.decode()
    assert Absence.objects.count() == 0


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "admin"])
def test_people_who_are_not_staff_get_404_on_the_absence_pages(client, world, persona):
    login(client, world.persona(persona))
    for name in ("absence_register", "absences", "handover", "appointments"):
        assert client.get(reverse(name)).status_code == 404


def test_only_leaders_see_deputies_and_coverage(client, world):
    login(client, world.trust_person)
    assert client.get(reverse("deputies")).status_code == 404
    assert client.get(reverse("coverage")).status_code == 404
    login(client, world.leader)
    assert client.get(reverse("coverage")).status_code == 200
    assert world.trust_person.display_name in client.get(reverse("coverage")).content.decode()


def test_the_leader_sets_a_standing_deputy(client, world):
    login(client, world.leader)
    response = client.post(reverse("deputies"), {"trust_person": world.trust_person.pk,
                                                 "deputy": world.other_trust_person.pk})
    assert response.status_code == 302
    assert DeputyArrangement.objects.get(trust_person=world.trust_person).deputy == world.other_trust_person
    # Someone from another municipality is not in the choices: refused, nothing changed.
    response = client.post(reverse("deputies"), {"trust_person": world.trust_person.pk,
                                                 "deputy": world.other_leader.pk}, follow=True)
    assert "Velg tillitsperson og stedfortreder" in response.content.decode()
    assert DeputyArrangement.objects.get(trust_person=world.trust_person).deputy == world.other_trust_person


def test_the_deputy_sees_the_handover_list(client, world, clock):
    visit(world, at(MONDAY, 10))
    from koordinator import continuity

    continuity.register_absence(world.leader, world.trust_person, kind="sykmelding", starts_on=MONDAY,
                                ends_on=MONDAY)
    login(client, world.deputy)
    page = client.get(reverse("handover")).content.decode()
    assert world.owner_su.full_name in page and "Hjemmebesøk" in page
    login(client, world.other_trust_person)
    assert world.owner_su.full_name not in client.get(reverse("handover")).content.decode()


def test_appointments_are_created_moved_and_cancelled_from_the_case(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("appointment_create", args=[world.case.pk]), {
        "day": "2026-11-25", "time": "14:00", "duration_minutes": "60", "place": "cafe", "place_detail": "Dromedar",
        "about": "Bolig",
    })
    assert response.status_code == 302
    [appointment] = Appointment.objects.all()
    assert appointment.starts_at == at(datetime.date(2026, 11, 25), 14)
    page = client.get(reverse("appointments")).content.decode()
    assert world.owner_su.full_name in page and "Dromedar" in page
    client.post(reverse("appointment_move", args=[appointment.pk]), {"day": "2026-11-26", "time": "09:30"})
    appointment.refresh_from_db()
    assert appointment.starts_at == at(datetime.date(2026, 11, 26), 9, 30)
    client.post(reverse("appointment_cancel", args=[appointment.pk]), {"note": "Syk"})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    subjects = set(Notification.objects.filter(recipient_service_user=world.owner_su).values_list("subject", flat=True))
    assert {"Avtalen din er flyttet", "Avtalen din er avlyst"} <= subjects


def test_an_appointment_in_the_past_is_refused_next_to_the_date(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("appointment_create", args=[world.case.pk]), {
        "day": "2026-11-20", "time": "10:00", "duration_minutes": "60", "place": "home",
    })
    assert response.status_code == 200 and "Tidspunktet har allerede vært." in response.content.decode()
    assert Appointment.objects.count() == 0


def test_outsiders_cannot_touch_appointments(client, world, clock):
    appointment = visit(world, at(MONDAY, 12))
    login(client, world.other_trust_person)
    assert client.get(reverse("appointment_create", args=[world.case.pk])).status_code == 404
    assert client.post(reverse("appointment_cancel", args=[appointment.pk])).status_code == 404
    login(client, world.owner)  # the user sees it, but changes go through the trust person
    assert client.post(reverse("appointment_cancel", args=[appointment.pk])).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "planned"


def test_changing_trust_person_needs_a_note_and_a_leader(client, world):
    url = reverse("change_trust_person", args=[world.case.pk])
    login(client, world.trust_person)
    assert client.get(url).status_code == 403
    login(client, world.leader)
    response = client.post(url, {"trust_person": world.other_trust_person.pk, "handover_note": ""})
    assert response.status_code == 200 and Handover.objects.count() == 0
    response = client.post(url, {"trust_person": world.other_trust_person.pk,
                                 "handover_note": "Kari liker kafé. Husk tannlegen."})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=world.case.pk).trust_person == world.other_trust_person
    assert Notification.objects.filter(recipient_service_user=world.owner_su,
                                       subject="Du har fått ny kontaktperson").exists()


def test_the_inbox_lists_my_messages_and_marks_them_read(client, world):
    mine = outbox.notify(world.owner_su, "Ny kontaktperson", "Hei Kari")
    other = outbox.notify(world.other_su, "Til Ola", "Hei Ola")
    login(client, world.owner)
    page = client.get(reverse("notifications")).content.decode()
    assert "Ny kontaktperson" in page and "Til Ola" not in page
    assert outbox.unread_count(world.owner) == 1
    client.post(reverse("notifications_mark_read"), {"id": [mine.pk, other.pk]})
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None  # someone else's id is ignored
    assert outbox.unread_count(world.owner) == 0


def test_letters_are_printed_as_pdf_and_marked_sent(client, world):
    world.owner_su.phone = ""
    world.owner_su.address = "Storgata 1"
    world.owner_su.postal_code = "7010"
    world.owner_su.city = "Trondheim"
    world.owner_su.preferred_channel = "letter"
    world.owner_su.save()
    letter = outbox.notify(world.owner_su, "Kontaktpersonen din er borte", "Ring Dag på 900 00 020.")
    login(client, world.trust_person)
    assert world.owner_su.full_name in client.get(reverse("print_queue")).content.decode()
    pdf = client.get(reverse("letters_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kontaktpersonen din er borte" in text and "Storgata 1" in text and "Side 1 av 1" in text
    assert AccessEvent.objects.filter(service_user=world.owner_su, channel="pdf").exists()
    client.post(reverse("mark_printed"), {"id": [letter.pk]})
    letter.refresh_from_db()
    assert letter.state == "sent" and letter.delivery_attempts.get().success
    # A trust person who cannot act for the user never sees the letter.
    other = outbox.notify(world.owner_su, "Nytt brev", "Tekst")
    login(client, world.other_trust_person)
    assert "Nytt brev" not in client.get(reverse("print_queue")).content.decode()
    client.post(reverse("mark_printed"), {"id": [other.pk]})
    other.refresh_from_db()
    assert other.state == "pending"


def test_step_two_preselects_the_deputy_and_honours_a_cancel_choice(client, world, clock):
    appointment = visit(world, at(MONDAY, 10))
    login(client, world.leader)
    url = reverse("absence_register")
    first = client.post(url, absence_post(person=world.trust_person.pk)).content.decode()
    assert f'name="decision_{appointment.pk}" value="deputy"' in first
    checked = first.split(f'name="decision_{appointment.pk}" value="deputy"')[1].split(">")[0]
    assert "checked" in checked
    client.post(url, absence_post(person=world.trust_person.pk, confirm="1",
                                  **{f"decision_{appointment.pk}": "cancel"}))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
