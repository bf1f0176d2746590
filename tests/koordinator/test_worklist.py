"""Min arbeidsliste: today's appointments, the absences I cover, and my open cases, as primary and as deputy."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koordinator.models import Absence, Appointment, DeputyArrangement, FollowUp
from koordinator.phone import display_phone
from koordinator.timeutil import at
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("worklist")
MONDAY = datetime.date(2026, 11, 23)
TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def appointment(case, when, **extra) -> Appointment:
    data = {"follow_up": case, "service_user": case.service_user, "trust_person": case.trust_person,
            "starts_at": when, "place": Appointment.Place.HOME, "created_by": case.trust_person, **extra}
    return Appointment.objects.create(**data)


def away(world, person, first=MONDAY, days=3) -> Absence:
    return Absence.objects.create(person=person, kind="sykmelding", starts_on=first,
                                  ends_on=first + datetime.timedelta(days=days - 1), registered_by=world.leader)


def main(response) -> str:
    """The page without the site menu (which links to every page)."""
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def test_it_lists_my_cases_with_name_phone_status_and_start(client, world):
    response = login(client, world.trust_person).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kari Nordmann" in page
    assert reverse("service_user_detail", args=[world.owner_su.pk]) in page
    assert display_phone(world.owner_su.phone) in page
    assert "Aktiv" in page
    assert world.case.started_on.strftime("%d.%m.%Y") in page
    # A colleague's case is not on my list.
    assert "Ola Hansen" not in page


def test_it_lists_cases_where_i_am_deputy_separately(client, world):
    response = login(client, world.deputy).get(URL)
    worklist = response.context["worklist"]
    assert worklist.primary == []
    assert worklist.as_deputy == [world.case]
    assert "Kari Nordmann" in response.content.decode()


def test_it_hides_ended_cases_unless_asked(client, world):
    world.case.status = FollowUp.Status.ENDED
    world.case.save()
    login(client, world.trust_person)
    assert client.get(URL).context["worklist"].primary == []
    assert client.get(URL, {"avsluttede": "1"}).context["worklist"].primary == [world.case]


@pytest.mark.parametrize("persona", ["leader", "partner_valid", "owner", "admin"])
def test_it_is_a_404_for_anyone_but_a_trust_person(client, world, persona):
    assert login(client, world.persona(persona)).get(URL).status_code == 404


def test_it_sends_anonymous_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_post(client, world):
    assert login(client, world.trust_person).post(URL).status_code == 405


def _queries_for(client, user) -> int:
    login(client, user)
    client.get(URL)  # warm up the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_caseload(client, world, clock):
    def add_cases(n: int):
        for i in range(n):
            case = f.FollowUpFactory(unit=world.unit, trust_person=world.other_trust_person,
                                     deputy=world.trust_person,
                                     service_user=f.ServiceUserFactory(municipality=world.municipality))
            appointment(case, at(MONDAY, 8 + i % 12, 30),
                        original_trust_person=world.trust_person if i % 2 else None)
            appointment(case, at(TUESDAY, 9), trust_person=world.trust_person,  # not today: not listed
                        original_trust_person=world.other_trust_person)

    # A colleague of mine is away and I cover, so the handover part of the page runs as well.
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    world.case.deputy = None
    world.case.save()
    away(world, world.trust_person)
    appointment(world.other_case, at(MONDAY, 9), original_trust_person=world.trust_person)
    one = _queries_for(client, world.other_trust_person)  # one case of my own: other_case
    add_cases(29)
    thirty = _queries_for(client, world.other_trust_person)
    assert FollowUp.objects.filter(trust_person=world.other_trust_person).count() == 30
    response = client.get(URL)
    assert len(response.context["worklist"].today) == 30
    assert len(response.context["worklist"].covering) == 1
    assert one == thirty


# --- today, covering for a colleague, and the links to the continuity pages ------------------------------------


def test_the_box_lists_the_next_seven_days_live_appointments_where_i_meet_with_links_to_the_case(
    client, world, clock
):
    ten = appointment(world.case, at(MONDAY, 10), about="Hjemmebesøk")
    eight = appointment(world.case, at(MONDAY, 8))
    appointment(world.case, at(MONDAY, 12), status=Appointment.Status.CANCELLED, about="Avlyst besøk")
    tomorrow = appointment(world.case, at(TUESDAY, 10), about="Samtale i morgen")
    appointment(world.case, at(MONDAY + datetime.timedelta(days=7), 10), about="Om en uke")
    appointment(world.other_case, at(MONDAY, 11), about="Kollegaens avtale")
    response = login(client, world.trust_person).get(URL)
    assert response.context["worklist"].today == [eight, ten]
    assert response.context["worklist"].coming == [eight, ten, tomorrow]
    page = response.content.decode()
    box = page[page.index('id="i-dag"'):page.index('id="mine-saker"')]
    assert "I dag kl. 10.00" in box and "Hjemmebesøk" in box
    assert "I morgen kl. 10.00" in box and "Samtale i morgen" in box
    assert reverse("followup_detail", args=[world.case.pk]) in box
    assert f'{reverse("appointments")}?fra=2026-11-30' in box  # «Neste uke»
    for absent in ("Avlyst besøk", "Om en uke", "Kollegaens avtale"):
        assert absent not in page


def test_today_says_when_i_cover_for_an_absent_colleague(client, world, clock):
    appointment(world.case, at(MONDAY, 10), trust_person=world.deputy, original_trust_person=world.trust_person,
                status=Appointment.Status.COVERED)
    response = login(client, world.deputy).get(URL)
    assert len(response.context["worklist"].today) == 1
    assert f"Du dekker for {world.trust_person.display_name}" in response.content.decode()
    # The absent trust person no longer has it on their list.
    assert login(client, world.trust_person).get(URL).context["worklist"].today == []


def test_no_appointments_in_the_next_seven_days_says_so(client, world, clock):
    assert "Ingen avtaler de neste sju dagene." in login(client, world.trust_person).get(URL).content.decode()


def test_it_links_to_my_appointments_and_absences(client, world, clock):
    page = main(login(client, world.trust_person).get(URL))
    assert reverse("appointments") in page
    assert reverse("absences") in page
    assert reverse("handover") not in page  # I cover nobody


def test_it_links_to_the_handover_list_while_i_cover_for_someone(client, world, clock):
    away(world, world.trust_person, first=MONDAY + datetime.timedelta(days=3))  # starts within a week
    response = login(client, world.deputy).get(URL)
    assert [a.person for a in response.context["worklist"].covering] == [world.trust_person]
    page = main(response)
    assert reverse("handover") in page
    # It starts on Thursday: the page says from when, not as if it were now (issue 12, item 1 follow-up).
    assert f"Du blir stedfortreder fra 26.11 mens {world.trust_person.display_name} er borte, 26.11.2026" in page


def test_an_absence_more_than_a_week_ahead_gives_no_handover_link_yet(client, world, clock):
    away(world, world.trust_person, first=MONDAY + datetime.timedelta(days=10))
    response = login(client, world.deputy).get(URL)
    assert response.context["worklist"].covering == []
    assert reverse("handover") not in main(response)


def test_cases_where_i_am_the_standing_deputy_are_on_my_deputy_list_and_marked(client, world):
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=world.deputy,
                                     unit=world.unit, set_by=world.leader)
    response = login(client, world.deputy).get(URL)
    assert response.context["worklist"].as_deputy == [world.other_case, world.case]  # Hansen, Nordmann
    page = response.content.decode()
    assert f"fast stedfortreder for {world.other_trust_person.display_name}" in page
    # A case that names its own deputy is that deputy's, not the standing deputy's.
    world.other_case.deputy = world.trust_person
    world.other_case.save()
    assert login(client, world.deputy).get(URL).context["worklist"].as_deputy == [world.case]


@pytest.mark.parametrize("page", ["worklist", "handover"])
def test_query_count_does_not_grow_with_the_absences_i_cover(client, world, clock, page):
    """A colleague away, then six away at once (issue 11: about seven queries per absence before)."""

    def colleague_away():
        colleague = f.UserFactory()
        f.MembershipFactory(user=colleague, organisation=world.unit, role="trust_person")
        DeputyArrangement.objects.create(trust_person=colleague, deputy=world.deputy, unit=world.unit,
                                         set_by=world.leader)
        for _ in range(2):
            case = f.FollowUpFactory(unit=world.unit, trust_person=colleague,
                                     service_user=f.ServiceUserFactory(municipality=world.municipality))
            appointment(case, at(MONDAY, 11))
        away(world, colleague)

    def queries() -> tuple[int, int]:
        login(client, world.deputy)
        client.get(reverse(page))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(page))
        assert response.status_code == 200
        shown = response.context["worklist"].covering if page == "worklist" else response.context["handovers"]
        return len(ctx.captured_queries), len(shown)

    away(world, world.trust_person)  # the world's case: world.deputy is its deputy
    colleague_away()
    one, shown = queries()
    assert shown == 2
    for _ in range(5):
        colleague_away()
    six, shown = queries()
    assert shown == 7
    assert six == one, f"{one} queries covering 2 absences, {six} covering 7"
