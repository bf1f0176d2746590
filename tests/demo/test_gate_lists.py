"""In a request the gate reads a non-leader's small id sets once and filters on lists
(``access.ids``); the rows it lets through must be exactly those of the sub-query form, for every demo login and
every resource behind the gate, for viewing and for changing."""

from __future__ import annotations

import pytest
from django.apps import apps

from demo import core as demo
from koordinator import access
from koordinator.models import User

pytestmark = pytest.mark.django_db

GATED = sorted(
    (model for model in apps.get_models()
     if getattr(model._default_manager.get_queryset(), "gate_name", None) in access.POLICIES),
    key=lambda m: m._meta.label,
)
LOGINS = [login.username for login in demo.all_logins()]


def visible(user: User) -> dict[tuple[str, str], set[int]]:
    access.forget(user)
    return {
        (model._meta.label, action): set(model.objects.for_user(user, action).values_list("pk", flat=True))
        for model in GATED
        for action in access.ACTIONS
    }


def test_every_gated_model_is_checked():
    assert len(GATED) >= 25, [m._meta.label for m in GATED]


@pytest.mark.parametrize("username", LOGINS)
def test_lists_and_sub_queries_let_through_the_same_rows(username):
    user = User.objects.get(username=username)
    plain = visible(user)
    with access.request_scope():
        listed = visible(user)
        lists = access._lists_ids(access.actor_for(user))
    assert listed == plain
    # The lists are really used for everyone but the leaders (who keep the municipality sub-query).
    assert lists == (not access.actor_for(user).leader_municipality_ids)
    assert any(plain.values()) or username in ("admin", "legevakt1")  # legevakt: only after stating a reason


def test_a_trust_persons_policy_is_a_list_in_a_request_and_a_sub_query_outside():
    from koordinator.models import FollowUp

    user = User.objects.get(username="tillit1")
    with access.request_scope():
        listed = str(FollowUp.objects.for_user(user).query)
    nested = str(FollowUp.objects.for_user(user).query)
    assert listed.count("SELECT") == 1 and nested.count("SELECT") > 1
    # A leader's cases are the municipality, one indexed condition: never a list of the municipality's cases.
    leader = User.objects.get(username="leder")
    with access.request_scope():
        sql = str(FollowUp.objects.for_user(leader).query)
    assert '"koordinator_followup"."municipality_id" IN' in sql
    assert '"koordinator_followup"."id" IN' not in sql and sql.count("SELECT") == 1
