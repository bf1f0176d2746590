"""A superuser's account in the Django admin (issue 13 review): only a superuser changes it or its password. The
administrator role (``Membership.Role.ADMIN``, not a superuser) may see it, without its password hash, and every
way of changing it answers 403: the account's page, its password page and a revert from its history."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from koordinator.models import User
from tests import factories as f
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Et-helt-nytt-passord-2026"


@pytest.fixture
def root(db):
    user = f.UserFactory(username="rot", first_name="Rut", is_superuser=True, is_staff=True)
    user.first_name = "Rot"
    user.save()  # a second version in the history
    return user


def change_url(user) -> str:
    return reverse("admin:koordinator_user_change", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def history_url(user) -> str:
    version = user.history.order_by("history_id").first()
    return reverse("admin:koordinator_user_simple_history", args=[user.pk, version.history_id])


def account_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": "",
        "title": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "sign_in_identities-TOTAL_FORMS": "0",
        "sign_in_identities-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_administrator_role_sees_a_superusers_account_but_cannot_change_it(client, world, root):
    login(client, world.admin)
    page = client.get(change_url(root))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="first_name"' not in html
    assert root.password not in html  # never the hash, not even read-only
    assert not re.search(r'<a class="button" href="[^"]*password', html)  # no button to a page that says 403

    response = client.post(change_url(root), account_data(root, first_name="Kapret", is_active=""))
    assert response.status_code == 403
    root.refresh_from_db()
    assert (root.first_name, root.is_active, root.is_superuser) == ("Rot", True, True)


def test_the_administrator_role_cannot_set_a_superusers_password(client, world, root):
    login(client, world.admin)
    assert client.get(password_url(root)).status_code == 403
    response = client.post(
        password_url(root), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert check_password(PASSWORD, root.password) and not check_password(NEW_PASSWORD, root.password)


def test_the_administrator_role_cannot_revert_a_superusers_account_from_its_history(client, world, root):
    login(client, world.admin)
    page = client.get(history_url(root))
    assert page.status_code == 200
    html = page.content.decode()
    assert root.password not in html
    assert not re.search(r'<a class="button" href="[^"]*password', html)
    response = client.post(history_url(root), account_data(root, first_name="Rut", _change_history="1"))
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.first_name == "Rot"


def test_a_superuser_still_changes_another_superuser_and_its_password(client, root):
    other = f.UserFactory(username="rot2", is_superuser=True, is_staff=True)
    login(client, other)
    html = client.get(change_url(root)).content.decode()
    assert 'name="_save"' in html and f'href="{password_url(root)}"' in html
    response = client.post(
        password_url(root), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    root.refresh_from_db()
    assert check_password(NEW_PASSWORD, root.password)


def test_the_administrator_role_still_changes_other_accounts_and_their_passwords(client, world):
    login(client, world.admin)
    account = world.partner_valid
    html = client.get(change_url(account)).content.decode()
    assert 'name="_save"' in html and f'href="{password_url(account)}"' in html
    response = client.post(
        password_url(account), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert check_password(NEW_PASSWORD, User.objects.get(pk=account.pk).password)
