"""The user's own pages speak to them (issue 12, item 8): «Hjemme hos deg», not «Hjemme hos brukeren»; no «API» in
who has seen my data; and one answer to «who do I contact now» on Min side when the trust person is away."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator import access, followup_log, services
from koordinator.models import Absence, AccessEvent, FollowUp, FollowUpEntry
from tests.conftest import login

pytestmark = pytest.mark.django_db


def main_text(response) -> str:
    html = response.content.decode()
    return re.sub(r" ([.,:])", r"\1",
                  " ".join(re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")]).split()))


def test_my_log_says_hjemme_hos_deg_not_hjemme_hos_brukeren(client, world):
    now = timezone.now() - datetime.timedelta(hours=2)
    followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.HOME_VISIT, started_at=now,
                              place="Hjemme hos brukeren", note="Vi så på posten.")
    followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.CONVERSATION,
                              started_at=now - datetime.timedelta(days=1), place="hjemme hos brukeren")
    followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.CONVERSATION,
                              started_at=now - datetime.timedelta(days=2), place="Kafé Ni Muser")
    page = main_text(login(client, world.owner).get(reverse("my_log")))
    assert "brukeren" not in page.lower()
    assert "Besøk hjemme hos deg, 30 minutter." in page  # the kind says where; no «Sted» to repeat it
    assert "Sted: Hjemme hos deg." in page and "Sted: Kafé Ni Muser." in page


def test_my_log_says_hjemme_hos_deg_where_staff_wrote_my_name(client, world):
    """The demo's and the staff's own way of writing it: «Hjemme hos Kari» is «Hjemme hos deg» to Kari."""
    person = world.case.service_user
    now = timezone.now() - datetime.timedelta(hours=2)
    followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.NOT_MET, started_at=now,
                              place=f"Hjemme hos {person.first_name}", note="Ingen åpnet.")
    followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.HOME_VISIT,
                              started_at=now - datetime.timedelta(days=1), place=f"hjemme hos {person.full_name}")
    page = main_text(login(client, world.owner).get(reverse("my_log")))
    assert f"Hjemme hos {person.first_name}".lower() not in page.lower()
    assert "Sted: Hjemme hos deg." in page
    assert "Besøk hjemme hos deg, 30 minutter." in page


def test_who_has_seen_my_data_says_another_system_not_api(client, world):
    access.record_access(world.partner_valid, [world.owner_su], "Oppfølgingssaken", AccessEvent.Channel.API)
    page = main_text(login(client, world.owner).get(reverse("my_access_log")))
    assert "Fra et annet fagsystem" in page
    assert "API" not in page


def test_a_paused_case_with_the_trust_person_away_never_sends_me_to_them(client, world):
    """bruker4 in the demo: the case is paused, the trust person off sick, the deputy covers. Min side named the
    deputy under «Kontakten din nå» and, in the case's note, said «Du kan ta kontakt med <the trust person>»."""
    world.trust_person.phone = "+4790000010"
    world.trust_person.save()
    services.change_status(world.trust_person, world.case, FollowUp.Status.DORMANT)
    today = timezone.localdate()
    Absence.objects.create(person=world.trust_person, kind="sykmelding", starts_on=today, ends_on=today,
                           registered_by=world.leader)
    response = login(client, world.owner).get(reverse("my_page"))
    page = main_text(response)
    trust_person, deputy = world.trust_person.display_name, world.deputy.display_name
    assert f"Kontakt {deputy}" in page
    assert f"ta kontakt med {trust_person}" not in page
    html = response.content.decode()
    assert 'href="tel:+4790000010"' not in html  # the one who is away is not offered as someone to call
    assert f"{trust_person} Borte til og med {today:%d.%m.%Y}" in page
