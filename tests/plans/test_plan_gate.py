"""The access gate for every plan resource and every persona (the API's HTTP matrix comes with the API).

Who sees: the case's staff (trust person, deputy, leader), the owner, and partners while a consent with the
plan scope is in force. Who changes: staff; the owner too for the plan, goals, steps and comments (the
services decide the finer rules). Everyone else, including administrators and anonymous, gets nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from koordinator import access
from koordinator.models import Consent
from plans import services
from plans.models import Comment, Goal, Measure, Plan, PlanRevision, ProgressNote, Step
from tests import factories as f

pytestmark = pytest.mark.django_db

STAFF = ["trust_person", "deputy", "leader"]
# partner_wrong_scope's consent has only the plan scope, which is the right one here.
PARTNERS_WITH_PLAN_SCOPE = ["partner_valid", "partner_org_member", "partner_wrong_scope"]
OUTSIDERS = [
    "other_trust_person",
    "other_leader",
    "other_owner",
    "partner_none",
    "partner_expired",
    "partner_withdrawn",
    "partner_without_plan_scope",
    "admin",
    "anonymous",
]
ALL = STAFF + ["owner"] + PARTNERS_WITH_PLAN_SCOPE + OUTSIDERS

MODELS = {
    "plans": Plan,
    "goals": Goal,
    "steps": Step,
    "measures": Measure,
    "progress_notes": ProgressNote,
    "plan_comments": Comment,
    "plan_revisions": PlanRevision,
}
OWNER_CHANGES = {"plans", "goals", "steps", "plan_comments"}


@pytest.fixture
def full(world):
    """One of everything in the world's plan, plus a partner whose consent lacks the plan scope."""
    tp = world.trust_person
    plan = services.create_plan(tp, world.case)
    plan = services.activate_plan(tp, plan, consent_given_how="paper")
    goal = services.add_goal(tp, plan, life_area="bolig", text="Egen leilighet")
    step, _ = services.add_step(tp, goal, what="Ringe boligkontoret")
    measure = services.add_measure(tp, plan, service="Støttekontakt", responsible_organisation=world.unit)
    note = services.add_progress_note(tp, step=step, text="Har ringt.")
    comment = services.add_comment(world.owner, goal=goal, text="Viktig for meg.")
    revision = services.revise_plan(tp, plan, what_changed="Første gjennomgang.",
                                     next_revision_on=plan.next_revision_on)
    suggestion, _ = services.suggest_step(world.owner, goal, what="Gå på visning")

    no_plan = f.UserFactory(username="partner_uten_planomfang")
    f.MembershipFactory(user=no_plan, organisation=world.nav, role="partner")
    Consent.objects.filter(pk=world.consent_org.pk).update(scope_plan=False)
    f.ConsentFactory(owner=world.owner_su, grantee_user=no_plan, recorded_by=tp, scope_plan=False)
    world.partner_without_plan_scope = no_plan
    # The NAV member keeps the plan scope through a personal consent (the organisation's no longer has it).
    f.ConsentFactory(owner=world.owner_su, grantee_user=world.partner_org_member, recorded_by=tp,
                     scope_crisis_plan=False, scope_meetings=False, scope_followup_log=False)

    # The other case has a plan too, which none of the world's owner-side personas may see.
    other = services.create_plan(world.other_trust_person, world.other_case)
    return {
        "plans": plan, "goals": goal, "steps": step, "measures": measure, "progress_notes": note,
        "plan_comments": comment, "plan_revisions": revision, "suggestion": suggestion, "other_plan": other,
    }


def persona(world, name):
    if name == "anonymous":
        return AnonymousUser()
    if name == "partner_without_plan_scope":
        return world.partner_without_plan_scope
    return world.persona(name)


def can(world, name, model, obj, action):
    user = persona(world, name)
    access.forget(user)
    return model.objects.for_user(user, action).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("resource", list(MODELS))
def test_who_sees_and_who_changes_each_plan_resource(world, full, resource):
    # The whole matrix for one resource at once, so a failure shows every persona that is wrong.
    model, obj = MODELS[resource], full[resource]
    got = {name: (can(world, name, model, obj, access.VIEW), can(world, name, model, obj, access.CHANGE))
           for name in ALL}
    expected = {
        name: (
            name in STAFF or name == "owner" or name in PARTNERS_WITH_PLAN_SCOPE,
            name in STAFF or (name == "owner" and resource in OWNER_CHANGES),
        )
        for name in ALL
    }
    assert got == expected


def test_the_users_open_suggestions_are_not_shown_to_partners(world, full):
    got = {name: can(world, name, Step, full["suggestion"], access.VIEW) for name in ALL}
    assert got == {name: name in STAFF or name == "owner" for name in ALL}


@pytest.mark.parametrize("name", ["owner", "partner_valid", "trust_person", "deputy"])
def test_nobody_on_this_case_sees_another_cases_plan(world, full, name):
    assert not can(world, name, Plan, full["other_plan"], access.VIEW)
    assert can(world, "leader", Plan, full["other_plan"], access.VIEW)
    assert can(world, "other_trust_person", Plan, full["other_plan"], access.CHANGE)


def test_a_standing_deputy_sees_the_plan_of_a_case_without_its_own_deputy(world, full):
    from koordinator.models import DeputyArrangement, FollowUp

    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    assert not can(world, "other_trust_person", Plan, full["plans"], access.VIEW)
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    assert can(world, "other_trust_person", Plan, full["plans"], access.CHANGE)


def test_withdrawing_consent_shuts_the_partner_out_at_once(world, full):
    from koordinator.services import withdraw_consent

    assert can(world, "partner_valid", Goal, full["goals"], access.VIEW)
    withdraw_consent(world.owner, world.consent_valid)
    assert not can(world, "partner_valid", Goal, full["goals"], access.VIEW)
    assert not can(world, "partner_valid", Plan, full["plans"], access.VIEW)


def test_unknown_actions_deny(world, full):
    assert not Plan.objects.for_user(world.trust_person, "delete").exists()


def test_the_gate_does_not_duplicate_rows_when_several_roles_overlap(world, full):
    # The leader is also made the case's deputy; each plan still comes back once.
    from koordinator.models import FollowUp

    FollowUp.objects.filter(pk=world.case.pk).update(deputy=world.leader)
    access.forget(world.leader)
    pks = list(Plan.objects.for_user(world.leader).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)) == 2
