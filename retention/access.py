"""Legal holds in the access gate (registered with ``koordinator.access.register_policy``).

A hold names a person or a case and says why their data must be kept: the municipality's leaders see and lift the
holds of their municipality; the administrator sees and lifts every hold (holds are placed in the admin site too).
Trust persons, partners and service users see none: a hold is not about the work with the user, and its reason
may concern a complaint or a lawsuit.
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import Actor


def _legal_holds(actor: Actor, action: str) -> Q:
    if actor.is_admin:
        return Q()
    return Q(municipality_id__in=sorted(actor.leader_municipality_ids))


def register() -> None:
    from koordinator.access import register_policy

    register_policy("legal_holds", _legal_holds)
