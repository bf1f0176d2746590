"""The plan page, creating a plan, its status, editing its texts and the conflict page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import access
from koordinator.models import AccessEvent, Consent
from plans import services
from plans.models import LifeArea, Measure, Plan, Step
from tests import factories as f
from tests.conftest import login
from tests.plans import factories as pf
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


def detail(plan) -> str:
    return reverse("plan_detail", args=[plan.pk])


# --- creating a plan from the case page -----------------------------------------------------------------------


def test_the_case_page_links_to_the_individual_plan(client, world):
    page = login(client, world.trust_person).get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    assert reverse("plan_for_case", args=[world.case.pk]) in page


def test_the_trust_person_creates_a_draft_plan_from_the_case(client, world):
    login(client, world.trust_person)
    url = reverse("plan_for_case", args=[world.case.pk])
    assert "Lag et utkast til plan" in client.get(url).content.decode()
    response = client.post(url, {"own_words": "Jeg vil bo for meg selv."})
    plan = Plan.objects.get(follow_up=world.case)
    assert response.status_code == 302 and response["Location"] == detail(plan)
    assert plan.status == Plan.Status.DRAFT and plan.own_words == "Jeg vil bo for meg selv."


def test_the_case_link_opens_the_current_plan_when_there_is_one(client, world, draft):
    response = login(client, world.trust_person).get(reverse("plan_for_case", args=[world.case.pk]))
    assert response.status_code == 302 and response["Location"] == detail(draft)


def test_a_plan_for_an_ended_case_is_a_clear_error_and_nothing_is_saved(client, world):
    world.case.status = "ended"
    world.case.ended_on = timezone.localdate()
    world.case.save()
    login(client, world.trust_person)
    response = client.post(reverse("plan_for_case", args=[world.case.pk]), {"own_words": "x"})
    assert response.status_code == 200
    assert "Oppfølgingen er avsluttet" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_owner_cannot_create_a_plan(client, world):
    login(client, world.owner)
    url = reverse("plan_for_case", args=[world.case.pk])
    assert "Lag et utkast" not in client.get(url).content.decode()
    assert client.post(url, {"own_words": "x"}).status_code == 403
    assert not Plan.objects.exists()


def test_an_outsider_gets_404_for_creating_a_plan(client, world):
    login(client, world.other_trust_person)
    assert client.get(reverse("plan_for_case", args=[world.case.pk])).status_code == 404
    assert client.post(reverse("plan_for_case", args=[world.case.pk]), {}).status_code == 404


def test_creating_a_plan_refuses_the_wrong_method(client, world):
    login(client, world.trust_person)
    assert client.put(reverse("plan_for_case", args=[world.case.pk])).status_code == 405


# --- the plan page --------------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_nine_points_in_order(client, world, plan, goal, users_step):
    page = login(client, world.trust_person).get(detail(plan)).content.decode()
    positions = [page.index(f"{n}. {title}") for n, title in
                 enumerate(["Mine mål, styrker og behov", "Hvem er med", "Hvem koordinerer",
                            "Hva hver enkelt bidrar med", "Tiltak: tjenestene jeg får",
                            "Hvordan tiltakene gjennomføres", "Planperiode og revisjon", "Samtykke",
                            "Samarbeid med andre tjenester"], start=1)]
    assert positions == sorted(positions)
    assert "Egen leilighet" in page and "Ringe boligkontoret" in page
    assert "med mine ord" in page
    assert "Jeg vil ha min egen leilighet." in page
    assert page.count("<h1") == 1


def test_goals_are_grouped_by_life_area(client, world, plan):
    services.add_goal(world.trust_person, plan, life_area=LifeArea.DENTAL_HEALTH, text="Fikse tennene")
    services.add_goal(world.trust_person, plan, life_area=LifeArea.HOUSING, text="Egen leilighet")
    page = login(client, world.owner).get(detail(plan)).content.decode()
    assert "Tannhelse" in page and "Bolig" in page
    assert page.index("Tannhelse") < page.index("Fikse tennene") < page.index("Bolig") < page.index("Egen leilighet")


def test_overdue_steps_are_highlighted_for_staff_and_gently_for_the_owner(client, world, plan, users_step):
    Step.objects.filter(pk=users_step.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    staff_page = login(client, world.trust_person).get(detail(plan)).content.decode()
    assert "Forsinket" in staff_page
    assert "Fristen har gått" not in staff_page
    owner_page = login(client, world.owner).get(detail(plan)).content.decode()
    assert "Fristen har gått – snakk med kontaktpersonen din om det" in owner_page
    assert "Forsinket" not in owner_page


def test_a_measure_missing_a_decision_is_flagged_for_staff_only(client, world, plan, gp):
    services.add_measure(world.trust_person, plan, service="Støttekontakt", responsible_organisation=gp,
                         needs_decision=True)
    staff_page = login(client, world.trust_person).get(detail(plan)).content.decode()
    assert "Mangler vedtak" in staff_page and "Trenger vedtak – ikke søkt ennå" in staff_page
    owner_page = login(client, world.owner).get(detail(plan)).content.decode()
    assert "Mangler vedtak" not in owner_page
    assert "Et vedtak er en skriftlig avgjørelse" in owner_page
    assert "Et tiltak er hjelp eller en tjeneste" in owner_page


def test_the_owner_sees_min_plan_without_an_access_event(client, world, plan):
    page = login(client, world.owner).get(detail(plan)).content.decode()
    assert "Min plan" in page
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "leader", "partner_valid", "partner_org_member"])
def test_every_view_by_someone_else_is_an_access_event(client, world, plan, persona):
    assert login(client, world.persona(persona)).get(detail(plan)).status_code == 200
    assert AccessEvent.objects.filter(service_user=world.owner_su, what="Individuell plan").count() == 1


@pytest.mark.parametrize("persona", ["other_trust_person", "other_owner", "partner_none", "partner_expired",
                                     "partner_withdrawn", "admin", "other_leader"])
def test_outsiders_get_404_on_the_plan_page(client, world, plan, persona):
    assert login(client, world.persona(persona)).get(detail(plan)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_a_partner_whose_consent_lacks_the_plan_scope_gets_404(client, world, plan):
    partner = f.UserFactory(username="uten_plan")
    f.MembershipFactory(user=partner, organisation=world.unit.__class__.objects.get(name="DPS Nidaros"),
                        role="partner")
    f.ConsentFactory(owner=world.owner_su, grantee_user=partner, recorded_by=world.trust_person, scope_plan=False)
    assert login(client, partner).get(detail(plan)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(detail(plan))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_plan_page_refuses_post(client, world, plan):
    assert login(client, world.trust_person).post(detail(plan)).status_code == 405


def test_a_partner_reads_the_plan_without_any_edit_links(client, world, plan, goal, users_step):
    page = login(client, world.partner_valid).get(detail(plan)).content.decode()
    assert "Ringe boligkontoret" in page
    for name, arg in (("plan_edit", plan.pk), ("step_edit", users_step.pk), ("goal_comment", goal.pk),
                      ("step_close", users_step.pk), ("goal_create", plan.pk)):
        assert reverse(name, args=[arg]) not in page


def build(world, n: int, service_user=None) -> Plan:
    """A plan with n goals, steps, measures, notes, comments and revisions (factories, fast)."""
    service_user = service_user or f.ServiceUserFactory(municipality=world.municipality)
    case = f.FollowUpFactory(service_user=service_user, unit=world.unit, trust_person=world.trust_person)
    plan = pf.PlanFactory(follow_up=case)
    for i in range(n):
        goal = pf.GoalFactory(plan=plan, life_area=LifeArea.values[i % len(LifeArea.values)])
        step = pf.StepFactory(goal=goal, due_on=timezone.localdate() - datetime.timedelta(days=i % 3),
                              who_kind=Step.Who.PERSON, who_person=world.partner_valid)
        pf.StepFactory(goal=goal, status=Step.Status.DONE, closed_on=timezone.localdate())
        pf.StepFactory(goal=goal, suggested_by_user=True, accepted=False)
        measure = pf.MeasureFactory(plan=plan, needs_decision=bool(i % 2),
                                    decision_status=Measure.Decision.NOT_NEEDED,
                                    responsible_person=world.partner_valid)
        pf.ProgressNoteFactory(plan=plan, step=step, author=world.partner_valid)
        pf.ProgressNoteFactory(plan=plan, step=None, measure=measure, author=world.trust_person)
        pf.CommentFactory(plan=plan, goal=goal, author=world.owner, by_owner=True)
        pf.CommentFactory(plan=plan, goal=None, step=step, author=world.trust_person)
        pf.PlanRevisionFactory(plan=plan, created_by=world.trust_person)
    return plan


def page_queries(client, user, plan) -> int:
    login(client, user)
    client.get(detail(plan))
    access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail(plan)).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", ["trust_person", "leader", "owner", "partner_valid"])
def test_the_plan_page_query_count_is_the_same_for_1_or_30_of_everything(client, world, persona):
    user = world.persona(persona)
    one, thirty = build(world, 1, world.owner_su), build(world, 30, world.owner_su)
    few, many = page_queries(client, user, one), page_queries(client, user, thirty)
    assert few == many
    assert few <= 30


# --- status: consent, activate, decline, re-offer, end, revise ----------------------------------------------------


def test_staff_record_consent_then_activate(client, world, draft):
    login(client, world.trust_person)
    page = client.get(detail(draft)).content.decode()
    assert "Registrer samtykket" in page
    response = client.post(reverse("plan_consent", args=[draft.pk]), {"given_how": "oral"})
    assert response.status_code == 302
    assert fresh(draft).consent_given_how == "oral"
    assert "Ta planen i bruk" in client.get(detail(draft)).content.decode()
    response = client.post(reverse("plan_activate", args=[draft.pk]), {})
    assert response.status_code == 302
    assert fresh(draft).status == Plan.Status.ACTIVE


def test_recording_consent_without_saying_how_is_a_clear_error(client, world, draft):
    response = login(client, world.trust_person).post(reverse("plan_consent", args=[draft.pk]), {})
    assert response.status_code == 200
    assert "Velg hvordan brukeren samtykket." in response.content.decode()
    assert fresh(draft).consent_given_on is None


def test_the_owner_gives_consent_in_the_portal(client, world, draft):
    login(client, world.owner)
    assert "Jeg vil samtykke til planen" in client.get(detail(draft)).content.decode()
    assert "Ja, jeg samtykker" in client.get(reverse("plan_consent", args=[draft.pk])).content.decode()
    client.post(reverse("plan_consent", args=[draft.pk]))
    assert fresh(draft).consent_given_how == Consent.GivenHow.PORTAL


def test_activating_without_consent_is_refused_and_changes_nothing(client, world, draft):
    response = login(client, world.trust_person).post(reverse("plan_activate", args=[draft.pk]), {})
    assert response.status_code == 200
    assert "må samtykke til planen" in response.content.decode()
    assert fresh(draft).status == Plan.Status.DRAFT


def test_the_owner_may_not_activate_or_end_the_plan(client, world, draft, plan):
    login(client, world.owner)
    for name in ("plan_activate", "plan_end", "plan_decline", "plan_revise"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 403
    assert client.post(reverse("plan_end", args=[plan.pk]), {}).status_code == 403
    assert fresh(plan).status == Plan.Status.ACTIVE


def test_a_partner_gets_403_and_an_outsider_404_on_status_pages(client, world, plan):
    assert login(client, world.partner_valid).post(reverse("plan_end", args=[plan.pk]), {}).status_code == 403
    assert login(client, world.other_trust_person).post(reverse("plan_end", args=[plan.pk]), {}).status_code == 404
    assert fresh(plan).status == Plan.Status.ACTIVE


def test_decline_with_a_reason_then_reoffer(client, world, draft):
    login(client, world.trust_person)
    client.post(reverse("plan_decline", args=[draft.pk]), {"reason": "Vil ikke nå."})
    draft = fresh(draft)
    assert draft.status == Plan.Status.DECLINED and draft.declined_reason == "Vil ikke nå."
    page = client.get(detail(draft)).content.decode()
    assert "Vil ikke nå." in page and "Tilby planen på nytt" in page
    assert client.get(reverse("plan_reoffer", args=[draft.pk])).status_code == 405
    client.post(reverse("plan_reoffer", args=[draft.pk]))
    assert fresh(draft).status == Plan.Status.DRAFT


def test_ending_the_plan(client, world, plan):
    login(client, world.trust_person)
    response = client.post(reverse("plan_end", args=[plan.pk]), {"note": "Flyttet."})
    assert response.status_code == 302
    assert fresh(plan).status == Plan.Status.ENDED
    assert "Den kan fortsatt leses" in client.get(detail(plan)).content.decode()


def test_a_future_end_date_is_a_clear_error(client, world, plan):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = login(client, world.trust_person).post(reverse("plan_end", args=[plan.pk]), {"ended_on": future})
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    assert fresh(plan).status == Plan.Status.ACTIVE


def test_revise_the_plan_from_the_plan_page(client, world, plan):
    login(client, world.trust_person)
    page = client.get(detail(plan)).content.decode()
    assert "Revider planen" in page and 'name="what_changed"' in page
    next_on = (timezone.localdate() + datetime.timedelta(weeks=8)).isoformat()
    response = client.post(reverse("plan_revise", args=[plan.pk]),
                           {"what_changed": "Nye delmål om bolig.", "participants": "Kari, NAV",
                            "next_revision_on": next_on})
    assert response.status_code == 302
    assert plan.revisions.get().what_changed == "Nye delmål om bolig."
    page = client.get(detail(plan)).content.decode()
    assert "Nye delmål om bolig." in page
    assert (timezone.localdate() + datetime.timedelta(weeks=8)).strftime("%d.%m.%Y") in page


def test_a_revision_without_what_changed_is_a_clear_error(client, world, plan):
    response = login(client, world.trust_person).post(reverse("plan_revise", args=[plan.pk]), {})
    page = response.content.decode()
    assert response.status_code == 200 and "Skriv kort hva som ble endret." in page
    assert "Feil: " in page
    assert not plan.revisions.exists()


# --- editing the texts and the conflict page ------------------------------------------------------------------


def test_staff_edit_the_plan_texts_with_the_version_as_a_hidden_field(client, world, plan):
    login(client, world.trust_person)
    page = client.get(reverse("plan_edit", args=[plan.pk])).content.decode()
    assert f'type="hidden" name="version" value="{plan.version}"' in page
    response = client.post(reverse("plan_edit", args=[plan.pk]),
                           {"version": plan.version, "own_words": "Nye ord", "cooperation": "NAV og DPS"})
    assert response.status_code == 302
    plan = fresh(plan)
    assert plan.own_words == "Nye ord" and plan.cooperation == "NAV og DPS"


def test_the_owner_edits_only_their_own_words(client, world, plan):
    login(client, world.owner)
    page = client.get(reverse("plan_edit", args=[plan.pk])).content.decode()
    assert 'name="own_words"' in page and 'name="cooperation"' not in page
    client.post(reverse("plan_edit", args=[plan.pk]),
                {"version": plan.version, "own_words": "Med mine ord", "cooperation": "sneaky"})
    plan = fresh(plan)
    assert plan.own_words == "Med mine ord" and plan.cooperation == ""


def test_a_partner_may_not_edit_the_plan(client, world, plan):
    login(client, world.partner_valid)
    assert client.get(reverse("plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plan_edit", args=[plan.pk]),
                       {"version": plan.version, "own_words": "x"}).status_code == 403
    assert fresh(plan).own_words == "Jeg vil ha min egen leilighet."


def test_editing_without_the_version_is_a_clear_error(client, world, plan):
    response = login(client, world.trust_person).post(reverse("plan_edit", args=[plan.pk]), {"own_words": "x"})
    assert response.status_code == 200
    assert "Siden mangler versjonen" in response.content.decode()
    assert fresh(plan).own_words == "Jeg vil ha min egen leilighet."


def test_a_bad_date_is_a_clear_error(client, world, plan):
    response = login(client, world.trust_person).post(
        reverse("plan_edit", args=[plan.pk]), {"version": plan.version, "period_from": "i morgen"})
    assert "Skriv en gyldig dato" in response.content.decode()


def test_two_editors_from_the_same_version_the_second_gets_the_conflict_page(client, world, plan):
    from django.test import Client

    first, second = login(Client(), world.trust_person), login(Client(), world.deputy)
    version = plan.version
    # Both open the form at the same version.
    for c in (first, second):
        assert f'name="version" value="{version}"' in c.get(reverse("plan_edit", args=[plan.pk])).content.decode()
    data = {"version": version, "own_words": "Jeg vil ha min egen leilighet.", "resources": ""}
    assert first.post(reverse("plan_edit", args=[plan.pk]),
                      {**data, "needs": "Hjelp med husleie", "resources": "Sta"}).status_code == 302
    response = second.post(reverse("plan_edit", args=[plan.pk]),
                           {**data, "needs": "Hjelp med flytting", "cooperation": "Boligkontoret"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Din tekst" in page and "Den lagrede teksten" in page
    # Both texts are on the page: the second editor's in a box to copy from, the stored one next to it.
    assert "Hjelp med flytting" in page and "Hjelp med husleie" in page
    assert f'name="version" value="{version + 1}"' in page
    # A part only the second editor changed is kept in the form; nothing typed is lost.
    assert ">Boligkontoret</textarea>" in page
    plan = fresh(plan)
    assert plan.needs == "Hjelp med husleie" and plan.cooperation == "" and plan.version == version + 1
