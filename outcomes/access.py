"""Outcomes' resources in the access gate (registered with ``koordinator.access.register_policy``).

Quality-of-life rounds and the end-of-follow-up evaluation are about one person's life: the case's staff (trust
person, deputy, leader in the municipality) and the owner see them; partners do not, whatever their consent (no
consent scope covers them). The staff change them; the owner writes their own part through ``outcomes.services``
(the subjective answers of a round they fill in on Min side), never through a generic change.

The anonymous feedback is not behind the per-person gate: it has no person. It is read only as aggregates
(``outcomes.feedback``).
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import VIEW, Actor, ids, per_request, staff_case_ids


@per_request
def _owner_case_ids(actor: Actor):
    from koordinator.models import FollowUp

    return ids(actor, FollowUp.objects.filter(service_user_id=actor.service_user_id))


def _policy(actor: Actor, action: str) -> Q:
    q = Q(follow_up_id__in=staff_case_ids(actor))
    if action == VIEW and actor.service_user_id is not None:
        q |= Q(follow_up_id__in=_owner_case_ids(actor))
    return q


POLICIES = {
    "quality_of_life_rounds": _policy,
    "end_evaluations": _policy,
}


def register() -> None:
    from koordinator.access import register_policy

    for name, policy in POLICIES.items():
        register_policy(name, policy)
