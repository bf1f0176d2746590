"""The crisis plan API under /api/v1/crisis-plans/: serializers and the viewset, thin adapters around the gate
(``CrisisPlan.objects.for_user``) and ``plans.crisis.services``.

Like the individual plan, a crisis plan is a living document: every response carries ``version``, ``etag`` and
the ``ETag`` header; a PATCH must say which version it was based on (``version`` in the body or the ETag in
``If-Match``); a stale one is refused with **412** and both texts (the version machinery is the plans API's,
``PlanContentViewSet``). Contacts are part of the plan: ``contacts`` in a POST or PATCH replaces the ordered list.
The always-included numbers (``call_list``: my contact now, legevakt 116 117, 113) are computed on every read.

Emergency access: ``POST crisis-plans/emergency-access/`` with ``full_name``, ``birth_date`` and ``reason`` by a
member of an emergency service gives 201 and the plan; without a reason it is a 400 and nothing changes.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from koordinator import access
from koordinator.api.filters import IdFilter
from koordinator.api.serializers import (
    BoundedDateField,
    ChoiceRelatedField,
    DisplayField,
    ReadModelSerializer,
)
from koordinator.api.viewsets import ERRORS, read_responses, write_responses
from koordinator.models import AccessEvent, ServiceUser
from koordinator.services import ServiceError
from koordinator.toolkit import api as toolkit_api
from koordinator.toolkit.api import body_fields, current_values, etag_pattern
from plans.api.serializers import (
    ConflictSerializer,
    PlanVersionEntrySerializer,
    VersionSerializer,
    version_field,
)
from plans.api.viewsets import IF_MATCH, PlanContentViewSet
from plans.crisis import selectors, services
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess
from plans.services import MESSAGES

# --- serializers ---------------------------------------------------------------------------------------------------


class CrisisContactSerializer(ReadModelSerializer):
    reachable = serializers.ListField(child=serializers.ChoiceField(choices=CrisisContact.Reachable.choices),
                                      read_only=True, help_text=gettext_lazy("Når personen kan nås."))

    class Meta:
        model = CrisisContact
        fields = ["id", "order", "name", "role", "phone", "reachable", "note"]
        read_only_fields = fields


class CrisisContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, help_text=gettext_lazy("Norsk nummer, for eksempel 912 34 567."))
    reachable = serializers.ListField(child=serializers.ChoiceField(choices=CrisisContact.Reachable.choices),
                                      help_text=gettext_lazy("Minst én: office, evening, night, weekend."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CrisisSignOffSerializer(ReadModelSerializer):
    how_display = DisplayField(source="get_how_display", read_only=True)

    class Meta:
        model = CrisisSignOff
        fields = ["id", "name", "role", "by_owner", "how", "how_display", "signed_on", "plan_version"]
        read_only_fields = fields


class CallEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("contact_now", "contact_now"), ("contact", "contact"),
                                            ("legevakt", "legevakt"), ("emergency", "emergency")], read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    when = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    phone_display = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)


class CrisisPlanSerializer(ReadModelSerializer):
    service_user_name = serializers.CharField(source="service_user.full_name", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    etag = serializers.CharField(read_only=True, help_text=gettext_lazy("Send denne i «If-Match» ved endringer."))
    review_overdue = serializers.SerializerMethodField()
    contacts = CrisisContactSerializer(source="live_contacts", many=True, read_only=True)
    sign_offs = CrisisSignOffSerializer(source="all_sign_offs", many=True, read_only=True)
    changed_since_sign_off = serializers.SerializerMethodField(
        help_text=gettext_lazy("Planen er endret etter siste bekreftelse.")
    )

    class Meta:
        model = CrisisPlan
        fields = ["id", "service_user", "service_user_name", "status", "status_display", "version", "etag",
                  *CrisisPlan.TEXT_FIELDS, "review_on", "review_overdue", "contacts", "sign_offs",
                  "changed_since_sign_off", "archived_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_review_overdue(self, obj: CrisisPlan) -> bool:
        return obj.review_overdue()

    def get_changed_since_sign_off(self, obj: CrisisPlan) -> bool:
        versions = {s.plan_version for s in obj.all_sign_offs}
        return bool(versions) and obj.version not in versions


class CrisisPlanDetailSerializer(CrisisPlanSerializer):
    call_list = CallEntrySerializer(many=True, read_only=True, help_text=gettext_lazy(
        "Hvem som skal ringes, i rekkefølge: kontakten min nå, kontaktene, legevakt 116 117 og 113 (alltid oppdatert)."))

    class Meta(CrisisPlanSerializer.Meta):
        fields = [*CrisisPlanSerializer.Meta.fields, "call_list"]
        read_only_fields = fields


def visible_service_users(user):
    return ServiceUser.objects.for_user(user, access.VIEW)


def contact_inputs(crisis_plan: CrisisPlan) -> list[dict]:
    """The plan's contact list as it is stored now, in the shape a write sends it (``CrisisContactInputSerializer``)."""
    live = CrisisContact.objects.filter(crisis_plan_id=crisis_plan.pk).live().order_by("order", "pk")
    return [{name: value for name, value in CrisisContactSerializer(c).data.items() if name not in ("id", "order")}
            for c in live]


class CrisisPlanFieldsSerializer(serializers.Serializer):
    warning_signs = serializers.CharField(required=False, allow_blank=True)
    triggers = serializers.CharField(required=False, allow_blank=True)
    self_help = serializers.CharField(required=False, allow_blank=True)
    how_to_meet_me = serializers.CharField(required=False, allow_blank=True)
    what_helps = serializers.CharField(required=False, allow_blank=True)
    what_does_not_help = serializers.CharField(required=False, allow_blank=True)
    admission_wishes = serializers.CharField(required=False, allow_blank=True)
    medication = serializers.CharField(required=False, allow_blank=True)
    pickup_arrangements = serializers.CharField(required=False, allow_blank=True)
    children_pets_keys = serializers.CharField(required=False, allow_blank=True)
    review_on = BoundedDateField(required=False, allow_null=True)
    contacts = CrisisContactInputSerializer(many=True, required=False, help_text=gettext_lazy(
        "Hele kontaktlisten i rekkefølge; erstatter den som er der."))


class CrisisPlanCreateSerializer(CrisisPlanFieldsSerializer):
    service_user = ChoiceRelatedField(ServiceUser, visible_service_users,
                                      help_text=gettext_lazy("Personen kriseplanen gjelder. Én kriseplan om gangen."))


class CrisisPlanUpdateSerializer(CrisisPlanFieldsSerializer):
    version = version_field()


class CrisisSignOffRequestSerializer(VersionSerializer):
    on_paper = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy(
        "Ansatte: registrer at brukeren har skrevet under på papir (ellers bekrefter du selv)."))
    signed_on = BoundedDateField(required=False, allow_null=True)


class CrisisRestoreSerializer(VersionSerializer):
    history_id = serializers.IntegerField(min_value=1, help_text=gettext_lazy("Versjonen fra «history/»."))


class CrisisConflictSerializer(ConflictSerializer):
    crisis_plan = CrisisPlanDetailSerializer(read_only=True)


class EmergencyAccessRequestSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, help_text=gettext_lazy("Fornavn og etternavn."))
    birth_date = BoundedDateField(help_text=gettext_lazy("Må stemme nøyaktig."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text=gettext_lazy(
        "Hvorfor du må se kriseplanen nå. Påkrevd; skrives i personens tilgangslogg."))


class EmergencyAccessSerializer(ReadModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    crisis_plan = CrisisPlanDetailSerializer(read_only=True)

    class Meta:
        model = EmergencyAccess
        fields = ["id", "service_user", "organisation", "organisation_name", "reason", "started_at", "expires_at",
                  "crisis_plan"]
        read_only_fields = fields


class CrisisPlanFilter(filters.FilterSet):
    service_user = IdFilter(field_name="service_user_id", label=gettext_lazy("tjenestemottaker"))
    status = filters.ChoiceFilter(choices=CrisisPlan.Status.choices, label=gettext_lazy("status"))

    class Meta:
        model = CrisisPlan
        fields = ["service_user", "status"]


# --- the viewset -------------------------------------------------------------------------------------------------------

CONFLICT = OpenApiResponse(CrisisConflictSerializer, description=gettext_lazy(
    "Kriseplanen er endret siden versjonen du startet fra. Ingenting er lagret."))


def with_conflict(serializer, code: int = 200) -> dict:
    return toolkit_api.with_conflict(serializer, code, CONFLICT)


def may_create(actor: access.Actor) -> bool:
    """Staff make crisis plans with the user; the owner may start their own."""
    return actor.is_staff_worker or actor.service_user_id is not None


@extend_schema_view(
    list=extend_schema(responses={200: CrisisPlanSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(CrisisPlanDetailSerializer)),
    create=extend_schema(request=CrisisPlanCreateSerializer, responses=write_responses(CrisisPlanDetailSerializer, 201),
                         description=gettext_lazy("Ny kriseplan (utkast) for en person. Én kriseplan om gangen.")),
    partial_update=extend_schema(
        request=CrisisPlanUpdateSerializer, responses=with_conflict(CrisisPlanDetailSerializer),
        parameters=[IF_MATCH],
        description=gettext_lazy("Endre tekstene, datoen for gjennomgang og kontaktlisten. «version» (eller "
                                 "If-Match) er påkrevd."),
    ),
)
class CrisisPlanViewSet(PlanContentViewSet):
    """Crisis plans («Plan B»). Staff of the user's open case and the owner write them; partners with the owner's
    crisis-plan consent read and confirm them; emergency services read them after stating a reason."""

    model = CrisisPlan
    owner_path = "service_user_id"
    access_what = gettext_lazy("Kriseplan")
    serializer_class = CrisisPlanSerializer
    filterset_class = CrisisPlanFilter
    may_create = staticmethod(may_create)
    document_model = CrisisPlan
    etag = etag_pattern("crisis-plan")
    etag_example = '"crisis-plan-%(id)s-v3"'

    def optimise(self, qs):
        return qs.select_related("service_user").prefetch_related(
            Prefetch("contacts", queryset=CrisisContact.objects.live().order_by("order", "pk"),
                     to_attr="live_contacts"),
            Prefetch("sign_offs", queryset=CrisisSignOff.objects.order_by("-plan_version", "signed_on", "pk"),
                     to_attr="all_sign_offs"),
        )

    def get_serializer_class(self):
        return {
            "create": CrisisPlanCreateSerializer,
            "partial_update": CrisisPlanUpdateSerializer,
            "retrieve": CrisisPlanDetailSerializer,
            "sign_off": CrisisSignOffRequestSerializer,
            "restore": CrisisRestoreSerializer,
            "archive": VersionSerializer,
            "emergency_access": EmergencyAccessRequestSerializer,
        }.get(self.action, CrisisPlanSerializer)

    # --- the access log: an emergency reader's reads carry the grant's reason ---------------------------------------

    def record(self, objects, what, listing: bool = False) -> None:
        user = self.request.user
        owners = {o.service_user_id for o in objects}
        if not owners:
            return
        reasons: dict[int, str] = {}
        if services.is_emergency_member(user):
            for grant in EmergencyAccess.objects.active().filter(person=user, service_user_id__in=owners).order_by(
                    "expires_at"):
                reasons[grant.service_user_id] = grant.reason
            staff_or_consented = {
                o.service_user_id for o in objects
                if services.is_staff(user, o) or services.is_consented_partner(user, o)
            } if reasons else set()
            for su_id in staff_or_consented:
                reasons.pop(su_id, None)
        by_reason = defaultdict(list)
        for su_id in owners:
            by_reason[reasons.get(su_id, "")].append(su_id)
        for reason, ids in by_reason.items():
            label = (lambda: _("%(what)s (nødtilgang)") % {"what": what}) if reason else what
            access.record_access(user, ids, label, AccessEvent.Channel.API, reason=reason, listing=listing)

    # --- responses ------------------------------------------------------------------------------------------------

    def detail_data(self, crisis_plan: CrisisPlan) -> dict:
        always = selectors.always_included(crisis_plan.service_user_id)
        crisis_plan.call_list = selectors.call_list(always, crisis_plan.live_contacts)
        return CrisisPlanDetailSerializer(crisis_plan).data

    def _respond(self, pk: int, code=status.HTTP_200_OK) -> Response:
        crisis_plan = self.reload(pk)
        return Response(self.detail_data(crisis_plan), status=code, headers={"ETag": crisis_plan.etag})

    def conflict_document(self, pk: int) -> tuple[str, dict]:
        return "crisis_plan", self.detail_data(self.reload(pk))

    def retrieve(self, request, *args, **kwargs):
        crisis_plan = self.get_object()
        self.record([crisis_plan], self.access_what)
        return Response(self.detail_data(crisis_plan), headers={"ETag": crisis_plan.etag})

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        su = data.pop("service_user")
        contacts = data.pop("contacts", None)
        with transaction.atomic():
            crisis_plan = services.create_crisis_plan(request.user, su, **data)
            if contacts:
                services.replace_contacts(request.user, crisis_plan, contacts)
        return self._respond(crisis_plan.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        crisis_plan = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, crisis_plan.pk)
        if version is None:
            raise ServiceError(str(MESSAGES["bad_version"]), "version")
        contacts = data.pop("contacts", None)
        texts = body_fields(data)
        changes = {k: v for k, v in texts.items() if getattr(crisis_plan, k) != v}

        def write():
            fresh = crisis_plan
            if changes:
                fresh = services.update_crisis_plan(request.user, crisis_plan, version, **changes)
            if contacts is not None:
                services.replace_contacts(request.user, fresh, contacts)

        # A stale write keeps everything typed in its 412, the contact list included, next to what is stored now.
        read_texts = current_values(crisis_plan, texts)

        def current() -> dict:
            stored = read_texts()
            if contacts is not None:
                stored["contacts"] = contact_inputs(crisis_plan)
            return stored

        submitted = texts if contacts is None else {**texts, "contacts": contacts}
        self.checked_write(crisis_plan.pk, version, submitted, current, write)
        return self._respond(crisis_plan.pk)

    @extend_schema(
        request=CrisisSignOffRequestSerializer, responses=with_conflict(CrisisPlanDetailSerializer),
        description=gettext_lazy("Bekreft kriseplanen: ansatte og samarbeidspartnere i appen, brukeren selv i "
                                 "portalen; ansatte kan registrere brukerens underskrift på papir (on_paper)."),
    )
    @action(detail=True, methods=["post"], url_path="sign-off", permission_classes=[IsAuthenticated])
    def sign_off(self, request, pk=None):
        crisis_plan = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, crisis_plan.pk)
        if data.get("on_paper"):
            services.record_paper_sign_off(request.user, crisis_plan, signed_on=data.get("signed_on"),
                                           based_on_version=version)
        else:
            services.sign_off(request.user, crisis_plan, based_on_version=version)
        return self._respond(crisis_plan.pk)

    @extend_schema(request=CrisisRestoreSerializer, responses=with_conflict(CrisisPlanDetailSerializer),
                   parameters=[IF_MATCH],
                   description=gettext_lazy("Hent fram tekstene fra en tidligere versjon; det blir en ny versjon."))
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        crisis_plan = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, crisis_plan.pk)
        services.restore_crisis_plan_version(request.user, crisis_plan, data["history_id"], based_on_version=version)
        return self._respond(crisis_plan.pk)

    @extend_schema(request=VersionSerializer, responses=with_conflict(CrisisPlanDetailSerializer),
                   parameters=[IF_MATCH],
                   description=gettext_lazy("Arkiver kriseplanen (ingenting slettes); en ny kan lages etterpå."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        crisis_plan = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, crisis_plan.pk)
        services.archive_crisis_plan(request.user, crisis_plan, based_on_version=version)
        return self._respond(crisis_plan.pk)

    @extend_schema(
        responses={200: PlanVersionEntrySerializer(many=True), 401: ERRORS[401], 404: ERRORS[404]},
        description=gettext_lazy("Kriseplanens historikk, nyeste først."),
    )
    # Paginated like every list (``?page=``); the crisis plans' filters are not this list's.
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        crisis_plan = self.get_object()
        self.record([crisis_plan], gettext_lazy("Kriseplan (historikk)"))
        return self.paginated(selectors.timeline(request.user, crisis_plan), PlanVersionEntrySerializer)

    @extend_schema(
        request=EmergencyAccessRequestSerializer,
        responses={**write_responses(EmergencyAccessSerializer, 201), 404: ERRORS[404]},
        description=gettext_lazy(
            "Nødtilgang for legevakt og akuttjenester: finn personen på fullt navn og nøyaktig fødselsdato og oppgi "
            "hvorfor. Gir kriseplanen (bare den) i CRISIS_EMERGENCY_ACCESS_HOURS timer; personen og kontaktpersonen "
            "får beskjed. Uten grunn: 400, og ingenting skjer."),
    )
    @action(detail=False, methods=["post"], url_path="emergency-access", permission_classes=[IsAuthenticated])
    def emergency_access(self, request):
        data = self.validated_body()
        found = services.find_for_emergency(request.user, data["full_name"], data["birth_date"])
        if len(found) != 1:
            raise Http404
        grant = services.open_emergency_access(request.user, found[0], data.get("reason", ""),
                                               channel=AccessEvent.Channel.API)
        crisis_plan = self.reload(selectors.current_for(request.user, grant.service_user_id).pk)
        payload = EmergencyAccessSerializer(grant).data
        payload["crisis_plan"] = self.detail_data(crisis_plan)
        return Response(payload, status=status.HTTP_201_CREATED, headers={"ETag": crisis_plan.etag})
