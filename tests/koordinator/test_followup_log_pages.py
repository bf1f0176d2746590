"""The follow-up log pages: the quick entry on a phone, the full entry, the case's log, edit, archive, the case
page's «Logg» section, the user's own view (innsyn) and the leader's activity figures."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import followup_log
from koordinator.models import AccessEvent, Appointment, FollowUpEntry
from koordinator.timeutil import at
from tests.conftest import login
from tests.koordinator.conftest import many_entries

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 14, 7), tick=False) as traveller:
        yield traveller


def main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def text(response) -> str:
    """The page's words as a reader meets them: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", main(response)).split())


def quick_url(world) -> str:
    return reverse("followup_entry_quick", args=[world.case.pk])


def log_url(world) -> str:
    return reverse("followup_log", args=[world.case.pk])


# --- the quick entry -----------------------------------------------------------------------------------------------


def visible_fields(html: str) -> set[str]:
    """Names of the inputs a person fills in (not the CSRF token, not the buttons)."""
    form = html[html.index('<form method="post" action="'):html.index("</form>")]
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', form))
    hidden = set(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"', form))
    return names - hidden


def test_the_quick_entry_has_four_fields_and_when_is_now(client, world, clock):
    response = login(client, world.trust_person).get(quick_url(world))
    assert response.status_code == 200
    page = main(response)
    assert visible_fields(page) == {"kind", "started_at", "duration_minutes", "note"}
    assert 'value="2026-11-23T14:07"' in page  # when: now, to the minute
    assert 'type="datetime-local"' in page and 'inputmode="numeric"' in page
    # Every kind is a radio with its own label, and the save button comes before «Flere detaljer».
    assert page.count('type="radio" name="kind"') == len(Kind.choices)
    assert page.index("Lagre i loggen") < page.index("Flere detaljer")
    assert "<script" not in page


def test_a_home_visit_in_four_fields_lands_in_the_log(client, world, clock):
    login(client, world.trust_person)
    response = client.post(quick_url(world), {"kind": Kind.HOME_VISIT, "started_at": "2026-11-23T13:00",
                                              "duration_minutes": "45", "note": "Kaffe og en prat om brevet."})
    assert response.status_code == 302
    assert response["Location"] == log_url(world)
    entry = FollowUpEntry.objects.get()
    assert (entry.kind, entry.duration_minutes, entry.written_by) == (Kind.HOME_VISIT, 45, world.trust_person)
    assert timezone.localtime(entry.started_at) == at(MONDAY, 13)
    page = text(client.get(log_url(world)))
    assert "Lagret i loggen." in page
    assert "23.11.2026 kl. 13.00 – Hjemmebesøk" in page
    assert "45 minutter" in page and "Kaffe og en prat om brevet." in page


def test_errors_come_back_next_to_the_field_and_nothing_is_saved(client, world, clock):
    login(client, world.trust_person)
    response = client.post(quick_url(world), {"started_at": "2026-11-24T09:00", "duration_minutes": "45",
                                              "note": "Noe jeg skrev"})
    assert response.status_code == 200
    page = main(response)
    assert "Velg hva slags kontakt det var." in page
    assert 'href="#id_kind_0"' in page  # the summary links to the first choice
    assert "Noe jeg skrev" in page  # nothing typed is lost
    # Now with a kind: the time is in the future, and the service says so next to «Når».
    response = client.post(quick_url(world), {"kind": Kind.PHONE, "started_at": "2026-11-24T09:00",
                                              "duration_minutes": "45"})
    assert "Tidspunktet er fram i tid." in main(response)
    assert 'id="id_started_at-feil"' in main(response)
    assert FollowUpEntry.objects.count() == 0


def test_more_details_carries_what_was_typed_to_the_full_form_without_saving(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("followup_entry_create", args=[world.case.pk]),
                           {"fra_hurtig": "1", "kind": Kind.ACCOMPANIED, "started_at": "2026-11-23T10:30",
                            "duration_minutes": "90", "note": "Fulgte Kari til NAV."})
    assert response.status_code == 200
    page = main(response)
    assert FollowUpEntry.objects.count() == 0
    assert "Fulgte Kari til NAV." in page
    assert 'value="accompanied" checked' in page or re.search(r'value="accompanied"[^>]*checked', page)
    assert 'value="2026-11-23T10:30"' in page and 'value="90"' in page
    assert "Noe må rettes" not in page  # not validated yet


def test_the_full_form_takes_every_field_and_books_the_next_appointment(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("followup_entry_create", args=[world.case.pk]), {
        "kind": Kind.ACCOMPANIED, "started_at": "2026-11-23T10:30", "duration_minutes": "90",
        "place": "NAV Lerkendal", "service": world.nav.pk, "life_areas": ["okonomi", "arbeid"],
        "note": "Fulgte Kari til NAV.", "agreed_next": "Se på svaret sammen.",
        "next_day": "2026-11-26", "next_time": "11:00", "next_place": "cafe", "next_place_detail": "Dromedar",
    })
    assert response.status_code == 302, main(response)
    entry = FollowUpEntry.objects.get()
    assert entry.service == world.nav and entry.life_areas == ["arbeid", "okonomi"]
    assert timezone.localtime(entry.next_appointment.starts_at) == at(datetime.date(2026, 11, 26), 11)
    assert entry.next_appointment.place == Appointment.Place.CAFE


def test_accompanied_from_the_quick_entry_asks_which_service_on_the_full_form(client, world, clock):
    login(client, world.trust_person)
    response = client.post(quick_url(world), {"kind": Kind.ACCOMPANIED, "started_at": "2026-11-23T10:30",
                                              "duration_minutes": "90", "note": "Fulgte Kari."})
    assert response.status_code == 200
    page = main(response)
    assert FollowUpEntry.objects.count() == 0
    assert "Skriv hvilken tjeneste dere var hos." in page and 'id="id_service-feil"' in page
    assert "Fulgte Kari." in page  # what was typed comes along
    # The full form posts to the full entry, which saves it once the service is chosen.
    action = reverse("followup_entry_create", args=[world.case.pk])
    assert f'action="{action}"' in page
    response = client.post(action, {"kind": Kind.ACCOMPANIED, "started_at": "2026-11-23T10:30",
                                    "duration_minutes": "90", "note": "Fulgte Kari.", "service": world.nav.pk})
    assert response.status_code == 302
    assert FollowUpEntry.objects.get().service == world.nav


def test_half_a_next_appointment_is_an_error_next_to_the_missing_part(client, world, clock):
    login(client, world.trust_person)
    response = client.post(reverse("followup_entry_create", args=[world.case.pk]), {
        "kind": Kind.PHONE, "started_at": "2026-11-23T10:30", "duration_minutes": "10", "next_day": "2026-11-26",
    })
    assert response.status_code == 200
    assert "Skriv klokkeslettet for neste avtale." in main(response)
    assert FollowUpEntry.objects.count() == 0 and Appointment.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [
    ("owner", 403), ("partner_valid", 403), ("other_trust_person", 404), ("other_leader", 404),
    ("partner_wrong_scope", 404), ("admin", 404),
])
def test_only_staff_on_the_case_get_the_forms(client, world, persona, status):
    login(client, world.persona(persona))
    assert client.get(quick_url(world)).status_code == status
    assert client.post(quick_url(world), {"kind": Kind.PHONE, "started_at": "2026-11-23T10:30",
                                          "duration_minutes": "5"}).status_code == status
    assert client.get(reverse("followup_entry_create", args=[world.case.pk])).status_code == status
    assert FollowUpEntry.objects.count() == 0


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(quick_url(world))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the case's log, edit, archive -------------------------------------------------------------------------------


def test_the_log_lists_newest_first_a_page_at_a_time(client, world, clock):
    many_entries(world.case, 30)
    login(client, world.trust_person)
    response = client.get(log_url(world))
    entries = list(response.context["page"].object_list)
    assert len(entries) == 25
    assert entries == sorted(entries, key=lambda e: e.started_at, reverse=True)
    assert "Samtale nummer 1." in main(response)
    second = client.get(log_url(world), {"side": 2})
    assert len(second.context["page"].object_list) == 5
    assert "Samtale nummer 30." in main(second)


@pytest.mark.parametrize(("side", "number", "shown"), [
    (None, 1, 25), ("1", 1, 25), ("2", 2, 5), ("3", 2, 5), ("99", 2, 5), ("0", 2, 5), ("x", 1, 25), ("2.5", 1, 25), ("²", 1, 25),
    ("99999999999999999999", 2, 5),
])
def test_the_log_pages_as_the_paginator_does_and_counts_in_the_page_s_own_query(client, world, clock, side, number,
                                                                               shown):
    """A page past the end is the last page, a page that is not a number the first; the count comes with the rows
    (one query for the page and the number of entries)."""
    many_entries(world.case, 30)
    login(client, world.trust_person)
    response = client.get(log_url(world), {"side": side} if side is not None else {})
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.count, page.paginator.num_pages) == (number, shown,
                                                                                                  30, 2)
    assert "Loggføringer (30)" in main(response)


@pytest.mark.parametrize("side", [None, "2"])
def test_an_empty_log_is_one_empty_page(client, world, clock, side):
    FollowUpEntry.objects.filter(follow_up=world.case).delete()
    login(client, world.trust_person)
    page = client.get(log_url(world), {"side": side} if side else {}).context["page"]
    assert (page.number, list(page.object_list), page.paginator.count, page.paginator.num_pages) == (1, [], 0, 1)


def test_the_log_s_page_reads_its_entries_and_their_number_in_one_query(client, world, clock):
    many_entries(world.case, 30)
    login(client, world.trust_person)
    client.get(log_url(world))
    with CaptureQueriesContext(connection) as ctx:
        client.get(log_url(world), {"side": 2})
    entries = [q["sql"] for q in ctx.captured_queries if 'FROM "koordinator_followupentry"' in q["sql"]]
    assert len(entries) == 1 and "OVER ()" in entries[0]


def _log_queries(client, user, world) -> int:
    login(client, user)
    client.get(log_url(world))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(log_url(world)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["trust_person", "partner_valid", "owner"])
def test_the_log_page_does_not_grow_in_queries_with_the_number_of_entries(client, world, clock, persona):
    from plans import services as plan_services

    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[step],
                              service=world.nav)
    one = _log_queries(client, world.persona(persona), world)
    for entry in many_entries(world.case, 29):
        entry.steps.add(step)
    thirty = _log_queries(client, world.persona(persona), world)
    assert len(client.get(log_url(world)).context["page"].object_list) == 25
    assert one == thirty


def test_a_partner_reading_the_log_is_in_the_owners_access_log(client, world, entry):
    login(client, world.partner_valid)
    response = client.get(log_url(world))
    assert response.status_code == 200
    assert "Vi gikk gjennom brevet fra NAV." in main(response)
    assert "Skriv i loggen" not in main(response)  # read only
    event = AccessEvent.objects.filter(service_user=world.owner_su, actor=world.partner_valid).get()
    assert event.what == "Kontaktlogg"


def test_a_partner_without_the_scope_and_one_whose_consent_was_withdrawn_get_a_404(client, world, entry):
    from koordinator import services

    for persona in ("partner_wrong_scope", "partner_expired", "partner_withdrawn", "partner_none"):
        assert login(client, world.persona(persona)).get(log_url(world)).status_code == 404
    login(client, world.partner_valid)
    assert client.get(log_url(world)).status_code == 200
    services.withdraw_consent(world.owner, world.consent_valid)
    assert client.get(log_url(world)).status_code == 404


def test_a_steps_text_is_shown_only_to_those_who_may_see_the_plan(client, world):
    from koordinator.models import Consent
    from plans import services as plan_services

    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[step])
    assert "Ringe boligkontoret" in main(login(client, world.partner_valid).get(log_url(world)))
    Consent.objects.filter(pk=world.consent_valid.pk).update(scope_plan=False)
    page = main(login(client, world.partner_valid).get(log_url(world)))
    assert "Telefon" in page and "Ringe boligkontoret" not in page


def test_edit_saves_through_the_service_and_keeps_the_history(client, world, clock, entry):
    login(client, world.deputy)
    url = reverse("followup_entry_edit", args=[entry.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Vi gikk gjennom brevet fra NAV." in main(form)
    response = client.post(url, {"kind": Kind.CONVERSATION, "started_at": "2026-11-23T12:00",
                                 "duration_minutes": "30", "note": "Samtale på kafé.", "life_areas": ["bolig"]})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.note, entry.life_areas) == (Kind.CONVERSATION, "Samtale på kafé.", ["bolig"])
    assert entry.history.latest().history_user == world.deputy
    assert entry.written_by == world.trust_person


def test_archive_takes_it_out_of_the_log_and_the_users_view(client, world, clock, entry):
    login(client, world.trust_person)
    url = reverse("followup_entry_archive", args=[entry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Feil person"}).status_code == 302
    assert "Vi gikk gjennom brevet fra NAV." not in main(client.get(log_url(world)))
    assert "Vi gikk gjennom brevet fra NAV." not in main(login(client, world.owner).get(reverse("my_log")))
    assert client.get(url).status_code == 404  # the owner: outside the gate once archived


@pytest.mark.parametrize(("persona", "status"), [("owner", 403), ("partner_valid", 403),
                                                 ("other_trust_person", 404), ("admin", 404)])
def test_only_staff_edit_and_archive(client, world, entry, persona, status):
    login(client, world.persona(persona))
    for name in ("followup_entry_edit", "followup_entry_archive"):
        url = reverse(name, args=[entry.pk])
        assert client.get(url).status_code == status
        assert client.post(url, {"kind": Kind.SMS, "started_at": "2026-11-23T10:30", "duration_minutes": "1",
                                 "reason": "x"}).status_code == status
    entry.refresh_from_db()
    assert entry.kind == Kind.HOME_VISIT and entry.archived_at is None


# --- the case page's «Logg» section -------------------------------------------------------------------------------


def test_the_case_page_shows_the_latest_entries_the_link_and_the_figures(client, world, clock, entry):
    many_entries(world.case, 4, kind=Kind.PHONE, start=timezone.now() - datetime.timedelta(days=40))
    response = login(client, world.trust_person).get(reverse("followup_detail", args=[world.case.pk]))
    page = main(response)
    section = page[page.index('id="logg"'):]
    assert "Skriv i loggen" in section and quick_url(world) in section
    assert "Hjemmebesøk" in section and "Vi gikk gjennom brevet fra NAV." in section
    log = response.context["log"]
    assert len(log.latest) == 3
    assert log.activity.contacts[-1] == 1 and log.activity.contacts[-2] == 4  # November, October
    assert "Kontakter i alt" in section


def test_the_case_page_marks_a_quiet_case(client, world):
    world.case.started_on = timezone.localdate() - datetime.timedelta(days=30)
    world.case.save()
    # Noon 20 days ago in Oslo, not now minus 20 × 24 hours: late in the evening after daylight saving has ended,
    # that is 01:00 the day after, 19 days ago.
    many_entries(world.case, 1, start=at(timezone.localdate() - datetime.timedelta(days=20), 12))
    page = main(login(client, world.trust_person).get(reverse("followup_detail", args=[world.case.pk])))
    assert "Ingen kontakt på 20 dager" in page


def test_the_case_page_does_not_grow_in_queries_with_the_log(client, world, clock):
    def count() -> int:
        login(client, world.trust_person)
        client.get(reverse("followup_detail", args=[world.case.pk]))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("followup_detail", args=[world.case.pk]))
        return len(ctx.captured_queries)

    many_entries(world.case, 1)
    one = count()
    many_entries(world.case, 29, hours_apart=100)
    assert count() == one


# --- innsyn: the user's own view ----------------------------------------------------------------------------------


def test_the_user_reads_every_entry_about_them_in_plain_words(client, world, clock, entry):
    followup_log.create_entry(world.trust_person, world.case, kind=Kind.NOT_MET,
                              started_at=timezone.now() - datetime.timedelta(days=2), note="Ikke hjemme.")
    many_entries(world.other_case, 2)  # someone else's
    login(client, world.owner)
    my_page = main(client.get(reverse("my_page")))
    assert reverse("my_log") in my_page
    response = client.get(reverse("my_log"))
    assert response.status_code == 200
    page = main(response)
    assert "Besøk hjemme hos deg" in page and "45 minutter" in page
    assert f"{world.trust_person.display_name} skrev:" in page
    assert "Dere avtalte: Ringe boligkontoret sammen på fredag." in page
    assert "Det handlet om: Bolig, Økonomi og gjeld." in page
    assert "Prøvde å treffe deg, men fikk ikke kontakt" in page
    assert "Samtale nummer" not in page
    # Reading one's own log is not an access event.
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "admin"])
def test_my_log_is_a_404_for_anyone_without_a_service_user_record(client, world, persona):
    assert login(client, world.persona(persona)).get(reverse("my_log")).status_code == 404


# --- the leader's figures ---------------------------------------------------------------------------------------


def test_the_leader_sees_contacts_per_month_by_kind_per_trust_person(client, world, clock):
    many_entries(world.case, 3, kind=Kind.HOME_VISIT)
    many_entries(world.case, 2, kind=Kind.NOT_MET)
    many_entries(world.other_case, 1, kind=Kind.PHONE, start=timezone.now() - datetime.timedelta(days=35))
    login(client, world.leader)
    assert reverse("leader_activity") in main(client.get(reverse("leader_overview")))
    response = client.get(reverse("leader_activity"))
    assert response.status_code == 200
    by_person = {w.person: w.activity for w in response.context["workers"]}
    mine = by_person[world.trust_person]
    assert mine.contacts[-1] == 3  # the two attempts are not contacts
    assert {row.kind: row.total for row in mine.used_rows} == {Kind.HOME_VISIT: 3, Kind.NOT_MET: 2}
    assert by_person[world.other_trust_person].contacts[-2:] == [1, 0]
    assert by_person[world.deputy].total_contacts == 0  # listed, with nothing
    page = main(response)
    assert "Hjemmebesøk" in page and "Forsøkt, men ikke truffet" in page


def test_the_leader_in_another_municipality_sees_none_of_it(client, world, clock):
    many_entries(world.case, 3)
    response = login(client, world.other_leader).get(reverse("leader_activity"))
    assert all(w.activity.total_contacts == 0 for w in response.context["workers"])


@pytest.mark.parametrize("persona", ["trust_person", "owner", "partner_valid", "admin"])
def test_the_activity_page_is_for_leaders(client, world, persona):
    assert login(client, world.persona(persona)).get(reverse("leader_activity")).status_code == 404


def test_the_activity_page_does_not_grow_in_queries(client, world, clock):
    def count() -> int:
        login(client, world.leader)
        client.get(reverse("leader_activity"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("leader_activity"))
        return len(ctx.captured_queries)

    many_entries(world.case, 1)
    one = count()
    many_entries(world.case, 15, hours_apart=200)
    many_entries(world.other_case, 14, hours_apart=200)
    assert count() == one
