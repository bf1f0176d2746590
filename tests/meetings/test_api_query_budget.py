"""Query budgets for the meetings API: the lists (meetings, minutes, action items, members, attendance) and the minutes
use the same number of queries for 1 as for 30 members, meetings, agenda points and action items (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator.models import Organisation
from meetings.models import ActionItem, AgendaItem, Attendance, GroupMember, Meeting, Minutes
from tests import factories as f
from tests.meetings.api_helpers import client_for
from tests.meetings.conftest import days, later

pytestmark = pytest.mark.django_db


def grow(world, group, n: int) -> Minutes:
    """``n`` partner services in the group, ``n`` held meetings with everyone's attendance, minutes with a note for
    each of ``n`` agenda points, and ``n`` action items spread over the members (set up directly, no services)."""
    tp = world.trust_person
    organisations = [
        f.OrganisationFactory(name=f"Tjeneste {n}-{i}", kind=Organisation.Kind.NAV, municipality=world.municipality)
        for i in range(n)
    ]
    for org in organisations:
        f.ConsentFactory(owner=world.owner_su, grantee_organisation=org, recorded_by=tp)
    members = list(GroupMember.objects.filter(group=group, kind__in=GroupMember.ALWAYS)) + GroupMember.objects.bulk_create(
        [GroupMember(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=org, role=f"rolle {i}")
         for i, org in enumerate(organisations)]
    )
    # Held meetings with their agenda locked, as after the minutes were started.
    meetings = Meeting.objects.bulk_create(
        [Meeting(group=group, starts_at=later(-7 * (i + 1)), place=Meeting.Place.OFFICE, created_by=tp,
                 status=Meeting.Status.HELD, held_at=later(-7 * (i + 1)), agenda_frozen_at=later(-7 * (i + 1)),
                 chair_person=world.deputy if i % 2 else None) for i in range(n)]
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=m, member=member, status=Attendance.Status.PRESENT) for m in meetings for member in members]
    )
    points = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=m, kind=AgendaItem.Kind.PROPOSED, title=f"Punkt {i}", position=i, proposed_by_member=member)
         for m in meetings for i, member in enumerate(members[:n])]
    )
    Minutes.objects.bulk_create(
        [Minutes(meeting=m, situation="Stabil.", created_by=tp,
                 point_notes={str(p.pk): f"Notat {p.position}" for p in points if p.meeting_id == m.pk})
         for m in meetings]
    )
    ActionItem.objects.bulk_create(
        [ActionItem(group=group, meeting=meetings[i], what=f"Oppgave {i}", responsible=members[i % len(members)],
                    due_on=days(i - 3), created_by=tp) for i in range(n)]
    )
    return Minutes.objects.get(meeting=meetings[0])


def queries(user, path: str) -> tuple[int, dict]:
    client = client_for(user)
    client.get(path)  # warm up (and the first read mark)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def more_than_a_page(body: dict) -> bool:
    return "results" in body and body["count"] > len(body["results"])


def compare(world, group, persona: str, path: str, count=None) -> tuple[dict, dict]:
    """The queries for ``path`` with 1 and then with 30 of everything, asserted equal."""
    user = world.persona(persona)
    small_minutes = grow(world, group, 1)
    small, small_body = queries(user, path.format(minutes=small_minutes.pk, group=group.pk))
    for model in (ActionItem, Minutes, AgendaItem, Attendance):
        model.objects.all().delete()
    Meeting.objects.all().delete()
    GroupMember.objects.filter(kind=GroupMember.Kind.ORGANISATION).exclude(organisation=world.nav).delete()
    large_minutes = grow(world, group, 30)
    large, large_body = queries(user, path.format(minutes=large_minutes.pk, group=group.pk))
    if count:
        assert count(small_body) < count(large_body), "the larger set must show more"
    # A first page that holds the whole list is counted from its rows (``koordinator.api.pagination``); a list
    # longer than a page asks the database for the count: one query more, however long the list is.
    extra = int(more_than_a_page(large_body)) - int(more_than_a_page(small_body))
    assert large == small + extra, f"{path}: {small} queries for 1, {large} for 30"
    return small_body, large_body


@pytest.mark.parametrize("persona", ["trust_person", "partner_org_member", "owner"])
def test_the_meetings_list_does_not_grow_with_meetings_or_members(world, group, persona):
    if persona == "partner_org_member":
        GroupMember.objects.create(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=world.nav)
    _small, large = compare(world, group, persona, "/api/v1/meetings/?group={group}", lambda b: b["count"])
    assert large["count"] == 30 and {m["chair_name"] for m in large["results"]} == {
        world.trust_person.display_name, world.deputy.display_name}
    assert all(m["minutes"] for m in large["results"])


@pytest.mark.parametrize("persona", ["trust_person", "owner"])
def test_the_minutes_list_does_not_grow_with_minutes_or_agenda_points(world, group, persona):
    _small, large = compare(world, group, persona, "/api/v1/minutes/", lambda b: b["count"])
    assert large["count"] == 30 and len(large["results"][0]["point_notes"]) == 30


def test_the_minutes_do_not_grow_with_agenda_points(world, group):
    _small, large = compare(world, group, "trust_person", "/api/v1/minutes/{minutes}/",
                            lambda b: len(b["agenda"]))
    assert len(large["agenda"]) == 30 and len(large["point_notes"]) == 30


@pytest.mark.parametrize("persona", ["trust_person", "owner"])
def test_the_action_item_list_does_not_grow_with_items_or_members(world, group, persona):
    _small, large = compare(world, group, persona, "/api/v1/action-items/", lambda b: b["count"])
    assert large["count"] == 30
    assert {"organisation", "user", "coordinator"} <= {i["responsible_kind"] for i in large["results"]}
    assert any(i["is_overdue"] for i in large["results"])


def test_the_mine_and_overdue_filters_do_not_grow_either(world, group):
    compare(world, group, "owner", "/api/v1/action-items/?mine=true&overdue=true")


def test_the_member_list_does_not_grow_with_members(world, group):
    _small, large = compare(world, group, "trust_person", "/api/v1/group-members/?group={group}",
                            lambda b: b["count"])
    assert large["count"] == 32


def test_the_attendance_list_does_not_grow_with_members_or_meetings(world, group):
    _small, large = compare(world, group, "trust_person", "/api/v1/attendance/", lambda b: b["count"])
    assert large["count"] == 30 * 32 and len(large["results"]) == 50
