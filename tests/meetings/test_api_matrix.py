"""The permission matrix for the meetings API: every persona × resource × action, asserted cell by cell.

Same reading as ``tests/koordinator/test_permission_matrix.py`` and the plans' matrix: outside the view gate is a
404, visible but not changeable is a 403, anonymous is a 401; ``create`` 403 = your role never creates this, 400 = the
group or meeting you name is not one you may choose (the same answer as for an id that does not exist). A refused
write changes nothing (no new history row anywhere in the meetings models).

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

from koordinator.models import AccessEvent, Consent
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
from tests.koordinator.test_permission_matrix import PERSONAS as CORE_PERSONAS
from tests.koordinator.test_permission_matrix import parse
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


def _close_group(world: World, o: Objects) -> None:
    # A case has one open group at a time: the new one needs the old one closed (set up directly).
    Group.objects.filter(pk=o.group.pk).update(status=Group.Status.CLOSED, status_reason="Avsluttet")


def _other_chair(o: Objects) -> str:
    current = Group.objects.values_list("chair", flat=True).get(pk=o.group.pk)
    return Group.Chair.COORDINATOR if current == Group.Chair.USER else Group.Chair.USER


@dataclass
class Resource:
    endpoint: str
    target: Callable[[Objects], object]
    create: Callable[[World, Objects], dict]
    # action → (HTTP method, path under the object, payload)
    changes: dict[str, tuple[str, str, Callable[[World, Objects], dict]]]
    before_create: Callable[[World, Objects], None] | None = None


RESOURCES: dict[str, tuple[str, Resource]] = {
    "groups": (GROUPS, Resource(
        endpoint="groups",
        target=lambda o: o.group,
        create=lambda w, o: {"follow_up": w.case.pk},
        before_create=_close_group,
        changes={
            "change": ("patch", "", lambda w, o: {"chair": _other_chair(o)}),
            "status": ("post", "status/", lambda w, o: {"status": "paused", "reason": "Kari er på behandling"}),
        },
    )),
    "group_members": (GROUP_MEMBERS, Resource(
        endpoint="group-members",
        target=lambda o: o.gp_member,
        create=lambda w, o: {"group": o.group.pk, "person": w.partner_not_member.pk, "role": "lege"},
        changes={
            "change": ("patch", "", lambda w, o: {"role": "fastlege og LAR-lege"}),
            "archive": ("post", "archive/", lambda w, o: {"reason": "Ny fastlege"}),
        },
    )),
    "meetings": (MEETINGS, Resource(
        endpoint="meetings",
        target=lambda o: o.meeting,
        create=lambda w, o: {"group": o.group.pk, "starts_at": later(5).isoformat(), "place": "office"},
        changes={
            "change": ("patch", "", lambda w, o: {"place_detail": "Storgata 1, 2. etasje"}),
            "cancel": ("post", "cancel/", lambda w, o: {"reason": "Kari er syk"}),
            "apologies": ("post", "apologies/", lambda w, o: {"message": "Jeg kan ikke komme"}),
        },
    )),
    "attendance": (ATTENDANCE, Resource(
        endpoint="attendance",
        target=lambda o: o.attendance,
        create=lambda w, o: {"meeting": o.held.pk, "member": o.nav_member.pk, "status": "absent"},
        changes={"change": ("patch", "", lambda w, o: {"status": "apologies", "message": "Ringte i dag"})},
    )),
    "minutes": (MINUTES, Resource(
        endpoint="minutes",
        target=lambda o: o.minutes,
        create=lambda w, o: {"meeting": o.held_without_minutes.pk},
        changes={
            "change": ("patch", "", lambda w, o: {"decisions": "Søke bostøtte", "reason": "Glemte vedtaket",
                                                  "version": Minutes.objects.get(pk=o.minutes.pk).version}),
            "approve": ("post", "approve/", lambda w, o: {"how": "paper"}),
        },
    )),
    "action_items": (ACTION_ITEMS, Resource(
        endpoint="action-items",
        target=lambda o: o.item,
        create=lambda w, o: {"meeting": o.held.pk, "what": "Vurdere AAP", "responsible": o.nav_member.pk,
                             "due_on": days(14).isoformat()},
        changes={
            "change": ("patch", "", lambda w, o: {"what": "Søke bostøtte og startlån"}),
            "close": ("patch", "", lambda w, o: {"status": "done", "status_note": "Søknaden er sendt"}),
        },
    )),
}

CELLS = [
    pytest.param(resource, persona, action, expected, id=f"{resource}-{persona}-{action}")
    for resource, (table, _spec) in RESOURCES.items()
    for persona, row in parse(table, PERSONAS).items()
    for action, expected in row.items()
]

# Every write leaves a history row in one of these; a refused one leaves none.
TRACKED = (Group, GroupMember, Meeting, Attendance, AgendaItem, Minutes, MinutesRead, ActionItem)


def history_rows() -> int:
    return sum(model.history.count() for model in TRACKED)


def persona_user(world: World, objects: Objects, persona: str):
    if persona == "owner_as_chair":
        Group.objects.filter(pk=objects.group.pk).update(chair=Group.Chair.USER)
        return world.owner
    return world.persona(persona)


@pytest.mark.parametrize(("resource", "persona", "action", "expected"), CELLS)
def test_meetings_api_permission_matrix(matrix, resource, persona, action, expected):
    world, objects = matrix
    _table, spec = RESOURCES[resource]
    obj = spec.target(objects)
    model = type(obj)
    client = login(APIClient(), persona_user(world, objects, persona))
    url = f"/api/v1/{spec.endpoint}/"
    is_owner = persona in ("owner", "owner_as_chair")

    if action == "list":
        response = client.get(url)
        if response.status_code != 200:
            assert str(response.status_code) == expected
            return
        ids = {item["id"] for item in response.json()["results"]}
        assert ("yes" if obj.pk in ids else "no") == expected

    elif action == "detail":
        before = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count()
        response = client.get(f"{url}{obj.pk}/")
        assert str(response.status_code) == expected
        # A read by anyone but the owner goes in the owner's access log; a refused read does not.
        logged = AccessEvent.objects.filter(channel=AccessEvent.Channel.API).count() - before
        assert logged == (1 if expected == "200" and not is_owner else 0)
        if logged:
            assert AccessEvent.objects.filter(channel="api").latest("pk").service_user == world.owner_su

    elif action == "create":
        if spec.before_create:
            spec.before_create(world, objects)
        before, history = model._default_manager.count(), history_rows()
        response = client.post(url, spec.create(world, objects), format="json")
        assert str(response.status_code) == expected, response.content
        # Created means exactly one new row; refused means nothing changed.
        assert model._default_manager.count() - before == (1 if expected == "201" else 0)
        assert (history_rows() > history) == (expected == "201")

    else:
        method, suffix, payload = spec.changes[action]
        history = history_rows()
        response = getattr(client, method)(f"{url}{obj.pk}/{suffix}", payload(world, objects), format="json")
        assert str(response.status_code) == expected, response.content
        assert (history_rows() > history) == (expected == "200")

    if expected in ("400", "401", "403", "404"):
        assert "detail" in response.json()


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
