"""The gate's querysets, asserted directly (the HTTP matrix is in test_permission_matrix.py)."""

from __future__ import annotations

import pytest

from koordinator.models import FollowUp, NextOfKin, ServiceUser

pytestmark = pytest.mark.django_db


def visible(model, user):
    return set(model.objects.for_user(user).values_list("pk", flat=True))


def test_trust_person_sees_own_case_but_not_a_colleagues(world):
    assert visible(FollowUp, world.trust_person) == {world.case.pk}
    assert visible(ServiceUser, world.trust_person) == {world.owner_su.pk}


def test_leader_sees_own_municipality_only(world):
    assert visible(FollowUp, world.leader) == {world.case.pk, world.other_case.pk}
    assert visible(FollowUp, world.other_leader) == set()


def test_partner_sees_only_with_valid_consent(world):
    assert visible(ServiceUser, world.partner_valid) == {world.owner_su.pk}
    assert visible(ServiceUser, world.partner_org_member) == {world.owner_su.pk}
    for partner in (world.partner_none, world.partner_expired, world.partner_withdrawn):
        assert visible(ServiceUser, partner) == set()


def test_partner_never_sees_restricted_next_of_kin(world):
    assert visible(NextOfKin, world.partner_valid) == {world.next_of_kin.pk}
    assert visible(NextOfKin, world.partner_wrong_scope) == set()


def test_admin_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (world.admin, AnonymousUser()):
        assert visible(ServiceUser, user) == set()
        assert visible(FollowUp, user) == set()


def test_change_is_narrower_than_view(world):
    assert ServiceUser.objects.for_user(world.partner_valid, "change").count() == 0
    assert ServiceUser.objects.for_user(world.owner, "change").get() == world.owner_su
    assert ServiceUser.objects.for_user(world.owner, "delete").count() == 0
