"""Serializers for the API.

Read serializers describe what a caller sees; write serializers only check the shape and types of the input
and resolve ids to objects. The rules live in ``koordinator/services.py``.

Every id a caller sends is resolved through the gate or a services helper (``ChoiceRelatedField``), so an id
outside what the caller may choose is a 400 on that field, and the message is the same whether the object
exists or not.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koordinator import access, continuity, services
from koordinator.api.filters import CONSENT_STATES, MAX_ID
from koordinator.continuity_forms import staff_of_leader
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    Membership,
    NextOfKin,
    Notification,
    Organisation,
    ServiceUser,
    User,
)

# --- gated choices --------------------------------------------------------------------------------------------


class ChoiceRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field whose choices depend on who is asking.

    ``choices_for(user)`` returns the queryset of allowed objects: a gated ``for_user`` queryset or a services
    helper. ``queryset`` holds an empty queryset of the model only so the schema knows the id type.
    """

    default_error_messages = {
        "does_not_exist": _("Finnes ikke, eller er ikke et valg du kan gjøre her."),
        "incorrect_type": _("Skriv et tall (id), ikke {data_type}."),
    }

    def __init__(self, model: type[Model], choices_for: Callable[[User | None], QuerySet], **kwargs):
        self.choices_for = choices_for
        kwargs["queryset"] = model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.choices_for(getattr(request, "user", None))


def visible_service_users(user) -> QuerySet:
    return ServiceUser.objects.for_user(user, access.VIEW)


def trust_persons_for(user) -> QuerySet:
    """Trust persons working in a unit where ``user`` may register cases."""
    units = services.units_for(user).values("pk")
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Membership.Role.TRUST_PERSON, organisation__in=units).values(
            "user_id"
        ),
    )


def units_for(user) -> QuerySet:
    return services.units_for(user)


def active_organisations(user) -> QuerySet:
    # Organisations are not personal data: any active one may be named as referrer or successor.
    return Organisation.objects.filter(is_active=True)


def changeable_cases(user) -> QuerySet:
    """Cases the caller may change: the only ones they may book an appointment in."""
    return FollowUp.objects.for_user(user, access.CHANGE)


def absence_people_for(user) -> QuerySet:
    """Whose absence the caller may register: their own, and a leader's trust persons."""
    if user is None or not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=staff_of_leader(user).values("pk")))


def leader_staff(user) -> QuerySet:
    """Trust persons in the leader's municipalities (empty for everyone else)."""
    return staff_of_leader(user)


def consent_grantee_users(user) -> QuerySet:
    return services.consent_grantee_users()


def consent_grantee_organisations(user) -> QuerySet:
    return services.consent_grantee_organisations()


# --- small read-only pieces ----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A staff member as the other side sees them: who, and how to reach them."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    phone = serializers.CharField(read_only=True)


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class StaffNameSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


# Dates the rest of the system can compute with: the far ends of the calendar overflow when a day is added or a
# time is converted to UTC. Only the shape is checked here; the services decide what is sensible.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(9000, 12, 31)
OUT_OF_RANGE = _("Velg en dato mellom 1900 og 9000.")


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(OUT_OF_RANGE)
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment.date() <= LATEST:
            raise serializers.ValidationError(OUT_OF_RANGE)
        return moment


class CaseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "status", "started_on", "ended_on"]
        read_only_fields = fields


# --- service users -----------------------------------------------------------------------------------------


class ServiceUserSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    has_login = serializers.SerializerMethodField()
    cases = CaseSummarySerializer(
        source="visible_cases",
        many=True,
        read_only=True,
        help_text=_("Oppfølgingssakene du har tilgang til."),
    )

    class Meta:
        model = ServiceUser
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "birth_date",
            "municipality",
            "has_login",
            *services.OWNER_EDITABLE_FIELDS,
            "archived_at",
            "cases",
        ]
        read_only_fields = fields

    def get_has_login(self, obj: ServiceUser) -> bool:
        return obj.user_id is not None


class ServiceUserIntakeResultSerializer(ServiceUserSerializer):
    case = serializers.IntegerField(
        source="new_case_id", read_only=True, help_text=_("Id til den nye saken.")
    )

    class Meta(ServiceUserSerializer.Meta):
        fields = [*ServiceUserSerializer.Meta.fields, "case"]
        read_only_fields = fields


class ServiceUserUpdateSerializer(serializers.ModelSerializer):
    """What may be changed about a person. The owner may only change their own contact details."""

    class Meta:
        model = ServiceUser
        fields = list(services.SERVICE_USER_FIELDS)


class ServiceUserIntakeSerializer(serializers.ModelSerializer):
    """Intake: the person, the unit and the trust person, and who referred them."""

    unit = ChoiceRelatedField(Organisation, units_for, help_text=_("Enheten som skal følge opp."))
    trust_person = ChoiceRelatedField(User, trust_persons_for)
    deputy = ChoiceRelatedField(User, trust_persons_for, required=False, allow_null=True)
    referral_source = serializers.ChoiceField(choices=FollowUp.ReferralSource.choices)
    referral_agency = ChoiceRelatedField(Organisation, active_organisations, required=False, allow_null=True)
    referral_agency_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referral_note = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ServiceUser
        fields = [
            *services.SERVICE_USER_FIELDS,
            "unit",
            "trust_person",
            "deputy",
            "referral_source",
            "referral_agency",
            "referral_agency_name",
            "referral_note",
            "started_on",
        ]


# --- follow-up cases -------------------------------------------------------------------------------------


class FollowUpSerializer(serializers.ModelSerializer):
    service_user_name = serializers.CharField(source="service_user.full_name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    trust_person = PersonSerializer(read_only=True)
    deputy = PersonSerializer(read_only=True, allow_null=True)
    referral_agency_display = serializers.CharField(source="referral_display", read_only=True)
    is_open_door = serializers.BooleanField(read_only=True)
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=FollowUp.Status.choices),
        read_only=True,
        help_text=_("Statusene saken kan gå til herfra."),
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "service_user",
            "service_user_name",
            "municipality",
            "unit",
            "unit_name",
            "trust_person",
            "deputy",
            "status",
            "started_on",
            "referral_source",
            "referral_agency",
            "referral_agency_name",
            "referral_agency_display",
            "referral_note",
            "ended_on",
            "ending_reason",
            "ending_note",
            "taken_over_by",
            "taken_over_by_name",
            "open_door_until",
            "is_open_door",
            "user_notice",
            "user_notice_at",
            "allowed_transitions",
        ]
        read_only_fields = fields


class FollowUpCreateSerializer(serializers.Serializer):
    """A new case for someone already registered."""

    service_user = ChoiceRelatedField(ServiceUser, visible_service_users)
    unit = ChoiceRelatedField(Organisation, units_for)
    trust_person = ChoiceRelatedField(User, trust_persons_for)
    deputy = ChoiceRelatedField(User, trust_persons_for, required=False, allow_null=True)
    referral_source = serializers.ChoiceField(choices=FollowUp.ReferralSource.choices)
    referral_agency = ChoiceRelatedField(Organisation, active_organisations, required=False, allow_null=True)
    referral_agency_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referral_note = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)


class FollowUpAssignSerializer(serializers.Serializer):
    """The leader assigns the trust person and the deputy. A field left out keeps its value (PATCH)."""

    trust_person = ChoiceRelatedField(User, trust_persons_for)
    deputy = ChoiceRelatedField(User, trust_persons_for, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    handover_note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Påkrevd ved ny tillitsperson: et notat til den nye, som brukeren også kan lese."),
    )


class FollowUpStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FollowUp.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class FollowUpEndSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FollowUp.EndingReason.choices)
    note = serializers.CharField(required=False, allow_blank=True)
    taken_over_by = ChoiceRelatedField(Organisation, active_organisations, required=False, allow_null=True)
    taken_over_by_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    open_door_until = serializers.DateField(required=False, allow_null=True)
    ended_on = serializers.DateField(required=False, allow_null=True)


# --- consent --------------------------------------------------------------------------------------------


class ConsentSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    grantee_name = serializers.CharField(read_only=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Scope.choices), read_only=True
    )
    state = serializers.ChoiceField(
        choices=CONSENT_STATES,
        read_only=True,
        help_text=_(
            "valid: gjelder, future: gjelder fra senere, expired: utløpt, withdrawn: trukket tilbake."
        ),
    )
    state_label = serializers.CharField(read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "owner",
            "owner_name",
            "grantee_user",
            "grantee_organisation",
            "grantee_name",
            "scopes",
            "valid_from",
            "valid_until",
            "given_how",
            "recorded_by_name",
            "note",
            "created_at",
            "state",
            "state_label",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = fields


class ConsentCreateSerializer(serializers.Serializer):
    """Exactly one of ``grantee_user`` and ``grantee_organisation``. Staff say how it was given."""

    owner = ChoiceRelatedField(ServiceUser, visible_service_users)
    grantee_user = ChoiceRelatedField(User, consent_grantee_users, required=False, allow_null=True)
    grantee_organisation = ChoiceRelatedField(
        Organisation, consent_grantee_organisations, required=False, allow_null=True
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.Scope.choices), allow_empty=True
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField()
    given_how = serializers.ChoiceField(
        choices=Consent.GivenHow.choices,
        required=False,
        help_text=_("Påkrevd når ansatte registrerer samtykket; eieren gir det alltid «i portalen»."),
    )
    note = serializers.CharField(required=False, allow_blank=True)

    # Who may be named depends on the owner: ``services.give_consent`` decides (a 400 naming the field).


class ConsentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


# --- next of kin ---------------------------------------------------------------------------------------------


class NextOfKinSerializer(serializers.ModelSerializer):
    class Meta:
        model = NextOfKin
        fields = ["id", "service_user", *services.NEXT_OF_KIN_FIELDS, "archived_at"]
        read_only_fields = fields


class NextOfKinUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = NextOfKin
        fields = list(services.NEXT_OF_KIN_FIELDS)


class NextOfKinCreateSerializer(NextOfKinUpdateSerializer):
    service_user = ChoiceRelatedField(ServiceUser, visible_service_users)

    class Meta(NextOfKinUpdateSerializer.Meta):
        fields = ["service_user", *services.NEXT_OF_KIN_FIELDS]


# --- the access log ------------------------------------------------------------------------------------------


class AccessEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessEvent
        fields = ["id", "service_user", "actor_name", "actor_role", "what", "channel", "reason", "at"]
        read_only_fields = fields


# --- appointments ---------------------------------------------------------------------------------------------


class AppointmentSerializer(serializers.ModelSerializer):
    service_user_name = serializers.CharField(source="service_user.full_name", read_only=True)
    trust_person = PersonSerializer(read_only=True, help_text=_("Hvem som møter."))
    original_trust_person = PersonSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Hvem som egentlig skulle komme, når en stedfortreder har tatt over avtalen."),
    )
    ends_at = serializers.DateTimeField(read_only=True)
    place_display = serializers.CharField(source="place_text", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "follow_up",
            "service_user",
            "service_user_name",
            "trust_person",
            "original_trust_person",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "place",
            "place_detail",
            "place_display",
            "about",
            "status",
            "status_display",
            "status_note",
            "created_at",
        ]
        read_only_fields = fields


class AppointmentCreateSerializer(serializers.Serializer):
    follow_up = ChoiceRelatedField(FollowUp, changeable_cases, help_text=_("Saken avtalen hører til."))
    starts_at = BoundedDateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=8 * 60, default=60)
    place = serializers.ChoiceField(choices=Appointment.Place.choices)
    place_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    about = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AppointmentCancelSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("Hvorfor avtalen avlyses.")
    )


class AppointmentMoveSerializer(serializers.Serializer):
    starts_at = BoundedDateTimeField(help_text=_("Det nye tidspunktet."))
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("Hvorfor avtalen flyttes.")
    )


# --- absences -------------------------------------------------------------------------------------------------


class AbsenceSerializer(serializers.ModelSerializer):
    person = PersonSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    registered_by = StaffNameSerializer(read_only=True)

    class Meta:
        model = Absence
        fields = [
            "id",
            "person",
            "kind",
            "kind_display",
            "starts_on",
            "ends_on",
            "note",
            "announce_return",
            "registered_by",
            "registered_at",
            "announced_at",
            "return_announced_at",
            "cancelled_at",
        ]
        read_only_fields = fields


DECISIONS = [
    (continuity.DEPUTY, _("Stedfortreder tar avtalen")),
    (continuity.CANCEL, _("Avlys avtalen")),
]


class AbsenceCreateSerializer(serializers.Serializer):
    person = ChoiceRelatedField(
        User,
        absence_people_for,
        required=False,
        help_text=_("Hvem er borte. Utelatt: deg selv. En leder kan velge tillitspersonene i kommunen sin."),
    )
    kind = serializers.ChoiceField(choices=Absence.Kind.choices)
    starts_on = BoundedDateField()
    ends_on = BoundedDateField()
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_("Vises bare for kolleger og leder, ikke for brukerne."),
    )
    announce_return = serializers.BooleanField(required=False, default=False)
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=DECISIONS),
        required=False,
        help_text=_(
            "Avtale-id → «deputy» (stedfortreder tar avtalen) eller «cancel» (avlys). Avtaler som ikke er med "
            "her, gis til stedfortrederen; uten ledig stedfortreder avlyses de."
        ),
    )

    def validate_decisions(self, value: dict) -> dict[int, str]:
        decisions = {}
        for key, decision in value.items():
            try:
                appointment_id = int(key)
            except (TypeError, ValueError):
                appointment_id = 0
            if not 1 <= appointment_id <= MAX_ID:
                raise serializers.ValidationError(_("Nøklene må være id-er for avtaler (hele tall)."))
            decisions[appointment_id] = decision
        return decisions


class AbsencePreviewQuerySerializer(serializers.Serializer):
    person = ChoiceRelatedField(User, absence_people_for, required=False)
    starts_on = BoundedDateField()
    ends_on = BoundedDateField()

    def validate(self, attrs: dict) -> dict:
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": [_("«Til og med» kan ikke være før «fra og med».")]}
            )
        return attrs


class GapSerializer(serializers.Serializer):
    """A case left without cover: neither the trust person nor a deputy is there."""

    follow_up = serializers.IntegerField(source="case.pk", read_only=True)
    service_user = serializers.IntegerField(source="case.service_user_id", read_only=True)
    reason = serializers.CharField(read_only=True)


class AbsenceResultSerializer(serializers.Serializer):
    absence = AbsenceSerializer(read_only=True)
    gaps = GapSerializer(many=True, read_only=True)
    covered = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("Avtaler stedfortrederen har tatt over."),
    )
    cancelled = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text=_("Avtaler som er avlyst.")
    )
    announced = serializers.BooleanField(
        read_only=True,
        help_text=_("Brukerne er varslet nå (fraværet har begynt); ellers varsles de dagen før."),
    )


class AbsencePreviewSerializer(serializers.Serializer):
    gaps = GapSerializer(many=True, read_only=True)
    appointments = AppointmentSerializer(many=True, read_only=True)


# --- standing deputies ----------------------------------------------------------------------------------------


class DeputyArrangementSerializer(serializers.ModelSerializer):
    trust_person = PersonSerializer(read_only=True)
    deputy = PersonSerializer(read_only=True)
    unit = NamedSerializer(read_only=True)
    set_by = StaffNameSerializer(read_only=True)

    class Meta:
        model = DeputyArrangement
        fields = ["id", "trust_person", "deputy", "unit", "set_by", "updated_at"]
        read_only_fields = fields


class DeputyUpdateSerializer(serializers.Serializer):
    deputy = ChoiceRelatedField(
        User, leader_staff, allow_null=True, help_text=_("Den faste stedfortrederen; null fjerner den.")
    )


class DeputyCreateSerializer(DeputyUpdateSerializer):
    trust_person = ChoiceRelatedField(User, leader_staff)


class AbsenceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person = StaffNameSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=Absence.Kind.choices, read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)


class UncoveredSerializer(serializers.Serializer):
    follow_up = serializers.IntegerField(source="case.pk", read_only=True)
    service_user = serializers.IntegerField(source="case.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="case.service_user.full_name", read_only=True)
    trust_person_absence = AbsenceBriefSerializer(read_only=True)
    deputy_absence = AbsenceBriefSerializer(read_only=True)


class CoverageSerializer(serializers.Serializer):
    uncovered = UncoveredSerializer(
        many=True,
        read_only=True,
        help_text=_("Brukere der tillitspersonen og stedfortrederen er borte samtidig."),
    )
    without_deputy = StaffNameSerializer(
        many=True, read_only=True, help_text=_("Tillitspersoner uten fast stedfortreder.")
    )


# --- notifications --------------------------------------------------------------------------------------------


class NotificationAboutSerializer(serializers.Serializer):
    type = serializers.CharField(
        read_only=True, help_text=_("For eksempel «appointment», «absence», «followup».")
    )
    id = serializers.IntegerField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer):
    about = serializers.SerializerMethodField(help_text=_("Hva varselet gjelder, eller null."))

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "channel", "state", "due_at", "read_at", "about"]
        read_only_fields = fields

    @extend_schema_field(NotificationAboutSerializer(allow_null=True))
    def get_about(self, obj: Notification) -> dict | None:
        if obj.about_type_id is None or obj.about_id is None:
            return None
        # Content types are cached per process, so this costs no query per row.
        return {"type": ContentType.objects.get_for_id(obj.about_type_id).model, "id": obj.about_id}


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("Hvor mange som ble merket som lest nå."))


# --- me --------------------------------------------------------------------------------------------------


class RolesSerializer(serializers.Serializer):
    trust_person_units = NamedSerializer(many=True, read_only=True)
    leader_municipalities = NamedSerializer(many=True, read_only=True)
    partner_organisations = NamedSerializer(many=True, read_only=True)
    is_admin = serializers.BooleanField(read_only=True)


class ContactSerializer(serializers.Serializer):
    """Who the service user reaches now: their trust person and the deputy, in their open case."""

    follow_up = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=FollowUp.Status.choices, read_only=True)
    unit = NamedSerializer(read_only=True)
    unit_phone = serializers.CharField(read_only=True, help_text=_("Enhetens vakttelefon."))
    trust_person = PersonSerializer(read_only=True)
    deputy = PersonSerializer(read_only=True, allow_null=True)


CONTACT_ROLES = [
    ("primary", _("Kontaktpersonen din")),
    ("deputy", _("Stedfortreder")),
    ("duty", _("Vakttelefonen")),
]


class ContactNowSerializer(serializers.Serializer):
    """Who the service user should contact right now: primary → deputy → the unit's duty phone."""

    role = serializers.ChoiceField(choices=CONTACT_ROLES, read_only=True)
    name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    user_id = serializers.IntegerField(read_only=True, allow_null=True)
    until = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Når kontaktpersonen er tilbake, hvis hen er borte.")
    )
    reason = serializers.CharField(read_only=True)


class MeServiceUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    contact = ContactSerializer(read_only=True, allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    roles = RolesSerializer(read_only=True)
    service_user = MeServiceUserSerializer(read_only=True, allow_null=True)
    contact_now = ContactNowSerializer(
        read_only=True, allow_null=True, help_text=_("For en tjenestemottaker: hvem du kan kontakte nå.")
    )
    absent_today = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("For ansatte: om du er registrert borte i dag.")
    )
    standing_deputy = StaffNameSerializer(
        read_only=True, allow_null=True, help_text=_("For tillitspersoner: din faste stedfortreder.")
    )
    unread_notifications = serializers.IntegerField(read_only=True, help_text=_("Uleste varsler."))


# --- errors, for the schema -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        required=False,
        help_text=_("Feilmeldinger per felt; «non_field_errors» for feil som gjelder hele forespørselen."),
    )
