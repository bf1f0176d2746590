"""The database keeps the rules even if a service is bypassed, and every model has history."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Comment,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from tests.meetings.conftest import days, later

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("model", [Group, GroupMember, Meeting, Attendance, AgendaItem, Minutes, MinutesRead, Comment,
                                   ActionItem])
def test_every_model_has_history(model):
    assert hasattr(model, "history")


def test_one_open_group_per_case_and_a_reason_for_pausing(world, group):
    assert refused(lambda: Group.objects.create(follow_up=world.case))
    assert refused(lambda: Group.objects.filter(pk=group.pk).update(status="paused"))
    Group.objects.filter(pk=group.pk).update(status="closed", status_reason="Ferdig")
    assert Group.objects.create(follow_up=world.case).pk


def test_a_member_points_at_what_its_kind_says(world, group):
    assert refused(lambda: GroupMember.objects.create(group=group, kind="person"))
    assert refused(lambda: GroupMember.objects.create(group=group, kind="organisation"))
    assert refused(lambda: GroupMember.objects.create(group=group, kind="user", person=world.owner))
    assert refused(lambda: GroupMember.objects.create(group=group, kind="user"))  # the group has its user


def test_attendance_once_per_member_and_meeting(world, held_meeting, user_member):
    Attendance.objects.create(meeting=held_meeting, member=user_member, status="present")
    assert refused(lambda: Attendance.objects.create(meeting=held_meeting, member=user_member, status="absent"))


def test_an_action_items_closing_date_matches_its_status(world, held_meeting, user_member):
    def make(**kw):
        return lambda: ActionItem.objects.create(group=held_meeting.group, meeting=held_meeting, what="x",
                                                 responsible=user_member, due_on=days(3), **kw)
    assert refused(make(status="done"))
    assert refused(make(closed_on=days(0)))
    assert make(status="done", closed_on=days(0))().pk


def test_minutes_rules(world, held_meeting):
    assert refused(lambda: Minutes.objects.create(meeting=held_meeting, status="ready"))
    assert refused(lambda: Minutes.objects.create(meeting=held_meeting, version=0))
    minutes = Minutes.objects.create(meeting=held_meeting)
    assert minutes.etag == f'"minutes-{minutes.pk}-v1"'
    assert refused(lambda: Minutes.objects.create(meeting=held_meeting))


def test_a_cancelled_meeting_has_a_time_and_plain_words(world, group):
    assert refused(lambda: Meeting.objects.create(group=group, starts_at=later(1), place="office", status="cancelled"))
    meeting = Meeting.objects.create(group=group, starts_at=later(1, hour=14), place="user_home",
                                     place_detail="Storgata 1")
    assert meeting.place_for_user == "hjemme hos deg: Storgata 1"
    assert meeting.place_text == "Hjemme hos brukeren: Storgata 1"
    assert str(meeting).endswith("kl. 14.00")
    assert str(group) == "Ansvarsgruppe for Kari Nordmann"


@pytest.mark.parametrize(
    "model, gate_name",
    [(Group, "meeting_groups"), (GroupMember, "group_members"), (Meeting, "meetings"),
     (Attendance, "meeting_attendance"), (AgendaItem, "agenda_items"), (Minutes, "minutes"),
     (MinutesRead, "minutes_reads"), (Comment, "minutes_comments"), (ActionItem, "action_items")],
)
def test_every_model_is_behind_the_gate(model, gate_name):
    from koordinator.access import POLICIES

    assert model.objects.all().gate_name == gate_name
    assert gate_name in POLICIES
