"""Shared by the FHIR tests (tests/exchange/test_fhir*.py): a case with something in every resource, made through the
services, and validation of what the API returns with the kept library ``fhir.resources`` (R4, 4.0.1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from fhir.resources import get_fhir_model_class

from koordinator.models import Membership
from meetings import services as meeting_services
from plans import services
from plans.crisis import services as crisis_services
from plans.models import CrisisPlan, Goal, LifeArea, Measure, Plan, Step

FHIR_JSON = "application/fhir+json"

# The value sets FHIR R4 binds these codes to (required bindings; fhir.resources checks the form, not the set).
CODES = {
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Goal", "lifecycleStatus"): {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
                                  "entered-in-error", "rejected"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ("Consent", "status"): {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled", "stopped",
                   "unknown", "entered-in-error"}
ACTIVITY_KINDS = {"Appointment", "CommunicationRequest", "DeviceRequest", "MedicationRequest", "NutritionOrder",
                  "Task", "ServiceRequest", "VisionPrescription"}


def validate(resource: dict):
    """Parse ``resource`` with fhir.resources (R4) and check the codes of the required bindings; the parsed model."""
    model = get_fhir_model_class(resource["resourceType"]).parse_obj(resource)
    for (kind, name), allowed in CODES.items():
        if resource["resourceType"] == kind:
            assert resource.get(name) in allowed, f"{kind}.{name} = {resource.get(name)!r}"
    for activity in resource.get("activity", []) if resource["resourceType"] == "CarePlan" else []:
        assert activity["detail"]["status"] in ACTIVITY_STATUS, activity
        assert activity["detail"].get("kind", "Task") in ACTIVITY_KINDS, activity
    for contained in resource.get("contained", []):
        # dom-3: every contained resource is referenced from the resource
        assert f"#{contained['id']}" in str(resource), contained["id"]
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            validate(entry["resource"])
    return model


def url(name: str, *args, **query) -> str:
    path = reverse(name, args=list(args))
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query, doseq=True)
    return path


@dataclass
class Scene:
    plan: Plan
    goals: list[Goal]
    steps: list[Step]
    measure: Measure
    crisis: CrisisPlan
    group: object
    gp: object


def full_case(world) -> Scene:
    """The world's case with an active plan (two goals, steps by the user, the trust person and the GP, one done, a
    measure), a crisis plan with two contacts, and a responsibility group with the GP and NAV."""
    tp = world.trust_person
    gp = Membership.objects.get(user=world.partner_valid, role=Membership.Role.PARTNER).organisation
    plan = services.create_plan(tp, world.case, own_words="Jeg vil ha min egen leilighet.",
                                resources="Jeg er flink med folk.", needs="Hjelp med søknader.")
    plan = services.activate_plan(tp, plan, consent_given_how="paper")
    housing = services.add_goal(tp, plan, life_area=LifeArea.HOUSING, text="Egen leilighet før jul")
    work = services.add_goal(tp, plan, life_area=LifeArea.WORK, text="Jobbe to dager i uka", in_users_words=False)
    due = timezone.localdate() + datetime.timedelta(days=14)
    s1, _ = services.add_step(tp, housing, what="Ringe boligkontoret", due_on=due)
    s2, _ = services.add_step(tp, housing, what="Sende søknad", who_kind=Step.Who.TRUST_PERSON, due_on=due)
    s3, _ = services.add_step(tp, work, what="Snakke med fastlegen", who_kind=Step.Who.PERSON,
                              who_person=world.partner_valid, who_organisation=gp, due_on=due)
    s1 = services.close_step(tp, s1, Step.Status.DONE, "Det gikk fint.")
    measure = services.add_measure(tp, plan, service="Bolig med oppfølging", responsible_organisation=world.nav,
                                   extent="2 timer i uka")
    crisis = crisis_services.create_crisis_plan(tp, world.owner_su, warning_signs="Jeg sover dårlig.",
                                                what_helps="Å gå en tur.")
    crisis_services.add_contact(tp, crisis, name="Eva Nordmann", role="søster", phone="90000001",
                                reachable=["evening", "weekend"])
    crisis_services.add_contact(tp, crisis, name="DPS akutteam", role="spesialisthelsetjenesten",
                                phone="+4773000111", reachable=["office", "night"])
    group = meeting_services.create_group(tp, world.case)
    meeting_services.add_member(tp, group, person=world.partner_valid, organisation=gp, role="fastlege")
    meeting_services.add_member(tp, group, organisation=world.nav, role="NAV-veileder")
    plan.refresh_from_db()
    crisis.refresh_from_db()
    return Scene(plan, [housing, work], [s1, s2, s3], measure, crisis, group, gp)


def ids(bundle: dict, kind: str | None = None) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if kind is None or e["resource"]["resourceType"] == kind]
