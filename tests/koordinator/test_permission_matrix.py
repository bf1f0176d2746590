"""The permission matrix: every role × resource × action, asserted cell by cell.

Each resource has a table below, one row per persona (see ``tests/conftest.py``) and one column per action.
The semantics are the access gate's (``koordinator/access.py``): outside the view gate is a 404, visible but
not changeable is a 403, anonymous is a 401. The object in every cell is the *owner's* (Kari Nordmann's),
so «other_trust_person» is a colleague in the same unit looking at a case that is not theirs.

Cell values:

* ``list``   — ``yes``/``no``: is the owner's object in the list? (``401`` when the list itself is refused)
* ``detail`` — the status code of GET on the owner's object.
* ``create`` — the status code of creating something *for the owner* (for service users: an intake into the
  owner's unit with ``trust_person`` as trust person and ``deputy`` as deputy). 403 = your role never creates
  this; 400 = the owner (or the unit) is not one you can choose, the same answer as for an id that does not
  exist; a 403 after that is the service refusing (e.g. a colleague may not register a case that would land
  outside their own caseload).
* ``change`` — the status code of changing the owner's object: PATCH the phone number (service users, next
  of kin), POST ``status/`` to «dormant» (follow-up cases), POST ``withdraw/`` (consents), POST ``cancel/``
  (appointments, absences).
* ``assign`` — follow-up cases only: PATCH ``trust_person``/``deputy`` (only the leader assigns).

Absences are the exception to «the owner's object»: the object is the trust person's own absence.
Further down: the standing deputy (a deputy through the trust person, not through the case), and
notifications, where everyone sees exactly their own.

New resources (plans, meetings) add a table here.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import access, outbox, services
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    NextOfKin,
    ServiceUser,
)
from koordinator.timeutil import at
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

PERSONAS = [
    "trust_person",
    "other_trust_person",
    "deputy",
    "leader",
    "other_leader",
    "partner_valid",
    "partner_org_member",
    "partner_none",
    "partner_expired",
    "partner_withdrawn",
    "partner_wrong_scope",
    "owner",
    "other_owner",
    "admin",
    "anonymous",
]

# --- the tables -------------------------------------------------------------------------------------------

SERVICE_USERS = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   no    404     403     404
    deputy               yes   200     201     200
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        yes   200     403     403
    partner_org_member   yes   200     403     403
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  yes   200     403     403
    owner                yes   200     403     200
    other_owner          no    404     403     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# create: a new case for the owner, after their current case has ended.
FOLLOW_UPS = """
    persona              list  detail  create  change  assign
    trust_person         yes   200     201     200     403
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     403
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

# The object is the owner's personal consent to partner_valid; create is a new consent from the owner to NAV.
# A partner sees only the consents that name them (or their organisation) and are in force.
CONSENTS = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   no    404     400     404
    deputy               yes   200     201     200
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        yes   200     403     403
    partner_org_member   no    404     403     404
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                yes   200     201     200
    other_owner          no    404     400     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# A supportive next of kin: partners see it with the crisis-plan scope.
NEXT_OF_KIN = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   no    404     400     404
    deputy               yes   200     201     200
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        yes   200     403     403
    partner_org_member   yes   200     403     403
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                yes   200     201     200
    other_owner          no    404     400     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# Someone the owner wants kept away: no partner ever sees them.
RESTRICTED_NEXT_OF_KIN = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   no    404     400     404
    deputy               yes   200     201     200
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        no    404     403     404
    partner_org_member   no    404     403     404
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                yes   200     201     200
    other_owner          no    404     400     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# The owner's access log: only the owner reads it; nobody writes to it through the API (405).
ACCESS_EVENTS = """
    persona              list  detail  create  change
    trust_person         no    404     405     405
    other_trust_person   no    404     405     405
    deputy               no    404     405     405
    leader               no    404     405     405
    other_leader         no    404     405     405
    partner_valid        no    404     405     405
    partner_org_member   no    404     405     405
    partner_none         no    404     405     405
    partner_expired      no    404     405     405
    partner_withdrawn    no    404     405     405
    partner_wrong_scope  no    404     405     405
    owner                yes   200     405     405
    other_owner          no    404     405     405
    admin                no    404     405     405
    anonymous            401   401     401     401
"""

# An upcoming home visit in the owner's case. Only staff on the case book and cancel; the owner reads it; partners
# see no appointments at all, whatever their consent. create: a new one in the owner's case (an id outside the
# caller's change gate is a 400 on ``follow_up``).
APPOINTMENTS = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   no    404     400     404
    deputy               yes   200     201     200
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        no    404     403     404
    partner_org_member   no    404     403     404
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                yes   200     403     403
    other_owner          no    404     403     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# The trust person's holiday. Colleagues in the unit see who is away but change only their own; the leader
# registers and cancels for her staff. create: another absence for the trust person (naming someone you may not
# register for is a 400 on ``person``). Nobody outside the staff sees absences.
ABSENCES = """
    persona              list  detail  create  change
    trust_person         yes   200     201     200
    other_trust_person   yes   200     400     403
    deputy               yes   200     400     403
    leader               yes   200     201     200
    other_leader         no    404     400     404
    partner_valid        no    404     403     404
    partner_org_member   no    404     403     404
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                no    404     403     404
    other_owner          no    404     403     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# The web pages for the same personas: the same gate, so the same answers (anonymous → the log-in page).
UI_PAGES = """
    persona              service_user_detail  followup_detail
    trust_person         200                  200
    other_trust_person   404                  404
    deputy               200                  200
    leader               200                  200
    other_leader         404                  404
    partner_valid        200                  200
    partner_org_member   200                  200
    partner_none         404                  404
    partner_expired      404                  404
    partner_withdrawn    404                  404
    partner_wrong_scope  200                  404
    owner                200                  200
    other_owner          404                  404
    admin                404                  404
    anonymous            302                  302
"""


def parse(table: str, personas: list[str] = PERSONAS) -> dict[str, dict[str, str]]:
    """A table as {persona: {action: expected}}; every persona must have exactly one row."""
    lines = [line.split() for line in textwrap.dedent(table).strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert header[0] == "persona"
    parsed = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows}
    assert list(parsed) == personas, "every persona, once, in the usual order"
    return parsed


# --- how each action is performed -------------------------------------------------------------------------


def _in(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _end_current_case(world: World) -> None:
    # Set up state directly: a person has at most one open case, so the new one needs the old one ended.
    FollowUp.objects.filter(pk=world.case.pk).update(
        status=FollowUp.Status.ENDED, ended_on=timezone.localdate(), ending_reason=FollowUp.EndingReason.MOVED
    )


@dataclass
class Resource:
    endpoint: str
    target: Callable[[World], object]
    create: Callable[[World], dict]
    # action name → (HTTP method, path under the object, payload)
    changes: dict[str, tuple[str, str, Callable[[World], dict]]]
    before_create: Callable[[World], None] | None = None
    # Reads of a service user's data go in their access log; an absence is about a worker.
    logs_reads: bool = True

    def detail_url(self, obj) -> str:
        return f"/api/v1/{self.endpoint}/{obj.pk}/"

    def list_url(self) -> str:
        return f"/api/v1/{self.endpoint}/"


def _access_event(world: World) -> AccessEvent:
    access.record_access(world.trust_person, [world.owner_su], "Personopplysninger", AccessEvent.Channel.WEB)
    return AccessEvent.objects.filter(service_user=world.owner_su).latest("pk")


def _appointment(world: World) -> Appointment:
    return Appointment.objects.create(
        follow_up=world.case,
        service_user=world.owner_su,
        trust_person=world.trust_person,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=1), 10),
        place=Appointment.Place.HOME,
        created_by=world.trust_person,
    )


def _absence(world: World) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(
        person=world.trust_person,
        kind=Absence.Kind.HOLIDAY,
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=12),
        registered_by=world.trust_person,
    )


RESOURCES: dict[str, tuple[str, Resource]] = {
    "service_users": (
        SERVICE_USERS,
        Resource(
            endpoint="service-users",
            target=lambda w: w.owner_su,
            create=lambda w: {
                "first_name": "Nina",
                "last_name": "Berg",
                "phone": "912 34 568",
                "unit": w.unit.pk,
                "trust_person": w.trust_person.pk,
                "deputy": w.deputy.pk,
                "referral_source": FollowUp.ReferralSource.OUTREACH,
            },
            changes={"change": ("patch", "", lambda w: {"phone": "911 11 111"})},
        ),
    ),
    "follow_ups": (
        FOLLOW_UPS,
        Resource(
            endpoint="follow-ups",
            target=lambda w: w.case,
            create=lambda w: {
                "service_user": w.owner_su.pk,
                "unit": w.unit.pk,
                "trust_person": w.trust_person.pk,
                "deputy": w.deputy.pk,
                "referral_source": FollowUp.ReferralSource.SELF,
            },
            before_create=_end_current_case,
            changes={
                "change": ("post", "status/", lambda w: {"status": FollowUp.Status.DORMANT}),
                "assign": (
                    "patch",
                    "",
                    lambda w: {
                        "trust_person": w.other_trust_person.pk,
                        "deputy": w.deputy.pk,
                        "handover_note": "Kari liker best å møtes på kafé.",
                    },
                ),
            },
        ),
    ),
    "consents": (
        CONSENTS,
        Resource(
            endpoint="consents",
            target=lambda w: w.consent_valid,
            create=lambda w: {
                "owner": w.owner_su.pk,
                "grantee_organisation": w.nav.pk,
                "scopes": [Consent.Scope.PLAN, Consent.Scope.MEETINGS],
                "valid_until": _in(90),
                "given_how": Consent.GivenHow.ORAL,
            },
            changes={"change": ("post", "withdraw/", lambda w: {"reason": "Ønsker det ikke lenger"})},
        ),
    ),
    "next_of_kin": (
        NEXT_OF_KIN,
        Resource(
            endpoint="next-of-kin",
            target=lambda w: w.next_of_kin,
            create=lambda w: {
                "service_user": w.owner_su.pk,
                "name": "Jon Nordmann",
                "relation": "bror",
                "kind": NextOfKin.Kind.SUPPORTIVE,
                "phone": "900 00 002",
            },
            changes={"change": ("patch", "", lambda w: {"phone": "900 00 009"})},
        ),
    ),
    "restricted_next_of_kin": (
        RESTRICTED_NEXT_OF_KIN,
        Resource(
            endpoint="next-of-kin",
            target=lambda w: w.restricted_next_of_kin,
            create=lambda w: {
                "service_user": w.owner_su.pk,
                "name": "Tor Farlig",
                "relation": "tidligere venn",
                "kind": NextOfKin.Kind.RESTRICTED,
            },
            changes={"change": ("patch", "", lambda w: {"phone": "900 00 009"})},
        ),
    ),
    "access_events": (
        ACCESS_EVENTS,
        Resource(
            endpoint="access-events",
            target=_access_event,
            create=lambda w: {"service_user": w.owner_su.pk, "what": "Alt"},
            changes={"change": ("patch", "", lambda w: {"what": "Ingenting"})},
        ),
    ),
    "appointments": (
        APPOINTMENTS,
        Resource(
            endpoint="appointments",
            target=_appointment,
            create=lambda w: {
                "follow_up": w.case.pk,
                "starts_at": at(timezone.localdate() + datetime.timedelta(days=2), 14).isoformat(),
                "place": Appointment.Place.CAFE,
            },
            changes={"change": ("post", "cancel/", lambda w: {"note": "Syk"})},
        ),
    ),
    "absences": (
        ABSENCES,
        Resource(
            endpoint="absences",
            target=_absence,
            create=lambda w: {
                "person": w.trust_person.pk,
                "kind": Absence.Kind.COURSE,
                "starts_on": _in(20),
                "ends_on": _in(21),
            },
            changes={"change": ("post", "cancel/", lambda w: {})},
            logs_reads=False,
        ),
    ),
}

CELLS = [
    pytest.param(resource, persona, action, expected, id=f"{resource}-{persona}-{action}")
    for resource, (table, _spec) in RESOURCES.items()
    for persona, row in parse(table).items()
    for action, expected in row.items()
]


def _client(world: World, persona: str) -> APIClient:
    return login(APIClient(), world.persona(persona))


def _count(model) -> int:
    # Counting past the gate on purpose: the test checks what really happened in the database.
    return model._default_manager.count()


@pytest.mark.parametrize(("resource", "persona", "action", "expected"), CELLS)
def test_api_permission_matrix(world, resource, persona, action, expected):
    _table, spec = RESOURCES[resource]
    obj = spec.target(world)
    model = type(obj)
    client = _client(world, persona)

    if action == "list":
        response = client.get(spec.list_url())
        if response.status_code != 200:
            assert str(response.status_code) == expected
            return
        ids = {item["id"] for item in response.json()["results"]}
        assert ("yes" if obj.pk in ids else "no") == expected

    elif action == "detail":
        events_before = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count()
        response = client.get(spec.detail_url(obj))
        assert str(response.status_code) == expected
        # A read by anyone but the owner is in the owner's access log; a refused read is not.
        logged = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count() - events_before
        reads_others_data = expected == "200" and persona != "owner"
        assert logged == (1 if reads_others_data and resource != "access_events" and spec.logs_reads else 0)

    elif action == "create":
        if spec.before_create:
            spec.before_create(world)
        before = _count(model)
        response = client.post(spec.list_url(), spec.create(world), format="json")
        assert str(response.status_code) == expected, response.content
        # Created means exactly one new row; refused means nothing changed.
        assert _count(model) - before == (1 if expected == "201" else 0)

    else:
        method, suffix, payload = spec.changes[action]
        history_before = obj.history.count()
        response = getattr(client, method)(spec.detail_url(obj) + suffix, payload(world), format="json")
        assert str(response.status_code) == expected, response.content
        changed = obj.history.count() > history_before
        assert changed == (expected == "200")

    if expected in ("401", "403", "404", "405"):
        assert "detail" in response.json()


# --- the web pages ----------------------------------------------------------------------------------------

UI_CELLS = [
    pytest.param(persona, page, expected, id=f"{page}-{persona}")
    for persona, row in parse(UI_PAGES).items()
    for page, expected in row.items()
]


@pytest.mark.parametrize(("persona", "page", "expected"), UI_CELLS)
def test_web_page_permission_matrix(world, persona, page, expected):
    obj = world.owner_su if page == "service_user_detail" else world.case
    url = reverse(page, args=[obj.pk])
    response = login(Client(), world.persona(persona)).get(url)
    assert str(response.status_code) == expected
    if expected == "302":
        assert response["Location"].startswith(reverse("login"))


# --- consent withdrawal takes effect on the next request ---------------------------------------------------


def test_a_withdrawn_consent_shuts_the_partner_out_on_the_very_next_request(world):
    client = _client(world, "partner_valid")
    urls = [
        f"/api/v1/service-users/{world.owner_su.pk}/",
        f"/api/v1/follow-ups/{world.case.pk}/",
        f"/api/v1/next-of-kin/{world.next_of_kin.pk}/",
        f"/api/v1/consents/{world.consent_valid.pk}/",
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200, 200]

    services.withdraw_consent(world.owner, world.consent_valid, reason="Vil ikke lenger")

    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client.get("/api/v1/service-users/").json()["results"] == []


def test_a_withdrawn_consent_shuts_the_partner_out_of_the_web_page_too(world):
    client = login(Client(), world.partner_valid)
    url = reverse("service_user_detail", args=[world.owner_su.pk])
    assert client.get(url).status_code == 200

    services.withdraw_consent(world.owner, world.consent_valid)

    assert client.get(url).status_code == 404


def test_each_partner_sees_exactly_the_consents_in_force_that_name_them(world):
    expected = {
        "partner_valid": {world.consent_valid.pk},
        "partner_org_member": {world.consent_org.pk},
        "partner_wrong_scope": {world.consent_wrong_scope.pk},
        "partner_none": set(),
        "partner_expired": set(),
        "partner_withdrawn": set(),
    }
    for persona, consent_ids in expected.items():
        response = _client(world, persona).get("/api/v1/consents/")
        assert {c["id"] for c in response.json()["results"]} == consent_ids, persona


def test_the_matrix_covers_every_persona_in_the_world(world):
    # A persona added to the fixture must get a row in every table.
    for persona in PERSONAS:
        assert persona == "anonymous" or world.persona(persona) is not None
    assert {type(spec.target(world)) for _table, spec in RESOURCES.values()} >= {
        ServiceUser,
        FollowUp,
        Consent,
        NextOfKin,
        AccessEvent,
        Appointment,
        Absence,
    }


# --- the standing deputy -------------------------------------------------------------------------------------

# The leader has made «deputy» the standing deputy of the trust person. When the case names no deputy of its
# own, the standing deputy is inside the gate like a case deputy (and may change it); a colleague who is nobody's
# deputy is not; and when the case names its own deputy, the standing deputy is out again.
# change: POST follow-ups/{id}/status/ to «dormant».
STANDING_DEPUTY = """
    persona                     service_user  follow_up  next_of_kin  appointment  change  web_case
    standing_deputy             200           200        200          200          200     200
    colleague                   404           404        404          404          404     404
    overridden_standing_deputy  404           404        404          404          404     404
    case_deputy_instead         200           200        200          200          200     200
"""

# persona → (who asks, the case's own deputy)
STANDING_SCENARIOS: dict[str, tuple[Callable[[World], object], Callable[[World], object]]] = {
    "standing_deputy": (lambda w: w.deputy, lambda w: None),
    "colleague": (lambda w: w.other_trust_person, lambda w: None),
    "overridden_standing_deputy": (lambda w: w.deputy, lambda w: w.other_trust_person),
    "case_deputy_instead": (lambda w: w.other_trust_person, lambda w: w.other_trust_person),
}


@pytest.fixture
def standing_deputy_world(world: World) -> World:
    """The world, but the case has no deputy of its own and «deputy» is the trust person's standing deputy."""
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    world.case.refresh_from_db()
    DeputyArrangement.objects.create(
        trust_person=world.trust_person, deputy=world.deputy, unit=world.unit, set_by=world.leader
    )
    return world


STANDING_CELLS = [
    pytest.param(persona, column, expected, id=f"standing-{persona}-{column}")
    for persona, row in parse(STANDING_DEPUTY, list(STANDING_SCENARIOS)).items()
    for column, expected in row.items()
]


@pytest.mark.parametrize(("persona", "column", "expected"), STANDING_CELLS)
def test_standing_deputy_matrix(standing_deputy_world, persona, column, expected):
    world = standing_deputy_world
    who, case_deputy = STANDING_SCENARIOS[persona]
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=case_deputy(world))
    user = who(world)
    client = login(APIClient(), user)
    if column == "service_user":
        response = client.get(f"/api/v1/service-users/{world.owner_su.pk}/")
    elif column == "follow_up":
        response = client.get(f"/api/v1/follow-ups/{world.case.pk}/")
    elif column == "next_of_kin":
        response = client.get(f"/api/v1/next-of-kin/{world.next_of_kin.pk}/")
    elif column == "appointment":
        response = client.get(f"/api/v1/appointments/{_appointment(world).pk}/")
    elif column == "change":
        response = client.post(
            f"/api/v1/follow-ups/{world.case.pk}/status/", {"status": "dormant"}, format="json"
        )
        changed = FollowUp.objects.get(pk=world.case.pk).status == FollowUp.Status.DORMANT
        assert changed == (expected == "200")
    else:
        response = login(Client(), user).get(reverse("followup_detail", args=[world.case.pk]))
    assert str(response.status_code) == expected


# --- notifications: everyone sees exactly their own ---------------------------------------------------------


def _recipient(world: World, persona: str):
    # A service user's messages are addressed to their service-user record (they may have no login at all).
    return {"owner": world.owner_su, "other_owner": world.other_su}.get(persona) or world.persona(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_only_their_own_notifications(world, persona):
    mine = {}
    for name in PERSONAS:
        if name != "anonymous":
            mine[name] = outbox.notify(_recipient(world, name), f"Til {name}", "Tekst").pk
    client = _client(world, persona)
    if persona == "anonymous":
        assert client.get("/api/v1/notifications/").status_code == 401
        return
    listed = [n["id"] for n in client.get("/api/v1/notifications/").json()["results"]]
    assert listed == [mine[persona]]
    assert client.get(f"/api/v1/notifications/{mine[persona]}/").status_code == 200
    for name, pk in mine.items():
        if name != persona:
            assert client.get(f"/api/v1/notifications/{pk}/").status_code == 404, name
            assert client.post(f"/api/v1/notifications/{pk}/read/").status_code == 404, name
    client.post("/api/v1/notifications/read-all/")
    assert outbox.unread_count(world.persona(persona)) == 0
    unread_elsewhere = [name for name in mine if name != persona and outbox.unread_count(world.persona(name))]
    assert len(unread_elsewhere) == len(mine) - 1
