"""The gate's common questions (``koordinator.access``): who works on a case, on a person, who owns, who leads.

Services, selectors and views ask these instead of computing their own copies.
"""

from __future__ import annotations

import pytest

from koordinator import access
from koordinator.models import FollowUp

pytestmark = pytest.mark.django_db


def test_case_staff_are_the_trust_person_the_deputy_and_the_leader(world):
    for person in (world.trust_person, world.deputy, world.leader):
        assert access.is_case_staff(person, world.case.pk), person
    for person in (world.other_trust_person, world.other_leader, world.owner, world.partner_valid, world.admin):
        assert not access.is_case_staff(person, world.case.pk), person
    assert not access.is_case_staff(world.trust_person, None)


def test_case_staff_stay_staff_of_an_ended_case_but_not_of_the_person(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    assert access.is_case_staff(world.trust_person, world.case.pk)
    assert not access.is_person_staff(world.trust_person, world.owner_su.pk)


def test_person_staff_work_on_an_open_case_of_the_person(world):
    assert access.is_person_staff(world.trust_person, world.owner_su.pk)
    assert access.is_person_staff(world.leader, world.owner_su.pk)
    assert not access.is_person_staff(world.other_trust_person, world.owner_su.pk)
    assert not access.is_person_staff(world.other_leader, world.owner_su.pk)


def test_the_owner_is_only_the_service_user_themselves(world):
    assert access.is_owner(world.owner, world.owner_su.pk)
    assert not access.is_owner(world.other_owner, world.owner_su.pk)
    assert not access.is_owner(world.trust_person, world.owner_su.pk)
    assert not access.is_owner(world.owner, None)


def test_a_leader_leads_their_own_municipality_only(world):
    assert access.leads(world.leader, world.municipality.pk)
    assert not access.leads(world.leader, world.other_municipality.pk)
    assert not access.leads(world.trust_person, world.municipality.pk)
    assert not access.leads(world.leader, None)
