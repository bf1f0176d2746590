"""Activity figures: contacts per month by kind, per case and per trust person, the last six months."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from koordinator import followup_log
from koordinator.models import FollowUpEntry
from koordinator.timeutil import at
from tests.koordinator.conftest import many_entries

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind
TODAY = datetime.date(2026, 12, 15)


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY, 12), tick=False) as traveller:
        yield traveller


def test_six_months_oldest_first_with_norwegian_month_boundaries(world, clock):
    # 00.30 on 1 December in Oslo is still 30 November in UTC: it counts for December.
    many_entries(world.case, 1, kind=Kind.PHONE, start=at(datetime.date(2026, 12, 1), 0, 30))
    many_entries(world.case, 1, kind=Kind.PHONE, start=at(datetime.date(2026, 11, 30), 23, 30))
    many_entries(world.case, 1, kind=Kind.PHONE, start=at(datetime.date(2026, 6, 30), 12))  # too old
    activity = followup_log.activity_for_case(world.trust_person, world.case)
    assert activity.months == [datetime.date(2026, m, 1) for m in range(7, 13)]
    assert activity.contacts == [0, 0, 0, 0, 1, 1]
    assert activity.month_labels[-1] == "des 2026"


def test_tried_but_did_not_meet_has_its_own_row_and_is_not_a_contact(world, clock):
    many_entries(world.case, 2, kind=Kind.HOME_VISIT, start=at(TODAY, 9))
    many_entries(world.case, 3, kind=Kind.NOT_MET, start=at(TODAY, 10))
    activity = followup_log.activity_for_case(world.trust_person, world.case)
    rows = {row.kind: row for row in activity.used_rows}
    assert set(rows) == {Kind.HOME_VISIT, Kind.NOT_MET}
    assert rows[Kind.HOME_VISIT].counts[-1] == 2 and rows[Kind.NOT_MET].counts[-1] == 3
    assert activity.contacts[-1] == 2 and activity.total_contacts == 2


def test_archived_entries_are_not_counted(world, clock):
    [entry] = many_entries(world.case, 1, start=at(TODAY, 9))
    followup_log.archive_entry(world.trust_person, entry, "Feil")
    assert not followup_log.activity_for_case(world.trust_person, world.case).has_any


def test_the_figures_come_through_the_gate(world, clock):
    many_entries(world.case, 2, start=at(TODAY, 9))
    assert followup_log.activity_for_case(world.partner_valid, world.case).total_contacts == 2
    assert followup_log.activity_for_case(world.partner_wrong_scope, world.case).total_contacts == 0
    assert followup_log.activity_for_case(world.other_trust_person, world.case).total_contacts == 0


def test_per_trust_person_by_who_wrote_it(world, clock):
    many_entries(world.case, 4, by=world.trust_person, start=at(TODAY, 9), hours_apart=1)
    many_entries(world.case, 1, by=world.deputy, kind=Kind.OTHER_SERVICE, start=at(TODAY, 10))
    many_entries(world.other_case, 2, by=world.other_trust_person, kind=Kind.PRISON_VISIT,
                 start=at(datetime.date(2026, 10, 3), 10))
    workers = {w.person: w.activity for w in followup_log.activity_by_trust_person(world.leader)}
    assert workers[world.trust_person].contacts[-1] == 4
    assert workers[world.deputy].contacts[-1] == 1
    assert [r.kind for r in workers[world.deputy].used_rows] == [Kind.OTHER_SERVICE]
    assert workers[world.other_trust_person].contacts[-3:] == [2, 0, 0]
    with pytest.raises(PermissionDenied):
        followup_log.activity_by_trust_person(world.trust_person)


def test_the_figures_run_a_fixed_number_of_queries(world, clock, django_assert_num_queries):
    many_entries(world.case, 30, start=at(TODAY, 9), hours_apart=40)
    many_entries(world.other_case, 30, start=at(TODAY, 9), hours_apart=40, kind=Kind.SMS)
    followup_log.activity_by_trust_person(world.leader)  # the leader's roles, read once
    with django_assert_num_queries(1):
        followup_log.activity_for_case(world.leader, world.case)
    with django_assert_num_queries(2):  # the counts; the people (the leader's units are a sub-query)
        followup_log.activity_by_trust_person(world.leader)
