"""Fixtures for the plans tests: an active plan for the world's case, made through the services."""

from __future__ import annotations

import pytest

from koordinator.models import Membership
from plans import services
from plans.models import LifeArea, Plan


@pytest.fixture
def gp(world):
    """The GP office the world's personal consents name (partner_valid works there)."""
    return Membership.objects.get(user=world.partner_valid, role=Membership.Role.PARTNER).organisation


@pytest.fixture
def draft(world) -> Plan:
    return services.create_plan(world.trust_person, world.case, own_words="Jeg vil ha min egen leilighet.")


@pytest.fixture
def plan(world, draft) -> Plan:
    return services.activate_plan(world.trust_person, draft, consent_given_how="paper")


@pytest.fixture
def goal(world, plan):
    return services.add_goal(world.trust_person, plan, life_area=LifeArea.HOUSING, text="Egen leilighet")


@pytest.fixture
def users_step(world, goal):
    step, _ = services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    return step


@pytest.fixture
def trust_persons_step(world, goal):
    step, _ = services.add_step(world.trust_person, goal, what="Sende søknad", who_kind="trust_person")
    return step

