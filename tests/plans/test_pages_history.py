"""«Min fremgang», the plan's timeline, restoring a version, and the links from Min side."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator.models import AccessEvent
from plans import services
from plans.models import Step
from tests.conftest import login
from tests.plans import factories as pf
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


# --- Min side ---------------------------------------------------------------------------------------------------


def test_min_side_links_to_my_plan_and_my_progress(client, world, plan):
    login(client, world.owner)
    page = client.get(reverse("my_page")).content.decode()
    assert reverse("my_plan") in page and reverse("my_progress") in page
    response = client.get(reverse("my_plan"))
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert client.get(reverse("my_progress"))["Location"] == reverse("plan_progress", args=[plan.pk])


def test_my_plan_says_so_kindly_when_there_is_none(client, world):
    page = login(client, world.owner).get(reverse("my_plan")).content.decode()
    assert "Du har ingen individuell plan ennå" in page


def test_my_plan_does_not_exist_for_staff(client, world):
    assert login(client, world.trust_person).get(reverse("my_plan")).status_code == 404


# --- Min fremgang -------------------------------------------------------------------------------------------------


def test_my_progress_shows_a_bar_a_month_with_its_number_and_this_month_in_words(client, world, plan, goal):
    today = timezone.localdate()
    pf.StepFactory(goal=goal, what="Ringte NAV", status=Step.Status.DONE, closed_on=today)
    pf.StepFactory(goal=goal, what="Gikk tur", status=Step.Status.DONE, closed_on=today)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    pf.StepFactory(goal=goal, what="Gammelt", status=Step.Status.DONE, closed_on=last)
    login(client, world.owner)
    response = client.get(reverse("plan_progress", args=[plan.pk]))
    page = response.content.decode()
    assert "Dette har du fått til denne måneden" in page
    assert "Ringte NAV" in page and "Gikk tur" in page and "Gammelt" not in page.split("per-maned")[0]
    assert page.count('class="bar-chart__count"') == 12
    assert 'bar-chart__bar--100' in page and 'bar-chart__bar--50' in page
    assert '<span class="bar-chart__count">2</span>' in page
    assert "<script" not in page
    assert not AccessEvent.objects.exists()


def test_progress_viewed_by_staff_is_an_access_event(client, world, plan):
    assert login(client, world.trust_person).get(reverse("plan_progress", args=[plan.pk])).status_code == 200
    assert AccessEvent.objects.filter(service_user=world.owner_su).count() == 1


def test_progress_is_404_for_outsiders_and_refuses_post(client, world, plan):
    assert login(client, world.partner_none).get(reverse("plan_progress", args=[plan.pk])).status_code == 404
    assert login(client, world.owner).post(reverse("plan_progress", args=[plan.pk])).status_code == 405


# --- timeline and restore -----------------------------------------------------------------------------------------


def test_the_timeline_shows_who_when_and_what(client, world, plan, goal):
    page = login(client, world.trust_person).get(reverse("plan_timeline", args=[plan.pk])).content.decode()
    assert "Mål lagt til: Egen leilighet" in page and "Planen er opprettet" in page
    assert world.trust_person.display_name in page
    assert AccessEvent.objects.filter(service_user=world.owner_su).count() == 1


def test_staff_restore_an_earlier_version_as_a_new_version(client, world, plan):
    login(client, world.trust_person)
    old = plan.version
    services.update_plan(world.trust_person, plan, old, own_words="Noe helt annet")
    plan = fresh(plan)
    record = plan.history.filter(version=old).order_by("-history_id").first()
    page = client.get(reverse("plan_timeline", args=[plan.pk])).content.decode()
    restore = reverse("plan_restore", args=[plan.pk, record.history_id])
    assert restore in page and "Gjenopprett denne versjonen" in page
    assert "Jeg vil ha min egen leilighet." in client.get(restore).content.decode()
    # Without confirming nothing happens.
    response = client.post(restore, {"version": plan.version})
    assert "Kryss av for å bekrefte." in response.content.decode()
    assert fresh(plan).own_words == "Noe helt annet"
    before = plan.version
    response = client.post(restore, {"version": before, "confirm": "on"})
    assert response.status_code == 302
    restored = fresh(plan)
    assert restored.own_words == "Jeg vil ha min egen leilighet." and restored.version == before + 1


def test_a_restore_from_a_stale_page_is_refused(client, world, plan):
    old = plan.version
    services.update_plan(world.trust_person, plan, old, own_words="Nytt")
    plan = fresh(plan)
    record = plan.history.filter(version=old).order_by("-history_id").first()
    response = login(client, world.trust_person).post(reverse("plan_restore", args=[plan.pk, record.history_id]),
                                                      {"version": old, "confirm": "on"})
    assert response.status_code == 200 and "mens du skrev" in response.content.decode()
    assert fresh(plan).own_words == "Nytt"


def test_the_owner_sees_the_timeline_but_may_not_restore(client, world, plan):
    login(client, world.owner)
    page = client.get(reverse("plan_timeline", args=[plan.pk])).content.decode()
    assert "Gjenopprett denne versjonen" not in page
    record = plan.history.first()
    assert client.post(reverse("plan_restore", args=[plan.pk, record.history_id]),
                       {"version": plan.version, "confirm": "on"}).status_code == 403


def test_restore_of_an_unknown_version_is_404_and_outsiders_get_404(client, world, plan):
    assert login(client, world.trust_person).get(reverse("plan_restore", args=[plan.pk, 999999])).status_code == 404
    record = plan.history.first()
    assert login(client, world.other_trust_person).get(
        reverse("plan_restore", args=[plan.pk, record.history_id])).status_code == 404


def test_the_timeline_refuses_post(client, world, plan):
    assert login(client, world.trust_person).post(reverse("plan_timeline", args=[plan.pk])).status_code == 405
