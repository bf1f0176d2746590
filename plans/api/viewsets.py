"""API viewsets for plans: thin adapters between HTTP and the gate (reads) and ``plans.services`` (writes).

The plan is a living document with a version (DESIGN: nothing typed is lost):

* every plan response carries ``version`` and ``etag`` and the ``ETag`` header;
* a write to the plan must say which version it was based on: ``version`` in the body or the ETag in
  ``If-Match``; writes to goals, steps and measures may say so too;
* a write based on an older version is refused with **412 Precondition Failed**; the body has the current
  version, what was sent and what is stored now (``submitted``/``current``), and the whole current plan.

Everything goes through the gate (``Model.objects.for_user``) and the services; ``ServiceError`` is a 400
with field errors (``koordinator.api.errors``). Nothing is deleted: goals, steps and measures are archived.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from koordinator import access
from koordinator.api import permissions
from koordinator.api.viewsets import ERRORS, read_responses, write_responses
from koordinator.services import ServiceError
from koordinator.toolkit import api as toolkit_api
from koordinator.toolkit.api import LivingDocumentViewSet, body_fields, current_values, etag_pattern
from plans import selectors, services
from plans.api import filters
from plans.api import serializers as s
from plans.models import Comment, Goal, Measure, Plan, ProgressNote, Step

ETAG = etag_pattern("plan")

CONFLICT = OpenApiResponse(
    s.PlanConflictSerializer,
    description=gettext_lazy("Planen er endret siden versjonen du startet fra. Ingenting er lagret."),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("Planens ETag (i stedet for «version» i innholdet)."),
)


def with_conflict(serializer, code: int = 200, conflict: OpenApiResponse = CONFLICT) -> dict:
    """The responses of a write to the plan: the usual ones, and 412 with the plan's conflict body."""
    return toolkit_api.with_conflict(serializer, code, conflict)


def plans_with_counts(qs):
    """Plans with the counts the list shows, as sub-queries: the same number of queries however big they are."""
    today = timezone.localdate()

    def count(rows, key: str):
        grouped = rows.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(grouped, output_field=models.IntegerField()), Value(0))

    steps = Step.objects.filter(goal__plan=OuterRef("pk")).live().open()
    measures = Measure.objects.filter(plan=OuterRef("pk"))
    # What the serializer reads (``selectors.PLAN_RELATED`` without the case's deputy and unit and who recorded
    # the consent): three tables fewer for the database to plan.
    return qs.select_related("follow_up__service_user", "follow_up__trust_person").annotate(
        goals_count=count(Goal.objects.filter(plan=OuterRef("pk")).live(), "plan"),
        open_steps_count=count(steps, "goal__plan"),
        overdue_steps_count=count(steps.filter(due_on__lt=today), "goal__plan"),
        measures_count=count(measures.live(), "plan"),
        flagged_measures_count=count(measures.flagged(), "plan"),
    )


class PlanContentViewSet(LivingDocumentViewSet):
    """Base for the plan resources: the access log through the plan's case, versions, and conflicts as 412."""

    owner_path = "plan.follow_up.service_user_id"
    document_model = Plan
    etag = ETAG
    etag_example = '"plan-%(id)s-v3"'
    conflict_class = services.PlanConflict
    if_match_message = gettext_lazy(
        "«If-Match» må være planens ETag, slik den kom i svaret, for eksempel «%(example)s»."
    )

    def conflict_document(self, pk: int) -> tuple[str, dict]:
        plan = plans_with_counts(Plan.objects.for_user(self.request.user, access.VIEW)).get(pk=pk)
        return "plan", s.PlanSerializer(plan).data


# --- plans -------------------------------------------------------------------------------------------------------


def _plan_action(serializer, description: str = ""):
    return extend_schema(
        request=serializer, responses=with_conflict(s.PlanSerializer), parameters=[IF_MATCH],
        description=description or None,
    )


@extend_schema_view(
    list=extend_schema(responses={200: s.PlanSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.PlanSerializer)),
    create=extend_schema(
        request=s.PlanCreateSerializer,
        responses=write_responses(s.PlanSerializer, 201),
        description=gettext_lazy("Ny plan (utkast) for en sak. En sak har én plan om gangen."),
    ),
    partial_update=_plan_action(
        s.PlanUpdateSerializer,
        gettext_lazy("Endre planens tekster, periode og revisjonsdato. «version» (eller If-Match) er påkrevd."),
    ),
)
class PlanViewSet(PlanContentViewSet):
    """Individual plans. Staff on the case write them; the owner writes their own words, strengths and needs
    and gives consent; partners with the owner's plan-scope consent read them."""

    model = Plan
    owner_path = "follow_up.service_user_id"
    access_what = gettext_lazy("Individuell plan")
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return plans_with_counts(qs)

    def get_serializer_class(self):
        return {
            "create": s.PlanCreateSerializer,
            "partial_update": s.PlanUpdateSerializer,
            "consent": s.PlanConsentSerializer,
            "activate": s.PlanActivateSerializer,
            "decline": s.PlanDeclineSerializer,
            "reoffer": s.VersionSerializer,
            "end": s.PlanEndSerializer,
            "revise": s.PlanReviseSerializer,
            "restore": s.PlanRestoreSerializer,
        }.get(self.action, s.PlanSerializer)

    def _respond(self, plan, code=status.HTTP_200_OK) -> Response:
        plan = self.reload(plan.pk)
        return Response(s.PlanSerializer(plan).data, status=code, headers={"ETag": plan.etag})

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = response.data["etag"]
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = services.create_plan(request.user, data.pop("follow_up"), **data)
        return self._respond(plan, status.HTTP_201_CREATED)

    def _validated(self, plan: Plan) -> tuple[dict, int]:
        """The body, checked, and the version it is based on (required for every write to a plan)."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.requested_version(data, plan.pk)
        if version is None:
            raise ServiceError(str(services.MESSAGES["bad_version"]), "version")
        return data, version

    def _write(self, plan: Plan, version: int, submitted: dict, write: Callable[[], object]) -> Response:
        self.checked_write(plan.pk, version, submitted, current_values(plan, submitted), write)
        return self._respond(plan)

    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        data, version = self._validated(plan)
        submitted = body_fields(data)
        # Only what actually changes goes to the service (the owner may send back fields they cannot change).
        changes = {k: v for k, v in submitted.items() if getattr(plan, k) != v}
        return self._write(plan, version, submitted,
                           lambda: services.update_plan(request.user, plan, version, **changes))

    @_plan_action(s.PlanConsentSerializer, gettext_lazy("Registrer brukerens samtykke til planen."))
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        return self._write(plan, version, {}, lambda: services.record_plan_consent(
            request.user, plan, given_how=data.get("given_how", ""), given_on=data.get("given_on")))

    @_plan_action(s.PlanActivateSerializer, gettext_lazy("Ta utkastet i bruk (krever brukerens samtykke)."))
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        fields = {k: v for k, v in body_fields(data).items() if v is not None}
        return self._write(plan, version, {}, lambda: services.activate_plan(request.user, plan, **fields))

    @_plan_action(s.PlanDeclineSerializer, gettext_lazy("Brukeren takket nei; planen kan tilbys på nytt."))
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        return self._write(plan, version, {}, lambda: services.decline_plan(
            request.user, plan, reason=data.get("reason", ""), declined_on=data.get("declined_on")))

    @_plan_action(s.VersionSerializer, gettext_lazy("Tilby en plan brukeren takket nei til, på nytt."))
    @action(detail=True, methods=["post"])
    def reoffer(self, request, pk=None):
        plan = self.get_object()
        _data, version = self._validated(plan)
        return self._write(plan, version, {}, lambda: services.reoffer_plan(request.user, plan))

    @_plan_action(s.PlanEndSerializer, gettext_lazy("Avslutt planen."))
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        return self._write(plan, version, {}, lambda: services.end_plan(
            request.user, plan, note=data.get("note", ""), ended_on=data.get("ended_on")))

    @_plan_action(s.PlanReviseSerializer, gettext_lazy("«Revider planen»: dato, hvem var med, hva ble endret."))
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        fields = body_fields(data)
        return self._write(plan, version, {"what_changed": fields["what_changed"]},
                           lambda: services.revise_plan(request.user, plan, **fields))

    @_plan_action(
        s.PlanRestoreSerializer,
        gettext_lazy("Hent fram planens tekster fra en tidligere versjon. Gjenopprettingen blir en ny versjon."),
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        plan = self.get_object()
        data, version = self._validated(plan)
        return self._write(plan, version, {},
                           lambda: services.restore_plan_version(request.user, plan, data["history_id"]))

    @extend_schema(
        responses={200: s.PlanVersionEntrySerializer(many=True), 401: ERRORS[401], 404: ERRORS[404]},
        description=gettext_lazy("Planens historikk, nyeste først: hvem, når, hva, og hvilke felt som endret seg."),
    )
    # Paginated like every list (``?page=``); the plans' filters are not this list's.
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        plan = self.get_object()
        self.record([plan], gettext_lazy("Individuell plan (historikk)"))
        return self.paginated(selectors.plan_timeline(request.user, plan), s.PlanVersionEntrySerializer)


# --- goals -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.GoalSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.GoalSerializer)),
    create=extend_schema(request=s.GoalCreateSerializer, responses={**with_conflict(s.GoalSerializer, 201)},
                         parameters=[IF_MATCH]),
    partial_update=extend_schema(request=s.GoalUpdateSerializer, responses=with_conflict(s.GoalSerializer),
                                 parameters=[IF_MATCH]),
)
class GoalViewSet(PlanContentViewSet):
    """Goals by life area, in the user's own words. Staff add, change and archive them."""

    model = Goal
    access_what = gettext_lazy("Mål i individuell plan")
    serializer_class = s.GoalSerializer
    filterset_class = filters.GoalFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return qs.select_related("plan__follow_up")

    def get_serializer_class(self):
        return {
            "create": s.GoalCreateSerializer,
            "partial_update": s.GoalUpdateSerializer,
            "archive": s.VersionSerializer,
        }.get(self.action, s.GoalSerializer)

    def _respond(self, goal, code=status.HTTP_200_OK) -> Response:
        return Response(s.GoalSerializer(self.reload(goal.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        version = self.requested_version(data, plan.pk)
        fields = body_fields(data)
        goal = self.checked_write(plan.pk, version, fields, dict,
                                  lambda: services.add_goal(request.user, plan, **fields))
        return self._respond(goal, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = self.requested_version(data, goal.plan_id)
        fields = body_fields(data)
        self.checked_write(goal.plan_id, version, fields, current_values(goal, fields),
                           lambda: services.update_goal(request.user, goal, **fields))
        return self._respond(goal)

    @extend_schema(request=s.VersionSerializer, responses=with_conflict(s.GoalSerializer), parameters=[IF_MATCH],
                   description=gettext_lazy("Ta målet (og delmålene under det) ut av planen. Ingenting slettes."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        goal = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = self.requested_version(dict(serializer.validated_data), goal.plan_id)
        self.checked_write(goal.plan_id, version, {}, dict, lambda: services.archive_goal(request.user, goal))
        return self._respond(goal)


# --- steps -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.StepSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.StepSerializer)),
    create=extend_schema(
        request=s.StepCreateSerializer,
        responses=with_conflict(s.StepSerializer, 201),
        parameters=[IF_MATCH],
        description=gettext_lazy(
            "Nytt delmål. Fristen er påkrevd og er fire uker fram om den utelates; en frist langt fram gir et "
            "vennlig råd i «warnings»."
        ),
    ),
    partial_update=extend_schema(
        request=s.StepUpdateSerializer,
        responses=with_conflict(s.StepSerializer),
        parameters=[IF_MATCH],
        description=gettext_lazy("Ansatte endrer alt; eieren kan sette egne delmål som planlagt eller i gang."),
    ),
)
class StepViewSet(PlanContentViewSet):
    """Steps (*delmål*). Staff add and change them; the owner proposes new ones (``suggest/``) and closes
    their own; partners read the steps in the plan (not the owner's open suggestions)."""

    model = Step
    owner_path = "goal.plan.follow_up.service_user_id"
    access_what = gettext_lazy("Delmål i individuell plan")
    serializer_class = s.StepSerializer
    filterset_class = filters.StepFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return qs.select_related("goal__plan__follow_up", "who_organisation", "who_person")

    def get_serializer_class(self):
        return {
            "create": s.StepCreateSerializer,
            "partial_update": s.StepUpdateSerializer,
            "close": s.StepCloseSerializer,
            "suggest": s.StepSuggestSerializer,
            "accept": s.StepAcceptSerializer,
            "reject": s.StepRejectSerializer,
            "archive": s.VersionSerializer,
        }.get(self.action, s.StepSerializer)

    def _respond(self, step, warnings=(), code=status.HTTP_200_OK) -> Response:
        fresh = self.reload(step.pk)
        fresh.warnings = list(warnings)
        return Response(s.StepSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        goal = data.pop("goal")
        version = self.requested_version(data, goal.plan_id)
        fields = body_fields(data)
        step, warnings = self.checked_write(goal.plan_id, version, fields, dict,
                                            lambda: services.add_step(request.user, goal, **fields))
        return self._respond(step, warnings, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        step = self.get_object()
        data = self.validated_body()
        plan_id = step.goal.plan_id
        version = self.requested_version(data, plan_id)
        fields = body_fields(data)
        step, warnings = self.checked_write(plan_id, version, fields, current_values(step, fields),
                                            lambda: services.update_step(request.user, step, **fields))
        return self._respond(step, warnings)

    @extend_schema(request=s.StepCloseSerializer, responses=with_conflict(s.StepSerializer), parameters=[IF_MATCH],
                   description=gettext_lazy("Avslutt delmålet som gjort, ikke gjort eller lagt bort, med "
                                            "«hvordan gikk det?». Eieren kan avslutte sine egne."))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        step = self.get_object()
        data = self.validated_body()
        plan_id = step.goal.plan_id
        version = self.requested_version(data, plan_id)
        self.checked_write(plan_id, version, {"status": data["status"]}, current_values(step, ["status"]),
                           lambda: services.close_step(request.user, step, data["status"],
                                                       data.get("how_it_went", "")))
        return self._respond(step)

    @extend_schema(request=s.StepSuggestSerializer, responses=write_responses(s.StepSerializer, 201),
                   description=gettext_lazy("Eieren foreslår et nytt delmål; det går til koordinatoren som forslag."))
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        data = self.validated_body()
        goal = data.pop("goal")
        step, warnings = services.suggest_step(request.user, goal, what=data["what"], due_on=data.get("due_on"))
        return self._respond(step, warnings, status.HTTP_201_CREATED)

    @extend_schema(request=s.StepAcceptSerializer, responses=with_conflict(s.StepSerializer), parameters=[IF_MATCH],
                   description=gettext_lazy("Ta eierens forslag med i planen, eventuelt med endringer."))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        step = self.get_object()
        data = self.validated_body()
        plan_id = step.goal.plan_id
        version = self.requested_version(data, plan_id)
        fields = body_fields(data)
        step, warnings = self.checked_write(plan_id, version, fields, current_values(step, fields),
                                            lambda: services.accept_suggestion(request.user, step, **fields))
        return self._respond(step, warnings)

    @extend_schema(request=s.StepRejectSerializer, responses=write_responses(s.StepSerializer),
                   description=gettext_lazy("Svar på forslaget uten å ta det med; eieren får svaret."))
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        step = self.get_object()
        data = self.validated_body()
        services.reject_suggestion(request.user, step, data.get("reply", ""))
        return self._respond(step)

    @extend_schema(request=s.VersionSerializer, responses=with_conflict(s.StepSerializer), parameters=[IF_MATCH],
                   description=gettext_lazy("Ta delmålet ut av planen. Ingenting slettes."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        step = self.get_object()
        data = self.validated_body()
        plan_id = step.goal.plan_id
        version = self.requested_version(data, plan_id)
        self.checked_write(plan_id, version, {}, dict, lambda: services.archive_step(request.user, step))
        return self._respond(step)


# --- measures ----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: s.MeasureSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.MeasureSerializer)),
    create=extend_schema(request=s.MeasureCreateSerializer, responses=with_conflict(s.MeasureSerializer, 201),
                         parameters=[IF_MATCH]),
    partial_update=extend_schema(request=s.MeasureUpdateSerializer, responses=with_conflict(s.MeasureSerializer),
                                 parameters=[IF_MATCH]),
)
class MeasureViewSet(PlanContentViewSet):
    """Measures (*tiltak*): the service, who is responsible, extent, period and the decision (*vedtak*)."""

    model = Measure
    access_what = gettext_lazy("Tiltak i individuell plan")
    serializer_class = s.MeasureSerializer
    filterset_class = filters.MeasureFilter
    may_create = staticmethod(permissions.is_staff_worker)

    def optimise(self, qs):
        return qs.select_related("plan__follow_up", "responsible_organisation", "responsible_person")

    def get_serializer_class(self):
        return {
            "create": s.MeasureCreateSerializer,
            "partial_update": s.MeasureUpdateSerializer,
            "archive": s.VersionSerializer,
        }.get(self.action, s.MeasureSerializer)

    def _respond(self, measure, code=status.HTTP_200_OK) -> Response:
        return Response(s.MeasureSerializer(self.reload(measure.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = self.validated_body()
        plan = data.pop("plan")
        version = self.requested_version(data, plan.pk)
        fields = body_fields(data)
        measure = self.checked_write(plan.pk, version, fields, dict,
                                     lambda: services.add_measure(request.user, plan, **fields))
        return self._respond(measure, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        measure = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, measure.plan_id)
        fields = body_fields(data)
        self.checked_write(measure.plan_id, version, fields, current_values(measure, fields),
                           lambda: services.update_measure(request.user, measure, **fields))
        return self._respond(measure)

    @extend_schema(request=s.VersionSerializer, responses=with_conflict(s.MeasureSerializer),
                   parameters=[IF_MATCH], description=gettext_lazy("Ta tiltaket ut av planen. Ingenting slettes."))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        measure = self.get_object()
        data = self.validated_body()
        version = self.requested_version(data, measure.plan_id)
        self.checked_write(measure.plan_id, version, {}, dict,
                           lambda: services.archive_measure(request.user, measure))
        return self._respond(measure)


# --- progress notes and comments ---------------------------------------------------------------------------------


def may_write_notes(actor: access.Actor) -> bool:
    """Staff, and partners (for what they are responsible for: the service checks)."""
    return actor.is_staff_worker or actor.is_partner


def may_comment(actor: access.Actor) -> bool:
    return actor.is_staff_worker or actor.service_user_id is not None


@extend_schema_view(
    list=extend_schema(responses={200: s.ProgressNoteSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.ProgressNoteSerializer)),
    create=extend_schema(
        request=s.ProgressNoteCreateSerializer,
        responses=write_responses(s.ProgressNoteSerializer, 201),
        description=gettext_lazy(
            "Et notat om hvordan et delmål eller et tiltak går: ansatte, eller partneren som har ansvaret."
        ),
    ),
)
class ProgressNoteViewSet(PlanContentViewSet):
    """Progress notes on steps and measures. Written, never changed."""

    model = ProgressNote
    access_what = gettext_lazy("Framdriftsnotater i individuell plan")
    serializer_class = s.ProgressNoteSerializer
    filterset_class = filters.ProgressNoteFilter
    may_create = staticmethod(may_write_notes)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("plan__follow_up", "author")

    def get_serializer_class(self):
        return s.ProgressNoteCreateSerializer if self.action == "create" else s.ProgressNoteSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        note = services.add_progress_note(request.user, text=data["text"], step=data.get("step"),
                                          measure=data.get("measure"))
        return Response(s.ProgressNoteSerializer(self.reload(note.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: s.CommentSerializer(many=True), 401: ERRORS[401]}),
    retrieve=extend_schema(responses=read_responses(s.CommentSerializer)),
    create=extend_schema(
        request=s.CommentCreateSerializer,
        responses=write_responses(s.CommentSerializer, 201),
        description=gettext_lazy("En kommentar til et mål eller et delmål, fra eieren eller fra ansatte."),
    ),
)
class CommentViewSet(PlanContentViewSet):
    """Comments on goals and steps. Written, never changed."""

    model = Comment
    access_what = gettext_lazy("Kommentarer i individuell plan")
    serializer_class = s.CommentSerializer
    filterset_class = filters.CommentFilter
    may_create = staticmethod(may_comment)
    http_method_names = ["get", "post", "head", "options"]

    def optimise(self, qs):
        return qs.select_related("plan__follow_up", "author")

    def get_serializer_class(self):
        return s.CommentCreateSerializer if self.action == "create" else s.CommentSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = services.add_comment(request.user, text=data["text"], goal=data.get("goal"), step=data.get("step"))
        return Response(s.CommentSerializer(self.reload(comment.pk)).data, status=status.HTTP_201_CREATED)
