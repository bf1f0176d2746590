"""The permission matrix for the follow-up log, on the web pages and in the API, cell by cell.

Same reading as ``tests/koordinator/test_permission_matrix.py``: outside the view gate is a 404, visible but not
changeable is a 403, anonymous is a 401 in the API and sent to log in on the pages. ``create`` 403 in the API =
your role never writes in a log; 400 = the case you name is not one you may choose (the same answer as for a
case that does not exist). The entry in every cell is in the owner's (Kari Nordmann's) log.

One persona more than the core matrix: ``standing_deputy``, the trust person's standing deputy. Kari's case has
its own deputy (``deputy``), and the case's own deputy overrides the standing one, so the standing deputy is
outside; a test further down shows the standing deputy inside when the case names no deputy of its own.

API actions: ``list`` (is the entry in the list), ``detail`` (GET), ``create`` (POST for Kari's case), ``change``
(PATCH the note), ``archive`` (POST ``archive/``).
Page actions: ``log`` (the case's log page), ``quick`` (GET the quick entry), ``create`` (POST the quick entry),
``change`` (POST the edit form), ``mine`` (the user's own «Det som er skrevet om oppfølgingen min»: is the entry
there; 404 for anyone without a service-user record).
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import followup_log
from koordinator import services as core_services
from koordinator.models import AccessEvent, Consent, DeputyArrangement, FollowUp, FollowUpEntry
from tests import factories as f
from tests.conftest import World, login
from tests.koordinator.test_permission_matrix import PERSONAS as CORE_PERSONAS
from tests.koordinator.test_permission_matrix import parse

pytestmark = pytest.mark.django_db

PERSONAS = [*CORE_PERSONAS[:3], "standing_deputy", *CORE_PERSONAS[3:]]

API = """
    persona              list  detail  create  change  archive
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    standing_deputy      no    404     400     404     404
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        yes   200     403     403     403
    partner_org_member   yes   200     403     403     403
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    owner                yes   200     403     403     403
    other_owner          no    404     403     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""

PAGES = """
    persona              log    quick  create  change  mine
    trust_person         200    200    302     302     404
    other_trust_person   404    404    404     404     404
    deputy               200    200    302     302     404
    standing_deputy      404    404    404     404     404
    leader               200    200    302     302     404
    other_leader         404    404    404     404     404
    partner_valid        200    403    403     403     404
    partner_org_member   200    403    403     403     404
    partner_none         404    404    404     404     404
    partner_expired      404    404    404     404     404
    partner_withdrawn    404    404    404     404     404
    partner_wrong_scope  404    404    404     404     404
    owner                200    403    403     403     yes
    other_owner          404    404    404     404     no
    admin                404    404    404     404     404
    anonymous            login  login  login   login   login
"""


@pytest.fixture
def matrix(world: World) -> tuple[World, FollowUpEntry]:
    standing = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standing, organisation=world.unit)
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    world.standing_deputy = standing
    entry = followup_log.create_entry(
        world.trust_person, world.case, kind=FollowUpEntry.Kind.HOME_VISIT,
        started_at=timezone.now() - datetime.timedelta(hours=2), note="Hjemmebesøk hos Kari.",
    )
    return world, entry


def _now_minus(hours: int) -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


API_CELLS = [
    pytest.param(persona, action, expected, id=f"api-{persona}-{action}")
    for persona, row in parse(API, PERSONAS).items()
    for action, expected in row.items()
]


@pytest.mark.parametrize(("persona", "action", "expected"), API_CELLS)
def test_followup_entries_api_permission_matrix(matrix, persona, action, expected):
    world, entry = matrix
    client = login(APIClient(), world.persona(persona))
    url = "/api/v1/followup-entries/"

    if action == "list":
        response = client.get(url)
        if response.status_code != 200:
            assert str(response.status_code) == expected
            return
        ids = {item["id"] for item in response.json()["results"]}
        assert ("yes" if entry.pk in ids else "no") == expected

    elif action == "detail":
        before = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count()
        response = client.get(f"{url}{entry.pk}/")
        assert str(response.status_code) == expected
        # A read by anyone but the owner goes in the owner's access log; a refused read does not.
        logged = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count() - before
        assert logged == (1 if expected == "200" and persona != "owner" else 0)

    elif action == "create":
        before = FollowUpEntry.objects.count()
        response = client.post(url, {"follow_up": world.case.pk, "kind": "phone", "note": "Ringte."},
                               format="json")
        assert str(response.status_code) == expected, response.content
        # Created means exactly one new row; refused means nothing changed.
        assert FollowUpEntry.objects.count() - before == (1 if expected == "201" else 0)

    else:
        history_before = entry.history.count()
        if action == "change":
            response = client.patch(f"{url}{entry.pk}/", {"note": "Endret."}, format="json")
        else:
            response = client.post(f"{url}{entry.pk}/archive/", {"reason": "Feil"}, format="json")
        assert str(response.status_code) == expected, response.content
        assert (entry.history.count() > history_before) == (expected == "200")

    if expected in ("401", "403", "404"):
        assert "detail" in response.json()


PAGE_CELLS = [
    pytest.param(persona, action, expected, id=f"page-{persona}-{action}")
    for persona, row in parse(PAGES, PERSONAS).items()
    for action, expected in row.items()
]


@pytest.mark.parametrize(("persona", "action", "expected"), PAGE_CELLS)
def test_followup_log_pages_permission_matrix(matrix, persona, action, expected):
    world, entry = matrix
    client = login(Client(), world.persona(persona))
    quick = reverse("followup_entry_quick", args=[world.case.pk])
    entries_before = FollowUpEntry.objects.count()
    history_before = entry.history.count()

    if action == "log":
        response = client.get(reverse("followup_log", args=[world.case.pk]))
    elif action == "quick":
        response = client.get(quick)
    elif action == "create":
        response = client.post(quick, {"kind": "sms", "started_at": _now_minus(1), "duration_minutes": "2"})
    elif action == "change":
        response = client.post(reverse("followup_entry_edit", args=[entry.pk]), {
            "kind": "conversation", "started_at": _now_minus(2), "duration_minutes": "30", "note": "Endret.",
        })
    else:
        response = client.get(reverse("my_log"))

    if expected == "login":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif expected in ("yes", "no"):
        assert response.status_code == 200
        assert ("yes" if "Hjemmebesøk hos Kari." in response.content.decode() else "no") == expected
    else:
        assert str(response.status_code) == expected
    if action == "log" and expected == "200":
        assert "Hjemmebesøk hos Kari." in response.content.decode()
    assert FollowUpEntry.objects.count() - entries_before == (1 if action == "create" and expected == "302" else 0)
    assert (entry.history.count() > history_before) == (action == "change" and expected == "302")


def test_the_standing_deputy_is_inside_when_the_case_has_no_deputy_of_its_own(matrix):
    world, entry = matrix
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    api = login(APIClient(), world.standing_deputy)
    assert api.get(f"/api/v1/followup-entries/{entry.pk}/").status_code == 200
    assert api.patch(f"/api/v1/followup-entries/{entry.pk}/", {"note": "Fra stedfortrederen."},
                     format="json").status_code == 200
    created = api.post("/api/v1/followup-entries/", {"follow_up": world.case.pk, "kind": "phone"}, format="json")
    assert created.status_code == 201
    page = login(Client(), world.standing_deputy)
    assert page.get(reverse("followup_entry_quick", args=[world.case.pk])).status_code == 200
    # The case's deputy goes with the override: without it, the former case deputy is outside.
    assert login(APIClient(), world.deputy).get(f"/api/v1/followup-entries/{entry.pk}/").status_code == 404


def test_a_withdrawn_consent_shuts_the_partner_out_on_the_next_request(matrix):
    world, entry = matrix
    api, page = login(APIClient(), world.partner_valid), login(Client(), world.partner_valid)
    detail = f"/api/v1/followup-entries/{entry.pk}/"
    log = reverse("followup_log", args=[world.case.pk])
    assert api.get(detail).status_code == 200 and page.get(log).status_code == 200
    core_services.withdraw_consent(world.owner, world.consent_valid)
    assert api.get(detail).status_code == 404 and page.get(log).status_code == 404
    assert api.get("/api/v1/followup-entries/").json()["results"] == []


def test_an_expired_consent_shuts_the_partner_out_on_the_next_request(matrix):
    world, entry = matrix
    api = login(APIClient(), world.partner_org_member)  # through NAV's consent
    detail = f"/api/v1/followup-entries/{entry.pk}/"
    assert api.get(detail).status_code == 200
    Consent.objects.filter(pk=world.consent_org.pk).update(
        valid_from=timezone.localdate() - datetime.timedelta(days=60),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert api.get(detail).status_code == 404
    assert login(Client(), world.partner_org_member).get(
        reverse("followup_log", args=[world.case.pk])).status_code == 404
