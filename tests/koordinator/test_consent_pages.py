"""Consent recorded by staff, withdrawal with a confirm page, and the reusable consent list."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from koordinator.models import Consent, ServiceUser
from tests.conftest import login
from tests.relative_dates import FromToday, on_the_day

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def create_url(world):
    return reverse("consent_create", args=[world.owner_su.pk])


def withdraw_url(consent):
    return reverse("consent_withdraw", args=[consent.pk])


def consent_data(world, **overrides):
    data = {
        "given_how": "paper",
        "grantee_organisation": world.nav.pk,
        "scopes": ["plan", "meetings"],
        "valid_from": TODAY().isoformat(),
        "valid_until": (TODAY() + datetime.timedelta(days=365)).isoformat(),
        "note": "Signert i møte",
    }
    data.update(overrides)
    return data


# --- create -----------------------------------------------------------------------------------------------


def test_create_form_defaults_to_one_year_and_explains_the_scopes(client, world):
    response = login(client, world.trust_person).get(create_url(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["valid_from"] == TODAY()
    assert 365 <= (form.initial["valid_until"] - TODAY()).days <= 366
    assert "portal" not in dict(form.fields["given_how"].choices)
    page = response.content.decode()
    assert "Varseltegn, hva som hjelper" in page  # plain words under the crisis-plan checkbox
    # Only partner services and their people are offered, never follow-up units or service users.
    assert world.unit not in form.fields["grantee_organisation"].queryset
    assert world.owner not in form.fields["grantee_user"].queryset
    assert world.partner_valid in form.fields["grantee_user"].queryset
    assert f"{world.partner_valid.display_name} (Legesenteret)" in page  # people named with their service


def test_create_records_the_consent_and_returns_to_the_person(client, world):
    response = login(client, world.trust_person).post(create_url(world), consent_data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("service_user_detail", args=[world.owner_su.pk])
    consent = Consent.objects.latest("pk")
    assert consent.grantee_organisation == world.nav
    assert consent.scopes == ["plan", "meetings"]
    assert consent.given_how == Consent.GivenHow.PAPER
    assert consent.recorded_by == world.trust_person


def test_create_for_a_person_grantee(client, world):
    data = consent_data(world, grantee_organisation="", grantee_user=world.partner_none.pk, given_how="oral")
    assert login(client, world.trust_person).post(create_url(world), data).status_code == 302
    assert Consent.objects.latest("pk").grantee_user == world.partner_none


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_how": "portal"}, "given_how"),
        ({"given_how": ""}, "given_how"),
        ({"scopes": []}, "scopes"),
        ({"grantee_organisation": ""}, "grantee_organisation"),
        ({"grantee_user": "PARTNER"}, "grantee_organisation"),
        ({"valid_until": FromToday(-1)}, "valid_until"),
        ({"valid_until": "32.13.2026"}, "valid_until"),
    ],
    ids=["portal-by-staff", "no-how", "no-scope", "no-grantee", "both-grantees", "until-before-from", "bad-date"],
)
def test_create_bad_input_shows_an_error_and_saves_nothing(client, world, overrides, field):
    if overrides.get("grantee_user") == "PARTNER":
        overrides = {"grantee_user": world.partner_none.pk}
    before = Consent.objects.count()
    response = login(client, world.trust_person).post(create_url(world), consent_data(world, **on_the_day(overrides)))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "ds-error-summary" in response.content.decode()
    assert Consent.objects.count() == before


def test_create_sends_the_owner_to_their_own_consent_page(client, world):
    response = login(client, world.owner).get(create_url(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("my_consent_create")


@pytest.mark.parametrize("persona", ["partner_valid", "partner_org_member"])
def test_create_is_a_403_for_a_partner_who_sees_the_person(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(create_url(world)).status_code == 403
    assert client.post(create_url(world), consent_data(world)).status_code == 403


@pytest.mark.parametrize("persona", ["other_trust_person", "other_leader", "partner_none", "other_owner", "admin"])
def test_create_is_a_404_for_outsiders(client, world, persona):
    before = Consent.objects.count()
    assert login(client, world.persona(persona)).post(create_url(world), consent_data(world)).status_code == 404
    assert Consent.objects.count() == before


def test_create_refuses_put(client, world):
    assert login(client, world.trust_person).put(create_url(world)).status_code == 405


# --- withdraw ---------------------------------------------------------------------------------------------


def test_withdraw_asks_first_and_explains_the_effect(client, world):
    response = login(client, world.trust_person).get(withdraw_url(world.consent_org))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er du sikker?" in page
    assert "kan NAV Lerkendal ikke lenger se opplysningene" in page
    world.consent_org.refresh_from_db()
    assert world.consent_org.withdrawn_at is None


def test_staff_withdraw_and_the_partner_loses_access_at_once(client, world):
    detail = reverse("service_user_detail", args=[world.owner_su.pk])
    assert login(client, world.partner_valid).get(detail).status_code == 200
    response = login(client, world.trust_person).post(withdraw_url(world.consent_valid), {"reason": "Ønsket det"})
    assert response.status_code == 302
    assert response["Location"] == detail
    world.consent_valid.refresh_from_db()
    assert world.consent_valid.withdrawn_by == world.trust_person
    assert world.consent_valid.withdrawn_reason == "Ønsket det"
    assert login(client, world.partner_valid).get(detail).status_code == 404


def test_the_owner_withdraws_and_goes_back_to_my_page(client, world):
    response = login(client, world.owner).post(withdraw_url(world.consent_org))
    assert response.status_code == 302
    assert response["Location"] == reverse("my_page")
    world.consent_org.refresh_from_db()
    assert world.consent_org.withdrawn_by == world.owner


def test_withdraw_follows_a_safe_next_and_ignores_an_unsafe_one(client, world):
    login(client, world.trust_person)
    response = client.post(withdraw_url(world.consent_org), {"next": "/arbeidsliste/"})
    assert response["Location"] == "/arbeidsliste/"
    response = client.post(withdraw_url(world.consent_valid), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("service_user_detail", args=[world.owner_su.pk])


def test_withdrawing_twice_changes_nothing(client, world):
    login(client, world.trust_person)
    withdrawn_at = world.consent_withdrawn.withdrawn_at
    response = client.post(withdraw_url(world.consent_withdrawn), follow=True)
    assert response.status_code == 200
    assert any("allerede" in str(m) for m in response.context["messages"])
    world.consent_withdrawn.refresh_from_db()
    assert world.consent_withdrawn.withdrawn_at == withdrawn_at


@pytest.mark.parametrize("persona", ["partner_valid"])
def test_withdraw_is_a_403_for_the_partner_the_consent_names(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(withdraw_url(world.consent_valid)).status_code == 403
    assert client.post(withdraw_url(world.consent_valid)).status_code == 403
    world.consent_valid.refresh_from_db()
    assert world.consent_valid.withdrawn_at is None


@pytest.mark.parametrize("persona", ["other_trust_person", "other_leader", "partner_none", "partner_org_member",
                                     "other_owner", "admin"])
def test_withdraw_is_a_404_for_outsiders(client, world, persona):
    # NAV's member sees NAV's consent, but not the GP's personal consent.
    assert login(client, world.persona(persona)).post(withdraw_url(world.consent_valid)).status_code == 404
    world.consent_valid.refresh_from_db()
    assert world.consent_valid.withdrawn_at is None


def test_withdraw_refuses_put(client, world):
    assert login(client, world.trust_person).put(withdraw_url(world.consent_valid)).status_code == 405


# --- the consent list partial -----------------------------------------------------------------------------


def test_consent_list_shows_withdraw_links_only_where_it_makes_sense(world):
    consents = list(Consent.objects.filter(owner=world.owner_su))
    html = render_to_string("koordinator/partials/consent_list.html",
                            {"consents": consents, "can_withdraw": True, "next": "/min-side/"})
    assert withdraw_url(world.consent_valid) + "?next=/min-side/" in html
    assert withdraw_url(world.consent_expired) not in html
    assert withdraw_url(world.consent_withdrawn) not in html
    assert "Utløpt" in html and "Trukket tilbake" in html and "Gjelder" in html
    assert "Signert på papir" in html
    assert world.consent_valid.valid_until.strftime("%d.%m.%Y") in html

    read_only = render_to_string("koordinator/partials/consent_list.html",
                                 {"consents": consents, "can_withdraw": False})
    assert "trekk-tilbake" not in read_only


def test_consent_list_says_so_when_there_are_none(db):
    html = render_to_string("koordinator/partials/consent_list.html", {"consents": [], "can_withdraw": True})
    assert "Ingen samtykker" in html
    assert ServiceUser.objects.count() == 0
