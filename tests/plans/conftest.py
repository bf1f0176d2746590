"""Fixtures for the plans tests: an active plan for the world's case, made through the services."""

from __future__ import annotations

import datetime

import pytest

from koordinator.models import Membership, Organisation
from plans import services
from plans.crisis import services as crisis_services
from plans.models import LifeArea, Plan
from tests import factories as f


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


# --- crisis plans (issue 5): a crisis plan for the world's owner, and an emergency service (legevakt) --------------

CRISIS_BIRTH_DATE = datetime.date(1985, 3, 14)


@pytest.fixture
def crisis_plan(world):
    world.owner_su.birth_date = CRISIS_BIRTH_DATE
    world.owner_su.save()
    plan = crisis_services.create_crisis_plan(
        world.trust_person, world.owner_su,
        warning_signs="Jeg sover dårlig og slutter å svare på telefonen.",
        what_helps="Å gå en tur med søsteren min.",
        how_to_meet_me="Rolig, uten mange folk.",
        self_help="Jeg ringer Eva.",
    )
    crisis_services.add_contact(world.trust_person, plan, name="Eva Nordmann", role="søster", phone="900 00 001",
                                reachable=["evening", "weekend"])
    crisis_services.add_contact(world.trust_person, plan, name="DPS akutteam", role="spesialisthelsetjenesten",
                                phone="+4773000111", reachable=["office", "evening", "night", "weekend"])
    plan.refresh_from_db()
    return plan


@pytest.fixture
def legevakt(world) -> Organisation:
    return f.OrganisationFactory(name="Trondheim legevakt", kind=Organisation.Kind.EMERGENCY,
                                 municipality=world.municipality, duty_phone="")


@pytest.fixture
def emergency_member(legevakt):
    user = f.UserFactory(username="legevakt_lege", first_name="Line", last_name="Øien")
    f.MembershipFactory(user=user, organisation=legevakt, role=Membership.Role.PARTNER)
    return user


def grow_crisis_plan(world, crisis_plan, n: int) -> None:
    """Give the crisis plan ``n`` contacts and ``n`` sign-offs (for query budgets: 1 vs 30)."""
    from django.utils import timezone

    from plans.models import CrisisContact, CrisisSignOff

    CrisisContact.objects.filter(crisis_plan=crisis_plan).delete()
    CrisisSignOff.objects.filter(crisis_plan=crisis_plan).delete()
    CrisisContact.objects.bulk_create([
        CrisisContact(crisis_plan=crisis_plan, order=i, name=f"Kontakt {i}", phone="+4790000001",
                      reachable_night=True)
        for i in range(n)
    ])
    CrisisSignOff.objects.bulk_create([
        CrisisSignOff(crisis_plan=crisis_plan, person=world.deputy, name=f"Person {i}", role="Tillitsperson",
                      how=CrisisSignOff.How.APP, signed_on=timezone.localdate(), plan_version=i % 3 + 1,
                      recorded_by=world.deputy)
        for i in range(n)
    ])
