"""The permission matrix for crisis plans, web and API: every persona × action, asserted cell by cell.

Reading: outside the view gate is a 404; visible but not changeable is a 403; a web page sends anonymous to the
log-in (302), the API answers 401. «edit» is a POST of the edit form (302 when saved); «patch» a PATCH with the
current version; «sign» a sign-off (``sign-off/``) of the current version.

Personas beyond the core world: ``emergency_before`` is a member of Trondheim legevakt who has not stated a
reason; ``emergency_after`` has (an active grant); ``emergency_expired`` had one that has run out.
``partner_wrong_scope`` has a consent in force without the crisis-plan scope; ``partner_expired`` and
``partner_withdrawn`` had one with it.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import access
from koordinator.models import DeputyArrangement
from plans.crisis import services
from plans.models import CrisisPlan, EmergencyAccess
from tests import factories as f
from tests.conftest import login
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db

MATRIX = """
    persona              view  edit  pdf   list  get   patch  sign
    trust_person         200   302   200   yes   200   200    200
    deputy               200   302   200   yes   200   200    200
    leader               200   302   200   yes   200   200    200
    other_leader         404   404   404   no    404   404    404
    other_trust_person   404   404   404   no    404   404    404
    partner_valid        200   403   200   yes   200   403    200
    partner_org_member   200   403   200   yes   200   403    200
    partner_wrong_scope  404   404   404   no    404   404    404
    partner_expired      404   404   404   no    404   404    404
    partner_withdrawn    404   404   404   no    404   404    404
    partner_none         404   404   404   no    404   404    404
    owner                200   302   200   yes   200   200    200
    other_owner          404   404   404   no    404   404    404
    admin                404   404   404   no    404   404    404
    emergency_before     404   404   404   no    404   404    404
    emergency_after      200   403   200   yes   200   403    403
    emergency_expired    404   404   404   no    404   404    404
    anonymous            302   302   302   401   401   401    401
"""


def rows() -> list[tuple[str, dict]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    head = lines[0][1:]
    return [(line[0], dict(zip(head, line[1:], strict=True))) for line in lines[1:]]


REASON = "Innlagt på legevakten i natt, trenger å vite hvem vi skal ringe."


def persona(world, name: str, emergency_member):
    if name.startswith("emergency_"):
        if name == "emergency_after":
            services.open_emergency_access(emergency_member, world.owner_su, REASON)
        elif name == "emergency_expired":
            now = timezone.now()
            EmergencyAccess.objects.create(
                person=emergency_member, organisation=emergency_member.memberships.get().organisation,
                service_user=world.owner_su, reason=REASON, started_at=now - datetime.timedelta(hours=13),
                expires_at=now - datetime.timedelta(hours=1))
        return emergency_member
    return world.persona(name)


def code(value: str):
    return value if value in ("yes", "no") else int(value)


@pytest.mark.parametrize("name, expected", rows(), ids=[r[0] for r in rows()])
def test_crisis_plan_matrix(world, crisis_plan, emergency_member, name, expected):
    user = persona(world, name, emergency_member)
    web = login(Client(), user)
    api = login(APIClient(), user)
    pk = crisis_plan.pk
    got = {}
    # Reads first.
    got["view"] = web.get(reverse("crisis_plan_detail", args=[pk])).status_code
    got["pdf"] = web.get(reverse("crisis_pocket_pdf", args=[pk])).status_code
    listed = api.get("/api/v1/crisis-plans/")
    got["list"] = 401 if listed.status_code == 401 else ("yes" if pk in [p["id"] for p in listed.json()["results"]]
                                                          else "no")
    got["get"] = api.get(f"/api/v1/crisis-plans/{pk}/").status_code
    # Then writes, each with the version as it is now.
    got["edit"] = web.post(reverse("crisis_plan_edit", args=[pk]),
                           {"what_helps": "Endret på nettsiden.", "version": fresh(crisis_plan).version}).status_code
    got["patch"] = api.patch(f"/api/v1/crisis-plans/{pk}/",
                             {"what_helps": "Endret i API-et.", "version": fresh(crisis_plan).version},
                             format="json").status_code
    got["sign"] = api.post(f"/api/v1/crisis-plans/{pk}/sign-off/", {}, format="json").status_code
    assert got == {key: code(value) for key, value in expected.items()}


def test_an_expired_or_withdrawn_consent_is_a_404_on_the_next_request(world, crisis_plan):
    web = login(Client(), world.partner_valid)
    url = reverse("crisis_plan_detail", args=[crisis_plan.pk])
    assert web.get(url).status_code == 200
    world.consent_valid.withdrawn_at = timezone.now()
    world.consent_valid.save()
    assert web.get(url).status_code == 404
    web = login(Client(), world.partner_org_member)
    assert web.get(url).status_code == 200
    world.consent_org.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    world.consent_org.valid_from = world.consent_org.valid_until - datetime.timedelta(days=10)
    world.consent_org.save()
    assert web.get(url).status_code == 404


def test_the_standing_deputy_of_a_case_without_its_own_deputy_is_staff(world):
    standing = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standing, organisation=world.unit)
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    plan = services.create_crisis_plan(world.other_trust_person, world.other_su)
    assert CrisisPlan.objects.for_user(standing, access.CHANGE).filter(pk=plan.pk).exists()


def test_staff_of_an_ended_case_no_longer_see_the_crisis_plan_but_the_owner_does(world, crisis_plan):
    world.case.status = "ended"
    world.case.save()
    for user in (world.trust_person, world.deputy):
        access.forget(user)
        assert not CrisisPlan.objects.for_user(user).filter(pk=crisis_plan.pk).exists()
    assert CrisisPlan.objects.for_user(world.owner).filter(pk=crisis_plan.pk).exists()


@pytest.mark.parametrize("name, body, expected", [
    ("emergency_before", {"reason": ""}, 400),
    ("emergency_before", {"reason": REASON}, 201),
    ("partner_valid", {"reason": REASON}, 403),
    ("trust_person", {"reason": REASON}, 403),
    ("anonymous", {"reason": REASON}, 401),
])
def test_the_emergency_access_endpoint(world, crisis_plan, emergency_member, name, body, expected):
    user = persona(world, name, emergency_member)
    api = login(APIClient(), user)
    response = api.post("/api/v1/crisis-plans/emergency-access/",
                        {"full_name": "Kari Nordmann", "birth_date": "1985-03-14", **body}, format="json")
    assert response.status_code == expected
    assert EmergencyAccess.objects.exists() == (expected == 201)
