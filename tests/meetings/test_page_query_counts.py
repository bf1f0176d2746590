"""Query counts of the responsibility groups' pages and API, 1 item against 30 (issue 11: every page the benchmark
measures).

The meeting page, the group page, «Mine oppgaver», the minutes PDF and most API lists are counted with 1 and 30 of
everything in test_pages_budgets.py and test_api_query_budget.py; here the pages and endpoints they leave out (the
minutes page, the leader's page, the group list, the details), and for every page 30 cases in another municipality
(Bergen), which must not change the count.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from koordinator.models import Absence, Organisation
from koordinator.timeutil import at
from meetings.models import ActionItem, AgendaItem, Attendance, Comment, GroupMember, Meeting, Minutes
from plans.models import Goal, LifeArea, Step
from tests import factories as f
from tests import query_counts as qc
from tests.conftest import login
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

MONDAY = qc.MONDAY
clock = qc.clock  # autouse: every test here starts on Monday morning


def elsewhere(world, client, path: str, before: qc.Counted, what: str) -> qc.Counted:
    return qc.assert_flat_elsewhere(world, client, path, before, what, MONDAY)


# Upper bounds on each page's queries as the persona reads it (issue 11, the benchmark's meeting, minutes, minutes PDF,
# group, «my groups» and leader's meetings targets): the meeting and each thing in it (attendance, points, minutes,
# comments, the reading mark) pass the gate, through the groups' id list the meeting's policy has read already in
# the request (no query more for them); the reading mark is not written again when the page found it at the version shown;
# the PDF reads the minutes with their meeting and leaves out what it does not print.
PAGE_BUDGET = {
    ("trust_person", "meeting_detail"): 25, ("owner", "meeting_detail"): 23, ("partner_valid", "meeting_detail"): 27,
    ("trust_person", "group_detail"): 18, ("partner_valid", "my_action_items"): 12,
    ("trust_person", "minutes_pdf"): 21,
}
MINUTES_PAGE_BUDGET = 17
LEADER_PAGE_BUDGET = 19
MY_GROUPS_BUDGET = 14


def within(counted: qc.Counted, budget: int, what: str) -> None:
    assert len(counted) <= budget, f"{what}: {len(counted)} queries, the budget is {budget}:\n" + "\n".join(counted.sql)


def api(user) -> APIClient:
    return login(APIClient(), user)


# A held meeting with minutes started, filled with n of everything --------------------------------------------------


@pytest.fixture
def earlier(world, group, gp_member, nav_member) -> Meeting:
    """A meeting three weeks ago, where the open action items carried to the held meeting were agreed."""
    return Meeting.objects.create(group=group, starts_at=at(MONDAY - datetime.timedelta(days=21), 10),
                                  place=Meeting.Place.OFFICE, status=Meeting.Status.HELD, created_by=world.trust_person)


def grow_meeting(world, minutes: Minutes, earlier: Meeting, n: int, start: int = 0) -> None:
    """``n`` partner services in the group with attendance at the meeting, and on its (locked) agenda ``n`` of each
    kind of point: an open action item from the earlier meeting, a plan step, a member's proposal, each with a note
    in the minutes; ``n`` new action items agreed at the meeting and ``n`` comments on the minutes."""
    meeting, group, tp = minutes.meeting, minutes.meeting.group, world.trust_person
    numbers = range(start, start + n)
    organisations = Organisation.objects.bulk_create([
        Organisation(name=f"Tjeneste {i}", kind=Organisation.Kind.NAV, municipality=world.municipality)
        for i in numbers])
    for org in organisations:
        f.ConsentFactory(owner=world.owner_su, grantee_organisation=org, recorded_by=tp)
    members = GroupMember.objects.bulk_create([
        GroupMember(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=org, role=f"rolle {i}")
        for i, org in zip(numbers, organisations, strict=True)])
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m, status=Attendance.Status.PRESENT)
                                    for m in members])
    carried = ActionItem.objects.bulk_create([
        ActionItem(group=group, meeting=earlier, what=f"Gammel oppgave {i}", responsible=m,
                   due_on=MONDAY + datetime.timedelta(days=i % 5 - 2), created_by=tp)
        for i, m in zip(numbers, members, strict=True)])
    goal = Goal.objects.filter(plan__follow_up=group.follow_up).first() or pf.GoalFactory(
        plan=pf.PlanFactory(follow_up=group.follow_up), life_area=LifeArea.WORK)
    steps = Step.objects.bulk_create([Step(goal=goal, what=f"Delmål {i}", due_on=MONDAY - datetime.timedelta(days=3))
                                      for i in numbers])
    base = 3 * start
    points = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, kind=AgendaItem.Kind.ACTION_ITEM, title=item.what, action_item=item,
                    position=base + i) for i, item in enumerate(carried)]
        + [AgendaItem(meeting=meeting, kind=AgendaItem.Kind.PLAN_STEP, title=step.what, step=step,
                      position=base + n + i) for i, step in enumerate(steps)]
        + [AgendaItem(meeting=meeting, kind=AgendaItem.Kind.PROPOSED, title=f"Punkt {i}", proposed_by_member=m,
                      position=base + 2 * n + i) for i, m in zip(numbers, members, strict=True)])
    ActionItem.objects.bulk_create([
        ActionItem(group=group, meeting=meeting, what=f"Ny oppgave {i}", responsible=m,
                   due_on=MONDAY + datetime.timedelta(days=10), created_by=tp)
        for i, m in zip(numbers, members, strict=True)])
    Comment.objects.bulk_create([Comment(minutes=minutes, author=tp, text=f"Kommentar {i}", minutes_version=1)
                                 for i in numbers])
    minutes.refresh_from_db()
    notes = {**minutes.point_notes, **{str(p.pk): f"Notat {p.position}" for p in points}}
    Minutes.objects.filter(pk=minutes.pk).update(point_notes=notes)


# --- the pages -------------------------------------------------------------------------------------------------------


def test_the_minutes_page_is_flat_in_points_items_members_and_comments(client, world, minutes, earlier):
    """The page where the chair writes the minutes: one field per agenda point."""
    login(client, world.trust_person)
    path = reverse("minutes_edit", args=[minutes.pk])
    grow_meeting(world, minutes, earlier, 1)
    one = qc.get(client, path)
    grow_meeting(world, minutes, earlier, 29, start=1)
    thirty = qc.get(client, path)
    page = thirty.response.content.decode()
    assert "Gammel oppgave 29" in page and "Delmål 29" in page and "Punkt 29" in page and "Notat 89" in page
    qc.assert_same(one, thirty, "minutes page")
    within(thirty, MINUTES_PAGE_BUDGET, "minutes page")
    elsewhere(world, client, path, thirty, "minutes page")


@pytest.mark.parametrize(("persona", "url_name"), [
    ("trust_person", "meeting_detail"), ("owner", "meeting_detail"), ("partner_valid", "meeting_detail"),
    ("trust_person", "group_detail"), ("partner_valid", "my_action_items"), ("trust_person", "minutes_pdf"),
])
def test_the_meeting_pages_read_nothing_of_other_municipalities(client, world, minutes, earlier, persona, url_name):
    """1 vs 30 is test_pages_budgets.py; here 30 of everything, then 30 cases in Bergen as well."""
    grow_meeting(world, minutes, earlier, 30)
    ActionItem.objects.filter(group=minutes.meeting.group).update(responsible=GroupMember.objects.get(
        group=minutes.meeting.group, person=world.partner_valid))
    login(client, world.persona(persona))
    arg = {"meeting_detail": minutes.meeting_id, "group_detail": minutes.meeting.group_id,
           "minutes_pdf": minutes.pk}.get(url_name)
    path = reverse(url_name, args=[arg] if arg else [])
    before = qc.get(client, path)
    if url_name == "my_action_items":
        assert "Ny oppgave 29" in before.response.content.decode()
    within(before, PAGE_BUDGET[persona, url_name], f"{url_name} ({persona})")
    elsewhere(world, client, path, before, f"{url_name} ({persona})")


def leader_groups(world, n: int, start: int = 0) -> None:
    """``n`` cases of ``world.other_trust_person`` (away today: the meetings later today need a chair), each with a
    group that has its own partner service, present at the meeting two days ago, and an overdue item for it."""
    cases = qc.busy_cases(world.other_trust_person, world.unit, MONDAY, n, start=start)
    organisations = Organisation.objects.bulk_create([
        Organisation(name=f"Samarbeid {start + i}", kind=Organisation.Kind.NAV, municipality=world.municipality)
        for i in range(n)])
    held = list(Meeting.objects.filter(group__follow_up__in=cases, status=Meeting.Status.HELD).order_by("pk"))
    members = GroupMember.objects.bulk_create([
        GroupMember(group_id=m.group_id, kind=GroupMember.Kind.ORGANISATION, organisation=org,
                    added_at=at(MONDAY - datetime.timedelta(days=30), 9))
        for m, org in zip(held, organisations, strict=True)])
    GroupMember.objects.filter(pk__in=[m.pk for m in members]).update(
        added_at=at(MONDAY - datetime.timedelta(days=30), 9))  # auto_now_add: set afterwards
    Attendance.objects.bulk_create([Attendance(meeting=m, member=member, status=Attendance.Status.PRESENT)
                                    for m, member in zip(held, members, strict=True)])
    ActionItem.objects.bulk_create([
        ActionItem(group_id=m.group_id, meeting=m, what="Sende papirene", responsible=member,
                   due_on=MONDAY - datetime.timedelta(days=1), created_by=world.other_trust_person)
        for m, member in zip(held, members, strict=True)])


def test_the_leaders_meetings_page_is_flat_in_groups_services_and_meetings(client, world):
    """Attendance per partner service, overdue items per service and meetings whose chair is away: 1, then 30."""
    Absence.objects.create(person=world.other_trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=MONDAY,
                           ends_on=MONDAY + datetime.timedelta(days=2), registered_by=world.leader)
    login(client, world.leader)
    path = reverse("leader_meetings")
    leader_groups(world, 1)
    one = qc.get(client, path)
    one_cold = qc.first_visit(client, path, world.leader)  # writes an access event per person named
    leader_groups(world, 29, start=1)
    thirty = qc.get(client, path)
    qc.assert_same(one_cold, qc.first_visit(client, path, world.leader), "leader's meetings page, first visit")
    context = thirty.context
    assert len(context["attendance"]) == 30 and len(context["overdue"]) == 30 and len(context["gaps"]) == 30
    qc.assert_same(one, thirty, "leader's meetings page")
    within(thirty, LEADER_PAGE_BUDGET, "leader's meetings page")
    elsewhere(world, client, path, thirty, "leader's meetings page")


def test_my_groups_is_flat_in_groups_and_items(client, world, gp):
    """«Mine ansvarsgrupper» for a partner in 1, then 30 groups, each with a meeting ahead and an item of theirs."""
    login(client, world.partner_valid)
    path = reverse("my_groups")
    tp = world.trust_person
    qc.partner_in_groups(world.partner_valid, gp, qc.busy_cases(tp, world.unit, MONDAY, 1), MONDAY, tp)
    one = qc.get(client, path)
    one_cold = qc.first_visit(client, path, world.partner_valid)
    qc.partner_in_groups(world.partner_valid, gp, qc.busy_cases(tp, world.unit, MONDAY, 29, start=1), MONDAY, tp)
    thirty = qc.get(client, path)
    summaries = thirty.context["summaries"]
    assert len(summaries) == 30 and all(s.next_meeting and s.overdue_items == 1 for s in summaries)
    qc.assert_same(one, thirty, "my groups")
    within(thirty, MY_GROUPS_BUDGET, "my groups")
    qc.assert_same(one_cold, qc.first_visit(client, path, world.partner_valid), "my groups, first visit of the day")
    elsewhere(world, client, path, thirty, "my groups")


# --- the API -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["trust_person", "leader"])
def test_the_group_list_is_flat_in_groups(world, persona):
    """test_api_query_budget.py counts every list of the meetings API but this one."""
    client = api(world.persona(persona))
    path = "/api/v1/groups/"
    qc.busy_cases(world.trust_person, world.unit, MONDAY, 1)
    one = qc.get(client, path)
    qc.busy_cases(world.trust_person, world.unit, MONDAY, 29, start=1)
    thirty = qc.get(client, path)
    assert thirty.json()["count"] == 30
    qc.assert_same(one, thirty, f"group list ({persona})")
    elsewhere(world, client, path, thirty, f"group list ({persona})")


@pytest.mark.parametrize("resource", ["meetings", "minutes", "action-items", "group-members", "attendance"])
def test_the_meetings_lists_read_nothing_of_other_municipalities(world, minutes, earlier, resource):
    grow_meeting(world, minutes, earlier, 30)
    client = api(world.trust_person)
    path = f"/api/v1/{resource}/"
    before = qc.get(client, path)
    assert before.json()["count"] >= 1
    elsewhere(world, client, path, before, f"{resource} list")


def detail_object(world, minutes: Minutes, basename: str):
    meeting = minutes.meeting
    return {
        "api-meeting-group": meeting.group,
        "api-group-member": GroupMember.objects.filter(group=meeting.group).order_by("pk").first(),
        "api-meeting": meeting,
        "api-attendance": Attendance.objects.filter(meeting=meeting).order_by("pk").first(),
        "api-minutes": minutes,
        "api-action-item": ActionItem.objects.filter(meeting=meeting).order_by("pk").first(),
    }[basename]


@pytest.mark.parametrize("persona", ["trust_person", "owner"])
@pytest.mark.parametrize("basename", ["api-meeting-group", "api-group-member", "api-meeting", "api-attendance",
                                      "api-minutes", "api-action-item"])
def test_an_api_detail_is_flat_in_the_meetings_content(world, minutes, earlier, basename, persona):
    """One object, read when its meeting has 1 and then 30 of everything (the meeting's and the minutes' agenda are in
    the detail)."""
    client = api(world.persona(persona))
    grow_meeting(world, minutes, earlier, 1)
    path = reverse(f"{basename}-detail", args=[detail_object(world, minutes, basename).pk])
    one = qc.get(client, path)
    grow_meeting(world, minutes, earlier, 29, start=1)
    thirty = qc.get(client, path)
    if basename in ("api-meeting", "api-minutes"):
        assert len(thirty.json()["agenda"]) >= 90
    qc.assert_same(one, thirty, f"{basename} detail ({persona})")
    elsewhere(world, client, path, thirty, f"{basename} detail ({persona})")

