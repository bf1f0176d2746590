"""The service user's own pages: Min side, the access log, giving consent, and contact details."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import access, services
from koordinator.models import AccessEvent, Consent, FollowUp, Organisation, ServiceUser
from koordinator.phone import display_phone
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

MY_PAGE = reverse("my_page")
ACCESS_LOG = reverse("my_access_log")
GIVE_CONSENT = reverse("my_consent_create")
EDIT_CONTACT = reverse("my_contact_edit")
PORTAL_URLS = [MY_PAGE, ACCESS_LOG, GIVE_CONSENT, EDIT_CONTACT]


def html_of(response) -> str:
    return response.content.decode()


def main_of(response) -> str:
    html = html_of(response)
    return html[html.index("<main") : html.index("</main>")]


# --- who may open the portal -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", PORTAL_URLS)
@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "admin"])
def test_the_portal_does_not_exist_for_someone_who_is_not_a_service_user(client, world, url, persona):
    login(client, world.persona(persona))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [MY_PAGE, ACCESS_LOG])
def test_read_only_pages_refuse_post(client, world, url):
    login(client, world.owner)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", [GIVE_CONSENT, EDIT_CONTACT])
def test_forms_refuse_other_methods(client, world, url):
    login(client, world.owner)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_an_archived_service_user_still_sees_their_own_page(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(archived_at=timezone.now())
    login(client, world.owner)
    # Archiving does not hide the record from its owner in the gate, so the page still opens: the owner
    # keeps their right to see what is recorded about them.
    assert client.get(MY_PAGE).status_code == 200


# --- Min side -------------------------------------------------------------------------------------------


def test_my_page_shows_my_trust_person_and_deputy_with_phone(client, world):
    world.trust_person.phone = "+4791234567"
    world.trust_person.save()
    world.deputy.phone = "+4798765432"
    world.deputy.save()
    login(client, world.owner)
    response = client.get(MY_PAGE)
    page = main_of(response)
    assert response.status_code == 200
    assert "Min kontaktperson" in page
    assert world.trust_person.display_name in page
    assert display_phone("+4791234567") in page  # «91 23 45 67», not the stored +47 form
    assert 'href="tel:+4791234567"' in page
    assert world.deputy.display_name in page
    assert display_phone("+4798765432") in page
    assert "Du får oppfølging nå." in page


def test_my_page_says_in_plain_words_when_the_case_is_paused(client, world):
    services.change_status(world.trust_person, world.case, FollowUp.Status.DORMANT)
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert "Oppfølgingen din er satt på pause." in page
    assert "Beskjed til deg" in page


def test_my_page_shows_the_ending_notice_with_the_open_door_date(client, world):
    open_door = timezone.localdate() + datetime.timedelta(days=90)
    services.end_follow_up(
        world.trust_person,
        world.case,
        reason=FollowUp.EndingReason.HANDED_OVER,
        taken_over_by=world.nav,
        open_door_until=open_door,
    )
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert "Oppfølgingen din er avsluttet." in page
    assert "NAV Lerkendal" in page
    assert open_door.strftime("%d.%m.%Y") in page
    assert "Døren står åpen" in page


def test_my_page_prefers_the_open_case_over_an_old_ended_one(client, world):
    f.FollowUpFactory(
        service_user=world.owner_su,
        unit=world.unit,
        trust_person=world.other_trust_person,
        status=FollowUp.Status.ENDED,
        ended_on=timezone.localdate() - datetime.timedelta(days=400),
        started_on=timezone.localdate() - datetime.timedelta(days=800),
    )
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert world.trust_person.display_name in page
    assert world.other_trust_person.display_name not in page


def test_my_page_without_any_case_says_so(client, db):
    su = f.ServiceUserFactory(user=f.UserFactory(username="uten_sak"))
    login(client, su.user)
    page = main_of(client.get(MY_PAGE))
    assert "Du har ingen oppfølging registrert hos oss nå." in page


def test_my_page_lists_my_consents_with_their_state(client, world):
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert "Mine samtykker" in page
    assert "NAV Lerkendal" in page
    assert world.partner_valid.display_name in page
    assert world.partner_expired.display_name in page
    assert world.partner_withdrawn.display_name in page
    assert page.count(">Gjelder<") == 3  # valid, organisation and wrong-scope consents
    assert page.count(">Utløpt<") == 1
    assert page.count(">Trukket tilbake<") == 1
    assert world.consent_valid.valid_until.strftime("%d.%m.%Y") in page


def test_only_consents_in_force_have_a_withdraw_button_that_returns_to_my_page(client, world):
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    withdraw_links = re.findall(r'href="/samtykker/(\d+)/trekk-tilbake/\?next=%2Fmin-side%2F"', page)
    assert {int(pk) for pk in withdraw_links} == {
        world.consent_valid.pk,
        world.consent_org.pk,
        world.consent_wrong_scope.pk,
    }


def test_my_page_links_to_new_consent_access_log_and_contact_details(client, world):
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert f'href="{GIVE_CONSENT}"' in page and "Gi nytt samtykke" in page
    assert f'href="{ACCESS_LOG}"' in page
    assert f'href="{EDIT_CONTACT}"' in page


def test_another_users_data_never_appears_on_my_page(client, world):
    stranger = f.UserFactory(username="fremmed_partner", first_name="Zacharias", last_name="Fremmedsen")
    f.ConsentFactory(owner=world.other_su, grantee_user=stranger, recorded_by=world.other_trust_person)
    services.change_status(world.other_trust_person, world.other_case, FollowUp.Status.DORMANT)
    login(client, world.owner)
    page = main_of(client.get(MY_PAGE))
    assert world.other_su.full_name not in page
    assert world.other_trust_person.display_name not in page
    assert "Zacharias" not in page
    assert "satt på pause" not in page


def test_my_page_is_not_recorded_in_my_own_access_log(client, world):
    login(client, world.owner)
    client.get(MY_PAGE)
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()


def test_my_page_query_count_does_not_grow_with_consents(client, world):
    login(client, world.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(MY_PAGE)
    for partner in f.UserFactory.create_batch(10):
        f.ConsentFactory(owner=world.owner_su, grantee_user=partner, recorded_by=world.trust_person)
    with CaptureQueriesContext(connection) as many:
        client.get(MY_PAGE)
    assert len(many) == len(few)


# --- Hvem har sett opplysningene mine ---------------------------------------------------------------------


def test_the_access_log_shows_who_saw_what_when_and_how_newest_first(client, world):
    access.record_access(world.trust_person, [world.owner_su], "Saken", AccessEvent.Channel.WEB)
    AccessEvent.objects.filter(what="Saken").update(
        at=timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 5))
    )
    access.record_access(world.partner_valid, [world.owner_su], "Kriseplanen", AccessEvent.Channel.PDF)
    login(client, world.owner)
    response = client.get(ACCESS_LOG)
    page = main_of(response)
    assert response.status_code == 200
    assert "Hvem har sett opplysningene mine" in page
    assert "04.03.2026 kl. 09.05" in page
    assert world.trust_person.display_name in page
    assert "Tillitsperson, Oppfølgingstjenesten Øst" in page
    assert "PDF" in page and "Nettsiden" in page
    assert page.index("Kriseplanen") < page.index("Saken")


def test_the_access_log_never_shows_another_users_events(client, world):
    access.record_access(world.other_trust_person, [world.other_su], "Ola sin sak", AccessEvent.Channel.WEB)
    login(client, world.owner)
    page = main_of(client.get(ACCESS_LOG))
    assert "Ola sin sak" not in page
    assert "Ingen andre har sett opplysningene dine ennå." in page


def _events(world, n: int) -> None:
    AccessEvent.objects.bulk_create(
        AccessEvent(
            service_user=world.owner_su,
            actor=world.trust_person,
            actor_name="Tillitspersonen",
            actor_role="Tillitsperson",
            what=f"Oppslag nr. {i}",
            channel=AccessEvent.Channel.WEB,
        )
        for i in range(n)
    )


def test_the_access_log_shows_fifty_a_page_and_pages_on(client, world):
    _events(world, 51)
    login(client, world.owner)
    first = main_of(client.get(ACCESS_LOG))
    assert first.count("Oppslag nr.") == 50
    assert "Side 1 av 2" in first
    assert 'href="?side=2"' in first
    second = main_of(client.get(ACCESS_LOG, {"side": 2}))
    assert second.count("Oppslag nr.") == 1


@pytest.mark.parametrize("page", ["abc", "999", "-1", ""])
def test_a_bad_page_number_is_not_an_error(client, world, page):
    _events(world, 3)
    login(client, world.owner)
    response = client.get(ACCESS_LOG, {"side": page})
    assert response.status_code == 200
    assert main_of(response).count("Oppslag nr.") == 3


def test_the_access_log_query_count_does_not_grow_with_events(client, world):
    login(client, world.owner)
    _events(world, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(ACCESS_LOG)
    _events(world, 40)
    with CaptureQueriesContext(connection) as many:
        response = client.get(ACCESS_LOG)
    assert main_of(response).count("Oppslag nr.") == 41
    assert len(many) == len(one)


# --- Gi nytt samtykke ---------------------------------------------------------------------------------------


def consent_post(**overrides) -> dict:
    data = {
        "grantee_organisation": "",
        "grantee_user": "",
        "scopes": ["plan", "meetings"],
        "valid_until": (timezone.localdate() + datetime.timedelta(days=200)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_consent_form_defaults_to_one_year_and_explains_each_scope(client, world):
    login(client, world.owner)
    response = client.get(GIVE_CONSENT)
    page = main_of(response)
    one_year = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    assert response.status_code == 200
    assert f'value="{one_year}"' in page
    assert 'type="checkbox"' in page
    assert "Målene dine, delmålene" in page  # the plan scope, in plain words
    assert "NAV Lerkendal" in page and "Legesenteret" in page and "DPS Nidaros" in page


def test_the_consent_form_offers_partner_services_and_people_only(client, world):
    login(client, world.owner)
    page = main_of(client.get(GIVE_CONSENT))
    # Not the follow-up service itself, not a service in another municipality, not staff.
    assert "Oppfølgingstjenesten Øst" not in page
    assert "Oppfølgingstjenesten Bergenhus" not in page
    assert f"{world.partner_valid.display_name} (Legesenteret)" in page
    assert world.trust_person.display_name not in page
    assert world.leader.display_name not in page


def test_owner_gives_consent_to_a_service(client, world):
    login(client, world.owner)
    response = client.post(GIVE_CONSENT, consent_post(grantee_organisation=world.nav.pk, given_how="paper"))
    assert response.status_code == 302
    assert response.url == MY_PAGE
    consent = Consent.objects.filter(owner=world.owner_su).latest("pk")
    assert consent.grantee_organisation == world.nav
    assert consent.grantee_user is None
    assert consent.scopes == ["plan", "meetings"]
    assert consent.given_how == Consent.GivenHow.PORTAL  # whatever was posted
    assert consent.recorded_by == world.owner
    assert consent.valid_until == timezone.localdate() + datetime.timedelta(days=200)
    assert "Samtykket er lagret." in html_of(client.get(MY_PAGE))


def test_owner_gives_consent_to_a_person_typing_the_date_the_norwegian_way(client, world):
    login(client, world.owner)
    until = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        GIVE_CONSENT, consent_post(grantee_user=world.partner_none.pk, valid_until=until.strftime("%d.%m.%Y"))
    )
    assert response.status_code == 302
    consent = Consent.objects.get(owner=world.owner_su, grantee_user=world.partner_none)
    assert consent.valid_until == until


def test_the_new_consent_lets_the_partner_in_on_the_next_request(client, world):
    login(client, world.owner)
    client.post(GIVE_CONSENT, consent_post(grantee_user=world.partner_none.pk))
    assert ServiceUser.objects.for_user(world.partner_none).filter(pk=world.owner_su.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({}, "grantee_organisation", "Velg hvem som skal få se opplysningene."),
        ({"grantee_organisation": "NAV", "grantee_user": "PARTNER"}, "grantee_organisation", "ikke begge"),
        ({"grantee_organisation": "NAV", "scopes": []}, "scopes", "Velg minst én ting"),
        ({"grantee_organisation": "NAV", "scopes": ["alt"]}, "scopes", "Velg et gyldig valg"),
        (
            {"grantee_organisation": "NAV", "valid_until": "i morgen"},
            "valid_until",
            "Skriv datoen som dd.mm.åååå",
        ),
        ({"grantee_organisation": "NAV", "valid_until": ""}, "valid_until", "Skriv hvor lenge"),
        (
            {"grantee_organisation": "NAV", "valid_until": "2001-01-01"},
            "valid_until",
            "«Gjelder til» må være",
        ),
        ({"grantee_organisation": "NAV", "valid_until": "2999-01-01"}, "valid_until", "høyst tre år"),
        ({"grantee_organisation": "UNIT"}, "grantee_organisation", "Velg et gyldig valg"),
        ({"grantee_organisation": "BERGEN"}, "grantee_organisation", "Velg et gyldig valg"),
        ({"grantee_user": "STAFF"}, "grantee_user", "Velg et gyldig valg"),
        ({"grantee_user": "x"}, "grantee_user", "Velg et gyldig valg"),
    ],
)
def test_bad_consent_input_gives_an_error_next_to_the_field_and_saves_nothing(
    client, world, overrides, field, message
):
    symbols = {
        "NAV": world.nav.pk,
        "PARTNER": world.partner_valid.pk,
        "UNIT": world.unit.pk,
        "BERGEN": f.OrganisationFactory(
            name="NAV Bergenhus", kind=Organisation.Kind.NAV, municipality=world.other_municipality
        ).pk,
        "STAFF": world.trust_person.pk,
    }
    data = consent_post(**{k: symbols.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    before = Consent.objects.count()
    login(client, world.owner)
    response = client.post(GIVE_CONSENT, data)
    page = main_of(response)
    assert response.status_code == 200
    assert Consent.objects.count() == before
    assert message in page
    assert f'id="id_{field}-feil"' in page
    assert "ds-error-summary" in page


# --- Mine opplysninger -------------------------------------------------------------------------------------


def contact_post(**overrides) -> dict:
    data = {
        "phone": "98 76 54 32",
        "email": "kari@example.no",
        "preferred_channel": "sms",
        "language": "norsk",
        "interpreter_needed": "",
        "interpreter_language": "",
        "address": "Storgata 1",
        "postal_code": "7010",
        "city": "Trondheim",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_contact_form_shows_my_phone_the_norwegian_way(client, world):
    login(client, world.owner)
    page = main_of(client.get(EDIT_CONTACT))
    assert f'value="{display_phone("+4791234567")}"' in page
    assert 'autocomplete="tel"' in page


def test_owner_updates_contact_details(client, world):
    login(client, world.owner)
    response = client.post(
        EDIT_CONTACT, contact_post(interpreter_needed="on", interpreter_language="arabisk")
    )
    assert response.status_code == 302
    assert response.url == MY_PAGE
    world.owner_su.refresh_from_db()
    assert world.owner_su.phone == "+4798765432"
    assert world.owner_su.email == "kari@example.no"
    assert world.owner_su.address == "Storgata 1"
    assert world.owner_su.postal_code == "7010"
    assert world.owner_su.interpreter_needed is True
    assert world.owner_su.interpreter_language == "arabisk"
    assert world.owner_su.history.first().history_user == world.owner
    assert "Opplysningene dine er lagret." in html_of(client.get(MY_PAGE))


def test_owner_cannot_change_their_name_through_the_contact_form(client, world):
    login(client, world.owner)
    client.post(EDIT_CONTACT, contact_post(first_name="Hacket", last_name="Navn"))
    world.owner_su.refresh_from_db()
    assert world.owner_su.full_name == "Kari Nordmann"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "123"}, "phone", "Skriv et gyldig telefonnummer"),
        ({"phone": "", "preferred_channel": "sms"}, "preferred_channel", "SMS krever et mobilnummer."),
        ({"email": "", "preferred_channel": "email"}, "preferred_channel", "E-post krever en e-postadresse."),
        ({"address": "", "preferred_channel": "letter"}, "preferred_channel", "Brev krever en adresse."),
        ({"interpreter_needed": "on"}, "interpreter_language", "Skriv hvilket språk"),
        ({"email": "ikke-en-adresse"}, "email", "Skriv en gyldig e-postadresse"),
        ({"postal_code": "70a0"}, "postal_code", "Postnummeret har fire sifre"),
        ({"preferred_channel": "brevdue"}, "preferred_channel", "Velg et gyldig valg"),
    ],
)
def test_bad_contact_input_gives_an_error_next_to_the_field_and_changes_nothing(
    client, world, overrides, field, message
):
    login(client, world.owner)
    response = client.post(EDIT_CONTACT, contact_post(**overrides))
    page = main_of(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="id_{field}-feil"' in page
    world.owner_su.refresh_from_db()
    assert world.owner_su.phone == "+4791234567"
    assert world.owner_su.email == ""
