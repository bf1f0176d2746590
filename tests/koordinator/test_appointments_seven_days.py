"""«Mine avtaler» shows the next seven days, not the rest of a calendar week (issue 12, item 4).

On a Sunday evening a trust person saw nothing although she had a meeting on Monday at 10:00. The worker's page,
the worklist's box, the user's Min side and the meetings on the worklist now show seven days from today, with a
«Neste uke» link (``?fra=YYYY-MM-DD``; a bad value shows the default, never an error page).
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import Appointment
from koordinator.timeutil import at
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.conftest import login

pytestmark = pytest.mark.django_db
SUNDAY = datetime.date(2026, 12, 6)
MONDAY = SUNDAY + datetime.timedelta(days=1)
NEXT_SUNDAY = SUNDAY + datetime.timedelta(days=7)


@pytest.fixture(params=[(22, 30), (23, 55)], ids=["22.30", "23.55"])
def sunday_evening(request):
    hour, minute = request.param
    with time_machine.travel(at(SUNDAY, hour, minute), tick=False) as traveller:
        yield traveller


def appointment(world, when, about):
    return Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person, starts_at=when,
        place="office", about=about, created_by=world.trust_person,
    )


@pytest.fixture
def monday_meeting(world, sunday_evening):
    return appointment(world, at(MONDAY, 10), "Møte mandag")


def main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def test_on_sunday_evening_the_worker_sees_mondays_meeting(client, world, monday_meeting):
    page = main(login(client, world.trust_person).get(reverse("appointments")))
    assert "Møte mandag" in page and "07.12.2026 kl. 10.00" in page
    assert "Ingen avtaler de neste seks dagene." not in page


def test_on_sunday_evening_the_worklist_box_has_mondays_meeting(client, world, monday_meeting):
    response = login(client, world.trust_person).get(reverse("worklist"))
    assert response.context["worklist"].coming == [monday_meeting]
    box = main(response)
    box = box[box.index('id="i-dag"'):box.index('id="mine-saker"')]
    assert "I morgen kl. 10.00" in box and "Møte mandag" in box


def test_on_sunday_evening_the_user_sees_mondays_meeting_on_min_side(client, world, monday_meeting):
    page = main(login(client, world.owner).get(reverse("my_page")))
    mine = page[page.index('id="avtaler-tittel"'):]
    assert "I morgen kl. 10.00" in mine


def test_seven_days_today_included_and_the_next_seven_one_click_away(client, world, sunday_evening):
    appointment(world, at(SUNDAY, 9), "I dag tidlig")  # today's stay all day
    appointment(world, at(SUNDAY + datetime.timedelta(days=6), 15), "Lørdag")
    appointment(world, at(NEXT_SUNDAY, 10), "Søndag om en uke")
    login(client, world.trust_person)
    first = main(client.get(reverse("appointments")))
    assert "I dag tidlig" in first and "Lørdag" in first and "Søndag om en uke" not in first
    next_week = f'{reverse("appointments")}?fra={NEXT_SUNDAY.isoformat()}'
    assert f'href="{next_week}"' in first and "Neste uke" in first
    second = main(client.get(next_week))
    assert "Søndag om en uke" in second and "Lørdag" not in second and "I dag tidlig" not in second
    assert f'href="{reverse("appointments")}"' in second and "Forrige uke" in second
    # The user's Min side the same way.
    login(client, world.owner)
    mine = main(client.get(reverse("my_page")))
    assert "Søndag om en uke" not in mine
    assert f'?fra={NEXT_SUNDAY.isoformat()}#avtaler-tittel' in mine
    assert "Søndag om en uke" in main(client.get(reverse("my_page"), {"fra": NEXT_SUNDAY.isoformat()}))


@pytest.mark.parametrize("bad", ["2026-13-45", "i morgen", "9999-12-31", "2026-12-01", "0001-01-01", "2026-12-07x",
                                 "99999999999999999999", ""])
def test_a_bad_fra_shows_the_default_never_an_error(client, world, monday_meeting, bad):
    login(client, world.trust_person)
    response = client.get(reverse("appointments"), {"fra": bad})
    assert response.status_code == 200
    assert response.context["days"].first == SUNDAY and "Møte mandag" in main(response)
    login(client, world.owner)
    response = client.get(reverse("my_page"), {"fra": bad})
    assert response.status_code == 200 and "I morgen kl. 10.00" in main(response)


def test_on_sunday_evening_mondays_group_meeting_is_on_the_worklist_and_min_side(client, world, sunday_evening):
    group = meeting_services.create_group(world.trust_person, world.case)
    with time_machine.travel(at(SUNDAY, 12), tick=False):
        meeting_services.schedule_meeting(world.trust_person, group, starts_at=at(MONDAY, 10),
                                          place=Meeting.Place.OFFICE)
    worklist = main(login(client, world.trust_person).get(reverse("worklist")))
    assert "møte i ansvarsgruppen 07.12.2026 kl. 10.00" in worklist
    assert "07.12.2026" in main(login(client, world.owner).get(reverse("my_page")))
