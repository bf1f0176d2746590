"""API viewsets: thin adapters between HTTP and the gate (reads) and the services (writes).

``GatedViewSet`` is the base (NetBox style): the queryset is always ``Model.objects.for_user(user, "view")``;
writes to one object also pass the change gate (``permissions.ChangeGate``), and then the service decides.
Nothing is deleted through the API: DELETE is not an allowed method anywhere (405).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from koordinator import access, continuity, outbox, services
from koordinator.api import filters, permissions
from koordinator.api import serializers as s
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    Municipality,
    NextOfKin,
    Organisation,
    ServiceUser,
)

# Token first: an anonymous caller gets 401 with ``WWW-Authenticate: Token`` (never a redirect to a page).
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description=_("Ugyldig innhold; feilmeldinger per felt.")),
    401: OpenApiResponse(s.ErrorSerializer, description=_("Ikke logget inn.")),
    403: OpenApiResponse(s.ErrorSerializer, description=_("Du kan se dette, men ikke endre det.")),
    404: OpenApiResponse(s.ErrorSerializer, description=_("Finnes ikke, eller du har ikke tilgang.")),
}


def write_responses(serializer, code: int = 200) -> dict:
    return {code: serializer, **ERRORS}


def read_responses(serializer) -> dict:
    return {200: serializer, 401: ERRORS[401], 404: ERRORS[404]}


class GatedViewSet(viewsets.GenericViewSet):
    """Base for every personal-data endpoint.

    Subclasses set ``model``, ``owner_attr`` (the attribute holding the service user's id, for the access
    log) and ``access_what`` (how a read is described in the owner's access log).
    """

    model: type = None
    owner_attr: str = "service_user_id"
    access_what = ""
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated, permissions.MayCreate, permissions.ChangeGate]
    # Only integers reach the lookup (the router uses path converters): "abc" is a 404, never a ValueError.
    lookup_value_converter = "int"
    # Nothing is lost (DESIGN.md rule 4): no DELETE, anywhere.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return self.optimise(self.model.objects.for_user(self.request.user, access.VIEW))

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs

    def reload(self, pk: int):
        """The object as the caller now sees it (after a write the service has checked it is still visible)."""
        return self.get_queryset().get(pk=pk)

    # --- the access log -------------------------------------------------------------------------------------

    def record(self, objects, what, listing: bool = False) -> None:
        ids = [getattr(obj, self.owner_attr) for obj in objects]
        access.record_access(self.request.user, ids, str(what), AccessEvent.Channel.API, listing=listing)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = page if page is not None else list(queryset)
        # One event per service user on the page, once a day per list (``access.record_access``), in one go.
        self.record(objects, _("%(what)s (liste)") % {"what": self.access_what}, listing=True)
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.record([obj], self.access_what)
        return Response(self.get_serializer(obj).data)


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


# --- service users -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.ServiceUserSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.ServiceUserSerializer)),
    create=extend_schema(
        request=s.ServiceUserIntakeSerializer,
        responses=write_responses(s.ServiceUserIntakeResultSerializer, 201),
        description=_("Inntak: registrerer personen og oppretter saken i status «inntak»."),
    ),
    update=extend_schema(
        request=s.ServiceUserUpdateSerializer, responses=write_responses(s.ServiceUserSerializer)
    ),
    partial_update=extend_schema(
        request=s.ServiceUserUpdateSerializer, responses=write_responses(s.ServiceUserSerializer)
    ),
)
class ServiceUserViewSet(GatedViewSet):
    """Service users the caller may see. Staff register (intake) and change; the owner changes their own contact
    details; a partner with any consent in force reads name and contact details. Reads by anyone but the
    owner are written to the owner's access log."""

    model = ServiceUser
    owner_attr = "pk"
    access_what = _("Personopplysninger")
    serializer_class = s.ServiceUserSerializer
    filterset_class = filters.ServiceUserFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        cases = FollowUp.objects.for_user(self.request.user, access.VIEW).order_by("-started_on", "-pk")
        return qs.prefetch_related(Prefetch("follow_ups", queryset=cases, to_attr="visible_cases"))

    def get_serializer_class(self):
        if self.action == "create":
            return s.ServiceUserIntakeSerializer
        if self.action in ("update", "partial_update"):
            return s.ServiceUserUpdateSerializer
        return s.ServiceUserSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case_fields = (
            "unit",
            "trust_person",
            "deputy",
            "referral_source",
            "referral_agency",
            "referral_agency_name",
            "referral_note",
            "started_on",
        )
        case_data = {field: data.pop(field) for field in case_fields if field in data}
        case = services.register_service_user(request.user, **case_data, **data)
        person = self.reload(case.service_user_id)
        person.new_case_id = case.pk
        return Response(s.ServiceUserIntakeResultSerializer(person).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = self.get_serializer(person, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        # Only what actually changes: a PUT from the owner repeats their name, which they may not change.
        changes = {k: v for k, v in serializer.validated_data.items() if getattr(person, k) != v}
        if changes:
            services.update_service_user(request.user, person, **changes)
        return Response(s.ServiceUserSerializer(self.reload(person.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- follow-up cases -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.FollowUpSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.FollowUpSerializer)),
    create=extend_schema(
        request=s.FollowUpCreateSerializer,
        responses=write_responses(s.FollowUpSerializer, 201),
        description=_("Ny sak for en person som allerede er registrert (ikke mens en annen sak er åpen)."),
    ),
    update=extend_schema(
        request=s.FollowUpAssignSerializer,
        responses=write_responses(s.FollowUpSerializer),
        description=_("Lederen tildeler tillitsperson og stedfortreder."),
    ),
    partial_update=extend_schema(
        request=s.FollowUpAssignSerializer,
        responses=write_responses(s.FollowUpSerializer),
        description=_("Lederen tildeler tillitsperson og stedfortreder. Felt som utelates, beholdes."),
    ),
)
class FollowUpViewSet(GatedViewSet):
    """Follow-up cases. Staff on the case (trust person, deputy, leader) change status and end it; the leader
    assigns workers; the owner and partners with the follow-up-log scope read it."""

    model = FollowUp
    access_what = _("Oppfølgingssak")
    serializer_class = s.FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return qs.select_related(
            "service_user", "unit", "trust_person", "deputy", "referral_agency", "taken_over_by"
        )

    def get_serializer_class(self):
        return {
            "create": s.FollowUpCreateSerializer,
            "update": s.FollowUpAssignSerializer,
            "partial_update": s.FollowUpAssignSerializer,
            "change_status": s.FollowUpStatusSerializer,
            "end": s.FollowUpEndSerializer,
        }.get(self.action, s.FollowUpSerializer)

    def _respond(self, case, code=status.HTTP_200_OK):
        return Response(s.FollowUpSerializer(self.reload(case.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = services.open_follow_up(request.user, data.pop("service_user"), **data)
        return self._respond(case, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.assign(
            request.user,
            case,
            trust_person=data.get("trust_person", case.trust_person),
            deputy=data["deputy"] if "deputy" in data else case.deputy,
            note=data.get("note", ""),
            handover_note=data.get("handover_note", ""),
        )
        return self._respond(case)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=s.FollowUpStatusSerializer, responses=write_responses(s.FollowUpSerializer))
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        case = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.change_status(request.user, case, data["status"], note=data.get("note", ""))
        return self._respond(case)

    @extend_schema(request=s.FollowUpEndSerializer, responses=write_responses(s.FollowUpSerializer))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        case = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = services.end_follow_up(request.user, case, **{k: v for k, v in data.items() if v is not None})
        return self._respond(case)


# --- consent --------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.ConsentSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.ConsentSerializer)),
    create=extend_schema(
        request=s.ConsentCreateSerializer, responses=write_responses(s.ConsentSerializer, 201)
    ),
)
class ConsentViewSet(GatedViewSet):
    """Consents are given and withdrawn, never edited: a changed consent is a new one."""

    model = Consent
    owner_attr = "owner_id"
    access_what = _("Samtykke")
    serializer_class = s.ConsentSerializer
    filterset_class = filters.ConsentFilter
    may_create = staticmethod(permissions.is_staff_or_service_user)

    def optimise(self, qs):
        return qs.select_related("owner", "grantee_user", "grantee_organisation", "recorded_by")

    def get_serializer_class(self):
        return {"create": s.ConsentCreateSerializer, "withdraw": s.ConsentWithdrawSerializer}.get(
            self.action, s.ConsentSerializer
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent = services.give_consent(
            request.user,
            data.pop("owner"),
            scopes=data.pop("scopes"),
            valid_until=data.pop("valid_until"),
            given_how=data.pop("given_how", ""),
            **{k: v for k, v in data.items() if v is not None},
        )
        return Response(s.ConsentSerializer(self.reload(consent.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConsentWithdrawSerializer, responses=write_responses(s.ConsentSerializer))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.withdraw_consent(
            request.user, consent, serializer.validated_data.get("reason", "")
        )
        return Response(s.ConsentSerializer(self.reload(consent.pk)).data)


# --- next of kin ---------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.NextOfKinSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.NextOfKinSerializer)),
    create=extend_schema(
        request=s.NextOfKinCreateSerializer, responses=write_responses(s.NextOfKinSerializer, 201)
    ),
    update=extend_schema(
        request=s.NextOfKinUpdateSerializer, responses=write_responses(s.NextOfKinSerializer)
    ),
    partial_update=extend_schema(
        request=s.NextOfKinUpdateSerializer, responses=write_responses(s.NextOfKinSerializer)
    ),
)
class NextOfKinViewSet(GatedViewSet):
    """Next of kin. Staff and the owner add and change them; partners with the crisis-plan scope read the
    supportive ones, never the people the owner wants kept away. Nothing is deleted."""

    model = NextOfKin
    access_what = _("Pårørende")
    serializer_class = s.NextOfKinSerializer
    filterset_class = filters.NextOfKinFilter
    may_create = staticmethod(permissions.is_staff_or_service_user)

    def get_serializer_class(self):
        return {
            "create": s.NextOfKinCreateSerializer,
            "update": s.NextOfKinUpdateSerializer,
            "partial_update": s.NextOfKinUpdateSerializer,
        }.get(self.action, s.NextOfKinSerializer)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = services.add_next_of_kin(request.user, data.pop("service_user"), **data)
        return Response(s.NextOfKinSerializer(self.reload(person.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = self.get_serializer(person, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if getattr(person, k) != v}
        if changes:
            person = services.update_next_of_kin(request.user, person, **changes)
        return Response(s.NextOfKinSerializer(self.reload(person.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- the access log ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.AccessEventSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.AccessEventSerializer)),
)
class AccessEventViewSet(GatedViewSet):
    """The owner's own access log («Hvem har sett opplysningene mine»). Only the owner sees it."""

    model = AccessEvent
    serializer_class = s.AccessEventSerializer
    filterset_class = filters.AccessEventFilter
    http_method_names = ["get", "head", "options"]

    def record(self, objects, what, listing: bool = False) -> None:
        # Reading one's own access log is not itself logged (and only the owner can read it).
        return None


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
            str(_("Avtaler (før registrering av fravær)")),
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
            str(_("Dekningsoversikt")),
            AccessEvent.Channel.API,
            listing=True,
        )
        uncovered = [
            {"case": case, "trust_person_absence": mine, "deputy_absence": theirs}
            for case, mine, theirs in report.uncovered
        ]
        data = {"uncovered": uncovered, "without_deputy": report.without_deputy}
        return Response(s.CoverageSerializer(data).data)


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
