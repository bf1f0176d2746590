"""Serializers for the people and their cases: service users (read, change, intake), follow-up cases (read,
open, assign, change status, end), consents (read, give, withdraw), next of kin and the owner's access log.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from koordinator import services
from koordinator.api.filters import CONSENT_STATES
from koordinator.api.serializers.common import (
    BoundedDateField,
    CaseSummarySerializer,
    ChoiceRelatedField,
    PersonSerializer,
    ReadModelSerializer,
    active_organisations,
    consent_grantee_organisations,
    consent_grantee_users,
    trust_persons_for,
    units_for,
    visible_service_users,
)
from koordinator.models import AccessEvent, Consent, FollowUp, NextOfKin, Organisation, ServiceUser, User

# --- service users -----------------------------------------------------------------------------------------


# How to reach the person, shown blank to a partner whose consent does not cover the follow-up.
CONTACT_FIELDS = ("phone", "email", "address", "postal_code", "city", "language", "interpreter_language")


class ServiceUserSerializer(ReadModelSerializer):
    full_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(allow_blank=True, read_only=True, help_text=_("Tom når vi ikke har den."))
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

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = self.context.get("contact_ids")
        if shown is not None and instance.pk not in shown:
            # Only the name for a partner whose consent does not cover the follow-up: no birth date and no way
            # to reach the person (``access.sees_contact_details``); blank as when we do not have them.
            data["birth_date"] = None
            data.update(dict.fromkeys(CONTACT_FIELDS, ""))
        return data


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
    started_on = BoundedDateField(required=False, allow_null=True)

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


class FollowUpSerializer(ReadModelSerializer):
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
    # Blank until the case is ended: the schema says so (a reason, or "").
    ending_reason = serializers.ChoiceField(
        choices=FollowUp.EndingReason.choices, allow_blank=True, read_only=True,
        help_text=_("Tom til saken er avsluttet."),
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
    started_on = BoundedDateField(required=False, allow_null=True)


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
    open_door_until = BoundedDateField(required=False, allow_null=True)
    ended_on = BoundedDateField(required=False, allow_null=True)


# --- consent --------------------------------------------------------------------------------------------


class ConsentSerializer(ReadModelSerializer):
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
    valid_from = BoundedDateField(required=False, allow_null=True)
    valid_until = BoundedDateField()
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


class NextOfKinSerializer(ReadModelSerializer):
    email = serializers.EmailField(allow_blank=True, read_only=True, help_text=_("Tom når vi ikke har den."))

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


class AccessEventSerializer(ReadModelSerializer):
    class Meta:
        model = AccessEvent
        fields = ["id", "service_user", "actor_name", "actor_role", "what", "channel", "reason", "at"]
        read_only_fields = fields
