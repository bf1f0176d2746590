"""API viewsets for responsibility groups: thin adapters between HTTP and the gate (reads) and ``meetings.services``
(writes).

The base is the toolkit's (``koordinator.toolkit.api.LivingDocumentViewSet``): reads through ``Model.objects.for_user``, writes to an object
also through the change gate (403 for visible but read-only), the access log for every read by someone other than
the owner, and the living document's version handling. The minutes are the living document here:

* every minutes response carries ``version`` and ``etag`` and the ``ETag`` header;
* a write says which version it was based on: ``version`` in the body or the ETag in ``If-Match``;
* a write based on an older version is refused with **412 Precondition Failed**: the body has the current
  version, what was sent and what is stored now (``submitted``/``current``) and the minutes as they are now.

``ServiceError`` is a 400 with the field and a plain Norwegian message (``koordinator.api.errors``); a member
without the owner's meetings consent is such a 400, saying exactly which consent is missing. Nothing is deleted:
members are archived, meetings cancelled, action items closed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from koordinator.api import permissions
from koordinator.api.viewsets import ERRORS, read_responses, write_responses
from koordinator.services import ServiceError
from koordinator.toolkit.api import LivingDocumentViewSet, etag_pattern, with_conflict
from meetings import selectors, services
from meetings.api import filters
from meetings.api import serializers as s
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting, Minutes
from meetings.selectors import pages
from plans.api.serializers import PlanVersionEntrySerializer

CASE = ("follow_up__service_user", "follow_up__trust_person")
GROUP_CASE = tuple(f"group__{r}" for r in CASE)
MEETING_CASE = tuple(f"meeting__group__{r}" for r in CASE)

CONFLICT = OpenApiResponse(
    s.MinutesConflictSerializer,
    description=gettext_lazy("Referatet er endret siden versjonen du startet fra. Ingenting er lagret."),
)
MINUTES_IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description=gettext_lazy("Referatets ETag (i stedet for «version» i innholdet)."),
)


def attendance_rows(qs):
    """Attendance with the member's name and the meeting's case joined in (no query per row)."""
    return qs.select_related(*MEETING_CASE, "meeting", "member__person", "member__organisation", "recorded_by")


def minutes_responses(serializer=s.MinutesSerializer, code: int = 200) -> dict:
    return with_conflict(serializer, code, CONFLICT)


class MeetingsViewSet(LivingDocumentViewSet):
    """Base for the meetings resources: the access log through the group's case (``owner_path``); staff and the
    owner may start things (the gated fields and the services decide for which group)."""

    owner_path = "group.follow_up.service_user_id"
    may_create = staticmethod(permissions.is_staff_or_service_user)

    def _respond(self, obj, code=status.HTTP_200_OK) -> Response:
        return Response(self.serializer_class(self.reload(obj.pk)).data, status=code)


# --- groups -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.GroupSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.GroupSerializer)),
    create=extend_schema(
        request=s.GroupCreateSerializer, responses=write_responses(s.GroupSerializer, 201),
        description=gettext_lazy("Ny ansvarsgruppe for en sak, med brukeren og koordinatoren som faste medlemmer."),
    ),
    partial_update=extend_schema(
        request=s.GroupUpdateSerializer, responses=write_responses(s.GroupSerializer),
        description=gettext_lazy("Hvem leder gruppen: koordinatoren, eller brukeren selv (ansatte og brukeren)."),
    ),
)
class GroupViewSet(MeetingsViewSet):
    """Responsibility groups. Staff on the case create and run them; the user may choose to chair their own;
    members see the group while the owner's meetings consent to them is in force."""

    model = Group
    owner_path = "follow_up.service_user_id"
    access_what = gettext_lazy("Ansvarsgruppe")
    serializer_class = s.GroupSerializer
    filterset_class = filters.GroupFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return qs.select_related(*CASE)

    def get_serializer_class(self):
        return {
            "create": s.GroupCreateSerializer,
            "partial_update": s.GroupUpdateSerializer,
            "change_status": s.GroupStatusSerializer,
        }.get(self.action, s.GroupSerializer)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        group = services.create_group(request.user, data["follow_up"], chair=data["chair"])
        return self._respond(group, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        group = self.get_object()
        data = self.validated_body()
        services.set_group_chair(request.user, group, data["chair"])
        return self._respond(group)

    @extend_schema(request=s.GroupStatusSerializer, responses=write_responses(s.GroupSerializer),
                   description=gettext_lazy("Sett gruppen på pause, avslutt den (med grunn; planlagte møter avlyses) "
                                            "eller gjør den aktiv igjen."))
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        group = self.get_object()
        data = self.validated_body()
        services.change_group_status(request.user, group, data["status"], data.get("reason", ""))
        return self._respond(group)


# --- members ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.GroupMemberSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.GroupMemberSerializer)),
    create=extend_schema(
        request=s.GroupMemberCreateSerializer, responses=write_responses(s.GroupMemberSerializer, 201),
        description=gettext_lazy(
            "Legg til en person (eventuelt med tjenesten personen kommer fra) eller en hel tjeneste. Uten brukerens "
            "samtykke til ansvarsgruppen svarer API-et 400 og sier hvilket samtykke som mangler."),
    ),
    partial_update=extend_schema(request=s.GroupMemberUpdateSerializer,
                                 responses=write_responses(s.GroupMemberSerializer)),
)
class GroupMemberViewSet(MeetingsViewSet):
    """Members of the groups: the user and the coordinator always, partners while the owner consents."""

    model = GroupMember
    access_what = gettext_lazy("Medlemmer i ansvarsgruppe")
    serializer_class = s.GroupMemberSerializer
    filterset_class = filters.GroupMemberFilter

    def optimise(self, qs):
        return qs.select_related(*GROUP_CASE, "person", "organisation")

    def get_serializer_class(self):
        return {
            "create": s.GroupMemberCreateSerializer,
            "partial_update": s.GroupMemberUpdateSerializer,
            "archive": s.GroupMemberArchiveSerializer,
        }.get(self.action, s.GroupMemberSerializer)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        member = services.add_member(request.user, data["group"], person=data.get("person"),
                                     organisation=data.get("organisation"), role=data.get("role", ""))
        return self._respond(member, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        services.update_member(request.user, member, role=self.validated_body()["role"])
        return self._respond(member)

    @extend_schema(request=s.GroupMemberArchiveSerializer, responses=write_responses(s.GroupMemberSerializer),
                   description=gettext_lazy("Ta medlemmet ut av gruppen (brukeren og koordinatoren er alltid med). "
                                            "Ingenting slettes; åpne oppgaver blir stående."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        member = self.get_object()
        services.remove_member(request.user, member, self.validated_body().get("reason", ""))
        return self._respond(member)


# --- meetings -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.MeetingSerializer(many=True), 401: ERRORS[401]},
                       description=gettext_lazy("Møtene du har tilgang til, etter tidspunkt.")),
    retrieve=extend_schema(responses=read_responses(s.MeetingDetailSerializer)),
    create=extend_schema(
        request=s.MeetingCreateSerializer, responses=write_responses(s.MeetingSerializer, 201),
        description=gettext_lazy("Kall inn til møte: alle medlemmene får innkalling (e-post med kalenderfil; "
                                 "brukeren slik brukeren vil)."),
    ),
    partial_update=extend_schema(
        request=s.MeetingUpdateSerializer, responses=write_responses(s.MeetingSerializer),
        description=gettext_lazy("Flytt møtet eller endre sted eller melding. Nytt tidspunkt eller sted går til "
                                 "alle; en endret melding alene lagres uten beskjed."),
    ),
)
class MeetingViewSet(MeetingsViewSet):
    """Meetings of the groups. Managers (staff, or the user chairing their own group) schedule, move and cancel;
    members send apologies (*forfall*)."""

    model = Meeting
    access_what = gettext_lazy("Ansvarsgruppemøte")
    serializer_class = s.MeetingSerializer
    filterset_class = filters.MeetingFilter

    def optimise(self, qs):
        # What the serializer and the agenda read (``selectors.MEETING_RELATED`` without the case's deputy and
        # unit): two tables fewer for the database to plan.
        return qs.select_related(*GROUP_CASE, "chair_person", "minutes")

    def get_serializer_class(self):
        return {
            "create": s.MeetingCreateSerializer,
            "partial_update": s.MeetingUpdateSerializer,
            "cancel": s.MeetingCancelSerializer,
            "apologies": s.ApologiesSerializer,
        }.get(self.action, s.MeetingSerializer)

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        self.record([meeting], self.access_what)
        # ``selectors.agenda`` without asking the gate for the meeting again (it has just passed it).
        meeting.agenda = pages._agenda(meeting, request.user)
        return Response(s.MeetingDetailSerializer(meeting).data)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        meeting = services.schedule_meeting(request.user, data.pop("group"), **data)
        return self._respond(meeting, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        data = self.validated_body()
        services.change_meeting(request.user, meeting, reason=data.pop("reason", ""), **data)
        return self._respond(meeting)

    @extend_schema(request=s.MeetingCancelSerializer, responses=write_responses(s.MeetingSerializer),
                   description=gettext_lazy("Avlys møtet, med grunn. Alle får beskjed, og kalenderne får avlysningen."))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        services.cancel_meeting(request.user, meeting, self.validated_body().get("reason", ""))
        return self._respond(meeting)

    @extend_schema(request=s.ApologiesSerializer, responses=write_responses(s.AttendanceSerializer),
                   description=gettext_lazy("Meld forfall til møtet for deg selv (som medlem), med en melding om du "
                                            "vil. Møteleder får beskjed."))
    # Members send apologies for themselves without the change gate (it lets partners change only their own
    # attendance rows, and there is none yet); the service checks who they are.
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def apologies(self, request, pk=None):
        meeting = self.get_object()
        data = self.validated_body()
        attendance = services.send_apologies(request.user, meeting, message=data.get("message", ""),
                                             member=data.get("member"))
        fresh = attendance_rows(Attendance.objects.for_user(request.user)).get(pk=attendance.pk)
        return Response(s.AttendanceSerializer(fresh).data)


# --- attendance ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.AttendanceSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.AttendanceSerializer)),
    create=extend_schema(
        request=s.AttendanceCreateSerializer,
        responses={**write_responses(s.AttendanceSerializer, 201), 200: s.AttendanceSerializer},
        description=gettext_lazy("Registrer oppmøte for et medlem på et møte som har startet: til stede, meldt "
                                 "forfall eller ikke møtt. Møtet blir registrert som holdt. 200 når medlemmet "
                                 "hadde oppmøte registrert fra før."),
    ),
    partial_update=extend_schema(request=s.AttendanceUpdateSerializer,
                                 responses=write_responses(s.AttendanceSerializer)),
)
class AttendanceViewSet(MeetingsViewSet):
    """Who came to each meeting. The chair (or the coordinator) records it; members send apologies from
    ``meetings/{id}/apologies/``."""

    model = Attendance
    owner_path = "meeting.group.follow_up.service_user_id"
    access_what = gettext_lazy("Oppmøte i ansvarsgruppe")
    serializer_class = s.AttendanceSerializer
    filterset_class = filters.AttendanceFilter

    def optimise(self, qs):
        return attendance_rows(qs)

    def get_serializer_class(self):
        return {
            "create": s.AttendanceCreateSerializer,
            "partial_update": s.AttendanceUpdateSerializer,
        }.get(self.action, s.AttendanceSerializer)

    def _record(self, meeting: Meeting, member: GroupMember, data: dict) -> Attendance:
        saved = services.record_attendance(self.request.user, meeting, {member: data["status"]},
                                           {member: data.get("message", "")})
        return saved[0]

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        meeting, member = data["meeting"], data["member"]
        existed = Attendance.objects.filter(meeting=meeting, member=member).exists()
        attendance = self._record(meeting, member, data)
        return self._respond(attendance, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        attendance = self.get_object()
        attendance = self._record(attendance.meeting, attendance.member, self.validated_body())
        return self._respond(attendance)


# --- minutes ------------------------------------------------------------------------------------------------------


def _minutes_action(serializer, description):
    return extend_schema(request=serializer, responses=minutes_responses(), parameters=[MINUTES_IF_MATCH],
                         description=description)


@extend_schema_view(
    list=extend_schema(responses={200: s.MinutesSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(
        responses=read_responses(s.MinutesDetailSerializer),
        description=gettext_lazy("Referatet, med dagsorden, synlige endringer etter at det ble klart, og hva som er "
                                 "endret siden du leste det sist. Å hente det merker det som lest."),
    ),
    create=extend_schema(
        request=s.MinutesCreateSerializer,
        responses={**write_responses(s.MinutesSerializer, 201), 200: s.MinutesSerializer},
        description=gettext_lazy("Start referatet fra et møte (versjon 1). Finnes det fra før, får du det (200)."),
    ),
    partial_update=_minutes_action(
        s.MinutesWriteSerializer,
        gettext_lazy("Skriv i referatet. «version» (eller If-Match) er påkrevd; er referatet endret siden, svarer "
                     "API-et 412 med begge tekstene. Etter at referatet er klart, må endringen ha en grunn."),
    ),
)
class MinutesViewSet(MeetingsViewSet):
    """The minutes (*referat*), the living document of the group. The chair (or the coordinator) writes them and
    marks them ready; the user approves them or writes what they disagree with."""

    model = Minutes
    owner_path = "meeting.group.follow_up.service_user_id"
    access_what = gettext_lazy("Referat fra ansvarsgruppemøte")
    serializer_class = s.MinutesSerializer
    filterset_class = filters.MinutesFilter
    document_model = Minutes
    conflict_class = services.MinutesConflict
    etag = etag_pattern("minutes")
    etag_example = '"minutes-%(id)s-v3"'
    if_match_message = gettext_lazy(
        "«If-Match» må være referatets ETag, slik den kom i svaret, for eksempel «%(example)s»."
    )

    def optimise(self, qs):
        return qs.select_related(*MEETING_CASE, "meeting", "ready_by")

    def get_serializer_class(self):
        return {
            "create": s.MinutesCreateSerializer,
            "partial_update": s.MinutesWriteSerializer,
            "ready": s.MinutesVersionSerializer,
            "approve": s.MinutesApproveSerializer,
            "disagree": s.MinutesDisagreeSerializer,
            "restore": s.MinutesRestoreSerializer,
        }.get(self.action, s.MinutesSerializer)

    def _respond(self, minutes, code=status.HTTP_200_OK) -> Response:
        minutes = self.reload(minutes.pk)
        return Response(s.MinutesSerializer(minutes).data, status=code, headers={"ETag": minutes.etag})

    def conflict_document(self, pk: int) -> tuple[str, dict]:
        return "minutes", s.MinutesSerializer(self.reload(pk)).data

    def _version(self, data: dict, minutes: Minutes) -> int | None:
        return self.requested_version(data, minutes.pk)

    def retrieve(self, request, *args, **kwargs):
        minutes = self.get_object()
        self.record([minutes], self.access_what)
        # As ``selectors.agenda``, ``changes_since_last_read`` and ``minutes_amendments``, without asking the gate
        # for the meeting and the minutes again: the minutes passed it, and whoever reaches the minutes reaches
        # their meeting (``meetings.access``: the minutes' policy is ``in_meeting_policy``). Every stored point's
        # title (``_titles``) comes with the agenda's query.
        titles: dict[int, str] = {}
        minutes.agenda = pages._agenda(minutes.meeting, request.user, titles)
        minutes.changes_since_read = pages._since_read(request.user, minutes, titles)
        minutes.amendments = pages._amendments(minutes, titles)
        data = s.MinutesDetailSerializer(minutes).data
        # As the page: what changed is shown once, then the reader has read this version.
        services.mark_minutes_read(request.user, minutes)
        return Response(data, headers={"ETag": minutes.etag})

    def create(self, request, *args, **kwargs):
        meeting = self.validated_body()["meeting"]
        existed = Minutes.objects.filter(meeting=meeting).exists()
        minutes = services.start_minutes(request.user, meeting)
        return self._respond(minutes, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        minutes = self.get_object()
        data = self.validated_body()
        version = self._version(data, minutes)
        if version is None:
            raise ServiceError(str(services.MinutesConflict.bad_version), "version")
        data.pop("version", None)
        services.write_minutes(request.user, minutes, version, reason=data.pop("reason", ""), **data)
        return self._respond(minutes)

    @_minutes_action(s.MinutesVersionSerializer,
                     gettext_lazy("Møteleder markerer referatet som klart: brukeren blir bedt om å godkjenne det, og "
                                  "medlemmene får beskjed."))
    @action(detail=True, methods=["post"])
    def ready(self, request, pk=None):
        minutes = self.get_object()
        services.mark_minutes_ready(request.user, minutes, based_on_version=self._version(self.validated_body(), minutes))
        return self._respond(minutes)

    @_minutes_action(s.MinutesApproveSerializer,
                     gettext_lazy("Brukeren godkjenner referatet (eller ansatte registrerer at brukeren godkjente det "
                                  "på papir eller muntlig). Send versjonen brukeren leste."))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        minutes = self.get_object()
        data = self.validated_body()
        services.approve_minutes(request.user, minutes, based_on_version=self._version(data, minutes),
                                 how=data.get("how", ""))
        return self._respond(minutes)

    @_minutes_action(s.MinutesDisagreeSerializer,
                     gettext_lazy("Brukeren skriver hva hen er uenig i, med egne ord. Møteleder og koordinator får "
                                  "beskjed."))
    @action(detail=True, methods=["post"])
    def disagree(self, request, pk=None):
        minutes = self.get_object()
        data = self.validated_body()
        services.disagree_with_minutes(request.user, minutes, data.get("disagreement", ""),
                                       based_on_version=self._version(data, minutes), how=data.get("how", ""))
        return self._respond(minutes)

    @_minutes_action(s.MinutesRestoreSerializer,
                     gettext_lazy("Hent fram tekstene fra en tidligere versjon. Gjenopprettingen blir en ny versjon."))
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        minutes = self.get_object()
        data = self.validated_body()
        services.restore_minutes_version(request.user, minutes, data["history_id"],
                                         based_on_version=self._version(data, minutes), reason=data.get("reason", ""))
        return self._respond(minutes)

    @extend_schema(
        responses={200: PlanVersionEntrySerializer(many=True), 401: ERRORS[401], 404: ERRORS[404]},
        description=gettext_lazy("Alle versjoner av referatet, nyeste først: hvem, når, hva og hvilke deler som "
                                 "endret seg."),
    )
    # Paginated like every list (``?page=``); the minutes' filters are not this list's.
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        minutes = self.get_object()
        self.record([minutes], gettext_lazy("Referat fra ansvarsgruppemøte (historikk)"))
        return self.paginated(selectors.minutes_timeline(request.user, minutes), PlanVersionEntrySerializer)

    @extend_schema(
        responses=read_responses(s.SinceReadSerializer),
        description=gettext_lazy("Hva som er endret siden du leste referatet sist, uten å merke det som lest."),
    )
    @action(detail=True, methods=["get"], url_path="changes-since-read")
    def changes_since_read(self, request, pk=None):
        minutes = self.get_object()
        self.record([minutes], self.access_what)
        return Response(s.SinceReadSerializer(selectors.changes_since_last_read(request.user, minutes)).data)


# --- action items -------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.ActionItemSerializer(many=True), 401: ERRORS[401]},
                       description=gettext_lazy("Oppgaver du har tilgang til, etter frist. «mine=true» gir «Mine "
                                                "oppgaver»; «overdue=true» de åpne som er over fristen.")),
    retrieve=extend_schema(responses=read_responses(s.ActionItemSerializer)),
    create=extend_schema(
        request=s.ActionItemCreateSerializer, responses=write_responses(s.ActionItemSerializer, 201),
        description=gettext_lazy("Ny oppgave fra et møte som har startet: hva, hvem (et medlem) og frist. Den står på "
                                 "dagsorden til hvert nytt møte til den er avsluttet."),
    ),
    partial_update=extend_schema(
        request=s.ActionItemUpdateSerializer, responses=write_responses(s.ActionItemSerializer),
        description=gettext_lazy("Møteleder endrer hva, hvem og frist for en åpen oppgave. Den som har ansvaret, "
                                 "setter status (gjort, ikke gjort, ikke aktuell lenger) med merknad."),
    ),
)
class ActionItemViewSet(MeetingsViewSet):
    """Action items (*oppgaver*): what, who, by when, and how it went."""

    model = ActionItem
    access_what = gettext_lazy("Oppgaver fra ansvarsgruppe")
    serializer_class = s.ActionItemSerializer
    filterset_class = filters.ActionItemFilter

    def get_queryset(self):
        # The selectors' list query: through the gate, with who, the meeting and the user joined in. Only what the
        # serializer reads is joined (not the case's deputy and unit): two tables fewer for the database to plan.
        return selectors.action_items(self.request.user).select_related(None).select_related(
            *selectors.ITEM_RELATED, *GROUP_CASE, "closed_by"
        )

    def get_serializer_class(self):
        return {
            "create": s.ActionItemCreateSerializer,
            "partial_update": s.ActionItemUpdateSerializer,
        }.get(self.action, s.ActionItemSerializer)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        item = services.add_action_item(request.user, data["meeting"], what=data.get("what", ""),
                                        responsible=data["responsible"], due_on=data["due_on"])
        return self._respond(item, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        data = self.validated_body()
        new_status = data.pop("status", None)
        note = data.pop("status_note", None)
        if new_status is None and note is not None:
            raise ServiceError(_("Velg status for oppgaven."), "status")
        with transaction.atomic():
            # Reopen before changing it; change before closing it (only open items change).
            if new_status == ActionItem.Status.OPEN:
                item = services.set_action_item_status(request.user, item, new_status, note or "")
            if data:
                item = services.update_action_item(request.user, item, **data)
            if new_status not in (None, ActionItem.Status.OPEN):
                item = services.set_action_item_status(request.user, item, new_status, note or "")
        return self._respond(item)
