"""Serializers for the meetings API.

Read serializers describe what a caller sees. Write serializers check only shape and types and resolve ids through
the gate (``ChoiceRelatedField``: an id outside what the caller may choose is a 400 on that field, with the same
message whether the object exists or not); the rules live in ``meetings/services.py``.

The minutes are a living document like the plan: every response has ``version`` and ``etag``; a write says which
version it was based on (``version`` in the body or the ETag in ``If-Match``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers

from koordinator import access
from koordinator import services as core_services
from koordinator.api.filters import MAX_ID
from koordinator.api.serializers import (
    BoundedDateField,
    BoundedDateTimeField,
    ChoiceRelatedField,
    DisplayField,
    PersonSerializer,
    ReadModelSerializer,
    StaffNameSerializer,
    active_organisations,
    changeable_cases,
)
from koordinator.models import Consent, FollowUp, Membership, Organisation, User
from meetings.models import ActionItem, AgendaItem, Attendance, Group, GroupMember, Meeting, Minutes
from plans.api.serializers import ConflictSerializer, version_field

MINUTES_VERSION_HELP = _(
    "Referatversjonen endringen bygger på. Kan sendes som ETag i «If-Match» i stedet. Er referatet endret siden, "
    "svarer API-et 412 med gjeldende versjon og begge tekstene."
)

# «23.11.2026 14.00» as the pages write it, besides ISO 8601.
DATETIME_FORMATS = [ISO_8601, "%d.%m.%Y %H.%M", "%d.%m.%Y kl. %H.%M", "%d.%m.%Y %H:%M"]


# --- gated choices ------------------------------------------------------------------------------------------------


def changeable_groups(user):
    return Group.objects.for_user(user, access.CHANGE)


def changeable_meetings(user):
    """Meetings the caller may change through the gate (staff and the owner); the services decide the rest."""
    return Meeting.objects.for_user(user, access.CHANGE)


def visible_members(user):
    return GroupMember.objects.for_user(user, access.VIEW)


def member_people(user):
    """People who may be named as a member: active partners (the service explains a missing consent) and trust
    persons (the case's deputy needs no consent)."""
    partners = core_services.consent_grantee_users().values("pk")
    workers = Membership.objects.filter(role=Membership.Role.TRUST_PERSON).values("user_id")
    return User.objects.filter(Q(pk__in=partners) | Q(pk__in=workers), is_active=True)


def minutes_version_field() -> serializers.IntegerField:
    return version_field(help_text=MINUTES_VERSION_HELP)


def text_field(max_length: int | None = None, **kwargs) -> serializers.CharField:
    """Free text as written (spaces and line breaks kept); the services check what is required."""
    return serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=max_length,
                                 **kwargs)


# --- groups -------------------------------------------------------------------------------------------------------


class GroupSerializer(ReadModelSerializer):
    service_user = serializers.IntegerField(source="follow_up.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="follow_up.service_user.full_name", read_only=True)
    coordinator = PersonSerializer(source="follow_up.trust_person", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    chair_display = DisplayField(source="get_chair_display", read_only=True)

    class Meta:
        model = Group
        fields = ["id", "follow_up", "service_user", "service_user_name", "coordinator", "status", "status_display",
                  "status_reason", "status_changed_at", "chair", "chair_display", "created_at"]
        read_only_fields = fields


class GroupCreateSerializer(serializers.Serializer):
    follow_up = ChoiceRelatedField(
        FollowUp, changeable_cases,
        help_text=_("Saken gruppen hører til. En sak har én ansvarsgruppe om gangen."),
    )
    chair = serializers.ChoiceField(choices=Group.Chair.choices, required=False, default=Group.Chair.COORDINATOR,
                                    help_text=_("Hvem leder gruppen: koordinatoren, eller brukeren selv."))


class GroupUpdateSerializer(serializers.Serializer):
    chair = serializers.ChoiceField(choices=Group.Chair.choices,
                                    help_text=_("Ansatte og brukeren bestemmer hvem som leder gruppen."))


class GroupStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Group.Status.choices)
    reason = text_field(1000, help_text=_("Påkrevd for pause og avslutning. Avslutning avlyser planlagte møter."))


# --- members ------------------------------------------------------------------------------------------------------


class GroupMemberSerializer(ReadModelSerializer):
    kind_display = DisplayField(source="get_kind_display", read_only=True)
    name = serializers.SerializerMethodField(help_text=_("Navnet slik gruppen viser det."))
    person = StaffNameSerializer(read_only=True, allow_null=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default="")
    role_display = serializers.CharField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "group", "kind", "kind_display", "name", "person", "organisation", "organisation_name", "role",
                  "role_display", "is_current", "added_at", "removed_at", "removed_reason"]
        read_only_fields = fields

    def get_name(self, obj: GroupMember) -> str:
        return obj.name_in(obj.group.follow_up)


class GroupMemberCreateSerializer(serializers.Serializer):
    """A person (optionally with the service they come from) or a whole service."""

    group = ChoiceRelatedField(Group, changeable_groups)
    person = ChoiceRelatedField(User, member_people, required=False, allow_null=True)
    organisation = ChoiceRelatedField(
        Organisation, active_organisations, required=False, allow_null=True,
        help_text=_("Tjenesten: alene for hele tjenesten, sammen med «person» for tjenesten personen kommer fra."),
    )
    role = text_field(200, help_text=_("For eksempel «saksbehandler» eller «fastlege»."))


class GroupMemberUpdateSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=200, allow_blank=True)


class GroupMemberArchiveSerializer(serializers.Serializer):
    reason = text_field(1000, help_text=_("Hvorfor medlemmet går ut av gruppen."))


# --- meetings -----------------------------------------------------------------------------------------------------


class AgendaPointSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(
        help_text=_("Punktets id (nøkkelen i referatets «point_notes»); tom for punkter som ikke er lagret ennå.")
    )
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices, read_only=True)
    kind_display = serializers.CharField(source="kind_label", read_only=True)
    title = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    proposed_by = serializers.CharField(read_only=True)
    action_item = serializers.SerializerMethodField()
    step = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_id(self, point) -> int | None:
        return point.item.pk if point.item else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_action_item(self, point) -> int | None:
        return point.action_item.pk if point.action_item else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_step(self, point) -> int | None:
        return point.step.pk if point.step else None


class MeetingSerializer(ReadModelSerializer):
    service_user = serializers.IntegerField(source="group.follow_up.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="group.follow_up.service_user.full_name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    place_display = DisplayField(source="get_place_display", read_only=True)
    place_text = serializers.CharField(read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    chair_name = serializers.SerializerMethodField(help_text=_("Hvem leder møtet."))
    chair_person = StaffNameSerializer(read_only=True, allow_null=True,
                                       help_text=_("Når møteledelsen er gitt videre for dette møtet."))
    minutes = serializers.SerializerMethodField(help_text=_("Referatets id, når det er påbegynt."))

    class Meta:
        model = Meeting
        fields = ["id", "group", "service_user", "service_user_name", "starts_at", "ends_at", "duration_minutes",
                  "place", "place_display", "place_detail", "place_text", "note", "status", "status_display",
                  "status_note", "cancelled_at", "held_at", "chair_name", "chair_person", "sequence",
                  "agenda_frozen_at", "minutes", "created_at"]
        read_only_fields = fields

    def get_chair_name(self, obj: Meeting) -> str:
        from meetings.selectors import chair_name

        return chair_name(obj)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_minutes(self, obj: Meeting) -> int | None:
        try:
            return obj.minutes.pk
        except Minutes.DoesNotExist:
            return None


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaPointSerializer(many=True, read_only=True, help_text=_(
        "Dagsorden: brukerens ord først, så åpne oppgaver fra tidligere møter, delmål som har kommet til frist, "
        "revisjon av planen og medlemmenes forslag."))

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda"]
        read_only_fields = fields


class MeetingFieldsSerializer(serializers.Serializer):
    starts_at = BoundedDateTimeField(required=False, input_formats=DATETIME_FORMATS,
                                     help_text=_("Dato og klokkeslett (norsk tid), for eksempel 23.11.2026 14.00."))
    duration_minutes = serializers.IntegerField(required=False, min_value=1, max_value=100_000,
                                                help_text=_("Fra 15 minutter til 10 timer."))
    place = serializers.ChoiceField(choices=Meeting.Place.choices, required=False)
    place_detail = text_field(200, help_text=_("Adresse, rom eller lenke."))
    note = text_field(2000, help_text=_("Melding i innkallingen."))


class MeetingCreateSerializer(MeetingFieldsSerializer):
    group = ChoiceRelatedField(Group, changeable_groups)
    starts_at = BoundedDateTimeField(input_formats=DATETIME_FORMATS,
                                     help_text=_("Dato og klokkeslett (norsk tid), for eksempel 23.11.2026 14.00."))
    place = serializers.ChoiceField(choices=Meeting.Place.choices)


class MeetingUpdateSerializer(MeetingFieldsSerializer):
    reason = text_field(300, help_text=_("Hvorfor møtet flyttes; står i beskjeden til alle."))


class MeetingCancelSerializer(serializers.Serializer):
    reason = text_field(300, help_text=_("Påkrevd: hvorfor møtet avlyses. Alle får beskjed."))


class ApologiesSerializer(serializers.Serializer):
    message = text_field(1000, help_text=_("En melding til møteleder (valgfritt)."))
    member = ChoiceRelatedField(
        GroupMember, visible_members, required=False, allow_null=True,
        help_text=_("Utelatt: deg selv. Møteleder kan registrere forfall for et medlem som har ringt."),
    )


# --- attendance ---------------------------------------------------------------------------------------------------


class AttendanceSerializer(ReadModelSerializer):
    group = serializers.IntegerField(source="meeting.group_id", read_only=True)
    meeting_starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)
    member_name = serializers.SerializerMethodField()
    status_display = DisplayField(source="get_status_display", read_only=True)
    via_display = DisplayField(source="get_via_display", read_only=True)
    recorded_by = StaffNameSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "group", "meeting_starts_at", "member", "member_name", "status", "status_display",
                  "message", "via", "via_display", "recorded_by", "recorded_at"]
        read_only_fields = fields

    def get_member_name(self, obj: Attendance) -> str:
        return obj.member.name_in(obj.meeting.group.follow_up)


class AttendanceUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    message = text_field(1000, help_text=_("For eksempel meldingen med forfallet."))


class AttendanceCreateSerializer(AttendanceUpdateSerializer):
    meeting = ChoiceRelatedField(Meeting, changeable_meetings)
    member = ChoiceRelatedField(GroupMember, visible_members)


# --- minutes ------------------------------------------------------------------------------------------------------


class DiffLineSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=[("+", _("lagt til")), ("-", _("tatt bort")), (" ", _("uendret"))],
                                 read_only=True)
    line = serializers.CharField(read_only=True)


class SectionChangeSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text=_("«situation», «user_words», «decisions» eller "
                                                            "«point:<id>»."))
    label = serializers.CharField(read_only=True)
    before = serializers.CharField(read_only=True)
    after = serializers.CharField(read_only=True)
    lines = serializers.SerializerMethodField()

    @extend_schema_field(DiffLineSerializer(many=True))
    def get_lines(self, change) -> list[dict]:
        return [{"op": op, "line": line} for op, line in change.lines]


class SinceReadSerializer(serializers.Serializer):
    last_read_version = serializers.IntegerField(read_only=True, allow_null=True,
                                                 help_text=_("Versjonen du leste sist; tom første gang."))
    current_version = serializers.IntegerField(read_only=True)
    first_time = serializers.BooleanField(read_only=True)
    has_changes = serializers.BooleanField(read_only=True)
    changes = SectionChangeSerializer(many=True, read_only=True)


class AmendmentSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    when = serializers.DateTimeField(read_only=True)
    who = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    changes = SectionChangeSerializer(many=True, read_only=True)


class MinutesSerializer(ReadModelSerializer):
    group = serializers.IntegerField(source="meeting.group_id", read_only=True)
    meeting_starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)
    service_user = serializers.IntegerField(source="meeting.group.follow_up.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="meeting.group.follow_up.service_user.full_name", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    etag = serializers.CharField(read_only=True, help_text=_("Send denne i «If-Match» ved endringer."))
    point_notes = serializers.DictField(child=serializers.CharField(), read_only=True,
                                        help_text=_("Notat per punkt på dagsorden: punktets id → tekst."))
    ready_by = StaffNameSerializer(read_only=True, allow_null=True)
    changed_since_ready = serializers.BooleanField(read_only=True)
    changed_since_user_response = serializers.BooleanField(
        read_only=True, help_text=_("Endret etter at brukeren godkjente eller var uenig.")
    )
    # Blank until the user has approved or disagreed: the schema says so (a choice, or "").
    user_response_how = serializers.ChoiceField(
        choices=Consent.GivenHow.choices, allow_blank=True, read_only=True,
        help_text=_("Tom til brukeren har godkjent eller vært uenig."),
    )

    class Meta:
        model = Minutes
        fields = ["id", "meeting", "group", "meeting_starts_at", "service_user", "service_user_name", "status",
                  "status_display", "version", "etag", "situation", "user_words", "point_notes", "decisions",
                  "amendment_reason", "ready_at", "ready_by", "ready_version", "changed_since_ready",
                  "user_response_at", "user_response_how", "user_response_version", "changed_since_user_response",
                  "disagreement", "created_at", "updated_at"]
        read_only_fields = fields


class MinutesDetailSerializer(MinutesSerializer):
    agenda = AgendaPointSerializer(many=True, read_only=True)
    changes_since_read = SinceReadSerializer(read_only=True, help_text=_(
        "Hva som er endret siden du leste referatet sist (tomt første gang). Å hente referatet merker det som lest."))
    amendments = AmendmentSerializer(many=True, read_only=True, help_text=_(
        "Endringer etter at referatet ble markert klart, hver med grunn."))

    class Meta(MinutesSerializer.Meta):
        fields = [*MinutesSerializer.Meta.fields, "agenda", "changes_since_read", "amendments"]
        read_only_fields = fields


class MinutesCreateSerializer(serializers.Serializer):
    meeting = ChoiceRelatedField(Meeting, changeable_meetings, help_text=_(
        "Møtet. Situasjonen hentes fra forrige referat; finnes referatet fra før, får du det (200)."))


class MinutesVersionSerializer(serializers.Serializer):
    version = minutes_version_field()


class MinutesWriteSerializer(MinutesVersionSerializer):
    situation = text_field(help_text=_("Situasjonen nå, «pr dags dato»."))
    user_words = text_field(help_text=_("Brukerens ord."))
    decisions = text_field(help_text=_("Det dere ble enige om."))
    point_notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False,
        help_text=_("Notat per punkt (punktets id → tekst). Punktene som sendes, erstattes; tom tekst fjerner."),
    )
    reason = text_field(300, help_text=_("Påkrevd når referatet er markert klart: hvorfor det endres."))


class MinutesApproveSerializer(MinutesVersionSerializer):
    how = serializers.ChoiceField(choices=Consent.GivenHow.choices, required=False, help_text=_(
        "Ansatte som registrerer brukerens svar: «paper» eller «oral». Brukeren selv svarer alltid i portalen."))


class MinutesDisagreeSerializer(MinutesApproveSerializer):
    disagreement = text_field(4000, help_text=_("Det brukeren er uenig i, med egne ord."))


class MinutesRestoreSerializer(MinutesVersionSerializer):
    history_id = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                          help_text=_("Versjonen som skal hentes fram igjen (fra «history/»)."))
    reason = text_field(300, help_text=_("Påkrevd når referatet er markert klart."))


class MinutesConflictSerializer(ConflictSerializer):
    minutes = MinutesSerializer(read_only=True)



# --- action items -------------------------------------------------------------------------------------------------


class ActionItemSerializer(ReadModelSerializer):
    meeting_starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)
    service_user = serializers.IntegerField(source="group.follow_up.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="group.follow_up.service_user.full_name", read_only=True)
    responsible_name = serializers.SerializerMethodField()
    responsible_kind = serializers.ChoiceField(source="responsible.kind", choices=GroupMember.Kind.choices,
                                               read_only=True)
    is_overdue = serializers.SerializerMethodField(help_text=_("Åpen oppgave med frist som er passert."))
    status_display = DisplayField(source="get_status_display", read_only=True)
    closed_by = StaffNameSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = ["id", "group", "meeting", "meeting_starts_at", "service_user", "service_user_name", "what",
                  "responsible", "responsible_name", "responsible_kind", "due_on", "is_overdue", "status",
                  "status_display", "status_note", "closed_on", "closed_by", "created_at", "updated_at"]
        read_only_fields = fields

    def get_responsible_name(self, obj: ActionItem) -> str:
        return obj.responsible.name_in(obj.group.follow_up)

    def get_is_overdue(self, obj: ActionItem) -> bool:
        return obj.is_overdue(timezone.localdate())


class ActionItemFieldsSerializer(serializers.Serializer):
    what = text_field(2000)
    responsible = ChoiceRelatedField(GroupMember, visible_members, required=False,
                                     help_text=_("Et medlem av gruppen: brukeren, koordinatoren, en person eller en "
                                                 "tjeneste."))
    due_on = BoundedDateField(required=False)


class ActionItemCreateSerializer(ActionItemFieldsSerializer):
    meeting = ChoiceRelatedField(Meeting, changeable_meetings, help_text=_("Møtet der oppgaven ble bestemt."))
    responsible = ChoiceRelatedField(GroupMember, visible_members)
    due_on = BoundedDateField()


class ActionItemUpdateSerializer(ActionItemFieldsSerializer):
    """Møteleder endrer hva, hvem og frist; den som har ansvaret setter status med merknad."""

    status = serializers.ChoiceField(choices=ActionItem.Status.choices, required=False, help_text=_(
        "Gjort, ikke gjort eller ikke aktuell lenger (med merknad); møteleder kan åpne den igjen («open»)."))
    status_note = text_field(2000, help_text=_("Merknad; påkrevd for «ikke aktuell lenger»."))

