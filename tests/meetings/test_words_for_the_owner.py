"""The meeting page speaks to the user it is about (issue 12, item 8): their own points and words are «Det du sa», not
«Brukerens ord fra Kari Nordmann»; the minutes show no version numbers to them (staff keep them)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings import services
from tests.conftest import login

pytestmark = pytest.mark.django_db


def main_text(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html[html.index("<main"):html.index("</main>")]).split())


def test_the_users_own_point_is_det_du_sa_for_them_and_brukerens_ord_for_staff(client, world, meeting):
    services.propose_agenda_item(world.owner, meeting, title="Jeg vil snakke om boligen")
    page = main_text(login(client, world.owner).get(reverse("meeting_detail", args=[meeting.pk])))
    assert "Det du sa Jeg vil snakke om boligen" in page
    assert "Brukerens ord" not in page and f"fra {world.owner_su.full_name}" not in page
    assert "Det du vil snakke om, står først." in page and "Brukerens egne punkter" not in page
    staff = main_text(login(client, world.trust_person).get(reverse("meeting_detail", args=[meeting.pk])))
    assert f"Brukerens ord fra {world.owner_su.full_name}" in staff


def test_the_minutes_show_the_user_their_words_and_no_version_numbers(client, world, minutes):
    minutes = services.write_minutes(world.trust_person, minutes, minutes.version, situation="Det går bedre.",
                                     user_words="Jeg sover bedre nå.")
    services.mark_minutes_ready(world.trust_person, minutes, based_on_version=minutes.version)
    minutes.refresh_from_db()
    services.approve_minutes(world.owner, minutes, based_on_version=minutes.version)
    url = reverse("meeting_detail", args=[minutes.meeting_id])
    page = main_text(login(client, world.owner).get(url))
    assert "Det du sa Jeg sover bedre nå." in page
    assert "Du har godkjent det" in page and "Du godkjente referatet" in page
    assert not re.search(r"[Vv]ersjon \d", page), page
    staff = main_text(login(client, world.trust_person).get(url))
    assert "Brukerens ord Jeg sover bedre nå." in staff and re.search(r"Versjon \d", staff)


def test_the_group_page_tells_the_user_the_minutes_state_in_their_words(client, world, minutes):
    minutes = services.write_minutes(world.trust_person, minutes, minutes.version, situation="Det går bedre.")
    services.mark_minutes_ready(world.trust_person, minutes, based_on_version=minutes.version)
    minutes.refresh_from_db()
    services.approve_minutes(world.owner, minutes, based_on_version=minutes.version)
    url = reverse("group_detail", args=[minutes.meeting.group_id])
    page = main_text(login(client, world.owner).get(url))
    assert "Referat: Du har godkjent det" in page and "Godkjent av brukeren" not in page
    staff = main_text(login(client, world.trust_person).get(url))
    assert "Referat: Godkjent av brukeren" in staff
