"""«Slik har det gått»: the comparison and its words (``outcomes.change``), and the charts (``outcomes.charts``).

Pure functions over rounds: the rounds here are unsaved model instances. The words are the user's («Du er mer
fornøyd med boligen enn i mai»), scores compared after reversing the reverse items (S8, S11, S12), a skipped
question named as skipped, months in Norwegian."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation

from outcomes import change, charts
from outcomes.instrument import ITEMS
from outcomes.models import QualityOfLifeRound
from tests.outcomes.change_helpers import AUGUST, MAY, NOVEMBER, TODAY


def rnd(day: datetime.date, pk: int = 0, **answers) -> QualityOfLifeRound:
    return QualityOfLifeRound(pk=pk or None, taken_on=day, **answers)


def sentences(first: dict, latest: dict, *, previous: dict | None = None) -> dict[str, change.SubjectiveChange]:
    rounds = [rnd(MAY, 1, **first), rnd(NOVEMBER, 3, **latest)]
    if previous is not None:
        rounds.insert(1, rnd(AUGUST, 2, **previous))
    return {c.item.code: c for c in change.subjective_changes(rounds, today=TODAY)}


# --- the user's words ------------------------------------------------------------------------------------------


def test_better_worse_and_the_same_on_the_satisfaction_questions():
    got = sentences({"s1": 2, "s6": 4, "s13": 3, "s7": 1}, {"s1": 4, "s6": 2, "s13": 3, "s7": 1})
    assert got["S1"].sentence == "Du er mer fornøyd med boligen enn i mai."
    assert got["S6"].sentence == "Du er mindre fornøyd med økonomien enn i mai."
    assert got["S13"].sentence == "Du er like fornøyd med livet ditt som i mai."
    assert got["S7"].sentence == "Du er like fornøyd med helsa som i mai."
    assert (got["S1"].way, got["S6"].way, got["S13"].way) == (change.BETTER, change.WORSE, change.SAME)


def test_reverse_items_are_compared_after_reversing_and_worded_to_fit():
    # S8 «Hvor ofte styrer rusen hverdagen din?»: from «Ofte» (4) to «Sjelden» (2) is better.
    got = sentences({"s8": 4, "s11": 1, "s12": 3}, {"s8": 2, "s11": 3, "s12": 2})
    assert got["S8"].way == change.BETTER
    assert got["S8"].sentence == "Rusen styrer hverdagen din sjeldnere enn i mai."
    assert got["S11"].way == change.WORSE
    assert got["S11"].sentence == "Du blir utsatt for vold eller trusler oftere enn i mai."
    assert got["S12"].sentence == "Du føler deg deprimert, redd eller oppgitt sjeldnere enn i mai."
    assert got["S8"].staff == "Bedre enn i mai" and got["S11"].staff == "Dårligere enn i mai"
    # The chart's bars are the scores: higher is better, for a reverse item too.
    assert [p.score for p in got["S8"].points] == [2, 4]
    assert [p.words for p in got["S8"].points] == ["Ofte", "Sjelden"]
    worse = sentences({"s8": 2}, {"s8": 5})["S8"]
    assert worse.sentence == "Rusen styrer hverdagen din oftere enn i mai."


def test_the_other_questions_have_words_of_their_own():
    got = sentences({"s9": 2, "s10": 4, "s14": 3}, {"s9": 4, "s10": 2, "s14": 5})
    assert got["S9"].sentence == "Du føler deg mer i stand til å jobbe enn i mai."
    assert got["S10"].sentence == "Du føler deg trygg sjeldnere enn i mai."
    assert got["S14"].sentence == "Du klarer mer av det du vil i hverdagen enn i mai."


def test_the_same_answer_on_a_frequency_question_is_said_with_the_answer():
    # «like ofte som i mai» would say there is violence when the answer was «Aldri» both times.
    got = sentences({"s11": 1, "s8": 3}, {"s11": 1, "s8": 3})
    assert got["S11"].sentence == "Du svarte det samme som i mai: aldri."
    assert got["S8"].sentence == "Du svarte det samme som i mai: av og til."
    assert got["S11"].staff == "Som i mai"


def test_a_question_skipped_in_either_round_says_so():
    got = sentences({"s1": 3, "s2": 3}, {"s2": None, "s3": 4, "s1": 4})
    assert got["S3"].sentence == "Du svarte ikke på dette i mai."
    assert got["S2"].sentence == "Du svarte ikke på dette i november."
    assert got["S4"].sentence == "Du svarte ikke på dette i mai eller i november."
    assert got["S3"].way == got["S2"].way == got["S4"].way == change.MISSING
    assert got["S3"].staff == "Ikke svart i mai"
    assert got["S2"].points[-1].words == "Ikke svart"


def test_with_three_rounds_the_latest_is_also_compared_with_the_one_before():
    got = sentences({"s1": 2}, {"s1": 4}, previous={"s1": 5})
    s1 = got["S1"]
    assert s1.sentence == "Du er mer fornøyd med boligen enn i mai."
    assert s1.previous_sentence == "Du er mindre fornøyd med boligen enn i august."
    assert s1.staff_since_previous == "Dårligere enn i august"
    assert [p.label for p in s1.points] == ["mai", "august", "november"]
    two = sentences({"s1": 2}, {"s1": 4})["S1"]
    assert two.previous is None and two.previous_sentence is None


def test_rounds_without_the_users_part_are_left_out():
    # The trust person's part only (the user has not answered yet): not a round of the user's to compare.
    rounds = [rnd(MAY, 1, s1=2), rnd(AUGUST, 2, o1="ja"), rnd(NOVEMBER, 3, s1=3)]
    s1 = {c.item.code: c for c in change.subjective_changes(rounds, today=TODAY)}["S1"]
    assert s1.previous is None and s1.way == change.BETTER
    assert change.subjective_changes([rnd(MAY, 1, s1=2), rnd(AUGUST, 2, o1="ja")], today=TODAY) == []
    single = change.single_round([rnd(MAY, 1, s1=2), rnd(AUGUST, 2, o1="ja")], today=TODAY)
    assert single[0][0].code == "S1" and single[0][1].words == "Lite fornøyd"
    assert change.single_round([], today=TODAY) is None


def test_the_tally_counts_each_way():
    got = sentences({"s1": 2, "s2": 3, "s3": 4}, {"s1": 3, "s2": 3, "s3": 1})
    assert change.tally(list(got.values())) == {"better": 1, "same": 1, "worse": 1, "missing": 11}


# --- months in Norwegian ---------------------------------------------------------------------------------------

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember"]


def test_month_names_are_norwegian():
    for number, name in enumerate(MONTHS, start=1):
        day = datetime.date(2026, number, 3)
        assert change.when(day, today=datetime.date(2026, 12, 31)) == f"i {name}"


def test_a_month_in_another_year_carries_the_year_and_the_same_month_the_day():
    assert change.when(datetime.date(2025, 12, 1), today=TODAY) == "i desember 2025"
    assert change.month_label(datetime.date(2025, 12, 1), today=TODAY) == "desember 2025"
    assert change.when(datetime.date(2026, 11, 3), today=TODAY, other=datetime.date(2026, 11, 17)) == "3. november"
    first = rnd(datetime.date(2025, 12, 1), 1, s1=2)
    got = change.subjective_changes([first, rnd(datetime.date(2026, 6, 2), 2, s1=3)], today=TODAY)
    assert got[0].sentence == "Du er mer fornøyd med boligen enn i desember 2025."
    same_month = change.subjective_changes([rnd(datetime.date(2026, 11, 2), 1, s1=2),
                                            rnd(datetime.date(2026, 11, 16), 2, s1=1)], today=TODAY)
    assert same_month[0].sentence == "Du er mindre fornøyd med boligen enn 2. november."


def test_the_words_follow_the_language():
    with translation.override("en"):
        assert change.month_name(MAY) == "May"


def test_adding_months_keeps_the_day_or_takes_the_last():
    assert change.add_months(datetime.date(2026, 5, 12), 6) == datetime.date(2026, 11, 12)
    assert change.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert change.add_months(datetime.date(2026, 12, 1), 1) == datetime.date(2027, 1, 1)


# --- the objective part ----------------------------------------------------------------------------------------


def test_the_objective_part_marks_better_and_worse_in_words_and_leaves_descriptive_items_alone():
    rounds = [
        rnd(MAY, 1, o1="nei", o3="ja", o5="ja", o10="vet_ikke", o12="ja", o17="nei", o7="ja"),
        rnd(AUGUST, 2, o1="nei"),
        rnd(NOVEMBER, 3, o1="ja", o3="nei", o5="nei", o10="ja", o12="nei", o17="nei", o7=""),
    ]
    shown, rows = change.objective_changes(rounds)
    assert [r.taken_on for r in shown] == [MAY, AUGUST, NOVEMBER]
    by = {row.item.code: row for row in rows}
    assert (by["O1"].word, by["O1"].answers) == ("Bedre", ["Nei", "Nei", "Ja"])
    assert by["O3"].word == "Dårligere"
    assert by["O12"].word == "Bedre"  # «daily in active use»: nei is better (reverse)
    assert by["O17"].word == "Uendret"
    assert by["O10"].word == "Kan ikke sammenlignes"  # «Vet ikke» is missing, not «nei»
    assert by["O7"].word == "Kan ikke sammenlignes" and by["O7"].answers[-1] == "Ikke svart"
    assert by["O5"].way is None and by["O5"].word == "Beskriver situasjonen"
    assert by["O5"].answers == ["Ja", "Ikke svart", "Nei"]
    assert {by[code].word for code in ("O5", "O6", "O13", "O15", "O18")} == {"Beskriver situasjonen"}


def test_one_objective_round_has_answers_and_no_change():
    shown, rows = change.objective_changes([rnd(MAY, 1, o1="ja"), rnd(AUGUST, 2, s1=3)])
    assert len(shown) == 1
    assert rows[0].answers == ["Ja"] and rows[0].way is None and rows[0].word == ""


# --- the charts ------------------------------------------------------------------------------------------------


def test_bar_pair_is_an_accessible_svg_with_the_numbers_in_text():
    svg = str(charts.bar_pair(3, 4, max=5, label="Boligen"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    title_id = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
    assert f'<title id="{title_id}">Boligen: Da: 3 av 5; Nå: 4 av 5</title>' in svg
    assert ">Da: 3 av 5</text>" in svg and ">Nå: 4 av 5</text>" in svg
    widths = re.findall(r'class="chart__bar[^"]*"[^>]*width="([\d.]+)"', svg)
    assert widths == ["192.0", "256.0"]  # 3/5 and 4/5 of 320
    assert "chart__bar--muted" in svg  # then is muted, now is not
    assert "style=" not in svg  # the CSP forbids inline styles


def test_a_missing_value_draws_no_bar_and_says_so():
    svg = str(charts.bar_pair(charts.Bar("mai", None, "Ikke svart"), charts.Bar("november", 2, "Lite fornøyd"),
                              label="Boligen"))
    assert len(re.findall(r'class="chart__bar', svg)) == 1
    assert "mai: Ikke svart" in svg and "november: Lite fornøyd" in svg


def test_chart_text_is_escaped():
    svg = str(charts.bar_chart([charts.Bar("<script>x</script>", 2)], label='"><b>'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_each_chart_has_its_own_id():
    ids = {re.search(r'id="([^"]+)"', str(charts.bar_pair(1, 2, label="A"))).group(1) for _ in range(3)}
    assert len(ids) == 3


def test_bar_chart_and_share_bar_for_the_report():
    svg = str(charts.bar_chart([charts.Bar("Nye", 10), charts.Bar("Aktive", 40),
                                charts.Bar("Hvilende", None, "under 5")], label="Saker"))
    assert "Saker: Nye: 10; Aktive: 40; Hvilende: under 5" in svg
    assert re.findall(r'class="chart__bar"[^>]*width="([\d.]+)"', svg) == ["80.0", "320.0"]
    shares = str(charts.share_bar([charts.Bar("Bedre", 40, "40 %"), charts.Bar("Som før", 38, "38 %"),
                                   charts.Bar("Dårligere", 22, "22 %")], label="Alt i alt"))
    assert 'role="img"' in shares and "Alt i alt: Bedre: 40 %; Som før: 38 %; Dårligere: 22 %" in shares
    assert ">Dårligere: 22 %</text>" in shares


@pytest.mark.parametrize("code", ["S8", "S11", "S12"])
def test_the_reverse_items_are_the_ones_the_instrument_marks(code):
    assert ITEMS[code].reverse
