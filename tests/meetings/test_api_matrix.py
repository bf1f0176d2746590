"""The permission matrix for the meetings API: every persona × resource × action, asserted cell by cell.

Same reading and the same driver (``tests/matrix.py``) as ``tests/koordinator/test_permission_matrix.py`` and the
plans' matrix: outside the view gate is a 404, visible but not changeable is a 403, anonymous is a 401; ``create``
403 = your role never creates this, 400 = the group or meeting you name is not one you may choose (the same answer as
for an id that does not exist). A write that works leaves a history row in a meetings model; a refused one changes
nothing (the driver checks every table).

Every object belongs to the owner's (Kari Nordmann's) responsibility group. Its members: the user and the coordinator
(the trust person, who chairs the group), the GP ``partner_valid`` in person and NAV Lerkendal as a service (so
``partner_org_member`` acts for it); ``partner_expired`` and ``partner_withdrawn`` were added while their consent was
in force, and it has since expired or been withdrawn. The personas beyond the core matrix:

* ``partner_not_member`` — a GP partner with a valid meetings consent who is not in the group (and is the person
  the ``create`` cell of ``group_members`` adds);
* ``owner_as_chair`` — the user, when they chair their own group (*«Kalle inn og skrive referat … så det styrer jeg
  liksom selv»*): the chair who is not staff. The coordinator chairs otherwise (``trust_person``); a chair handed on
  for one meeting is the deputy or a leader, who already have the staff's rights.

Actions:

* ``list``/``detail``: is the object in the list / GET on it (a read by anyone but the owner is logged).
* ``create``: groups — a new group for the case (after the current one is closed); group members — add
  ``partner_not_member``; meetings — schedule one; attendance — record NAV absent at the held meeting; minutes —
  start them for a second held meeting; action items — a new one for NAV.
* ``change``: PATCH (groups: the chair; members: the role; meetings: the place; attendance: apologies; minutes: the
  decisions, with the version and a reason as they are marked ready; action items: what).
* Extra columns: groups ``status`` (pause with a reason); members ``archive``; meetings ``cancel`` and ``apologies``
  (for oneself, as a member); minutes ``approve`` (staff record a paper approval; the owner approves in the portal);
  action items ``close`` (status done with a note: the responsible GP, or the chair).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from koordinator.models import Consent
from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from tests import factories as f
from tests.conftest import World, login
from tests.matrix import PERSONAS as CORE_PERSONAS
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.meetings.api_helpers import action_item, ready_minutes
from tests.meetings.conftest import days, later, past_meeting

pytestmark = pytest.mark.django_db

# The core matrix's personas, with the partner who is not in the group and the user chairing their own group.
PERSONAS = [*CORE_PERSONAS[:11], "partner_not_member", "owner", "owner_as_chair", *CORE_PERSONAS[12:]]

# The user sets who chairs; only managers (staff, or the user chairing) pause or close the group.
GROUPS = """
    persona              list  detail  create  change  status
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        yes   200     403     403     403
    partner_org_member   yes   200     403     403     403
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    partner_not_member   no    404     403     404     404
    owner                yes   200     403     200     403
    owner_as_chair       yes   200     403     200     200
    other_owner          no    404     403     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""

GROUP_MEMBERS = """
    persona              list  detail  create  change  archive
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        yes   200     403     403     403
    partner_org_member   yes   200     403     403     403
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    partner_not_member   no    404     403     404     404
    owner                yes   200     403     403     403
    owner_as_chair       yes   200     201     200     200
    other_owner          no    404     400     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""

# Apologies are for members: the deputy and the leader see the meeting but are not in the group (a plain 400).
MEETINGS = """
    persona              list  detail  create  change  cancel  apologies
    trust_person         yes   200     201     200     200     200
    other_trust_person   no    404     400     404     404     404
    deputy               yes   200     201     200     200     400
    leader               yes   200     201     200     200     400
    other_leader         no    404     400     404     404     404
    partner_valid        yes   200     403     403     403     200
    partner_org_member   yes   200     403     403     403     200
    partner_none         no    404     403     404     404     404
    partner_expired      no    404     403     404     404     404
    partner_withdrawn    no    404     403     404     404     404
    partner_wrong_scope  no    404     403     404     404     404
    partner_not_member   no    404     403     404     404     404
    owner                yes   200     403     403     403     200
    owner_as_chair       yes   200     201     200     200     200
    other_owner          no    404     400     404     404     404
    admin                no    404     403     404     404     404
    anonymous            401   401     401     401     401     401
"""

# The GP may change their own attendance row through the gate, but recording attendance is the chair's (403).
ATTENDANCE = """
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
    partner_not_member   no    404     403     404
    owner                yes   200     403     403
    owner_as_chair       yes   200     201     200
    other_owner          no    404     400     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

# The chair writes the minutes; the user (or staff recording the user's answer) approves them.
MINUTES = """
    persona              list  detail  create  change  approve
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        yes   200     403     403     403
    partner_org_member   yes   200     403     403     403
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    partner_not_member   no    404     403     404     404
    owner                yes   200     403     403     200
    owner_as_chair       yes   200     201     200     200
    other_owner          no    404     400     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""

# The item is the GP's: they close it but do not rewrite it; NAV's partner does neither.
ACTION_ITEMS = """
    persona              list  detail  create  change  close
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        yes   200     403     403     200
    partner_org_member   yes   200     403     403     403
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    partner_not_member   no    404     403     404     404
    owner                yes   200     403     403     403
    owner_as_chair       yes   200     201     200     200
    other_owner          no    404     400     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""


@dataclass
class Objects:
    group: Group
    gp_member: GroupMember
    nav_member: GroupMember
    meeting: Meeting
    held: Meeting
    held_without_minutes: Meeting
    attendance: Attendance
    minutes: Minutes
    item: ActionItem


def _lapsed_member(world: World, persona: str, consent: Consent, group: Group, gp) -> GroupMember:
    """A member added while the consent was in force; it has lapsed since (set up directly, as in test_gate)."""
    return GroupMember.objects.create(group=group, kind=GroupMember.Kind.PERSON, person=world.persona(persona),
                                      organisation=gp, role="tidligere", added_by=world.trust_person)


@pytest.fixture
def matrix(world, group, gp, gp_member, nav_member) -> tuple[World, Objects]:
    tp = world.trust_person
    _lapsed_member(world, "partner_expired", world.consent_expired, group, gp)
    _lapsed_member(world, "partner_withdrawn", world.consent_withdrawn, group, gp)
    not_member = f.UserFactory(username="partner_ikke_medlem")
    f.MembershipFactory(user=not_member, organisation=gp, role="partner")
    f.ConsentFactory(owner=world.owner_su, grantee_user=not_member, recorded_by=tp)
    world.partner_not_member = not_member

    meeting = services.schedule_meeting(tp, group, starts_at=later(2), place=Meeting.Place.USER_HOME,
                                        place_detail="Storgata 1")
    held = past_meeting(tp, group, 7)
    held_without_minutes = past_meeting(tp, group, 21)
    attendance = services.record_attendance(tp, held, {gp_member: Attendance.Status.PRESENT})[0]
    minutes = ready_minutes(world, services.start_minutes(tp, held))
    item = action_item(world, held, gp_member)
    return world, Objects(group, gp_member, nav_member, meeting, held, held_without_minutes, attendance, minutes,
                          item)


# Every write leaves a history row in one of these; a refused one leaves none (nor anything else: the driver).
TRACKED = (Group, GroupMember, Meeting, Attendance, AgendaItem, Minutes, MinutesRead, ActionItem)


def _owner_as_chair(s: Scene):
    Group.objects.filter(pk=s.o.group.pk).update(chair=Group.Chair.USER)
    return s.world.owner


@pytest.fixture
def scene(matrix) -> Scene:
    world, objects = matrix
    return Scene(world, objects, extra={"owner_as_chair": _owner_as_chair})


def resource(name: str, table: str, *, route: str, model: type, target: Callable[[Objects], object],
             create: Callable[[Scene], dict], changes: dict[str, tuple[str, str, Callable[[Scene], dict]]],
             before_create: Callable[[Scene], None] | None = None) -> Table:
    """One meetings resource's table: ``list``, ``detail``, ``create`` and a column per change (HTTP method, the
    action's URL name or ``""`` for the object itself, payload)."""
    def obj(s: Scene):
        return target(s.o)

    def pk(s: Scene) -> list:
        return [obj(s).pk]

    actions = {
        "list": Action(f"{route}-list", target=obj),
        "detail": Action(f"{route}-detail", args=pk, logs_read=True),
        "create": Action(f"{route}-list", "post", data=create, before=before_create, creates=model, grows=TRACKED),
    }
    for column, (method, suffix, payload) in changes.items():
        actions[column] = Action(f"{route}-{suffix or 'detail'}", method, args=pk, data=payload, grows=TRACKED)
    return Table(name, table, actions, personas=PERSONAS)


def _close_group(s: Scene) -> None:
    # A case has one open group at a time: the new one needs the old one closed (set up directly).
    Group.objects.filter(pk=s.o.group.pk).update(status=Group.Status.CLOSED, status_reason="Avsluttet")


def _other_chair(s: Scene) -> str:
    current = Group.objects.values_list("chair", flat=True).get(pk=s.o.group.pk)
    return Group.Chair.COORDINATOR if current == Group.Chair.USER else Group.Chair.USER


TABLES = [
    resource(
        "groups", GROUPS, route="api-meeting-group", model=Group, target=lambda o: o.group,
        create=lambda s: {"follow_up": s.world.case.pk},
        before_create=_close_group,
        changes={
            "change": ("patch", "", lambda s: {"chair": _other_chair(s)}),
            "status": ("post", "change-status", lambda s: {"status": "paused", "reason": "Kari er på behandling"}),
        },
    ),
    resource(
        "group_members", GROUP_MEMBERS, route="api-group-member", model=GroupMember, target=lambda o: o.gp_member,
        create=lambda s: {"group": s.o.group.pk, "person": s.world.partner_not_member.pk, "role": "lege"},
        changes={
            "change": ("patch", "", lambda s: {"role": "fastlege og LAR-lege"}),
            "archive": ("post", "archive", lambda s: {"reason": "Ny fastlege"}),
        },
    ),
    resource(
        "meetings", MEETINGS, route="api-meeting", model=Meeting, target=lambda o: o.meeting,
        create=lambda s: {"group": s.o.group.pk, "starts_at": later(5).isoformat(), "place": "office"},
        changes={
            "change": ("patch", "", lambda s: {"place_detail": "Storgata 1, 2. etasje"}),
            "cancel": ("post", "cancel", lambda s: {"reason": "Kari er syk"}),
            "apologies": ("post", "apologies", lambda s: {"message": "Jeg kan ikke komme"}),
        },
    ),
    resource(
        "attendance", ATTENDANCE, route="api-attendance", model=Attendance, target=lambda o: o.attendance,
        create=lambda s: {"meeting": s.o.held.pk, "member": s.o.nav_member.pk, "status": "absent"},
        changes={"change": ("patch", "", lambda s: {"status": "apologies", "message": "Ringte i dag"})},
    ),
    resource(
        "minutes", MINUTES, route="api-minutes", model=Minutes, target=lambda o: o.minutes,
        create=lambda s: {"meeting": s.o.held_without_minutes.pk},
        changes={
            "change": ("patch", "", lambda s: {"decisions": "Søke bostøtte", "reason": "Glemte vedtaket",
                                               "version": Minutes.objects.get(pk=s.o.minutes.pk).version}),
            "approve": ("post", "approve", lambda s: {"how": "paper"}),
        },
    ),
    resource(
        "action_items", ACTION_ITEMS, route="api-action-item", model=ActionItem, target=lambda o: o.item,
        create=lambda s: {"meeting": s.o.held.pk, "what": "Vurdere AAP", "responsible": s.o.nav_member.pk,
                          "due_on": days(14).isoformat()},
        changes={
            "change": ("patch", "", lambda s: {"what": "Søke bostøtte og startlån"}),
            "close": ("patch", "", lambda s: {"status": "done", "status_note": "Søknaden er sendt"}),
        },
    ),
]


def test_a_lapsed_consent_shuts_a_member_out_on_the_next_request(matrix):
    from koordinator import services as core_services

    world, objects = matrix
    client = login(APIClient(), world.partner_valid)
    urls = [f"/api/v1/groups/{objects.group.pk}/", f"/api/v1/meetings/{objects.meeting.pk}/",
            f"/api/v1/minutes/{objects.minutes.pk}/", f"/api/v1/action-items/{objects.item.pk}/",
            f"/api/v1/attendance/{objects.attendance.pk}/", f"/api/v1/group-members/{objects.gp_member.pk}/"]
    assert [client.get(u).status_code for u in urls] == [200] * 6
    core_services.withdraw_consent(world.owner, world.consent_valid)
    assert [client.get(u).status_code for u in urls] == [404] * 6
    for endpoint in ("groups", "meetings", "minutes", "action-items", "attendance", "group-members"):
        assert client.get(f"/api/v1/{endpoint}/").json()["results"] == []
    # Apologies and closing their item are refused the same way: outside the gate.
    apologies = client.post(f"/api/v1/meetings/{objects.meeting.pk}/apologies/", {}, format="json")
    assert apologies.status_code == 404
    close = client.patch(f"/api/v1/action-items/{objects.item.pk}/", {"status": "done"}, format="json")
    assert close.status_code == 404


def test_the_matrix_world_has_members_whose_consent_lapsed(matrix):
    world, objects = matrix
    lapsed = GroupMember.objects.filter(group=objects.group, person__in=[world.partner_expired,
                                                                         world.partner_withdrawn])
    assert lapsed.count() == 2 and all(m.removed_at is None for m in lapsed)
    assert world.consent_expired.state == "expired" and world.consent_withdrawn.state == "withdrawn"
    assert not GroupMember.objects.filter(group=objects.group, person=world.partner_not_member).exists()


# --- the minutes' other actions ------------------------------------------------------------------------------------

# ready: the chair marks minutes in draft ready (minutes for the meeting that had none, started and written by the
# coordinator); disagree: the user's answer (staff record one given on paper); restore: back to the first version (a
# new version, with a reason as the minutes are ready). Reading the history and what changed since one last read is
# for everyone who may read the minutes.
MINUTES_ACTIONS = """
    persona              ready  disagree  restore  history  since_read
    trust_person         200    200       200      200      200
    other_trust_person   404    404       404      404      404
    deputy               200    200       200      200      200
    leader               200    200       200      200      200
    other_leader         404    404       404      404      404
    partner_valid        403    403       403      200      200
    partner_org_member   403    403       403      200      200
    partner_none         404    404       404      404      404
    partner_expired      404    404       404      404      404
    partner_withdrawn    404    404       404      404      404
    partner_wrong_scope  404    404       404      404      404
    partner_not_member   404    404       404      404      404
    owner                403    200       403      200      200
    owner_as_chair       200    200       200      200      200
    other_owner          404    404       404      404      404
    admin                404    404       404      404      404
    anonymous            401    401       401      401      401
"""


def _draft_minutes(s: Scene) -> Minutes:
    def make(s: Scene) -> Minutes:
        tp = s.world.trust_person
        minutes = services.start_minutes(tp, s.o.held_without_minutes)
        return services.write_minutes(tp, minutes, minutes.version, situation="Bor hos søsteren.")
    return s.once("draft_minutes", make)


def _minutes_version(minutes: Minutes) -> int:
    return Minutes.objects.get(pk=minutes.pk).version


MINUTES_ACTIONS_TABLE = Table("minutes-actions", MINUTES_ACTIONS, {
    "ready": Action("api-minutes-ready", "post", args=lambda s: [_draft_minutes(s).pk], grows=TRACKED,
                    history_of=_draft_minutes, data=lambda s: {"version": _minutes_version(_draft_minutes(s))}),
    "disagree": Action("api-minutes-disagree", "post", args=lambda s: [s.o.minutes.pk], grows=TRACKED,
                       data=lambda s: {"disagreement": "Jeg sa ikke at jeg skulle flytte.", "how": "paper"}),
    "restore": Action("api-minutes-restore", "post", args=lambda s: [s.o.minutes.pk], grows=TRACKED,
                      history_of=lambda s: s.o.minutes,
                      data=lambda s: {"version": _minutes_version(s.o.minutes), "reason": "Feil i situasjonen",
                                      "history_id": s.o.minutes.history.order_by("history_date", "history_id")
                                      .first().history_id}),
    "history": Action("api-minutes-history", args=lambda s: [s.o.minutes.pk]),
    "since_read": Action("api-minutes-changes-since-read", args=lambda s: [s.o.minutes.pk]),
}, personas=PERSONAS)


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(*TABLES, MINUTES_ACTIONS_TABLE))
def test_meetings_api_permission_matrix(scene, table):
    check_table(scene, table)
