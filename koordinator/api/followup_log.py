"""The follow-up log in the API: ``followup-entries/``. A thin adapter: reads through the gate, writes through
``koordinator.followup_log``; bad input is a 400 with the field and a message (``koordinator.api.errors``).

* List (paginated, newest first) with filters: ``follow_up``, ``service_user``, ``kind``, ``written_by``,
  ``from``/``to`` (days, inclusive, Norwegian time) and ``archived``; retrieve; create; PATCH; ``archive/``.
* The case's staff write; the owner reads every live entry about them; a partner reads live entries while a
  consent with the follow-up-log scope is in force. Reads by anyone but the owner go in the owner's access log.
* Nothing is deleted: an entry is archived (DELETE is 405, as everywhere).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from koordinator import access, followup_log
from koordinator.api import permissions
from koordinator.api.filters import ArchivedFilterMixin, IdFilter, with_public_names
from koordinator.api.serializers import (
    BoundedDateTimeField,
    ChoiceRelatedField,
    DisplayField,
    ReadModelSerializer,
    StaffNameSerializer,
    active_organisations,
    changeable_cases,
)
from koordinator.api.viewsets import ERRORS, GatedViewSet, read_responses, write_responses
from koordinator.models import AccessEvent, Appointment, FollowUp, FollowUpEntry, LifeArea, Organisation
from koordinator.timeutil import day_bounds

Kind = FollowUpEntry.Kind


# --- the registered links (``followup_log.links``: the plan's steps), one list of ids each --------------------


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class LinkedIdsField(serializers.Field):
    """The ids of what the entry points at that the caller may see (prefetched through the gate)."""

    def __init__(self, link, **kwargs):
        self.link = link
        super().__init__(source="*", read_only=True, help_text=link.help_text, **kwargs)

    def to_representation(self, entry: FollowUpEntry) -> list[int]:
        return followup_log.links.visible_ids(entry, self.link.name)


def with_links(fields: dict, make, after: str) -> dict:
    """``fields`` with one field per registered link (``make(link)``), placed after ``after``."""
    made = {link.name: make(link) for link in followup_log.entry_links()}
    ordered = {}
    for name, field in fields.items():
        ordered[name] = field
        if name == after:
            ordered.update(made)
    return ordered


# --- serializers ------------------------------------------------------------------------------------------------


class FollowUpEntrySerializer(ReadModelSerializer):
    service_user = serializers.IntegerField(source="follow_up.service_user_id", read_only=True)
    kind_display = DisplayField(source="get_kind_display", read_only=True)
    is_contact = serializers.BooleanField(
        read_only=True, help_text=_("Usann for «forsøkt, men ikke truffet»: det telles ikke som kontakt.")
    )
    service_name = serializers.CharField(
        source="service_display", read_only=True, help_text=_("Tjenesten fra listen, ellers fritekst.")
    )
    life_areas = serializers.ListField(child=serializers.ChoiceField(choices=LifeArea.choices), read_only=True)
    written_by = StaffNameSerializer(read_only=True)

    class Meta:
        model = FollowUpEntry
        fields = [
            "id",
            "follow_up",
            "service_user",
            "started_at",
            "duration_minutes",
            "kind",
            "kind_display",
            "is_contact",
            "place",
            "service",
            "service_text",
            "service_name",
            "life_areas",
            "note",
            "agreed_next",
            "next_appointment",
            "written_by",
            "created_at",
            "updated_at",
            "archived_at",
            "archived_reason",
        ]
        read_only_fields = fields

    def get_fields(self):
        # What the entry points at (the plan's steps): the ids the caller may see; a partner without the plan's
        # scope sees none.
        return with_links(super().get_fields(), LinkedIdsField, after="life_areas")


class NextAppointmentSerializer(serializers.Serializer):
    """The next meeting, booked together with the entry (as ``appointments/``)."""

    starts_at = BoundedDateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=8 * 60, default=60)
    place = serializers.ChoiceField(choices=Appointment.Place.choices)
    place_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    about = serializers.CharField(max_length=300, required=False, allow_blank=True)


class _EntryFields(serializers.Serializer):
    """What may be written; the service checks the rules."""

    started_at = BoundedDateTimeField(required=False, help_text=_("Når kontakten var. Utelatt: nå."))
    duration_minutes = serializers.IntegerField(min_value=0, max_value=followup_log.MAX_DURATION_MINUTES,
                                                required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    service = ChoiceRelatedField(Organisation, active_organisations, required=False, allow_null=True,
                                 help_text=_("Tjenesten, når brukeren ble fulgt til en avtale eller ved møte med "
                                             "en annen tjeneste."))
    service_text = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                         help_text=_("Tjenesten som fritekst, hvis den ikke står i listen."))
    life_areas = serializers.ListField(child=serializers.ChoiceField(choices=LifeArea.choices), required=False,
                                       allow_empty=True)
    note = serializers.CharField(max_length=followup_log.NOTE_MAX_LENGTH, required=False, allow_blank=True)
    agreed_next = serializers.CharField(max_length=followup_log.NOTE_MAX_LENGTH, required=False,
                                        allow_blank=True)

    def get_fields(self):
        # One list of ids per registered link: what the caller may name anywhere; the service checks that each
        # belongs to the case.
        return with_links(super().get_fields(), lambda link: ChoiceRelatedField(
            link.model(), link.nameable, many=True, required=False, help_text=link.write_help_text,
        ), after="life_areas")


class FollowUpEntryCreateSerializer(_EntryFields):
    follow_up = ChoiceRelatedField(FollowUp, changeable_cases, help_text=_("Saken loggføringen hører til."))
    kind = serializers.ChoiceField(choices=Kind.choices)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=followup_log.MAX_DURATION_MINUTES,
                                                default=30)
    next_appointment = NextAppointmentSerializer(
        required=False, allow_null=True, help_text=_("Lag neste avtale samtidig (valgfritt).")
    )


class FollowUpEntryUpdateSerializer(_EntryFields):
    pass


class FollowUpEntryArchiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text=_("Hvorfor loggføringen tas ut, for eksempel «skrevet på feil person»."))


# --- filters ------------------------------------------------------------------------------------------------------


class FollowUpEntryFilter(ArchivedFilterMixin):
    """``from`` and ``to`` are days (inclusive), in Norwegian time."""

    from_ = filters.DateFilter(method="filter_from", label=_("fra og med dato"))
    to = filters.DateFilter(method="filter_to", label=_("til og med dato"))
    follow_up = IdFilter(field_name="follow_up_id", label=_("sak"))
    service_user = IdFilter(field_name="follow_up__service_user_id", label=_("tjenestemottaker"))
    written_by = IdFilter(field_name="written_by_id", label=_("skrevet av"))
    kind = filters.ChoiceFilter(choices=Kind.choices, label=_("hva slags kontakt"))

    class Meta:
        model = FollowUpEntry
        fields = ["follow_up", "service_user", "written_by", "kind", "archived"]

    def filter_from(self, queryset, name, value):
        # The first days of the calendar mean «no bound» (and no overflow when converting to UTC).
        if value <= datetime.date.min + datetime.timedelta(days=1):
            return queryset
        return queryset.filter(started_at__gte=day_bounds(value)[0])

    def filter_to(self, queryset, name, value):
        if value >= datetime.date.max - datetime.timedelta(days=1):
            return queryset
        return queryset.filter(started_at__lt=day_bounds(value)[1])


with_public_names(FollowUpEntryFilter, from_="from")


# --- the viewset ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: FollowUpEntrySerializer(many=True), 401: ERRORS[401]},
                       description=_("Loggføringer du har tilgang til, nyeste først.")),
    retrieve=extend_schema(responses=read_responses(FollowUpEntrySerializer)),
    create=extend_schema(
        request=FollowUpEntryCreateSerializer,
        responses=write_responses(FollowUpEntrySerializer, 201),
        description=_("Skriv en kontakt i loggen til en sak du arbeider med, og lag eventuelt neste avtale."),
    ),
    partial_update=extend_schema(
        request=FollowUpEntryUpdateSerializer,
        responses=write_responses(FollowUpEntrySerializer),
        description=_("Endre en loggføring. Felt som utelates, beholdes; historikken tar vare på alt."),
    ),
)
class FollowUpEntryViewSet(GatedViewSet):
    """The follow-up log (*kontaktlogg*): contacts with a user and attempts, newest first."""

    model = FollowUpEntry
    access_what = _("Kontaktlogg")
    serializer_class = FollowUpEntrySerializer
    filterset_class = FollowUpEntryFilter
    may_create = staticmethod(permissions.is_staff_worker)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def optimise(self, qs):
        return (
            qs.select_related("follow_up", "written_by", "service")
            .prefetch_related(*followup_log.links.prefetches(self.request.user))
            .order_by("-started_at", "-pk")
        )

    def record(self, objects, what, listing: bool = False) -> None:
        ids = [obj.follow_up.service_user_id for obj in objects]
        access.record_access(self.request.user, ids, what, AccessEvent.Channel.API, listing=listing)

    def get_serializer_class(self):
        return {
            "create": FollowUpEntryCreateSerializer,
            "partial_update": FollowUpEntryUpdateSerializer,
            "archive": FollowUpEntryArchiveSerializer,
        }.get(self.action, FollowUpEntrySerializer)

    def _respond(self, entry, code=status.HTTP_200_OK) -> Response:
        return Response(FollowUpEntrySerializer(self.reload(entry.pk)).data, status=code)

    def _body(self) -> dict:
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._body()
        case = data.pop("follow_up")
        next_appointment = data.pop("next_appointment", None)
        entry = followup_log.create_entry(request.user, case, **data,
                                          next_appointment=dict(next_appointment) if next_appointment else None)
        return self._respond(entry, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = self._body()
        entry = followup_log.update_entry(request.user, entry, **data)
        return self._respond(entry)

    @extend_schema(request=FollowUpEntryArchiveSerializer, responses=write_responses(FollowUpEntrySerializer),
                   description=_("Ta loggføringen ut av loggen. Ingenting slettes; brukeren ser den ikke lenger."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        entry = self.get_object()
        data = self._body()
        followup_log.archive_entry(request.user, entry, data.get("reason", ""))
        return self._respond(entry)
