"""One request, one build of each piece of the gate (``access.per_request``): reused within the request until something
is written, rebuilt in the next request, never shared between people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator import access
from koordinator.models import FollowUp
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def visible_cases(user) -> set[int]:
    return set(FollowUp.objects.for_user(user).values_list("pk", flat=True))


def test_within_a_request_each_policy_is_built_once_until_something_is_written(world):
    actor = access.actor_for(world.trust_person)
    policy = access.POLICIES["follow_ups"]
    with access.request_scope():
        first = access._policy_q(policy, "follow_ups", actor, access.VIEW)
        assert access._policy_q(policy, "follow_ups", actor, access.VIEW) is first
        assert visible_cases(world.trust_person) == {world.case.pk}
        # A write in the request (a new case for her) drops what was built: the lists are read again.
        new = f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person,
                                service_user=f.ServiceUserFactory(municipality=world.municipality))
        assert access._policy_q(policy, "follow_ups", actor, access.VIEW) is not first
        assert visible_cases(world.trust_person) == {world.case.pk, new.pk}
        # …and so does a deletion: she is no longer on it.
        new.delete()
        assert visible_cases(world.trust_person) == {world.case.pk}
        # Another person in the same request gets their own.
        assert visible_cases(world.other_trust_person) == {world.other_case.pk}


def test_a_standing_deputy_set_in_the_request_sees_the_cases_at_once(world):
    from koordinator.models import DeputyArrangement

    world.case.deputy = None
    world.case.save()
    with access.request_scope():
        assert world.case.pk not in visible_cases(world.other_trust_person)
        DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                         unit=world.unit, set_by=world.leader)
        assert world.case.pk in visible_cases(world.other_trust_person)


def test_outside_a_request_nothing_is_kept(world):
    policy, actor = access.POLICIES["follow_ups"], access.actor_for(world.trust_person)
    assert access._policy_q(policy, "follow_ups", actor, access.VIEW) is not access._policy_q(
        policy, "follow_ups", actor, access.VIEW)


def test_a_query_set_piece_comes_back_as_a_fresh_clone(world):
    actor = access.actor_for(world.trust_person)
    with access.request_scope():
        one, two = access.valid_consents_to(actor), access.valid_consents_to(actor)
        assert one is not two and str(one.query) == str(two.query)
        list(one)  # evaluating one leaves the other lazy
        assert two._result_cache is None


def test_the_middleware_opens_a_scope_per_request(client, world, monkeypatch):
    asked, built = [], []
    real_restrict = access.restrict

    def counting_restrict(qs, gate_name, user, action=access.VIEW):
        # Every question asked twice in the request (the pages now ask each policy once; a page or a section that
        # asks again must find it built).
        asked.extend([(gate_name, action)] * 2)
        real_restrict(qs, gate_name, user, action)
        return real_restrict(qs, gate_name, user, action)

    for name, policy in list(access.POLICIES.items()):
        def counting(actor, action, name=name, policy=policy):
            built.append((name, action))
            return policy(actor, action)

        monkeypatch.setitem(access.POLICIES, name, counting)
    monkeypatch.setattr(access, "restrict", counting_restrict)
    login(client, world.trust_person)
    url = reverse("followup_detail", args=[world.case.pk])
    assert client.get(url).status_code == 200
    # Each policy is asked twice (above) and built once in the request.
    assert asked, "the page asked the gate nothing"
    assert sorted(built) == sorted(set(asked))
    first = sorted(built)
    built.clear()
    client.get(url)
    assert sorted(built) == first  # built again in the next request, not kept from the last
