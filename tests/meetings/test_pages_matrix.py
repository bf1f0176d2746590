"""The permission matrix for every meetings page: every persona × page, through the matrix driver (``tests/matrix.py``).

Read pages: the case's staff (trust person, deputy, leader), the owner, and a member while the owner's meetings
consent to them is in force get 200. A member whose consent has expired, was withdrawn or lacks the meetings scope,
a partner outside the group, the other user, another trust person, a leader elsewhere and an administrator get 404.
Anonymous is sent to log in. Pages that change something: staff 200, the owner and partner members 403 (they may see
the meeting but not do that), everyone else 404.

The group is the world's (``tests/meetings/conftest.py``): the user and the coordinator, the GP ``partner_valid`` in
person and NAV Lerkendal as a service (``partner_org_member`` acts for it). ``partner_expired``, ``partner_withdrawn``
and ``partner_wrong_scope`` were made members earlier, while it was allowed (set up directly).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import ActionItem, Comment, GroupMember, Meeting
from meetings.tokens import apology_token
from tests.conftest import login
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.meetings.conftest import days, later, past_meeting

pytestmark = pytest.mark.django_db

LATE_ITEM = "Svare på søknaden om arbeidsavklaringspenger"

STAFF = ["trust_person", "deputy", "leader"]
MEMBERS = ["partner_valid", "partner_org_member"]
OUTSIDE = ["partner_expired", "partner_withdrawn", "partner_wrong_scope", "partner_none", "other_owner",
           "other_trust_person", "other_leader", "admin"]


@pytest.fixture
def objects(world, group, gp_member, nav_member):
    """One of everything in the world's group."""
    tp = world.trust_person
    for persona in ("partner_expired", "partner_withdrawn", "partner_wrong_scope"):
        GroupMember.objects.create(group=group, kind="person", person=world.persona(persona), role="tidligere")
    held = past_meeting(tp, group, 7)
    services.record_attendance(tp, held, {gp_member: "present"})
    minutes = services.start_minutes(tp, held)
    services.write_minutes(tp, minutes, 1, situation="Stabil.")
    services.mark_minutes_ready(tp, minutes)
    item = services.add_action_item(tp, held, what="Fornye resepter", responsible=gp_member, due_on=days(7))
    upcoming = services.schedule_meeting(tp, group, starts_at=later(3), place="office")
    record = minutes.history.order_by("history_date").first()
    # For the pages added with the driver: a meeting that took place without minutes, one with minutes in draft,
    # the user's own point on the agenda, and the GP's comment on the minutes.
    unrecorded = past_meeting(tp, group, 14)
    drafted = past_meeting(tp, group, 21)
    draft = services.start_minutes(tp, drafted)
    draft = services.write_minutes(tp, draft, draft.version, situation="Bor hos søsteren.")
    proposal = services.propose_agenda_item(world.owner, upcoming, title="Jobb")
    comment = services.add_comment(world.partner_valid, minutes, "Vi har fått svar fra NAV.")
    # NAV's item, three days late (for the leader's overview; the due date set directly).
    late = services.add_action_item(tp, held, what=LATE_ITEM, responsible=nav_member, due_on=days(7))
    ActionItem.objects.filter(pk=late.pk).update(due_on=days(-3))
    lapsed = GroupMember.objects.get(group=group, person=world.partner_expired)
    return SimpleNamespace(
        group=group, held=held, upcoming=upcoming, minutes=minutes, item=item, history=record.history_id,
        gp_member=gp_member, nav_member=nav_member, unrecorded=unrecorded, draft=draft, proposal=proposal,
        comment=comment, lapsed=lapsed,
    )


@pytest.fixture
def scene(world, objects) -> Scene:
    return Scene(world, objects)


def _on(*names: str):
    """The URL's arguments: the primary keys (or ids) of these objects."""
    def args(s: Scene) -> list:
        return [getattr(s.o, name) if isinstance(getattr(s.o, name), int) else getattr(s.o, name).pk
                for name in names]
    return args


def _page(route: str, *on: str) -> Action:
    return Action(route, args=_on(*on))


# --- the pages the gate tests had before the driver ----------------------------------------------------------------

# group: group_detail · held/upcoming: meeting_detail · ics: meeting_calendar · timeline/pdf: minutes_timeline,
# minutes_pdf · comment: minutes_comment · apologies: meeting_apologies · propose: agenda_propose.
READ_PAGES = Table("read", """
    persona              group  held   upcoming  ics    timeline  pdf    comment  apologies  propose
    trust_person         200    200    200       200    200       200    200      200        200
    other_trust_person   404    404    404       404    404       404    404      404        404
    deputy               200    200    200       200    200       200    200      200        200
    leader               200    200    200       200    200       200    200      200        200
    other_leader         404    404    404       404    404       404    404      404        404
    partner_valid        200    200    200       200    200       200    200      200        200
    partner_org_member   200    200    200       200    200       200    200      200        200
    partner_none         404    404    404       404    404       404    404      404        404
    partner_expired      404    404    404       404    404       404    404      404        404
    partner_withdrawn    404    404    404       404    404       404    404      404        404
    partner_wrong_scope  404    404    404       404    404       404    404      404        404
    owner                200    200    200       200    200       200    200      200        200
    other_owner          404    404    404       404    404       404    404      404        404
    admin                404    404    404       404    404       404    404      404        404
    anonymous            login  login  login     login  login     login  login    login      login
""", {
    "group": _page("group_detail", "group"),
    "held": _page("meeting_detail", "held"),
    "upcoming": _page("meeting_detail", "upcoming"),
    "ics": _page("meeting_calendar", "upcoming"),
    "timeline": _page("minutes_timeline", "minutes"),
    "pdf": _page("minutes_pdf", "minutes"),
    "comment": _page("minutes_comment", "minutes"),
    "apologies": _page("meeting_apologies", "upcoming"),
    "propose": _page("agenda_propose", "upcoming"),
})

# The forms of the pages that change something (GET). members: group_member_add · status: group_status ·
# create/edit/cancel: meeting_create, meeting_edit, meeting_cancel · attendance: meeting_attendance · minutes/restore:
# minutes_edit, minutes_restore · item/item_edit: action_item_create, action_item_edit · revise: meeting_revise_plan ·
# chair: meeting_hand_over_chair.
MANAGE_PAGES = Table("manage", """
    persona              members  status  create  edit   cancel  attendance  minutes  restore  item   item_edit  revise  chair
    trust_person         200      200     200     200    200     200         200      200      200    200        200     200
    other_trust_person   404      404     404     404    404     404         404      404      404    404        404     404
    deputy               200      200     200     200    200     200         200      200      200    200        200     200
    leader               200      200     200     200    200     200         200      200      200    200        200     200
    other_leader         404      404     404     404    404     404         404      404      404    404        404     404
    partner_valid        403      403     403     403    403     403         403      403      403    403        403     403
    partner_org_member   403      403     403     403    403     403         403      403      403    403        403     403
    partner_none         404      404     404     404    404     404         404      404      404    404        404     404
    partner_expired      404      404     404     404    404     404         404      404      404    404        404     404
    partner_withdrawn    404      404     404     404    404     404         404      404      404    404        404     404
    partner_wrong_scope  404      404     404     404    404     404         404      404      404    404        404     404
    owner                403      403     403     403    403     403         403      403      403    403        403     403
    other_owner          404      404     404     404    404     404         404      404      404    404        404     404
    admin                404      404     404     404    404     404         404      404      404    404        404     404
    anonymous            login    login   login   login  login   login       login    login    login  login      login   login
""", {
    "members": _page("group_member_add", "group"),
    "status": _page("group_status", "group"),
    "create": _page("meeting_create", "group"),
    "edit": _page("meeting_edit", "upcoming"),
    "cancel": _page("meeting_cancel", "upcoming"),
    "attendance": _page("meeting_attendance", "held"),
    "minutes": _page("minutes_edit", "minutes"),
    "restore": _page("minutes_restore", "minutes", "history"),
    "item": _page("action_item_create", "held"),
    "item_edit": _page("action_item_edit", "item"),
    "revise": _page("meeting_revise_plan", "held"),
    "chair": _page("meeting_hand_over_chair", "upcoming"),
})

# The user's answer to the minutes (staff record one given on paper).
RESPOND = Table("respond", """
    persona              respond
    trust_person         200
    other_trust_person   404
    deputy               200
    leader               200
    other_leader         404
    partner_valid        403
    partner_org_member   403
    partner_none         404
    partner_expired      404
    partner_withdrawn    404
    partner_wrong_scope  404
    owner                200
    other_owner          404
    admin                404
    anonymous            login
""", {"respond": _page("minutes_respond", "minutes")})

# The action item's status: the GP is responsible; staff lead; the owner and NAV may see it but not update it.
ITEM_STATUS = Table("item-status", """
    persona              item_status
    trust_person         200
    other_trust_person   404
    deputy               200
    leader               200
    other_leader         404
    partner_valid        200
    partner_org_member   403
    partner_none         404
    partner_expired      404
    partner_withdrawn    404
    partner_wrong_scope  404
    owner                403
    other_owner          404
    admin                404
    anonymous            login
""", {"item_status": _page("action_item_status", "item")})

# POSTs: cancel the upcoming meeting, comment on the minutes, send apologies (an empty form). Outside the gate it is a
# 404 and nothing changes (the driver checks every table); inside, the managers cancel, every member comments.
# ``apologies`` with an empty form: staff who may record apologies for a member must name the member (the form
# again, 200); a member sends their own (302).
POSTS = Table("posts", """
    persona              cancel  comment  apologies
    trust_person         302     302      200
    other_trust_person   404     404      404
    deputy               302     302      200
    leader               302     302      200
    other_leader         404     404      404
    partner_valid        403     302      302
    partner_org_member   403     302      302
    partner_none         404     404      404
    partner_expired      404     404      404
    partner_withdrawn    404     404      404
    partner_wrong_scope  404     404      404
    owner                403     302      302
    other_owner          404     404      404
    admin                404     404      404
    anonymous            login   login    login
""", {
    "cancel": Action("meeting_cancel", "post", args=_on("upcoming"), data=lambda s: {"reason": "x"},
                     done=lambda s: Meeting.objects.get(pk=s.o.upcoming.pk).status == Meeting.Status.CANCELLED),
    "comment": Action("minutes_comment", "post", args=_on("minutes"), data=lambda s: {"text": "x"}, creates=Comment),
    "apologies": Action("meeting_apologies", "post", args=_on("upcoming"), data=lambda s: {}),
})


# --- the other meetings pages --------------------------------------------------------------------------------------

# The case's «Ansvarsgruppe» link goes to the open group for whoever may see both (302); «Min ansvarsgruppe» is the
# user's own (another user without a group gets the page that says so; nobody else has one: 404).
GROUP_PAGES = Table("group-pages", """
    persona              for_case  my_group  member_edit  member_remove  chair
    trust_person         302       404       200          200            200
    other_trust_person   404       404       404          404            404
    deputy               302       404       200          200            200
    leader               302       404       200          200            200
    other_leader         404       404       404          404            404
    partner_valid        302       404       403          403            403
    partner_org_member   302       404       403          403            403
    partner_none         404       404       404          404            404
    partner_expired      404       404       404          404            404
    partner_withdrawn    404       404       404          404            404
    partner_wrong_scope  404       404       404          404            404
    owner                302       302       403          403            200
    other_owner          404       200       404          404            404
    admin                404       404       404          404            404
    anonymous            login     login     login        login          login
""", {
    "for_case": Action("group_for_case", args=lambda s: [s.world.case.pk]),
    "my_group": Action("my_group"),
    "member_edit": _page("group_member_edit", "gp_member"),
    "member_remove": _page("group_member_remove", "nav_member"),
    "chair": _page("group_chair", "group"),
})

# Buttons (POST only): mark the meeting without minutes held, take the user's point off the agenda (she proposed it),
# lock the agenda, start minutes for the meeting without them, mark the draft minutes ready, remove the GP's comment.
BUTTONS = Table("buttons", """
    persona              held   agenda_archive  agenda_freeze  minutes_start  minutes_ready  comment_archive
    trust_person         302    302             302            302            302            302
    other_trust_person   404    404             404            404            404            404
    deputy               302    302             302            302            302            302
    leader               302    302             302            302            302            302
    other_leader         404    404             404            404            404            404
    partner_valid        403    403             403            403            403            302
    partner_org_member   403    403             403            403            403            403
    partner_none         404    404             404            404            404            404
    partner_expired      404    404             404            404            404            404
    partner_withdrawn    404    404             404            404            404            404
    partner_wrong_scope  404    404             404            404            404            404
    owner                403    302             403            403            403            403
    other_owner          404    404             404            404            404            404
    admin                404    404             404            404            404            404
    anonymous            login  login           login          login          login          login
""", {
    "held": Action("meeting_held", "post", args=_on("unrecorded"),
                   done=lambda s: Meeting.objects.get(pk=s.o.unrecorded.pk).status == Meeting.Status.HELD),
    "agenda_archive": Action("agenda_archive", "post", args=_on("proposal"), history_of=lambda s: s.o.proposal),
    "agenda_freeze": Action("agenda_freeze", "post", args=_on("upcoming")),
    "minutes_start": Action("minutes_start", "post", args=_on("unrecorded")),
    "minutes_ready": Action("minutes_ready", "post", args=_on("draft"), history_of=lambda s: s.o.draft,
                            data=lambda s: {"version": s.o.draft.version}),
    "comment_archive": Action("comment_archive", "post", args=_on("comment"), history_of=lambda s: s.o.comment),
})

# Lists across the reader's groups: is the owner's group in «Mine ansvarsgrupper» (the reader is a member), is the
# GP's action item in «Mine oppgaver» (the reader does it); the leader's overview, for leaders, lists NAV's late item
# in her own municipality (not the other leader's).
LISTS = Table("lists", """
    persona              my_groups  my_action_items  leader
    trust_person         yes        no               404
    other_trust_person   no         no               404
    deputy               no         no               404
    leader               no         no               yes
    other_leader         no         no               no
    partner_valid        yes        yes              404
    partner_org_member   yes        no               404
    partner_none         no         no               404
    partner_expired      no         no               404
    partner_withdrawn    no         no               404
    partner_wrong_scope  no         no               404
    owner                yes        no               404
    other_owner          no         no               404
    admin                no         no               404
    anonymous            login      login            login
""", {
    "my_groups": Action("my_groups", marker="Kari Nordmann"),
    "my_action_items": Action("my_action_items", marker="Fornye resepter"),
    "leader": Action("leader_meetings", marker=LATE_ITEM),
})

# The apology link in an invitation is the credential: whoever has it (logged in or not) gets the page; a broken
# link, or one for a member whose consent has lapsed, is a 400 for everyone.
APOLOGY_LINK = Table("apology-link", """
    persona              link  broken_link  lapsed_link
    trust_person         200   400          400
    other_trust_person   200   400          400
    deputy               200   400          400
    leader               200   400          400
    other_leader         200   400          400
    partner_valid        200   400          400
    partner_org_member   200   400          400
    partner_none         200   400          400
    partner_expired      200   400          400
    partner_withdrawn    200   400          400
    partner_wrong_scope  200   400          400
    owner                200   400          400
    other_owner          200   400          400
    admin                200   400          400
    anonymous            200   400          400
""", {
    "link": Action("meeting_apologies_by_link", args=lambda s: [apology_token(s.o.upcoming.pk, s.o.gp_member.pk)]),
    "broken_link": Action("meeting_apologies_by_link",
                          args=lambda s: [apology_token(s.o.upcoming.pk, s.o.gp_member.pk)[:-3] + "xyz"]),
    "lapsed_link": Action("meeting_apologies_by_link", args=lambda s: [apology_token(s.o.upcoming.pk, s.o.lapsed.pk)]),
})


# --- outside the tables -----------------------------------------------------------------------------------------


def test_a_member_whose_consent_is_withdrawn_gets_404_on_the_next_request(client, world, objects):
    from koordinator.services import withdraw_consent

    login(client, world.partner_valid)
    assert client.get(reverse("meeting_detail", args=[objects.held.pk])).status_code == 200
    withdraw_consent(world.trust_person, world.consent_valid)
    assert client.get(reverse("meeting_detail", args=[objects.held.pk])).status_code == 404
    assert client.get(reverse("minutes_pdf", args=[objects.minutes.pk])).status_code == 404


def test_pages_refuse_the_wrong_method(client, world, objects):
    login(client, world.trust_person)
    assert client.post(reverse("meeting_detail", args=[objects.held.pk])).status_code == 405
    assert client.get(reverse("minutes_ready", args=[objects.minutes.pk])).status_code == 405
    assert client.get(reverse("meeting_held", args=[objects.held.pk])).status_code == 405
    assert client.get(reverse("minutes_start", args=[objects.held.pk])).status_code == 405


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(
    READ_PAGES,
    MANAGE_PAGES,
    RESPOND,
    ITEM_STATUS,
    POSTS,
    GROUP_PAGES,
    BUTTONS,
    LISTS,
    APOLOGY_LINK,
))
def test_meetings_page_matrix(scene, table):
    check_table(scene, table)
