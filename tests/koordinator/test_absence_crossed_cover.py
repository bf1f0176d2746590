"""Two trust persons who are each other's deputy (issue 12, item 1, follow-up): Jonas is on holiday and Sigrid covers
his users; then Sigrid is registered off sick in the same days.

Step two must name everyone left without cover (her own users whose deputy is Jonas, and Jonas's users she was to
cover), with the same rule as the leader's coverage page; say the truth about the appointment she took over from
Jonas; and the banner after saving says it once, naming the users. Jonas's users are told at once to call the duty
phone.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from koordinator import continuity
from koordinator.models import Absence, Appointment, DeputyArrangement, Notification
from koordinator.timeutil import at
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)  # Monday
FIRST, LAST = datetime.date(2026, 12, 14), datetime.date(2026, 12, 18)
TUESDAY = datetime.date(2026, 12, 15)


@pytest.fixture
def crossed(world):
    """world.trust_person («Sigrid») has world.deputy («Jonas») as the case's deputy; Jonas has two users of his own
    with Sigrid as his standing deputy, and is on holiday from next Monday for two weeks (Sigrid takes his visit)."""
    with time_machine.travel(at(TODAY, 9), tick=False):
        DeputyArrangement.objects.create(trust_person=world.deputy, deputy=world.trust_person, unit=world.unit,
                                         set_by=world.leader)
        jonas_cases = [
            f.FollowUpFactory(service_user=f.ServiceUserFactory(municipality=world.municipality, first_name=name,
                                                                last_name="Hansen"),
                              unit=world.unit, trust_person=world.deputy, deputy=None)
            for name in ("Ola", "Per")
        ]
        visit = Appointment.objects.create(
            follow_up=jonas_cases[0], service_user=jonas_cases[0].service_user, trust_person=world.deputy,
            starts_at=at(TUESDAY, 10), place="home", about="Hjemmebesøk", created_by=world.deputy,
        )
        continuity.register_absence(world.deputy, world.deputy, kind="ferie", starts_on=FIRST,
                                    ends_on=FIRST + datetime.timedelta(days=13))
        visit.refresh_from_db()
        assert (visit.status, visit.trust_person) == ("covered", world.trust_person)
        yield world, jonas_cases, visit


def step_one(world):
    return {"person": world.trust_person.pk, "kind": "sykmelding", "starts_on": FIRST.isoformat(),
            "ends_on": LAST.isoformat(), "note": ""}


def test_step_two_names_every_user_the_coverage_page_will_show(client, crossed):
    world, jonas_cases, _visit = crossed
    with time_machine.travel(at(TODAY, 9, 30), tick=False):
        login(client, world.leader)
        page = client.post(reverse("absence_register"), step_one(world)).content.decode()
        gaps = continuity.gaps_for_absence(world.trust_person, FIRST, LAST)
        # Her own user (deputy Jonas is away) and Jonas's two users she was to cover.
        assert {g.case for g in gaps} == {world.case, *jonas_cases}
        assert "3 brukere står uten dekning" in page
        for case in jonas_cases:
            assert case.service_user.full_name in page
        assert "får beskjed med en gang du lagrer om å ringe vakttelefonen" in page
        client.post(reverse("absence_register"), {**step_one(world), "confirm": "1",
                                                   **{k: "cancel" for k in _decisions(page)}})
        assert Absence.objects.filter(person=world.trust_person).exists()
        # The coverage page, by the same rule, shows the same users.
        report = continuity.coverage_gaps(world.leader)
        assert {case for case, _mine, _theirs in report.uncovered} == {g.case for g in gaps}


def _decisions(page: str) -> list[str]:
    import re

    return sorted(set(re.findall(r'name="(decision_\d+)"', page)))


def test_the_appointment_she_covers_for_jonas_says_who_is_away(client, crossed):
    world, _jonas_cases, visit = crossed
    with time_machine.travel(at(TODAY, 9, 30), tick=False):
        login(client, world.leader)
        page = client.post(reverse("absence_register"), step_one(world)).content.decode()
    sigrid, jonas = world.trust_person.display_name, world.deputy.display_name
    assert f"{jonas} er borte, og {sigrid} skulle dekke" in page
    assert f"Stedfortrederen {sigrid} er også borte" not in page


def test_saving_tells_jonas_users_at_once_and_says_the_gap_once_naming_them(client, crossed):
    world, jonas_cases, visit = crossed
    with time_machine.travel(at(TODAY, 9, 30), tick=False):
        login(client, world.leader)
        url = reverse("absence_register")
        client.post(url, step_one(world))
        response = client.post(url, {**step_one(world), "confirm": "1", f"decision_{visit.pk}": "cancel"},
                               follow=True)
    text = response.content.decode()
    assert text.count("Ingen dekning") == 1
    assert "også borte i perioden" not in text
    for case in (world.case, *jonas_cases):
        assert case.service_user.full_name in text
    for case in jonas_cases:
        told = Notification.objects.filter(recipient_service_user=case.service_user,
                                           body__contains="vakttelefonen")
        assert told.filter(body__contains=world.trust_person.display_name).exists(), case
    visit.refresh_from_db()
    assert visit.status == "cancelled"


def test_step_two_is_brought_into_view_with_step_one_summed_up(client, crossed):
    """On a phone, «Se hvem som blir berørt» reloaded the page at the top: the form now posts to #steg-2, the step's
    heading can take focus, and what was chosen in step one is summed up above the step."""
    world, _jonas_cases, _visit = crossed
    with time_machine.travel(at(TODAY, 9, 30), tick=False):
        login(client, world.leader)
        url = reverse("absence_register")
        assert f'action="{url}#steg-2"' in client.get(url).content.decode()
        page = client.post(url, step_one(world)).content.decode()
    # «Se på nytt» shows step two again, in view; saving goes to the plain address (the list has no fragment).
    assert f'formaction="{url}#steg-2"' in page and f'action="{url}"' in page
    heading = page.index('id="steg-2"')
    assert 'tabindex="-1"' in page[heading - 80:heading + 40]
    summary = page[heading:page.index("står uten dekning")]
    assert world.trust_person.display_name in summary and "Sykmelding" in summary
    assert "14.12.2026–18.12.2026" in summary
