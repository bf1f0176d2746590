"""«Last ned alt om meg», the pages: the owner's page on Min side (ask, wait, download), the section on Min side, the
staff's page for a person who asked on paper, the link on the case page, bad input, and the query budgets."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from exchange import archive
from exchange.models import DataArchive
from koordinator.models import AccessEvent
from koordinator.timeutil import at
from tests import factories as f
from tests import query_counts as qc
from tests.conftest import login
from tests.exchange.archive_helpers import GOAL, make_history, pdf_text

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


def text(response) -> str:
    return " ".join(response.content.decode().split())


def build_all() -> None:
    archive.build_requested(timezone.now())


# --- the owner ----------------------------------------------------------------------------------------------------


def test_the_owner_asks_waits_and_downloads(client, world):
    make_history(world)
    login(client, world.owner)
    page = client.get(reverse("my_archive"))
    assert page.status_code == 200
    assert "Be om alt om meg" in text(page) and "Hvem har sett opplysningene mine" in text(page)

    asked = client.post(reverse("my_archive_request"), follow=True)
    assert "Vi lager arkivet ditt. Du får beskjed når det er klart." in text(asked)
    assert "Be om alt om meg" not in text(asked)  # no second button while it is being made
    made = DataArchive.objects.get()
    assert made.requested_by == world.owner and not made.on_paper

    build_all()
    ready = client.get(reverse("my_archive"))
    url = reverse("my_archive_download", args=[made.pk])
    assert url in ready.content.decode()
    assert "Arkivet ditt er klart (laget 23.11.2026 kl. 10.00). Du kan laste det ned til 30.11.2026." in text(ready)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="alt-om-meg-2026-11-23.zip"'
    assert GOAL in pdf_text(response.content)
    made.refresh_from_db()
    assert made.downloads == 1 and made.history.latest("history_id").history_user == world.owner


def test_a_double_press_makes_one_request_and_says_so(client, world):
    login(client, world.owner)
    client.post(reverse("my_archive_request"))
    again = client.post(reverse("my_archive_request"), follow=True)
    assert "Du har allerede bedt om arkivet. Vi lager det nå, og du får beskjed når det er klart." in text(again)
    assert DataArchive.objects.count() == 1 and DataArchive.objects.get().history.count() == 1


def test_the_message_that_it_is_ready_is_on_varsler_with_a_link_to_the_page(client, world):
    world.owner_su.preferred_channel = "in_app"
    world.owner_su.save()
    login(client, world.owner)
    client.post(reverse("my_archive_request"))
    build_all()
    inbox = client.get(reverse("notifications"))
    assert "Arkivet ditt er klart" in text(inbox)
    assert f'href="{reverse("my_archive")}">Last ned alt om meg</a>' in inbox.content.decode()


def test_an_archive_past_its_time_says_so_and_offers_a_new_one(client, world, clock):
    login(client, world.owner)
    client.post(reverse("my_archive_request"))
    build_all()
    made = DataArchive.objects.get()
    clock.shift(datetime.timedelta(days=8))
    login(client, world.owner)  # the session from a week ago has ended
    response = client.get(reverse("my_archive_download", args=[made.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_archive")
    assert "Arkivet er slettet, fordi fristen for å laste det ned gikk ut. Du kan be om et nytt." in text(response)
    assert "Be om alt om meg" in text(response)
    made.refresh_from_db()
    assert made.state == DataArchive.State.EXPIRED and made.downloads == 0


def test_someone_elses_archive_is_not_found(client, world):
    theirs, _ = archive.request_own_archive(world.other_owner, world.other_su)
    build_all()
    login(client, world.owner)
    assert client.get(reverse("my_archive_download", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("my_archive_download", args=[99999])).status_code == 404
    assert DataArchive.objects.get(pk=theirs.pk).downloads == 0


def test_a_paper_archive_about_the_owner_is_not_on_her_page(client, world):
    paper, _ = archive.request_paper_archive(world.trust_person, world.owner_su, how="phone", received_on=MONDAY)
    build_all()
    login(client, world.owner)
    page = client.get(reverse("my_archive"))
    assert "Be om alt om meg" in text(page) and "Arkivet ditt er klart" not in text(page)
    assert client.get(reverse("my_archive_download", args=[paper.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "admin"])
def test_the_owners_page_does_not_exist_for_anyone_else(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(reverse("my_archive")).status_code == 404
    assert client.post(reverse("my_archive_request")).status_code == 404
    assert not DataArchive.objects.exists()


def test_min_side_has_the_section_and_says_where_the_archive_is(client, world):
    login(client, world.owner)
    page = text(client.get(reverse("my_page")))
    assert "Last ned alt om meg" in page and reverse("my_archive") in page
    assert "Vi lager arkivet ditt" not in page
    client.post(reverse("my_archive_request"))
    assert "Vi lager arkivet ditt. Du får beskjed når det er klart." in text(client.get(reverse("my_page")))
    build_all()
    assert "Arkivet ditt er klart. Du kan laste det ned til 30.11.2026." in text(client.get(reverse("my_page")))


# --- the staff, for a person who asked on paper ---------------------------------------------------------------------


def paper_form(**changes) -> dict:
    return {"how": "writing", "received_on": "2026-11-20", "note": "Kom med et brev.", **changes}


def test_the_trust_person_makes_it_for_a_person_who_asked_on_paper(client, world):
    make_history(world)
    login(client, world.trust_person)
    url = reverse("person_archive", args=[world.owner_su.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Alt om Kari Nordmann" in text(page)
    done = client.post(url, paper_form(), follow=True)
    assert "Arkivet blir laget. Du får beskjed i appen når det er klart." in text(done)
    made = DataArchive.objects.get()
    assert made.on_paper and made.paper_how == "writing" and made.paper_received_on == datetime.date(2026, 11, 20)
    assert made.paper_note == "Kom med et brev."
    build_all()
    ready = client.get(url)
    download = reverse("person_archive_download", args=[world.owner_su.pk, made.pk])
    assert download in ready.content.decode()
    assert "Skriftlig (brev eller skjema), 20.11.2026" in text(ready)
    response = client.get(download)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert GOAL in pdf_text(response.content)
    # The owner sees it in her access log: the request and the download.
    whats = list(AccessEvent.objects.filter(service_user=world.owner_su, actor=world.trust_person)
                 .values_list("what", flat=True))
    assert str(archive.PAPER_REQUEST_READ) in whats and str(archive.DOWNLOAD_READ) in whats
    login(client, world.owner)
    assert "bestilt for deg, fordi du ba om det på papir" in text(client.get(reverse("my_access_log")))


def test_a_paper_request_is_one_event_in_the_access_log_and_each_download_one_more(client, world):
    """Not one per view of the form, per form error, per redirect after it or per second press: a trial found one
    paper request five times in bruker4's log."""
    login(client, world.trust_person)
    url = reverse("person_archive", args=[world.owner_su.pk])
    client.get(url)
    client.post(url, paper_form(received_on=""))  # a form error
    client.post(url, paper_form(), follow=True)  # the request, and the page again after the redirect
    client.post(url, paper_form(), follow=True)  # a second press: the same request
    client.get(url)

    def whats():
        return list(AccessEvent.objects.filter(service_user=world.owner_su).order_by("pk").values_list("what", flat=True))

    assert whats() == [str(archive.PAPER_REQUEST_READ)]
    build_all()
    made = DataArchive.objects.get()
    download = reverse("person_archive_download", args=[world.owner_su.pk, made.pk])
    assert client.get(url).status_code == 200 and client.get(download).status_code == 200
    client.get(download)
    assert whats() == [str(archive.PAPER_REQUEST_READ), str(archive.DOWNLOAD_READ), str(archive.DOWNLOAD_READ)]


@pytest.mark.parametrize("form,field,message", [
    (paper_form(received_on=""), "received_on", "Skriv når personen ba om det, for eksempel 23.11.2026."),
    (paper_form(received_on="2026-11-24"), "received_on", "Datoen kan ikke være fram i tid."),
    (paper_form(received_on="i går"), "received_on", "Skriv en gyldig dato, for eksempel 23.11.2026."),
    (paper_form(how=""), "how", "Velg hvordan personen ba om det."),
    (paper_form(how="brevdue"), "how", "Velg hvordan personen ba om det."),
], ids=["no-date", "future-date", "bad-date", "no-how", "bad-how"])
def test_a_paper_request_with_bad_input_is_shown_again_with_a_message_and_nothing_made(client, world, form, field,
                                                                                          message):
    login(client, world.trust_person)
    response = client.post(reverse("person_archive", args=[world.owner_su.pk]), form)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in text(response)
    assert not DataArchive.objects.exists()


def test_a_second_paper_request_while_one_is_made_says_so(client, world):
    login(client, world.leader)
    url = reverse("person_archive", args=[world.owner_su.pk])
    client.post(url, paper_form())
    again = client.post(url, paper_form(), follow=True)
    assert "Arkivet for Kari Nordmann er allerede bestilt og blir laget nå." in text(again)
    assert DataArchive.objects.count() == 1


@pytest.mark.parametrize("persona", ["owner", "other_owner", "partner_valid", "partner_org_member", "other_leader",
                                     "other_trust_person", "admin"])
def test_the_staff_page_does_not_exist_for_anyone_else(client, world, persona):
    made, _ = archive.request_paper_archive(world.trust_person, world.owner_su, how="phone", received_on=MONDAY)
    build_all()
    login(client, world.persona(persona))
    url = reverse("person_archive", args=[world.owner_su.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, paper_form()).status_code == 404
    download = reverse("person_archive_download", args=[world.owner_su.pk, made.pk])
    assert client.get(download).status_code == 404
    assert DataArchive.objects.count() == 1 and DataArchive.objects.get().downloads == 0


def test_the_staff_cannot_download_the_owners_own_archive(client, world):
    own, _ = archive.request_own_archive(world.owner, world.owner_su)
    build_all()
    login(client, world.trust_person)
    assert client.get(reverse("person_archive_download", args=[world.owner_su.pk, own.pk])).status_code == 404
    assert client.get(reverse("my_archive_download", args=[own.pk])).status_code == 404


def test_another_persons_archive_under_this_persons_address_is_not_found(client, world):
    theirs, _ = archive.request_paper_archive(world.other_trust_person, world.other_su, how="phone",
                                              received_on=MONDAY)
    build_all()
    login(client, world.leader)  # leads both cases' municipality
    assert client.get(reverse("person_archive_download", args=[world.owner_su.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("person_archive_download", args=[world.other_su.pk, theirs.pk])).status_code == 200


def test_the_case_page_links_to_it_for_the_staff_only(client, world):
    url = reverse("person_archive", args=[world.owner_su.pk])
    case = reverse("followup_detail", args=[world.case.pk])
    for persona, shown in (("trust_person", True), ("leader", True), ("owner", False), ("partner_valid", False)):
        login(client, world.persona(persona))
        response = client.get(case)
        if response.status_code == 200:
            assert (url in response.content.decode()) is shown, persona
        else:
            assert not shown


# --- query budgets ----------------------------------------------------------------------------------------------


def many(world, n: int, *, on_paper: bool = False) -> None:
    """``n`` archives of the owner's, emptied (as they are after their time), and one ready."""
    DataArchive.objects.bulk_create([
        DataArchive(service_user=world.owner_su, requested_by=world.trust_person if on_paper else world.owner,
                    on_paper=on_paper, paper_how="phone" if on_paper else "", paper_received_on=MONDAY if on_paper
                    else None, state=DataArchive.State.EXPIRED,
                    requested_at=timezone.now() - datetime.timedelta(days=10 + i))
        for i in range(n)
    ])


@pytest.mark.parametrize("persona,path,on_paper", [
    ("owner", lambda world: reverse("my_archive"), False),
    ("owner", lambda world: reverse("my_page"), False),
    ("trust_person", lambda world: reverse("person_archive", args=[world.owner_su.pk]), True),
    ("trust_person", lambda world: reverse("followup_detail", args=[world.case.pk]), True),
], ids=["archive-page", "min-side", "staff-page", "case-page"])
def test_the_pages_are_flat_in_the_number_of_archives(client, world, persona, path, on_paper):
    login(client, world.persona(persona))
    url = path(world)
    many(world, 1, on_paper=on_paper)
    one = qc.get(client, url)
    many(world, 29, on_paper=on_paper)
    thirty = qc.get(client, url)
    qc.assert_same(one, thirty, url, ("1 archive", "30 archives"))


def test_a_person_without_a_log_in_can_have_it_made_by_staff(client, world):
    su = f.ServiceUserFactory(municipality=world.municipality, first_name="Per", last_name="Uten", user=None)
    f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
    login(client, world.trust_person)
    client.post(reverse("person_archive", args=[su.pk]), paper_form(how="in_person"))
    build_all()
    made = DataArchive.objects.get(service_user=su)
    assert made.state == DataArchive.State.READY
    response = client.get(reverse("person_archive_download", args=[su.pk, made.pk]))
    assert "Du har ingen innlogging hos oss." in pdf_text(response.content)
