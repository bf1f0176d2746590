"""Fixtures for the meetings tests: the world's case gets a responsibility group, made through the services.

``group`` has the user and the coordinator (always), the GP (``partner_valid``, a personal consent) and NAV Lerkendal
(an organisation consent, so ``partner_org_member`` acts for it). ``meeting`` is planned two days ahead;
``held_meeting`` took place a week ago and has started minutes.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from koordinator.models import Membership
from meetings import services
from meetings.models import Group, GroupMember, Meeting
from tests.plans.helpers import fresh, notifications_to  # noqa: F401  (re-exported for the meetings tests)


def later(days: int = 0, hours: int = 0, *, hour: int = 10) -> datetime.datetime:
    """An aware time ``days`` ahead at ``hour`` o'clock in Oslo (negative for the past)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())
    return moment + datetime.timedelta(hours=hours)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def move_to_past(meeting: Meeting, days_ago: int, hour: int = 10) -> Meeting:
    """Put a meeting planned through the services in the past (test set-up: no history row for this)."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=later(-days_ago, hour=hour))
    return fresh(meeting)


def past_meeting(actor, group: Group, days_ago: int, **kwargs) -> Meeting:
    meeting = services.schedule_meeting(actor, group, starts_at=later(1), place=Meeting.Place.OFFICE, **kwargs)
    return move_to_past(meeting, days_ago)


@pytest.fixture
def gp(world):
    """The GP office the world's personal consents name (partner_valid works there)."""
    return Membership.objects.get(user=world.partner_valid, role=Membership.Role.PARTNER).organisation


@pytest.fixture
def group(world) -> Group:
    return services.create_group(world.trust_person, world.case)


@pytest.fixture
def gp_member(world, group, gp) -> GroupMember:
    return services.add_member(world.trust_person, group, person=world.partner_valid, organisation=gp,
                               role="fastlege")


@pytest.fixture
def nav_member(world, group) -> GroupMember:
    return services.add_member(world.trust_person, group, organisation=world.nav, role="NAV-veileder")


@pytest.fixture
def user_member(group) -> GroupMember:
    return GroupMember.objects.get(group=group, kind=GroupMember.Kind.USER)


@pytest.fixture
def coordinator_member(group) -> GroupMember:
    return GroupMember.objects.get(group=group, kind=GroupMember.Kind.COORDINATOR)


@pytest.fixture
def meeting(world, group, gp_member, nav_member) -> Meeting:
    return services.schedule_meeting(world.trust_person, group, starts_at=later(2), place=Meeting.Place.USER_HOME,
                                     place_detail="Storgata 1")


@pytest.fixture
def held_meeting(world, group, gp_member, nav_member) -> Meeting:
    return past_meeting(world.trust_person, group, 7)


@pytest.fixture
def minutes(world, held_meeting):
    return services.start_minutes(world.trust_person, held_meeting)
