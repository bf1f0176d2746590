"""Messages in the access gate (``koordinator.access.register_policy``, registered by ``reach.wiring_messages``).

A case's thread is between the user and the case's staff:

* the case's **staff** (trust person, deputy — the case's own or the standing one, who covers while the trust person
  is away — and the leader in the municipality: ``case_staff_q``) see every message of the case's thread and act
  on it (``change``);
* the **owner** sees the messages of their own cases (``view``); they write, mark read and take back through
  ``reach.messages``, whose services check who they are;
* **partners** never, whatever their consent (no consent scope covers the thread); nor anyone else.

Withdrawn messages stay inside the gate for both sides (the thread shows «Meldingen ble trukket tilbake»).
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import VIEW, Actor, staff_case_ids

GATE_NAME = "messages"


def policy(actor: Actor, action: str) -> Q:
    q = Q(case_id__in=staff_case_ids(actor))
    if action == VIEW and actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    return q


def register() -> None:
    from koordinator.access import register_policy

    register_policy(GATE_NAME, policy)
