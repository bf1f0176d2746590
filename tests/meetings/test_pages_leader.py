"""The leader's page (attendance and overdue items per service, meetings whose chair is away), the worklist section
for the trust person, «Neste møte» on Min side, and the selectors the pages added."""

from __future__ import annotations

import contextlib
import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator import access
from koordinator import selectors as koordinator_selectors
from koordinator.models import Absence, AccessEvent, DeputyArrangement
from koordinator.timeutil import at
from meetings import selectors, services, worklist
from meetings.models import GroupMember
from tests import factories as f
from tests.conftest import login
from tests.meetings.conftest import days, later, past_meeting
from tests.meetings.page_helpers import text, url

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2026, 11, 25)


@pytest.fixture
def midweek():
    """A Wednesday at noon: a meeting at 23:00 today is still ahead, and still this week (at 23:55, or on a Sunday
    evening, it would be neither)."""
    with time_machine.travel(at(WEDNESDAY, 12), tick=False) as traveller:
        yield traveller


# --- the leader ------------------------------------------------------------------------------------------------------


@pytest.fixture
def history(world, group, gp_member, nav_member, user_member):
    """Four held meetings in which NAV came once; an overdue item for NAV."""
    tp = world.trust_person
    meetings = [past_meeting(tp, group, 60 - n * 10) for n in range(4)]
    GroupMember.objects.update(added_at=later(-100))
    for n, meeting in enumerate(meetings):
        services.record_attendance(tp, meeting, {user_member: "present", gp_member: "present",
                                                 nav_member: "present" if n == 0 else "absent"})
    services.add_action_item(tp, meetings[-1], what="Avklare arbeidsevne", responsible=nav_member, due_on=days(-5))
    return meetings


def test_the_leader_sees_attendance_and_overdue_items_per_service(client, world, history):
    login(client, world.leader)
    assert url("leader_meetings") in text(client.get(url("leader_overview")))
    page = text(client.get(url("leader_meetings")))
    assert "NAV Lerkendal: 1 av 4 møter" in page and "Legesenteret: 4 av 4 møter" in page
    assert page.index("NAV Lerkendal: 1 av 4") < page.index("Legesenteret: 4 av 4")  # worst first
    assert "Avklare arbeidsevne" in page and "NAV Lerkendal: 1 oppgave" in page
    assert AccessEvent.objects.filter(service_user=world.owner_su, actor=world.leader,
                                      what="Ansvarsgrupper: oversikt for leder").exists()


def test_the_period_filter_and_a_bad_filter_does_not_break_the_page(client, world, history):
    login(client, world.leader)
    page = text(client.get(url("leader_meetings"), {"since": days(-35).isoformat()}))
    assert "NAV Lerkendal: 0 av 1 møte" in page and "4 av 4" not in page
    assert client.get(url("leader_meetings"), {"since": "i går"}).status_code == 200


def test_a_meeting_whose_chair_is_away_is_flagged_for_the_leader(client, world, meeting):
    Absence.objects.create(person=world.trust_person, kind="ferie", starts_on=days(1), ends_on=days(10),
                           registered_by=world.leader)
    page = text(login(client, world.leader).get(url("leader_meetings")))
    assert "Møtelederen er borte" in page and url("meeting_hand_over_chair", meeting.pk) in page


@pytest.mark.parametrize("persona", ["trust_person", "partner_valid", "owner", "other_trust_person"])
def test_the_leader_page_is_404_for_everyone_but_leaders(client, world, persona):
    assert login(client, world.persona(persona)).get(url("leader_meetings")).status_code == 404


def test_the_leader_elsewhere_sees_nothing_of_this_municipality(client, world, history):
    page = text(login(client, world.other_leader).get(url("leader_meetings")))
    assert "NAV Lerkendal" not in page and "Avklare arbeidsevne" not in page


# --- Min arbeidsliste ------------------------------------------------------------------------------------------------


def test_the_section_is_registered():
    assert worklist.meetings_section in koordinator_selectors.WORKLIST_SECTIONS


def test_the_trust_person_sees_meetings_minutes_and_overdue_items(midweek, client, world, group, gp_member,
                                                                   nav_member):
    tp = world.trust_person
    soon = services.schedule_meeting(tp, group, starts_at=later(0, hour=23), place="office")
    without = past_meeting(tp, group, 3)
    disputed = past_meeting(tp, group, 20)
    minutes = services.start_minutes(tp, disputed)
    services.write_minutes(tp, minutes, 1, situation="Stabil")
    services.mark_minutes_ready(tp, minutes)
    services.disagree_with_minutes(world.owner, minutes, "Feil om bolig")
    services.add_action_item(tp, disputed, what="Søke bostøtte", responsible=nav_member, due_on=days(-1))
    page = text(login(client, tp).get(url("worklist")))
    assert "Ansvarsgrupper: møter, referater og oppgaver" in page
    assert url("meeting_detail", soon.pk) in page
    assert "referatet fra møtet" in page and url("meeting_detail", without.pk) + "#referat" in page
    assert "Kari Nordmann er uenig i referatet" in page
    assert "Søke bostøtte" in page and "Forfalt" in page


def test_the_section_is_empty_for_another_trust_person(world, group, gp_member):
    past_meeting(world.trust_person, group, 3)
    section = worklist.meetings_section(world.other_trust_person, days(0))
    assert section.items == [] and section.empty_text


def grow(world, n: int):
    """``n`` cases for the trust person, each with a group, a meeting this week, a meeting without minutes and an
    overdue item."""
    tp = world.trust_person
    for i in range(n):
        su = f.ServiceUserFactory(municipality=world.municipality, first_name=f"Bruker{i}")
        case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=tp)
        group = services.create_group(tp, case)
        services.schedule_meeting(tp, group, starts_at=later(0, hour=23), place="office")
        held = past_meeting(tp, group, 2)
        member = group.members.get(kind="user")
        services.add_action_item(tp, held, what=f"Oppgave {i}", responsible=member, due_on=days(-1))


def count_section(user) -> tuple[int, int]:
    access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        section = worklist.meetings_section(user, days(0))
    return len(ctx.captured_queries), len(section.items)


def test_the_worklist_section_runs_a_fixed_number_of_queries(midweek, world):
    grow(world, 1)
    one, items_one = count_section(world.trust_person)
    grow(world, 10)
    eleven, items_eleven = count_section(world.trust_person)
    assert items_eleven > items_one
    assert eleven == one


# --- Min side --------------------------------------------------------------------------------------------------------


def test_min_side_shows_the_next_meeting_and_minutes_waiting_for_an_answer(client, world, meeting, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="Stabil")
    services.mark_minutes_ready(world.trust_person, minutes)
    page = text(login(client, world.owner).get(url("my_page")))
    assert "Neste møte" in page and "Hjemme hos deg" in page
    assert url("meeting_detail", meeting.pk) in page and url("meeting_apologies", meeting.pk) in page
    assert "Et referat venter på svaret ditt" in page
    assert url("meeting_detail", minutes.meeting_id) + "#referat" in page


def test_min_side_without_meetings(client, world):
    page = text(login(client, world.owner).get(url("my_page")))
    assert "Du har ingen møter i ansvarsgruppen framover." in page


# --- the selectors the pages added -----------------------------------------------------------------------------------


def test_my_member_ids(world, group, gp_member, nav_member, user_member, coordinator_member):
    assert selectors.my_member_ids(world.owner, group) == {user_member.pk}
    assert selectors.my_member_ids(world.trust_person, group) == {coordinator_member.pk}
    assert selectors.my_member_ids(world.partner_valid, group) == {gp_member.pk}
    assert selectors.my_member_ids(world.partner_org_member, group) == {nav_member.pk}
    assert selectors.my_member_ids(world.leader, group) == set()


@pytest.mark.parametrize("in_request", [True, False])
def test_the_pages_know_my_members_as_my_member_ids_does(world, meeting, user_member, in_request):
    """The meeting and group pages work out «my members» from the members and the gate's lists they have read
    (in a request) or with one query (outside): the same set as ``my_member_ids``, a removed user member too."""
    group = meeting.group
    GroupMember.objects.filter(pk=user_member.pk).update(removed_at=at(days(-1), 9))
    for persona in ("owner", "trust_person", "partner_valid", "partner_org_member", "leader"):
        user = world.persona(persona)
        access.forget(user)
        expected = selectors.my_member_ids(user, group)
        with access.request_scope() if in_request else contextlib.nullcontext():
            assert selectors.meeting_page(user, meeting).my_member_ids == expected, persona
            assert selectors.group_page(user, group).my_member_ids == expected, persona
    assert selectors.my_member_ids(world.owner, group) == {user_member.pk}


def test_chair_candidates_are_the_deputy_and_the_leaders_with_their_absences(world, meeting):
    Absence.objects.create(person=world.deputy, kind="kurs", starts_on=days(0), ends_on=days(5),
                           registered_by=world.leader)
    candidates = {c.person: c for c in selectors.chair_candidates(world.leader, meeting)}
    assert set(candidates) == {world.deputy, world.leader}
    assert candidates[world.deputy].absence is not None and candidates[world.leader].absence is None


def test_chair_candidates_use_the_standing_deputy_when_the_case_has_none(world, meeting):
    world.case.deputy = None
    world.case.save()
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     set_by=world.leader, unit=world.unit)
    people = {c.person for c in selectors.chair_candidates(world.trust_person, meeting)}
    assert people == {world.other_trust_person, world.leader}


def test_minutes_awaiting_the_owner(world, minutes):
    assert selectors.minutes_awaiting_owner(world.owner) == []
    services.write_minutes(world.trust_person, minutes, 1, situation="Stabil")
    services.mark_minutes_ready(world.trust_person, minutes)
    assert selectors.minutes_awaiting_owner(world.owner) == [minutes]
    services.approve_minutes(world.owner, minutes)
    assert selectors.minutes_awaiting_owner(world.owner) == []
    assert selectors.minutes_awaiting_owner(world.trust_person) == []


def test_chair_work_includes_meetings_handed_to_the_deputy(world, meeting):
    services.hand_over_chair(world.leader, meeting, world.deputy)
    work = selectors.chair_work(world.deputy, day=meeting.local_date)
    assert work.coming == [meeting]
    # The deputy does not get the coordinator's groups, only the meetings handed to them.
    assert work.overdue_items == [] and work.disputed == [] and work.minutes_waiting == []


def test_the_figures_cover_the_last_year_unless_a_period_is_chosen(client, world, history):
    """Issue 11: no period meant every meeting ever held in the municipality, read on every view."""
    old = past_meeting(world.trust_person, history[0].group, 400)
    GroupMember.objects.update(added_at=later(-500))
    services.record_attendance(world.trust_person, old, {
        m: "present" for m in GroupMember.objects.filter(group=old.group, organisation__isnull=False)})
    login(client, world.leader)
    page = text(client.get(url("leader_meetings")))
    assert "NAV Lerkendal: 1 av 4 møter" in page  # the meeting 400 days ago is outside the default year
    since = days(-365).strftime("%d.%m.%Y")
    assert f"fra og med {since} til og med {days(0).strftime('%d.%m.%Y')}" in page
    # The form shows the period it used, so the page does what it says.
    assert f'value="{days(-365).isoformat()}"' in page
    page = text(client.get(url("leader_meetings"), {"since": days(-500).isoformat()}))
    assert "NAV Lerkendal: 2 av 5 møter" in page
    # An empty field means its default, not «since the beginning of time».
    page = text(client.get(url("leader_meetings"), {"since": "", "until": ""}))
    assert "NAV Lerkendal: 1 av 4 møter" in page
