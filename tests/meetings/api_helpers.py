"""Small helpers shared by the meetings API tests (plain functions; the fixtures are in ``conftest.py``)."""

from __future__ import annotations

from rest_framework.test import APIClient

from meetings import services
from meetings.models import ActionItem, GroupMember, Meeting, Minutes
from tests.conftest import login
from tests.meetings.conftest import days


def client_for(user) -> APIClient:
    return login(APIClient(), user)


def ready_minutes(world, minutes: Minutes) -> Minutes:
    """The minutes with a situation, marked ready by the coordinator."""
    minutes = services.write_minutes(world.trust_person, minutes, minutes.version, situation="Bor i egen leilighet.")
    return services.mark_minutes_ready(world.trust_person, minutes)


def action_item(world, meeting: Meeting, responsible: GroupMember, *, what: str = "Søke bostøtte",
                due_in: int = 14) -> ActionItem:
    return services.add_action_item(world.trust_person, meeting, what=what, responsible=responsible,
                                    due_on=days(due_in))
