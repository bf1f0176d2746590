"""Serializers for the caller's own things: their notifications (the bell, and «mark all read») and «me»: roles,
who a service user contacts now (``CONTACT_ROLES``), and for staff whether they are away and their deputy.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koordinator.api.serializers.common import (
    NamedSerializer,
    PersonSerializer,
    ReadModelSerializer,
    StaffNameSerializer,
)
from koordinator.models import FollowUp, Notification

# --- notifications --------------------------------------------------------------------------------------------


class NotificationAboutSerializer(serializers.Serializer):
    type = serializers.CharField(
        read_only=True, help_text=_("For eksempel «appointment», «absence», «followup».")
    )
    id = serializers.IntegerField(read_only=True)


class NotificationSerializer(ReadModelSerializer):
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
