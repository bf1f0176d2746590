"""«Last ned alt om meg» in the access gate (registered with ``koordinator.access.register_policy``).

Who sees an archive (``DataArchive``):

* the **owner**: every archive about themselves (the ones they asked for on Min side, and the ones the staff made for
  them when they asked on paper);
* the **staff** who work with the person (the trust person and deputy of one of their cases, a leader in the
  municipality; the same people who may change the person): the archives made for a request **on paper** only, to
  print or hand over. The archive the owner asked for on Min side is theirs alone;
* nobody else: not a partner, whatever their consent; not an administrator.

Who may make one on the person's behalf (:func:`may_produce`): the same staff, never the owner themselves (they use Min
side) and never a partner.
"""

from __future__ import annotations

from django.db.models import Q

from koordinator import access
from koordinator.access import Actor, staff_service_user_ids

NOTHING = Q(pk__in=[])


def _archives(actor: Actor, action: str) -> Q:
    q = NOTHING
    if actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    if actor.is_staff_worker:
        staff = Q(service_user_id__in=staff_service_user_ids(actor))
        if actor.leader_municipality_ids:
            staff |= Q(service_user__municipality_id__in=sorted(actor.leader_municipality_ids))
        q |= Q(staff, on_paper=True)
    return q


POLICIES = {"data_archives": _archives}


def register() -> None:
    for name, policy in POLICIES.items():
        access.register_policy(name, policy)


def may_produce(user, service_user_id: int | None) -> bool:
    """May ``user`` make the archive for this person, who asked on paper? The staff who may change the person (the
    trust person and deputy of one of their cases, a leader in the municipality), not the person themselves and not a
    partner. One query (none for anyone who is not staff)."""
    from koordinator.models import ServiceUser

    actor = access.actor_for(user)
    if service_user_id is None or not actor.is_staff_worker or actor.service_user_id == service_user_id:
        return False
    return ServiceUser.objects.for_user(user, access.CHANGE).filter(pk=service_user_id).exists()
