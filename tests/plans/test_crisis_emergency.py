"""Emergency access to a crisis plan: refused without a reason (and nothing changes), works with one, is logged
with the reason, the owner and the trust person are told, it covers the crisis plan only, and it expires."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from koordinator import access
from koordinator.models import AccessEvent, FollowUp, Notification, ServiceUser
from koordinator.services import ServiceError
from plans.crisis import services
from plans.models import CrisisPlan, EmergencyAccess
from tests.conftest import login
from tests.plans.conftest import CRISIS_BIRTH_DATE
from tests.plans.helpers import notifications_to

pytestmark = pytest.mark.django_db

REASON = "Kom inn på legevakten i natt, vi trenger å vite hvem vi skal ringe."


def nothing_happened() -> bool:
    return not (EmergencyAccess.objects.exists() or AccessEvent.objects.exists() or Notification.objects.exists())


def visible(user, crisis_plan) -> bool:
    return CrisisPlan.objects.for_user(user).filter(pk=crisis_plan.pk).exists()


@pytest.fixture
def quiet(crisis_plan):
    """The crisis plan, with the outbox and the access log empty (the fixture's own writes cleared)."""
    Notification.objects.all().delete()
    AccessEvent.objects.all().delete()
    return crisis_plan


@pytest.mark.parametrize("reason", ["", "   ", "krise"])
def test_without_a_reason_it_is_refused_with_a_clear_error_and_nothing_changes(world, quiet, emergency_member,
                                                                                  reason):
    with pytest.raises(ServiceError) as caught:
        services.open_emergency_access(emergency_member, world.owner_su, reason)
    assert caught.value.field == "reason"
    assert "Skriv hvorfor du må se kriseplanen nå" in caught.value.message
    assert nothing_happened()
    assert not visible(emergency_member, quiet)


def test_with_a_reason_it_works_is_logged_and_the_owner_and_trust_person_are_told(world, quiet, emergency_member,
                                                                                     settings):
    settings.CRISIS_EMERGENCY_ACCESS_HOURS = 6
    assert not visible(emergency_member, quiet)
    grant = services.open_emergency_access(emergency_member, world.owner_su, REASON)
    assert grant.expires_at - grant.started_at == datetime.timedelta(hours=6)
    assert grant.organisation.name == "Trondheim legevakt"
    assert visible(emergency_member, quiet)
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert (event.actor, event.reason, event.what) == (emergency_member, REASON, "Kriseplan (nødtilgang)")
    assert "Trondheim legevakt" in event.actor_role
    [to_owner] = notifications_to(world.owner_su)
    assert to_owner.subject == "Legevakten har åpnet kriseplanen din"
    assert "Line Øien fra Trondheim legevakt" in to_owner.body and "Hvem har sett opplysningene mine" in to_owner.body
    [to_worker] = notifications_to(world.trust_person)
    assert to_worker.subject == "Nødtilgang til kriseplanen til Kari Nordmann"
    assert REASON in to_worker.body
    assert to_worker.channel == Notification.Channel.IN_APP


def test_the_grant_covers_the_crisis_plan_only(world, quiet, emergency_member):
    services.open_emergency_access(emergency_member, world.owner_su, REASON)
    assert visible(emergency_member, quiet)
    assert not ServiceUser.objects.for_user(emergency_member).filter(pk=world.owner_su.pk).exists()
    assert not FollowUp.objects.for_user(emergency_member).filter(pk=world.case.pk).exists()
    # Another user's crisis plan stays closed.
    other = services.create_crisis_plan(world.other_trust_person, world.other_su)
    assert not visible(emergency_member, other)


def test_the_grant_expires(world, quiet, emergency_member, settings):
    settings.CRISIS_EMERGENCY_ACCESS_HOURS = 12
    services.open_emergency_access(emergency_member, world.owner_su, REASON)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=11, minutes=59)):
        assert visible(emergency_member, quiet)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=1)):
        assert not visible(emergency_member, quiet)


def test_leaving_the_emergency_service_ends_the_grant(world, quiet, emergency_member):
    services.open_emergency_access(emergency_member, world.owner_su, REASON)
    emergency_member.memberships.all().delete()
    access.forget(emergency_member)
    assert not visible(emergency_member, quiet)


@pytest.mark.parametrize("persona", ["partner_valid", "trust_person", "owner", "partner_none"])
def test_only_members_of_an_emergency_service_may_break_the_glass(world, quiet, persona):
    with pytest.raises(PermissionDenied):
        services.open_emergency_access(world.persona(persona), world.owner_su, REASON)
    assert nothing_happened()


def test_a_user_without_a_crisis_plan_cannot_be_opened(world, emergency_member):
    with pytest.raises(ServiceError, match="Fant ingen kriseplan"):
        services.open_emergency_access(emergency_member, world.other_su, REASON)
    assert not EmergencyAccess.objects.exists()


# --- the search -----------------------------------------------------------------------------------------------------


def test_the_search_needs_the_whole_name_and_the_exact_birth_date(world, quiet, emergency_member):
    assert services.find_for_emergency(emergency_member, "  KARI   nordmann ", CRISIS_BIRTH_DATE) == [world.owner_su]
    assert services.find_for_emergency(emergency_member, "Kari", CRISIS_BIRTH_DATE) == []
    assert services.find_for_emergency(emergency_member, "Kari Nordmann",
                                       CRISIS_BIRTH_DATE + datetime.timedelta(days=1)) == []
    with pytest.raises(ServiceError, match="fødselsdatoen"):
        services.find_for_emergency(emergency_member, "Kari Nordmann", None)
    with pytest.raises(PermissionDenied):
        services.find_for_emergency(world.partner_valid, "Kari Nordmann", CRISIS_BIRTH_DATE)


def test_the_search_page_is_for_emergency_members_only(client, world, quiet, emergency_member):
    url = reverse("crisis_emergency_search")
    login(client, world.partner_valid)
    assert client.get(url).status_code == 404
    login(client, emergency_member)
    page = client.get(url, {"full_name": "Kari Nordmann", "birth_date": "1985-03-14"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Åpne kriseplanen til Kari Nordmann" in html
    assert '<label class="ds-label" for="grunn-' in html
    # Searching reads nothing of the plan and logs nothing; the reason form does.
    assert nothing_happened()


def test_the_reason_form_refuses_an_empty_reason_then_opens_the_plan_with_one(client, world, quiet, emergency_member):
    login(client, emergency_member)
    data = {"full_name": "Kari Nordmann", "birth_date": "1985-03-14", "service_user": world.owner_su.pk}
    refused = client.post(reverse("crisis_emergency_open"), {**data, "reason": ""})
    assert refused.status_code == 400
    assert "Skriv hvorfor du må se kriseplanen nå" in refused.content.decode()
    assert nothing_happened()
    assert client.get(reverse("crisis_plan_detail", args=[quiet.pk])).status_code == 404

    opened = client.post(reverse("crisis_emergency_open"), {**data, "reason": REASON})
    assert opened.status_code == 302 and opened["Location"] == reverse("crisis_plan_detail", args=[quiet.pk])
    page = client.get(opened["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Du ser kriseplanen med nødtilgang" in html and "Jeg sover dårlig" in html
    assert "Jeg har lest planen og er enig" not in html  # read-only
    # Each read is logged with the reason; the owner sees it in «Hvem har sett opplysningene mine».
    assert AccessEvent.objects.filter(service_user=world.owner_su, reason=REASON).count() == 2
    login(client, world.owner)
    log = client.get(reverse("my_access_log")).content.decode()
    assert "Line Øien" in log and REASON in log


def test_the_reason_form_cannot_open_someone_the_search_did_not_find(client, world, quiet, emergency_member):
    other = services.create_crisis_plan(world.other_trust_person, world.other_su)
    login(client, emergency_member)
    response = client.post(reverse("crisis_emergency_open"), {
        "full_name": "Kari Nordmann", "birth_date": "1985-03-14", "service_user": other.service_user_id,
        "reason": REASON})
    assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_the_partner_home_links_to_the_search_for_emergency_members_only(client, world, emergency_member):
    login(client, emergency_member)
    assert reverse("crisis_emergency_search") in client.get(reverse("partner_home")).content.decode()
    login(client, world.partner_valid)
    assert reverse("crisis_emergency_search") not in client.get(reverse("partner_home")).content.decode()
