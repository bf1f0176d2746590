"""Min side asks «Kontakten din nå» and the coming absences with one query for the absences of both
(``continuity.contacts_now_and_coming``, issue 11): it must answer as ``contact_now`` and ``coming_contacts`` do, on
every mix of absences of the trust person and the deputy (today, ahead, both, overlapping, cancelled)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from koordinator import continuity
from koordinator.models import Absence
from koordinator.timeutil import at

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)  # Monday
D = datetime.timedelta


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY, 9), tick=False) as traveller:
        yield traveller


def away(world, person, first, last, *, cancelled=False):
    return Absence.objects.create(person=person, kind="ferie", starts_on=first, ends_on=last,
                                  registered_by=world.leader,
                                  cancelled_at=at(TODAY, 8) if cancelled else None)


SCENARIOS = {
    "nobody away": [],
    "trust person away today": [("trust_person", -2, 3)],
    "both away today": [("trust_person", 0, 3), ("deputy", -1, 1)],
    "trust person ahead": [("trust_person", 7, 11)],
    "both ahead, overlapping": [("trust_person", 7, 11), ("deputy", 9, 20)],
    "away today and again ahead": [("trust_person", -1, 1), ("trust_person", 10, 12), ("deputy", 11, 11)],
    "two absences covering today": [("trust_person", -3, 2), ("trust_person", -1, 4)],
    "ends today, then ahead": [("trust_person", -5, 0), ("trust_person", 1, 3)],
    "cancelled today, beyond the horizon": [("trust_person", 0, 2, True), ("trust_person", 61, 70)],
    "on the horizon": [("trust_person", 60, 65), ("deputy", 60, 60)],
}


@pytest.mark.parametrize("absences", SCENARIOS.values(), ids=SCENARIOS.keys())
@pytest.mark.parametrize("own_deputy", [True, False], ids=["case-deputy", "standing-deputy"])
def test_one_query_answers_as_the_two(world, clock, django_assert_num_queries, absences, own_deputy):
    case = world.case
    if not own_deputy:
        from koordinator.models import DeputyArrangement

        DeputyArrangement.objects.update_or_create(trust_person=world.trust_person,
                                                   defaults={"deputy": world.deputy, "set_by": world.leader,
                                                             "unit": world.unit})
        case.deputy = None
        case.save(update_fields=["deputy"])
    for who, first, last, *cancelled in absences:
        away(world, getattr(world, who), TODAY + D(days=first), TODAY + D(days=last), cancelled=bool(cancelled))
    cases = continuity.owner_cases(world.owner)  # as Min side reads them (one case here)
    assert [c.pk for c in cases] == [case.pk]
    standing = continuity.standing_deputies({c.trust_person_id for c in cases})
    with django_assert_num_queries(1):
        now, coming = continuity.contacts_now_and_coming(cases, standing)
    assert now == continuity.contact_now(cases[0], standing=standing)
    assert coming == continuity.coming_contacts(cases, standing=standing)
