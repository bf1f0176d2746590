"""The permission matrix for the plan pages, through the matrix driver (``tests/matrix.py``).

The same personas as the plans API matrix (``test_api_matrix.py``), with ``partner_no_plan_scope``: a GP partner whose
consent from the owner is in force but lacks the *plan* scope (so they see the case, not the plan). Outside the view
gate is a 404, visible but not changeable is a 403, anonymous is sent to log in. Everything belongs to the owner's
(Kari Nordmann's) active plan: a goal, the user's own step under it, the GP office's measure with ``partner_valid``
responsible (GP partners with the plan scope write progress notes on it), Kari's comment, and her open suggestion
for a step, which partners never see.

Form pages are asked with GET (the gate is the same for the POST that saves); the buttons are POSTs. The crisis
plan's pages are in ``test_crisis_matrix.py``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from koordinator.models import Consent, Membership
from plans import services
from plans.models import Goal, LifeArea, Measure, Plan, Step
from tests import factories as f
from tests.conftest import World
from tests.matrix import PERSONAS as CORE_PERSONAS
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

PERSONAS = [*CORE_PERSONAS[:-1], "partner_no_plan_scope", "anonymous"]


@pytest.fixture
def scene(world: World) -> Scene:
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
    services.add_progress_note(world.partner_valid, measure=measure, text="Time bestilt.")
    services.add_comment(world.owner, goal=goal, text="Dette er viktigst for meg.")
    suggestion, _ = services.suggest_step(world.owner, goal, what="Gå på visning")
    first = plan.history.order_by("history_date", "history_id").first().history_id
    return Scene(world, SimpleNamespace(plan=plan, goal=goal, step=step, measure=measure, suggestion=suggestion,
                                        first_version=first))


def _on(name: str):
    return lambda s: [getattr(s.o, name).pk]


def _history(model, name: str):
    """The object's own history must grow when the button works."""
    return lambda s: model.objects.get(pk=getattr(s.o, name).pk)


# Reading the plan: the case's «Individuell plan» link goes to the plan for whoever sees both (302); the partner who
# sees the case but not the plan gets a 404, as for the plan itself, and is not shown the link (issue 12), and Min
# plan / Min fremgang are the owner's (the other user, without a plan, gets the page that says so).
PLAN_READ = Table("plan-read", """
    persona                for_case  detail  pdf    pdf_large  progress  timeline  my_plan  my_progress
    trust_person           302       200     200    200        200       200       404      404
    other_trust_person     404       404     404    404        404       404       404      404
    deputy                 302       200     200    200        200       200       404      404
    leader                 302       200     200    200        200       200       404      404
    other_leader           404       404     404    404        404       404       404      404
    partner_valid          302       200     200    200        200       200       404      404
    partner_org_member     302       200     200    200        200       200       404      404
    partner_none           404       404     404    404        404       404       404      404
    partner_expired        404       404     404    404        404       404       404      404
    partner_withdrawn      404       404     404    404        404       404       404      404
    partner_wrong_scope    404       200     200    200        200       200       404      404
    owner                  302       200     200    200        200       200       302      302
    other_owner            404       404     404    404        404       404       200      200
    admin                  404       404     404    404        404       404       404      404
    partner_no_plan_scope  404       404     404    404        404       404       404      404
    anonymous              login     login   login  login      login     login     login    login
""", {
    "for_case": Action("plan_for_case", args=lambda s: [s.world.case.pk]),
    "detail": Action("plan_detail", args=_on("plan"), logs_read=True),
    "pdf": Action("plan_pdf", args=_on("plan")),
    "pdf_large": Action("plan_pdf_large", args=_on("plan")),
    "progress": Action("plan_progress", args=_on("plan")),
    "timeline": Action("plan_timeline", args=_on("plan")),
    "my_plan": Action("my_plan"),
    "my_progress": Action("my_progress"),
}, personas=PERSONAS)

# The plan's forms: the owner changes her own words and gives her consent; the rest is the staff's (403 to whoever
# sees the plan). reoffer (POST) is on the plan after Kari said no (set up directly).
PLAN_WRITE = Table("plan-write", """
    persona                edit   consent  activate  decline  end    revise  restore  goal_new  measure_new  reoffer
    trust_person           200    200      200       200      200    200     200      200       200          302
    other_trust_person     404    404      404       404      404    404     404      404       404          404
    deputy                 200    200      200       200      200    200     200      200       200          302
    leader                 200    200      200       200      200    200     200      200       200          302
    other_leader           404    404      404       404      404    404     404      404       404          404
    partner_valid          403    403      403       403      403    403     403      403       403          403
    partner_org_member     403    403      403       403      403    403     403      403       403          403
    partner_none           404    404      404       404      404    404     404      404       404          404
    partner_expired        404    404      404       404      404    404     404      404       404          404
    partner_withdrawn      404    404      404       404      404    404     404      404       404          404
    partner_wrong_scope    403    403      403       403      403    403     403      403       403          403
    owner                  200    200      403       403      403    403     403      403       403          403
    other_owner            404    404      404       404      404    404     404      404       404          404
    admin                  404    404      404       404      404    404     404      404       404          404
    partner_no_plan_scope  404    404      404       404      404    404     404      404       404          404
    anonymous              login  login    login     login    login  login   login    login     login        login
""", {
    "edit": Action("plan_edit", args=_on("plan")),
    "consent": Action("plan_consent", args=_on("plan")),
    "activate": Action("plan_activate", args=_on("plan")),
    "decline": Action("plan_decline", args=_on("plan")),
    "end": Action("plan_end", args=_on("plan")),
    "revise": Action("plan_revise", args=_on("plan")),
    "restore": Action("plan_restore", args=lambda s: [s.o.plan.pk, s.o.first_version]),
    "goal_new": Action("goal_create", args=_on("plan")),
    "measure_new": Action("measure_create", args=_on("plan")),
    "reoffer": Action("plan_reoffer", "post", args=_on("plan"), history_of=_history(Plan, "plan"),
                      before=lambda s: Plan.objects.filter(pk=s.o.plan.pk).update(
                          status=Plan.Status.DECLINED, declined_on=s.o.plan.created_at.date(),
                          consent_given_on=None, consent_given_how="", consent_recorded_by=None),
                      done=lambda s: Plan.objects.get(pk=s.o.plan.pk).status == Plan.Status.DRAFT),
}, personas=PERSONAS)

# Goals: the owner suggests steps for her goals and comments on them; the rest is the staff's.
GOALS = Table("goals", """
    persona                goal_edit  goal_archive  step_new  suggest  goal_comment
    trust_person           200        302           200       403      200
    other_trust_person     404        404           404       404      404
    deputy                 200        302           200       403      200
    leader                 200        302           200       403      200
    other_leader           404        404           404       404      404
    partner_valid          403        403           403       403      403
    partner_org_member     403        403           403       403      403
    partner_none           404        404           404       404      404
    partner_expired        404        404           404       404      404
    partner_withdrawn      404        404           404       404      404
    partner_wrong_scope    403        403           403       403      403
    owner                  403        403           403       200      200
    other_owner            404        404           404       404      404
    admin                  404        404           404       404      404
    partner_no_plan_scope  404        404           404       404      404
    anonymous              login      login         login     login    login
""", {
    "goal_edit": Action("goal_edit", args=_on("goal")),
    "goal_archive": Action("goal_archive", "post", args=_on("goal"), history_of=_history(Goal, "goal")),
    "step_new": Action("step_create", args=_on("goal")),
    "suggest": Action("step_suggest", args=_on("goal")),
    "goal_comment": Action("goal_comment", args=_on("goal")),
}, personas=PERSONAS)

# Kari's own step: she closes it and comments on it; progress notes on it are the staff's (no partner is responsible
# for it); the rest is the staff's.
STEPS = Table("steps", """
    persona                step_edit  step_close  step_archive  step_note  step_comment
    trust_person           200        200         302           200        200
    other_trust_person     404        404         404           404        404
    deputy                 200        200         302           200        200
    leader                 200        200         302           200        200
    other_leader           404        404         404           404        404
    partner_valid          403        403         403           403        403
    partner_org_member     403        403         403           403        403
    partner_none           404        404         404           404        404
    partner_expired        404        404         404           404        404
    partner_withdrawn      404        404         404           404        404
    partner_wrong_scope    403        403         403           403        403
    owner                  403        200         403           403        200
    other_owner            404        404         404           404        404
    admin                  404        404         404           404        404
    partner_no_plan_scope  404        404         404           404        404
    anonymous              login      login       login         login      login
""", {
    "step_edit": Action("step_edit", args=_on("step")),
    "step_close": Action("step_close", args=_on("step")),
    "step_archive": Action("step_archive", "post", args=_on("step"), history_of=_history(Step, "step")),
    "step_note": Action("step_note", args=_on("step")),
    "step_comment": Action("step_comment", args=_on("step")),
}, personas=PERSONAS)

# The measure (the GP's: GP partners with the plan scope write progress notes on it, NAV's may not), and Kari's open
# suggestion (staff take it in or answer it; partners never see it).
MEASURE_AND_SUGGESTION = Table("measure-suggestion", """
    persona                measure_edit  measure_archive  measure_note  accept  reject
    trust_person           200           302              200           302     200
    other_trust_person     404           404              404           404     404
    deputy                 200           302              200           302     200
    leader                 200           302              200           302     200
    other_leader           404           404              404           404     404
    partner_valid          403           403              200           404     404
    partner_org_member     403           403              403           404     404
    partner_none           404           404              404           404     404
    partner_expired        404           404              404           404     404
    partner_withdrawn      404           404              404           404     404
    partner_wrong_scope    403           403              200           404     404
    owner                  403           403              403           403     403
    other_owner            404           404              404           404     404
    admin                  404           404              404           404     404
    partner_no_plan_scope  404           404              404           404     404
    anonymous              login         login            login         login   login
""", {
    "measure_edit": Action("measure_edit", args=_on("measure")),
    "measure_archive": Action("measure_archive", "post", args=_on("measure"),
                              history_of=_history(Measure, "measure")),
    "measure_note": Action("measure_note", args=_on("measure")),
    "accept": Action("suggestion_accept", "post", args=_on("suggestion"), history_of=_history(Step, "suggestion")),
    "reject": Action("suggestion_reject", args=_on("suggestion")),
}, personas=PERSONAS)

TABLES = [PLAN_READ, PLAN_WRITE, GOALS, STEPS, MEASURE_AND_SUGGESTION]


@pytest.mark.parametrize("table", tables(*TABLES))
def test_plan_page_matrix(scene, table):
    check_table(scene, table)
