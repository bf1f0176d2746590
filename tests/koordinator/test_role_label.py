"""The access log's description of the reader («Tillitsperson, Oppfølgingstjenesten …») is read with the reader's
roles (``access.actor_for``), not by a query of its own on every page (issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koordinator import access
from koordinator.models import Membership

pytestmark = pytest.mark.django_db


def written_out(user) -> str:
    """As the log described a reader before: each membership's role and organisation, in the memberships' order."""
    return "; ".join(
        f"{m.get_role_display()}, {m.organisation.name}"
        for m in Membership.objects.filter(user_id=user.pk).select_related("organisation")
    )


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "owner"])
def test_the_role_label_is_the_memberships_and_costs_no_query_once_the_roles_are_read(world, persona):
    user = world.persona(persona)
    access.forget(user)
    access.actor_for(user)
    with CaptureQueriesContext(connection) as queries:
        label = access.role_label(user)
    assert len(queries) == 0
    assert label == written_out(user)
    if persona != "owner":
        assert label  # staff and partners are described


def test_a_new_membership_shows_once_the_roles_are_read_again(world):
    user = world.trust_person
    access.forget(user)
    before = access.role_label(user)
    Membership.objects.create(user=user, organisation=world.nav, role=Membership.Role.PARTNER)
    access.forget(user)
    after = access.role_label(user)
    assert after != before and after == written_out(user)
