"""The caller's own endpoints: «me» (``MeView``: roles, the contact now, away today, the standing deputy) and
the notifications (``NotificationViewSet``: the bell, only ever the caller's own, read one or all).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from koordinator import access, continuity, outbox
from koordinator.api import filters
from koordinator.api import serializers as s
from koordinator.api.pagination import PageNumbers
from koordinator.api.viewsets.base import AUTHENTICATION, ERRORS, read_responses
from koordinator.models import Absence, DeputyArrangement, FollowUp, Municipality, Organisation, ServiceUser

# --- me ------------------------------------------------------------------------------------------------------


class MeView(APIView):
    """Who am I: roles; for a service user, who their contact is now; for staff, whether they are away today
    and who their standing deputy is."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=read_responses(s.MeSerializer), operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        actor = access.actor_for(user)
        roles = {
            "trust_person_units": Organisation.objects.filter(pk__in=actor.trust_person_unit_ids),
            "leader_municipalities": Municipality.objects.filter(pk__in=actor.leader_municipality_ids),
            "partner_organisations": Organisation.objects.filter(pk__in=actor.partner_organisation_ids),
            "is_admin": actor.is_admin,
        }
        service_user = contact_now = None
        if actor.service_user_id is not None:
            service_user = self._service_user(user, actor.service_user_id)
            contact = continuity.my_contact_now(actor.service_user_id)
            contact_now = contact.as_dict() if contact else None
        absent_today = standing_deputy = None
        if actor.is_staff_worker:
            absent_today = Absence.objects.covering(timezone.localdate()).filter(person_id=user.pk).exists()
            arrangement = (
                DeputyArrangement.objects.filter(trust_person_id=user.pk).select_related("deputy").first()
            )
            standing_deputy = arrangement.deputy if arrangement else None
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.display_name,
            "roles": roles,
            "service_user": service_user,
            "contact_now": contact_now,
            "absent_today": absent_today,
            "standing_deputy": standing_deputy,
            "unread_notifications": outbox.unread_count(user),
        }
        return Response(s.MeSerializer(data).data)

    def _service_user(self, user, service_user_id: int) -> dict:
        person = ServiceUser.objects.for_user(user).get(pk=service_user_id)
        case = (
            FollowUp.objects.for_user(user)
            .filter(service_user_id=service_user_id)
            .open()
            .select_related("unit", "trust_person", "deputy")
            .first()
        )
        contact = None
        if case is not None:
            contact = {
                "follow_up": case.pk,
                "status": case.status,
                "unit": case.unit,
                "unit_phone": case.unit.duty_phone or case.unit.phone,
                "trust_person": case.trust_person,
                "deputy": case.deputy,
            }
        return {"id": person.pk, "name": person.full_name, "contact": contact}


# --- notifications ---------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.NotificationSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.NotificationSerializer)),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My messages (the bell): only ever the caller's own, whatever channel they went by. Someone else's id is
    a 404. Nothing but «read» changes here."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumbers
    serializer_class = s.NotificationSerializer
    filterset_class = filters.NotificationFilter
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # The outbox's own «mine» is the gate for notifications.
        return outbox.inbox(self.request.user)

    @extend_schema(request=None, responses=read_responses(s.NotificationSerializer))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        outbox.mark_read(request.user, [notification.pk])
        return Response(s.NotificationSerializer(self.get_queryset().get(pk=notification.pk)).data)

    @extend_schema(request=None, responses={200: s.MarkedReadSerializer, 401: ERRORS[401]})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response(s.MarkedReadSerializer({"marked": outbox.mark_read(request.user)}).data)
