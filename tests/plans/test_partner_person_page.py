"""A partner's page for a person (issue 12, follow-up): links to exactly what the owner's consent lets them open (the
same gate questions the pages behind them ask), a plain sentence when a consented plan does not exist yet, and the
person's contact details only under the follow-up scope, with an access log that says what was shown."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from koordinator.models import AccessEvent, Membership, Organisation
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def person_url(world) -> str:
    return reverse("service_user_detail", args=[world.owner_su.pk])


def partner_with(world, username: str, **scopes):
    org = f.OrganisationFactory(name=f"Tjeneste {username}", kind=Organisation.Kind.SPECIALIST,
                                municipality=world.municipality)
    partner = f.UserFactory(username=username)
    f.MembershipFactory(user=partner, organisation=org, role=Membership.Role.PARTNER)
    given = {"scope_plan": False, "scope_crisis_plan": False, "scope_meetings": False, "scope_followup_log": False}
    f.ConsentFactory(owner=world.owner_su, grantee_user=partner, recorded_by=world.trust_person,
                     **{**given, **scopes})
    return partner


def links_on(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#]+)"', html))


def opens(client, url: str) -> bool:
    return client.get(url, follow=True).status_code == 200


def the_links_section(html: str) -> str:
    start = html.find('id="tilgang"')
    return html[start:html.index("</section>", start)] if start >= 0 else ""


def test_a_crisis_plan_only_partner_is_linked_to_the_crisis_plan_and_it_opens(client, world, crisis_plan, plan):
    """lege1 in the demo: «Kriseplan (til deg)» and no link to it on Kari's page."""
    partner = partner_with(world, "lege_krise", scope_crisis_plan=True)
    login(client, partner)
    section = the_links_section(client.get(person_url(world)).content.decode())
    crisis = reverse("crisis_plan_for_user", args=[world.owner_su.pk])
    assert links_on(section) == {crisis}
    assert opens(client, crisis)
    assert not opens(client, plan.get_absolute_url())  # not shown, and it would not open


def test_a_plan_and_crisis_plan_partner_is_linked_to_both_and_both_open(client, world, crisis_plan, plan):
    """dps1 with Ola Hansen in the demo: «Individuell plan, Kriseplan»."""
    partner = partner_with(world, "dps_begge", scope_plan=True, scope_crisis_plan=True)
    login(client, partner)
    section = the_links_section(client.get(person_url(world)).content.decode())
    shown = links_on(section)
    assert shown == {plan.get_absolute_url(), reverse("crisis_plan_for_user", args=[world.owner_su.pk])}
    assert all(opens(client, url) for url in shown)


def test_a_plan_partner_is_told_plainly_when_there_is_no_plan_yet(client, world):
    """nav1 with Morten Wold in the demo: «Individuell plan», no plan, and nothing said about it."""
    partner = partner_with(world, "nav_plan", scope_plan=True, scope_crisis_plan=True)
    section = the_links_section(login(client, partner).get(person_url(world)).content.decode())
    assert "Det finnes ingen individuell plan ennå." in section
    assert "Det finnes ingen kriseplan ennå." in section
    assert links_on(section) == set()


def test_a_partner_with_the_meetings_scope_but_no_group_is_told_so(client, world):
    partner = partner_with(world, "nav_moter", scope_meetings=True)
    section = the_links_section(login(client, partner).get(person_url(world)).content.decode())
    assert "Du er ikke med i en ansvarsgruppe for personen ennå." in section


def test_staff_get_no_consent_links_section(client, world, plan):
    html = login(client, world.trust_person).get(person_url(world)).content.decode()
    assert the_links_section(html) == ""


# --- contact details by the consent's scope (a privacy fix) ---------------------------------------------------------


def fill_in_contact_details(world) -> None:
    su = world.owner_su
    su.phone, su.address, su.postal_code, su.city = "+4791234567", "Storgata 1", "7010", "Trondheim"
    su.birth_date = datetime.date(1980, 5, 17)
    su.save()


def test_a_crisis_plan_only_partner_sees_the_name_but_no_phone_address_or_birth_date(client, world, crisis_plan):
    fill_in_contact_details(world)
    partner = partner_with(world, "lege_bare_krise", scope_crisis_plan=True)
    html = login(client, partner).get(person_url(world)).content.decode()
    assert "Kari Nordmann" in html
    for shown_only_with_the_scope in ("912 34 567", "+4791234567", "Storgata 1", "17.05.1980", "Mobilnummer",
                                      "Fødselsdato"):
        assert shown_only_with_the_scope not in html
    event = AccessEvent.objects.get(actor=partner, service_user=world.owner_su)
    assert "Personopplysninger" not in event.what
    assert event.what == "Navnet ditt, samtykket og pårørende"  # the crisis-plan scope shows the supportive kin


def test_a_plan_only_partner_is_logged_as_seeing_the_name_and_the_consent(client, world):
    partner = partner_with(world, "plan_bare", scope_plan=True)
    login(client, partner).get(person_url(world))
    assert AccessEvent.objects.get(actor=partner).what == "Navnet ditt og samtykket"


def test_a_partner_with_the_follow_up_scope_still_sees_the_contact_details(client, world):
    fill_in_contact_details(world)
    partner = partner_with(world, "nav_oppfolging", scope_followup_log=True)
    html = login(client, partner).get(person_url(world)).content.decode()
    assert "Storgata 1" in html and "17.05.1980" in html and 'href="tel:+4791234567"' in html
    assert AccessEvent.objects.get(actor=partner).what == "Personopplysninger og sak"


def test_staff_still_see_the_contact_details(client, world):
    fill_in_contact_details(world)
    html = login(client, world.trust_person).get(person_url(world)).content.decode()
    assert "Storgata 1" in html and "17.05.1980" in html


def test_the_api_gives_a_crisis_plan_only_partner_the_name_and_no_way_to_reach_the_person(client, world):
    fill_in_contact_details(world)
    partner = partner_with(world, "api_bare_krise", scope_crisis_plan=True)
    login(client, partner)
    detail = client.get(f"/api/v1/service-users/{world.owner_su.pk}/").json()
    listed = client.get("/api/v1/service-users/").json()["results"]
    for person in (detail, *listed):
        assert person["full_name"] == "Kari Nordmann"
        assert person["birth_date"] is None
        assert (person["phone"], person["address"], person["city"]) == ("", "", "")
    assert set(AccessEvent.objects.filter(actor=partner).values_list("what", flat=True)) == {
        "Navnet ditt", "Navnet ditt (liste)"}


def test_the_api_still_gives_a_follow_up_partner_and_staff_the_contact_details(client, world):
    fill_in_contact_details(world)
    partner = partner_with(world, "api_oppfolging", scope_followup_log=True)
    for reader in (partner, world.trust_person):
        login(client, reader)
        detail = client.get(f"/api/v1/service-users/{world.owner_su.pk}/").json()
        listed = [p for p in client.get("/api/v1/service-users/").json()["results"] if p["id"] == world.owner_su.pk]
        for person in (detail, *listed):
            assert (person["phone"], person["address"], person["birth_date"]) == ("+4791234567", "Storgata 1",
                                                                                  "1980-05-17")
