"""API viewsets: thin adapters between HTTP and the gate (reads) and the services (writes).

``GatedViewSet`` is the base (NetBox style): the queryset is always ``Model.objects.for_user(user, "view")``;
writes to one object also pass the change gate (``permissions.ChangeGate``), and then the service decides.
Nothing is deleted through the API: DELETE is not an allowed method anywhere (405).

One module per capability: ``base`` (``GatedViewSet``, the authentication and the error responses), ``people``
(service users, follow-up cases, consents, next of kin, the access log), ``continuity`` (appointments, absences,
standing deputies) and ``me`` (me, notifications). Callers use the package: ``koordinator.api.viewsets.X``.
"""

from __future__ import annotations

from koordinator.api.viewsets.base import (
    AUTHENTICATION,
    ERRORS,
    GatedViewSet,
    read_responses,
    write_responses,
)
from koordinator.api.viewsets.continuity import (
    AbsenceViewSet,
    AppointmentViewSet,
    DeputyViewSet,
)
from koordinator.api.viewsets.me import (
    MeView,
    NotificationViewSet,
)
from koordinator.api.viewsets.people import (
    AccessEventViewSet,
    ConsentViewSet,
    FollowUpViewSet,
    NextOfKinViewSet,
    ServiceUserViewSet,
)

__all__ = [
    "AUTHENTICATION",
    "AbsenceViewSet",
    "AccessEventViewSet",
    "AppointmentViewSet",
    "ConsentViewSet",
    "DeputyViewSet",
    "ERRORS",
    "FollowUpViewSet",
    "GatedViewSet",
    "MeView",
    "NextOfKinViewSet",
    "NotificationViewSet",
    "ServiceUserViewSet",
    "read_responses",
    "write_responses",
]
