"""The plan services: every rule, every refusal, versions, conflicts, restore and who gets told."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator import access
from koordinator.models import Consent, FollowUp, Notification
from koordinator.services import ServiceError
from plans import services
from plans.models import Goal, LifeArea, Measure, Plan, PlanRevision, ProgressNote, Step
from plans.services import PlanConflict
from tests import factories as f
from tests.plans.helpers import fresh, notifications_to

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def last_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# --- creating, activating, declining, ending -----------------------------------------------------------------


def test_the_trust_person_creates_a_draft_at_version_one_with_who_and_why_in_the_history(world):
    plan = services.create_plan(world.trust_person, world.case, own_words="Jeg vil bo for meg selv.")
    assert plan.status == Plan.Status.DRAFT
    assert plan.version == 1
    assert plan.created_by == world.trust_person
    record = last_history(plan)
    assert record.history_user == world.trust_person
    assert record.history_change_reason == "Planen er opprettet"


def test_a_second_open_plan_for_the_same_case_is_refused(world, draft):
    with pytest.raises(ServiceError) as error:
        services.create_plan(world.trust_person, world.case)
    assert error.value.field == "follow_up"
    assert "allerede en plan" in error.value.message
    assert Plan.objects.filter(follow_up=world.case).count() == 1


def test_a_new_plan_can_be_made_once_the_old_one_has_ended(world, plan):
    services.end_plan(world.trust_person, plan)
    new = services.create_plan(world.trust_person, world.case)
    assert new.status == Plan.Status.DRAFT
    assert Plan.objects.filter(follow_up=world.case).count() == 2


def test_no_plan_for_an_ended_case(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    with pytest.raises(ServiceError) as error:
        services.create_plan(world.trust_person, fresh(world.case))
    assert error.value.field == "follow_up"


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "other_trust_person", "admin"])
def test_only_the_cases_staff_create_plans(world, persona):
    with pytest.raises(PermissionDenied):
        services.create_plan(world.persona(persona), world.case)
    assert not Plan.objects.exists()


def test_unknown_fields_are_refused(world):
    with pytest.raises(ServiceError) as error:
        services.create_plan(world.trust_person, world.case, status="active")
    assert "status" in error.value.message


def test_the_period_must_be_in_order(world):
    with pytest.raises(ServiceError) as error:
        services.create_plan(world.trust_person, world.case, period_from=days(10), period_until=days(5))
    assert error.value.field == "period_until"


def test_a_bad_date_is_a_clear_error_not_a_crash(world):
    with pytest.raises(ServiceError) as error:
        services.create_plan(world.trust_person, world.case, next_revision_on="31.02.2027")
    assert error.value.field == "next_revision_on"
    plan = services.create_plan(world.trust_person, world.case, next_revision_on="01.03.2027")
    assert plan.next_revision_on == datetime.date(2027, 3, 1)


def test_activating_needs_the_users_consent_to_the_plan(world, draft):
    with pytest.raises(ServiceError) as error:
        services.activate_plan(world.trust_person, draft)
    assert error.value.field == "consent_given_how"
    assert fresh(draft).status == Plan.Status.DRAFT


def test_activating_with_consent_given_on_paper_starts_the_period_and_sets_a_revision_date(world, draft):
    plan = services.activate_plan(world.trust_person, draft, consent_given_how="paper")
    assert plan.status == Plan.Status.ACTIVE
    assert plan.consent_given_on == timezone.localdate()
    assert plan.consent_given_how == Consent.GivenHow.PAPER
    assert plan.consent_recorded_by == world.trust_person
    assert plan.period_from == timezone.localdate()
    assert plan.next_revision_on == days(12 * 7)
    assert plan.version == 2
    [message] = notifications_to(world.owner_su)
    assert message.subject == "Planen din er klar"
    assert "Kari" in message.body


def test_staff_record_consent_on_paper_or_orally_and_the_owner_in_the_portal(world, draft):
    with pytest.raises(ServiceError) as error:
        services.record_plan_consent(world.trust_person, draft, given_how="portal")
    assert error.value.field == "consent_given_how"
    plan = services.record_plan_consent(world.owner, draft, given_how="paper")
    assert plan.consent_given_how == Consent.GivenHow.PORTAL
    assert plan.consent_recorded_by == world.owner
    plan = services.activate_plan(world.trust_person, plan)
    assert plan.status == Plan.Status.ACTIVE


def test_consent_cannot_be_given_in_the_future(world, draft):
    with pytest.raises(ServiceError) as error:
        services.record_plan_consent(world.trust_person, draft, given_how="oral", given_on=days(1))
    assert error.value.field == "consent_given_on"


def test_the_owner_cannot_activate_their_plan_themselves(world, draft):
    services.record_plan_consent(world.owner, draft)
    with pytest.raises(PermissionDenied):
        services.activate_plan(world.owner, draft)


def test_only_a_draft_is_activated(world, plan):
    with pytest.raises(ServiceError) as error:
        services.activate_plan(world.trust_person, plan, consent_given_how="paper")
    assert error.value.field == "status"


def test_declining_is_a_state_with_a_date_and_the_plan_can_be_offered_again(world, draft):
    plan = services.decline_plan(world.trust_person, draft, reason="Vil tenke på det.")
    assert plan.status == Plan.Status.DECLINED
    assert plan.declined_on == timezone.localdate()
    assert plan.declined_reason == "Vil tenke på det."
    with pytest.raises(ServiceError) as error:
        services.add_goal(world.trust_person, plan, life_area="bolig", text="x")
    assert error.value.field == "status"
    plan = services.reoffer_plan(world.trust_person, plan)
    assert plan.status == Plan.Status.DRAFT
    assert plan.declined_on is None
    assert [r.status for r in plan.history.order_by("history_id")] == ["draft", "declined", "draft"]


def test_a_plan_in_use_is_ended_not_declined(world, plan):
    with pytest.raises(ServiceError) as error:
        services.decline_plan(world.trust_person, plan)
    assert error.value.field == "status"
    with pytest.raises(ServiceError):
        services.reoffer_plan(world.trust_person, plan)


def test_ending_a_plan_in_use_tells_the_user_and_freezes_it(world, plan, goal):
    Notification.objects.all().delete()
    plan = services.end_plan(world.trust_person, plan, note="Du har fått det du trengte.")
    assert plan.status == Plan.Status.ENDED
    assert plan.ended_on == timezone.localdate()
    [message] = notifications_to(world.owner_su)
    assert "Du har fått det du trengte." in message.body
    with pytest.raises(ServiceError) as error:
        services.update_plan(world.trust_person, plan, plan.version, needs="x")
    assert error.value.field == "status"
    with pytest.raises(ServiceError):
        services.add_step(world.trust_person, goal, what="x")
    with pytest.raises(ServiceError):
        services.end_plan(world.trust_person, plan)


def test_the_date_of_ending_cannot_be_in_the_future(world, plan):
    with pytest.raises(ServiceError) as error:
        services.end_plan(world.trust_person, plan, ended_on=days(3))
    assert error.value.field == "ended_on"


# --- editing the plan, versions and conflicts ---------------------------------------------------------------------


def test_a_save_adds_one_to_the_version_and_says_what_changed(world, plan):
    version = plan.version
    plan = services.update_plan(world.trust_person, plan, version, needs="Hjelp med økonomien.",
                                cooperation="NAV og boligkontoret.")
    assert plan.version == version + 1
    record = last_history(plan)
    assert record.history_user == world.trust_person
    assert "hva jeg trenger hjelp til" in record.history_change_reason
    assert "nødvendig samarbeid med andre tjenester" in record.history_change_reason


def test_a_save_that_changes_nothing_keeps_the_version(world, plan):
    same = services.update_plan(world.trust_person, plan, plan.version, own_words=plan.own_words)
    assert same.version == plan.version


def test_two_editors_from_the_same_version_the_second_is_refused_and_both_texts_are_kept(world, plan):
    start = plan.version
    services.update_plan(world.trust_person, plan, start, own_words="Tekst fra tillitspersonen.")
    with pytest.raises(PlanConflict) as conflict:
        services.update_plan(world.deputy, plan, start, own_words="Tekst fra stedfortrederen.")
    error = conflict.value
    assert isinstance(error, ServiceError)
    assert error.field == "version"
    assert error.based_on_version == start
    assert error.current_version == start + 1
    assert error.submitted == {"own_words": "Tekst fra stedfortrederen."}
    assert error.current == {"own_words": "Tekst fra tillitspersonen."}
    assert error.differing_fields == ["own_words"]
    assert world.trust_person.display_name in error.message
    plan = fresh(plan)
    assert plan.own_words == "Tekst fra tillitspersonen."
    assert plan.version == start + 1


def test_the_version_is_required_and_must_be_a_number(world, plan):
    for bad in (None, "abc", 0):
        with pytest.raises(ServiceError) as error:
            services.update_plan(world.trust_person, plan, bad, needs="x")
        assert error.value.field == "version"
    assert fresh(plan).needs == ""


def test_the_owner_writes_their_own_words_and_the_coordinator_is_told(world, plan):
    plan = services.update_plan(world.owner, plan, plan.version, own_words="Med mine ord: et hjem.")
    assert plan.own_words == "Med mine ord: et hjem."
    [message] = notifications_to(world.trust_person)
    assert message.channel == Notification.Channel.IN_APP
    assert "Kari" in message.subject


def test_the_owner_cannot_change_the_parts_staff_write(world, plan):
    with pytest.raises(ServiceError) as error:
        services.update_plan(world.owner, plan, plan.version, cooperation="x", period_from=days(1))
    assert "cooperation" in error.value.message
    assert fresh(plan).cooperation == ""


@pytest.mark.parametrize("persona", ["partner_valid", "other_owner", "other_trust_person", "admin"])
def test_others_cannot_edit_the_plan(world, plan, persona):
    with pytest.raises(PermissionDenied):
        services.update_plan(world.persona(persona), plan, plan.version, needs="x")


def test_every_change_of_goals_steps_and_measures_adds_a_version(world, plan):
    versions = [fresh(plan).version]

    def step():
        versions.append(fresh(plan).version)

    goal = services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step()
    services.update_goal(world.trust_person, goal, text="Egen leilighet i sentrum")
    step()
    s, _ = services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    step()
    services.update_step(world.trust_person, s, what="Ringe boligkontoret på mandag")
    step()
    services.close_step(world.trust_person, s, "done", "Fikk time.")
    step()
    m = services.add_measure(world.trust_person, plan, service="Støttekontakt", responsible_organisation=world.unit)
    step()
    services.update_measure(world.trust_person, m, extent="3 timer i uka")
    step()
    services.archive_measure(world.trust_person, m)
    step()
    services.archive_goal(world.trust_person, goal)
    step()
    assert versions == list(range(versions[0], versions[0] + len(versions)))


def test_comments_notes_and_suggestions_do_not_change_the_version(world, plan, goal, users_step):
    version = fresh(plan).version
    services.add_comment(world.owner, goal=goal, text="Viktig for meg.")
    services.add_progress_note(world.trust_person, step=users_step, text="Har ringt.")
    services.suggest_step(world.owner, goal, what="Se på leiligheter på nett")
    assert fresh(plan).version == version


def test_a_content_change_based_on_an_old_version_is_a_conflict(world, plan, goal):
    old = fresh(plan).version
    services.add_step(world.trust_person, goal, what="Ett")
    with pytest.raises(PlanConflict) as conflict:
        services.add_step(world.deputy, goal, what="To", based_on_version=old)
    assert conflict.value.submitted["what"] == "To"
    assert list(Step.objects.filter(goal=goal).values_list("what", flat=True)) == ["Ett"]


# --- restore ---------------------------------------------------------------------------------------------------------


def test_restoring_an_earlier_version_is_itself_a_new_version(world, plan):
    plan = services.update_plan(world.trust_person, plan, plan.version, own_words="Første tekst.")
    first = last_history(plan)
    plan = services.update_plan(world.trust_person, plan, plan.version, own_words="Andre tekst.")
    before = plan.version
    plan = services.restore_plan_version(world.trust_person, plan, first.history_id)
    assert plan.own_words == "Første tekst."
    assert plan.version == before + 1
    record = last_history(plan)
    assert record.history_change_reason == f"Gjenopprettet fra versjon {first.version}"
    assert record.history_user == world.trust_person
    # Nothing in between is lost.
    assert plan.history.filter(own_words="Andre tekst.").exists()


def test_restore_refuses_an_unknown_version_and_one_that_is_the_same(world, plan):
    with pytest.raises(ServiceError) as error:
        services.restore_plan_version(world.trust_person, plan, 999999)
    assert error.value.field == "history_id"
    with pytest.raises(ServiceError):
        services.restore_plan_version(world.trust_person, plan, "x")
    with pytest.raises(ServiceError) as error:
        services.restore_plan_version(world.trust_person, plan, last_history(plan).history_id)
    assert error.value.field == "history_id"


def test_restore_only_takes_versions_of_the_same_plan(world, plan):
    other = services.create_plan(world.other_trust_person, world.other_case, own_words="En annens plan.")
    with pytest.raises(ServiceError):
        services.restore_plan_version(world.trust_person, plan, last_history(other).history_id)


def test_the_owner_cannot_restore(world, plan):
    first = last_history(plan)
    services.update_plan(world.trust_person, plan, plan.version, own_words="Ny.")
    with pytest.raises(PermissionDenied):
        services.restore_plan_version(world.owner, plan, first.history_id)


# --- goals -----------------------------------------------------------------------------------------------------------


def test_goals_get_the_next_place_in_the_order_and_are_in_the_users_words_by_default(world, plan):
    a = services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    b = services.add_goal(world.trust_person, plan, life_area="tannhelse", text="Fikse tennene")
    assert (a.order, b.order) == (1, 2)
    assert a.in_users_words
    assert last_history(a).history_user == world.trust_person


@pytest.mark.parametrize("life_area, text, field", [("måne", "x", "life_area"), ("bolig", "  ", "text")])
def test_a_goal_needs_a_life_area_and_a_text(world, plan, life_area, text, field):
    with pytest.raises(ServiceError) as error:
        services.add_goal(world.trust_person, plan, life_area=life_area, text=text)
    assert error.value.field == field
    assert not Goal.objects.exists()


def test_the_owner_and_partners_do_not_add_goals(world, plan):
    for persona in ("owner", "partner_valid"):
        with pytest.raises(PermissionDenied):
            services.add_goal(world.persona(persona), plan, life_area="bolig", text="x")


def test_an_archived_goal_leaves_the_plan_but_stays_in_history(world, goal):
    services.archive_goal(world.trust_person, goal)
    assert fresh(goal).archived_at is not None
    assert Goal.objects.live().count() == 0
    with pytest.raises(ServiceError):
        services.update_goal(world.trust_person, goal, text="x")
    with pytest.raises(ServiceError):
        services.add_step(world.trust_person, goal, what="x")


# --- steps -----------------------------------------------------------------------------------------------------------


def test_a_step_defaults_to_four_weeks_ahead_with_no_warning(world, goal):
    step, warnings = services.add_step(world.trust_person, goal, what="Ringe NAV")
    assert step.due_on == days(28)
    assert warnings == []


def test_a_step_far_ahead_is_allowed_with_a_friendly_suggestion_to_split_it(world, goal):
    step, warnings = services.add_step(world.trust_person, goal, what="Få jobb", due_on=days(13 * 7))
    assert step.pk is not None
    [warning] = warnings
    assert "12 uker" in warning and "mindre" in warning


def test_the_horizon_is_a_setting(world, goal, settings):
    settings.PLAN_STEP_HORIZON_WEEKS = 2
    _, warnings = services.add_step(world.trust_person, goal, what="x", due_on=days(20))
    assert warnings and "2 uker" in warnings[0]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"what": ""}, "what"),
        ({"what": "x", "who_kind": "naboen"}, "who_kind"),
        ({"what": "x", "who_kind": "organisation"}, "who_organisation"),
        ({"what": "x", "who_kind": "person"}, "who_person"),
        ({"what": "x", "who_kind": "organisation", "who_organisation": "NAV"}, "who_organisation"),
        ({"what": "x", "due_on": "i morgen"}, "due_on"),
    ],
)
def test_bad_steps_are_refused_with_the_field(world, goal, kwargs, field):
    with pytest.raises(ServiceError) as error:
        services.add_step(world.trust_person, goal, **kwargs)
    assert error.value.field == field
    assert not Step.objects.exists()


def test_a_new_step_cannot_be_due_in_the_past(world, goal):
    with pytest.raises(ServiceError) as error:
        services.add_step(world.trust_person, goal, what="x", due_on=days(-1))
    assert error.value.field == "due_on"


def test_a_step_for_a_partner_names_the_service_or_the_person(world, goal, gp):
    by_nav, _ = services.add_step(world.trust_person, goal, what="Søke bostøtte", who_kind="organisation",
                                  who_organisation=world.nav)
    by_doctor, _ = services.add_step(world.trust_person, goal, what="Blodprøver", who_kind="person",
                                     who_person=world.partner_valid, who_organisation=gp)
    assert by_nav.who_organisation == world.nav and by_nav.who_person is None
    assert by_doctor.who_person == world.partner_valid


def test_changing_who_to_the_user_clears_the_service(world, goal):
    step, _ = services.add_step(world.trust_person, goal, what="x", who_kind="organisation",
                                who_organisation=world.nav)
    step, _ = services.update_step(world.trust_person, step, who_kind="user")
    assert fresh(step).who_organisation is None


def test_a_closed_step_can_be_reopened_by_staff(world, users_step):
    services.close_step(world.trust_person, users_step, "not_done", "Ble syk.")
    step, _ = services.update_step(world.trust_person, users_step, status="in_progress")
    step = fresh(step)
    assert step.status == Step.Status.IN_PROGRESS
    assert step.closed_on is None


def test_update_step_does_not_close_steps(world, users_step):
    with pytest.raises(ServiceError) as error:
        services.update_step(world.trust_person, users_step, status="done")
    assert error.value.field == "status"


def test_the_owner_marks_their_own_step_done_and_the_coordinator_hears_about_it(world, users_step):
    Notification.objects.all().delete()
    step = services.close_step(world.owner, users_step, "done", "Det gikk bra!")
    step = fresh(step)
    assert step.status == Step.Status.DONE
    assert step.closed_on == timezone.localdate()
    assert step.closed_by == world.owner
    assert step.how_it_went == "Det gikk bra!"
    assert last_history(step).history_user == world.owner
    [message] = notifications_to(world.trust_person)
    assert "gjort" in message.subject
    assert "Det gikk bra!" in message.body


def test_the_owner_can_set_their_own_step_in_progress_but_change_nothing_else(world, users_step):
    step, _ = services.update_step(world.owner, users_step, status="in_progress")
    assert fresh(step).status == Step.Status.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.update_step(world.owner, users_step, what="Noe annet")


def test_the_owner_cannot_close_a_step_someone_else_does(world, trust_persons_step):
    with pytest.raises(PermissionDenied):
        services.close_step(world.owner, trust_persons_step, "done")
    with pytest.raises(PermissionDenied):
        services.update_step(world.owner, trust_persons_step, status="in_progress")
    assert fresh(trust_persons_step).status == Step.Status.PLANNED


def test_the_owner_does_not_drop_a_step_alone(world, users_step):
    with pytest.raises(ServiceError) as error:
        services.close_step(world.owner, users_step, "dropped")
    assert error.value.field == "status"


def test_closing_needs_a_closing_status_and_happens_once(world, users_step):
    with pytest.raises(ServiceError) as error:
        services.close_step(world.trust_person, users_step, "planned")
    assert error.value.field == "status"
    services.close_step(world.trust_person, users_step, "dropped", "Ikke aktuelt lenger.")
    with pytest.raises(ServiceError):
        services.close_step(world.trust_person, users_step, "done")


@pytest.mark.parametrize("persona", ["other_owner", "partner_valid", "other_trust_person"])
def test_others_cannot_close_steps(world, users_step, persona):
    with pytest.raises(PermissionDenied):
        services.close_step(world.persona(persona), users_step, "done")


def test_archiving_a_step_is_for_staff(world, users_step):
    with pytest.raises(PermissionDenied):
        services.archive_step(world.owner, users_step)
    services.archive_step(world.trust_person, users_step)
    assert fresh(users_step).archived_at is not None


# --- the owner's suggestions ---------------------------------------------------------------------------------------


def test_the_owners_suggestion_goes_to_the_coordinator_not_into_the_plan(world, goal):
    Notification.objects.all().delete()
    step, warnings = services.suggest_step(world.owner, goal, what="Gå på visning")
    assert warnings == []
    assert step.is_suggestion and step.suggested_by_user and not step.accepted
    assert not Step.objects.live().filter(pk=step.pk).exists()
    [message] = notifications_to(world.trust_person)
    assert message.channel == Notification.Channel.IN_APP
    assert "Gå på visning" in message.body


def test_the_deputy_also_hears_about_a_suggestion_when_the_trust_person_is_away(world, goal):
    from koordinator.models import Absence

    Absence.objects.create(person=world.trust_person, kind="ferie", starts_on=days(-1), ends_on=days(5),
                           registered_by=world.leader)
    Notification.objects.all().delete()
    services.suggest_step(world.owner, goal, what="Gå på visning")
    assert len(notifications_to(world.trust_person)) == 1
    assert len(notifications_to(world.deputy)) == 1


def test_only_the_owner_suggests_steps(world, goal):
    for persona in ("trust_person", "partner_valid"):
        with pytest.raises(PermissionDenied):
            services.suggest_step(world.persona(persona), goal, what="x")


def test_accepting_a_suggestion_puts_it_in_the_plan_and_tells_the_owner(world, plan, goal):
    suggestion, _ = services.suggest_step(world.owner, goal, what="Gå på visning")
    version = fresh(plan).version
    Notification.objects.all().delete()
    step, _ = services.accept_suggestion(world.trust_person, suggestion, due_on=days(7))
    step = fresh(step)
    assert step.accepted and step.suggested_by_user
    assert step.due_on == days(7)
    assert fresh(plan).version == version + 1
    [message] = notifications_to(world.owner_su)
    assert "Gå på visning" in message.body
    with pytest.raises(ServiceError):
        services.accept_suggestion(world.trust_person, step)


def test_a_suggestion_not_taken_gets_a_kind_answer(world, goal):
    suggestion, _ = services.suggest_step(world.owner, goal, what="Flytte til Spania")
    Notification.objects.all().delete()
    services.reject_suggestion(world.trust_person, suggestion, reply="La oss ta det på neste møte.")
    suggestion = fresh(suggestion)
    assert suggestion.rejected_at is not None and suggestion.archived_at is not None
    [message] = notifications_to(world.owner_su)
    assert "Takk for forslaget" in message.body
    assert "La oss ta det på neste møte." in message.body
    with pytest.raises(ServiceError):
        services.accept_suggestion(world.trust_person, suggestion)


def test_the_owner_does_not_accept_their_own_suggestion(world, goal):
    suggestion, _ = services.suggest_step(world.owner, goal, what="x")
    with pytest.raises(PermissionDenied):
        services.accept_suggestion(world.owner, suggestion)


def test_a_normal_step_is_not_a_suggestion_to_answer(world, users_step):
    with pytest.raises(ServiceError):
        services.reject_suggestion(world.trust_person, users_step)


# --- measures --------------------------------------------------------------------------------------------------------


def test_a_measure_with_a_granted_decision(world, plan):
    measure = services.add_measure(
        world.trust_person, plan, service="Bostøtte", responsible_organisation=world.nav, extent="Hver måned",
        decision_status="granted", applied_on=days(-20), decided_on=days(-3), decided_by="NAV Lerkendal",
    )
    assert measure.needs_decision
    assert not measure.is_flagged
    assert last_history(measure).history_user == world.trust_person


def test_a_measure_that_needs_a_decision_without_one_is_flagged(world, plan):
    measure = services.add_measure(world.trust_person, plan, service="Praktisk bistand",
                                   responsible_organisation=world.unit, needs_decision=True)
    assert measure.is_flagged
    measure = services.update_measure(world.trust_person, measure, decision_status="applied", applied_on=days(0))
    assert measure.is_flagged
    measure = services.update_measure(world.trust_person, measure, decision_status="refused", decided_on=days(0))
    assert not measure.is_flagged
    measure = services.update_measure(world.trust_person, measure, decision_status="appealed", appealed_on=days(0))
    assert fresh(measure).decision_status == Measure.Decision.APPEALED


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"service": ""}, "service"),
        ({"service": "x" * 201}, "service"),
        ({"responsible_organisation": None}, "responsible_organisation"),
        ({"decision_status": "kanskje"}, "decision_status"),
        ({"decision_status": "applied"}, "applied_on"),
        ({"decision_status": "granted"}, "decided_on"),
        ({"decision_status": "appealed", "decided_on": "2026-01-05"}, "appealed_on"),
        ({"decision_status": "granted", "decided_on": "2099-01-01"}, "decided_on"),
        ({"decision_status": "granted", "applied_on": "2026-02-01", "decided_on": "2026-01-01"}, "decided_on"),
        ({"period_from": "2026-05-01", "period_until": "2026-04-01"}, "period_until"),
    ],
)
def test_bad_measures_are_refused_with_the_field(world, plan, extra, field):
    data = {"service": "Støttekontakt", "responsible_organisation": world.unit, **extra}
    with pytest.raises(ServiceError) as error:
        services.add_measure(world.trust_person, plan, **data)
    assert error.value.field == field
    assert not Measure.objects.exists()


def test_only_staff_handle_measures(world, plan):
    for persona in ("owner", "partner_org_member"):
        with pytest.raises(PermissionDenied):
            services.add_measure(world.persona(persona), plan, service="x", responsible_organisation=world.nav)


# --- progress notes ------------------------------------------------------------------------------------------------


def test_staff_write_progress_notes(world, users_step):
    note = services.add_progress_note(world.deputy, step=users_step, text="Har ringt sammen.")
    assert note.plan == users_step.goal.plan
    assert last_history(note).history_user == world.deputy


def test_a_responsible_partner_with_consent_writes_notes_and_the_coordinator_is_told(world, plan, goal, gp):
    step, _ = services.add_step(world.trust_person, goal, what="Blodprøver", who_kind="person",
                                who_person=world.partner_valid)
    measure = services.add_measure(world.trust_person, plan, service="Arbeidsavklaring",
                                   responsible_organisation=world.nav)
    Notification.objects.all().delete()
    note = services.add_progress_note(world.partner_valid, step=step, text="Prøvene er tatt.")
    assert note.author == world.partner_valid
    services.add_progress_note(world.partner_org_member, measure=measure, text="Søknaden er mottatt.")
    assert len(notifications_to(world.trust_person)) == 2


def test_a_partner_writes_no_notes_where_they_are_not_responsible(world, plan, users_step):
    measure = services.add_measure(world.trust_person, plan, service="Støttekontakt",
                                   responsible_organisation=world.unit)
    with pytest.raises(PermissionDenied):
        services.add_progress_note(world.partner_valid, step=users_step, text="x")
    with pytest.raises(PermissionDenied):
        services.add_progress_note(world.partner_org_member, measure=measure, text="x")
    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize("persona", ["partner_expired", "partner_withdrawn"])
def test_a_responsible_partner_without_valid_consent_writes_no_notes(world, goal, persona):
    step, _ = services.add_step(world.trust_person, goal, what="x", who_kind="person",
                                who_person=world.persona(persona))
    with pytest.raises(PermissionDenied):
        services.add_progress_note(world.persona(persona), step=step, text="x")


def test_a_responsible_partner_whose_consent_lacks_the_plan_scope_writes_no_notes(world, goal):
    partner = f.UserFactory(username="partner_uten_plan")
    f.MembershipFactory(user=partner, organisation=world.nav, role="partner")
    Consent.objects.filter(pk=world.consent_org.pk).update(scope_plan=False)
    step, _ = services.add_step(world.trust_person, goal, what="x", who_kind="person", who_person=partner)
    with pytest.raises(PermissionDenied):
        services.add_progress_note(partner, step=step, text="x")


def test_the_owner_comments_rather_than_writing_progress_notes(world, users_step):
    with pytest.raises(PermissionDenied):
        services.add_progress_note(world.owner, step=users_step, text="x")


def test_a_note_is_about_one_thing_and_has_text(world, plan, users_step):
    measure = services.add_measure(world.trust_person, plan, service="x", responsible_organisation=world.unit)
    with pytest.raises(ServiceError) as error:
        services.add_progress_note(world.trust_person, step=users_step, measure=measure, text="x")
    assert error.value.field == "step"
    with pytest.raises(ServiceError) as error:
        services.add_progress_note(world.trust_person, step=users_step, text=" ")
    assert error.value.field == "text"


# --- comments -------------------------------------------------------------------------------------------------------


def test_the_owner_comments_on_a_goal_and_a_step_and_the_coordinator_is_told(world, goal, users_step):
    Notification.objects.all().delete()
    on_goal = services.add_comment(world.owner, goal=goal, text="Dette betyr mye for meg.")
    on_step = services.add_comment(world.owner, step=users_step, text="Jeg gruer meg litt.")
    assert on_goal.by_owner and on_step.by_owner
    assert len(notifications_to(world.trust_person)) == 2


def test_staff_comments_are_not_marked_as_the_owners(world, goal):
    comment = services.add_comment(world.trust_person, goal=goal, text="Vi tar det steg for steg.")
    assert not comment.by_owner


@pytest.mark.parametrize("persona", ["partner_valid", "other_owner"])
def test_partners_and_other_users_do_not_comment(world, goal, persona):
    with pytest.raises(PermissionDenied):
        services.add_comment(world.persona(persona), goal=goal, text="x")


def test_a_comment_needs_text_and_one_target(world, goal, users_step):
    with pytest.raises(ServiceError) as error:
        services.add_comment(world.owner, goal=goal, text="")
    assert error.value.field == "text"
    with pytest.raises(ServiceError) as error:
        services.add_comment(world.owner, goal=goal, step=users_step, text="x")
    assert error.value.field == "goal"


# --- revision ---------------------------------------------------------------------------------------------------------


def test_revising_records_who_and_what_sets_the_next_date_and_adds_a_version(world, plan):
    version = fresh(plan).version
    Notification.objects.all().delete()
    revision = services.revise_plan(
        world.trust_person, plan, what_changed="Nye delmål for bolig.", participants="Kari, Tora, NAV",
        next_revision_on=days(42), meeting_note="Ansvarsgruppemøte",
    )
    plan = fresh(plan)
    assert plan.next_revision_on == days(42)
    assert plan.version == version + 1
    assert revision.plan_version == plan.version
    assert revision.revised_on == timezone.localdate()
    assert revision.created_by == world.trust_person
    assert last_history(plan).history_change_reason == "Planen er revidert"
    [message] = notifications_to(world.owner_su)
    assert "gått gjennom" in message.body


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"what_changed": "", "next_revision_on": 30}, "what_changed"),
        ({"what_changed": "x", "next_revision_on": None}, "next_revision_on"),
        ({"what_changed": "x", "next_revision_on": 0}, "next_revision_on"),
        ({"what_changed": "x", "next_revision_on": 30, "revised_on": 2}, "revised_on"),
    ],
)
def test_bad_revisions_are_refused(world, plan, kwargs, field):
    kwargs = {k: (days(v) if isinstance(v, int) else v) for k, v in kwargs.items()}
    with pytest.raises(ServiceError) as error:
        services.revise_plan(world.trust_person, plan, **kwargs)
    assert error.value.field == field
    assert not PlanRevision.objects.exists()


def test_only_a_plan_in_use_is_revised_and_only_by_staff(world, draft):
    with pytest.raises(ServiceError) as error:
        services.revise_plan(world.trust_person, draft, what_changed="x", next_revision_on=days(30))
    assert error.value.field == "status"
    plan = services.activate_plan(world.trust_person, draft, consent_given_how="oral")
    with pytest.raises(PermissionDenied):
        services.revise_plan(world.owner, plan, what_changed="x", next_revision_on=days(30))


def test_staff_rights_are_read_again_for_each_call(world, plan):
    # A leader from another municipality reaches nothing, even after a first refused try.
    with pytest.raises(PermissionDenied):
        services.add_goal(world.other_leader, plan, life_area=LifeArea.HOUSING, text="x")
    access.forget(world.other_leader)
    with pytest.raises(PermissionDenied):
        services.add_goal(world.other_leader, plan, life_area=LifeArea.HOUSING, text="x")
    goal = services.add_goal(world.leader, plan, life_area=LifeArea.HOUSING, text="Fra lederen")
    assert goal.created_by == world.leader
