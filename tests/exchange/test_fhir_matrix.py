"""The permission matrix of the FHIR R4 API (issue 15): every persona × every /fhir/ route, cell by cell.

Reading (the driver is ``tests/matrix.py``, which treats ``fhir-…`` routes as API routes whose errors are
``OperationOutcome``s and whose lists are Bundles): outside the gate is a 404, anonymous a 401 (the metadata is
public), bad input a 400 for everyone logged in, any write a 405. ``yes``/``no``: the search answers 200 with / without
the resource. Every read of one resource, and ``$everything``, is one event in the owner's access log.

The world's case has an active plan with goals, steps and a measure, a crisis plan with contacts and a responsibility
group with the GP and NAV (``tests/exchange/fhir_helpers.full_case``). ``partner_valid`` (a person) and
``partner_org_member`` (NAV, an organisation consent) have consents with every scope; ``partner_wrong_scope`` has
the plan scope only: the individual plan and its goals, not the crisis plan nor the care team. The «consent» column
reads ``partner_valid``'s consent: a partner sees only the consents given to them.
"""

from __future__ import annotations

import pytest

from tests.exchange.fhir_helpers import full_case
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

READS = """
    persona              meta  patient  plan  crisis  goal  team  consent  everything
    trust_person         200   200      200   200     200   200   200      200
    other_trust_person   200   404      404   404     404   404   404      404
    deputy               200   200      200   200     200   200   200      200
    leader               200   200      200   200     200   200   200      200
    other_leader         200   404      404   404     404   404   404      404
    partner_valid        200   200      200   200     200   200   200      200
    partner_org_member   200   200      200   200     200   200   404      200
    partner_none         200   404      404   404     404   404   404      404
    partner_expired      200   404      404   404     404   404   404      404
    partner_withdrawn    200   404      404   404     404   404   404      404
    partner_wrong_scope  200   200      200   404     200   404   404      200
    owner                200   200      200   200     200   200   200      200
    other_owner          200   404      404   404     404   404   404      404
    admin                200   404      404   404     404   404   404      404
    anonymous            200   401      401   401     401   401   401      401
"""

SEARCHES = """
    persona              plans  crisis_plans  goals  teams  consents  patients  bad  nowhere  post
    trust_person         yes    yes           yes    yes    yes       yes       400  404      405
    other_trust_person   no     no            no     no     no        no        400  404      405
    deputy               yes    yes           yes    yes    yes       yes       400  404      405
    leader               yes    yes           yes    yes    yes       yes       400  404      405
    other_leader         no     no            no     no     no        no        400  404      405
    partner_valid        yes    yes           yes    yes    yes       yes       400  404      405
    partner_org_member   yes    yes           yes    yes    no        yes       400  404      405
    partner_none         no     no            no     no     no        no        400  404      405
    partner_expired      no     no            no     no     no        no        400  404      405
    partner_withdrawn    no     no            no     no     no        no        400  404      405
    partner_wrong_scope  yes    no            yes    no     no        yes       400  404      405
    owner                yes    yes           yes    yes    yes       yes       400  404      405
    other_owner          no     no            no     no     no        no        400  404      405
    admin                no     no            no     no     no        no        400  404      405
    anonymous            401    401           401    401    401       401       401  401      401
"""


@pytest.fixture
def scene(world) -> Scene:
    return Scene(world, full_case(world))


def _read(resource: str, fhir_id) -> Action:
    return Action("fhir-read", args=lambda s: [resource, fhir_id(s)], logs_read=True)


def _search(resource: str, target, **query) -> Action:
    return Action("fhir-search", args=lambda s: [resource],
                  query=lambda s: {key: value(s) if callable(value) else value for key, value in query.items()},
                  target=target)


def _owner(s: Scene) -> int:
    return s.world.owner_su.pk


FHIR_READS = Table("fhir-reads", READS, {
    "meta": Action("fhir-metadata", logs_read=False),
    "patient": _read("Patient", _owner),
    "plan": _read("CarePlan", lambda s: f"plan-{s.o.plan.pk}"),
    "crisis": _read("CarePlan", lambda s: f"crisis-{s.o.crisis.pk}"),
    "goal": _read("Goal", lambda s: s.o.goals[0].pk),
    "team": _read("CareTeam", lambda s: s.world.case.pk),
    "consent": _read("Consent", lambda s: s.world.consent_valid.pk),
    "everything": Action("fhir-everything", args=lambda s: [_owner(s)], logs_read=True),
})

FHIR_SEARCHES = Table("fhir-searches", SEARCHES, {
    "plans": _search("CarePlan", lambda s: f"plan-{s.o.plan.pk}", patient=_owner),
    "crisis_plans": _search("CarePlan", lambda s: f"crisis-{s.o.crisis.pk}", patient=lambda s: f"Patient/{_owner(s)}"),
    "goals": _search("Goal", lambda s: s.o.goals[1].pk, patient=_owner, _lastUpdated="ge2000-01-01"),
    "teams": _search("CareTeam", lambda s: s.world.case.pk, patient=_owner),
    "consents": _search("Consent", lambda s: s.world.consent_valid.pk, patient=_owner),
    "patients": _search("Patient", _owner, _id=_owner),
    "bad": Action("fhir-search", args=lambda s: ["CarePlan"], query=lambda s: {"subject": _owner(s)}),
    "nowhere": Action("fhir-not-found", args=lambda s: ["CarePlan/1/_history"]),
    "post": Action("fhir-search", "post", args=lambda s: ["CarePlan"], data=lambda s: {"resourceType": "CarePlan"}),
})


@pytest.mark.parametrize("table", tables(FHIR_READS, FHIR_SEARCHES))
def test_fhir_matrix(scene, table):
    check_table(scene, table)
