"""The case page's links to the plans app («Individuell plan», «Kriseplan»): a link is shown to someone only when it
opens for them, and the page behind it asks the same question (issue 12, item 5: a partner's case page linked to
«Kriseplan» without the crisis-plan consent, and the link answered 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator import services as core_services
from koordinator.models import FollowUp, Membership, Organisation
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def plan_url(world) -> str:
    return reverse("plan_for_case", args=[world.case.pk])


def crisis_url(world) -> str:
    return reverse("crisis_plan_for_user", args=[world.owner_su.pk])


def links_on_the_case_page(client, world) -> set[str]:
    page = client.get(reverse("followup_detail", args=[world.case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    return {url for url in (plan_url(world), crisis_url(world)) if f'href="{url}"' in html}


def opens(client, url: str) -> bool:
    return client.get(url, follow=True).status_code == 200


def assert_shown_exactly_where_it_opens(client, world) -> set[str]:
    shown = links_on_the_case_page(client, world)
    for url in (plan_url(world), crisis_url(world)):
        works = opens(client, url)
        assert (url in shown) == works, f"{url}: shown on the case page: {url in shown}; opens: {works}"
    return shown


@pytest.fixture
def log_only_partner(world):
    """A partner who sees the case and its log (follow-up-log scope) but neither the plan nor the crisis plan."""
    housing = f.OrganisationFactory(name="Boligkontoret", kind=Organisation.Kind.HOUSING, municipality=world.municipality)
    partner = f.UserFactory(username="partner_bare_logg")
    f.MembershipFactory(user=partner, organisation=housing, role=Membership.Role.PARTNER)
    f.ConsentFactory(owner=world.owner_su, grantee_user=partner, recorded_by=world.trust_person,
                     scope_plan=False, scope_crisis_plan=False, scope_meetings=False, scope_followup_log=True)
    return partner


def test_a_partner_without_the_crisis_plan_or_plan_scope_is_not_shown_links_that_would_not_open(
    client, world, crisis_plan, plan, log_only_partner
):
    login(client, log_only_partner)
    assert assert_shown_exactly_where_it_opens(client, world) == set()
    # Outside the plan's gate the page is a 404, whether or not there is a plan (not an empty «no plan» page).
    assert client.get(plan_url(world)).status_code == 404
    assert client.get(crisis_url(world)).status_code == 404


def test_a_partner_without_the_plan_scope_gets_404_where_there_is_no_plan_too(client, world, log_only_partner):
    login(client, log_only_partner)
    assert client.get(plan_url(world)).status_code == 404
    assert client.post(plan_url(world), {"own_words": "x", "version": 1}).status_code == 404


def test_a_partner_with_every_scope_is_shown_the_crisis_plan_only_while_there_is_one(client, world, plan):
    login(client, world.partner_valid)
    assert assert_shown_exactly_where_it_opens(client, world) == {plan_url(world)}  # no crisis plan yet
    from plans.crisis import services as crisis_services

    crisis_services.create_crisis_plan(world.trust_person, world.owner_su, warning_signs="Sover dårlig.")
    assert assert_shown_exactly_where_it_opens(client, world) == {plan_url(world), crisis_url(world)}


def test_staff_and_the_owner_are_shown_both_and_may_make_them(client, world):
    for person in (world.trust_person, world.leader, world.owner):
        login(client, person)
        assert assert_shown_exactly_where_it_opens(client, world) == {plan_url(world), crisis_url(world)}


def test_the_trust_person_of_an_ended_case_is_not_shown_a_crisis_plan_that_is_no_longer_theirs(
    client, world, crisis_plan
):
    core_services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    login(client, world.trust_person)
    # The plan of the ended case stays theirs to read; the person's crisis plan follows the person, not the case.
    assert assert_shown_exactly_where_it_opens(client, world) == {plan_url(world)}
