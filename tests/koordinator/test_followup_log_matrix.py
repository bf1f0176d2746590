"""The permission matrix for the follow-up log, on the web pages and in the API, cell by cell.

Same reading and the same driver (``tests/matrix.py``) as ``tests/koordinator/test_permission_matrix.py``: outside
the view gate is a 404, visible but not changeable is a 403, anonymous is a 401 in the API and sent to log in on
the pages. ``create`` 403 in the API = your role never writes in a log; 400 = the case you name is not one you may
choose (the same answer as for a case that does not exist). The entry in every cell is in the owner's (Kari
Nordmann's) log.

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
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import followup_log
from koordinator import services as core_services
from koordinator.models import Consent, DeputyArrangement, FollowUp, FollowUpEntry
from tests import factories as f
from tests.conftest import World, login
from tests.matrix import PERSONAS as CORE_PERSONAS
from tests.matrix import Action, Scene, Table, check_table, tables

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


@pytest.fixture
def scene(matrix) -> Scene:
    world, entry = matrix
    return Scene(world, SimpleNamespace(entry=entry, entries=FollowUpEntry.objects.count(),
                                        entry_history=entry.history.count()))


def _now_minus(hours: int) -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _entry(s: Scene) -> FollowUpEntry:
    return s.o.entry


def _case(s: Scene) -> list:
    return [s.world.case.pk]


def _untouched(s: Scene) -> tuple[int, int]:
    """What only a saved write may change: the entries, and the history of Kari's entry."""
    return FollowUpEntry.objects.count(), s.o.entry.history.count()


API_TABLE = Table("api", API, {
    "list": Action("api-followup-entry-list", target=_entry),
    "detail": Action("api-followup-entry-detail", args=lambda s: [s.o.entry.pk], logs_read=True),
    "create": Action("api-followup-entry-list", "post", creates=FollowUpEntry,
                     data=lambda s: {"follow_up": s.world.case.pk, "kind": "phone", "note": "Ringte."}),
    "change": Action("api-followup-entry-detail", "patch", args=lambda s: [s.o.entry.pk],
                     data=lambda s: {"note": "Endret."}, history_of=_entry),
    "archive": Action("api-followup-entry-archive", "post", args=lambda s: [s.o.entry.pk],
                      data=lambda s: {"reason": "Feil"}, history_of=_entry),
}, personas=PERSONAS)

# The page cells also check that nothing but a saved create or change touches the entries (``kept``), that a
# saved create leaves Kari's entry alone and a saved change adds no entry (``done``).
PAGES_TABLE = Table("page", PAGES, {
    "log": Action("followup_log", args=_case, marker="Hjemmebesøk hos Kari.", kept=_untouched),
    "quick": Action("followup_entry_quick", args=_case, kept=_untouched),
    "create": Action("followup_entry_quick", "post", args=_case, creates=FollowUpEntry, kept=_untouched,
                     done=lambda s: s.o.entry.history.count() == s.o.entry_history,
                     data=lambda s: {"kind": "sms", "started_at": _now_minus(1), "duration_minutes": "2"}),
    "change": Action("followup_entry_edit", "post", args=lambda s: [s.o.entry.pk], history_of=_entry,
                     kept=_untouched, done=lambda s: FollowUpEntry.objects.count() == s.o.entries,
                     data=lambda s: {"kind": "conversation", "started_at": _now_minus(2), "duration_minutes": "30",
                                     "note": "Endret."}),
    "mine": Action("my_log", marker="Hjemmebesøk hos Kari.", kept=_untouched),
}, personas=PERSONAS)


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


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(API_TABLE, PAGES_TABLE))
def test_followup_log_permission_matrix(scene, table):
    check_table(scene, table)
