"""Min arbeidsliste on a phone (issue 12, item 6): every case has its own «Skriv i loggen» (the quick entry for that
case, one tap away), and the list stays short: the most urgent cases first, the rest folded in a ``<details>``."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import Absence, FollowUp
from koordinator.selectors import WORKLIST_SHOWN
from koordinator.timeutil import at
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("worklist")
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def case_of(world, last_name: str, *, started_days_ago: int = 1, status=FollowUp.Status.ACTIVE, **extra) -> FollowUp:
    """A case of the trust person; started long ago with no contact since, it is quiet («Ingen kontakt på N dager»)."""
    data = {"unit": world.unit, "trust_person": world.trust_person, "status": status,
            "started_on": MONDAY - datetime.timedelta(days=started_days_ago),
            "service_user": f.ServiceUserFactory(municipality=world.municipality, first_name="Bruker",
                                                 last_name=last_name), **extra}
    return f.FollowUpFactory(**data)


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def names_in(html: str) -> list[str]:
    return re.findall(r"<strong>Bruker (\w+)</strong>", html)


def test_every_case_has_its_own_link_to_the_quick_log_entry(client, world):
    cases = [case_of(world, f"Nr{i}") for i in range(WORKLIST_SHOWN + 2)]
    page = login(client, world.trust_person).get(URL).content.decode()
    mine = section(page, "mine-saker")
    for case in [world.case, *cases]:
        quick = reverse("followup_entry_quick", args=[case.pk])
        assert f'href="{quick}"' in mine, case.service_user.full_name
        # The link names the user for a screen reader, not only «Skriv i loggen» over and over.
        assert re.search(rf'href="{quick}">Skriv i loggen<span class="ds-sr-only"> om {case.service_user.full_name}',
                         mine)


def test_the_link_opens_the_quick_entry_for_that_case(client, world):
    response = login(client, world.trust_person).get(reverse("followup_entry_quick", args=[world.case.pk]))
    assert response.status_code == 200 and response.context["case"] == world.case


def test_an_ended_case_has_no_log_link(client, world):
    ended = case_of(world, "Avsluttet", status=FollowUp.Status.ENDED)
    page = login(client, world.trust_person).get(URL, {"avsluttede": "1"}).content.decode()
    assert "Bruker Avsluttet" in page
    assert reverse("followup_entry_quick", args=[ended.pk]) not in page


def test_the_most_urgent_come_first_and_the_rest_are_folded(client, world):
    world.case.delete()
    calm = [case_of(world, name) for name in ("Aas", "Berg", "Dahl", "Eide", "Foss")]
    new = case_of(world, "Nyhus", status=FollowUp.Status.INTAKE)
    quiet_long = case_of(world, "Vik", started_days_ago=40)  # no contact in 40 days
    quiet = case_of(world, "Ulv", started_days_ago=20)
    page = login(client, world.trust_person).get(URL).content.decode()
    mine = section(page, "mine-saker")
    shown, folded = mine.split('<details class="worklist-more">')
    # The quiet ones first (the longest silence first), then the new one, then the rest by name.
    assert names_in(shown) == ["Vik", "Ulv", "Nyhus", "Aas", "Berg"]
    assert names_in(folded) == ["Dahl", "Eide", "Foss"]
    assert "<summary>Vis 3 brukere til</summary>" in folded
    assert len(calm) + 3 == 8 and quiet_long.pk and quiet.pk and new.pk


def test_a_short_list_is_not_folded(client, world):
    page = login(client, world.trust_person).get(URL).content.decode()
    assert "worklist-more" not in section(page, "mine-saker")


def test_as_deputy_the_cases_i_cover_today_are_shown_and_the_others_folded(client, world):
    # world.deputy is the deputy of world.case (Kari's) and of a colleague's case whose trust person is at work.
    case_of(world, "Jobb", deputy=world.deputy, trust_person=world.other_trust_person)
    page = login(client, world.deputy).get(URL).content.decode()
    deputy = section(page, "stedfortreder-saker")
    assert names_in(deputy.split("<details")[0]) == []  # nobody is away: nothing to follow up now, all folded
    assert "Vis 2 brukere" in deputy and "Kari Nordmann" in deputy and "Bruker Jobb" in deputy
    Absence.objects.create(person=world.trust_person, kind="sykmelding", starts_on=MONDAY, ends_on=MONDAY,
                           registered_by=world.leader)
    page = login(client, world.deputy).get(URL).content.decode()
    deputy = section(page, "stedfortreder-saker")
    shown, folded = deputy.split('<details class="worklist-more">')
    assert "Kari Nordmann" in shown and "tillitspersonen deres er borte" in shown
    assert "Bruker Jobb" in folded and "Vis 1 bruker til" in folded


def test_a_long_section_shows_the_first_few_overdue_first_and_folds_the_rest(client, world, monkeypatch):
    from koordinator import selectors

    items = [selectors.WorklistItem(f"Ting {i}", overdue=i >= 5) for i in range(8)]
    monkeypatch.setattr(selectors, "WORKLIST_SECTIONS", [
        lambda user, day: selectors.WorklistSection("test", "Testliste", list(items))])
    page = login(client, world.trust_person).get(URL).content.decode()
    part = section(page, "seksjon-test")
    shown, folded = part.split('<details class="worklist-more">')
    assert re.findall(r"Ting \d", shown) == ["Ting 5", "Ting 6", "Ting 7", "Ting 0", "Ting 1"]
    assert re.findall(r"Ting \d", folded) == ["Ting 2", "Ting 3", "Ting 4"]
    assert "Vis 3 til" in folded
