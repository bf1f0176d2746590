"""Permission classes for the API: thin adapters around the access gate (koordinator/access.py).

The order of checks on every request, NetBox style:

1. Not logged in: 401 (``IsAuthenticated``).
2. ``create`` by someone whose role can never create this kind of thing: 403 (``MayCreate``).
3. The object is looked up in the *view* gate (``GatedViewSet.get_queryset``): outside it is a 404.
4. A write to an object that is visible but outside the *change* gate: 403 (``ChangeGate``).
5. The service re-checks everything and has the last word (PermissionDenied → 403, ServiceError → 400).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from koordinator import access


class ChangeGate(BasePermission):
    """Object level: reads passed the view gate in ``get_queryset``; writes also need the change gate."""

    message = _("Du kan se dette, men ikke endre det.")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return access.can_change(request.user, obj)


class MayCreate(BasePermission):
    """View level, for ``create`` only: asks the viewset's ``may_create(actor)``.

    This is a coarse check of the role (a partner never registers anyone); which person the new thing
    belongs to is checked by the gated serializer fields and by the service.
    """

    message = _("Du har ikke lov til å registrere dette.")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        check = getattr(view, "may_create", None)
        return check is not None and bool(check(access.actor_for(request.user)))


def is_staff_worker(actor: access.Actor) -> bool:
    """Trust persons and leaders register people and open cases."""
    return actor.is_staff_worker


def is_staff_or_service_user(actor: access.Actor) -> bool:
    """Consents and next of kin are recorded by staff, or by the owner themselves."""
    return actor.is_staff_worker or actor.service_user_id is not None


def is_leader(actor: access.Actor) -> bool:
    """Standing deputies are the leader's to set."""
    return bool(actor.leader_municipality_ids)
