"""The half-year report runs a fixed number of queries, whatever the number of cases (issue 14, Done when; the
benchmark issue's targets, ``tests/query_counts.py``), and reads only the municipality's (or the unit's) rows.

Each output (page, PDF, CSV, API) is counted for a municipality with a few busy cases and again after many more;
then again after 30 busy cases in another municipality, which must not change the count. Every query that reads
the cases or anything hanging off them names the municipality (or the unit) in its SQL.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from koordinator.models import FollowUp, FollowUpEntry
from koordinator.timeutil import at
from outcomes.models import QualityOfLifeRound
from tests.conftest import login
from tests.query_counts import (  # noqa: F401 - ``clock`` is an autouse fixture
    MONDAY,
    assert_flat_elsewhere,
    assert_same,
    busy_cases,
    clock,
    get,
    partner_in_groups,
    pdf_text,
)

pytestmark = pytest.mark.django_db

PERIOD = {"periode": "2026-H2"}  # the current half-year on MONDAY: the busy cases' meetings and plans are in it
ROUTES = ("half_year_report", "half_year_report_pdf", "half_year_report_csv", "api-half-year-report")


def more_cases(world, n: int, start: int) -> list:
    """``n`` busy cases (a plan with a measure waiting for a decision, a group with a held meeting where NAV sent a
    person), each with log entries of two kinds and places, two quality-of-life rounds (O3 «Nei» → «Ja», S13 3 → 4),
    and every third one ended in the half-year."""
    day = MONDAY
    cases = busy_cases(world.trust_person, world.unit, day, n, start=start)
    FollowUp.objects.filter(pk__in=[c.pk for c in cases]).update(started_on=datetime.date(2025, 10, 1))
    partner_in_groups(world.partner_org_member, world.nav, cases, day, world.trust_person)
    bulk_create_with_history([
        FollowUpEntry(follow_up=case, written_by=world.trust_person, kind=kind, place=place,
                      started_at=at(day - datetime.timedelta(days=i % 20 + 1), 10), note="Samtale")
        for i, case in enumerate(cases)
        for kind, place in ((FollowUpEntry.Kind.HOME_VISIT, "Hjemme hos brukeren"),
                            (FollowUpEntry.Kind.CONVERSATION, "Kafé"))
    ], FollowUpEntry, default_user=world.trust_person)
    QualityOfLifeRound.objects.bulk_create(
        [QualityOfLifeRound(follow_up=case, taken_on=day - datetime.timedelta(days=200), o3="nei", s13=3)
         for case in cases]
        + [QualityOfLifeRound(follow_up=case, taken_on=day - datetime.timedelta(days=10), o3="ja", s13=4)
           for case in cases]
    )
    ended = cases[::3]
    FollowUp.objects.filter(pk__in=[c.pk for c in ended]).update(
        status=FollowUp.Status.ENDED, ended_on=day - datetime.timedelta(days=5),
        ending_reason=FollowUp.EndingReason.MOVED)
    return cases


@pytest.mark.parametrize("route", ROUTES)
def test_the_report_runs_the_same_queries_for_few_and_many_cases(world, client, route):
    login(client, world.leader)
    path = reverse(route)
    more_cases(world, 6, start=0)
    small = get(client, path, PERIOD)
    more_cases(world, 24, start=100)
    large = get(client, path, PERIOD)
    assert_same(small, large, route, ("6 cases", "30 cases"))
    if route == "api-half-year-report":
        # The larger report is larger: the figures grew with the cases.
        cells = {(t["key"], r["key"]): r["cells"][0]["value"] for s in large.json()["sections"]
                 for t in s["tables"] for r in t["rows"]}
        assert cells[("cases", "cases")] == 30 + 2  # and the world's two cases
        assert cells[("meetings", "held")] == 30
        assert cells[("quality_subjective", "item_S13")] == 30
        assert cells[("work", "started")] == 30
    if route == "half_year_report_pdf":
        assert pdf_text(large.response)[0] >= 3
    assert_flat_elsewhere(world, client, path, large, route, MONDAY, PERIOD)


# The tables of personal data the report reads; each query on one of them must be bounded by the municipality.
DATA_TABLES = ("koordinator_followup", "koordinator_followupentry", "plans_plan", "plans_measure",
               "meetings_group", "meetings_meeting", "meetings_groupmember", "meetings_attendance",
               "outcomes_qualityofliferound")


OWN_CASES = 'SELECT "koordinator_followup"."id" AS "pk" FROM "koordinator_followup" WHERE ("koordinator_followup".' \
            '"trust_person_id" = '


def test_every_query_on_the_cases_is_bounded_by_the_municipality_or_the_unit(world, client):
    login(client, world.leader)
    more_cases(world, 3, start=0)
    for params, column in ((PERIOD, '"municipality_id"'), ({**PERIOD, "enhet": world.unit.pk}, '"unit_id"')):
        client.get(reverse("api-half-year-report"), params)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("api-half-year-report"), params)
        assert response.status_code == 200
        reads = [q["sql"] for q in ctx.captured_queries
                 if any(f'"{table}"' in q["sql"] for table in DATA_TABLES) and q["sql"].lstrip().startswith("SELECT")]
        assert len(reads) >= 8
        for sql in reads:
            # The gate's own piece (the cases the reader is trust person or deputy on) is bounded by the reader.
            if sql.startswith(OWN_CASES):
                continue
            assert column in sql, sql[:600]
