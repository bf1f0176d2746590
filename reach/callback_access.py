"""«Ring meg» in the access gate (``koordinator.access.register_policy("callbacks", …)``; registered by
``reach.wiring_callbacks``).

A request to be called is about one person and names their case: the case's staff see it and act on it (the trust
person, the deputy — the case's own or the trust person's standing deputy, so a deputy sees the requests of the
cases they cover — and a leader in the case's municipality, who also covers the duty phone). The owner sees their
own requests; they make them through ``reach.callbacks.request_callback``, never through a generic change, so the
change gate is the staff's alone. Partners see nothing, whatever their consent: no consent scope covers it.
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import VIEW, Actor, staff_case_ids

GATE_NAME = "callbacks"


def policy(actor: Actor, action: str) -> Q:
    """The case's staff, any action; the owner, seeing. Messages (``reach.message_access``) use the same rule."""
    q = Q(case_id__in=staff_case_ids(actor))
    if action == VIEW and actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    return q


def register() -> None:
    from koordinator.access import register_policy

    register_policy(GATE_NAME, policy)
