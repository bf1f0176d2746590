"""Query budgets: the meeting page and the action-item lists do not grow in queries with the number of members,
agenda points, action items or comments (1 against 30 of each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator import access
from meetings import selectors, services
from meetings.models import ActionItem, AgendaItem, Attendance, Comment, GroupMember
from plans import services as plan_services
from tests import factories as f
from tests.meetings.conftest import days, later, past_meeting

pytestmark = pytest.mark.django_db


def populate(world, group, gp, n: int):
    """``n`` extra partner members (each with a personal consent), and for each: a proposal on the next meeting,
    an open action item from an earlier meeting, attendance, an item decided and a comment in the held meeting,
    and a plan step that came due."""
    tp = world.trust_person
    valid_member = services.add_member(tp, group, person=world.partner_valid, organisation=gp, role="fastlege")
    earlier = past_meeting(tp, group, 21)
    held = past_meeting(tp, group, 2)
    upcoming = services.schedule_meeting(tp, group, starts_at=later(5), place="office")
    plan = plan_services.activate_plan(tp, plan_services.create_plan(tp, world.case), consent_given_how="paper")
    goal = plan_services.add_goal(tp, plan, life_area="bolig", text="Bolig")
    members = []
    for i in range(n):
        person = f.UserFactory(username=f"partner_{n}_{i}")
        f.MembershipFactory(user=person, organisation=gp, role="partner")
        f.ConsentFactory(owner=world.owner_su, grantee_user=person, recorded_by=tp)
        members.append(GroupMember.objects.create(group=group, kind="person", person=person, organisation=gp,
                                                  role="lege"))
        AgendaItem.objects.create(meeting=upcoming, kind="proposed", title=f"Punkt {i}", position=i,
                                  proposed_by_member=members[-1])
        # The GP's own items (for «Mine oppgaver»), carried to the upcoming agenda.
        ActionItem.objects.create(group=group, meeting=earlier, what=f"Oppgave {i}", responsible=valid_member,
                                  due_on=days(3 + i))
        ActionItem.objects.create(group=group, meeting=held, what=f"Ny oppgave {i}", responsible=members[-1],
                                  due_on=days(10))
        Attendance.objects.create(meeting=held, member=members[-1], status="present")
        plan_services.add_step(tp, goal, what=f"Delmål {i}", due_on=days(1 + i % 4))
    minutes = services.start_minutes(tp, held)
    for i, member in enumerate(members):
        Comment.objects.create(minutes=minutes, author=member.person, member=member, text=f"Kommentar {i}",
                               minutes_version=1)
    services.write_minutes(tp, minutes, 1, situation="Stabil.", point_notes={
        item.pk: "Notat" for item in AgendaItem.objects.filter(meeting=held)})
    return upcoming, held


def render_meeting(page: selectors.MeetingPage) -> list:
    """Touch what the meeting page shows."""
    out = [page.meeting.place_text, page.chair_name, page.owner.full_name, page.can_send_apologies, page.can_respond]
    for row in page.members:
        out += [row.name, row.role, row.attendance_label, row.consent_in_force]
    for point in page.agenda:
        out += [point.title, point.kind_label, point.proposed_by, point.note]
        if point.action_item:
            out += [point.action_item.get_status_display(), point.action_item.responsible.name_in(page.case)]
        if point.step:
            out += [point.step.get_status_display()]
    if page.minutes:
        out += [page.minutes.situation, page.minutes.get_status_display(), page.since_read.has_changes]
    for comment in page.comments:
        out += [comment.author.display_name, comment.member.name_in(page.case) if comment.member else ""]
    for item in page.action_items:
        out += [item.what, item.responsible.name_in(page.case), item.meeting.local_date]
    for revision in page.plan_revisions:
        out += [revision.created_by.display_name]
    return out


def render_items(items) -> list:
    return [(i.what, i.responsible.name_in(i.group.follow_up), i.group.follow_up.service_user.full_name,
             i.meeting.local_date, i.get_status_display()) for i in items]


def count(fn, *readers) -> int:
    for reader in readers:
        access.forget(reader)  # each count reads the roles afresh, as a new request does
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.fixture
def gp(world):
    from koordinator.models import Membership

    return Membership.objects.get(user=world.partner_valid, role="partner").organisation


def budgets(world, group, gp, n):
    upcoming, held = populate(world, group, gp, n)
    services.mark_minutes_read(world.partner_valid, held.minutes)
    services.write_minutes(world.trust_person, held.minutes, 2, decisions="Endret")
    tp = world.trust_person
    readers = (tp, world.owner, world.partner_valid)
    return {
        "planned": [count(lambda u=u: render_meeting(selectors.meeting_page(u, upcoming)), u) for u in readers],
        "held": [count(lambda u=u: render_meeting(selectors.meeting_page(u, held)), u) for u in readers],
        "items": count(lambda: render_items(list(selectors.action_items(tp, group=group))), tp),
        "mine": count(lambda: render_items(list(selectors.my_action_items(world.partner_valid))), world.partner_valid),
        "group": count(lambda: selectors.group_page(tp, group), tp),
        "agenda_len": len(selectors.agenda(world.trust_person, upcoming)),
        "mine_len": selectors.my_action_items(world.partner_valid).count(),
    }


def test_the_meeting_page_and_the_lists_do_not_grow_with_members_points_and_items(world, group, gp):
    one = budgets(world, group, gp, 1)
    # A second world is not possible in one test: close this group and grow a new one for the same case.
    services.change_group_status(world.trust_person, group, "closed", "Ny gruppe")
    from plans.models import Plan

    for plan in Plan.objects.all():
        plan_services.end_plan(world.trust_person, plan)
    group30 = services.create_group(world.trust_person, world.case)
    thirty = budgets(world, group30, gp, 30)
    assert thirty["agenda_len"] > one["agenda_len"] + 50  # the page really is bigger …
    assert (one["mine_len"], thirty["mine_len"]) == (1, 30)
    for key in ("planned", "held", "items", "mine", "group"):
        assert thirty[key] == one[key], key  # … and costs the same number of queries


def test_the_meeting_page_budget_is_small(world, group, gp):
    upcoming, held = populate(world, group, gp, 3)
    assert count(lambda: render_meeting(selectors.meeting_page(world.partner_valid, held)), world.partner_valid) <= 15
    assert count(lambda: render_meeting(selectors.meeting_page(world.trust_person, upcoming)), world.trust_person) <= 16
