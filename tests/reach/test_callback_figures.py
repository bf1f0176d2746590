"""The leader's «Ring meg» figures (issue 16, point 6): per month and per trust person, the count, the median and the
90th percentile of the working time to the first mark, how many wait, and the share escalated; the leader's
municipalities and the chosen months only."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from koordinator.timeutil import at
from reach import figures
from reach.models import CallbackRequest
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # a Tuesday
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY, 14), tick=False) as traveller:
        yield traveller


def request(case, asked, *, handled=None, level=0, state=None, unit=None, when="soon") -> CallbackRequest:
    return CallbackRequest.objects.create(
        case=case, service_user=case.service_user, unit=unit or case.unit, requested_at=asked, when=when,
        assigned_to=case.trust_person, assigned_role="primary", due_by=asked, handled_at=handled,
        escalation_level=level, state=state or ("done" if handled else "open"), outcome="called" if handled else "")


def test_the_median_and_90th_percentile_in_working_time(world):
    monday = datetime.date(2026, 11, 23)
    # Waits of 10, 20, 30 … 100 minutes on Monday; and one Friday 15.00 → Monday 08.30: 60 working minutes.
    for minutes in range(10, 101, 10):
        request(world.case, at(monday, 9), handled=at(monday, 9) + datetime.timedelta(minutes=minutes))
    request(world.case, at(datetime.date(2026, 11, 20), 15), handled=at(monday, 8, 30), level=1)
    request(world.case, at(TODAY, 9))  # still waiting
    data = figures.leader_figures(world.leader, NOVEMBER)
    november = data.months[-1]
    assert november.label == "November 2026"
    assert november.figures.asked == 12 and november.figures.waiting == 1 and november.figures.escalated == 1
    # 11 waits: 10 … 100 and 60 → sorted 10 20 30 40 50 60 60 70 80 90 100.
    assert november.figures.median == datetime.timedelta(minutes=60)
    assert november.figures.p90 == datetime.timedelta(minutes=90)
    assert november.figures.median_text == "1 t" and november.figures.p90_text == "1 t 30 min"
    assert november.figures.escalated_share == "8 %"
    assert data.total.asked == 12
    [row] = [row for row in data.people if row.person == world.trust_person]
    assert row.figures.asked == 12


def test_the_time_counts_from_when_the_call_could_first_come(world):
    """Not from the press: «i morgen ettermiddag» from noon on the next working day; a call before working hours (or
    before the time asked for) waited no working time, shown as «under 1 min», never «0 min»."""
    monday = datetime.date(2026, 11, 23)
    request(world.case, at(monday, 15), when="tomorrow_afternoon", handled=at(TODAY, 12, 30))
    data = figures.leader_figures(world.leader, NOVEMBER)
    assert data.total.median == datetime.timedelta(minutes=30) and data.total.median_text == "30 min"
    CallbackRequest.objects.all().delete()
    request(world.case, at(monday, 7), handled=at(monday, 7, 45))  # called before the office opened
    request(world.case, at(monday, 9), when="tomorrow_morning", handled=at(monday, 10))  # earlier than asked
    data = figures.leader_figures(world.leader, NOVEMBER)
    assert data.total.median == datetime.timedelta() and data.total.p90 == datetime.timedelta()
    assert data.total.median_text == "under 1 min" and data.total.p90_text == "under 1 min"
    assert figures.duration_text(datetime.timedelta(seconds=40)) == "under 1 min"


def test_the_months_and_the_people(world):
    request(world.case, at(datetime.date(2026, 6, 10), 10), handled=at(datetime.date(2026, 6, 10), 12))
    request(world.other_case, at(datetime.date(2026, 9, 1), 10), handled=at(datetime.date(2026, 9, 2), 10))
    request(world.case, at(datetime.date(2026, 5, 31), 10), handled=at(datetime.date(2026, 6, 1), 10))  # before
    data = figures.leader_figures(world.leader, NOVEMBER)
    assert [row.label for row in data.months] == ["Juni 2026", "Juli 2026", "August 2026", "September 2026",
                                                 "Oktober 2026", "November 2026"]
    assert [row.figures.asked for row in data.months] == [1, 0, 0, 1, 0, 0]
    assert data.months[0].figures.median_text == "2 t"
    assert data.months[3].figures.median_text == "7 t 30 min"  # a whole working day
    assert data.months[1].figures.median_text == "–" and data.months[1].figures.escalated_share == "–"
    people = {row.person: row.figures.asked for row in data.people}
    assert people[world.trust_person] == 1 and people[world.other_trust_person] == 1
    assert people[world.deputy] == 0  # every trust person in the leader's units is listed
    assert world.other_leader not in people


def test_only_the_leaders_municipality(world):
    bergen_tp = f.UserFactory(username="tillit_bergen")
    f.MembershipFactory(user=bergen_tp, organisation=world.other_unit)
    bergen_case = f.FollowUpFactory(unit=world.other_unit, trust_person=bergen_tp)
    request(bergen_case, at(TODAY, 9), handled=at(TODAY, 10))
    request(world.case, at(TODAY, 9), handled=at(TODAY, 11))
    ours = figures.leader_figures(world.leader, NOVEMBER)
    theirs = figures.leader_figures(world.other_leader, NOVEMBER)
    assert ours.total.asked == 1 and ours.total.median == datetime.timedelta(hours=2)
    assert theirs.total.asked == 1 and theirs.total.median == datetime.timedelta(hours=1)
    assert world.trust_person not in {row.person for row in theirs.people}


def test_the_chosen_period(world):
    request(world.case, at(datetime.date(2026, 3, 2), 10), handled=at(datetime.date(2026, 3, 2), 11))
    data = figures.leader_figures(world.leader, datetime.date(2026, 5, 1))
    assert data.first == datetime.date(2025, 12, 1) and data.total.asked == 1
    assert data.previous == "2025-11" and data.next == "2026-11"
    assert figures.leader_figures(world.leader, NOVEMBER).next is None


@pytest.mark.parametrize(
    ("value", "month", "notice"),
    [
        ("2026-05", datetime.date(2026, 5, 1), ""),
        ("", NOVEMBER, ""),
        (None, NOVEMBER, ""),
        ("2026-13", NOVEMBER, "Fant ikke måneden «2026-13». Viser månedene fram til nå."),
        ("2027-01", NOVEMBER, "Viser månedene fram til nå."),
        ("mai", NOVEMBER, "Fant ikke måneden «mai». Viser månedene fram til nå."),
    ],
)
def test_the_month_parameter(value, month, notice):
    assert figures.parse_last_month(value) == (month, notice)


def test_percentiles():
    minutes = [datetime.timedelta(minutes=m) for m in (5, 1, 3)]
    assert figures.percentile(minutes, 0.9) == datetime.timedelta(minutes=5)
    assert figures.percentile([datetime.timedelta(minutes=4)], 0.9) == datetime.timedelta(minutes=4)
    assert figures.percentile([], 0.9) is None
    assert figures.duration_text(datetime.timedelta(hours=26, minutes=5)) == "26 t 5 min"
    assert figures.duration_text(datetime.timedelta(minutes=35)) == "35 min"
    assert figures.duration_text(None) == "–"


def test_two_queries_however_many(world, django_assert_max_num_queries):
    for day in range(1, 20):
        request(world.case, at(datetime.date(2026, 10, day), 9), handled=at(datetime.date(2026, 10, day), 10))
    with django_assert_max_num_queries(6):
        data = figures.leader_figures(world.leader, NOVEMBER)
        assert data.total.asked == 19 and len(data.people) >= 3
    assert timezone.now() == at(TODAY, 14)
