"""The service user's own pages: Min side, the access log, giving consent, and contact details."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import access, continuity, outbox, services
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    Handover,
    Notification,
    Organisation,
    ServiceUser,
)
from koordinator.phone import display_phone
from koordinator.timeutil import at
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


def section_of(response, heading_id: str) -> str:
    """One section of Min side, found by the id of its heading."""
    page = main_of(response)
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space collapsed."""
    return re.sub(r" ([.,:])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))


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
    assert "Oppfølgingen din" in page
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
    # Once: the note the change wrote («… Du kan ta kontakt med <trust person> når du vil …») only says again what
    # the card says, and on a day the trust person is away it would name someone who is not there.
    assert page.count("satt på pause") == 1 and "Beskjed til deg" not in page


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


# --- Min side: contact now, appointments, messages, handover note (issue 3) ---------------------------------


@pytest.fixture
def names(world):
    """Readable names and numbers, so the tests can check whole sentences."""
    for person, first, last, phone in (
        (world.trust_person, "Tora", "Tillit", "+4790000010"),
        (world.deputy, "Dag", "Hansen", "+4790000020"),
        (world.other_trust_person, "Per", "Ny", "+4790000030"),
    ):
        person.first_name, person.last_name, person.phone = first, last, phone
        person.save()
    world.unit.duty_phone = "+4773000000"
    world.unit.save()
    return world


def away(person, days: int = 2, kind: str = "sykmelding") -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(
        person=person,
        kind=kind,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=days),
        registered_by=person,
    )


def appointment(world, when, **extra) -> Appointment:
    data = {
        "follow_up": world.case,
        "service_user": world.owner_su,
        "trust_person": world.trust_person,
        "starts_at": when,
        "place": Appointment.Place.HOME,
        "about": "Hjemmebesøk",
        "created_by": world.trust_person,
    }
    data.update(extra)
    return Appointment.objects.create(**data)


def test_contact_now_comes_first_and_is_my_trust_person_with_a_phone_link(client, names):
    login(client, names.owner)
    response = client.get(MY_PAGE)
    page = main_of(response)
    assert page.index("Kontakten din nå") < page.index("Neste avtale") < page.index("Min plan")
    assert page.index("Min plan") < page.index("Kriseplanen min") < page.index("Beskjeder til deg")
    assert page.index("Beskjeder til deg") < page.index("Oppfølgingen din") < page.index("Mine samtykker")
    now = section_of(response, "kontakt-na-tittel")
    assert "Kontaktpersonen din er Tora Tillit." in text_of(now)
    assert 'href="tel:+4790000010"' in now and display_phone("+4790000010") in now
    assert "borte" not in now


def test_when_my_trust_person_is_away_the_deputy_is_my_contact_until_the_date(client, names):
    absence = away(names.trust_person, days=2)
    login(client, names.owner)
    now = section_of(client.get(MY_PAGE), "kontakt-na-tittel")
    until = absence.ends_on.strftime("%d.%m.%Y")
    assert (
        f"Tora er borte til og med {until}. Kontakt Dag Hansen på {display_phone('+4790000020')}."
        in text_of(now)
    )
    assert 'href="tel:+4790000020"' in now
    assert 'href="tel:+4790000010"' not in now  # not the one who is away


def test_a_deputy_without_a_phone_of_their_own_is_reached_through_the_service(client, names):
    names.deputy.phone = ""
    names.deputy.save()
    away(names.trust_person)
    login(client, names.owner)
    now = section_of(client.get(MY_PAGE), "kontakt-na-tittel")
    assert f"Kontakt Dag Hansen gjennom tjenesten på {display_phone('+4773000000')}." in text_of(now)
    assert 'href="tel:+4773000000"' in now


def test_a_standing_deputy_covers_when_the_case_has_none_of_its_own(client, names):
    FollowUp.objects.filter(pk=names.case.pk).update(deputy=None)
    DeputyArrangement.objects.create(
        trust_person=names.trust_person, deputy=names.other_trust_person, unit=names.unit, set_by=names.leader
    )
    away(names.trust_person)
    login(client, names.owner)
    response = client.get(MY_PAGE)
    assert "Kontakt Per Ny på" in text_of(section_of(response, "kontakt-na-tittel"))
    # «Oppfølgingen din» names the standing deputy as the one to call when the trust person is away.
    assert "Per Ny" in section_of(response, "oppfolging-tittel")


def test_when_trust_person_and_deputy_are_both_away_it_is_the_duty_phone(client, names):
    absence = away(names.trust_person, days=3)
    away(names.deputy, days=1)
    login(client, names.owner)
    now = text_of(section_of(client.get(MY_PAGE), "kontakt-na-tittel"))
    assert "Både kontaktpersonen din og stedfortrederen er borte nå." in now
    assert f"Kontaktpersonen din er borte til og med {absence.ends_on.strftime('%d.%m.%Y')}." in now
    assert f"Ring Vakttelefonen, {names.unit.name}: {display_phone('+4773000000')}." in now
    assert "Dag Hansen" not in now


def test_without_an_open_case_there_is_no_contact_now(client, world):
    services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    login(client, world.owner)
    now = section_of(client.get(MY_PAGE), "kontakt-na-tittel")
    assert "Du har ingen kontaktperson hos oss nå." in now
    assert "116 117" in now


def test_my_appointments_show_time_place_and_who_comes(client, names):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = timezone.localdate() + datetime.timedelta(days=5)
    appointment(names, at(tomorrow, 10), about="Gå gjennom planen")
    appointment(names, at(later, 13, 30), place=Appointment.Place.CAFE, place_detail="Dromedar")
    login(client, names.owner)
    shown = text_of(section_of(client.get(MY_PAGE), "avtaler-tittel"))
    assert (
        "I morgen kl. 10.00 Hvor Hjemme hos deg Hvem kommer Tora Tillit Hva det gjelder Gå gjennom planen"
        in shown
    )
    weekday = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"][later.weekday()]
    assert f"{weekday} {later.strftime('%d.%m.%Y')} kl. 13.30 Hvor På kafé: Dromedar" in shown
    assert shown.index("I morgen") < shown.index(weekday)


def test_an_appointment_a_deputy_took_over_says_who_comes_instead(client, names):
    visit = appointment(names, at(timezone.localdate() + datetime.timedelta(days=1), 10))
    Appointment.objects.filter(pk=visit.pk).update(
        trust_person=names.deputy, original_trust_person=names.trust_person, status=Appointment.Status.COVERED
    )
    login(client, names.owner)
    shown = text_of(section_of(client.get(MY_PAGE), "avtaler-tittel"))
    assert "Dag Hansen kommer i stedet for Tora Tillit" in shown


def test_cancelled_moved_done_and_past_appointments_are_not_listed(client, names):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for status in (Appointment.Status.CANCELLED, Appointment.Status.MOVED, Appointment.Status.DONE):
        appointment(names, at(tomorrow, 9), status=status, about=f"status {status}")
    appointment(names, at(timezone.localdate() - datetime.timedelta(days=1), 9), about="i går")
    login(client, names.owner)
    shown = section_of(client.get(MY_PAGE), "avtaler-tittel")
    assert "Du har ingen avtaler de neste sju dagene." in shown
    assert "status" not in shown and "i går" not in shown


def test_todays_appointment_stays_on_the_list_all_day(client, names):
    with time_machine.travel(at(timezone.localdate(), 15), tick=False):
        appointment(names, at(timezone.localdate(), 10), about="Formiddagsbesøk")
        login(client, names.owner)
        shown = text_of(section_of(client.get(MY_PAGE), "avtaler-tittel"))
    assert "I dag kl. 10.00" in shown and "Formiddagsbesøk" in shown


def test_i_never_see_another_users_appointments_or_messages(client, names):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Appointment.objects.create(
        follow_up=names.other_case,
        service_user=names.other_su,
        trust_person=names.other_trust_person,
        starts_at=at(tomorrow, 11),
        place=Appointment.Place.OFFICE,
        about="Olas avtale",
        created_by=names.other_trust_person,
    )
    outbox.notify(names.other_su, "Beskjed til Ola", "Hei Ola")
    outbox.notify(names.trust_person, "Beskjed til Tora", "Hei Tora")
    login(client, names.owner)
    response = client.get(MY_PAGE)
    page = main_of(response)
    assert "Olas avtale" not in page and "Per Ny" not in page
    assert "Beskjed til Ola" not in page and "Beskjed til Tora" not in page
    assert "Du har ingen beskjeder." in section_of(response, "beskjeder-tittel")
    assert "uleste varsler" not in html_of(response) and "ulest varsel" not in html_of(response)


def test_the_latest_three_messages_are_shown_newest_first_with_unread_marked(client, world):
    start = timezone.now() - datetime.timedelta(hours=10)
    sent = [
        outbox.notify(
            world.owner_su, f"Beskjed {i}", f"Tekst {i}", due_at=start + datetime.timedelta(hours=i)
        )
        for i in range(7)
    ]
    outbox.mark_read(world.owner, [sent[6].pk])
    login(client, world.owner)
    shown = section_of(client.get(MY_PAGE), "beskjeder-tittel")
    subjects = re.findall(r"Beskjed \d", shown)
    assert subjects == ["Beskjed 6", "Beskjed 5", "Beskjed 4"]
    assert shown.count(">Ny</span>") == 2  # the one I have read is not marked
    assert shown.count("notification--unread") == 2
    # The older ones are on «Varsler», one tap away.
    assert f'href="{reverse("notifications")}"' in shown and "Vis eldre beskjeder" in shown


MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def monday_morning():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False):
        yield MONDAY


def test_sick_leave_registered_in_the_morning_shows_on_my_page_at_once(client, monday_morning, names):
    visit = appointment(names, at(MONDAY, 10))
    continuity.register_absence(
        names.leader,
        names.trust_person,
        kind=Absence.Kind.SICK_LEAVE,
        starts_on=MONDAY,
        ends_on=MONDAY,
        decisions={visit.pk: continuity.DEPUTY},
    )
    login(client, names.owner)
    response = client.get(MY_PAGE)
    now = text_of(section_of(response, "kontakt-na-tittel"))
    assert "Tora er borte til og med 23.11.2026. Kontakt Dag Hansen på" in now
    assert "I dag kl. 10.00" in text_of(section_of(response, "avtaler-tittel"))
    assert "Dag Hansen kommer i stedet for Tora Tillit" in text_of(section_of(response, "avtaler-tittel"))
    told = Notification.objects.filter(recipient_service_user=names.owner_su).count()
    assert told >= 1
    shown = section_of(response, "beskjeder-tittel")
    assert shown.count(">Ny</span>") == told
    assert "Dag Hansen" in shown
    assert f"{told} uleste varsler" in html_of(response) or f"{told} ulest varsel" in html_of(response)


def test_the_handover_note_from_a_change_of_trust_person_is_shown_with_who_wrote_it_and_when(client, names):
    continuity.change_trust_person(
        names.leader,
        names.case,
        names.other_trust_person,
        "Kari liker å møtes på kafé.\nHun vil ha SMS dagen før.",
    )
    handover = Handover.objects.get()
    login(client, names.owner)
    case_section = section_of(client.get(MY_PAGE), "oppfolging-tittel")
    shown = text_of(case_section)
    assert "Notat fra da du fikk ny kontaktperson" in shown
    when = timezone.localtime(handover.created_at).strftime("%d.%m.%Y")
    assert f"Skrevet av {names.leader.display_name} {when}, da Per Ny tok over etter Tora Tillit." in shown
    assert "Kari liker å møtes på kafé.<br>Hun vil ha SMS dagen før." in case_section


def test_without_a_handover_there_is_no_handover_note(client, world):
    login(client, world.owner)
    assert "Notat fra da du fikk ny kontaktperson" not in main_of(client.get(MY_PAGE))


def test_my_page_query_count_does_not_grow_with_appointments_messages_or_handovers(client, names):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    def add(count: int) -> None:
        for i in range(count):
            visit = appointment(names, at(tomorrow, 8) + datetime.timedelta(minutes=30 * i))
            Appointment.objects.filter(pk=visit.pk).update(
                trust_person=names.deputy,
                original_trust_person=names.trust_person,
                status=Appointment.Status.COVERED,
            )
            outbox.notify(names.owner_su, f"Beskjed {i}", "Tekst")
            Handover.objects.create(
                follow_up=names.case,
                from_person=names.trust_person,
                to_person=names.trust_person,
                note=f"Notat {i}",
                created_by=names.leader,
            )

    away(names.trust_person)  # the deputy is the contact now: the costlier path
    add(1)
    login(client, names.owner)
    with CaptureQueriesContext(connection) as few:
        assert client.get(MY_PAGE).status_code == 200
    add(9)
    with CaptureQueriesContext(connection) as many:
        response = client.get(MY_PAGE)
    assert len(section_of(response, "avtaler-tittel").split("card-list__item")) == 11
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
    assert "Som utskrift" in page and "Nettsiden" in page  # the owner reads plain words, not «PDF» or «API»
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
