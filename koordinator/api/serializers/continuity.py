"""Serializers for continuity: appointments (read, book, cancel, move), absences (read, register with the
decisions on the appointments in the period, preview the gaps) and standing deputies (read, set, coverage).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from koordinator import continuity
from koordinator.api.filters import MAX_ID
from koordinator.api.serializers.common import (
    BoundedDateField,
    BoundedDateTimeField,
    ChoiceRelatedField,
    DisplayField,
    NamedSerializer,
    PersonSerializer,
    ReadModelSerializer,
    StaffNameSerializer,
    absence_people_for,
    changeable_cases,
    leader_staff,
)
from koordinator.models import Absence, Appointment, DeputyArrangement, FollowUp, User

# --- appointments ---------------------------------------------------------------------------------------------


class AppointmentSerializer(ReadModelSerializer):
    service_user_name = serializers.CharField(source="service_user.full_name", read_only=True)
    trust_person = PersonSerializer(read_only=True, help_text=_("Hvem som møter."))
    original_trust_person = PersonSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Hvem som egentlig skulle komme, når en stedfortreder har tatt over avtalen."),
    )
    ends_at = serializers.DateTimeField(read_only=True)
    place_display = serializers.CharField(source="place_text", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)

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


class AbsenceSerializer(ReadModelSerializer):
    person = PersonSerializer(read_only=True)
    kind_display = DisplayField(source="get_kind_display", read_only=True)
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


class DeputyArrangementSerializer(ReadModelSerializer):
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
