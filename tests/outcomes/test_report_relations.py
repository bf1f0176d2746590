"""The half-year report's suppression knows every sum a reader can form from what is shown (issue 14 review).

Figures that add up to another figure in another table are relations too: the contacts «Møte med annen tjeneste»
and «Fulgt til avtale» make up the cooperation table's total, «Telefon» and «SMS» make up the place «På telefon
eller SMS», and those who started work-related activity are (with one pair of rounds each in the half-year) the
users whose O3 got better. Without the relation a hidden cell is the difference of two shown ones.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import FollowUpEntry
from koordinator.timeutil import at
from outcomes.models import QualityOfLifeRound
from outcomes.report import SHOWN
from tests.conftest import login
from tests.outcomes.report_helpers import BEFORE_H1, CLOCK, H1, IN_H1, api_cells, cases

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(CLOCK, 9), tick=False) as traveller:
        yield traveller


def _cells(client, user) -> dict:
    login(client, user)
    response = client.get(reverse("api-half-year-report"), {"periode": H1})
    assert response.status_code == 200
    return api_cells(response.json())


def _value(cells, table: str, row: str, column: str = "value"):
    cell = cells[(table, row, column)]
    return cell["value"] if cell["status"] == SHOWN else None


def _entries(case, world, *kinds) -> list[FollowUpEntry]:
    return [
        FollowUpEntry(follow_up=case, written_by=world.trust_person, kind=kind, started_at=at(IN_H1, 10 + i),
                      note="Samtale")
        for i, kind in enumerate(kinds)
    ]


def test_a_small_kind_of_contact_is_not_the_difference_of_two_shown_totals(world, client):
    """20 users met another service and talked on the phone; 3 of them were also followed to an appointment and
    sent an SMS. «Fulgt til avtale» and «SMS» are «under 5»; neither may be a shown total minus a shown part."""
    people = cases(world, 20)
    rows = []
    for i, case in enumerate(people):
        rows += _entries(case, world, Kind.OTHER_SERVICE, Kind.PHONE)
        if i < 3:
            rows += _entries(case, world, Kind.ACCOMPANIED, Kind.SMS)
    FollowUpEntry.objects.bulk_create(rows)
    cells = _cells(client, world.leader)
    assert cells[("contacts_kind", "kind_accompanied", "value")]["status"] == "under_threshold"
    assert cells[("contacts_kind", "kind_sms", "value")]["status"] == "under_threshold"
    cooperation = _value(cells, "contacts_services", "total")
    other_service = _value(cells, "contacts_kind", "kind_other_service")
    assert cooperation is None or other_service is None, "Fulgt til avtale = samarbeid i alt - møte med annen tjeneste"
    phone_place = _value(cells, "contacts_place", "place_phone")
    phone = _value(cells, "contacts_kind", "kind_phone")
    assert phone_place is None or phone is None, "SMS = på telefon eller SMS - telefon"


def _o3(world, plan: list[str]) -> None:
    people = cases(world, len(plan), started_on=BEFORE_H1)
    rounds = []
    for case, pair in zip(people, plan, strict=True):
        before, after = pair.split("-")
        rounds.append(QualityOfLifeRound(follow_up=case, taken_on=datetime.date(2025, 10, 1), o3=before))
        rounds.append(QualityOfLifeRound(follow_up=case, taken_on=datetime.date(2026, 4, 1), o3=after))
    QualityOfLifeRound.objects.bulk_create(rounds)


def test_those_who_started_work_do_not_give_away_a_hidden_better_on_o3(world, client):
    """30 answered O3 in both rounds: 7 «Nei» → «Ja», 2 «Ja» → «Nei», 21 «Ja» → «Ja». The 2 are «under 5» and the
    7 hidden with them; showing «Begynte i arbeidsrettet aktivitet: 7» would give 30 - 21 - 7 = 2."""
    _o3(world, ["nei-ja"] * 7 + ["ja-nei"] * 2 + ["ja-ja"] * 21)
    cells = _cells(client, world.leader)
    assert cells[("quality_objective", "item_O3", "worse")]["status"] == "under_threshold"
    assert cells[("quality_objective", "item_O3", "better")]["status"] != SHOWN
    assert _value(cells, "work", "started") is None


def test_a_hidden_start_of_work_is_not_given_away_by_o3_better(world, client):
    """9 were not in activity: 7 started, 2 did not (a remainder of 2, so «started» is hidden). O3's «better» is the
    same 7 users, and is hidden with it."""
    _o3(world, ["nei-ja"] * 7 + ["nei-nei"] * 2 + ["ja-ja"] * 21)
    cells = _cells(client, world.leader)
    assert _value(cells, "work", "not_in_activity") == 9
    assert _value(cells, "work", "started") is None
    assert cells[("quality_objective", "item_O3", "better")]["status"] != SHOWN
