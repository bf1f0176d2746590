"""The deputy's handover list gets the group's action items and meetings during the absence, and meetings the
absent coordinator chairs are flagged — on the list and for the leader."""

from __future__ import annotations

import pytest

from koordinator import continuity
from koordinator.models import Absence
from meetings import handover, selectors, services
from tests.meetings.conftest import days, later

pytestmark = pytest.mark.django_db


@pytest.fixture
def absence(world):
    return Absence.objects.create(person=world.trust_person, kind="ferie", starts_on=days(1), ends_on=days(10),
                                  registered_by=world.leader)


def test_the_section_is_registered():
    assert handover.meetings_section in continuity.HANDOVER_SECTIONS


def test_the_deputy_sees_items_due_and_meetings_in_the_absence_with_the_chair_flagged(
        world, absence, held_meeting, gp_member, nav_member):
    tp = world.trust_person
    due_in = services.add_action_item(tp, held_meeting, what="Søke bostøtte", responsible=nav_member, due_on=days(5))
    services.add_action_item(tp, held_meeting, what="Senere", responsible=nav_member, due_on=days(20))
    closed = services.add_action_item(tp, held_meeting, what="Ferdig", responsible=nav_member, due_on=days(4))
    services.set_action_item_status(tp, closed, "done")
    chaired = services.schedule_meeting(tp, held_meeting.group, starts_at=later(3), place="user_home")
    handed_on = services.schedule_meeting(tp, held_meeting.group, starts_at=later(6), place="office")
    services.hand_over_chair(world.leader, handed_on, world.leader)
    services.schedule_meeting(tp, held_meeting.group, starts_at=later(30), place="office")

    [entry] = continuity.handover_list(world.deputy, absence)
    ours = [i for i in entry.items if i.kind in ("action_item", "meeting", "meeting_chair_away")]
    assert [i.kind for i in ours] == ["action_item", "meeting_chair_away", "meeting"]
    assert "Søke bostøtte" in ours[0].text and "NAV Lerkendal" in ours[0].text
    assert ours[0].when == due_in.due_on
    assert "leder møtet og er borte" in ours[1].text and ours[1].when == chaired.starts_at
    assert "leder møtet" not in ours[2].text


def test_a_group_the_user_chairs_is_not_flagged(world, absence, group):
    services.set_group_chair(world.owner, group, "user")
    services.schedule_meeting(world.owner, group, starts_at=later(3), place="user_home")
    [entry] = continuity.handover_list(world.deputy, absence)
    assert [i.kind for i in entry.items if i.kind.startswith("meeting")] == ["meeting"]


def test_the_leader_sees_the_meetings_whose_chair_is_away_and_can_hand_it_on(world, absence, group):
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    services.schedule_meeting(world.trust_person, group, starts_at=later(20), place="office")
    [gap] = selectors.meetings_needing_a_chair(world.leader)
    assert gap.meeting == meeting and gap.chair == world.trust_person and gap.absence == absence
    assert selectors.meetings_needing_a_chair(world.other_leader) == []
    assert selectors.meetings_needing_a_chair(world.partner_valid) == []
    services.hand_over_chair(world.leader, meeting, world.deputy)
    assert selectors.meetings_needing_a_chair(world.leader) == []
    page = selectors.meeting_page(world.leader, meeting)
    assert page.chair_name == world.deputy.display_name and page.chair_absence is None


def test_the_meeting_page_says_when_the_chair_is_away(world, absence, group):
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    assert selectors.meeting_page(world.trust_person, meeting).chair_absence == absence


def test_nothing_for_cases_without_a_group(world, absence):
    assert handover.meetings_section(continuity.Covers([(absence, [world.case])])) == {}
    assert handover.meetings_section(continuity.Covers([(absence, [])])) == {}
