"""Messages in the API: ``messages/``. A thin adapter: reads through the gate (``Message.objects.for_user``), writes
through ``reach.messages``; bad input is a 400 with the field and a message in the one error shape
(``koordinator.api.errors``).

* List (paginated, newest first; filters ``case``, ``unread``), retrieve. Every read by the case's staff is an event
  in the user's access log (one per person on the page, every time: reading the thread is reading it).
* Create: ``{"case": id, "body": "…"}``. The owner writes as the user, the case's staff as staff; the same words
  from the same writer within ``DOUBLE_SUBMIT_SECONDS`` are the message already sent (200, not 201).
* ``read/``: ``{"case": id}`` marks the other side's unread messages in the thread read (``{"marked": n}``).
* ``{id}/withdraw/``: the writer takes their message back before it is read. A message taken back keeps its place
  with ``withdrawn_at`` set and ``body`` null («Meldingen ble trukket tilbake»).
* Partners see nothing, whatever their consent. No PATCH, no DELETE: nothing is changed or lost.
"""

from __future__ import annotations

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from koordinator import access
from koordinator.api import permissions
from koordinator.api.filters import IdFilter, StrictBooleanFilter
from koordinator.api.serializers import ChoiceRelatedField, StaffNameSerializer
from koordinator.api.viewsets import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import AccessEvent, FollowUp
from reach import messages as service
from reach.models import MESSAGE_MAX_LENGTH, Message


def thread_cases(user):
    """The cases whose thread ``user`` may write in and mark read: those they work on, and the owner's own."""
    actor = access.actor_for(user)
    q = Q(pk__in=FollowUp.objects.for_user(user, access.CHANGE).values("pk"))
    if actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    return FollowUp.objects.filter(q)


class MessageSerializer(serializers.Serializer):
    """One message in a case's thread."""

    id = serializers.IntegerField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True, help_text=_("Saken tråden hører til."))
    service_user = serializers.IntegerField(source="service_user_id", read_only=True)
    from_service_user = serializers.BooleanField(
        read_only=True, help_text=_("Sann: skrevet av brukeren (i appen eller som svar på SMS). Usann: av de ansatte.")
    )
    author = StaffNameSerializer(read_only=True, allow_null=True,
                                 help_text=_("Hvem som skrev; tom for et svar på SMS."))
    body = serializers.SerializerMethodField(help_text=_("Teksten; null når meldingen er trukket tilbake."))
    via = serializers.ChoiceField(choices=Message.Via.choices, read_only=True)
    sent_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                        help_text=_("Når den andre siden merket den som lest; null ellers."))
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                             help_text=_("Når den ble trukket tilbake; null ellers."))
    can_withdraw = serializers.SerializerMethodField(
        help_text=_("Kan du trekke den tilbake nå (du skrev den, og den er ikke lest)?")
    )

    def get_body(self, obj) -> str | None:
        return None if obj.withdrawn_at is not None else obj.body

    def get_can_withdraw(self, obj) -> bool:
        request = self.context.get("request")
        user_id = getattr(getattr(request, "user", None), "pk", None)
        return (obj.author_id is not None and obj.author_id == user_id and obj.withdrawn_at is None
                and obj.read_at is None)


class MessageCreateSerializer(serializers.Serializer):
    case = ChoiceRelatedField(FollowUp, thread_cases, help_text=_("Saken: din egen, eller en sak du arbeider med."))
    # The service checks the words (empty, only spaces, too long) and says so on ``body``.
    body = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text=_("Meldingen, høyst %(max)s tegn.") % {"max": MESSAGE_MAX_LENGTH})


class MarkReadSerializer(serializers.Serializer):
    case = ChoiceRelatedField(FollowUp, thread_cases, help_text=_("Saken hvis tråd du har lest."))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("Hvor mange meldinger som ble merket som lest."))


class MessageFilter(filters.FilterSet):
    case = IdFilter(field_name="case_id", label=_("sak"))
    unread = StrictBooleanFilter(method="filter_unread", label=_("ikke lest"))

    class Meta:
        model = Message
        fields = ["case", "unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=(value == "true"))


class ThreadGate(BasePermission):
    """Writes on a message (taking it back): the case's staff, or the owner of the thread; ``reach.messages``
    decides the rest (only the writer, only before it is read)."""

    message = _("Du kan se dette, men ikke endre det.")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return access.is_owner(request.user, obj.service_user_id) or access.is_case_staff(request.user, obj.case_id)


@extend_schema_view(
    list=extend_schema(
        responses={200: MessageSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
        description=_("Meldinger i trådene du har tilgang til, nyeste først. Filtrer på sak med «case»."),
    ),
    retrieve=extend_schema(responses=read_responses(MessageSerializer)),
    create=extend_schema(
        request=MessageCreateSerializer,
        responses={
            **write_responses(MessageSerializer, 201),
            200: OpenApiResponse(MessageSerializer, description=_(
                "Den samme teksten fra deg i samme tråd for noen sekunder siden: meldingen som allerede er sendt."
            )),
        },
        description=_("Skriv i sakens tråd: eieren som brukeren, sakens ansatte som ansatte. Den andre siden får "
                      "beskjed (uten teksten)."),
    ),
)
class MessageViewSet(GatedViewSet):
    """Messages between a user and their case's staff, newest first."""

    model = Message
    access_what = _("Meldinger")
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    permission_classes = [IsAuthenticated, permissions.MayCreate, ThreadGate]
    may_create = staticmethod(permissions.is_staff_or_service_user)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("author").order_by("-sent_at", "-pk")

    def record(self, objects, what, listing: bool = False) -> None:
        # Every staff read of the thread is in the user's log, not once a day: reading messages is reading them.
        ids = [obj.service_user_id for obj in objects]
        access.record_access(self.request.user, ids, self.access_what, AccessEvent.Channel.API)

    def get_serializer_class(self):
        return {"create": MessageCreateSerializer, "read": MarkReadSerializer}.get(self.action, MessageSerializer)

    def _body(self) -> dict:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, message: Message, code=status.HTTP_200_OK) -> Response:
        return Response(MessageSerializer(self.reload(message.pk), context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        data = self._body()
        case = data["case"]
        newest = Message.objects.filter(case_id=case.pk).aggregate(pk=Max("pk"))["pk"] or 0
        message = service.send(request.user, case, data["body"], via=Message.Via.API)
        # A double submit is the message already sent (older than the call): 200, not 201.
        return self._respond(message, status.HTTP_200_OK if message.pk <= newest else status.HTTP_201_CREATED)

    @extend_schema(request=MarkReadSerializer, responses=write_responses(MarkedSerializer),
                   description=_("Merk den andre sidens uleste meldinger i sakens tråd som lest."))
    @action(detail=False, methods=["post"])
    def read(self, request):
        data = self._body()
        return Response(MarkedSerializer({"marked": service.mark_read(request.user, data["case"])}).data)

    @extend_schema(request=None, responses=write_responses(MessageSerializer),
                   description=_("Trekk tilbake en melding du har skrevet, før den er lest. Den blir stående som "
                                 "«Meldingen ble trukket tilbake»; ingenting slettes."))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        message = service.withdraw(request.user, self.get_object())
        return self._respond(message)
