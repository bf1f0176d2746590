"""«Ring meg» on the pages (issue 16): the button on Min side (and its page), the requests on top of *Min arbeidsliste*
with the three marks, the leader's page; bad input a clear message and nothing changed, never a 500; and the query
counts of Min side, the worklist and the leader's page, flat in the number of requests.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koordinator.models import (
    Absence,
    AccessEvent,
    FollowUp,
    FollowUpEntry,
    Membership,
    Notification,
    ServiceUser,
)
from koordinator.timeutil import at
from reach import callbacks
from reach.models import CallbackRequest
from tests import factories as f
from tests import query_counts as qc
from tests.conftest import login

pytestmark = pytest.mark.django_db
clock = qc.clock  # autouse: Monday 23 November 2026, 07.30

MY_PAGE = reverse("my_page")
MINE = reverse("my_callback")
WORKLIST = reverse("worklist")
LEADER = reverse("leader_callbacks")


def mark_url(callback) -> str:
    return reverse("callback_mark", args=[callback.pk])


def ask(world, **kwargs) -> CallbackRequest:
    return callbacks.request_callback(world.owner_su, by=world.owner, **kwargs)[0]


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- Min side -------------------------------------------------------------------------------------------------------


def test_min_side_has_one_button_and_the_when_in_a_details(client, world):
    page = text(login(client, world.owner).get(MY_PAGE))
    section = page[page.index('id="ring-meg-tittel"'):]
    section = section[:section.index("</section>")]
    assert f'action="{MINE}"' in section and ">Ring meg</button>" in section
    assert "<details> <summary>Velg tidspunkt og skriv noen ord (om du vil)</summary>" in section
    assert "Når passer det?" not in section  # not the same question twice (the field asks «Når vil du at vi ringer?»)
    assert 'value="soon" id="id_when_0" checked' in section  # «Så snart som mulig» unless another is chosen
    assert "I morgen formiddag" in section and 'name="note"' in section
    # Among the first things on the page: after the contact, the next appointment, the plan's steps and the crisis
    # plan (those stay within two screens of a phone), before the messages.
    assert page.index('id="neste-avtale-tittel"') < page.index('id="ring-meg-tittel"') < page.index(
        'id="beskjeder-tittel"')


def test_pressing_it_asks_and_min_side_says_who_calls(client, world):
    login(client, world.owner)
    response = client.post(MINE, {"when": "today", "note": "Om brevet"})
    assert response.status_code == 302 and response["Location"] == MY_PAGE + "#ring-meg-tittel"
    callback = CallbackRequest.objects.get()
    assert callback.when == "today" and callback.note == "Om brevet" and callback.via == "my_page"
    page = text(client.get(MY_PAGE))
    promise = f"{world.trust_person.display_name} ringer deg i dag."
    assert f"Takk! {promise}" in page  # the message at the top
    assert f"Du har bedt om å bli ringt.</strong> {promise}" in page
    assert ">Ring meg</button>" not in page
    # What she asked for, while it is open: when, and her own words.
    assert "Du ba om å bli ringt i dag kl. 07.30." in page
    assert "<dt>Når det passer</dt><dd>I dag</dd> <dt>Dine ord</dt><dd>«Om brevet»</dd>" in page


def test_five_presses_are_one_request_and_one_message(client, world):
    login(client, world.owner)
    for _ in range(5):
        assert client.post(MINE, {"when": "soon"}).status_code == 302
    assert CallbackRequest.objects.count() == 1
    assert Notification.objects.filter(recipient_service_user=world.owner_su,
                                       about_type__model="callbackrequest").count() == 1
    assert "Du har allerede bedt om å bli ringt." in text(client.get(MY_PAGE))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "x" * 301}, "Skriv høyst 300 tegn. Resten kan dere snakke om på telefonen."),
        ({"when": "i_natt"}, "Velg når det passer: så snart som mulig, i dag, i morgen formiddag eller i morgen "
                             "ettermiddag."),
    ],
)
def test_bad_input_is_a_clear_message_next_to_the_field(client, world, data, message):
    response = login(client, world.owner).post(MINE, data)
    assert response.status_code == 200
    page = text(response)
    assert message in page and "<title>Feil: Ring meg" in page
    assert not CallbackRequest.objects.exists() and not Notification.objects.exists()


def test_without_a_phone_number_the_page_says_where_to_add_it(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(phone="")
    response = login(client, world.owner).post(MINE, {})
    assert response.status_code == 200 and "Vi har ikke telefonnummeret ditt." in text(response)


def test_the_page_without_an_open_case(client, world):
    FollowUp.objects.filter(service_user=world.owner_su).update(status=FollowUp.Status.ENDED)
    login(client, world.owner)
    assert "ring-meg-tittel" not in text(client.get(MY_PAGE))
    page = text(client.get(MINE))
    assert "ingen åpen oppfølging" in page and ">Ring meg</button>" not in page
    response = client.post(MINE, {})
    assert response.status_code == 200 and "ingen åpen oppfølging" in text(response)
    assert not CallbackRequest.objects.exists()


@pytest.mark.parametrize("who", ["trust_person", "leader", "partner_valid", "admin"])
def test_the_page_is_a_service_users_only(client, world, who):
    login(client, getattr(world, who))
    assert client.get(MINE).status_code == 404
    assert client.post(MINE, {}).status_code == 404
    assert not CallbackRequest.objects.exists()


def test_after_the_call_min_side_says_who_called_and_offers_the_button_again(client, world):
    callback = ask(world)
    with time_machine.travel(at(qc.MONDAY, 9, 10), tick=False):
        callbacks.mark_callback(world.deputy, callback, "called")
        page = text(login(client, world.owner).get(MY_PAGE))
    assert f"{world.deputy.display_name} ringte deg i dag kl. 09.10." in page
    assert ">Ring meg</button>" in page


def test_once_called_the_notices_about_the_request_no_longer_look_new(client, world):
    callback = ask(world)
    with time_machine.travel(at(qc.MONDAY, 9), tick=False):
        callbacks.mark_callback(world.trust_person, callback, "no_answer")
    with time_machine.travel(at(qc.MONDAY, 9, 30), tick=False):
        login(client, world.owner)
        page = text(client.get(MY_PAGE))
        assert "men fikk ikke svar. Vi prøver igjen." in page and '<span class="ds-tag" data-color="info">Ny</span>' in page
        callbacks.mark_callback(world.trust_person, callback, "called")
        page = text(client.get(MY_PAGE))
    assert "men fikk ikke svar. Vi prøver igjen." in page  # still in the list, but read
    assert '<span class="ds-tag" data-color="info">Ny</span>' not in page
    assert f"{world.trust_person.display_name} ringte deg i dag kl. 09.30." in page
    assert "Du ba om å bli ringt" not in page
    about = Notification.objects.filter(about_type__model="callbackrequest", about_id=callback.pk)
    assert about.count() >= 3 and not about.filter(read_at__isnull=True).exists()  # the staff's too
    assert about.first().history.first().history_change_reason == "«Ring meg» er ferdig"


# --- the worklist ----------------------------------------------------------------------------------------------------


def test_the_request_is_on_top_of_the_worklist_with_the_three_marks(client, world):
    callback = ask(world, when="today", note="Om brevet fra NAV")
    page = text(login(client, world.trust_person).get(WORKLIST))
    assert page.index('id="seksjon-ring-meg"') < page.index('id="i-dag"')  # above the appointments
    section = page[page.index('id="seksjon-ring-meg"'):page.index('id="i-dag"')]
    assert "Ring meg (1)" in section and "Kari Nordmann" in section
    assert 'href="tel:+4791234567"' in section and "«Om brevet fra NAV»" in section and "I dag" in section
    assert f'action="{mark_url(callback)}"' in section
    for value, label in (("called", "Ringt"), ("no_answer", "Fikk ikke svar – prøver igjen"), ("sms_sent", "Sendt SMS")):
        assert f'name="outcome" value="{value}">{label}<span class="ds-sr-only"> (Kari Nordmann)</span>' in section
    # Kari's name on it goes in her access log.
    assert AccessEvent.objects.filter(service_user=world.owner_su, actor=world.trust_person,
                                      what="«Ring meg» i arbeidslisten").count() == 1


def test_nothing_to_call_shows_no_section(client, world):
    assert 'id="seksjon-ring-meg"' not in text(login(client, world.trust_person).get(WORKLIST))


def test_the_deputy_sees_the_requests_of_the_cases_they_cover(client, world):
    Absence.objects.create(person=world.trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=qc.MONDAY,
                           ends_on=qc.MONDAY + datetime.timedelta(days=2), registered_by=world.leader)
    ask(world)
    assert "Kari Nordmann" in text(login(client, world.deputy).get(WORKLIST)).split('id="i-dag"')[0]
    assert 'id="seksjon-ring-meg"' not in text(login(client, world.trust_person).get(WORKLIST))


def test_a_leader_who_is_a_trust_person_too_sees_the_duty_phones_requests(client, world):
    for person in (world.trust_person, world.deputy):
        Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=qc.MONDAY,
                               ends_on=qc.MONDAY + datetime.timedelta(days=2), registered_by=world.leader)
    ask(world)
    f.MembershipFactory(user=world.leader, organisation=world.unit, role=Membership.Role.TRUST_PERSON)
    section = text(login(client, world.leader).get(WORKLIST)).split('id="i-dag"')[0]
    assert "Kari Nordmann" in section


def test_marking_ringt_from_the_worklist(client, world):
    callback = ask(world)
    login(client, world.trust_person)
    response = client.post(mark_url(callback), {"outcome": "called", "next": WORKLIST})
    assert response.status_code == 302 and response["Location"] == WORKLIST
    callback.refresh_from_db()
    assert callback.state == "done" and callback.log_entry.kind == FollowUpEntry.Kind.PHONE
    page = text(client.get(WORKLIST))
    assert "Merket: Ringt. Det står i loggen til Kari Nordmann." in page
    assert 'id="seksjon-ring-meg"' not in page


def test_no_answer_keeps_it_on_top(client, world):
    callback = ask(world)
    login(client, world.trust_person)
    client.post(mark_url(callback), {"outcome": "no_answer"})
    page = text(client.get(WORKLIST))
    assert "Merket: fikk ikke svar." in page
    assert 'id="seksjon-ring-meg"' in page and "Prøvd" in page and "1 gang, sist" in page


def test_the_card_says_when_it_goes_on_and_no_answer_moves_that(client, world):
    ask(world)  # Monday 07.30: the call can come from 08.00, it goes on at 12.00
    login(client, world.trust_person)
    page = text(client.get(WORKLIST))
    assert ("Går videre</dt><dd>23.11.2026 kl. 12.00 til stedfortrederen, om den ikke er merket «Ringt» eller «Sendt "
            "SMS» før det</dd>") in page
    assert "fristen før den går videre begynner på nytt" in page
    with time_machine.travel(at(qc.MONDAY, 10), tick=False):
        login(client, world.trust_person)  # a new session: the first is older than the idle limit
        client.post(mark_url(CallbackRequest.objects.get()), {"outcome": "no_answer"})
        page = text(client.get(WORKLIST))
    assert "Går videre</dt><dd>23.11.2026 kl. 14.00 til stedfortrederen," in page


def test_the_deputys_card_says_whom_they_cover_for(client, world):
    Absence.objects.create(person=world.trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=qc.MONDAY,
                           ends_on=qc.MONDAY + datetime.timedelta(days=2), registered_by=world.leader)
    ask(world)
    section = text(login(client, world.deputy).get(WORKLIST)).split('id="i-dag"')[0]
    assert f"Du dekker for {world.trust_person.display_name}" in section
    assert "kl. 12.00 til lederen, om den" in section  # the deputy's request goes to the leader next
    # The trust person's own card says nothing of the kind.
    Absence.objects.all().delete()
    CallbackRequest.objects.update(assigned_to=world.trust_person, assigned_role="primary")
    section = text(login(client, world.trust_person).get(WORKLIST)).split('id="i-dag"')[0]
    assert "Kari Nordmann" in section and "Du dekker for" not in section


def test_marking_a_done_request_is_a_clear_message_and_changes_nothing(client, world):
    callback = ask(world)
    callbacks.mark_callback(world.trust_person, callback, "called")
    entries = FollowUpEntry.objects.count()
    login(client, world.deputy)
    response = client.post(mark_url(callback), {"outcome": "sms_sent"})
    assert response.status_code == 302
    assert "Denne er allerede merket ferdig («Ringt»). Ingenting ble endret." in text(client.get(response["Location"]))
    assert FollowUpEntry.objects.count() == entries


def test_a_bad_outcome_is_a_clear_message(client, world):
    callback = ask(world)
    login(client, world.trust_person)
    response = client.post(mark_url(callback), {"outcome": "kanskje"}, follow=True)
    assert "Velg hva som skjedde" in text(response)
    assert not FollowUpEntry.objects.exists()


@pytest.mark.parametrize("who,status", [("other_trust_person", 404), ("other_leader", 404), ("partner_valid", 404),
                                        ("admin", 404), ("owner", 403), ("other_owner", 404)])
def test_someone_elses_request_cannot_be_marked(client, world, who, status):
    callback = ask(world)
    assert login(client, getattr(world, who)).post(mark_url(callback), {"outcome": "called"}).status_code == status
    assert not FollowUpEntry.objects.exists()
    callback.refresh_from_db()
    assert callback.state == "open" and callback.attempts == 0


def test_a_mark_goes_back_only_to_this_site(client, world):
    callback = ask(world)
    response = login(client, world.trust_person).post(mark_url(callback), {"outcome": "called",
                                                                             "next": "https://evil.example/"})
    assert response["Location"] == WORKLIST


def test_marking_needs_a_post(client, world):
    callback = ask(world)
    assert login(client, world.trust_person).get(mark_url(callback)).status_code == 405


# --- the leader's page ------------------------------------------------------------------------------------------------


def test_the_leader_sees_who_waits_and_the_figures(client, world):
    callback = ask(world)
    page = text(login(client, world.leader).get(LEADER))
    assert "<h1 class=\"ds-heading\" data-size=\"lg\">Ring meg</h1>" in page
    waiting = page[page.index('id="venter"'):page.index('id="tall"')]
    assert "Venter på å bli ringt (1)" in waiting and "Kari Nordmann" in waiting
    assert world.trust_person.display_name in waiting  # who should call
    assert f'action="{mark_url(callback)}"' in waiting
    assert "Tall for juni 2026–november 2026" in page and "November 2026" in page
    assert world.trust_person.display_name in page[page.index('id="per-tillitsperson"'):]
    assert AccessEvent.objects.filter(service_user=world.owner_su, actor=world.leader).exists()


def test_the_leader_overview_links_to_it(client, world):
    assert f'href="{LEADER}"' in text(login(client, world.leader).get(reverse("leader_overview")))


def test_another_municipalitys_leader_sees_none_of_it(client, world):
    ask(world)
    page = text(login(client, world.other_leader).get(LEADER))
    assert "Kari Nordmann" not in page and "Venter på å bli ringt (0)" in page
    assert world.trust_person.display_name not in page


@pytest.mark.parametrize("who", ["trust_person", "deputy", "owner", "partner_valid", "admin"])
def test_the_leaders_page_is_a_leaders_only(client, world, who):
    assert login(client, getattr(world, who)).get(LEADER).status_code == 404


@pytest.mark.parametrize("value", ["2026-13", "i fjor", "2099-01", "1999-12", "x" * 100])
def test_a_month_that_cannot_be_used_shows_the_months_until_now(client, world, value):
    response = login(client, world.leader).get(LEADER, {"til": value})
    assert response.status_code == 200
    assert "Tall for juni 2026–november 2026" in text(response)


def test_an_earlier_half_year_can_be_chosen(client, world):
    page = text(login(client, world.leader).get(LEADER, {"til": "2026-05"}))
    assert "Tall for desember 2025–mai 2026" in page and "?til=2026-11" in page


# --- query counts -------------------------------------------------------------------------------------------------


def many_requests(world, n: int, *, start: int = 0, assigned_to=None, role="primary") -> None:
    """``n`` open requests on cases of ``world.trust_person`` (bulk, no history: set-up only)."""
    people = ServiceUser.objects.bulk_create([
        ServiceUser(first_name=f"Bruker{i}", last_name=f"Ringer{i}", municipality=world.municipality,
                    phone="+4791234567") for i in range(start, start + n)])
    cases = FollowUp.objects.bulk_create([
        FollowUp(service_user=su, unit=world.unit, municipality=world.municipality, trust_person=world.trust_person,
                 deputy=world.deputy, status=FollowUp.Status.ACTIVE, referral_source=FollowUp.ReferralSource.SELF)
        for su in people])
    now = timezone.now()
    CallbackRequest.objects.bulk_create([
        CallbackRequest(case=case, service_user=case.service_user, unit=world.unit, requested_at=now,
                        assigned_to=assigned_to if role != "duty" else None, assigned_role=role,
                        due_by=now + datetime.timedelta(hours=4), note="Ring meg")
        for case in cases])


def done_requests(world, n: int) -> None:
    """``n`` done requests of Kari's, over the last months (for the figures)."""
    now = timezone.now()
    CallbackRequest.objects.bulk_create([
        CallbackRequest(case=world.case, service_user=world.owner_su, unit=world.unit,
                        requested_at=now - datetime.timedelta(days=5 * i + 1), assigned_to=world.trust_person,
                        assigned_role="primary", due_by=now, state="done", outcome="called", attempts=1,
                        handled_at=now - datetime.timedelta(days=5 * i + 1) + datetime.timedelta(hours=2),
                        done_at=now, escalation_level=i % 2)
        for i in range(n)])


def test_min_side_is_flat_in_the_number_of_requests(client, world):
    login(client, world.owner)
    done_requests(world, 1)
    one = qc.get(client, MY_PAGE)
    done_requests(world, 20)
    ask(world)
    many = qc.get(client, MY_PAGE)
    assert "Du har bedt om å bli ringt." in many.response.content.decode()
    qc.assert_same(one, many, "Min side", ("1 request", "21 requests"))


def test_the_worklist_is_flat_in_the_number_of_requests(client, world):
    login(client, world.trust_person)
    many_requests(world, 1, assigned_to=world.trust_person)
    one = qc.get(client, WORKLIST)
    many_requests(world, 25, start=1, assigned_to=world.trust_person)
    many = qc.get(client, WORKLIST)
    assert "Ring meg (26)" in many.response.content.decode()
    qc.assert_same(one, many, "worklist", ("1 request", "26 requests"))


def test_the_leaders_page_is_flat_in_the_number_of_requests(client, world):
    login(client, world.leader)
    many_requests(world, 1, role="duty")
    done_requests(world, 1)
    one = qc.get(client, LEADER)
    many_requests(world, 25, start=1, role="duty")
    done_requests(world, 30)
    many = qc.get(client, LEADER)
    assert "Venter på å bli ringt (26)" in many.response.content.decode()
    qc.assert_same(one, many, "leader page", ("1 request", "26 + 30 requests"))
