"""The quality-of-life rounds' pages: the case's rounds, one form with both parts for staff, the user's own part on
Min side. Bad input is a Norwegian error linked to its field and nothing saved; the gate keeps partners, other
municipalities and other owners out; the pages' query counts do not grow with the number of rounds."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import AccessEvent, FollowUp
from koordinator.timeutil import at
from outcomes import rounds
from outcomes.models import QualityOfLifeRound
from tests import query_counts as qc
from tests.conftest import login
from tests.outcomes.rounds_helpers import case_started, snapshot, take_round

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(world):
    return case_started(world.case)


def html(response) -> str:
    return response.content.decode()


def form_data(**values) -> dict:
    """What the staff form posts: the date, and the answers given (the rest left, as in the browser)."""
    return {"taken_on": MONDAY.isoformat(), **values}


# --- the case's rounds -----------------------------------------------------------------------------------------------


def test_the_case_page_links_to_the_rounds_for_staff_and_the_owner_only(client, world, case):
    url = reverse("qol_rounds", args=[case.pk])
    for persona, shown in [
        ("trust_person", True),
        ("leader", True),
        ("owner", True),
        ("partner_valid", False),
    ]:
        page = login(client, world.persona(persona)).get(reverse("followup_detail", args=[case.pk]))
        assert page.status_code == 200, persona
        assert (f'href="{url}"' in html(page)) is shown, persona


def test_the_list_shows_date_kind_who_answered_and_how_many(client, world, case):
    take_round(case, world.trust_person, days_ago=200, subjective={"s1": 2, "s2": 3}, answered_by="together")
    take_round(case, world.trust_person, days_ago=10, objective={"o1": "ja", "o2": "vet_ikke"})
    page = login(client, world.trust_person).get(reverse("qol_rounds", args=[case.pk]))
    text = html(page)
    assert "Livskvalitet for Kari Nordmann" in text
    assert "Ved oppstart" in text and "Underveis" in text
    assert "Brukeren sammen med tillitspersonen" in text and "Ikke besvart ennå" in text
    assert "18 av 18 besvart" in text and "2 av 14 besvart" in text and "2 av 18 besvart" in text
    assert reverse("qol_round_create", args=[case.pk]) in text  # «Ny runde»
    assert "Neste runde: rundt 13.05.2027" in text
    assert AccessEvent.objects.filter(actor=world.trust_person, what="Livskvalitetsrunder").count() == 1


def test_the_owner_reads_the_list_without_the_staffs_buttons_and_unlogged(client, world, case):
    r = take_round(case, world.trust_person, days_ago=10)
    page = login(client, world.owner).get(reverse("qol_rounds", args=[case.pk]))
    assert page.status_code == 200
    assert reverse("qol_round_create", args=[case.pk]) not in html(page)
    assert reverse("qol_round_edit", args=[r.pk]) not in html(page)
    assert not AccessEvent.objects.filter(actor=world.owner).exists()


@pytest.mark.parametrize(
    "persona",
    ["partner_valid", "partner_org_member", "other_leader", "other_trust_person", "other_owner", "admin"],
)
def test_nobody_else_finds_the_rounds_pages(client, world, case, persona):
    r = take_round(case, world.trust_person, days_ago=10)
    before = snapshot()
    c = login(client, world.persona(persona))
    for name, args in [
        ("qol_rounds", [case.pk]),
        ("qol_round_create", [case.pk]),
        ("qol_round_edit", [r.pk]),
    ]:
        assert c.get(reverse(name, args=args)).status_code == 404, name
    assert c.post(reverse("qol_round_create", args=[case.pk]), form_data(o1="ja")).status_code == 404
    assert c.post(reverse("qol_round_edit", args=[r.pk]), form_data(o1="nei")).status_code == 404
    assert snapshot() == before


def test_the_owner_may_not_use_the_staff_form(client, world, case):
    r = take_round(case, world.trust_person, days_ago=3)
    before = snapshot()
    c = login(client, world.owner)
    assert c.get(reverse("qol_round_create", args=[case.pk])).status_code == 403
    assert c.post(reverse("qol_round_create", args=[case.pk]), form_data(o1="ja")).status_code == 403
    assert c.post(reverse("qol_round_edit", args=[r.pk]), form_data(o1="nei")).status_code == 403
    assert snapshot() == before


# --- the form with both parts ------------------------------------------------------------------------------------


def test_the_form_has_a_fieldset_and_legend_per_question_in_the_items_own_words(client, world, case):
    page = login(client, world.trust_person).get(reverse("qol_round_create", args=[case.pk]))
    text = html(page)
    assert "Ved oppstart" in text  # the case's first round
    assert text.count("<fieldset") == 18 + 14 + 1  # every question, and «Brukerens del besvart av»
    assert "Er brukerens bolig etter ditt skjønn av en tilfredsstillende fysisk standard?" in text
    assert "Hvor ofte styrer rusen hverdagen din?" in text  # S8 in plain words
    for words in (
        "Ja",
        "Nei",
        "Vet ikke",
        "Veldig misfornøyd",
        "Veldig fornøyd",
        "Aldri",
        "Hele tiden",
        "Hopp over",
        "Brukerens del besvart av",
        "Brukeren alene",
    ):
        assert f">{words}</label>" in text or f">{words}</legend>" in text, words
    assert 'type="radio" name="o1" value="vet_ikke"' in text
    assert 'type="radio" name="s1" value="5"' in text
    assert (
        text.count("(valgfritt)") == 1
    )  # the date only («Tomt betyr i dag»); the page says every question may be left
    assert "<script" not in text.split("<main", 1)[1]  # works without JavaScript


def test_saving_the_form_starts_a_round_with_both_parts_and_history(client, world, case):
    c = login(client, world.trust_person)
    response = c.post(
        reverse("qol_round_create", args=[case.pk]),
        form_data(o1="ja", o12="nei", o18="vet_ikke", s1="4", s8="1", s13="", subjective_by="together"),
    )
    assert response.status_code == 302 and response["Location"] == reverse("qol_rounds", args=[case.pk])
    r = QualityOfLifeRound.objects.get(follow_up=case)
    assert (r.kind, r.taken_on, r.o1, r.o12, r.o18, r.o2) == ("start", MONDAY, "ja", "nei", "vet_ikke", "")
    assert (r.s1, r.s8, r.s13, r.subjective_by) == (4, 1, None, "together")
    assert r.history.get().history_user == world.trust_person


def test_a_round_on_an_ended_case_is_the_end_round(client, world, case):
    take_round(case, world.trust_person, days_ago=100)
    FollowUp.objects.filter(pk=case.pk).update(status=FollowUp.Status.ENDED, ended_on=MONDAY)
    c = login(client, world.trust_person)
    assert "Oppfølgingen er avsluttet. Ta gjerne en siste runde" in html(
        c.get(reverse("qol_rounds", args=[case.pk]))
    )
    assert "Ved avslutning" in html(c.get(reverse("qol_round_create", args=[case.pk])))
    c.post(reverse("qol_round_create", args=[case.pk]), form_data(o1="nei"))
    assert QualityOfLifeRound.objects.filter(follow_up=case).latest("taken_on").kind == "end"


BAD_FORMS = [
    ("an answer outside the scale", {"o3": "kanskje"}, "o3", "Velg «Ja», «Nei» eller «Vet ikke»."),
    (
        "a step that does not exist",
        {"s2": "6", "subjective_by": "together"},
        "s2",
        "Velg et av de fem svarene",
    ),
    (
        "a date in the future",
        {"taken_on": "2026-11-24", "o1": "ja"},
        "taken_on",
        "Datoen kan ikke være fram i tid.",
    ),
    ("not a date", {"taken_on": "i går", "o1": "ja"}, "taken_on", "Skriv en gyldig dato"),
    (
        "before the case started",
        {"taken_on": "2020-01-01", "o1": "ja"},
        "taken_on",
        "Datoen kan ikke være før oppfølgingen startet",
    ),
    ("the user's answers without who answered", {"s1": "3"}, "subjective_by", "Velg hvem som svarte"),
]


@pytest.mark.parametrize(("what", "values", "field", "words"), BAD_FORMS, ids=[b[0] for b in BAD_FORMS])
def test_bad_input_shows_the_error_linked_to_its_field_and_saves_nothing(
    client, world, case, what, values, field, words
):
    before = snapshot()
    response = login(client, world.trust_person).post(
        reverse("qol_round_create", args=[case.pk]), form_data(**values)
    )
    assert response.status_code == 200
    text = html(response)
    assert words in text
    anchor = f"id_{field}_0" if field != "taken_on" else "id_taken_on"
    assert re.search(rf'<a class="ds-link" href="#{anchor}">[^<]*{re.escape(words[:12])}', text), text[:3000]
    assert 'aria-invalid="true"' in text
    assert "<title>Feil: " in text
    assert snapshot() == before


def test_a_second_round_the_same_day_is_refused_on_the_date(client, world, case):
    take_round(case, world.trust_person)
    before = snapshot()
    response = login(client, world.deputy).post(
        reverse("qol_round_create", args=[case.pk]), form_data(o1="nei")
    )
    assert response.status_code == 200
    assert "Saken har allerede en livskvalitetsrunde 23.11.2026" in html(response)
    assert 'href="#id_taken_on"' in html(response)
    assert snapshot() == before


def test_editing_a_round_shows_its_answers_and_saves_changes_with_history(client, world, case):
    r = take_round(
        case, world.trust_person, days_ago=5, objective={"o1": "ja"}, subjective={"s1": 2}, answered_by="user"
    )
    c = login(client, world.deputy)
    page = c.get(reverse("qol_round_edit", args=[r.pk]))
    text = html(page)
    assert re.search(r'name="o1" value="ja"[^>]*checked', text)
    assert re.search(r'name="s1" value="2"[^>]*checked', text)
    assert re.search(r'name="subjective_by" value="user"[^>]*checked', text)
    response = c.post(
        reverse("qol_round_edit", args=[r.pk]),
        {"taken_on": r.taken_on.isoformat(), "o1": "nei", "s1": "3", "subjective_by": "user"},
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.o1, r.s1) == ("nei", 3)
    assert r.history.latest().history_user == world.deputy
    assert AccessEvent.objects.filter(actor=world.deputy, what="Livskvalitetsrunde").exists()


# --- Min side ----------------------------------------------------------------------------------------------------------


def test_min_side_asks_only_when_a_round_is_due(client, world, case):
    c = login(client, world.owner)
    assert "Hvordan har du det nå?" in html(c.get(reverse("my_page")))
    assert reverse("my_qol_round") in html(c.get(reverse("my_page")))
    take_round(case, world.trust_person, days_ago=30, subjective={"s1": 3}, answered_by="together")
    assert "Hvordan har du det nå?" not in html(c.get(reverse("my_page")))
    page = c.get(reverse("my_qol_round"))
    assert page.status_code == 200
    assert "Du har ingen spørsmål å svare på nå" in html(page)
    assert "Neste gang blir rundt" in html(page)


def test_the_user_answers_alone_in_plain_words_and_may_skip(client, world, case):
    c = login(client, world.owner)
    page = c.get(reverse("my_qol_round"))
    text = html(page)
    assert text.count("<fieldset") == 14
    assert text.count("Hopp over dette spørsmålet") == 14
    assert "Hvor fornøyd er du med boligen din nå?" in text
    response = c.post(reverse("my_qol_round"), {"s1": "4", "s2": "", "s8": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("my_page")
    r = QualityOfLifeRound.objects.get(follow_up=case)
    assert (r.kind, r.subjective_by, r.s1, r.s2, r.s8, r.s13) == ("start", "user", 4, None, 2, None)
    assert r.history.get().history_user == world.owner
    # Asked no more; the page shows the answers to change them.
    assert "Hvordan har du det nå?" not in html(c.get(reverse("my_page")))
    assert re.search(r'name="s1" value="4"[^>]*checked', html(c.get(reverse("my_qol_round"))))


def test_the_users_answers_go_into_the_round_the_trust_person_started(client, world, case):
    started = take_round(case, world.trust_person, days_ago=1)
    c = login(client, world.owner)
    assert "Hvordan har du det nå?" in html(c.get(reverse("my_page")))
    c.post(reverse("my_qol_round"), {"s13": "5"})
    assert QualityOfLifeRound.objects.get().pk == started.pk
    started.refresh_from_db()
    assert (started.s13, started.subjective_by, started.o1) == (5, "user", "ja")


def test_skipping_everything_saves_nothing_and_says_so(client, world, case):
    before = snapshot()
    response = login(client, world.owner).post(reverse("my_qol_round"), {})
    assert response.status_code == 200
    assert "Svar på minst ett av spørsmålene" in html(response)
    assert snapshot() == before


def test_an_answer_outside_the_scale_saves_nothing(client, world, case):
    before = snapshot()
    response = login(client, world.owner).post(reverse("my_qol_round"), {"s1": "9"})
    assert response.status_code == 200
    assert 'href="#id_s1_0"' in html(response)
    assert snapshot() == before


def test_posting_when_nothing_is_asked_saves_nothing(client, world, case):
    take_round(case, world.trust_person, days_ago=30, subjective={"s1": 3}, answered_by="together")
    before = snapshot()
    response = login(client, world.owner).post(reverse("my_qol_round"), {"s1": "1"})
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "admin"])
def test_min_side_livskvalitet_exists_only_for_a_service_user(client, world, case, persona):
    before = snapshot()
    c = login(client, world.persona(persona))
    assert c.get(reverse("my_qol_round")).status_code == 404
    assert c.post(reverse("my_qol_round"), {"s1": "3"}).status_code == 404
    assert snapshot() == before


# --- query counts ------------------------------------------------------------------------------------------------


def _rounds(case, by, n: int) -> None:
    """``n`` rounds a month apart, in bulk (set-up only)."""
    QualityOfLifeRound.objects.bulk_create(
        [
            QualityOfLifeRound(
                follow_up=case,
                taken_on=MONDAY - datetime.timedelta(days=30 * (i + 1)),
                recorded_by=by,
                o1="ja",
                s1=3,
                subjective_by="together",
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("persona", ["trust_person", "leader", "owner"])
def test_the_list_page_is_flat_in_the_number_of_rounds(client, world, case, persona):
    login(client, world.persona(persona))
    path = reverse("qol_rounds", args=[case.pk])
    _rounds(case, world.trust_person, 1)
    small = qc.get(client, path)
    _rounds_more(case, world.trust_person, 12)
    large = qc.get(client, path)
    assert html(large.response).count("besvart</td>") >= 2 * 13
    qc.assert_same(small, large, f"rounds list ({persona})", ("1", "13"))


def _rounds_more(case, by, n: int) -> None:
    QualityOfLifeRound.objects.bulk_create(
        [
            QualityOfLifeRound(
                follow_up=case,
                taken_on=MONDAY - datetime.timedelta(days=30 * (i + 2)),
                recorded_by=by,
                o1="ja",
                s1=3,
                subjective_by="together",
            )
            for i in range(n)
        ]
    )


def test_the_form_and_min_side_are_flat_in_the_number_of_rounds(client, world, case):
    _rounds(case, world.trust_person, 1)
    last = QualityOfLifeRound.objects.get()
    login(client, world.trust_person)
    create_small = qc.get(client, reverse("qol_round_create", args=[case.pk]))
    edit_small = qc.get(client, reverse("qol_round_edit", args=[last.pk]))
    owner = login(type(client)(), world.owner)
    mine_small = qc.get(owner, reverse("my_qol_round"))
    page_small = qc.get(owner, reverse("my_page"))
    _rounds_more(case, world.trust_person, 12)
    qc.assert_same(create_small, qc.get(client, reverse("qol_round_create", args=[case.pk])), "new round")
    qc.assert_same(edit_small, qc.get(client, reverse("qol_round_edit", args=[last.pk])), "edit round")
    qc.assert_same(mine_small, qc.get(owner, reverse("my_qol_round")), "my round")
    qc.assert_same(page_small, qc.get(owner, reverse("my_page")), "Min side")
    assert rounds.my_round(world.owner).case == case
