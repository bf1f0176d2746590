"""Reads for the leader (attendance and overdue items per service), the group and meeting pages, the plan link."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from koordinator.models import Consent
from koordinator.services import ServiceError
from meetings import selectors, services
from meetings.models import ActionItem, GroupMember, Meeting
from plans import services as plan_services
from plans.models import PlanRevision
from tests import factories as f
from tests.meetings.conftest import days, later, past_meeting

pytestmark = pytest.mark.django_db


def held(actor, group, days_ago, statuses):
    meeting = past_meeting(actor, group, days_ago)
    services.record_attendance(actor, meeting, statuses)
    return meeting


def joined_long_ago():
    """The meetings are put in the past after the members joined: let the members have joined before them."""
    GroupMember.objects.update(added_at=later(-100))


# --- attendance per service -----------------------------------------------------------------------------------------


def test_the_leader_sees_attendance_per_service_across_groups(world, group, gp_member, nav_member, user_member):
    for n, nav_status in enumerate(["present", "absent", "apologies", "absent"]):
        held(world.trust_person, group, 40 - n * 7,
             {user_member: "present", gp_member: "present", nav_member: nav_status})
    past_meeting(world.trust_person, group, 3)  # planned, not held: does not count
    # NAV is in another user's group too.
    f.ConsentFactory(owner=world.other_su, grantee_organisation=world.nav, recorded_by=world.other_trust_person)
    other = services.create_group(world.other_trust_person, world.other_case)
    other_nav = services.add_member(world.other_trust_person, other, organisation=world.nav)
    held(world.other_trust_person, other, 10, {other_nav: "present"})
    services.mark_meeting_held(world.other_trust_person, past_meeting(world.other_trust_person, other, 5))
    joined_long_ago()

    rows = selectors.attendance_by_organisation(world.leader)
    nav = next(r for r in rows if r.organisation == world.nav)
    # Four meetings in Kari's group, two in Ola's (one held with nothing recorded).
    assert (nav.meetings, nav.present, nav.apologies, nav.absent, nav.not_recorded) == (6, 2, 1, 2, 1)
    assert nav.label == "NAV Lerkendal: 2 av 6 møter"
    gp = next(r for r in rows if r.organisation == gp_member.organisation)
    assert gp.label == "Legesenteret: 4 av 4 møter" and gp.percent == 100
    assert rows[0] == nav  # the service that most often does not come first


def test_a_service_is_counted_only_for_meetings_while_it_was_a_member(world, group, gp_member, nav_member,
                                                                     user_member):
    held(world.trust_person, group, 30, {nav_member: "present"})
    services.remove_member(world.trust_person, nav_member, "Ikke lenger NAV-sak")
    held(world.trust_person, group, 10, {user_member: "present"})
    joined_long_ago()
    GroupMember.objects.filter(pk=nav_member.pk).update(removed_at=later(-20))
    nav = next(r for r in selectors.attendance_by_organisation(world.leader) if r.organisation == world.nav)
    assert (nav.meetings, nav.present) == (1, 1)
    assert nav.label == "NAV Lerkendal: 1 av 1 møte"  # one meeting, not «1 av 1 møter»


def test_only_a_leader_sees_the_figures_and_only_for_their_municipality(world, group, gp_member, user_member):
    held(world.trust_person, group, 10, {gp_member: "present"})
    with pytest.raises(PermissionDenied):
        selectors.attendance_by_organisation(world.trust_person)
    with pytest.raises(PermissionDenied):
        selectors.overdue_by_organisation(world.partner_valid)
    assert selectors.attendance_by_organisation(world.other_leader) == []


def test_overdue_items_per_service(world, held_meeting, gp_member, nav_member, user_member):
    tp = world.trust_person
    for what, member in (("A", nav_member), ("B", nav_member), ("C", gp_member), ("D", user_member)):
        item = services.add_action_item(tp, held_meeting, what=what, responsible=member, due_on=days(1))
        ActionItem.objects.filter(pk=item.pk).update(due_on=days(-1))
    services.add_action_item(tp, held_meeting, what="Ikke forfalt", responsible=nav_member, due_on=days(5))
    rows = selectors.overdue_by_organisation(world.leader)
    assert [(r.organisation.name, r.count) for r in rows] == [("NAV Lerkendal", 2), ("Legesenteret", 1)]
    assert [i.what for i in rows[0].items] == ["A", "B"]


# --- pages ----------------------------------------------------------------------------------------------------------


def test_the_group_page_shows_members_with_their_consent_and_the_meetings(world, group, gp_member, nav_member,
                                                                         meeting, held_meeting):
    Consent.objects.filter(pk=world.consent_org.pk).update(valid_until=days(-1))
    page = selectors.group_page(world.trust_person, group)
    assert [(r.name, r.consent_in_force) for r in page.members] == [
        ("Kari Nordmann", True),
        (world.trust_person.display_name, True),
        (f"{world.partner_valid.display_name} (Legesenteret)", True),
        ("NAV Lerkendal", False),
    ]
    assert page.upcoming == [meeting] and page.past == [held_meeting]
    assert page.can_manage and page.is_staff and not page.is_owner
    owner_page = selectors.group_page(world.owner, group)
    assert owner_page.is_owner and not owner_page.can_manage
    with pytest.raises(Http404):
        selectors.group_page(world.partner_none, group)


def test_the_meeting_page_for_a_partner(world, meeting, gp_member):
    services.send_apologies(world.partner_valid, meeting, message="Vakt")
    page = selectors.meeting_page(world.partner_valid, meeting)
    assert page.my_member == gp_member and page.my_attendance.status == "apologies"
    assert not page.can_manage and not page.can_write_minutes and not page.can_respond
    assert page.can_send_apologies and page.can_propose
    assert page.minutes is None and page.since_read is None
    assert page.chair_name == world.trust_person.display_name


def test_the_meeting_page_for_the_user_and_for_the_chair(world, minutes, user_member):
    owner_page = selectors.meeting_page(world.owner, minutes.meeting)
    assert owner_page.is_owner and owner_page.my_member == user_member and not owner_page.can_write_minutes
    chair_page = selectors.meeting_page(world.trust_person, minutes.meeting)
    assert chair_page.can_write_minutes and chair_page.version == 1
    assert chair_page.since_read.first_time


def test_a_removed_member_with_attendance_stays_on_that_meetings_page(world, held_meeting, gp_member):
    services.record_attendance(world.trust_person, held_meeting, {gp_member: "present"})
    services.remove_member(world.trust_person, gp_member)
    names = [r.name for r in selectors.meeting_page(world.trust_person, held_meeting).members]
    assert f"{world.partner_valid.display_name} (Legesenteret)" in names


def test_the_users_next_meeting_and_groups(world, meeting, held_meeting):
    assert selectors.next_meeting_for_owner(world.owner) == meeting
    assert selectors.next_meeting_for_owner(world.partner_valid) is None
    [summary] = selectors.my_groups(world.partner_valid)
    assert summary.next_meeting == meeting
    assert selectors.current_group(world.owner, world.case) == meeting.group
    assert selectors.groups_for_case(world.partner_none, world.case) == []


# --- «Revider planen» -----------------------------------------------------------------------------------------------


def test_revising_the_plan_from_a_meeting_records_the_meeting(world, held_meeting, gp_member, user_member):
    plan_services.activate_plan(
        world.trust_person, plan_services.create_plan(world.trust_person, world.case), consent_given_how="paper")
    services.record_attendance(world.trust_person, held_meeting, {user_member: "present", gp_member: "present"})
    revision = services.revise_plan_at_meeting(world.trust_person, held_meeting, what_changed="Nye delmål",
                                               next_revision_on=days(60))
    assert revision.meeting == held_meeting
    assert revision.revised_on == held_meeting.local_date
    assert "Kari Nordmann" in revision.participants and "Legesenteret" in revision.participants
    assert revision.meeting_note.startswith("Ansvarsgruppemøte")
    assert selectors.meeting_page(world.partner_valid, held_meeting).plan_revisions == [revision]


def test_no_revision_without_a_plan_in_use_or_by_a_partner(world, held_meeting, meeting):
    with pytest.raises(ServiceError) as error:
        services.revise_plan_at_meeting(world.trust_person, held_meeting, what_changed="x", next_revision_on=days(9))
    assert error.value.field == "plan"
    plan_services.activate_plan(
        world.trust_person, plan_services.create_plan(world.trust_person, world.case), consent_given_how="paper")
    with pytest.raises(PermissionDenied):
        services.revise_plan_at_meeting(world.partner_valid, held_meeting, what_changed="x",
                                        next_revision_on=days(9))
    with pytest.raises(ServiceError):
        services.revise_plan_at_meeting(world.trust_person, meeting, what_changed="x", next_revision_on=days(9))
    assert not PlanRevision.objects.exists()
    assert Meeting.objects.filter(pk=meeting.pk, status="planned").exists()
