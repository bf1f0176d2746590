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

from koordinator.access import (
    CHANGE,
    VIEW,
    Actor,
    _lists_ids,
    any_of,
    case_staff_q,
    consented_owner_ids,
    ids,
    per_request,
    staff_case_ids,
)


@per_request
def _case_ids(actor: Actor, *, staff: bool = True, owner: bool = False, partner: bool = False):
    """Sub-query: ids of the follow-up cases whose plans the actor reaches in the given roles (a list in a
    request)."""
    from koordinator.models import Consent, FollowUp

    if staff and not (owner and actor.service_user_id is not None) and not partner:
        return staff_case_ids(actor)
    if _lists_ids(actor):
        # Lists in a request (not a leader's): the staff's own cases, and the owner's and consented owners' cases
        # read once (``_reader_cases``) for every combination of roles, instead of one query per combination.
        found = set(staff_case_ids(actor)) if staff else set()
        consented = set(consented_owner_ids(actor, Consent.Scope.PLAN)) if partner else set()
        own = actor.service_user_id if owner else None
        found.update(pk for pk, owner_id in _reader_cases(actor) if owner_id == own or owner_id in consented)
        return sorted(found)
    q = Q(pk__in=[])
    if staff:
        q |= case_staff_q(actor)
    if owner and actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    if partner:
        q |= Q(service_user_id__in=consented_owner_ids(actor, Consent.Scope.PLAN))
    return ids(actor, FollowUp.objects.filter(q))


@per_request
def _reader_cases(actor: Actor) -> list[tuple[int, int]]:
    """(case id, owner id) of the cases of the actor's own service user and of the owners who consented to the actor
    seeing their plan: one query in a request, none when there are neither."""
    from koordinator.models import Consent, FollowUp

    owners = set(consented_owner_ids(actor, Consent.Scope.PLAN))
    if actor.service_user_id is not None:
        owners.add(actor.service_user_id)
    if not owners:
        return []
    cases = FollowUp.objects.filter(service_user_id__in=sorted(owners)).order_by()
    return list(cases.values_list("pk", "service_user_id"))


@per_request
def _reached_plans(actor: Actor) -> list[tuple[int, int]]:
    """(plan id, case id) of every plan the actor reaches in any role (a request's list, read once)."""
    from plans.models import Plan

    cases = _case_ids(actor, staff=True, owner=True, partner=True)
    if not cases:
        return []
    return list(Plan.objects.filter(follow_up_id__in=cases).order_by().values_list("pk", "follow_up_id"))


@per_request
def plan_ids(actor: Actor, *, staff: bool = True, owner: bool = False, partner: bool = False):
    """Sub-query: ids of the plans the actor reaches in the given roles (in a request, a list: for anyone but a
    leader picked from ``_reached_plans`` by the roles' cases, so every combination of roles costs one query)."""
    from plans.models import Plan

    if _lists_ids(actor):
        cases = set(_case_ids(actor, staff=staff, owner=owner, partner=partner))
        return [pk for pk, case_id in _reached_plans(actor) if case_id in cases]
    return ids(
        actor, Plan.objects.filter(follow_up_id__in=_case_ids(actor, staff=staff, owner=owner, partner=partner)), small=True
    )


def _roles(action: str, *, owner_changes: bool) -> dict:
    """Which roles count for ``action``: everyone who reads the plan may view; change is staff (+ owner)."""
    if action == VIEW:
        return {"staff": True, "owner": True, "partner": True}
    return {"staff": True, "owner": owner_changes, "partner": False}


def plans_policy(actor: Actor, action: str) -> Q:
    return Q(follow_up_id__in=_case_ids(actor, **_roles(action, owner_changes=True)))


def reaches_case(user, case_id: int, action: str = VIEW) -> bool:
    """Would the gate show ``user`` the plans of case ``case_id``: the case's staff, the owner, and a partner while
    the owner's consent with the *plan* scope is in force (``plans_policy``'s answer, asked of the case, so that it
    holds while the case has no plan yet).

    The one answer for the case page's «Individuell plan» link and the page it leads to (``plan_for_case``): anyone
    else is not shown the link, and the page is a 404 that does not say whether there is a plan. One query at most.
    With ``action`` CHANGE: may ``user`` change the case's plans (``plans_policy``'s answer for CHANGE), which the plan
    page asks of a plan it has read.
    """
    from koordinator.access import actor_for
    from koordinator.models import FollowUp

    actor = actor_for(user)
    if not actor.is_authenticated or case_id is None:
        return False
    if action not in (VIEW, CHANGE):
        return False
    cases = _case_ids(actor, **_roles(action, owner_changes=True))
    if isinstance(cases, list):
        return case_id in cases
    return FollowUp.objects.filter(pk=case_id, pk__in=cases).exists()


def works_on_one_of(user, case_ids) -> bool | None:
    """Is ``user`` staff (``koordinator.access.case_staff_q``) on one of the cases ``case_ids``, answered from the
    request's list of their own cases with no query; ``None`` where there is no such list (a leader, or outside a
    request): the caller asks the database then."""
    from koordinator.access import actor_for

    actor = actor_for(user)
    if not actor.is_authenticated:
        return False
    if not _lists_ids(actor):
        return None
    own = set(staff_case_ids(actor))
    return any(pk in own for pk in case_ids)


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


# --- crisis plans -----------------------------------------------------------------------------------------------
#
# A crisis plan belongs to the service user and follows them across cases. Who sees it: the staff of the user's
# open case (trust person, deputy, standing deputy, leader in the municipality), the owner, partners while the
# owner's consent with the *crisis plan* scope is in force, and a member of an emergency service (legevakt) who
# has stated a reason, until the grant expires (``EmergencyAccess``; the crisis plan only). Who changes it: the
# staff and the owner (``plans.crisis.services`` decides the finer rules).


@per_request
def emergency_organisation_ids(actor: Actor):
    """Sub-query: the active emergency services (organisation kind *legevakt / akuttjeneste*) the actor works in."""
    from koordinator.models import Membership, Organisation

    return Membership.objects.filter(
        user_id=actor.user_id,
        role=Membership.Role.PARTNER,
        organisation__kind=Organisation.Kind.EMERGENCY,
        organisation__is_active=True,
    ).values("organisation_id")


@per_request
def emergency_owner_ids(actor: Actor):
    """Sub-query: service users whose crisis plan the actor may open now under an emergency grant."""
    from plans.models import EmergencyAccess

    return (
        EmergencyAccess.objects.active()
        .filter(person_id=actor.user_id, organisation_id__in=emergency_organisation_ids(actor))
        .values("service_user_id")
    )


@per_request
def crisis_owner_q(actor: Actor, action: str, field: str = "service_user_id") -> Q:
    """The service users whose crisis plan ``actor`` may ``action``, as a ``Q`` on ``field``."""
    from koordinator.models import Consent, FollowUp, ServiceUser

    # The owners as one list and the sub-queries (a leader's open cases; a partner's emergency grants) as one IN over
    # a UNION (``any_of``): ``x IN (list) OR x IN (sub-query)`` read every crisis plan in the country.
    listed: set[int] = set()
    queries = []
    for owners in (
        ids(actor, FollowUp.objects.open().filter(case_staff_q(actor)), "service_user_id"),
        [actor.service_user_id] if actor.service_user_id is not None else [],
        consented_owner_ids(actor, Consent.Scope.CRISIS_PLAN) if action == VIEW else [],
        # Only a partner is a member of an emergency service (``emergency_organisation_ids``).
        emergency_owner_ids(actor) if action == VIEW and actor.partner_organisation_ids else [],
    ):
        if isinstance(owners, list):
            listed.update(owners)
        else:
            queries.append(owners)
    if not queries:
        return Q(**{f"{field}__in": sorted(listed)})
    if listed:
        queries.append(ServiceUser.objects.filter(pk__in=sorted(listed)).values("pk"))
    return Q(**{f"{field}__in": any_of(*queries)})


def crisis_plans_policy(actor: Actor, action: str) -> Q:
    return crisis_owner_q(actor, action)


def crisis_children_policy(actor: Actor, action: str) -> Q:
    """Contacts and sign-offs: whoever reaches the crisis plan."""
    from plans.models import CrisisPlan

    return Q(crisis_plan_id__in=CrisisPlan.objects.filter(crisis_owner_q(actor, action)).values("pk"))


def emergency_accesses_policy(actor: Actor, action: str) -> Q:
    """The grants: the emergency worker sees their own, the owner and the case's staff see the owner's."""
    from koordinator.models import FollowUp

    if action != VIEW:
        return Q(pk__in=[])
    q = Q(person_id=actor.user_id)
    q |= Q(service_user_id__in=FollowUp.objects.open().filter(case_staff_q(actor)).values("service_user_id"))
    if actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    return q


POLICIES = {
    "plans": plans_policy,
    "goals": goals_policy,
    "steps": steps_policy,
    "measures": measures_policy,
    "progress_notes": progress_notes_policy,
    "plan_comments": comments_policy,
    "plan_revisions": revisions_policy,
    "crisis_plans": crisis_plans_policy,
    "crisis_contacts": crisis_children_policy,
    "crisis_sign_offs": crisis_children_policy,
    "emergency_accesses": emergency_accesses_policy,
}


def register() -> None:
    from koordinator.access import register_policy

    for name, policy in POLICIES.items():
        register_policy(name, policy)
