"""«Min plan» on Min side: the owner's next steps (an overdue one gently), and what they did this month."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import Step
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("my_page")


def box(response) -> str:
    page = response.content.decode()
    start = page.index('id="min-plan-tittel"')
    return page[start:page.index("</section>", start)]


def test_without_a_plan_it_says_how_to_get_one(client, world):
    html = box(login(client, world.owner).get(URL))
    assert "Du har ingen individuell plan ennå." in html


def test_a_draft_is_explained(client, world, draft):
    assert "Planen din er et utkast." in box(login(client, world.owner).get(URL))


def test_the_next_open_steps_show_and_an_overdue_one_gently(client, world, goal):
    first, _ = services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    services.add_step(world.trust_person, goal, what="Hente post")
    Step.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    html = box(login(client, world.owner).get(URL))
    assert "Mine neste steg" in html
    assert "Ringe boligkontoret" in html and "Hente post" in html
    assert html.index("Ringe boligkontoret") < html.index("Hente post")
    assert "fristen har gått" in html
    # Gentle: no alarm tag for the owner.
    assert "Forsinket" not in html and "Forfalt" not in html


def test_a_step_done_this_month_is_praised(client, world, goal, users_step):
    services.close_step(world.owner, users_step, status=Step.Status.DONE, how_it_went="Det gikk fint")
    html = box(login(client, world.owner).get(URL))
    assert "Du har gjort 1 steg denne måneden. Bra jobba!" in html
    assert "Ringe boligkontoret" not in html


def test_another_users_plan_never_shows(client, world, goal, users_step):
    html = box(login(client, world.other_owner).get(URL))
    assert "Ringe boligkontoret" not in html
    assert "Du har ingen individuell plan ennå." in html
