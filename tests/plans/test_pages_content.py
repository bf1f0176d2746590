"""Pages for goals, steps, the owner's suggestions and measures."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import Goal, Measure, Step
from tests.conftest import login
from tests.plans.helpers import fresh, notifications_to

pytestmark = pytest.mark.django_db


def iso(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# --- goals ------------------------------------------------------------------------------------------------------


def test_staff_add_a_goal_in_the_users_words(client, world, plan):
    login(client, world.trust_person)
    assert client.get(reverse("goal_create", args=[plan.pk])).status_code == 200
    response = client.post(reverse("goal_create", args=[plan.pk]),
                           {"life_area": "tannhelse", "text": "Fikse tennene", "in_users_words": "on"})
    goal = Goal.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"].endswith(f"#mal-{goal.pk}")
    assert goal.life_area == "tannhelse" and goal.in_users_words


def test_a_goal_without_text_or_area_is_a_clear_error_and_nothing_saved(client, world, plan):
    response = login(client, world.trust_person).post(reverse("goal_create", args=[plan.pk]), {})
    page = response.content.decode()
    assert "Velg et livsområde." in page and "Skriv målet" in page
    assert not Goal.objects.exists()


def test_staff_edit_and_archive_a_goal(client, world, goal):
    login(client, world.trust_person)
    client.post(reverse("goal_edit", args=[goal.pk]), {"life_area": "bolig", "text": "Min egen leilighet"})
    assert fresh(goal).text == "Min egen leilighet"
    assert client.get(reverse("goal_archive", args=[goal.pk])).status_code == 405
    client.post(reverse("goal_archive", args=[goal.pk]))
    assert fresh(goal).archived_at is not None


@pytest.mark.parametrize("persona", ["owner", "partner_valid"])
def test_the_owner_and_partners_may_not_add_or_edit_goals(client, world, plan, goal, persona):
    login(client, world.persona(persona))
    assert client.get(reverse("goal_create", args=[plan.pk])).status_code == 403
    assert client.post(reverse("goal_edit", args=[goal.pk]), {"life_area": "bolig", "text": "x"}).status_code == 403
    assert fresh(goal).text == "Egen leilighet"


def test_an_outsider_gets_404_for_goal_pages(client, world, plan, goal):
    login(client, world.other_trust_person)
    assert client.get(reverse("goal_create", args=[plan.pk])).status_code == 404
    assert client.get(reverse("goal_edit", args=[goal.pk])).status_code == 404
    assert client.post(reverse("goal_archive", args=[goal.pk])).status_code == 404


# --- steps ------------------------------------------------------------------------------------------------------


def test_the_step_form_defaults_the_due_date_to_four_weeks(client, world, goal):
    page = login(client, world.trust_person).get(reverse("step_create", args=[goal.pk])).content.decode()
    assert f'value="{iso(28)}"' in page


def test_staff_add_a_step_and_see_the_friendly_warning_for_a_long_one(client, world, goal):
    login(client, world.trust_person)
    response = client.post(reverse("step_create", args=[goal.pk]),
                           {"what": "Finne leilighet", "who_kind": "user", "due_on": iso(120)}, follow=True)
    step = Step.objects.get(goal=goal)
    assert step.due_on.isoformat() == iso(120)
    page = response.content.decode()
    assert "Delmålet er lagt til." in page
    assert "kanskje delmålet kan deles i to eller tre mindre?" in page


def test_a_step_for_a_partner_service_lists_only_the_plans_participants(client, world, goal, gp):
    page = login(client, world.trust_person).get(reverse("step_create", args=[goal.pk])).content.decode()
    assert world.nav.name in page  # NAV has an organisation consent with the plan scope
    assert world.partner_valid.display_name in page
    assert "DPS Nidaros" not in page and world.partner_none.display_name not in page
    client.post(reverse("step_create", args=[goal.pk]),
                {"what": "Time hos NAV", "who_kind": "organisation", "who_organisation": world.nav.pk,
                 "due_on": iso(14)})
    assert Step.objects.get(goal=goal).who_organisation == world.nav


def test_a_step_with_a_service_but_none_chosen_is_a_clear_error(client, world, goal):
    response = login(client, world.trust_person).post(
        reverse("step_create", args=[goal.pk]), {"what": "Time hos NAV", "who_kind": "organisation",
                                                 "due_on": iso(14)})
    assert "Velg hvilken tjeneste som gjør det." in response.content.decode()
    assert not Step.objects.exists()


def test_a_step_in_the_past_is_a_clear_error(client, world, goal):
    response = login(client, world.trust_person).post(
        reverse("step_create", args=[goal.pk]), {"what": "x", "who_kind": "user", "due_on": iso(-1)})
    assert "Fristen kan ikke være tilbake i tid." in response.content.decode()
    assert not Step.objects.exists()


def test_staff_edit_a_step_and_set_it_in_progress(client, world, users_step):
    login(client, world.trust_person)
    response = client.post(reverse("step_edit", args=[users_step.pk]),
                           {"what": "Ringe boligkontoret i dag", "who_kind": "user",
                            "due_on": users_step.due_on.isoformat(), "status": "in_progress"})
    assert response.status_code == 302
    step = fresh(users_step)
    assert step.what == "Ringe boligkontoret i dag" and step.status == "in_progress"


def test_the_owner_may_not_edit_a_step(client, world, users_step):
    login(client, world.owner)
    assert client.get(reverse("step_edit", args=[users_step.pk])).status_code == 403


def test_the_owner_marks_their_own_step_done_with_how_it_went(client, world, plan, users_step):
    login(client, world.owner)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "Jeg har gjort det" in page
    close = reverse("step_close", args=[users_step.pk])
    page = client.get(close).content.decode()
    assert "Hvordan gikk det?" in page and 'value="dropped"' not in page
    response = client.post(close, {"status": "done", "how_it_went": "Det gikk fint!"}, follow=True)
    assert "Bra jobba!" in response.content.decode()
    step = fresh(users_step)
    assert step.status == "done" and step.how_it_went == "Det gikk fint!"
    assert notifications_to(world.trust_person)


def test_the_owner_may_not_close_the_trust_persons_step(client, world, plan, trust_persons_step):
    login(client, world.owner)
    assert client.get(reverse("step_close", args=[trust_persons_step.pk])).status_code == 403
    assert client.post(reverse("step_close", args=[trust_persons_step.pk]), {"status": "done"}).status_code == 403
    assert fresh(trust_persons_step).status == "planned"


def test_the_owner_may_not_drop_a_step(client, world, users_step):
    response = login(client, world.owner).post(reverse("step_close", args=[users_step.pk]), {"status": "dropped"})
    assert response.status_code == 200 and "Velg et av alternativene" in response.content.decode()
    assert fresh(users_step).status == "planned"


def test_a_partner_gets_403_and_an_outsider_404_when_closing_a_step(client, world, users_step):
    assert login(client, world.partner_valid).post(reverse("step_close", args=[users_step.pk]),
                                                   {"status": "done"}).status_code == 403
    assert login(client, world.other_owner).post(reverse("step_close", args=[users_step.pk]),
                                                 {"status": "done"}).status_code == 404
    assert fresh(users_step).status == "planned"


def test_closing_a_closed_step_again_is_a_clear_error(client, world, users_step):
    login(client, world.trust_person)
    client.post(reverse("step_close", args=[users_step.pk]), {"status": "done"})
    response = client.post(reverse("step_close", args=[users_step.pk]), {"status": "not_done"})
    assert "Delmålet er allerede avsluttet." in response.content.decode()
    assert fresh(users_step).status == "done"


def test_staff_archive_a_step_with_post_only(client, world, users_step):
    login(client, world.trust_person)
    assert client.get(reverse("step_archive", args=[users_step.pk])).status_code == 405
    client.post(reverse("step_archive", args=[users_step.pk]))
    assert fresh(users_step).archived_at is not None


# --- the owner's suggestions -------------------------------------------------------------------------------------


def test_the_owner_suggests_a_step_and_staff_accept_it(client, world, plan, goal):
    login(client, world.owner)
    assert "Foreslå et nytt delmål" in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    response = client.post(reverse("step_suggest", args=[goal.pk]), {"what": "Se på leiligheter", "due_on": iso(14)})
    assert response.status_code == 302
    step = Step.objects.get(goal=goal)
    assert step.is_suggestion
    owner_page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "Forslagene dine som venter på svar" in owner_page
    # The partner does not see it.
    assert "Se på leiligheter" not in login(client, world.partner_valid).get(
        reverse("plan_detail", args=[plan.pk])).content.decode()
    login(client, world.trust_person)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "Forslag fra brukeren som venter på svar" in page and "Se på leiligheter" in page
    assert client.get(reverse("suggestion_accept", args=[step.pk])).status_code == 405
    client.post(reverse("suggestion_accept", args=[step.pk]))
    assert fresh(step).accepted


def test_staff_reject_a_suggestion_with_a_reply(client, world, goal):
    step, _ = services.suggest_step(world.owner, goal, what="Flytte til Oslo")
    login(client, world.trust_person)
    client.post(reverse("suggestion_reject", args=[step.pk]), {"reply": "La oss snakke om det."})
    step = fresh(step)
    assert step.rejected_at is not None and step.suggestion_reply == "La oss snakke om det."


def test_only_the_owner_suggests_and_only_staff_answer(client, world, goal):
    assert login(client, world.trust_person).get(reverse("step_suggest", args=[goal.pk])).status_code == 403
    assert login(client, world.partner_valid).get(reverse("step_suggest", args=[goal.pk])).status_code == 403
    step, _ = services.suggest_step(world.owner, goal, what="Flytte")
    assert login(client, world.owner).post(reverse("suggestion_accept", args=[step.pk])).status_code == 403
    assert login(client, world.other_trust_person).post(reverse("suggestion_accept", args=[step.pk])).status_code \
        == 404
    assert fresh(step).is_suggestion


def test_an_empty_suggestion_is_a_clear_error(client, world, goal):
    response = login(client, world.owner).post(reverse("step_suggest", args=[goal.pk]), {"due_on": iso(7)})
    assert "Skriv hva du vil gjøre." in response.content.decode()
    assert not Step.objects.exists()


# --- measures -------------------------------------------------------------------------------------------------


def test_staff_add_a_measure_with_a_decision(client, world, plan, gp):
    login(client, world.trust_person)
    page = client.get(reverse("measure_create", args=[plan.pk])).content.decode()
    assert "Et vedtak er en skriftlig avgjørelse" in page
    response = client.post(reverse("measure_create", args=[plan.pk]), {
        "service": "Støttekontakt", "responsible_organisation": gp.pk, "extent": "3 timer i uka",
        "decision_status": "granted", "applied_on": iso(-20), "decided_on": iso(-5)})
    assert response.status_code == 302
    measure = Measure.objects.get(plan=plan)
    assert measure.decision_status == "granted" and measure.needs_decision


def test_a_granted_measure_without_a_decision_date_is_a_clear_error(client, world, plan, gp):
    response = login(client, world.trust_person).post(reverse("measure_create", args=[plan.pk]), {
        "service": "Støttekontakt", "responsible_organisation": gp.pk, "decision_status": "granted"})
    assert "Skriv når vedtaket ble fattet." in response.content.decode()
    assert not Measure.objects.exists()


def test_staff_edit_a_measure(client, world, plan, gp):
    measure = services.add_measure(world.trust_person, plan, service="Hjelp med økonomi",
                                   responsible_organisation=gp)
    login(client, world.trust_person)
    client.post(reverse("measure_edit", args=[measure.pk]), {
        "service": "Hjelp med økonomi", "responsible_organisation": gp.pk, "needs_decision": "on",
        "decision_status": "applied", "applied_on": iso(-1)})
    measure = fresh(measure)
    assert measure.decision_status == "applied"


@pytest.mark.parametrize("persona", ["owner", "partner_valid"])
def test_the_owner_and_partners_may_not_change_measures(client, world, plan, gp, persona):
    measure = services.add_measure(world.trust_person, plan, service="Støttekontakt", responsible_organisation=gp)
    login(client, world.persona(persona))
    assert client.get(reverse("measure_create", args=[plan.pk])).status_code == 403
    assert client.post(reverse("measure_edit", args=[measure.pk]), {"service": "x"}).status_code == 403
    assert client.post(reverse("measure_archive", args=[measure.pk])).status_code == 403
    assert fresh(measure).service == "Støttekontakt"


def test_an_outsider_gets_404_for_measures(client, world, plan, gp):
    measure = services.add_measure(world.trust_person, plan, service="Støttekontakt", responsible_organisation=gp)
    login(client, world.partner_none)
    assert client.get(reverse("measure_edit", args=[measure.pk])).status_code == 404
