"""The front page sends each role to its own home."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator.models import Membership
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("trust_person", "worklist"),
        ("deputy", "worklist"),
        ("leader", "leader_overview"),
        ("partner_valid", "partner_home"),
        ("partner_none", "partner_home"),
        ("owner", "my_page"),
        ("admin", "admin:index"),
    ],
)
def test_each_role_lands_on_its_own_home(client, world, persona, target):
    login(client, world.persona(persona))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_a_trust_person_who_is_also_a_leader_lands_on_the_worklist(client, world):
    f.MembershipFactory(user=world.trust_person, organisation=world.unit, role=Membership.Role.LEADER)
    login(client, world.trust_person)
    assert client.get(HOME).url == reverse("worklist")


def test_a_partner_who_is_also_a_service_user_lands_on_the_partner_home(client, world):
    f.MembershipFactory(user=world.owner, organisation=world.nav, role=Membership.Role.PARTNER)
    login(client, world.owner)
    assert client.get(HOME).url == reverse("partner_home")


def test_a_superuser_without_memberships_lands_in_the_admin(client, db):
    login(client, f.UserFactory(username="rot", is_superuser=True, is_staff=True))
    assert client.get(HOME).url == reverse("admin:index")


def test_a_user_with_no_role_gets_a_friendly_page_not_an_error(client, db):
    login(client, f.UserFactory(username="ny_ansatt"))
    response = client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Du har ikke tilgang ennå" in html
    assert "Ta kontakt med lederen" in html
    # Still a full page: navigation with log-out, so they are not stuck.
    assert 'action="/logg-ut/"' in html


def test_home_refuses_post(client, world):
    login(client, world.owner)
    assert client.post(HOME).status_code == 405
