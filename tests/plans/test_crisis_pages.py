"""The crisis plan pages: links from the case page and Min side, making a plan, the page with the always-current
call list, editing with the conflict page, contacts, sign-offs, timeline and restore, archive, query budget."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import continuity
from koordinator.models import Absence, AccessEvent
from plans.crisis import services
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff
from tests.conftest import login
from tests.plans.conftest import grow_crisis_plan
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


def detail(crisis_plan) -> str:
    return reverse("crisis_plan_detail", args=[crisis_plan.pk])


def html(response) -> str:
    return response.content.decode()


def test_the_case_page_and_min_side_link_to_the_crisis_plan(client, world, crisis_plan):
    login(client, world.trust_person)
    case_page = html(client.get(reverse("followup_detail", args=[world.case.pk])))
    assert reverse("crisis_plan_for_user", args=[world.owner_su.pk]) in case_page
    assert client.get(reverse("crisis_plan_for_user", args=[world.owner_su.pk]))["Location"] == detail(crisis_plan)
    login(client, world.owner)
    my_page = html(client.get(reverse("my_page")))
    assert "Kriseplanen min" in my_page and reverse("my_crisis_plan") in my_page
    assert client.get(reverse("my_crisis_plan"))["Location"] == detail(crisis_plan)


def test_staff_make_a_crisis_plan_from_the_case_and_land_on_the_form(client, world):
    login(client, world.trust_person)
    url = reverse("crisis_plan_for_user", args=[world.owner_su.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Lag en kriseplan" in html(page)
    response = client.post(url)
    plan = CrisisPlan.objects.get(service_user=world.owner_su)
    assert response["Location"] == reverse("crisis_plan_edit", args=[plan.pk])
    # A partner who sees the person but not the crisis plan learns nothing about it: 404, whether there is one.
    login(client, world.partner_wrong_scope)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_the_page_shows_the_call_list_in_order_with_phone_links_and_the_parts(client, world, crisis_plan):
    login(client, world.owner)
    page = html(client.get(detail(crisis_plan)))
    assert "<h1" in page and "Kriseplanen min" in page
    positions = [page.find(s) for s in ("Kontakten min nå", "Eva Nordmann", "DPS akutteam", "Legevakten",
                                        "Nødnummer for helse (AMK)", "Varseltegn")]
    assert -1 not in positions and positions == sorted(positions)
    assert 'href="tel:116117"' in page and 'href="tel:113"' in page and 'href="tel:+4790000001"' in page
    assert "Jeg sover dårlig og slutter å svare på telefonen." in page
    assert reverse("crisis_pocket_pdf", args=[crisis_plan.pk]) in page
    # The owner's own reads are not in their access log; a partner's are.
    assert not AccessEvent.objects.exists()
    login(client, world.partner_valid)
    client.get(detail(crisis_plan))
    assert AccessEvent.objects.get().what == "Kriseplan"


def test_while_the_trust_person_is_away_the_page_names_the_deputy(client, world, crisis_plan):
    continuity.register_absence(world.leader, world.trust_person, kind=Absence.Kind.SICK_LEAVE,
                                starts_on=timezone.localdate(),
                                ends_on=timezone.localdate() + datetime.timedelta(days=2))
    login(client, world.owner)
    page = html(client.get(detail(crisis_plan)))
    now = page[page.find("Kontakten min nå"):page.find("Eva Nordmann")]
    assert world.deputy.display_name in now and "borte til og med" in now


def test_the_edit_form_has_labelled_fields_and_saves_a_new_version(client, world, crisis_plan):
    login(client, world.trust_person)
    url = reverse("crisis_plan_edit", args=[crisis_plan.pk])
    form = html(client.get(url))
    assert '<label class="ds-label" for="id_warning_signs">' in form and 'for="id_review_on"' in form
    data = {"warning_signs": "Nye varseltegn.", "version": crisis_plan.version}
    assert client.post(url, data)["Location"] == detail(crisis_plan)
    assert fresh(crisis_plan).warning_signs == "Nye varseltegn."
    # The owner writes the texts but not the review date.
    login(client, world.owner)
    assert 'for="id_review_on"' not in html(client.get(url))


def test_two_editors_from_one_version_the_second_gets_the_merge_page_with_both_texts(client, world, crisis_plan):
    url = reverse("crisis_plan_edit", args=[crisis_plan.pk])
    base = crisis_plan.version
    login(client, world.trust_person)
    client.post(url, {"what_helps": "Først lagret.", "version": base})
    login(client, world.deputy)
    response = client.post(url, {"what_helps": "Min tekst.", "version": base})
    assert response.status_code == 409
    page = html(response)
    assert "Planen ble endret mens du skrev" in page
    assert "Først lagret." in page and "Min tekst." in page
    assert f'action="{url}"' in page and f'value="{base + 1}"' in page
    assert fresh(crisis_plan).what_helps == "Først lagret."


def test_contacts_are_added_moved_and_removed_from_the_page(client, world, crisis_plan):
    login(client, world.trust_person)
    version = fresh(crisis_plan).version
    response = client.post(reverse("crisis_contact_create", args=[crisis_plan.pk]), {
        "name": "Mor", "role": "mor", "phone": "912 34 000", "reachable": ["night", "weekend"], "version": version})
    assert response.status_code == 302
    mor = CrisisContact.objects.get(name="Mor")
    assert mor.phone == "+4791234000" and mor.reachable == ["night", "weekend"]
    bad = client.post(reverse("crisis_contact_create", args=[crisis_plan.pk]), {
        "name": "Far", "phone": "12", "version": fresh(crisis_plan).version})
    assert "Skriv et gyldig telefonnummer" in html(bad) or "Velg minst én tid" in html(bad)
    client.post(reverse("crisis_contact_move", args=[mor.pk, "opp"]), {"version": fresh(crisis_plan).version})
    names = list(CrisisContact.objects.filter(crisis_plan=crisis_plan).live().order_by("order")
                 .values_list("name", flat=True))
    assert names == ["Eva Nordmann", "Mor", "DPS akutteam"]
    client.post(reverse("crisis_contact_remove", args=[mor.pk]), {"version": fresh(crisis_plan).version})
    assert fresh(mor).archived_at is not None
    page = html(client.get(detail(crisis_plan)))
    assert "Flytt opp" in page and "Legg til en kontakt" in page


def test_partners_read_and_confirm_but_change_nothing(client, world, crisis_plan):
    login(client, world.partner_valid)
    page = html(client.get(detail(crisis_plan)))
    assert "Jeg har lest planen og er enig" in page and "Legg til en kontakt" not in page
    assert client.get(reverse("crisis_plan_edit", args=[crisis_plan.pk])).status_code == 403
    response = client.post(reverse("crisis_sign_off", args=[crisis_plan.pk]), {"version": crisis_plan.version})
    assert response.status_code == 302
    signed = CrisisSignOff.objects.get()
    assert (signed.person, signed.how) == (world.partner_valid, CrisisSignOff.How.APP)
    assert "Du har bekreftet denne versjonen." in html(client.get(detail(crisis_plan)))


def test_the_owner_confirms_in_the_portal_and_staff_see_who_confirmed_which_version(client, world, crisis_plan):
    login(client, world.owner)
    client.post(reverse("crisis_sign_off", args=[crisis_plan.pk]), {"version": crisis_plan.version})
    assert fresh(crisis_plan).status == CrisisPlan.Status.ACTIVE
    login(client, world.trust_person)
    services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version, triggers="Ny.")
    page = html(client.get(detail(crisis_plan)))
    assert f"Kari Nordmann (Brukeren selv), i portalen {timezone.localdate():%d.%m.%Y}, versjon {crisis_plan.version}" \
        in page
    assert "Planen er endret etter at den ble bekreftet" in page and "tidligere versjon" in page


def test_staff_record_a_paper_sign_off(client, world, crisis_plan):
    login(client, world.trust_person)
    url = reverse("crisis_paper_sign_off", args=[crisis_plan.pk])
    assert 'for="id_signed_on"' in html(client.get(url))
    assert client.post(url, {"signed_on": "", "version": crisis_plan.version}).status_code == 302
    assert CrisisSignOff.objects.get().how == CrisisSignOff.How.PAPER
    login(client, world.owner)
    assert client.get(url).status_code == 403


def test_timeline_and_restore_reuse_the_plans_pages(client, world, crisis_plan):
    first = crisis_plan.history.earliest("history_date")
    services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version, warning_signs="Endret.")
    login(client, world.trust_person)
    timeline = html(client.get(reverse("crisis_plan_timeline", args=[crisis_plan.pk])))
    assert "Historikk for kriseplanen" in timeline and "Kriseplanen er endret: varseltegn" in timeline
    restore_url = reverse("crisis_plan_restore", args=[crisis_plan.pk, first.history_id])
    assert restore_url in timeline
    assert "Kontaktene endres ikke." in html(client.get(restore_url))
    response = client.post(restore_url, {"confirm": "on", "version": fresh(crisis_plan).version})
    assert response["Location"] == detail(crisis_plan)
    assert fresh(crisis_plan).warning_signs == first.warning_signs
    login(client, world.owner)
    assert client.get(restore_url).status_code == 403


def test_archiving_keeps_the_plan_readable_and_lets_a_new_one_be_made(client, world, crisis_plan):
    login(client, world.trust_person)
    url = reverse("crisis_plan_archive", args=[crisis_plan.pk])
    assert client.post(url, {"version": crisis_plan.version}).status_code == 200  # not confirmed
    client.post(url, {"confirm": "on", "version": crisis_plan.version})
    assert fresh(crisis_plan).archived_at is not None
    assert "arkivert" in html(client.get(detail(crisis_plan)))
    create = html(client.get(reverse("crisis_plan_for_user", args=[world.owner_su.pk])))
    assert "Lag en kriseplan" in create and "Tidligere kriseplaner" in create


@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid"])
def test_the_page_takes_the_same_number_of_queries_for_1_or_30_contacts_and_sign_offs(client, world, crisis_plan,
                                                                                        persona):
    login(client, world.persona(persona))

    def count(n: int) -> int:
        grow_crisis_plan(world, crisis_plan, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(detail(crisis_plan))
        assert response.status_code == 200
        assert f"Kontakt {n - 1}" in html(response)
        return len(ctx)

    assert count(1) == count(30)
