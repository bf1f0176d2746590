"""Viewsets for the people and their cases: service users (intake and changes), follow-up cases (open, assign,
change status, end), consents (give, withdraw), next of kin, and the owner's own access log.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from koordinator import access, services
from koordinator.api import filters, permissions
from koordinator.api import serializers as s
from koordinator.api.viewsets.base import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import AccessEvent, Consent, FollowUp, NextOfKin, ServiceUser

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
    details; a partner with any consent in force reads the name, and the contact details while the consent covers the follow-up. Reads by anyone but the
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

    def record(self, objects, what, listing: bool = False) -> None:
        # A partner whose consent does not cover the follow-up gets the name, not how to reach the person (the
        # person page's rule, ``access.sees_contact_details``), and the owner's log says so.
        self.contact_ids = access.contact_details_ids(self.request.user, objects)
        shown = [person for person in objects if person.pk in self.contact_ids]
        named = [person for person in objects if person.pk not in self.contact_ids]
        if shown:
            super().record(shown, what, listing)
        if named:
            super().record(named, _("Navnet ditt (liste)") if listing else _("Navnet ditt"), listing)

    def context_for(self, objects) -> dict:
        return {**super().context_for(objects), "contact_ids": self.contact_ids}

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
