"""The permission matrix for the plans API: every persona × plan resource × action, asserted cell by cell.

Same reading and the same driver (``tests/matrix.py``) as ``tests/koordinator/test_permission_matrix.py``: outside
the view gate is a 404, visible but not changeable is a 403, anonymous is a 401; ``create`` 403 = your role never
creates this, 400 = the plan, goal, step or measure you name is not one you may choose (the same answer as for an
id that does not exist). Every object belongs to the owner's (Kari Nordmann's) active plan.

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

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator.models import Consent, Membership
from plans import services
from plans.models import Comment, Goal, LifeArea, Measure, Plan, ProgressNote, Step
from tests import factories as f
from tests.conftest import World, login
from tests.matrix import PERSONAS as CORE_PERSONAS
from tests.matrix import Action, Scene, Table, check_table, tables

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


@pytest.fixture
def scene(matrix) -> Scene:
    world, objects = matrix
    return Scene(world, objects)


def _current_version(s: Scene) -> int:
    return Plan.objects.get(pk=s.o.plan.pk).version


def _end_plan(s: Scene) -> None:
    # A case has one plan at a time: the new one needs the old one ended (set up directly).
    Plan.objects.filter(pk=s.o.plan.pk).update(status=Plan.Status.ENDED)


def resource(name: str, table: str, *, route: str, model: type, target: Callable[[Objects], object],
             create: Callable[[Scene], dict], changes: dict[str, tuple[str, str, Callable[[Scene], dict]]],
             before_create: Callable[[Scene], None] | None = None) -> Table:
    """One plan resource's table: ``list``, ``detail``, ``create`` and a column per change (HTTP method, the
    action's URL name or ``""`` for the object itself, payload). A refused change leaves the plan's version alone."""
    def obj(s: Scene):
        return target(s.o)

    def pk(s: Scene) -> list:
        return [obj(s).pk]

    actions = {
        "list": Action(f"{route}-list", target=obj),
        "detail": Action(f"{route}-detail", args=pk, logs_read=True),
        "create": Action(f"{route}-list", "post", data=create, before=before_create, creates=model),
    }
    for column, (method, suffix, payload) in changes.items():
        actions[column] = Action(f"{route}-{suffix or 'detail'}", method, args=pk, data=payload, history_of=obj,
                                 kept=_current_version)
    return Table(name, table, actions, personas=PERSONAS)


TABLES = [
    resource(
        "plans", PLANS, route="api-plan", model=Plan, target=lambda o: o.plan,
        create=lambda s: {"follow_up": s.world.case.pk, "own_words": "En ny start."},
        before_create=_end_plan,
        changes={"change": ("patch", "", lambda s: {"own_words": "Med mine ord.", "version": _current_version(s)})},
    ),
    resource(
        "goals", GOALS, route="api-goal", model=Goal, target=lambda o: o.goal,
        create=lambda s: {"plan": s.o.plan.pk, "life_area": LifeArea.WORK, "text": "Jobbe litt"},
        changes={"change": ("patch", "", lambda s: {"text": "Egen leilighet i sentrum"})},
    ),
    resource(
        "steps", STEPS, route="api-step", model=Step, target=lambda o: o.step,
        create=lambda s: {"goal": s.o.goal.pk, "what": "Se på leiligheter"},
        changes={
            "change": ("patch", "", lambda s: {"what": "Ringe boligkontoret i dag"}),
            "close": ("post", "close", lambda s: {"status": "done", "how_it_went": "Fint"}),
        },
    ),
    resource(
        "measures", MEASURES, route="api-measure", model=Measure, target=lambda o: o.measure,
        create=lambda s: {"plan": s.o.plan.pk, "service": "Bostøtte", "responsible_organisation": s.world.nav.pk},
        changes={"change": ("patch", "", lambda s: {"extent": "Hver fjortende dag"})},
    ),
    resource(
        "progress_notes", PROGRESS_NOTES, route="api-progress-note", model=ProgressNote, target=lambda o: o.note,
        create=lambda s: {"measure": s.o.measure.pk, "text": "Legen har sett på saken."},
        changes={"change": ("patch", "", lambda s: {"text": "Endret"})},
    ),
    resource(
        "comments", COMMENTS, route="api-plan-comment", model=Comment, target=lambda o: o.comment,
        create=lambda s: {"goal": s.o.goal.pk, "text": "Jeg gleder meg."},
        changes={"change": ("patch", "", lambda s: {"text": "Endret"})},
    ),
]


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


# --- the plan's and its parts' other actions -----------------------------------------------------------------------

# Each is a write with the plan's current version, on the plan in the state the action is for (set up directly):
# consent and decline on a draft without consent, activate on a draft with it, reoffer on a declined plan; end,
# revise and restore on the active plan. The owner gives consent herself; the rest is the staff's (the service says
# 403 to the owner, who may otherwise change her plan). history: the plan's versions.
PLAN_ACTIONS = """
    persona                consent  activate  decline  reoffer  end  revise  restore  history
    trust_person           200      200       200      200      200  200     200      200
    other_trust_person     404      404       404      404      404  404     404      404
    deputy                 200      200       200      200      200  200     200      200
    leader                 200      200       200      200      200  200     200      200
    other_leader           404      404       404      404      404  404     404      404
    partner_valid          403      403       403      403      403  403     403      200
    partner_org_member     403      403       403      403      403  403     403      200
    partner_none           404      404       404      404      404  404     404      404
    partner_expired        404      404       404      404      404  404     404      404
    partner_withdrawn      404      404       404      404      404  404     404      404
    partner_wrong_scope    403      403       403      403      403  403     403      200
    owner                  200      403       403      403      403  403     403      200
    other_owner            404      404       404      404      404  404     404      404
    admin                  404      404       404      404      404  404     404      404
    partner_no_plan_scope  404      404       404      404      404  404     404      404
    anonymous              401      401       401      401      401  401     401      401
"""

# Archiving a goal, step or measure is the staff's (the owner may change her goals and steps, but not take them out:
# the service's 403). The owner suggests steps (``suggest``, for her goal: anyone else names a goal they may not
# choose, 400, or is refused by the service, 403); staff accept or reject them. Partners never see the owner's open
# suggestions (404).
PART_ACTIONS = """
    persona                goal_archive  step_archive  measure_archive  suggest  accept  reject
    trust_person           200           200           200              403      200     200
    other_trust_person     404           404           404              400      404     404
    deputy                 200           200           200              403      200     200
    leader                 200           200           200              403      200     200
    other_leader           404           404           404              400      404     404
    partner_valid          403           403           403              400      404     404
    partner_org_member     403           403           403              400      404     404
    partner_none           404           404           404              400      404     404
    partner_expired        404           404           404              400      404     404
    partner_withdrawn      404           404           404              400      404     404
    partner_wrong_scope    403           403           403              400      404     404
    owner                  403           403           403              201      403     403
    other_owner            404           404           404              400      404     404
    admin                  404           404           404              400      404     404
    partner_no_plan_scope  404           404           404              400      404     404
    anonymous              401           401           401              401      401     401
"""


def _set_plan(**fields):
    def before(s: Scene) -> None:
        Plan.objects.filter(pk=s.o.plan.pk).update(**fields)
    return before


_NO_CONSENT = {"consent_given_on": None, "consent_given_how": "", "consent_recorded_by": None}
_DRAFT = {"status": Plan.Status.DRAFT, **_NO_CONSENT}


def _with_version(**data):
    return lambda s: {"version": _current_version(s), **{k: v(s) if callable(v) else v for k, v in data.items()}}


def _plan_action(route: str, before=None, **data) -> Action:
    return Action(route, "post", args=lambda s: [s.o.plan.pk], before=before, data=_with_version(**data),
                  history_of=lambda s: s.o.plan)


def _suggestion(s: Scene) -> Step:
    return s.once("suggestion", lambda s: services.suggest_step(s.world.owner, s.o.goal, what="Gå på visning")[0])


def _first_history_id(s: Scene) -> int:
    return s.o.plan.history.order_by("history_date", "history_id").first().history_id


PLAN_ACTIONS_TABLE = Table("plan-actions", PLAN_ACTIONS, {
    "consent": _plan_action("api-plan-consent", _set_plan(**_DRAFT), given_how=Consent.GivenHow.PAPER),
    "activate": _plan_action("api-plan-activate", _set_plan(status=Plan.Status.DRAFT)),
    "decline": _plan_action("api-plan-decline", _set_plan(**_DRAFT), reason="Vil ikke nå"),
    "reoffer": _plan_action("api-plan-reoffer", _set_plan(**_NO_CONSENT, status=Plan.Status.DECLINED,
                                                          declined_on=timezone.localdate())),
    "end": _plan_action("api-plan-end", note="Målene er nådd"),
    "revise": _plan_action("api-plan-revise", what_changed="Nytt mål om jobb",
                           next_revision_on=lambda s: (timezone.localdate() + datetime.timedelta(days=90)).isoformat()),
    "restore": _plan_action("api-plan-restore", history_id=_first_history_id),
    "history": Action("api-plan-history", args=lambda s: [s.o.plan.pk], logs_read=True),
}, personas=PERSONAS)

PART_ACTIONS_TABLE = Table("part-actions", PART_ACTIONS, {
    "goal_archive": Action("api-goal-archive", "post", args=lambda s: [s.o.goal.pk], data=_with_version(),
                           history_of=lambda s: s.o.goal),
    "step_archive": Action("api-step-archive", "post", args=lambda s: [s.o.step.pk], data=_with_version(),
                           history_of=lambda s: s.o.step),
    "measure_archive": Action("api-measure-archive", "post", args=lambda s: [s.o.measure.pk], data=_with_version(),
                              history_of=lambda s: s.o.measure),
    "suggest": Action("api-step-suggest", "post", creates=Step,
                      data=lambda s: {"goal": s.o.goal.pk, "what": "Søke om bostøtte"}),
    "accept": Action("api-step-accept", "post", args=lambda s: [_suggestion(s).pk], data=_with_version(),
                     history_of=_suggestion),
    "reject": Action("api-step-reject", "post", args=lambda s: [_suggestion(s).pk],
                     data=lambda s: {"reply": "Vi tar det neste gang"}, history_of=_suggestion),
}, personas=PERSONAS)


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(*TABLES, PLAN_ACTIONS_TABLE, PART_ACTIONS_TABLE))
def test_plans_api_permission_matrix(scene, table):
    check_table(scene, table)
