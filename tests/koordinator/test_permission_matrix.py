"""The permission matrix of the core API: every role × resource × action, asserted cell by cell.

Each resource has a table below, one row per persona (see ``tests/conftest.py``) and one column per action; the
driver that makes each request and checks it is ``tests/matrix.py`` (shared by every matrix file).
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
Further down: the standing deputy (a deputy through the trust person, not through the case), notifications,
where everyone sees exactly their own, and the other API routes (ending a case, moving an appointment, the
absence preview, standing deputies, ``me/``). The core's web pages are in ``test_pages_matrix.py``; plans and
meetings have matrices of their own (``tests/*/test_*matrix.py``), and ``tests/test_matrix_coverage.py`` checks that
every API route and page is in one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

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
from tests.matrix import PERSONAS, Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

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
    anonymous            login                login
"""


# --- how each action is performed -------------------------------------------------------------------------


def _in(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _end_current_case(scene: Scene) -> None:
    # Set up state directly: a person has at most one open case, so the new one needs the old one ended.
    FollowUp.objects.filter(pk=scene.world.case.pk).update(
        status=FollowUp.Status.ENDED, ended_on=timezone.localdate(), ending_reason=FollowUp.EndingReason.MOVED
    )


def _access_event(scene: Scene) -> AccessEvent:
    def make(s: Scene) -> AccessEvent:
        access.record_access(s.world.trust_person, [s.world.owner_su], "Personopplysninger", AccessEvent.Channel.WEB)
        return AccessEvent.objects.filter(service_user=s.world.owner_su).latest("pk")

    return scene.once("access_event", make)


def _appointment(scene: Scene) -> Appointment:
    w = scene.world
    return scene.once("appointment", lambda s: Appointment.objects.create(
        follow_up=w.case,
        service_user=w.owner_su,
        trust_person=w.trust_person,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=1), 10),
        place=Appointment.Place.HOME,
        created_by=w.trust_person,
    ))


def _absence(scene: Scene) -> Absence:
    today = timezone.localdate()
    w = scene.world
    return scene.once("absence", lambda s: Absence.objects.create(
        person=w.trust_person,
        kind=Absence.Kind.HOLIDAY,
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=12),
        registered_by=w.trust_person,
    ))


def resource(name: str, table: str, *, route: str, model: type, target: Callable[[Scene], object],
             create: Callable[[Scene], dict], changes: dict[str, tuple[str, str, Callable[[Scene], dict]]],
             before_create: Callable[[Scene], None] | None = None, logs_reads: bool = True) -> Table:
    """The table of one API resource: ``list``, ``detail``, ``create`` and one column per change.

    ``route`` is the router's base name (``api-service-user``); ``changes`` maps a column to (HTTP method, the
    action's URL name, ``""`` for the object itself, payload). Reads of a service user's data go in their access
    log (``logs_reads``); an absence is about a worker.
    """
    def pk(s: Scene) -> list:
        return [target(s).pk]

    actions = {
        "list": Action(f"{route}-list", target=target),
        "detail": Action(f"{route}-detail", args=pk, logs_read=logs_reads),
        "create": Action(f"{route}-list", "post", data=create, before=before_create, creates=model),
    }
    for column, (method, suffix, payload) in changes.items():
        actions[column] = Action(f"{route}-{suffix or 'detail'}", method, args=pk, data=payload, history_of=target)
    return Table(name, table, actions)


TABLES = [
    resource(
        "service_users", SERVICE_USERS, route="api-service-user", model=ServiceUser,
        target=lambda s: s.world.owner_su,
        create=lambda s: {
            "first_name": "Nina",
            "last_name": "Berg",
            "phone": "912 34 568",
            "unit": s.world.unit.pk,
            "trust_person": s.world.trust_person.pk,
            "deputy": s.world.deputy.pk,
            "referral_source": FollowUp.ReferralSource.OUTREACH,
        },
        changes={"change": ("patch", "", lambda s: {"phone": "911 11 111"})},
    ),
    resource(
        "follow_ups", FOLLOW_UPS, route="api-follow-up", model=FollowUp,
        target=lambda s: s.world.case,
        create=lambda s: {
            "service_user": s.world.owner_su.pk,
            "unit": s.world.unit.pk,
            "trust_person": s.world.trust_person.pk,
            "deputy": s.world.deputy.pk,
            "referral_source": FollowUp.ReferralSource.SELF,
        },
        before_create=_end_current_case,
        changes={
            "change": ("post", "change-status", lambda s: {"status": FollowUp.Status.DORMANT}),
            "assign": (
                "patch",
                "",
                lambda s: {
                    "trust_person": s.world.other_trust_person.pk,
                    "deputy": s.world.deputy.pk,
                    "handover_note": "Kari liker best å møtes på kafé.",
                },
            ),
        },
    ),
    resource(
        "consents", CONSENTS, route="api-consent", model=Consent,
        target=lambda s: s.world.consent_valid,
        create=lambda s: {
            "owner": s.world.owner_su.pk,
            "grantee_organisation": s.world.nav.pk,
            "scopes": [Consent.Scope.PLAN, Consent.Scope.MEETINGS],
            "valid_until": _in(90),
            "given_how": Consent.GivenHow.ORAL,
        },
        changes={"change": ("post", "withdraw", lambda s: {"reason": "Ønsker det ikke lenger"})},
    ),
    resource(
        "next_of_kin", NEXT_OF_KIN, route="api-next-of-kin", model=NextOfKin,
        target=lambda s: s.world.next_of_kin,
        create=lambda s: {
            "service_user": s.world.owner_su.pk,
            "name": "Jon Nordmann",
            "relation": "bror",
            "kind": NextOfKin.Kind.SUPPORTIVE,
            "phone": "900 00 002",
        },
        changes={"change": ("patch", "", lambda s: {"phone": "900 00 009"})},
    ),
    resource(
        "restricted_next_of_kin", RESTRICTED_NEXT_OF_KIN, route="api-next-of-kin", model=NextOfKin,
        target=lambda s: s.world.restricted_next_of_kin,
        create=lambda s: {
            "service_user": s.world.owner_su.pk,
            "name": "Tor Farlig",
            "relation": "tidligere venn",
            "kind": NextOfKin.Kind.RESTRICTED,
        },
        changes={"change": ("patch", "", lambda s: {"phone": "900 00 009"})},
    ),
    resource(
        "access_events", ACCESS_EVENTS, route="api-access-event", model=AccessEvent,
        target=_access_event,
        create=lambda s: {"service_user": s.world.owner_su.pk, "what": "Alt"},
        changes={"change": ("patch", "", lambda s: {"what": "Ingenting"})},
        # The owner's own access log: nobody's read of it is logged again.
        logs_reads=False,
    ),
    resource(
        "appointments", APPOINTMENTS, route="api-appointment", model=Appointment,
        target=_appointment,
        create=lambda s: {
            "follow_up": s.world.case.pk,
            "starts_at": at(timezone.localdate() + datetime.timedelta(days=2), 14).isoformat(),
            "place": Appointment.Place.CAFE,
        },
        changes={"change": ("post", "cancel", lambda s: {"note": "Syk"})},
    ),
    resource(
        "absences", ABSENCES, route="api-absence", model=Absence,
        target=_absence,
        create=lambda s: {
            "person": s.world.trust_person.pk,
            "kind": Absence.Kind.COURSE,
            "starts_on": _in(20),
            "ends_on": _in(21),
        },
        changes={"change": ("post", "cancel", lambda s: {})},
        logs_reads=False,
    ),
]


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world)


# --- the web pages ----------------------------------------------------------------------------------------

WEB_PAGES = Table("pages", UI_PAGES, {
    "service_user_detail": Action("service_user_detail", args=lambda s: [s.world.owner_su.pk], logs_read=True),
    "followup_detail": Action("followup_detail", args=lambda s: [s.world.case.pk], logs_read=True),
})


# --- consent withdrawal takes effect on the next request ---------------------------------------------------


def test_a_withdrawn_consent_shuts_the_partner_out_on_the_very_next_request(world):
    client = login(APIClient(), world.partner_valid)
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
        response = login(APIClient(), world.persona(persona)).get("/api/v1/consents/")
        assert {c["id"] for c in response.json()["results"]} == consent_ids, persona


def test_the_matrix_covers_every_persona_in_the_world(scene):
    # A persona added to the fixture must get a row in every table.
    for persona in PERSONAS:
        assert persona == "anonymous" or scene.world.persona(persona) is not None
    assert {type(table.actions["list"].target(scene)) for table in TABLES} >= {
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


def _standing_persona(who, case_deputy) -> Callable[[Scene], object]:
    def user(scene: Scene):
        FollowUp.objects.filter(pk=scene.world.case.pk).update(deputy=case_deputy(scene.world))
        return who(scene.world)

    return user


def _case_status(scene: Scene) -> str:
    return FollowUp.objects.get(pk=scene.world.case.pk).status


STANDING = Table("standing", STANDING_DEPUTY, {
    "service_user": Action("api-service-user-detail", args=lambda s: [s.world.owner_su.pk]),
    "follow_up": Action("api-follow-up-detail", args=lambda s: [s.world.case.pk]),
    "next_of_kin": Action("api-next-of-kin-detail", args=lambda s: [s.world.next_of_kin.pk]),
    "appointment": Action("api-appointment-detail", args=lambda s: [_appointment(s).pk]),
    "change": Action("api-follow-up-change-status", "post", args=lambda s: [s.world.case.pk],
                     data=lambda s: {"status": "dormant"}, kept=_case_status,
                     done=lambda s: _case_status(s) == FollowUp.Status.DORMANT),
    "web_case": Action("followup_detail", args=lambda s: [s.world.case.pk]),
}, personas=list(STANDING_SCENARIOS))


@pytest.fixture
def standing_deputy_scene(world: World) -> Scene:
    """The world, but the case has no deputy of its own and «deputy» is the trust person's standing deputy."""
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    world.case.refresh_from_db()
    DeputyArrangement.objects.create(
        trust_person=world.trust_person, deputy=world.deputy, unit=world.unit, set_by=world.leader
    )
    return Scene(world, extra={name: _standing_persona(*how) for name, how in STANDING_SCENARIOS.items()})


@pytest.mark.parametrize("table", tables(STANDING))
def test_standing_deputy_matrix(standing_deputy_scene, table):
    check_table(standing_deputy_scene, table)


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
    client = login(APIClient(), world.persona(persona))
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


# --- the other API routes ------------------------------------------------------------------------------------------

# end: POST follow-ups/{id}/end/ (the case's «change» column: staff end it, who sees it may not, the rest get 404) ·
# move: POST appointments/{id}/move/ (as «cancel») · preview: what the trust person's absence would touch (their own;
# a leader for her staff; naming anyone else is a 400 on ``person``) · me: who one is.
MORE_CORE = """
    persona              end  move  preview  me
    trust_person         200  200   200      200
    other_trust_person   404  404   400      200
    deputy               200  200   400      200
    leader               200  200   200      200
    other_leader         404  404   400      200
    partner_valid        403  404   400      200
    partner_org_member   403  404   400      200
    partner_none         404  404   400      200
    partner_expired      404  404   400      200
    partner_withdrawn    404  404   400      200
    partner_wrong_scope  404  404   400      200
    owner                403  403   400      200
    other_owner          404  404   400      200
    admin                404  404   400      200
    anonymous            401  401   401      401
"""

# The leader's standing deputies: the trust person's (``deputy``) is the object. Only a leader sets them, for her own
# staff (the other leader names someone outside hers: 400); to everyone else the list is empty. coverage: the gaps,
# for leaders only.
DEPUTIES = """
    persona              list  detail  create  change  coverage
    trust_person         no    404     403     404     403
    other_trust_person   no    404     403     404     403
    deputy               no    404     403     404     403
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     200
    partner_valid        no    404     403     404     403
    partner_org_member   no    404     403     404     403
    partner_none         no    404     403     404     403
    partner_expired      no    404     403     404     403
    partner_withdrawn    no    404     403     404     403
    partner_wrong_scope  no    404     403     404     403
    owner                no    404     403     404     403
    other_owner          no    404     403     404     403
    admin                no    404     403     404     403
    anonymous            401   401     401     401     401
"""

# Messages: the object is a letter to Kari. Only she has it; «read all» is everyone's own (nothing of Kari's changes).
NOTIFICATIONS = """
    persona              list  detail  read  read_all
    trust_person         no    404     404   200=
    other_trust_person   no    404     404   200=
    deputy               no    404     404   200=
    leader               no    404     404   200=
    other_leader         no    404     404   200=
    partner_valid        no    404     404   200=
    partner_org_member   no    404     404   200=
    partner_none         no    404     404   200=
    partner_expired      no    404     404   200=
    partner_withdrawn    no    404     404   200=
    partner_wrong_scope  no    404     404   200=
    owner                yes   200     200   200
    other_owner          no    404     404   200=
    admin                no    404     404   200=
    anonymous            401   401     401   401
"""


def _arrangement(scene: Scene) -> DeputyArrangement:
    w = scene.world
    return scene.once("arrangement", lambda s: DeputyArrangement.objects.create(
        trust_person=w.trust_person, deputy=w.deputy, unit=w.unit, set_by=w.leader))


def _letter(scene: Scene):
    return scene.once("letter", lambda s: outbox.notify(
        s.world.owner_su, "Brev til Kari", "Tekst", channel="letter",
        due_at=timezone.now() - datetime.timedelta(minutes=5)))


def _read(scene: Scene) -> bool:
    return type(_letter(scene)).objects.get(pk=_letter(scene).pk).read_at is not None


MORE_CORE_TABLE = Table("more", MORE_CORE, {
    "end": Action("api-follow-up-end", "post", args=lambda s: [s.world.case.pk], history_of=lambda s: s.world.case,
                  data=lambda s: {"reason": FollowUp.EndingReason.MOVED, "note": "Flyttet til Bergen"},
                  done=lambda s: _case_status(s) == FollowUp.Status.ENDED),
    "move": Action("api-appointment-move", "post", args=lambda s: [_appointment(s).pk], history_of=_appointment,
                   data=lambda s: {"starts_at": at(timezone.localdate() + datetime.timedelta(days=3), 12).isoformat(),
                                   "note": "Kari ba om det"}),
    "preview": Action("api-absence-preview", target=None, logs_read=True,
                      before=lambda s: _appointment(s),
                      query=lambda s: {"person": s.world.trust_person.pk, "starts_on": _in(0), "ends_on": _in(2)}),
    "me": Action("api-me"),
})

DEPUTIES_TABLE = Table("deputies", DEPUTIES, {
    "list": Action("api-deputy-list", target=_arrangement),
    "detail": Action("api-deputy-detail", args=lambda s: [_arrangement(s).pk], logs_read=False),
    "create": Action("api-deputy-list", "post", creates=DeputyArrangement,
                     data=lambda s: {"trust_person": s.world.other_trust_person.pk, "deputy": s.world.deputy.pk}),
    "change": Action("api-deputy-detail", "patch", args=lambda s: [_arrangement(s).pk], history_of=_arrangement,
                     data=lambda s: {"deputy": s.world.other_trust_person.pk}),
    "coverage": Action("api-deputy-coverage"),
})

NOTIFICATIONS_TABLE = Table("notifications", NOTIFICATIONS, {
    "list": Action("api-notification-list", target=_letter),
    "detail": Action("api-notification-detail", args=lambda s: [_letter(s).pk], logs_read=False),
    "read": Action("api-notification-read", "post", args=lambda s: [_letter(s).pk], history_of=_letter, done=_read),
    "read_all": Action("api-notification-read-all", "post", before=_letter, done=_read),
})


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(*TABLES, WEB_PAGES, MORE_CORE_TABLE, DEPUTIES_TABLE, NOTIFICATIONS_TABLE))
def test_core_permission_matrix(scene, table):
    check_table(scene, table)
