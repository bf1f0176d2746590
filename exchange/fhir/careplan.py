"""``CarePlan``: the individual plan (id ``plan-N``) and the crisis plan (id ``crisis-N``), told apart by category.

The individual plan carries of the regulation's nine points what FHIR has a place for: the goals (``goal``, the Goal
resources), the period, who coordinates (``author``), the measures and the steps as activities with their status and
who is responsible (``performer``), and the text parts (the user's own words as ``description``; resources, needs,
contributions, how it is carried out, cooperation, the next revision and the user's consent to the plan as ``note``).
Who takes part is the case's ``CareTeam``; who may see it, its ``Consent`` resources.

The crisis plan carries its text parts as ``note`` and its call list, in the user's order, as activities whose
performer is the contact, a ``contained`` RelatedPerson with the phone number (the always-included numbers, «my
contact now», legevakt and 113, are computed on the page when it is read and are not carried).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.fhir import codes
from exchange.fhir.common import day, drop_empty, instant, meta, named, patient_ref, period
from koordinator import access
from plans.models import CrisisContact, CrisisPlan, Goal, Measure, Plan, Step

PLAN_STATUS = {
    Plan.Status.DRAFT: "draft",
    Plan.Status.ACTIVE: "active",
    Plan.Status.DECLINED: "on-hold",  # declined for now: it can be offered again
    Plan.Status.ENDED: "completed",
}
CRISIS_STATUS = {
    CrisisPlan.Status.DRAFT: "draft",
    CrisisPlan.Status.ACTIVE: "active",
    CrisisPlan.Status.ARCHIVED: "revoked",  # replaced by a newer plan
}
STEP_STATUS = {
    Step.Status.PLANNED: "not-started",
    Step.Status.IN_PROGRESS: "in-progress",
    Step.Status.DONE: "completed",
    Step.Status.NOT_DONE: "stopped",
    Step.Status.DROPPED: "cancelled",
}


def plan_queryset(user):
    return (
        Plan.objects.for_user(user, access.VIEW)
        .annotate(fhir_updated=F("updated_at"), fhir_patient=F("follow_up__service_user_id"))
        .select_related("follow_up__trust_person", "follow_up__unit")
    )


def crisis_queryset(user):
    return CrisisPlan.objects.for_user(user, access.VIEW).annotate(
        fhir_updated=F("updated_at"), fhir_patient=F("service_user_id")
    )


def _category(code: dict, kind: str, label: str) -> list[dict]:
    return [codes.concept(code, codes.coding(codes.PLAN_KIND, kind, label), text=label)]


def _notes(parts: list[tuple[str, str]]) -> list[dict]:
    return [{"text": f"{heading}: {text}"} for heading, text in parts if text]


# --- the individual plan --------------------------------------------------------------------------------------------


def _who(step: Step, plan: Plan) -> list[dict]:
    if step.who_kind == Step.Who.USER:
        return [patient_ref(plan.follow_up.service_user_id)]
    if step.who_kind == Step.Who.TRUST_PERSON:
        return [named(plan.follow_up.trust_person.display_name, "Practitioner")]
    if step.who_kind == Step.Who.ORGANISATION and step.who_organisation_id:
        return [named(step.who_organisation.name, "Organization")]
    if step.who_person_id:
        found = [named(step.who_person.display_name, "Practitioner")]
        if step.who_organisation_id:
            found.append(named(step.who_organisation.name, "Organization"))
        return found
    return []


def _step_activity(step: Step, plan: Plan) -> dict:
    status = STEP_STATUS.get(step.status, "unknown")
    detail = drop_empty({
        "kind": "Task",
        "status": status,
        "statusReason": {"text": step.get_status_display()} if status in ("stopped", "cancelled") else None,
        "goal": [{"reference": f"Goal/{step.goal_id}"}],
        "scheduledPeriod": period(end=step.due_on),
        "performer": _who(step, plan),
        "description": step.what,
    })
    progress = [drop_empty({"time": day(step.closed_on), "text": step.how_it_went})] if step.how_it_went else []
    return drop_empty({"progress": progress, "detail": detail})


def _measure_status(measure: Measure, today) -> str:
    if measure.decision_status == Measure.Decision.REFUSED:
        return "cancelled"
    if measure.period_until and measure.period_until < today:
        return "completed"
    if measure.decision_status == Measure.Decision.APPLIED or measure.is_flagged:
        return "not-started"  # waiting for a decision
    if measure.period_from and measure.period_from > today:
        return "scheduled"
    return "in-progress"


def _measure_activity(measure: Measure, today) -> dict:
    performer = [named(measure.responsible_organisation.name, "Organization")]
    if measure.responsible_person_id:
        performer.insert(0, named(measure.responsible_person.display_name, "Practitioner"))
    return {"detail": drop_empty({
        "kind": "ServiceRequest",
        "code": {"text": measure.service},
        "status": _measure_status(measure, today),
        "statusReason": {"text": measure.decision_display},
        "scheduledPeriod": period(measure.period_from, measure.period_until),
        "performer": performer,
        "description": measure.extent,
    })}


def _plan_notes(plan: Plan) -> list[dict]:
    parts = [
        (_("Mine styrker og ressurser"), plan.resources),
        (_("Hva jeg trenger hjelp til"), plan.needs),
        (_("Hva hver enkelt bidrar med"), plan.contributions),
        (_("Hvordan tiltakene gjennomføres"), plan.how_carried_out),
        (_("Nødvendig samarbeid med andre tjenester"), plan.cooperation),
    ]
    if plan.next_revision_on:
        parts.append((_("Neste revisjon"), plan.next_revision_on.strftime("%d.%m.%Y")))
    if plan.consent_given_on:
        how = plan.get_consent_given_how_display()
        when = plan.consent_given_on.strftime("%d.%m.%Y")
        parts.append((_("Samtykke til planen"), f"{when} ({how})" if how else when))
    if plan.status == Plan.Status.DECLINED and plan.declined_on:
        parts.append((_("Takket nei"), plan.declined_on.strftime("%d.%m.%Y")))
    return _notes(parts)


def build_plans(reader, plans: list[Plan]) -> list[dict]:
    ids = [plan.pk for plan in plans]
    goals: dict[int, list[int]] = defaultdict(list)
    for goal_id, plan_id in Goal.objects.for_user(reader.user).live().filter(plan_id__in=ids).order_by(
        "order", "pk"
    ).values_list("pk", "plan_id"):
        goals[plan_id].append(goal_id)
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in (
        Step.objects.for_user(reader.user).live().filter(goal__plan_id__in=ids)
        .select_related("goal", "who_organisation", "who_person").order_by("due_on", "pk")
    ):
        steps[step.goal.plan_id].append(step)
    measures: dict[int, list[Measure]] = defaultdict(list)
    for measure in (
        Measure.objects.for_user(reader.user).live().filter(plan_id__in=ids)
        .select_related("responsible_organisation", "responsible_person").order_by("pk")
    ):
        measures[measure.plan_id].append(measure)
    today = timezone.localdate()
    label = _("Individuell plan")
    resources = []
    for plan in plans:
        case = plan.follow_up
        resources.append(drop_empty({
            "resourceType": "CarePlan",
            "id": f"plan-{plan.pk}",
            "meta": meta(plan.fhir_updated),
            "status": PLAN_STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "category": _category(codes.CARE_PLAN, "individual-plan", label),
            "title": label,
            "description": plan.own_words,
            "subject": patient_ref(case.service_user_id),
            "period": period(plan.period_from, plan.ended_on or plan.period_until),
            "created": instant(plan.created_at),
            "author": named(case.trust_person.display_name, "Practitioner"),
            "careTeam": [{"reference": f"CareTeam/{case.pk}"}] if case.pk in reader.care_teams() else [],
            "goal": [{"reference": f"Goal/{pk}"} for pk in goals[plan.pk]],
            "activity": [_step_activity(step, plan) for step in steps[plan.pk]]
            + [_measure_activity(measure, today) for measure in measures[plan.pk]],
            "note": _plan_notes(plan),
        }))
    return resources


# --- the crisis plan ------------------------------------------------------------------------------------------------


def _crisis_sections(plan: CrisisPlan) -> list[dict]:
    from plans.crisis.selectors import section_titles

    parts = [(heading, getattr(plan, name)) for name, heading in section_titles()]
    if plan.review_on:
        parts.append((_("Gås gjennom igjen"), plan.review_on.strftime("%d.%m.%Y")))
    return _notes(parts)


def _contained_contact(contact: CrisisContact, rank: int, service_user_id: int) -> dict:
    return drop_empty({
        "resourceType": "RelatedPerson",
        "id": f"contact-{contact.pk}",
        "patient": patient_ref(service_user_id),
        "relationship": [{"text": contact.role}] if contact.role else [],
        "name": [{"text": contact.name}],
        "telecom": [{"system": "phone", "value": contact.phone, "rank": rank}],
    })


def _contact_activity(contact: CrisisContact) -> dict:
    when = ", ".join(contact.reachable_labels()).lower()
    who = f"{contact.name} ({contact.role})" if contact.role else contact.name
    description = _("Ring %(who)s: %(phone)s") % {"who": who, "phone": contact.phone}
    if contact.note:
        description = f"{description}. {contact.note}"
    return {"detail": drop_empty({
        "kind": "CommunicationRequest",
        "status": "scheduled",
        "scheduledString": _("Kan nås: %(when)s") % {"when": when} if when else None,
        "performer": [{"reference": f"#contact-{contact.pk}", "display": contact.name}],
        "description": description,
    })}


def build_crisis_plans(reader, plans: list[CrisisPlan]) -> list[dict]:
    contacts: dict[int, list[CrisisContact]] = defaultdict(list)
    for contact in CrisisContact.objects.for_user(reader.user).live().filter(
        crisis_plan_id__in=[plan.pk for plan in plans]
    ).order_by("order", "pk"):
        contacts[contact.crisis_plan_id].append(contact)
    label = _("Kriseplan")
    resources = []
    for plan in plans:
        listed = contacts[plan.pk]
        resources.append(drop_empty({
            "resourceType": "CarePlan",
            "id": f"crisis-{plan.pk}",
            "meta": meta(plan.fhir_updated),
            "contained": [_contained_contact(c, rank, plan.service_user_id) for rank, c in enumerate(listed, 1)],
            "status": CRISIS_STATUS.get(plan.status, "unknown"),
            "intent": "plan",
            "category": _category(codes.CRISIS_PLAN, "crisis-plan", label),
            "title": label,
            "subject": patient_ref(plan.service_user_id),
            "created": instant(plan.created_at),
            "activity": [_contact_activity(contact) for contact in listed],
            "note": _crisis_sections(plan),
        }))
    return resources
