"""The Django admin and the national identity number (issue 13): no service users (so no number) anywhere in it; on
an account's page the administrator links a staff log-in («Koble til innlogging for ansatte»: the value the staff
provider sends, e.g. the employee's ``pid``) and sees the linked ones with a number masked."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from koordinator.models import Membership, ServiceUser, SignInIdentity
from tests.conftest import login

pytestmark = pytest.mark.django_db

SIGRID = "11848025730"  # tillit1's test-person number in demo/sign_in_persons.json


def change_url(user) -> str:
    return reverse("admin:koordinator_user_change", args=[user.pk])


def test_service_users_and_their_numbers_are_not_in_the_admin(client, world):
    assert not admin.site.is_registered(ServiceUser)
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="14838841385")
    login(client, world.admin)
    for url in (
        reverse("admin:index"),
        reverse("admin:koordinator_user_changelist"),
        change_url(world.owner),
    ):
        page = client.get(url).content.decode()
        assert "14838841385" not in page and "148388" not in page and "national_id" not in page


def test_a_linked_staff_log_in_is_shown_masked(client, world):
    SignInIdentity.objects.create(
        user=world.trust_person, provider=SignInIdentity.Provider.STAFF, subject=SIGRID
    )
    page = login(client, world.admin).get(change_url(world.trust_person)).content.decode()
    assert "118480 *****" in page and "Innlogging for ansatte" in page
    assert SIGRID not in page


def test_an_identity_that_is_not_a_number_is_shown_as_it_is(client, world):
    SignInIdentity.objects.create(
        user=world.trust_person, provider=SignInIdentity.Provider.STAFF, subject="3f2b9c1e-entra-oid"
    )
    page = login(client, world.admin).get(change_url(world.trust_person)).content.decode()
    assert "3f2b9c1e-entra-oid" in page


def form_data(client, user) -> dict:
    """Every field the account's admin page posts, as it shows them (hidden management forms included)."""
    page = client.get(change_url(user)).content.decode()
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or re.search(r'type="(submit|checkbox)"', tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for select in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        data[select[0]] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    data["is_active"] = "on"
    return data


def test_the_administrator_links_a_staff_log_in(client, world):
    login(client, world.admin)
    data = form_data(client, world.trust_person)
    new = next(name for name in data if name.endswith("-0-subject"))
    prefix = new.removesuffix("-0-subject")
    data[new] = "118480 257 30"
    data[f"{prefix}-0-provider"] = SignInIdentity.Provider.STAFF
    response = client.post(change_url(world.trust_person), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    identity = SignInIdentity.objects.get(user=world.trust_person)
    assert (identity.provider, identity.subject) == (SignInIdentity.Provider.STAFF, SIGRID)
    assert identity.history.count() == 1
    # The membership is kept.
    assert Membership.objects.filter(user=world.trust_person, role=Membership.Role.TRUST_PERSON).exists()


def test_only_the_staff_provider_is_offered(client, world):
    page = login(client, world.admin).get(change_url(world.trust_person)).content.decode()
    box = page.split("Koble til innlogging for ansatte", 1)[1]
    assert 'value="staff"' in box and 'value="citizen"' not in box


def test_a_new_account_page_asks_only_for_roles(client, world):
    page = login(client, world.admin).get(reverse("admin:koordinator_user_add")).content.decode()
    assert "sign_in_identities" not in page


def test_only_a_superuser_links_a_log_in_to_a_superusers_account(client, world):
    """A log-in linked to a superuser's account lets whoever holds it in as that superuser, past the account's own
    second factor: the administrator role may not (it may not make anyone a superuser either); a superuser may."""
    from tests import factories as f

    root = f.UserFactory(username="rot", is_superuser=True, is_staff=True)
    login(client, world.admin)
    prefix = next(name for name in form_data(client, world.trust_person) if name.endswith("-0-subject"))
    prefix = prefix.removesuffix("-0-subject")
    page = client.get(change_url(root)).content.decode()
    assert "Koble til innlogging for ansatte" not in page
    data = form_data(client, root)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-provider": SignInIdentity.Provider.STAFF,
            f"{prefix}-0-subject": SIGRID,
        }
    )
    client.post(change_url(root), data)
    assert not SignInIdentity.objects.filter(user=root).exists()

    client.logout()
    login(client, root)
    assert "Koble til innlogging for ansatte" in client.get(change_url(root)).content.decode()
