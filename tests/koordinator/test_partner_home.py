"""The partner's home: the service users who have consented to this partner."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import services
from koordinator.models import AccessEvent, Consent, ServiceUser
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

PARTNER_HOME = reverse("partner_home")


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_anonymous_is_sent_to_login(client):
    response = client.get(PARTNER_HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["owner", "trust_person", "leader", "admin"])
def test_someone_without_a_partner_membership_gets_404(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(PARTNER_HOME).status_code == 404


def test_a_personal_consent_without_a_partner_membership_still_gets_404(client, world):
    # A consent to a plain account (say, a relative) does not make them a partner service.
    relative = f.UserFactory(username="parorende")
    f.ConsentFactory(owner=world.owner_su, grantee_user=relative, recorded_by=world.trust_person)
    login(client, relative)
    assert client.get(PARTNER_HOME).status_code == 404


def test_post_is_refused(client, world):
    login(client, world.partner_valid)
    assert client.post(PARTNER_HOME).status_code == 405


def test_partner_with_a_personal_consent_sees_the_user_what_and_until_when(client, world):
    login(client, world.partner_valid)
    response = client.get(PARTNER_HOME)
    page = main_of(response)
    assert response.status_code == 200
    assert "Mine brukere" in page
    assert "Kari Nordmann" in page
    assert f'href="{reverse("service_user_detail", args=[world.owner_su.pk])}"' in page
    assert "Individuell plan, Kriseplan, Ansvarsgruppe og møter, Oppfølging og kontaktlogg" in page
    assert world.consent_valid.valid_until.strftime("%d.%m.%Y") in page
    assert "(til deg)" in page


def test_a_member_of_a_service_sees_users_who_consented_to_the_service(client, world):
    login(client, world.partner_org_member)
    page = main_of(client.get(PARTNER_HOME))
    assert "Kari Nordmann" in page
    assert "til NAV Lerkendal" in page


def test_a_consent_with_one_scope_shows_only_that_scope(client, world):
    login(client, world.partner_wrong_scope)
    page = main_of(client.get(PARTNER_HOME))
    assert "Kari Nordmann" in page
    assert "Individuell plan" in page
    assert "Kriseplan" not in page


@pytest.mark.parametrize("persona", ["partner_none", "partner_expired", "partner_withdrawn"])
def test_partners_without_a_consent_in_force_see_nobody(client, world, persona):
    login(client, world.persona(persona))
    response = client.get(PARTNER_HOME)
    page = main_of(response)
    assert response.status_code == 200
    assert "Kari Nordmann" not in page
    assert "Ola Hansen" not in page
    assert "Ingen har gitt deg eller tjenesten din samtykke akkurat nå." in page


def test_a_consent_that_starts_later_is_not_shown_yet(client, world):
    f.ConsentFactory(
        owner=world.other_su,
        grantee_user=world.partner_none,
        recorded_by=world.other_trust_person,
        valid_from=timezone.localdate() + datetime.timedelta(days=3),
    )
    login(client, world.partner_none)
    assert "Ola Hansen" not in main_of(client.get(PARTNER_HOME))


def test_a_withdrawn_consent_disappears_on_the_next_request(client, world):
    login(client, world.partner_valid)
    assert "Kari Nordmann" in main_of(client.get(PARTNER_HOME))
    services.withdraw_consent(world.owner, world.consent_valid, "Vil ikke lenger")
    assert "Kari Nordmann" not in main_of(client.get(PARTNER_HOME))


def test_an_archived_service_user_is_not_listed(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(archived_at=timezone.now())
    login(client, world.partner_valid)
    assert "Kari Nordmann" not in main_of(client.get(PARTNER_HOME))


def test_the_owner_can_see_that_the_partner_saw_their_name(client, world):
    login(client, world.partner_valid)
    client.get(PARTNER_HOME)
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert event.actor == world.partner_valid
    assert event.channel == AccessEvent.Channel.WEB
    assert "Mine brukere" in event.what
    assert not AccessEvent.objects.filter(service_user=world.other_su).exists()


def test_a_user_with_two_consents_to_me_is_listed_once_with_both(client, world):
    f.ConsentFactory(
        owner=world.owner_su,
        grantee_organisation=world.nav,
        recorded_by=world.trust_person,
        scope_plan=False,
        scope_crisis_plan=False,
        scope_followup_log=False,
        scope_meetings=True,
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    login(client, world.partner_org_member)
    page = main_of(client.get(PARTNER_HOME))
    assert page.count("Kari Nordmann") == 1
    assert page.count("til NAV Lerkendal") == 2


def _consents_to(partner, world, n: int) -> None:
    for _ in range(n):
        su = f.ServiceUserFactory(municipality=world.municipality)
        f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
        f.ConsentFactory(owner=su, grantee_user=partner, recorded_by=world.trust_person)


def test_query_count_does_not_grow_with_the_number_of_users(client, world):
    partner = f.UserFactory(username="budsjett_partner")
    f.MembershipFactory(user=partner, organisation=world.nav, role="partner")
    _consents_to(partner, world, 1)
    login(client, partner)
    with CaptureQueriesContext(connection) as one:
        first = main_of(client.get(PARTNER_HOME))
    _consents_to(partner, world, 19)
    with CaptureQueriesContext(connection) as twenty:
        second = main_of(client.get(PARTNER_HOME))
    # Kari Nordmann comes through NAV's organisation consent in both runs.
    assert first.count("/brukere/") == 2
    assert second.count("/brukere/") == 21
    assert len(twenty) == len(one)
    assert Consent.objects.filter(grantee_user=partner).count() == 20
