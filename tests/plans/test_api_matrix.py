"""The permission matrix for the plans API: every persona × plan resource × action, asserted cell by cell.

Same reading as ``tests/koordinator/test_permission_matrix.py``: outside the view gate is a 404, visible but not
changeable is a 403, anonymous is a 401; ``create`` 403 = your role never creates this, 400 = the plan, goal,
step or measure you name is not one you may choose (the same answer as for an id that does not exist).
Every object belongs to the owner's (Kari Nordmann's) active plan.

One persona more than the core matrix: ``partner_no_plan_scope``, a GP partner whose consent from the owner is
in force but does not include the *plan* scope (the core world's partners with a consent all have it:
``partner_valid`` in person, ``partner_org_member`` through NAV, ``partner_wrong_scope`` with only that scope).

The measure is the GP office's with ``partner_valid`` responsible, so GP partners with the plan scope may write
progress notes on it (``partner_wrong_scope`` works there too) and NAV's may not.

Actions:

* ``list``/``detail``: is the object in the list / GET on it.
* ``create``: plans — a new plan for the owner's case (after the current one has ended); goals — a goal in the
  plan; steps — a step under the goal; measures — a measure in the plan; progress notes — a note on the
  measure; comments — a comment on the goal.
* ``change``: PATCH (plans: the owner's own words with the current version; goals: the text; steps: the text;
  measures: the extent). Progress notes and comments are never changed (405).
* ``close`` (steps only): POST ``close/`` «done» on the owner's own step — the owner's part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, Consent, Membership
from plans import services
from plans.models import LifeArea, Plan
from tests import factories as f
from tests.conftest import World, login
from tests.koordinator.test_permission_matrix import PERSONAS as CORE_PERSONAS
from tests.koordinator.test_permission_matrix import parse

pytestmark = pytest.mark.django_db

PERSONAS = [*CORE_PERSONAS[:-1], "partner_no_plan_scope", "anonymous"]

PLANS = """
    persona                list  detail  create  change
    trust_person           yes   200     201     200
    other_trust_person     no    404     400     404
    deputy                 yes   200     201     200
    leader                 yes   200     201     200
    other_leader           no    404     400     404
    partner_valid          yes   200     403     403
    partner_org_member     yes   200     403     403
    partner_none           no    404     403     404
    partner_expired        no    404     403     404
    partner_withdrawn      no    404     403     404
    partner_wrong_scope    yes   200     403     403
    owner                  yes   200     403     200
    other_owner            no    404     403     404
    admin                  no    404     403     404
    partner_no_plan_scope  no    404     403     404
    anonymous              401   401     401     401
"""

# The owner's goals are the coordinator's to write; the owner comments on them and proposes steps.
GOALS = """
    persona                list  detail  create  change
    trust_person           yes   200     201     200
    other_trust_person     no    404     400     404
    deputy                 yes   200     201     200
    leader                 yes   200     201     200
    other_leader           no    404     400     404
    partner_valid          yes   200     403     403
    partner_org_member     yes   200     403     403
    partner_none           no    404     403     404
    partner_expired        no    404     403     404
    partner_withdrawn      no    404     403     404
    partner_wrong_scope    yes   200     403     403
    owner                  yes   200     403     403
    other_owner            no    404     403     404
    admin                  no    404     403     404
    partner_no_plan_scope  no    404     403     404
    anonymous              401   401     401     401
"""

# The owner may not rewrite a step (they propose new ones), but closes their own.
STEPS = """
    persona                list  detail  create  change  close
    trust_person           yes   200     201     200     200
    other_trust_person     no    404     400     404     404
    deputy                 yes   200     201     200     200
    leader                 yes   200     201     200     200
    other_leader           no    404     400     404     404
    partner_valid          yes   200     403     403     403
    partner_org_member     yes   200     403     403     403
    partner_none           no    404     403     404     404
    partner_expired        no    404     403     404     404
    partner_withdrawn      no    404     403     404     404
    partner_wrong_scope    yes   200     403     403     403
    owner                  yes   200     403     403     200
    other_owner            no    404     403     404     404
    admin                  no    404     403     404     404
    partner_no_plan_scope  no    404     403     404     404
    anonymous              401   401     401     401     401
"""

MEASURES = """
    persona                list  detail  create  change
    trust_person           yes   200     201     200
    other_trust_person     no    404     400     404
    deputy                 yes   200     201     200
    leader                 yes   200     201     200
    other_leader           no    404     400     404
    partner_valid          yes   200     403     403
    partner_org_member     yes   200     403     403
    partner_none           no    404     403     404
    partner_expired        no    404     403     404
    partner_withdrawn      no    404     403     404
    partner_wrong_scope    yes   200     403     403
    owner                  yes   200     403     403
    other_owner            no    404     403     404
    admin                  no    404     403     404
    partner_no_plan_scope  no    404     403     404
    anonymous              401   401     401     401
"""

# Notes on the GP office's measure: the GP partners with the plan scope write them; NAV's does not.
PROGRESS_NOTES = """
    persona                list  detail  create  change
    trust_person           yes   200     201     405
    other_trust_person     no    404     400     405
    deputy                 yes   200     201     405
    leader                 yes   200     201     405
    other_leader           no    404     400     405
    partner_valid          yes   200     201     405
    partner_org_member     yes   200     403     405
    partner_none           no    404     400     405
    partner_expired        no    404     400     405
    partner_withdrawn      no    404     400     405
    partner_wrong_scope    yes   200     201     405
    owner                  yes   200     403     405
    other_owner            no    404     403     405
    admin                  no    404     403     405
    partner_no_plan_scope  no    404     400     405
    anonymous              401   401     401     401
"""

COMMENTS = """
    persona                list  detail  create  change
    trust_person           yes   200     201     405
    other_trust_person     no    404     400     405
    deputy                 yes   200     201     405
    leader                 yes   200     201     405
    other_leader           no    404     400     405
    partner_valid          yes   200     403     405
    partner_org_member     yes   200     403     405
    partner_none           no    404     403     405
    partner_expired        no    404     403     405
    partner_withdrawn      no    404     403     405
    partner_wrong_scope    yes   200     403     405
    owner                  yes   200     201     405
    other_owner            no    404     400     405
    admin                  no    404     403     405
    partner_no_plan_scope  no    404     403     405
    anonymous              401   401     401     401
"""


@dataclass
class Objects:
    plan: Plan
    goal: object
    step: object
    measure: object
    note: object
    comment: object


@pytest.fixture
def matrix(world: World) -> tuple[World, Objects]:
    """The world with the owner's active plan and one of everything in it, and the partner without plan scope."""
    gp = Membership.objects.get(user=world.partner_valid, role=Membership.Role.PARTNER).organisation
    no_scope = f.UserFactory(username="partner_uten_plan")
    f.MembershipFactory(user=no_scope, organisation=gp, role=Membership.Role.PARTNER)
    f.ConsentFactory(owner=world.owner_su, grantee_user=no_scope, recorded_by=world.trust_person, scope_plan=False)
    world.partner_no_plan_scope = no_scope

    tp = world.trust_person
    plan = services.create_plan(tp, world.case, own_words="Jeg vil ha min egen leilighet.")
    plan = services.activate_plan(tp, plan, consent_given_how=Consent.GivenHow.PAPER)
    goal = services.add_goal(tp, plan, life_area=LifeArea.HOUSING, text="Egen leilighet")
    step, _ = services.add_step(tp, goal, what="Ringe boligkontoret")
    measure = services.add_measure(tp, plan, service="Oppfølging hos fastlegen", responsible_organisation=gp,
                                   responsible_person=world.partner_valid)
    note = services.add_progress_note(world.partner_valid, measure=measure, text="Time bestilt.")
    comment = services.add_comment(world.owner, goal=goal, text="Dette er viktigst for meg.")
    return world, Objects(plan, goal, step, measure, note, comment)


def _current_version(o: Objects) -> int:
    return Plan.objects.get(pk=o.plan.pk).version


def _end_plan(world: World, o: Objects) -> None:
    # A case has one plan at a time: the new one needs the old one ended (set up directly).
    Plan.objects.filter(pk=o.plan.pk).update(status=Plan.Status.ENDED)


@dataclass
class Resource:
    endpoint: str
    target: Callable[[Objects], object]
    create: Callable[[World, Objects], dict]
    # action → (HTTP method, path under the object, payload)
    changes: dict[str, tuple[str, str, Callable[[World, Objects], dict]]]
    before_create: Callable[[World, Objects], None] | None = None


RESOURCES: dict[str, tuple[str, Resource]] = {
    "plans": (
        PLANS,
        Resource(
            endpoint="plans",
            target=lambda o: o.plan,
            create=lambda w, o: {"follow_up": w.case.pk, "own_words": "En ny start."},
            before_create=_end_plan,
            changes={"change": ("patch", "", lambda w, o: {"own_words": "Med mine ord.",
                                                           "version": _current_version(o)})},
        ),
    ),
    "goals": (
        GOALS,
        Resource(
            endpoint="goals",
            target=lambda o: o.goal,
            create=lambda w, o: {"plan": o.plan.pk, "life_area": LifeArea.WORK, "text": "Jobbe litt"},
            changes={"change": ("patch", "", lambda w, o: {"text": "Egen leilighet i sentrum"})},
        ),
    ),
    "steps": (
        STEPS,
        Resource(
            endpoint="steps",
            target=lambda o: o.step,
            create=lambda w, o: {"goal": o.goal.pk, "what": "Se på leiligheter"},
            changes={
                "change": ("patch", "", lambda w, o: {"what": "Ringe boligkontoret i dag"}),
                "close": ("post", "close/", lambda w, o: {"status": "done", "how_it_went": "Fint"}),
            },
        ),
    ),
    "measures": (
        MEASURES,
        Resource(
            endpoint="measures",
            target=lambda o: o.measure,
            create=lambda w, o: {"plan": o.plan.pk, "service": "Bostøtte", "responsible_organisation": w.nav.pk},
            changes={"change": ("patch", "", lambda w, o: {"extent": "Hver fjortende dag"})},
        ),
    ),
    "progress_notes": (
        PROGRESS_NOTES,
        Resource(
            endpoint="progress-notes",
            target=lambda o: o.note,
            create=lambda w, o: {"measure": o.measure.pk, "text": "Legen har sett på saken."},
            changes={"change": ("patch", "", lambda w, o: {"text": "Endret"})},
        ),
    ),
    "comments": (
        COMMENTS,
        Resource(
            endpoint="plan-comments",
            target=lambda o: o.comment,
            create=lambda w, o: {"goal": o.goal.pk, "text": "Jeg gleder meg."},
            changes={"change": ("patch", "", lambda w, o: {"text": "Endret"})},
        ),
    ),
}

CELLS = [
    pytest.param(resource, persona, action, expected, id=f"{resource}-{persona}-{action}")
    for resource, (table, _spec) in RESOURCES.items()
    for persona, row in parse(table, PERSONAS).items()
    for action, expected in row.items()
]


@pytest.mark.parametrize(("resource", "persona", "action", "expected"), CELLS)
def test_plans_api_permission_matrix(matrix, resource, persona, action, expected):
    world, objects = matrix
    _table, spec = RESOURCES[resource]
    obj = spec.target(objects)
    model = type(obj)
    client = login(APIClient(), world.persona(persona))
    url = f"/api/v1/{spec.endpoint}/"

    if action == "list":
        response = client.get(url)
        if response.status_code != 200:
            assert str(response.status_code) == expected
            return
        ids = {item["id"] for item in response.json()["results"]}
        assert ("yes" if obj.pk in ids else "no") == expected

    elif action == "detail":
        before = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count()
        response = client.get(f"{url}{obj.pk}/")
        assert str(response.status_code) == expected
        # A read by anyone but the owner goes in the owner's access log; a refused read does not.
        logged = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count() - before
        assert logged == (1 if expected == "200" and persona != "owner" else 0)
        if expected == "200":
            assert AccessEvent.objects.filter(service_user=world.owner_su).exists() or persona == "owner"

    elif action == "create":
        if spec.before_create:
            spec.before_create(world, objects)
        before = model._default_manager.count()
        response = client.post(url, spec.create(world, objects), format="json")
        assert str(response.status_code) == expected, response.content
        # Created means exactly one new row; refused means nothing changed.
        assert model._default_manager.count() - before == (1 if expected == "201" else 0)

    else:
        method, suffix, payload = spec.changes[action]
        history_before = obj.history.count()
        plan_version = _current_version(objects)
        response = getattr(client, method)(f"{url}{obj.pk}/{suffix}", payload(world, objects), format="json")
        assert str(response.status_code) == expected, response.content
        changed = obj.history.count() > history_before
        assert changed == (expected == "200")
        # A refused write leaves the plan's version alone.
        if expected != "200":
            assert _current_version(objects) == plan_version

    if expected in ("401", "403", "404", "405"):
        assert "detail" in response.json()


def test_the_plan_matrix_has_a_partner_without_the_plan_scope_who_has_another_consent(matrix):
    world, objects = matrix
    consent = Consent.objects.get(grantee_user=world.partner_no_plan_scope)
    assert consent.state == "valid" and not consent.scope_plan and consent.scope_followup_log
    # The same partner sees the case (follow-up log scope), just not the plan.
    client = login(APIClient(), world.partner_no_plan_scope)
    assert client.get(f"/api/v1/follow-ups/{world.case.pk}/").status_code == 200
    assert client.get(f"/api/v1/plans/{objects.plan.pk}/").status_code == 404


def test_withdrawing_the_consent_shuts_the_partner_out_of_the_plan_on_the_next_request(matrix):
    from koordinator import services as core_services

    world, objects = matrix
    client = login(APIClient(), world.partner_valid)
    urls = [f"/api/v1/plans/{objects.plan.pk}/", f"/api/v1/steps/{objects.step.pk}/",
            f"/api/v1/measures/{objects.measure.pk}/", f"/api/v1/progress-notes/{objects.note.pk}/"]
    assert [client.get(u).status_code for u in urls] == [200, 200, 200, 200]
    core_services.withdraw_consent(world.owner, world.consent_valid)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404, 404]
    assert client.get("/api/v1/plans/").json()["results"] == []
