"""Serializers for the plans API.

Read serializers describe what a caller sees. Write serializers check only shape and types and resolve ids
through the gate (``ChoiceRelatedField``); the rules live in ``plans/services.py``.

Every write that changes the plan's content may carry ``version``: the plan version the caller started from
(or send the plan's ETag in ``If-Match``). Writes to the plan itself must carry one.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koordinator import access
from koordinator import services as core_services
from koordinator.api.filters import MAX_ID
from koordinator.api.serializers import (
    BoundedDateField,
    ChoiceRelatedField,
    DisplayField,
    PersonSerializer,
    ReadModelSerializer,
    StaffNameSerializer,
    active_organisations,
    changeable_cases,
)
from koordinator.models import Consent, FollowUp, Organisation, User
from plans.models import Comment, Goal, LifeArea, Measure, Plan, ProgressNote, Step

VERSION_HELP = _(
    "Planversjonen endringen bygger på. Kan sendes som ETag i «If-Match» i stedet. Er planen endret siden, "
    "svarer API-et 412 med gjeldende versjon og verdier."
)


def changeable_plans(user):
    return Plan.objects.for_user(user, access.CHANGE)


def changeable_goals(user):
    return Goal.objects.for_user(user, access.CHANGE)


def visible_goals(user):
    return Goal.objects.for_user(user, access.VIEW)


def visible_steps(user):
    return Step.objects.for_user(user, access.VIEW)


def visible_measures(user):
    return Measure.objects.for_user(user, access.VIEW)


def step_people(user):
    """People a step or measure may name: active partners (the services check more)."""
    return core_services.consent_grantee_users()


def version_field(required: bool = False, help_text=VERSION_HELP) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=required, help_text=help_text)


class VersionSerializer(serializers.Serializer):
    """A write that only says which version of the plan it is based on."""

    version = version_field()


# --- plans -----------------------------------------------------------------------------------------------------


class PlanSerializer(ReadModelSerializer):
    service_user = serializers.IntegerField(source="follow_up.service_user_id", read_only=True)
    service_user_name = serializers.CharField(source="follow_up.service_user.full_name", read_only=True)
    coordinator = PersonSerializer(source="follow_up.trust_person", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    etag = serializers.CharField(read_only=True, help_text=_("Send denne i «If-Match» ved endringer."))
    revision_overdue = serializers.SerializerMethodField()
    goals_count = serializers.IntegerField(read_only=True, help_text=_("Mål i planen."))
    open_steps_count = serializers.IntegerField(read_only=True, help_text=_("Delmål som ikke er avsluttet."))
    overdue_steps_count = serializers.IntegerField(read_only=True, help_text=_("Delmål over fristen."))
    measures_count = serializers.IntegerField(read_only=True, help_text=_("Tiltak i planen."))
    flagged_measures_count = serializers.IntegerField(
        read_only=True, help_text=_("Tiltak som trenger vedtak og ikke har det.")
    )
    # Blank until consent is recorded: the schema says so (a choice, or "").
    consent_given_how = serializers.ChoiceField(
        choices=Consent.GivenHow.choices, allow_blank=True, read_only=True,
        help_text=_("Tom til samtykket er registrert."),
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "follow_up",
            "service_user",
            "service_user_name",
            "coordinator",
            "status",
            "status_display",
            "version",
            "etag",
            *Plan.TEXT_FIELDS,
            "period_from",
            "period_until",
            "next_revision_on",
            "revision_overdue",
            "consent_given_on",
            "consent_given_how",
            "declined_on",
            "declined_reason",
            "ended_on",
            "end_note",
            "goals_count",
            "open_steps_count",
            "overdue_steps_count",
            "measures_count",
            "flagged_measures_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_revision_overdue(self, obj: Plan) -> bool:
        return obj.revision_overdue()


class PlanFieldsSerializer(serializers.Serializer):
    own_words = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    resources = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    needs = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    contributions = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    how_carried_out = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    cooperation = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    period_from = BoundedDateField(required=False, allow_null=True)
    period_until = BoundedDateField(required=False, allow_null=True)
    next_revision_on = BoundedDateField(required=False, allow_null=True)


class PlanCreateSerializer(PlanFieldsSerializer):
    follow_up = ChoiceRelatedField(
        FollowUp,
        changeable_cases,
        help_text=_("Saken planen hører til. En sak har én plan om gangen."),
    )


class PlanUpdateSerializer(PlanFieldsSerializer):
    """The plan's texts, period and revision date. The owner may change «own_words», «resources», «needs»."""

    version = version_field()


class PlanConsentSerializer(VersionSerializer):
    given_how = serializers.ChoiceField(
        choices=Consent.GivenHow.choices,
        required=False,
        help_text=_("Påkrevd for ansatte (papir eller muntlig); eieren samtykker alltid «i portalen»."),
    )
    given_on = BoundedDateField(required=False, allow_null=True)


class PlanActivateSerializer(VersionSerializer):
    consent_given_how = serializers.ChoiceField(choices=Consent.GivenHow.choices, required=False)
    consent_given_on = BoundedDateField(required=False, allow_null=True)
    period_from = BoundedDateField(required=False, allow_null=True)
    period_until = BoundedDateField(required=False, allow_null=True)
    next_revision_on = BoundedDateField(required=False, allow_null=True)


class PlanDeclineSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    declined_on = BoundedDateField(required=False, allow_null=True)


class PlanEndSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True)
    ended_on = BoundedDateField(required=False, allow_null=True)


class PlanReviseSerializer(VersionSerializer):
    what_changed = serializers.CharField(help_text=_("Kort om hva som ble endret."))
    next_revision_on = BoundedDateField()
    participants = serializers.CharField(required=False, allow_blank=True)
    revised_on = BoundedDateField(required=False, allow_null=True)
    meeting_note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PlanRestoreSerializer(VersionSerializer):
    history_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Versjonen som skal hentes fram igjen (fra «history/»).")
    )


class PlanVersionEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    when = serializers.DateTimeField(read_only=True)
    who = serializers.CharField(read_only=True)
    what = serializers.CharField(read_only=True)
    changed_fields = serializers.ListField(child=serializers.CharField(), read_only=True)
    restorable = serializers.BooleanField(read_only=True)


class PlanRevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    revised_on = serializers.DateField(read_only=True)
    participants = serializers.CharField(read_only=True)
    what_changed = serializers.CharField(read_only=True)
    next_revision_on = serializers.DateField(read_only=True)
    plan_version = serializers.IntegerField(read_only=True)


class ConflictSerializer(serializers.Serializer):
    """412: the write was based on an older version. Nothing was saved; both texts are here (the plan's and the
    crisis plan's conflicts add the document as it is now)."""

    detail = serializers.CharField(read_only=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), read_only=True)
    current_version = serializers.IntegerField(read_only=True)
    based_on_version = serializers.IntegerField(read_only=True, allow_null=True)
    changed_by = serializers.CharField(read_only=True)
    submitted = serializers.DictField(read_only=True, help_text=_("Det du sendte."))
    current = serializers.DictField(read_only=True, help_text=_("Det som er lagret nå, for de samme feltene."))


class PlanConflictSerializer(ConflictSerializer):
    plan = PlanSerializer(read_only=True)


# --- goals -----------------------------------------------------------------------------------------------------


class GoalSerializer(ReadModelSerializer):
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)
    life_area_display = DisplayField(source="get_life_area_display", read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan",
            "plan_version",
            "life_area",
            "life_area_display",
            "text",
            "in_users_words",
            "order",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields


class GoalUpdateSerializer(serializers.Serializer):
    version = version_field()
    life_area = serializers.ChoiceField(choices=LifeArea.choices, required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    in_users_words = serializers.BooleanField(required=False)
    order = serializers.IntegerField(required=False, min_value=0, max_value=100000)


class GoalCreateSerializer(serializers.Serializer):
    version = version_field()
    plan = ChoiceRelatedField(Plan, changeable_plans)
    life_area = serializers.ChoiceField(choices=LifeArea.choices)
    text = serializers.CharField(allow_blank=True, help_text=_("Gjerne med brukerens egne ord."))
    in_users_words = serializers.BooleanField(required=False, default=True)


# --- steps -----------------------------------------------------------------------------------------------------


class StepSerializer(ReadModelSerializer):
    plan = serializers.IntegerField(source="goal.plan_id", read_only=True)
    plan_version = serializers.IntegerField(source="goal.plan.version", read_only=True)
    status_display = DisplayField(source="get_status_display", read_only=True)
    who_organisation_name = serializers.CharField(source="who_organisation.name", read_only=True, default="")
    who_person = StaffNameSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField(help_text=_("Åpent delmål med frist som er passert."))
    warnings = serializers.SerializerMethodField(
        help_text=_("Vennlige råd etter en endring, for eksempel om å dele opp et delmål med lang frist.")
    )

    class Meta:
        model = Step
        fields = [
            "id",
            "goal",
            "plan",
            "plan_version",
            "what",
            "who_kind",
            "who_organisation",
            "who_organisation_name",
            "who_person",
            "due_on",
            "is_overdue",
            "status",
            "status_display",
            "how_it_went",
            "closed_on",
            "suggested_by_user",
            "accepted",
            "rejected_at",
            "suggestion_reply",
            "archived_at",
            "created_at",
            "warnings",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: Step) -> bool:
        return obj.is_overdue(timezone.localdate())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, obj: Step) -> list[str]:
        return [str(w) for w in getattr(obj, "warnings", [])]


class StepFieldsSerializer(serializers.Serializer):
    version = version_field()
    what = serializers.CharField(required=False, allow_blank=True)
    who_kind = serializers.ChoiceField(choices=Step.Who.choices, required=False)
    who_organisation = ChoiceRelatedField(Organisation, active_organisations, required=False, allow_null=True)
    who_person = ChoiceRelatedField(User, step_people, required=False, allow_null=True)
    due_on = BoundedDateField(required=False, allow_null=True, help_text=_("Utelatt: fire uker fram."))


class StepCreateSerializer(StepFieldsSerializer):
    goal = ChoiceRelatedField(Goal, changeable_goals)
    what = serializers.CharField(allow_blank=True)


class StepUpdateSerializer(StepFieldsSerializer):
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in Step.OPEN_STATUSES],
        required=False,
        help_text=_("Planlagt eller i gang; bruk «close/» for å avslutte."),
    )


class StepCloseSerializer(VersionSerializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in Step.CLOSED_STATUSES])
    how_it_went = serializers.CharField(required=False, allow_blank=True, help_text=_("Hvordan gikk det?"))


class StepSuggestSerializer(serializers.Serializer):
    goal = ChoiceRelatedField(Goal, changeable_goals)
    what = serializers.CharField(allow_blank=True)
    due_on = BoundedDateField(required=False, allow_null=True)


class StepAcceptSerializer(StepFieldsSerializer):
    """Take the owner's suggestion into the plan, possibly with changes."""


class StepRejectSerializer(serializers.Serializer):
    reply = serializers.CharField(required=False, allow_blank=True, help_text=_("Et vennlig svar til brukeren."))


# --- measures --------------------------------------------------------------------------------------------------


class MeasureSerializer(ReadModelSerializer):
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)
    responsible_organisation_name = serializers.CharField(source="responsible_organisation.name", read_only=True)
    responsible_person = StaffNameSerializer(read_only=True, allow_null=True)
    decision_display = serializers.CharField(read_only=True)
    is_flagged = serializers.BooleanField(read_only=True, help_text=_("Trenger vedtak og har ikke fått det."))

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "plan_version",
            "service",
            "responsible_organisation",
            "responsible_organisation_name",
            "responsible_person",
            "extent",
            "period_from",
            "period_until",
            "needs_decision",
            "decision_status",
            "decision_display",
            "is_flagged",
            "applied_on",
            "decided_on",
            "appealed_on",
            "decided_by",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields


class MeasureFieldsSerializer(serializers.Serializer):
    version = version_field()
    service = serializers.CharField(required=False, allow_blank=True, max_length=200)
    responsible_organisation = ChoiceRelatedField(Organisation, active_organisations, required=False)
    responsible_person = ChoiceRelatedField(User, step_people, required=False, allow_null=True)
    extent = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period_from = BoundedDateField(required=False, allow_null=True)
    period_until = BoundedDateField(required=False, allow_null=True)
    needs_decision = serializers.BooleanField(required=False)
    decision_status = serializers.ChoiceField(choices=Measure.Decision.choices, required=False)
    applied_on = BoundedDateField(required=False, allow_null=True)
    decided_on = BoundedDateField(required=False, allow_null=True)
    appealed_on = BoundedDateField(required=False, allow_null=True)
    decided_by = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MeasureCreateSerializer(MeasureFieldsSerializer):
    plan = ChoiceRelatedField(Plan, changeable_plans)
    service = serializers.CharField(allow_blank=True, max_length=200)
    responsible_organisation = ChoiceRelatedField(Organisation, active_organisations)


class MeasureUpdateSerializer(MeasureFieldsSerializer):
    pass


# --- progress notes and comments -------------------------------------------------------------------------------


class ProgressNoteSerializer(ReadModelSerializer):
    author = StaffNameSerializer(read_only=True)

    class Meta:
        model = ProgressNote
        fields = ["id", "plan", "step", "measure", "author", "text", "created_at"]
        read_only_fields = fields


class ProgressNoteCreateSerializer(serializers.Serializer):
    """Exactly one of ``step`` and ``measure``."""

    step = ChoiceRelatedField(Step, visible_steps, required=False, allow_null=True)
    measure = ChoiceRelatedField(Measure, visible_measures, required=False, allow_null=True)
    text = serializers.CharField(allow_blank=True)


class CommentSerializer(ReadModelSerializer):
    author = StaffNameSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "plan", "goal", "step", "author", "by_owner", "text", "created_at"]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer):
    """Exactly one of ``goal`` and ``step``."""

    goal = ChoiceRelatedField(Goal, visible_goals, required=False, allow_null=True)
    step = ChoiceRelatedField(Step, visible_steps, required=False, allow_null=True)
    text = serializers.CharField(allow_blank=True)
