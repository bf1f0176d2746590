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

# The same rule as «Ring meg»: the case's staff see and act, the owner sees their own.
from reach.callback_access import policy  # noqa: F401 - registered under this gate's name below

GATE_NAME = "messages"


def register() -> None:
    from koordinator.access import register_policy

    register_policy(GATE_NAME, policy)
