"""Query counts of the FHIR API (issue 15): ``Patient/$everything`` and every search run the same number of queries
for 1 of everything (goals, steps, measures, crisis contacts, group members, consents) as for 30, and 30 cases in
another municipality do not change it."""

from __future__ import annotations

import datetime
import functools

import pytest
from rest_framework.test import APIClient

from koordinator.models import Consent, Organisation
from meetings import services as meeting_services
from meetings.models import GroupMember
from tests import query_counts as qc
from tests.conftest import login
from tests.exchange.fhir_helpers import url
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

MONDAY = qc.MONDAY
clock = qc.clock  # autouse: Monday morning in Oslo


@pytest.fixture
def case(world):
    plan = pf.PlanFactory(follow_up=world.case)
    group = meeting_services.create_group(world.trust_person, world.case)
    # The GP is in the group, so the partner sees its members (while the owner's meetings consent is in force).
    meeting_services.add_member(world.trust_person, group, person=world.partner_valid, role="fastlege")
    return plan, group


def grow(world, case, n: int, start: int) -> None:
    plan, group = case
    qc.plan_content(plan, n, author=world.trust_person, partner=world.partner_valid, start=start)
    qc.crisis_plan_for(world.owner_su, n, by=world.trust_person, start=start)
    services = Organisation.objects.bulk_create([
        Organisation(name=f"Tjeneste {i}", kind=Organisation.Kind.OTHER, municipality=world.municipality)
        for i in range(start, start + n)])
    GroupMember.objects.bulk_create([GroupMember(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=org,
                                                 role=f"rolle {org.pk}") for org in services])
    Consent.objects.bulk_create([
        Consent(owner=world.owner_su, grantee_organisation=org, recorded_by=world.trust_person,
                valid_from=MONDAY - datetime.timedelta(days=3), valid_until=MONDAY + datetime.timedelta(days=300),
                given_how=Consent.GivenHow.PAPER, scope_plan=True) for org in services])


PATHS = {
    "everything": lambda w: url("fhir-everything", w.owner_su.pk),
    **{f"search {t}": functools.partial(lambda t, w: url("fhir-search", t, patient=w.owner_su.pk), t)
       for t in ("CarePlan", "Goal", "CareTeam", "Consent")},
    "search Patient": lambda w: url("fhir-search", "Patient", _id=w.owner_su.pk),
    "search CarePlan since": lambda w: url("fhir-search", "CarePlan", _lastUpdated="ge2026-01-01", _count=100),
}


@pytest.mark.parametrize("persona", ["owner", "trust_person", "partner_valid", "leader"])
@pytest.mark.parametrize("what", list(PATHS))
def test_the_count_does_not_grow_with_the_persons_history(world, case, persona, what):
    client = login(APIClient(), world.persona(persona))
    path = PATHS[what](world)
    grow(world, case, 1, 0)
    small = qc.get(client, path)
    assert small.json().get("entry"), "nothing shown: the count would prove nothing"
    grow(world, case, 29, 1)
    large = qc.get(client, path)
    # The person does not grow, nor do the consents a partner sees (only those to them): the rest does.
    if what != "search Patient" and not (persona == "partner_valid" and what == "search Consent"):
        assert len(str(large.json())) > 3 * len(str(small.json())), "the larger history is not in the answer"
    qc.assert_same(small, large, f"{persona}: {what}")
    assert len(large) <= 40, f"{persona}: {what}: {len(large)} queries"
    qc.assert_flat_elsewhere(world, client, path, large, f"{persona}: {what}", MONDAY)
