"""Viewsets for continuity: appointments (book, cancel, move), absences (register, cancel, preview what they
touch) and the leader's standing deputies (set, change, remove, and the coverage report).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from koordinator import access, continuity, services
from koordinator.api import filters, permissions
from koordinator.api import serializers as s
from koordinator.api.viewsets.base import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import Absence, AccessEvent, Appointment, DeputyArrangement

# --- appointments -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.AppointmentSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.AppointmentSerializer)),
    create=extend_schema(
        request=s.AppointmentCreateSerializer,
        responses=write_responses(s.AppointmentSerializer, 201),
        description=_("Ny avtale i en sak du kan endre. Brukeren får en påminnelse kvelden før."),
    ),
)
class AppointmentViewSet(GatedViewSet):
    """Appointments between a trust person and a user. Staff on the case book, move and cancel them (the user
    is told); the user reads their own. A change of time is ``move/``, never a PATCH (405)."""

    model = Appointment
    access_what = _("Avtaler")
    serializer_class = s.AppointmentSerializer
    filterset_class = filters.AppointmentFilter
    may_create = staticmethod(permissions.is_staff_worker)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("service_user", "trust_person", "original_trust_person")

    def get_serializer_class(self):
        return {
            "create": s.AppointmentCreateSerializer,
            "cancel": s.AppointmentCancelSerializer,
            "move": s.AppointmentMoveSerializer,
        }.get(self.action, s.AppointmentSerializer)

    def _respond(self, appointment, code=status.HTTP_200_OK):
        return Response(s.AppointmentSerializer(self.reload(appointment.pk)).data, status=code)

    def _live(self) -> Appointment:
        # As the web page: a cancelled or finished appointment is neither cancelled again nor moved.
        appointment = self.get_object()
        if appointment.status not in Appointment.LIVE_STATUSES:
            raise services.ServiceError(_("Avtalen er allerede avlyst eller gjennomført."), "status")
        return appointment

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        appointment = continuity.create_appointment(request.user, data.pop("follow_up"), **data)
        return self._respond(appointment, status.HTTP_201_CREATED)

    @extend_schema(request=s.AppointmentCancelSerializer, responses=write_responses(s.AppointmentSerializer))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self._live()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        continuity.cancel_appointment(request.user, appointment, serializer.validated_data.get("note", ""))
        return self._respond(appointment)

    @extend_schema(request=s.AppointmentMoveSerializer, responses=write_responses(s.AppointmentSerializer))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        appointment = self._live()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        continuity.move_appointment(request.user, appointment, data["starts_at"], data.get("note", ""))
        return self._respond(appointment)


# --- absences ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.AbsenceSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.AbsenceSerializer)),
    create=extend_schema(
        request=s.AbsenceCreateSerializer,
        responses=write_responses(s.AbsenceResultSerializer, 201),
        description=_(
            "Registrer fravær for deg selv, eller som leder for en tillitsperson. Avtaler i perioden gis til "
            "stedfortrederen eller avlyses; brukerne får beskjed (i dag: med en gang, ellers dagen før)."
        ),
    ),
)
class AbsenceViewSet(GatedViewSet):
    """Absences of trust persons: one's own, and a leader's staff. Colleagues in the unit see who is away."""

    model = Absence
    serializer_class = s.AbsenceSerializer
    filterset_class = filters.AbsenceFilter
    may_create = staticmethod(permissions.is_staff_worker)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("person", "registered_by")

    def record(self, objects, what, listing: bool = False) -> None:
        # An absence is about a worker, not about a service user: nothing for anyone's access log.
        return None

    def get_serializer_class(self):
        return s.AbsenceCreateSerializer if self.action == "create" else s.AbsenceSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("person", request.user)
        result = continuity.register_absence(request.user, person, **data)
        payload = {
            "absence": self.reload(result.absence.pk),
            "gaps": result.gaps,
            "covered": [a.pk for a in result.covered],
            "cancelled": [a.pk for a in result.cancelled],
            "announced": result.announced,
        }
        return Response(s.AbsenceResultSerializer(payload).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=write_responses(s.AbsenceSerializer))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        absence = self.get_object()
        if absence.cancelled_at is not None:
            raise services.ServiceError(_("Fraværet er allerede slettet."))
        continuity.cancel_absence(request.user, absence)
        return Response(s.AbsenceSerializer(self.reload(absence.pk)).data)

    @extend_schema(
        parameters=[s.AbsencePreviewQuerySerializer],
        responses={200: s.AbsencePreviewSerializer, **ERRORS},
        description=_(
            "Hva et fravær vil berøre, før det registreres: brukere uten dekning og avtalene i perioden."
        ),
    )
    @action(detail=False, methods=["get"])
    def preview(self, request):
        query = s.AbsencePreviewQuerySerializer(
            data=request.query_params, context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        gaps, appointments = continuity.preview_absence(
            request.user, data.get("person", request.user), data["starts_on"], data["ends_on"]
        )
        access.record_access(
            request.user,
            [a.service_user_id for a in appointments],
            _("Avtaler (før registrering av fravær)"),
            AccessEvent.Channel.API,
            listing=True,
        )
        return Response(s.AbsencePreviewSerializer({"gaps": gaps, "appointments": appointments}).data)


# --- standing deputies ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.DeputyArrangementSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.DeputyArrangementSerializer)),
    create=extend_schema(
        request=s.DeputyCreateSerializer,
        responses={
            201: s.DeputyArrangementSerializer,
            200: s.DeputyArrangementSerializer,
            204: OpenApiResponse(description=_("Den faste stedfortrederen er fjernet.")),
            **ERRORS,
        },
        description=_(
            "Lederen setter fast stedfortreder for en tillitsperson: 201 når den er ny, 200 når den erstatter "
            "en annen, 204 når «deputy» er null og den fjernes."
        ),
    ),
    update=extend_schema(
        request=s.DeputyUpdateSerializer,
        responses={
            200: s.DeputyArrangementSerializer,
            204: OpenApiResponse(description=_("Den faste stedfortrederen er fjernet.")),
            **ERRORS,
        },
    ),
    partial_update=extend_schema(
        request=s.DeputyUpdateSerializer,
        responses={
            200: s.DeputyArrangementSerializer,
            204: OpenApiResponse(description=_("Den faste stedfortrederen er fjernet.")),
            **ERRORS,
        },
    ),
)
class DeputyViewSet(GatedViewSet):
    """The leader's standing deputies: one per trust person in the leader's municipalities. Anyone else sees an
    empty list. A case's own deputy (``follow-ups/``) overrides the standing one."""

    model = DeputyArrangement
    serializer_class = s.DeputyArrangementSerializer
    # The queryset is the leader's own staff, and the leader may change all of it: no separate change gate.
    permission_classes = [IsAuthenticated, permissions.MayCreate]
    may_create = staticmethod(permissions.is_leader)

    def get_queryset(self):
        staff = s.leader_staff(self.request.user).values("pk")
        return (
            DeputyArrangement.objects.filter(trust_person__in=staff)
            .select_related("trust_person", "deputy", "unit", "set_by")
            .order_by("trust_person__first_name", "trust_person__last_name", "pk")
        )

    def record(self, objects, what, listing: bool = False) -> None:
        # Who covers for whom is about staff, not about service users.
        return None

    def get_serializer_class(self):
        return {
            "create": s.DeputyCreateSerializer,
            "update": s.DeputyUpdateSerializer,
            "partial_update": s.DeputyUpdateSerializer,
        }.get(self.action, s.DeputyArrangementSerializer)

    def _set(self, trust_person, deputy, existed: bool):
        arrangement = continuity.set_standing_deputy(self.request.user, trust_person, deputy)
        if arrangement is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(s.DeputyArrangementSerializer(self.reload(arrangement.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trust_person = serializer.validated_data["trust_person"]
        existed = DeputyArrangement.objects.filter(trust_person=trust_person).exists()
        return self._set(trust_person, serializer.validated_data["deputy"], existed)

    def update(self, request, *args, **kwargs):
        arrangement = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        deputy = serializer.validated_data.get("deputy", arrangement.deputy)
        return self._set(arrangement.trust_person, deputy, existed=True)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        responses={200: s.CoverageSerializer, 401: ERRORS[401], 403: ERRORS[403]},
        description=_(
            "Dekningshull de neste 60 dagene: brukere der tillitspersonen og stedfortrederen er borte samtidig, "
            "og tillitspersoner uten fast stedfortreder. Bare for ledere."
        ),
    )
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        report = continuity.coverage_gaps(request.user)
        access.record_access(
            request.user,
            [case.service_user_id for case, _mine, _theirs in report.uncovered],
            _("Dekningsoversikt"),
            AccessEvent.Channel.API,
            listing=True,
        )
        uncovered = [
            {"case": case, "trust_person_absence": mine, "deputy_absence": theirs}
            for case, mine, theirs in report.uncovered
        ]
        data = {"uncovered": uncovered, "without_deputy": report.without_deputy}
        return Response(s.CoverageSerializer(data).data)
