"""``CareTeam``: one per follow-up case (id: the case's number): the coordinator (the trust person), the deputy (the
case's own, else the trust person's standing deputy), and the members of the case's open responsibility group with
their roles in plain words.

Who sees it: whoever the gate shows the case (the staff, the owner, a partner whose consent covers the follow-up) or
the case's responsibility group (a member while the owner's meetings consent is in force); the group's members are
listed only to those who see the group.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, OuterRef
from django.utils.translation import gettext as _

from exchange.fhir import codes
from exchange.fhir.common import (
    drop_empty,
    instant,
    latest_history,
    latest_of,
    meta,
    named,
    patient_ref,
    period,
)
from koordinator import access
from koordinator.continuity.selectors import standing_deputies
from koordinator.models import FollowUp
from meetings.models import Group, GroupMember

STATUS = {
    FollowUp.Status.INTAKE: "proposed",
    FollowUp.Status.ACTIVE: "active",
    FollowUp.Status.DORMANT: "suspended",
    FollowUp.Status.ENDED: "inactive",
}


def visible_cases(user):
    """The cases whose care team ``user`` may see: through the case, or through its responsibility group."""
    # One IN over a UNION, not two INs joined by OR (which PostgreSQL answers by reading every case in the country:
    # 21 ms of a user's $everything at the national size).
    return FollowUp.objects.filter(pk__in=access.any_of(
        FollowUp.objects.for_user(user, access.VIEW).values("pk"),
        Group.objects.for_user(user, access.VIEW).values("follow_up_id"),
    ))


def queryset(user):
    changed = latest_of(
        latest_history(FollowUp),
        latest_history(GroupMember, group__follow_up_id=OuterRef("pk")),
        latest_history(Group, follow_up_id=OuterRef("pk")),
    )
    return visible_cases(user).annotate(fhir_updated=changed, fhir_patient=F("service_user_id")).select_related(
        "trust_person", "deputy", "unit"
    )


def _role(code: str, label: str, text: str = "") -> list[dict]:
    return [codes.concept(codes.coding(codes.CARE_TEAM_ROLE, code, label), text=text or label)]


def _member(member: GroupMember, case: FollowUp) -> dict | None:
    since = {"start": instant(member.added_at)} if member.added_at else None
    if member.kind == GroupMember.Kind.USER:
        return drop_empty({"role": _role("service-user", _("Brukeren"), member.role),
                           "member": patient_ref(case.service_user_id), "period": since})
    if member.kind == GroupMember.Kind.COORDINATOR:
        return None  # the coordinator is listed once, as the case's
    role = _role("group-member", _("Medlem av ansvarsgruppen"), member.role)
    if member.kind == GroupMember.Kind.PERSON:
        return drop_empty({
            "role": role,
            "member": named(member.person.display_name, "Practitioner"),
            "onBehalfOf": named(member.organisation.name, "Organization") if member.organisation_id else None,
            "period": since,
        })
    return drop_empty({"role": role, "member": named(member.organisation.name, "Organization"), "period": since})


def build(reader, cases: list[FollowUp]) -> list[dict]:
    standing = standing_deputies([case.trust_person_id for case in cases if not case.deputy_id])
    members: dict[int, list[GroupMember]] = defaultdict(list)
    for member in (
        GroupMember.objects.for_user(reader.user).current()
        .filter(group__follow_up_id__in=[case.pk for case in cases])
        .exclude(group__status=Group.Status.CLOSED)
        .select_related("group", "person", "organisation")
        .order_by("added_at", "pk")
    ):
        members[member.group.follow_up_id].append(member)
    resources = []
    for case in cases:
        participants = [{
            "role": _role("coordinator", _("Koordinator (tillitsperson)")),
            "member": named(case.trust_person.display_name, "Practitioner"),
            "onBehalfOf": named(case.unit.name, "Organization"),
        }]
        deputy = case.deputy if case.deputy_id else standing.get(case.trust_person_id)
        if deputy is not None:
            participants.append({
                "role": _role("deputy", _("Stedfortreder")),
                "member": named(deputy.display_name, "Practitioner"),
                "onBehalfOf": named(case.unit.name, "Organization"),
            })
        participants += [found for member in members[case.pk] if (found := _member(member, case))]
        resources.append(drop_empty({
            "resourceType": "CareTeam",
            "id": str(case.pk),
            "meta": meta(case.fhir_updated),
            "status": STATUS.get(case.status, "inactive"),
            "category": [codes.concept(codes.CARE_COORDINATION_TEAM)],
            "name": _("Oppfølging og ansvarsgruppe"),
            "subject": patient_ref(case.service_user_id),
            "period": period(case.started_on, case.ended_on),
            "participant": participants,
            "managingOrganization": [named(case.unit.name, "Organization")],
        }))
    return resources
