"""The home of someone at an emergency service (legevakt1 in the demo, issue 12): the emergency-access action first,
no empty sections of a partner's work they do not do, and the emergency accesses still open, each with a link to the
crisis plan and when it ends."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koordinator.models import AccessEvent
from plans.crisis import services
from tests.conftest import login

pytestmark = pytest.mark.django_db

HOME = reverse("partner_home")
REASON = "Kom inn på legevakten i natt, vi trenger å vite hvem vi skal ringe."


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def test_the_emergency_action_comes_first_and_empty_sections_are_left_out(client, world, emergency_member):
    main = main_of(login(client, emergency_member).get(HOME))
    search = main.index(reverse("crisis_emergency_search"))
    headings = re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", main)
    assert headings[0] == "Nødtilgang og mine brukere"
    assert headings[1] == "Nødtilgang til kriseplan"
    assert search < main.index("Ingen har gitt deg")  # the action before the one short line about consents
    assert "Mine ansvarsgrupper" not in main and "Du har ingen åpne oppgaver" not in main
    assert "<table" not in main


def test_the_open_emergency_accesses_are_listed_with_a_link_and_when_they_end(client, world, emergency_member,
                                                                               crisis_plan, settings):
    settings.CRISIS_EMERGENCY_ACCESS_HOURS = 12
    grant = services.open_emergency_access(emergency_member, world.owner_su, REASON)
    login(client, emergency_member)
    main = main_of(client.get(HOME))
    ends = timezone.localtime(grant.expires_at).strftime("%d.%m.%Y kl. %H.%M")
    assert f'href="{crisis_plan.get_absolute_url()}"' in main
    assert "Kriseplanen til Kari Nordmann" in main and f"åpen til {ends}" in main
    assert client.get(crisis_plan.get_absolute_url()).status_code == 200  # the link opens
    assert AccessEvent.objects.filter(actor=emergency_member, service_user=world.owner_su,
                                      what="Nødtilgang som fortsatt er åpen, på «Mine brukere»").count() == 1
    with time_machine.travel(grant.expires_at + datetime.timedelta(minutes=1)):
        after = main_of(login(client, emergency_member).get(HOME))  # a new sign-in: the session has ended too
    assert "Kriseplanen til Kari Nordmann" not in after
    assert crisis_plan.get_absolute_url() not in after


def test_an_ordinary_partner_keeps_mine_brukere_and_the_groups(client, world):
    main = main_of(login(client, world.partner_valid).get(HOME))
    assert re.findall(r"<h1[^>]*>([^<]+)</h1>", main) == ["Mine brukere"]
    assert "Mine ansvarsgrupper" in main
    assert "Nødtilgang" not in main
