"""The plans' section of *Min arbeidsliste*: overdue revisions, overdue steps, suggestions, measures without a
decision — for the trust person's own cases only, in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import LifeArea, Plan, Step
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("worklist")


def section(response) -> str:
    page = response.content.decode()
    start = page.index('id="seksjon-planer"')
    return page[start:page.index("</section>", start)]


def past(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_nothing_waiting_says_so(client, world, plan):
    response = login(client, world.trust_person).get(URL)
    assert response.status_code == 200
    assert "Ingen planer venter på deg nå." in section(response)


def test_overdue_revision_and_step_show_with_the_word_not_only_colour(client, world, plan, goal, users_step):
    Plan.objects.filter(pk=plan.pk).update(next_revision_on=past(3))
    Step.objects.filter(pk=users_step.pk).update(due_on=past(5))
    html = section(login(client, world.trust_person).get(URL))
    assert f"Kari Nordmann: planen skulle vært revidert {past(3):%d.%m.%Y}" in html
    assert f"Kari Nordmann: delmålet «Ringe boligkontoret» hadde frist {past(5):%d.%m.%Y}" in html
    assert html.count("Forfalt") == 2
    assert reverse("plan_detail", args=[plan.pk]) in html


def test_a_suggestion_and_a_measure_without_decision_wait_for_the_trust_person(client, world, plan, goal):
    services.suggest_step(world.owner, goal, what="Gå tur hver dag")
    services.add_measure(world.trust_person, plan, service="Støttekontakt", responsible_organisation=world.nav,
                         needs_decision=True,
                         decision_status="applied", applied_on=past(10))
    html = section(login(client, world.trust_person).get(URL))
    assert "Kari Nordmann foreslår et nytt delmål: «Gå tur hver dag»" in html
    assert "Kari Nordmann: tiltaket «Støttekontakt» trenger vedtak" in html
    assert "Forfalt" not in html


def test_a_colleagues_plans_are_not_on_my_list(client, world, plan, goal, users_step):
    Plan.objects.filter(pk=plan.pk).update(next_revision_on=past(3))
    html = section(login(client, world.other_trust_person).get(URL))
    assert "Kari Nordmann" not in html


def test_the_section_takes_the_same_queries_for_one_or_thirty_plans(client, world, plan, goal, users_step):
    def count() -> int:
        client.force_login(world.trust_person)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx)

    Plan.objects.update(next_revision_on=past(2))
    Step.objects.update(due_on=past(2))
    one = count()
    for i in range(29):
        su = f.ServiceUserFactory(municipality=world.municipality)
        case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
        extra = services.activate_plan(world.trust_person, services.create_plan(world.trust_person, case),
                                       consent_given_how="paper")
        g = services.add_goal(world.trust_person, extra, life_area=LifeArea.WORK, text=f"Mål {i}")
        services.add_step(world.trust_person, g, what=f"Steg {i}")
        services.add_measure(world.trust_person, extra, service=f"Tiltak {i}", needs_decision=True,
                             responsible_organisation=world.nav,
                             decision_status="applied", applied_on=past(10))
    Plan.objects.update(next_revision_on=past(2))
    Step.objects.update(due_on=past(2))
    thirty = count()
    assert thirty == one
