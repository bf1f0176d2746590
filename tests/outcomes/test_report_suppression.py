"""Small numbers are suppressed in the half-year report (issue 14, point 4; Done when).

First the rule itself (``outcomes.report.suppress``, the one place it is applied): a figure describing 1–4 persons is
«under 5»; more figures are hidden («skjult») wherever what is shown would let a reader compute a hidden one back.
Then the proof on a real report: a cell of 4 persons is never shown, in the page, the PDF, the CSV or the API, while
a cell of 5 is; and the secondary suppression that goes with it.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import FollowUp
from koordinator.timeutil import at
from outcomes.report import HIDDEN, SHOWN, SMALL, Cells, suppress
from tests.conftest import login
from tests.outcomes.report_helpers import (
    BEFORE_H1,
    CLOCK,
    H1,
    IN_H1,
    api_cells,
    cases,
    csv_rows,
    page_row,
    pdf_lines,
)

Source = FollowUp.ReferralSource
Reason = FollowUp.EndingReason

# --- the rule ------------------------------------------------------------------------------------------------------


def statuses(*cells) -> list[str]:
    return [cell.status for cell in cells]


def test_a_figure_of_one_to_four_persons_is_under_five_zero_and_five_are_shown():
    c = Cells()
    cells = [c.add(n, n) for n in (0, 1, 4, 5, 30)]
    suppress(c, 5)
    assert statuses(*cells) == [SHOWN, SMALL, SMALL, SHOWN, SHOWN]


def test_one_small_cell_in_a_sum_hides_the_smallest_other_one_not_the_total():
    c = Cells()
    total, a, b, d, zero = c.add(25, 25), c.add(3, 3), c.add(8, 8), c.add(14, 14), c.add(0, 0)
    c.relate(total, [a, b, d, zero])
    suppress(c, 5)
    # 25 - 14 - 0 = 11 = a + b: neither can be told.
    assert statuses(total, a, b, d, zero) == [SHOWN, SMALL, HIDDEN, SHOWN, SHOWN]


def test_hidden_cells_that_together_describe_fewer_than_five_persons_get_company():
    c = Cells()
    total, a, b, d, e = c.add(25, 25), c.add(1, 1), c.add(2, 2), c.add(10, 10), c.add(12, 12)
    c.relate(total, [a, b, d, e])
    suppress(c, 5)
    # 1 + 2 = 3 would be known: one more is hidden, so the hidden ones add up to 13.
    assert statuses(total, a, b, d, e) == [SHOWN, SMALL, SMALL, HIDDEN, SHOWN]


def test_a_share_whose_remainder_is_small_is_hidden():
    c = Cells()
    served, with_plan, declined = c.add(10, 10), c.add(8, 8), c.add(0, 0)
    c.relate(served, [with_plan], closed=False)
    c.relate(served, [declined], closed=False)
    suppress(c, 5)
    # 8 of 10 would tell that 2 have none.
    assert statuses(served, with_plan, declined) == [SHOWN, HIDDEN, SHOWN]


def test_a_share_with_a_large_remainder_is_shown():
    c = Cells()
    served, with_plan = c.add(20, 20), c.add(5, 5)
    c.relate(served, [with_plan], closed=False)
    suppress(c, 5)
    assert statuses(served, with_plan) == [SHOWN, SHOWN]


def test_a_hidden_total_is_not_given_away_by_the_figures_that_add_up_to_it_elsewhere():
    """The open cases are hidden to protect the ended ones; the caseload rows and the statuses add up to the open
    cases, so one of each is hidden too, or the ended cases could be computed after all."""
    c = Cells()
    served, open_end, ended = c.add(30, 30), c.add(27, 27), c.add(3, 3)
    active, dormant = c.add(20, 20), c.add(7, 7)
    anna, berit = c.add(15, 15), c.add(12, 12)
    c.relate(served, [open_end, ended])
    c.relate(open_end, [active, dormant])
    c.relate(open_end, [anna, berit])
    suppress(c, 5)
    assert statuses(served, open_end, ended) == [SHOWN, HIDDEN, SMALL]
    assert statuses(active, dormant) == [SHOWN, HIDDEN]
    assert statuses(anna, berit) == [SHOWN, HIDDEN]


def test_figures_that_are_not_persons_get_a_cell_of_five_persons_or_more_as_company():
    c = Cells()
    # Contacts: 30 in all; prison visits 3 contacts with 2 persons, conversations 27 with 9.
    total, prison, talks = c.add(30, 10), c.add(3, 2), c.add(27, 9)
    c.relate(total, [prison, talks], disjoint=False)
    suppress(c, 5)
    assert statuses(total, prison, talks) == [SHOWN, SMALL, HIDDEN]


# --- the proof on a report ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock():
    """Monday 23 November 2026, before the world is made (autouse fixtures come first)."""
    with time_machine.travel(at(CLOCK, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def report_world(world, clock):
    """New cases in the first half of 2026: 12 came themselves, 6 from outreach and 4 from relatives (a cell of 4);
    and 5 older cases that ended in it, all because they moved (a cell of 5)."""
    cases(world, 12, source=Source.SELF)
    cases(world, 6, source=Source.OUTREACH)
    cases(world, 4, source=Source.RELATIVES)
    cases(world, 5, started_on=BEFORE_H1, status=FollowUp.Status.ENDED, ended_on=IN_H1, reason=Reason.MOVED)
    return world


def _get(client, name: str, **params):
    return client.get(reverse(name), {"periode": H1, **params})


@pytest.mark.django_db
def test_a_cell_of_four_persons_is_never_shown_and_a_cell_of_five_is(report_world, client):
    login(client, report_world.leader)

    # The page: «under 5» for the relatives (the count; «–» for the share), 5 for those who moved, in the tables and the charts.
    html = _get(client, "half_year_report").content.decode()
    assert page_row(html, "referral", "source_relatives") == ["under 5", "–"]  # a share: «–», not «under 5 %»
    assert page_row(html, "ending", "reason_moved") == ["5", "100 %"]
    assert "Pårørende tok kontakt: under 5" in html  # the chart's text alternative and its label
    assert "Flyttet: 5" in html
    assert not re.search(r"Pårørende tok kontakt: \d", html)
    assert "18,2" not in html and "18 %" not in html  # 4 of 22 new cases

    # The PDF.
    text = pdf_lines(_get(client, "half_year_report_pdf"))
    assert re.search(r"Pårørende tok kontakt under 5 –", text)
    assert not re.search(r"Pårørende tok kontakt:? \d", text)
    assert re.search(r"Flyttet 5 100 %", text)

    # The CSV: one line per figure.
    rows = {(row[0], row[1]): row[2] for row in csv_rows(_get(client, "half_year_report_csv"))}
    assert rows[("Saker og brukere", "Hvem henviste: Pårørende tok kontakt (Antall)")] == "under 5"
    assert rows[("Saker og brukere", "Hvem henviste: Pårørende tok kontakt (Andel av nye saker, %)")] == "–"
    assert rows[("Saker og brukere", "Avslutninger: Flyttet (Antall)")] == "5"

    # The API: no value at all.
    cells = api_cells(client.get(reverse("api-half-year-report"), {"periode": H1}).json())
    relatives = cells[("referral", "source_relatives", "value")]
    assert relatives == {"column": "value", "status": "under_threshold", "value": None, "text": "under 5"}
    assert cells[("referral", "source_relatives", "share")]["value"] is None
    assert cells[("ending", "reason_moved", "value")] == {"column": "value", "status": "shown", "value": 5.0,
                                                         "text": "5"}


@pytest.mark.django_db
def test_secondary_suppression_hides_another_cell_so_the_four_cannot_be_computed(report_world, client):
    """New cases: 22; came themselves 12; from another service 0. Showing outreach (6) would give relatives as
    22 - 12 - 0 - 6 = 4, so outreach is hidden too («skjult»), in every output."""
    login(client, report_world.leader)
    html = _get(client, "half_year_report").content.decode()
    assert page_row(html, "cases", "new") == ["22"]
    assert page_row(html, "referral", "source_self") == ["12", "55 %"]
    assert page_row(html, "referral", "source_agency") == ["0", "0 %"]
    assert page_row(html, "referral", "source_outreach") == ["skjult", "skjult"]
    cells = api_cells(client.get(reverse("api-half-year-report"), {"periode": H1}).json())
    assert cells[("referral", "source_outreach", "value")] == {"column": "value", "status": "hidden", "value": None,
                                                               "text": "skjult"}
    rows = {row[1]: row[2] for row in csv_rows(_get(client, "half_year_report_csv"))}
    assert rows["Hvem henviste: Oppsøkende arbeid (Antall)"] == "skjult"
    assert re.search(r"Oppsøkende arbeid skjult skjult", pdf_lines(_get(client, "half_year_report_pdf")))


@pytest.mark.django_db
def test_a_trust_persons_small_caseload_is_under_five_and_another_is_hidden_with_it(world, clock, client):
    """Trust persons are named in the caseload, but a caseload of 1–4 users is «under 5», and since the caseloads
    add up to the open cases, a second one is hidden too."""
    cases(world, 9, trust_person=world.trust_person)
    cases(world, 3, trust_person=world.other_trust_person)
    login(client, world.leader)
    html = _get(client, "half_year_report").content.decode()
    names = {user.pk: user.display_name for user in (world.trust_person, world.other_trust_person, world.deputy)}
    table = html[html.index('id="tabell-caseload"'):]
    assert names[world.trust_person.pk] in table and names[world.other_trust_person.pk] in table
    assert page_row(html, "caseload", f"trust_person_{world.other_trust_person.pk}") == ["under 5", "100 %", "–"]
    assert page_row(html, "caseload", f"trust_person_{world.trust_person.pk}") == ["skjult", "100 %", "skjult"]
    assert page_row(html, "caseload", f"trust_person_{world.deputy.pk}") == ["0", "100 %", "0,0"]
    assert page_row(html, "caseload", "total") == ["12", "300 %", "4,0"]


@pytest.mark.django_db
def test_a_mean_change_that_would_give_a_hidden_count_away_is_hidden_with_it(world, client):
    """O1 changes by +1 or -1 per user: with 22 answering, none better and a mean of -3/22, the three who got worse
    could be computed. So the mean is hidden with them; S13, where every part is shown, keeps its mean."""
    from outcomes.models import QualityOfLifeRound

    people = cases(world, 22, started_on=BEFORE_H1)
    for i, case in enumerate(people):
        worse = i < 3
        s13_after = 4 if i < 10 else 3 if i < 17 else 2
        QualityOfLifeRound.objects.create(follow_up=case, taken_on=BEFORE_H1, o1="ja", s13=3)
        QualityOfLifeRound.objects.create(follow_up=case, taken_on=IN_H1, o1="nei" if worse else "ja", s13=s13_after)
    login(client, world.leader)
    html = _get(client, "half_year_report").content.decode()
    assert page_row(html, "quality_objective", "item_O1") == ["22", "0 %", "skjult", "–", "skjult"]
    assert page_row(html, "quality_subjective", "item_S13") == ["22", "45 %", "32 %", "23 %", "+0,23"]
    cells = api_cells(client.get(reverse("api-half-year-report"), {"periode": H1}).json())
    assert cells[("quality_objective", "item_O1", "mean")] == {"column": "mean", "status": "hidden", "value": None,
                                                                "text": "skjult"}
    # The overall satisfaction's chart: the shares of better, same and worse.
    assert "Mer fornøyd: 45 %" in html and "Like fornøyd: 32 %" in html and "Mindre fornøyd: 23 %" in html
