"""«Ring meg» in the API: ``callbacks/``. A thin adapter: reads through the gate
(``CallbackRequest.objects.for_user``, ``reach.callback_access``), writes through ``reach.callbacks``; bad input is a
400 with the field and a message, in the one error shape (``koordinator.api.errors``).

* List (paginated, newest first; filters ``state`` and ``follow_up``) and retrieve: the owner their own requests, the
  case's staff (trust person, deputy, leader in the municipality) their cases' requests. Partners see nothing.
* Create (POST): the owner asks to be called about their newest open case (201), or gets the request that is open
  already (200; nothing written). Staff and partners: 403.
* ``{id}/mark/`` (POST ``{"outcome": "called" | "no_answer" | "sms_sent"}``): the case's staff mark it, and the
  contact goes in the follow-up log; the owner: 403; anyone else: 404; a request that is done already: 400.
No PATCH, no DELETE.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from koordinator import access
from koordinator.api.filters import IdFilter
from koordinator.api.serializers import DisplayField, StaffNameSerializer
from koordinator.api.viewsets import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import ServiceUser
from reach import callbacks
from reach.models import CALLBACK_NOTE_MAX_LENGTH, CallbackRequest

When = CallbackRequest.When


class CallbackSerializer(serializers.Serializer):
    """A request to be called: who asked, when it suits, who should call now, and how it went."""

    id = serializers.IntegerField(read_only=True)
    follow_up = serializers.IntegerField(source="case_id", read_only=True, help_text=_("Saken det gjelder."))
    service_user = serializers.IntegerField(source="service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="service_user.full_name", read_only=True)
    when = serializers.ChoiceField(choices=When.choices, read_only=True, help_text=_("Når det passer."))
    when_display = DisplayField(source="get_when_display", read_only=True)
    note = serializers.CharField(read_only=True, help_text=_("Noen ord fra brukeren (kan være tomt)."))
    via = serializers.ChoiceField(choices=CallbackRequest.Via.choices, read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    assigned_to = StaffNameSerializer(read_only=True, allow_null=True,
                                      help_text=_("Hvem som skal ringe nå; tom for vakttelefonen og lederen."))
    assigned_role = serializers.ChoiceField(choices=CallbackRequest.Role.choices, read_only=True)
    promise = serializers.SerializerMethodField(help_text=_("Hva brukeren er lovet, for eksempel «Kari Hansen ringer "
                                                            "deg i dag.» (tomt når den er ferdig)."))
    due_by = serializers.DateTimeField(read_only=True, help_text=_("Går videre hvis den ikke er merket «called» eller "
                                                                 "«sms_sent» innen da; «no_answer» gir ny frist."))
    escalation_level = serializers.IntegerField(
        read_only=True, help_text=_("0: som bedt om; 1: sendt videre til stedfortrederen; 2: til lederen."))
    state = serializers.ChoiceField(choices=CallbackRequest.State.choices, read_only=True)
    outcome = serializers.CharField(read_only=True, help_text=_("Siste merke: «called», «no_answer», «sms_sent» "
                                                                "eller tomt."))
    attempts = serializers.IntegerField(read_only=True)
    handled_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                           help_text=_("Første merke (det leder-tallene måler tiden til)."))
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_promise(self, obj) -> str:
        return callbacks.promise(obj) if obj.state == CallbackRequest.State.OPEN else ""


class TextField(serializers.CharField):
    """Text only: a number or a true/false is refused (DRF's own field would take ``0`` as «0»)."""

    default_error_messages = {"invalid": _("Skriv tekst her.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CallbackCreateSerializer(serializers.Serializer):
    when = serializers.ChoiceField(
        choices=When.choices,
        required=False,
        help_text=_("Når det passer; utelatt: «soon» (så snart som mulig)."),
        error_messages={"invalid_choice": callbacks.MESSAGES["when"]},
    )
    note = TextField(
        required=False,
        allow_blank=True,
        max_length=CALLBACK_NOTE_MAX_LENGTH,
        help_text=_("Noen ord om hva det gjelder, høyst 300 tegn (valgfritt)."),
        error_messages={"max_length": _("Skriv høyst 300 tegn. Resten kan dere snakke om på telefonen.")},
    )


class CallbackMarkSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=CallbackRequest.Outcome.choices,
        help_text=_("«called» (Ringt), «no_answer» (Fikk ikke svar – prøver igjen: den blir stående) eller "
                    "«sms_sent» (Sendt SMS)."),
        error_messages={"invalid_choice": callbacks.MESSAGES["outcome"]},
    )


class CallbackFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=CallbackRequest.State.choices, label=_("status"))
    follow_up = IdFilter(field_name="case_id", label=_("sak"))

    class Meta:
        model = CallbackRequest
        fields = ["state", "follow_up"]


def _may_create(actor: access.Actor) -> bool:
    """Only a service user asks to be called (about themselves)."""
    return actor.service_user_id is not None


@extend_schema_view(
    list=extend_schema(responses={200: CallbackSerializer(many=True), 401: ERRORS[401]},
                       description=_("«Ring meg» du har tilgang til, nyeste først.")),
    retrieve=extend_schema(responses=read_responses(CallbackSerializer)),
    create=extend_schema(
        request=CallbackCreateSerializer,
        responses={
            **write_responses(CallbackSerializer, 201),
            200: OpenApiResponse(CallbackSerializer, description=_("Du har allerede bedt om å bli ringt; denne er "
                                                                   "åpen. Ingenting nytt ble lagret.")),
        },
        description=_("Be om å bli ringt (bare brukeren selv), om den nyeste åpne saken. Den som er kontakten din "
                      "nå får oppgaven, og du får beskjed om hvem som ringer og når."),
    ),
)
class CallbackViewSet(GatedViewSet):
    """«Ring meg»: a user's requests to be called back, newest first."""

    model = CallbackRequest
    access_what = _("«Ring meg»")
    serializer_class = CallbackSerializer
    filterset_class = CallbackFilter
    may_create = staticmethod(_may_create)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("service_user", "assigned_to").order_by("-requested_at", "-pk")

    def get_serializer_class(self):
        return {"create": CallbackCreateSerializer, "mark": CallbackMarkSerializer}.get(
            self.action, CallbackSerializer)

    def _respond(self, callback, code=status.HTTP_200_OK) -> Response:
        return Response(CallbackSerializer(self.reload(callback.pk)).data, status=code)

    def _body(self) -> dict:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._body()
        service_user = access.get_visible_or_404(
            ServiceUser.objects, request.user, pk=access.actor_for(request.user).service_user_id)
        callback, created = callbacks.request_callback(
            service_user, by=request.user, when=data.get("when"), note=data.get("note", ""),
            via=CallbackRequest.Via.API)
        return self._respond(callback, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=CallbackMarkSerializer, responses=write_responses(CallbackSerializer),
                   description=_("Merk en «Ring meg»: «called» og «sms_sent» gjør den ferdig, «no_answer» lar den "
                                 "stå med ny frist før den går videre. Kontakten (eller forsøket) skrives i sakens "
                                 "logg."))
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        callback = self.get_object()
        data = self._body()
        callback = callbacks.mark_callback(request.user, callback, data["outcome"])
        return self._respond(callback)
