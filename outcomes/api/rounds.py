"""The quality-of-life rounds in the API: ``quality-of-life-rounds/``. A thin adapter: reads through the gate
(``QualityOfLifeRound.objects.for_user``), writes through ``outcomes.rounds``; bad input is a 400 with the field and
a message, in the one error shape (``koordinator.api.errors``).

* List (paginated, newest first; filters ``follow_up`` and ``kind``), retrieve, create, PATCH. No DELETE.
* The case's staff (trust person, deputy, leader in the municipality) read and write every field. The owner reads
  their own rounds and sets only the subjective answers (S1–S14, as «Brukeren alene»): a POST puts them in the open
  round or starts the round that is due, a PATCH changes their open round. Partners see nothing.
* Answers: O1–O18 ``"ja"``, ``"nei"`` or ``"vet_ikke"``; S1–S14 a whole number 1–5 on the item's own steps;
  ``null`` = not answered. «Vet ikke» is missing in every figure, never «nei».
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from koordinator import access
from koordinator.api import permissions
from koordinator.api.filters import IdFilter
from koordinator.api.serializers import (
    BoundedDateField,
    ChoiceRelatedField,
    DisplayField,
    StaffNameSerializer,
)
from koordinator.api.viewsets import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import AccessEvent, FollowUp
from koordinator.toolkit import check_fields
from outcomes import rounds
from outcomes.instrument import OBJECTIVE, OBJECTIVE_CHOICES, SUBJECTIVE
from outcomes.models import QualityOfLifeRound

Kind = QualityOfLifeRound.Kind
AnsweredBy = QualityOfLifeRound.AnsweredBy

OBJECTIVE_HELP = _(
    "«ja», «nei» eller «vet_ikke» («Vet ikke» teller som ikke besvart, aldri som «nei»); null = ikke besvart."
)
SUBJECTIVE_HELP = _(
    "Et helt tall fra 1 til 5 på spørsmålets egne ord, fra «%(low)s» (1) til «%(high)s» (5); "
    "null = ikke besvart (hoppet over)."
)
SUBJECTIVE_REVERSE = _("Omvendt spørsmål: høyere er verre; det snus før noe sammenlignes.")


class ObjectiveAnswerField(serializers.ChoiceField):
    """O1–O18: «ja», «nei», «vet_ikke», or null (not answered; stored blank)."""

    def __init__(self, item, **kwargs):
        kwargs.setdefault("help_text", format_lazy("{} {}", item.text, OBJECTIVE_HELP))
        super().__init__(choices=OBJECTIVE_CHOICES, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


def _steps_help(item) -> str:
    words = str(SUBJECTIVE_HELP) % {"low": item.steps[0], "high": item.steps[-1]}
    return f"{item.plain} {words}" + (f" {SUBJECTIVE_REVERSE}" if item.reverse else "")


def subjective_help(item):
    """The question in plain words and what 1 and 5 mean, in the language the schema is read in."""
    return lazy(_steps_help, str)(item)


def answer_fields(*, read_only: bool) -> dict:
    """O1–O18 and S1–S14, each documented with its question and what the values mean."""
    extra = {"read_only": True} if read_only else {"required": False}
    fields = {item.field: ObjectiveAnswerField(item, **extra) for item in OBJECTIVE}
    fields.update(
        {
            item.field: serializers.IntegerField(
                min_value=1, max_value=5, allow_null=True, help_text=subjective_help(item), **extra
            )
            for item in SUBJECTIVE
        }
    )
    return fields


# --- serializers ------------------------------------------------------------------------------------------------


class _RoundBase(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    follow_up = serializers.IntegerField(
        source="follow_up_id", read_only=True, help_text=_("Saken runden hører til.")
    )
    service_user = serializers.IntegerField(source="follow_up.service_user_id", read_only=True)
    taken_on = serializers.DateField(read_only=True, help_text=_("Datoen runden ble tatt."))
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        read_only=True,
        help_text=_("«start»: ved oppstart, «follow_up»: underveis, «end»: ved avslutning."),
    )
    kind_display = DisplayField(source="get_kind_display", read_only=True)
    subjective_by = serializers.ChoiceField(
        choices=AnsweredBy.choices,
        read_only=True,
        help_text=_(
            "Hvem svarte på brukerens del: «together» (brukeren sammen med tillitspersonen), «user» "
            "(brukeren alene), tomt (ikke besvart ennå)."
        ),
    )
    subjective_by_display = DisplayField(source="get_subjective_by_display", read_only=True)
    objective_answered = serializers.SerializerMethodField(
        help_text=_("Hvor mange av O1–O18 som har et svar («Vet ikke» medregnet).")
    )
    subjective_answered = serializers.SerializerMethodField(
        help_text=_("Hvor mange av S1–S14 som har et svar.")
    )
    recorded_by = StaffNameSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_objective_answered(self, obj) -> int:
        return rounds.answered_counts(obj)[0]

    def get_subjective_answered(self, obj) -> int:
        return rounds.answered_counts(obj)[1]


QualityOfLifeRoundSerializer = type(
    "QualityOfLifeRoundSerializer",
    (_RoundBase,),
    {
        **answer_fields(read_only=True),
        "__doc__": "One round of the quality-of-life instrument (O1–O18 by the trust person, S1–S14 by the user).",
    },
)


def writable_cases(user):
    """The cases a round may be written for: those the caller works on, and the owner's own (their answers)."""
    actor = access.actor_for(user)
    q = Q(pk__in=FollowUp.objects.for_user(user, access.CHANGE).values("pk"))
    if actor.service_user_id is not None:
        q |= Q(service_user_id=actor.service_user_id)
    return FollowUp.objects.filter(q)


class _RoundWrite(serializers.Serializer):
    taken_on = BoundedDateField(
        required=False,
        help_text=_(
            "Datoen runden ble tatt. Utelatt: i dag. Ikke fram i "
            "tid, ikke før saken startet, ikke en dag saken allerede "
            "har en runde. Bare for sakens ansatte."
        ),
    )
    subjective_by = serializers.ChoiceField(
        choices=AnsweredBy.choices,
        required=False,
        allow_blank=True,
        help_text=_(
            "Hvem svarte på brukerens del: «together» eller «user»; tomt når brukerens del ikke er besvart. "
            "Eieren svarer alltid alene («user»)."
        ),
    )


QualityOfLifeRoundUpdateSerializer = type(
    "QualityOfLifeRoundUpdateSerializer",
    (_RoundWrite,),
    {
        **answer_fields(read_only=False),
        "__doc__": "Change a round: only the fields sent change. The owner may send only S1–S14.",
    },
)


class _RoundCreate(_RoundWrite):
    follow_up = ChoiceRelatedField(FollowUp, writable_cases, help_text=_("Saken runden hører til."))
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        required=False,
        help_text=_(
            "Utelatt: etter regelen (sakens første runde «start», en avsluttet sak «end», ellers "
            "«follow_up»). Bare for sakens ansatte."
        ),
    )


QualityOfLifeRoundCreateSerializer = type(
    "QualityOfLifeRoundCreateSerializer",
    (_RoundCreate,),
    {
        **answer_fields(read_only=False),
        "__doc__": "A new round (staff), or the owner's answers to the round that is open or due.",
    },
)


# --- filters and permissions ------------------------------------------------------------------------------------


class QualityOfLifeRoundFilter(filters.FilterSet):
    follow_up = IdFilter(field_name="follow_up_id", label=_("sak"))
    kind = filters.ChoiceFilter(choices=Kind.choices, label=_("runde"))

    class Meta:
        model = QualityOfLifeRound
        fields = ["follow_up", "kind"]


class RoundChangeGate(BasePermission):
    """Writes: the change gate (the case's staff), or the owner of the round's case, who may answer their own part
    (``outcomes.rounds`` decides what)."""

    message = _("Du kan se dette, men ikke endre det.")

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return access.can_change(request.user, obj) or access.is_owner(
            request.user, obj.follow_up.service_user_id
        )


# --- the viewset ------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        responses={200: QualityOfLifeRoundSerializer(many=True), 401: ERRORS[401]},
        description=_("Livskvalitetsrunder du har tilgang til, nyeste først."),
    ),
    retrieve=extend_schema(responses=read_responses(QualityOfLifeRoundSerializer)),
    create=extend_schema(
        request=QualityOfLifeRoundCreateSerializer,
        responses={
            **write_responses(QualityOfLifeRoundSerializer, 201),
            200: OpenApiResponse(
                QualityOfLifeRoundSerializer, description=_("Eierens svar ble lagt i runden som var åpen.")
            ),
        },
        description=_(
            "Ny livskvalitetsrunde for en sak du arbeider med. Eieren sender bare S1–S14: svarene går "
            "i runden som er åpen (200), eller i en ny runde i dag når en runde skal tas (201)."
        ),
    ),
    partial_update=extend_schema(
        request=QualityOfLifeRoundUpdateSerializer,
        responses=write_responses(QualityOfLifeRoundSerializer),
        description=_(
            "Endre en runde. Felt som utelates, beholdes; historikken tar vare på alt. Eieren endrer "
            "bare S1–S14 i sin åpne runde."
        ),
    ),
)
class QualityOfLifeRoundViewSet(GatedViewSet):
    """Quality-of-life rounds (O1–O18, S1–S14), newest first."""

    model = QualityOfLifeRound
    access_what = _("Livskvalitetsrunde")
    serializer_class = QualityOfLifeRoundSerializer
    filterset_class = QualityOfLifeRoundFilter
    permission_classes = [IsAuthenticated, permissions.MayCreate, RoundChangeGate]
    may_create = staticmethod(permissions.is_staff_or_service_user)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("follow_up", "recorded_by").order_by("-taken_on", "-pk")

    def record(self, objects, what, listing: bool = False) -> None:
        ids = [obj.follow_up.service_user_id for obj in objects]
        access.record_access(self.request.user, ids, what, AccessEvent.Channel.API, listing=listing)

    def get_serializer_class(self):
        return {
            "create": QualityOfLifeRoundCreateSerializer,
            "partial_update": QualityOfLifeRoundUpdateSerializer,
        }.get(self.action, QualityOfLifeRoundSerializer)

    def _respond(self, qol_round, code=status.HTTP_200_OK) -> Response:
        return Response(QualityOfLifeRoundSerializer(self.reload(qol_round.pk)).data, status=code)

    def _body(self) -> dict:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @staticmethod
    def _answers(data: dict) -> tuple[dict | None, dict | None]:
        objective = {name: data[name] for name in rounds.OBJECTIVE_FIELDS if name in data}
        subjective = {name: data[name] for name in rounds.SUBJECTIVE_FIELDS if name in data}
        return objective or None, subjective or None

    def create(self, request, *args, **kwargs):
        data = self._body()
        case = data.pop("follow_up")
        objective, subjective = self._answers(data)
        if access.is_case_staff(request.user, case.pk):
            qol_round = rounds.start_round(
                case,
                request.user,
                data.get("taken_on"),
                data.get("kind"),
                objective=objective,
                subjective=subjective,
                answered_by=data.get("subjective_by"),
            )
            return self._respond(qol_round, status.HTTP_201_CREATED)
        # The owner: only their own answers, as «Brukeren alene».
        given = set(objective or {}) | {name for name in ("taken_on", "kind") if name in data}
        if data.get("subjective_by") not in (None, "", AnsweredBy.USER_ALONE):
            given.add("subjective_by")
        check_fields(given, (), known=(*rounds.OBJECTIVE_FIELDS, "taken_on", "kind", "subjective_by"))
        existing = set(QualityOfLifeRound.objects.filter(follow_up_id=case.pk).values_list("pk", flat=True))
        qol_round = rounds.record_my_answers(request.user, subjective or {}, case=case)
        return self._respond(
            qol_round, status.HTTP_200_OK if qol_round.pk in existing else status.HTTP_201_CREATED
        )

    def partial_update(self, request, *args, **kwargs):
        qol_round = self.get_object()
        data = self._body()
        objective, subjective = self._answers(data)
        extra = {"taken_on": data["taken_on"]} if "taken_on" in data else {}
        qol_round = rounds.change_round(
            qol_round,
            request.user,
            objective=objective,
            subjective=subjective,
            answered_by=data.get("subjective_by"),
            **extra,
        )
        return self._respond(qol_round)
