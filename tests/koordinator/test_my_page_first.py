"""Min side puts first what the user needs first (issue 12, item 7): «Kontakten din nå», the next appointment, the next
steps and the crisis plan; then the newest three messages (the rest on «Varsler»), «Mine avtaler», the case and the
rest. The browser test (tests/e2e/test_phone_pages.py) checks that the crisis plan starts within two phone screens."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from koordinator import outbox
from koordinator.models import Appointment
from koordinator.timeutil import at
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("my_page")
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def appointment(world, when, **extra) -> Appointment:
    return Appointment.objects.create(**{
        "follow_up": world.case, "service_user": world.owner_su, "trust_person": world.trust_person,
        "starts_at": when, "place": Appointment.Place.HOME, "about": "Hjemmebesøk", "created_by": world.trust_person,
        **extra})


def headings(page: str) -> list[str]:
    main = page[page.index("<main"):page.index("</main>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", main, re.S)]


def section(page: str, heading_id: str) -> str:
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_contact_appointment_steps_and_crisis_plan_come_before_the_messages(client, world):
    for i in range(6):
        outbox.notify(world.owner_su, f"Beskjed {i}", "Tekst")
    page = login(client, world.owner).get(URL).content.decode()
    # «Ring meg» (reach, issue 16) right after them, before the messages.
    assert headings(page)[:6] == ["Kontakten din nå", "Neste avtale", "Min plan", "Kriseplanen min", "Ring meg",
                                  "Beskjeder til deg"]
    later = headings(page)[6:]
    assert later.index("Mine avtaler") < later.index("Oppfølgingen din") < later.index("Mine samtykker")


def test_the_next_appointment_is_shown_at_the_top_even_weeks_ahead(client, world):
    appointment(world, at(MONDAY + datetime.timedelta(days=30), 13, 30), place=Appointment.Place.OFFICE)
    appointment(world, at(MONDAY + datetime.timedelta(days=40), 10))
    page = login(client, world.owner).get(URL).content.decode()
    top = " ".join(re.sub(r"<[^>]+>", " ", section(page, "neste-avtale-tittel")).split())
    assert "Onsdag 23.12.2026 kl. 13.30" in top and "På kontoret" in top
    assert f"{world.trust_person.display_name} kommer." in top
    assert "02.01.2027" not in top  # only the next one


def test_today_and_tomorrow_say_so_and_a_deputy_who_comes_instead_is_named(client, world):
    appointment(world, at(MONDAY, 10), trust_person=world.deputy, original_trust_person=world.trust_person)
    page = login(client, world.owner).get(URL).content.decode()
    top = " ".join(re.sub(r"<[^>]+>", " ", section(page, "neste-avtale-tittel")).split())
    assert "I dag kl. 10.00" in top
    assert f"{world.deputy.display_name} kommer i stedet for {world.trust_person.display_name}." in top


def test_without_appointments_it_says_so(client, world):
    page = login(client, world.owner).get(URL).content.decode()
    assert "Du har ingen avtaler framover." in section(page, "neste-avtale-tittel")


def test_three_messages_at_most_and_a_way_to_the_older_ones(client, world):
    for i in range(3):
        outbox.notify(world.owner_su, f"Beskjed {i}", "Tekst")
    page = login(client, world.owner).get(URL).content.decode()
    box = section(page, "beskjeder-tittel")
    assert len(re.findall(r"Beskjed \d", box)) == 3 and "Vis eldre beskjeder" not in box
    outbox.notify(world.owner_su, "Beskjed 3", "Tekst")
    box = section(login(client, world.owner).get(URL).content.decode(), "beskjeder-tittel")
    assert len(re.findall(r"Beskjed \d", box)) == 3
    assert "Vis eldre beskjeder" in box and f'href="{reverse("notifications")}"' in box
