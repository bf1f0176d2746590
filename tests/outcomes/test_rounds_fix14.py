"""Quality-of-life rounds after a new user's trial at 375 px (issue 14 review): an empty round is refused (service,
page, API) and changes nothing in when the next round is due; the same-day error links the round that day; the
round's page shows its changes («Endringer»)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from koordinator.models import User
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from outcomes import rounds
from tests.conftest import login
from tests.outcomes.rounds_helpers import case_started, snapshot, take_round

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
EMPTY = "Svar på minst ett spørsmål før du lagrer."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(world):
    return case_started(world.case)


def html(response) -> str:
    return response.content.decode()


# --- 1. an empty round is no round -----------------------------------------------------------------------------------


def test_the_service_refuses_a_round_without_a_single_answer(world, case):
    take_round(case, world.trust_person, days_ago=200)
    before = snapshot()
    for kwargs in [
        {},
        {"objective": {}, "subjective": {}},
        {"objective": {"o1": ""}, "subjective": {"s1": None}},
    ]:
        with pytest.raises(ServiceError) as error:
            rounds.start_round(case, world.trust_person, **kwargs)
        assert error.value.message == EMPTY
    assert snapshot() == before
    # One answer is enough, «Vet ikke» too (it was chosen; it counts as missing in the figures).
    assert rounds.start_round(case, world.trust_person, objective={"o5": "vet_ikke"}).o5 == "vet_ikke"


def test_emptying_every_answer_of_a_round_is_refused(world, case):
    r = take_round(
        case, world.trust_person, days_ago=5, objective={"o1": "ja"}, subjective={"s1": 2}, answered_by="user"
    )
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.change_round(
            r, world.trust_person, objective={"o1": ""}, subjective={"s1": None}, answered_by=""
        )
    assert error.value.message == EMPTY
    assert snapshot() == before
    # Emptying one part while the other has answers is fine.
    assert rounds.change_round(r, world.trust_person, subjective={"s1": None}, answered_by="").s1 is None


def test_an_empty_round_from_the_form_is_refused_and_the_round_stays_due(client, world, case):
    take_round(case, world.trust_person, days_ago=200)
    assert rounds.due_cases().filter(pk=case.pk).exists()
    before = snapshot()
    response = login(client, world.trust_person).post(
        reverse("qol_round_create", args=[case.pk]), {"taken_on": MONDAY.isoformat()}
    )
    assert response.status_code == 200
    assert EMPTY in html(response) and "<title>Feil: " in html(response)
    assert snapshot() == before
    assert rounds.due_cases().filter(pk=case.pk).exists()


def test_an_empty_round_from_the_api_is_a_400(world, case):
    before = snapshot()
    response = login(APIClient(), world.trust_person).post(
        "/api/v1/quality-of-life-rounds/", {"follow_up": case.pk}, format="json"
    )
    assert response.status_code == 400, response.content
    assert EMPTY in response.json()["detail"]
    assert snapshot() == before


# --- 3. the same-day error links the round that day -------------------------------------------------------------------


def test_the_same_day_error_links_the_round_that_day(client, world, case):
    that_day = take_round(case, world.trust_person)
    c = login(client, world.deputy)
    text = html(
        c.post(reverse("qol_round_create", args=[case.pk]), {"taken_on": MONDAY.isoformat(), "o1": "nei"})
    )
    assert "Åpne den runden i stedet" in text
    assert (
        f'<a class="ds-link" href="{reverse("qol_round_edit", args=[that_day.pk])}">Åpne runden 23.11.2026</a>'
        in text
    )
    # Moving another round onto that day: the same link, never to the round being changed.
    other = take_round(case, world.trust_person, days_ago=30)
    text = html(
        c.post(reverse("qol_round_edit", args=[other.pk]), {"taken_on": MONDAY.isoformat(), "o1": "ja"})
    )
    assert f'href="{reverse("qol_round_edit", args=[that_day.pk])}">Åpne runden 23.11.2026</a>' in text
    assert f'href="{reverse("qol_round_edit", args=[other.pk])}">Åpne runden' not in text
    # Another error on the date: no link.
    text = html(c.post(reverse("qol_round_create", args=[case.pk]), {"taken_on": "2030-01-01", "o1": "nei"}))
    assert "fram i tid" in text and "Åpne runden" not in text


# --- 2. the round's page shows its changes ---------------------------------------------------------------------------


def test_the_rounds_page_shows_who_changed_what_and_when(client, world, case, clock):
    r = take_round(case, world.trust_person, days_ago=5, objective={"o1": "ja"})
    clock.move_to(at(MONDAY, 11, 30))
    rounds.change_round(r, world.deputy, subjective={"s1": 4}, answered_by="together")
    text = html(login(client, world.leader).get(reverse("qol_round_edit", args=[r.pk])))
    assert '<h2 class="ds-heading" data-size="sm" id="endringer">Endringer</h2>' in text
    changes = text[text.index('id="endringer"') :]
    deputy, trust_person = (
        User.objects.get(pk=u.pk).display_name for u in (world.deputy, world.trust_person)
    )
    newest = f"23.11.2026 kl. 11.30</time> · {deputy} – Livskvalitetsrunden er endret: brukerens del"
    first = f"23.11.2026 kl. 10.00</time> · {trust_person} – Livskvalitetsrunde registrert: Ved oppstart 18.11.2026"
    assert newest in changes and first in changes
    assert changes.index(newest) < changes.index(first)


# --- 4. the message after ending offers the last round ---------------------------------------------------------------


def _end(client, world, **overrides):
    from tests.outcomes.test_end_evaluation import end_url, ending

    return client.post(end_url(world), ending(**overrides), follow=True)


def _message(response) -> str:
    text = html(response)
    start = text.index('<div class="messages">')
    return text[start : text.index("</div></div>", start)]


def test_the_message_after_ending_links_the_last_round(client, world):
    login(client, world.trust_person)
    message = _message(_end(client, world))
    assert "Oppfølgingen er avsluttet." in message
    create = reverse("qol_round_create", args=[world.case.pk])
    assert f'<a class="ds-link" href="{create}">Ta en siste livskvalitetsrunde</a>' in message


def test_the_message_after_ending_has_no_last_round_when_the_case_has_it_or_the_user_died(client, world):
    from koordinator.models import FollowUp

    login(client, world.trust_person)
    message = _message(
        _end(client, world, reason=FollowUp.EndingReason.DEATH, open_door_until="", evaluation_user_part="")
    )
    assert "Oppfølgingen er avsluttet." in message and "Ta en siste livskvalitetsrunde" not in message
    # A case whose latest round is already «Ved avslutning» (ended, started again, ended again).
    FollowUp.objects.filter(pk=world.case.pk).update(
        status=FollowUp.Status.ACTIVE, ended_on=None, ending_reason=""
    )
    take_round(FollowUp.objects.get(pk=world.case.pk), world.trust_person, kind="end")
    message = _message(_end(client, world))
    assert "Oppfølgingen er avsluttet." in message and "Ta en siste livskvalitetsrunde" not in message


# --- 5. «Slik har det gått» says what is missing once; the staff's column says what it compares ---------------------


def test_a_missing_answer_is_said_once_with_three_rounds():
    from outcomes import change
    from outcomes.models import QualityOfLifeRound
    from tests.outcomes.change_helpers import AUGUST, MAY, NOVEMBER, TODAY

    rounds = [
        QualityOfLifeRound(pk=1, taken_on=MAY, s1=3, s3=3),
        QualityOfLifeRound(pk=2, taken_on=AUGUST, s1=3, s2=2, s3=3),
        QualityOfLifeRound(pk=3, taken_on=NOVEMBER, s1=4, s4=3),
    ]
    got = {c.item.code: c for c in change.subjective_changes(rounds, today=TODAY)}
    # Not answered the first time nor now (answered in between): one sentence, nothing after it.
    assert got["S2"].sentence == "Du svarte ikke på dette i mai eller i november."
    assert got["S2"].previous_sentence is None
    # Answered before, not now: «not in November» once.
    assert got["S3"].sentence == "Du svarte ikke på dette i november." and got["S3"].previous_sentence is None
    # Not answered the first time nor the time before, answered now: one sentence names both.
    assert got["S4"].sentence == "Du svarte ikke på dette i mai eller i august."
    assert got["S4"].previous_sentence is None
    # Answered every time: both comparisons, as before.
    assert got["S1"].sentence and got["S1"].previous_sentence
    # The staff's words keep both comparisons.
    assert got["S3"].staff == got["S3"].staff_since_previous == "Ikke svart i november"


def test_the_user_reads_a_missing_answer_once(client, world):
    from tests.outcomes.change_helpers import AUGUST, MAY, NOVEMBER, TODAY, make_round

    with time_machine.travel(at(TODAY, 10), tick=False):
        make_round(world.case, MAY, s1=3)
        make_round(world.case, AUGUST, s1=3, s2=2)
        make_round(world.case, NOVEMBER, s1=4)
        text = html(login(client, world.owner).get(reverse("my_qol_change")))
    item = text[text.index('id="sporsmal-s2"') : text.index('id="sporsmal-s3"')]
    assert item.count("Du svarte ikke på dette") == 1


def test_the_staffs_objective_column_says_it_compares_the_first_and_the_last_round(client, world):
    from tests.outcomes.change_helpers import MAY, NOVEMBER, TODAY, make_round

    with time_machine.travel(at(TODAY, 10), tick=False):
        make_round(world.case, MAY, o1="nei")
        make_round(world.case, NOVEMBER, o1="ja")
        text = html(login(client, world.trust_person).get(reverse("qol_change", args=[world.case.pk])))
    assert '<th scope="col">Første til siste runde</th>' in text
    assert 'data-label="Første til siste runde"' in text and '<th scope="col">Endring</th>' not in text


# --- 6. the printout says whose it is and when it was printed --------------------------------------------------------


def test_the_printout_carries_the_name_and_the_day(client, world):
    from pathlib import Path

    from django.conf import settings

    from tests.outcomes.change_helpers import MAY, NOVEMBER, TODAY, make_round

    name = world.case.service_user.full_name
    printed = f'<p class="ds-paragraph change-printed">{name} · skrevet ut 20.11.2026</p>'
    with time_machine.travel(at(TODAY, 10), tick=False):
        make_round(world.case, MAY, s1=3)
        make_round(world.case, NOVEMBER, s1=4)
        assert printed in html(login(client, world.owner).get(reverse("my_qol_change")))
        assert printed in html(
            login(client, world.trust_person).get(reverse("qol_change", args=[world.case.pk]))
        )
    css = (Path(settings.BASE_DIR) / "static" / "css" / "qol_change.css").read_text()
    screen, paper = css[: css.index("@media print")], css[css.index("@media print") :]
    assert ".change-printed {\n  display: none;" in screen
    assert ".change-printed {\n    display: block !important;" in paper


# --- 7. the staff form's two parts start alike: nothing chosen -------------------------------------------------------


def test_the_staff_forms_user_part_starts_with_nothing_chosen_and_not_chosen_is_missing(client, world, case):
    import re

    c = login(client, world.trust_person)
    text = html(c.get(reverse("qol_round_create", args=[case.pk])))
    assert 'type="radio" name="s1" value=""' in text  # «Hopp over» is still there
    assert not re.search(r'name="s\d+"[^>]*checked', text)
    assert not re.search(r'name="o\d+"[^>]*checked', text)
    # After an error elsewhere: what was chosen stays chosen, «Hopp over» too; what was not stays unchosen.
    text = html(
        c.post(
            reverse("qol_round_create", args=[case.pk]),
            {"taken_on": "2030-01-01", "s1": "", "s2": "4", "subjective_by": "user"},
        )
    )
    assert re.search(r'name="s1" value=""[^>]*checked', text)
    assert re.search(r'name="s2" value="4"[^>]*checked', text)
    assert not re.search(r'name="s3"[^>]*checked', text)
    # Saved: «Hopp over» and not chosen are both missing.
    c.post(
        reverse("qol_round_create", args=[case.pk]),
        {"taken_on": MONDAY.isoformat(), "s1": "", "s2": "4", "subjective_by": "user"},
    )
    saved = rounds.rounds_for_case(world.trust_person, case).get()
    assert (saved.s1, saved.s2, saved.s3) == (None, 4, None)
    # Editing it: the missing answers show nothing chosen, the given one its value.
    text = html(c.get(reverse("qol_round_edit", args=[saved.pk])))
    assert re.search(r'name="s2" value="4"[^>]*checked', text)
    assert not re.search(r'name="s1"[^>]*checked', text) and not re.search(r'name="s3"[^>]*checked', text)
