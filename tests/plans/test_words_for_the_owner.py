"""The user's own plan pages speak to them (issue 12, item 8): no version numbers (staff keep them), «planperiode» and
«revisjon» explained, one answer to «who do I contact now» (the coordinator who is away is not the one to call), a
declined plan in a few kind words instead of nine empty sections, and «Min fremgang» with nothing done yet kind
instead of twelve empty months."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator.models import Absence
from koordinator.phone import display_phone
from plans import services
from plans.crisis import services as crisis_services
from tests.conftest import login

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space collapsed."""
    return re.sub(r" ([.,:])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))


def main_text(response) -> str:
    html = response.content.decode()
    return text_of(html[html.index("<main"):html.index("</main>")])


def away(world, person, days: int = 2) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(person=person, kind="sykmelding", starts_on=today,
                                  ends_on=today + datetime.timedelta(days=days), registered_by=world.leader)


# --- version numbers ---------------------------------------------------------------------------------------------


def test_the_owner_reads_no_version_numbers_on_the_plan_and_its_history(client, world, plan):
    login(client, world.owner)
    page = main_text(client.get(reverse("plan_detail", args=[plan.pk])))
    assert "Sist endret" in page and not re.search(r"[Vv]ersjon \d", page)
    history = main_text(client.get(reverse("plan_timeline", args=[plan.pk])))
    assert "Planen er opprettet" in history and not re.search(r"[Vv]ersjon \d", history)


def test_staff_keep_the_version_numbers(client, world, plan):
    login(client, world.trust_person)
    assert re.search(r"Versjon \d", main_text(client.get(reverse("plan_detail", args=[plan.pk]))))
    assert re.search(r"versjon \d", main_text(client.get(reverse("plan_timeline", args=[plan.pk]))))


def test_the_owner_reads_no_version_numbers_on_the_crisis_plan(client, world, crisis_plan):
    crisis_services.sign_off(world.owner, crisis_plan, based_on_version=crisis_plan.version)
    crisis_plan.refresh_from_db()
    crisis_services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version,
                                       what_helps="Å gå en lang tur.")
    login(client, world.owner)
    page = main_text(client.get(reverse("crisis_plan_detail", args=[crisis_plan.pk])))
    assert "Sist endret" in page and not re.search(r"[Vv]ersjon \d", page)
    assert "Du, i portalen" in page  # not «Kari Nordmann (Brukeren selv)»
    assert "Brukeren selv" not in page
    login(client, world.trust_person)
    staff = main_text(client.get(reverse("crisis_plan_detail", args=[crisis_plan.pk])))
    assert re.search(r"Versjon \d", staff) and "Brukeren selv" in staff


# --- words explained, and the owner spoken to -----------------------------------------------------------------------


def test_planperiode_and_revisjon_are_explained_to_the_owner(client, world, plan):
    page = main_text(login(client, world.owner).get(reverse("plan_detail", args=[plan.pk])))
    assert "Planperioden er tiden planen gjelder for." in page
    assert "En revisjon er når dere går gjennom planen sammen" in page


def test_the_owners_forms_speak_to_them(client, world, plan, goal):
    login(client, world.owner)
    edit = main_text(client.get(reverse("plan_edit", args=[plan.pk])))
    assert "Skriv det slik du selv vil si det." in edit and "brukeren selv" not in edit
    suggest = main_text(client.get(reverse("step_suggest", args=[goal.pk])))
    assert "Tilbake til planen din" in suggest and world.owner_su.full_name not in suggest


# --- one answer to «who do I contact now» ---------------------------------------------------------------------------


def test_while_the_coordinator_is_away_the_plan_says_whom_to_contact_as_min_side_does(client, world, plan):
    world.trust_person.phone, world.deputy.phone = "+4790000010", "+4790000020"
    world.trust_person.save()
    world.deputy.save()
    absence = away(world, world.trust_person)
    login(client, world.owner)
    plan_page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    start = plan_page.index('id="koordinator"')
    coordinates = plan_page[start:plan_page.index("</section>", start)]
    text = text_of(coordinates)
    until = absence.ends_on.strftime("%d.%m.%Y")
    assert f"borte til og med {until}" in text
    assert f"Kontakt {world.deputy.display_name} på {display_phone('+4790000020')}." in text
    assert 'href="tel:+4790000010"' not in coordinates  # not the one who is away
    my_page = main_text(client.get(reverse("my_page")))
    assert f"Kontakt {world.deputy.display_name} på {display_phone('+4790000020')}." in my_page


def test_with_the_coordinator_at_work_the_plan_gives_their_number(client, world, plan):
    world.trust_person.phone = "+4790000010"
    world.trust_person.save()
    plan_page = login(client, world.owner).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert 'href="tel:+4790000010"' in plan_page and "borte til og med" not in plan_page


# --- a declined plan, and «Min fremgang» with nothing done ---------------------------------------------------------


def test_a_declined_plan_is_a_few_kind_words_for_the_owner(client, world, draft):
    services.decline_plan(world.trust_person, draft, reason="Vil tenke på det.")
    page = main_text(login(client, world.owner).get(reverse("my_plan"), follow=True))
    assert "Du sa nei takk til en individuell plan" in page and "Det er helt i orden" in page
    assert "Vil tenke på det." in page
    assert "Vil du ha en plan senere, sier du bare fra til kontaktpersonen din." in page
    for empty in ("1. Mine mål", "9. Samarbeid", "Ikke skrevet ennå", "Ingen tiltak ennå"):
        assert empty not in page
    # Staff still see the whole plan and can offer it again.
    staff = main_text(login(client, world.trust_person).get(reverse("plan_detail", args=[draft.pk])))
    assert "1. Mine mål" in staff and "Tilby planen på nytt" in staff


def test_min_fremgang_with_nothing_done_is_kind_instead_of_twelve_empty_months(client, world, plan, goal):
    response = login(client, world.owner).get(reverse("plan_progress", args=[plan.pk]))
    page = response.content.decode()
    assert "bar-chart" not in page  # no twelve empty months
    text = main_text(response)
    assert "Det er ingen her ennå, og det er helt i orden" in text
    assert "Små steg teller også." in text


def test_min_side_leaves_out_the_progress_link_for_a_declined_plan(client, world, draft):
    services.decline_plan(world.trust_person, draft, reason="")
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert reverse("my_plan") in page and reverse("my_progress") not in page
