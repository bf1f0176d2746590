"""``Goal``: a goal of the individual plan, in the user's own words (``description.text``; ``expressedBy`` the user
when they are the user's words), its life area as ``category`` (a local code system: there is no standard one for
the Norwegian *livsområder*), and the open steps towards it as targets with their due dates."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.db.models.functions import Greatest

from exchange.fhir import codes
from exchange.fhir.common import day, drop_empty, meta, patient_ref
from koordinator import access
from koordinator.models import LifeArea
from plans.models import Goal, Plan, Step

LIFECYCLE = {
    Plan.Status.DRAFT: "proposed",
    Plan.Status.ACTIVE: "active",
    Plan.Status.DECLINED: "on-hold",
    Plan.Status.ENDED: "completed",
}


def queryset(user):
    # A goal changes with its plan: every change of a goal or a step is a new version of the plan (plans.services).
    return (
        Goal.objects.for_user(user, access.VIEW)
        .annotate(fhir_updated=Greatest(F("created_at"), F("plan__updated_at")),
                  fhir_patient=F("plan__follow_up__service_user_id"))
        .select_related("plan")
    )


def life_area(value: str) -> dict:
    label = LifeArea(value).label if value in LifeArea.values else value
    return codes.concept(codes.coding(codes.LIFE_AREA, value, str(label)), text=str(label))


def build(reader, goals: list[Goal]) -> list[dict]:
    targets: dict[int, list[Step]] = defaultdict(list)
    for step in Step.objects.for_user(reader.user).live().open().filter(
        goal_id__in=[goal.pk for goal in goals]
    ).order_by("due_on", "pk"):
        targets[step.goal_id].append(step)
    resources = []
    for goal in goals:
        patient = patient_ref(goal.fhir_patient)
        resources.append(drop_empty({
            "resourceType": "Goal",
            "id": str(goal.pk),
            "meta": meta(goal.fhir_updated),
            "lifecycleStatus": "cancelled" if goal.archived_at else LIFECYCLE.get(goal.plan.status, "proposed"),
            "category": [life_area(goal.life_area)],
            "description": {"text": goal.text},
            "subject": patient,
            "startDate": day(goal.created_at.date()) if goal.created_at else None,
            "expressedBy": patient if goal.in_users_words else None,
            "target": [{"measure": {"text": step.what}, "dueDate": day(step.due_on)} for step in targets[goal.pk]],
        }))
    return resources
