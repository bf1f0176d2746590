"""The plans' resources in the access gate (registered with ``koordinator.access.register_policy``).

Who sees a plan and everything in it: the case's staff (trust person, deputy, leader in the municipality),
the owner, and partners while the owner's consent with the *plan* scope is in force. Partners do not see the
user's step suggestions that the coordinator has not taken into the plan yet: those are between the user
and the coordinator.

Who may change: the case's staff; the owner for the plan, its goals, steps and comments (the services in
``plans.services`` decide the finer rules: the owner writes their own words, comments, proposes steps and
marks their own steps done). Partners change nothing through the gate; ``add_progress_note`` lets a partner
write notes on what they are responsible for, after checking they may see it.

Like the core policies, these return ``Q`` objects built from ``__in`` sub-queries, never joins.
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import VIEW, Actor, case_staff_q, consented_owner_ids


def _case_ids(actor: Actor, *, staff: bool = True, owner: bool = False, partner: bool = False):
    """Sub-query: ids of the follow-up cases whose plans the actor reaches in the given roles."""
    from koordinator.models import Consent, FollowUp

    q = Q(pk__in=[])
    if staff:
        q |= case_staff_q(actor)
    if owner and actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    if partner:
        q |= Q(service_user_id__in=consented_owner_ids(actor, Consent.Scope.PLAN))
    return FollowUp.objects.filter(q).values("pk")


def plan_ids(actor: Actor, *, staff: bool = True, owner: bool = False, partner: bool = False):
    """Sub-query: ids of the plans the actor reaches in the given roles."""
    from plans.models import Plan

    return Plan.objects.filter(follow_up_id__in=_case_ids(actor, staff=staff, owner=owner, partner=partner)).values(
        "pk"
    )


def _roles(action: str, *, owner_changes: bool) -> dict:
    """Which roles count for ``action``: everyone who reads the plan may view; change is staff (+ owner)."""
    if action == VIEW:
        return {"staff": True, "owner": True, "partner": True}
    return {"staff": True, "owner": owner_changes, "partner": False}


def plans_policy(actor: Actor, action: str) -> Q:
    return Q(follow_up_id__in=_case_ids(actor, **_roles(action, owner_changes=True)))


def _child_policy(owner_changes: bool):
    def policy(actor: Actor, action: str) -> Q:
        return Q(plan_id__in=plan_ids(actor, **_roles(action, owner_changes=owner_changes)))

    return policy


goals_policy = _child_policy(owner_changes=True)
measures_policy = _child_policy(owner_changes=False)
progress_notes_policy = _child_policy(owner_changes=False)
comments_policy = _child_policy(owner_changes=True)
revisions_policy = _child_policy(owner_changes=False)


def steps_policy(actor: Actor, action: str) -> Q:
    from plans.models import Goal

    def goal_ids(**roles):
        return Goal.objects.filter(plan_id__in=plan_ids(actor, **roles)).values("pk")

    q = Q(goal_id__in=goal_ids(staff=True, owner=True))
    if action == VIEW:
        # Partners see the steps in the plan, not the user's open suggestions.
        q |= Q(goal_id__in=goal_ids(staff=False, partner=True), accepted=True)
    return q


POLICIES = {
    "plans": plans_policy,
    "goals": goals_policy,
    "steps": steps_policy,
    "measures": measures_policy,
    "progress_notes": progress_notes_policy,
    "plan_comments": comments_policy,
    "plan_revisions": revisions_policy,
}


def register() -> None:
    from koordinator.access import register_policy

    for name, policy in POLICIES.items():
        register_policy(name, policy)
