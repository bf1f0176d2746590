"""An absence that starts next week is spoken of as ahead, not as now (issue 12, item 1, follow-up): the deputy's
worklist says «fra 14.12», and Min side says who covers then by the «contact now» rule, not the deputy who is away
too."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from koordinator import continuity
from koordinator.models import Absence
from koordinator.timeutil import at
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)  # Monday
FIRST, LAST = datetime.date(2026, 12, 14), datetime.date(2026, 12, 18)


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY, 9), tick=False) as traveller:
        yield traveller


def away(world, person, first=FIRST, last=LAST):
    return Absence.objects.create(person=person, kind="ferie", starts_on=first, ends_on=last,
                                  registered_by=world.leader)


def test_the_worklist_says_from_when_for_an_absence_that_starts_next_week(client, world, clock):
    away(world, world.trust_person)
    page = login(client, world.deputy).get(reverse("worklist")).content.decode()
    name = world.trust_person.display_name
    assert f"Du blir stedfortreder fra 14.12 mens {name} er borte" in page
    assert f"Du er stedfortreder mens {name}" not in page


def test_the_worklist_says_now_when_it_has_begun(client, world, clock):
    away(world, world.trust_person, first=TODAY)
    page = login(client, world.deputy).get(reverse("worklist")).content.decode()
    assert f"Du er stedfortreder mens {world.trust_person.display_name} er borte" in page


def test_min_side_names_the_duty_phone_when_both_will_be_away(client, world, clock):
    away(world, world.trust_person)
    away(world, world.deputy, first=FIRST + datetime.timedelta(days=2), last=LAST + datetime.timedelta(days=7))
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert "Når kontaktpersonen er borte" not in page
    assert f"Når {world.trust_person.display_name} er borte 14.12–18.12" in page
    card = page[page.index(f"Når {world.trust_person.display_name} er borte"):]
    card = card[:card.index("</dd>")]
    assert "Vakttelefonen" in card and world.deputy.display_name not in card
    # The same rule as «Kontakten din nå» on the first day the deputy is away too.
    assert continuity.contact_now(world.case, FIRST + datetime.timedelta(days=2)).role == "duty"


def test_min_side_names_the_deputy_for_a_coming_absence_when_he_is_at_work(client, world, clock):
    away(world, world.trust_person)
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    card = page[page.index(f"Når {world.trust_person.display_name} er borte 14.12–18.12"):]
    assert world.deputy.display_name in card[:card.index("</dd>")]
