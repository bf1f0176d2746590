"""The thread's pages (issue 16): Min side's «Meldinger med kontaktpersonen din», the case's «Meldinger», the link on the
case page and «Nye meldinger» on *Min arbeidsliste*.

What the pages show (who wrote, when, newest at the bottom, «Eldre meldinger»), what they refuse (a clear Norwegian
message, nothing changed, never a 500), that a staff read is in the user's access log every time and the owner's is
not, and that opening a page marks nothing read (reading is marked with «Merk som lest», or by answering).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koordinator import services as core_services
from koordinator.models import Absence, AccessEvent, FollowUp, Notification
from koordinator.timeutil import at
from reach import messages
from reach.models import MESSAGE_MAX_LENGTH, Message
from tests.conftest import login

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 11, 24)
MINE = "/min-side/meldinger/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def thread(world) -> str:
    return reverse("reach_case_messages", args=[world.case.pk])


def text(response) -> str:
    return response.content.decode()


def test_the_user_writes_on_min_side_and_sees_it_at_the_bottom(client, world):
    login(client, world.owner)
    messages.send_as_staff(world.trust_person, world.case, "Hvordan går det?")
    response = client.post(MINE, {"body": "Det går bra, takk."})
    assert response.status_code == 302 and response["Location"] == MINE + "#siste-melding"
    page = text(client.get(MINE))
    assert page.index("Hvordan går det?") < page.index("Det går bra, takk.")
    assert "Meldingen er sendt." in page
    assert "24.11.2026 kl. 10.00" in page
    assert "Ikke lest ennå" in page


def test_the_staff_see_the_users_words_and_who_wrote_them(client, world):
    messages.send_as_user(world.owner, world.case, "Kan du ringe meg?")
    login(client, world.trust_person)
    page = text(client.get(thread(world)))
    assert "Meldinger med Kari Nordmann" in page
    assert "<strong>Kari Nordmann</strong>" in page and "Kan du ringe meg?" in page
    assert ">Ny</span>" in page and "Merk som lest" in page


def test_the_user_sees_that_the_deputy_answered_while_the_trust_person_is_away(client, world):
    world.deputy.first_name, world.deputy.last_name = "Siri", "Stedfortreder"
    world.deputy.save()
    today = timezone.localdate()
    Absence.objects.create(person=world.trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=today,
                           ends_on=today + datetime.timedelta(days=3), registered_by=world.leader)
    messages.send_as_user(world.owner, world.case, "Hei, er du der?")
    assert Notification.objects.get(about_type__model="message").recipient_user == world.deputy
    login(client, world.deputy)
    client.post(thread(world), {"body": "Hun er syk, jeg svarer for henne."})
    login(client, world.owner)
    page = text(client.get(MINE))
    assert "<strong>Siri Stedfortreder</strong>, stedfortreder" in page
    assert "Hun er syk, jeg svarer for henne." in page


@pytest.mark.parametrize(("body", "says"), [
    ("", "Skriv en melding før du sender."),
    ("    \n  ", "Skriv en melding før du sender."),
    ("x" * (MESSAGE_MAX_LENGTH + 1), "Meldingen kan være høyst 2000 tegn. Den er nå 2001 tegn."),
    ("x" * 10_000, "Meldingen kan være høyst 2000 tegn. Den er nå 10000 tegn."),
])
def test_bad_words_get_a_clear_message_and_the_words_back(client, world, body, says):
    for user, url in ((world.owner, MINE), (world.trust_person, thread(world))):
        login(client, user)
        response = client.post(url, {"body": body})
        assert response.status_code == 400
        page = text(response)
        assert says in page and "Meldingen ble ikke sendt" in page
        assert 'aria-invalid="true"' in page
        if body.strip():
            assert body in page  # what they wrote is not lost
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_a_missing_body_is_the_same_clear_message(client, world):
    login(client, world.owner)
    response = client.post(MINE, {})
    assert response.status_code == 400 and "Skriv en melding før du sender." in text(response)


def test_an_ended_cases_thread_is_read_only(client, world):
    messages.send_as_user(world.owner, world.case, "Takk for alt")
    core_services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    login(client, world.owner)
    page = text(client.get(MINE))
    assert "Takk for alt" in page and "Oppfølgingen er avsluttet" in page and 'name="body"' not in page
    response = client.post(MINE, {"body": "Hallo?"})
    assert response.status_code == 400 and "Saken er avsluttet" in text(response)
    login(client, world.trust_person)
    assert "Saken er avsluttet. Meldingene kan leses" in text(client.get(thread(world)))
    response = client.post(thread(world), {"body": "Hallo?"})
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_every_staff_read_is_in_the_users_access_log_and_the_owners_own_is_not(client, world):
    login(client, world.trust_person)
    client.get(thread(world))
    client.get(thread(world))
    events = AccessEvent.objects.filter(service_user=world.owner_su, actor=world.trust_person, what="Meldinger")
    assert events.count() == 2 and events.first().channel == AccessEvent.Channel.WEB
    login(client, world.owner)
    client.get(MINE)
    client.get(reverse("my_page"))
    assert not AccessEvent.objects.filter(actor=world.owner).exists()


def test_opening_the_page_marks_nothing_read_the_button_does(client, world):
    message = messages.send_as_user(world.owner, world.case, "Hei")
    login(client, world.trust_person)
    client.get(thread(world))
    message.refresh_from_db()
    assert message.read_at is None
    response = client.post(thread(world) + "lest/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_by == world.trust_person
    page = text(client.get(thread(world)))
    assert "Merket som lest." in page and "Merk som lest" not in page


def test_the_writer_takes_back_an_unread_message_and_both_see_that_it_was(client, world):
    message = messages.send_as_user(world.owner, world.case, "Glem det jeg skrev")
    login(client, world.owner)
    page = text(client.get(MINE))
    assert f'action="{MINE}{message.pk}/trekk-tilbake/"' in page
    response = client.post(f"{MINE}{message.pk}/trekk-tilbake/")
    assert response.status_code == 302
    page = text(client.get(MINE))
    assert "Meldingen er trukket tilbake." in page and "Meldingen ble trukket tilbake" in page
    assert "Glem det jeg skrev" not in page
    login(client, world.trust_person)
    page = text(client.get(thread(world)))
    assert "Meldingen ble trukket tilbake" in page and "Glem det jeg skrev" not in page
    assert Message.objects.get(pk=message.pk).body == "Glem det jeg skrev"  # nothing deleted


def test_a_read_message_cannot_be_taken_back_and_the_page_says_so(client, world):
    message = messages.send_as_staff(world.trust_person, world.case, "Husk avtalen")
    messages.mark_read(world.owner, world.case)
    login(client, world.trust_person)
    page = text(client.get(thread(world)))
    assert "trekk-tilbake" not in page and "· Lest" in page
    response = client.post(f"{thread(world)}{message.pk}/trekk-tilbake/", follow=True)
    assert "Meldingen er allerede lest, og kan ikke trekkes tilbake." in text(response)
    assert Message.objects.get(pk=message.pk).withdrawn_at is None


def test_someone_elses_message_cannot_be_taken_back(client, world):
    message = messages.send_as_staff(world.trust_person, world.case, "Husk avtalen")
    login(client, world.deputy)
    response = client.post(f"{thread(world)}{message.pk}/trekk-tilbake/", follow=True)
    assert "Du kan bare trekke tilbake meldinger du har skrevet selv." in text(response)
    # A message from another case through this case's address: not found.
    other = messages.send_as_user(world.other_owner, world.other_case, "Annen sak")
    login(client, world.owner)
    assert client.post(f"{MINE}{other.pk}/trekk-tilbake/").status_code == 404
    assert not Message.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_newest_are_shown_and_older_ones_a_click_away(client, world, clock):
    for i in range(messages.THREAD_PAGE_SIZE + 5):
        messages.send_as_user(world.owner, world.case, f"Melding nummer {i:02d}")
        clock.shift(datetime.timedelta(minutes=1))
    login(client, world.trust_person)
    page = text(client.get(thread(world)))
    assert "Melding nummer 24" in page and "Melding nummer 05" in page and "Melding nummer 04" not in page
    assert page.index("Melding nummer 05") < page.index("Melding nummer 24")
    assert "Eldre meldinger" in page and "?side=2" in page
    older = text(client.get(thread(world), {"side": "2"}))
    assert "Melding nummer 00" in older and "Melding nummer 04" in older and "Melding nummer 05" not in older
    assert "Nyere meldinger" in older
    # Nonsense in the page number is the first page, not an error.
    assert client.get(thread(world), {"side": "abc"}).status_code == 200


def test_min_side_shows_the_newest_and_how_many_are_new(client, world):
    for i in range(5):
        messages.send_as_staff(world.trust_person, world.case, f"Svar {i}")
    login(client, world.owner)
    page = text(client.get(reverse("my_page")))
    assert "Meldinger med kontaktpersonen din" in page and "5 nye meldinger" in page
    assert "Svar 4" in page and "Svar 2" in page and "Svar 1" not in page
    assert 'href="/min-side/meldinger/"' in page
    # The notifications («Beskjeder til deg») are another section.
    assert "Beskjeder til deg" in page


def test_min_side_invites_a_first_message(client, world):
    login(client, world.owner)
    page = text(client.get(reverse("my_page")))
    assert "Her kan du skrive til kontaktpersonen din" in page and "Les og skriv meldinger" in page


def test_the_case_page_links_to_the_thread_for_its_staff_with_the_number_unread(client, world):
    messages.send_as_user(world.owner, world.case, "En")
    messages.send_as_user(world.owner, world.case, "To")
    login(client, world.trust_person)
    page = text(client.get(reverse("followup_detail", args=[world.case.pk])))
    assert f'href="{thread(world)}">Meldinger (2 nye)</a>' in page
    login(client, world.partner_valid)  # sees the case by consent, not the thread
    response = client.get(reverse("followup_detail", args=[world.case.pk]))
    assert response.status_code == 200 and thread(world) not in text(response)


def test_the_worklist_lists_the_cases_with_new_messages_for_the_trust_person(client, world):
    messages.send_as_user(world.owner, world.case, "En")
    messages.send_as_user(world.owner, world.case, "To")
    login(client, world.trust_person)
    page = text(client.get(reverse("worklist")))
    assert "Nye meldinger (1)" in page and "Kari Nordmann: 2 nye meldinger" in page
    login(client, world.deputy)  # the trust person is at work: the deputy is not asked
    assert "Kari Nordmann: 2 nye meldinger" not in text(client.get(reverse("worklist")))
    today = timezone.localdate()
    Absence.objects.create(person=world.trust_person, kind=Absence.Kind.HOLIDAY, starts_on=today,
                           ends_on=today + datetime.timedelta(days=7), registered_by=world.leader)
    assert "Kari Nordmann: 2 nye meldinger" in text(client.get(reverse("worklist")))
    messages.mark_read(world.deputy, world.case)
    page = text(client.get(reverse("worklist")))
    assert 'id="seksjon-meldinger"' not in page and "Nye meldinger (0)" not in page  # nothing new: no section


def test_the_owner_opening_the_case_address_is_sent_to_min_side(client, world):
    login(client, world.owner)
    response = client.get(thread(world))
    assert response.status_code == 302 and response["Location"] == reverse("reach_my_messages")


def test_a_person_with_no_case_gets_a_404_not_a_500(client, world):
    login(client, world.trust_person)
    assert client.get(MINE).status_code == 404
    assert client.post(MINE, {"body": "Hei"}).status_code == 404


def test_the_user_has_no_login_the_staff_are_told_to_call(client, world):
    from tests import factories as f

    su = f.ServiceUserFactory(municipality=world.municipality, first_name="Uten", last_name="Innlogging")
    case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
    login(client, world.trust_person)
    page = text(client.get(reverse("reach_case_messages", args=[case.pk])))
    assert "har ikke innlogging i Koordinator" in page and 'name="body"' not in page


def test_the_pages_have_one_h1_and_the_field_has_a_label(client, world):
    messages.send_as_user(world.owner, world.case, "Hei")
    for user, url in ((world.owner, MINE), (world.trust_person, thread(world))):
        login(client, user)
        page = text(client.get(url))
        assert len(re.findall(r"<h1\b", page)) == 1
        assert '<label class="ds-label" for="melding">Melding</label>' in page


def test_the_thread_shown_again_after_a_refusal_is_a_logged_read(client, world):
    login(client, world.deputy)
    assert client.post(thread(world), {"body": ""}).status_code == 400
    assert AccessEvent.objects.filter(service_user=world.owner_su, actor=world.deputy, what="Meldinger").count() == 1
