"""The agenda built for the group, and action items that stay on it until they are closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koordinator.models import Consent
from koordinator.services import ServiceError
from meetings import selectors, services
from meetings.models import ActionItem, AgendaItem, Meeting
from plans import services as plan_services
from plans.models import Plan, Step
from tests.meetings.conftest import days, fresh, later, notifications_to, past_meeting

pytestmark = pytest.mark.django_db


def items_on(user, meeting) -> list[int]:
    return [p.action_item.pk for p in selectors.agenda(user, meeting) if p.kind == AgendaItem.Kind.ACTION_ITEM]


@pytest.fixture
def plan(world):
    plan = plan_services.create_plan(world.trust_person, world.case)
    return plan_services.activate_plan(world.trust_person, plan, consent_given_how="paper")


# --- action items carried to every next agenda -----------------------------------------------------------------------


def test_an_action_item_stays_on_the_agendas_of_meetings_2_and_3_until_it_is_closed_then_it_is_gone(
        world, group, gp_member, nav_member):
    tp = world.trust_person
    first = past_meeting(tp, group, 30)
    item = services.add_action_item(tp, first, what="Søke bostøtte", responsible=gp_member, due_on=days(-20))
    assert items_on(tp, first) == []  # decided there, so not on its own agenda

    second = past_meeting(tp, group, 14)
    assert items_on(tp, second) == [item.pk]
    services.mark_meeting_held(tp, second)  # the agenda of a held meeting is kept as it was

    third = services.schedule_meeting(tp, group, starts_at=later(2), place="office")
    fourth = services.schedule_meeting(tp, group, starts_at=later(40), place="office")
    assert items_on(tp, third) == [item.pk]
    assert items_on(tp, fourth) == [item.pk]
    assert items_on(world.partner_org_member, third) == [item.pk]  # every member sees it

    services.set_action_item_status(world.partner_valid, item, "done", "Sendt 3. mars")

    assert items_on(tp, third) == []
    assert items_on(tp, fourth) == []
    [kept] = [p for p in selectors.agenda(tp, second) if p.kind == AgendaItem.Kind.ACTION_ITEM]
    assert kept.action_item.pk == item.pk and kept.action_item.status == ActionItem.Status.DONE


def test_an_item_reopened_comes_back_on_the_next_agenda(world, held_meeting, meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Ringe NAV", responsible=gp_member,
                                    due_on=days(3))
    services.set_action_item_status(world.trust_person, item, "not_done", "Fikk ikke tak i dem")
    assert items_on(world.trust_person, meeting) == []
    services.set_action_item_status(world.trust_person, item, "open")
    assert items_on(world.trust_person, meeting) == [item.pk]


# --- the order of the agenda ----------------------------------------------------------------------------------------


def test_the_agenda_is_built_in_the_right_order(world, group, gp_member, nav_member, plan):
    tp = world.trust_person
    earlier = past_meeting(tp, group, 7)
    item = services.add_action_item(tp, earlier, what="Ringe boligkontoret", responsible=nav_member, due_on=days(1))
    goal = plan_services.add_goal(tp, plan, life_area="bolig", text="Egen leilighet")
    came_due, _ = plan_services.add_step(tp, goal, what="Gå på visning", due_on=days(1))
    Step.objects.filter(pk=came_due.pk).update(due_on=days(-2))  # came due after the last meeting
    due_by_meeting, _ = plan_services.add_step(tp, goal, what="Signere kontrakt", due_on=days(4))
    plan_services.add_step(tp, goal, what="Flytte", due_on=days(30))  # after the meeting: not on the agenda
    old, _ = plan_services.add_step(tp, goal, what="Gammelt", due_on=days(1))
    Step.objects.filter(pk=old.pk).update(due_on=days(-10))  # due before the last meeting: discussed then
    Plan.objects.filter(pk=plan.pk).update(next_revision_on=days(3))

    meeting = services.schedule_meeting(tp, group, starts_at=later(5), place="user_home")
    proposal = services.propose_agenda_item(world.partner_valid, meeting, title="Resepter")
    mine = services.propose_agenda_item(world.owner, meeting, title="Jeg vil ha en jobb")

    points = selectors.agenda(tp, meeting)
    assert [p.kind for p in points] == ["user_words", "action_item", "plan_step", "plan_step", "plan_revision",
                                        "proposed"]
    assert points[0].item == mine and points[0].kind_label == "Brukerens ord"
    assert points[0].proposed_by == "Kari Nordmann"
    assert points[1].action_item == item and "NAV Lerkendal" in points[1].title
    assert [p.step for p in points[2:4]] == [came_due, due_by_meeting]
    assert "Revidere planen" in points[4].title
    assert points[5].item == proposal and points[5].proposed_by.startswith(world.partner_valid.display_name)


def test_before_the_first_meeting_the_open_steps_due_by_then_come_up(world, group, plan):
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Bolig")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Søke", due_on=days(2))
    done, _ = plan_services.add_step(world.trust_person, goal, what="Ferdig", due_on=days(2))
    plan_services.close_step(world.trust_person, done, "done")
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    assert [p.step for p in selectors.agenda(world.trust_person, meeting) if p.step] == [step]


def test_a_partner_without_the_plan_scope_gets_no_plan_points(world, group, gp_member, nav_member, plan):
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Bolig")
    plan_services.add_step(world.trust_person, goal, what="Søke", due_on=days(2))
    Plan.objects.filter(pk=plan.pk).update(next_revision_on=days(2))
    Consent.objects.filter(pk=world.consent_org.pk).update(scope_plan=False)
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    assert {p.kind for p in selectors.agenda(world.partner_valid, meeting)} == {"plan_step", "plan_revision"}
    assert selectors.agenda(world.partner_org_member, meeting) == []
    # Locked, the stored points are still only for those who may see the plan.
    services.freeze_agenda(world.trust_person, meeting)
    assert selectors.agenda(world.partner_org_member, meeting) == []
    assert len(selectors.agenda(world.partner_valid, meeting)) == 2


def test_locking_the_agenda_stores_what_was_generated_once(world, held_meeting, meeting, gp_member):
    services.add_action_item(world.trust_person, held_meeting, what="Ringe", responsible=gp_member, due_on=days(3))
    added = services.freeze_agenda(world.trust_person, meeting)
    assert [a.kind for a in added] == ["action_item"]
    assert services.freeze_agenda(world.trust_person, meeting) == []
    assert fresh(meeting).agenda_is_frozen


# --- action items ---------------------------------------------------------------------------------------------------


def test_an_action_item_belongs_to_its_meeting_and_the_responsible_is_told(world, held_meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Skrive ut resept", responsible=gp_member,
                                    due_on=days(14))
    assert item.meeting == held_meeting and item.group == held_meeting.group and item.is_open
    message = notifications_to(world.partner_valid)[-1]
    assert "Skrive ut resept" in message.body and message.channel == "email"


def test_an_item_for_a_service_tells_its_people(world, held_meeting, nav_member):
    services.add_action_item(world.trust_person, held_meeting, what="Avklare AAP", responsible=nav_member,
                             due_on=days(14))
    assert "Avklare AAP" in notifications_to(world.partner_org_member)[-1].body


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"what": " "}, "what"),
        ({"due_on": None}, "due_on"),
        ({"due_on": "snart"}, "due_on"),
        ({"responsible": "NAV"}, "responsible"),
    ],
)
def test_bad_input_for_an_action_item_changes_nothing(world, held_meeting, gp_member, changes, field):
    data = {"what": "Ringe", "responsible": gp_member, "due_on": days(7), **changes}
    with pytest.raises(ServiceError) as error:
        services.add_action_item(world.trust_person, held_meeting, **data)
    assert error.value.field == field
    assert not ActionItem.objects.exists()


def test_the_due_date_is_not_before_the_meeting_and_the_responsible_is_a_current_member(world, held_meeting,
                                                                                         gp_member):
    with pytest.raises(ServiceError):
        services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member, due_on=days(-30))
    services.remove_member(world.trust_person, gp_member)
    with pytest.raises(ServiceError) as error:
        services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member, due_on=days(3))
    assert error.value.message == "Medlemmet er ikke lenger med i ansvarsgruppen."


def test_an_item_of_another_group_is_refused(world, held_meeting):
    other = services.create_group(world.other_trust_person, world.other_case)
    stranger = other.members.first()
    with pytest.raises(ServiceError):
        services.add_action_item(world.trust_person, held_meeting, what="x", responsible=stranger, due_on=days(3))


def test_no_action_items_before_the_meeting_or_by_partners(world, meeting, held_meeting, gp_member):
    with pytest.raises(ServiceError):
        services.add_action_item(world.trust_person, meeting, what="x", responsible=gp_member, due_on=days(3))
    with pytest.raises(PermissionDenied):
        services.add_action_item(world.partner_valid, held_meeting, what="x", responsible=gp_member, due_on=days(3))
    assert not ActionItem.objects.exists()


def test_the_responsible_closes_their_own_item_and_the_coordinator_is_told(world, held_meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Resept", responsible=gp_member,
                                    due_on=days(3))
    item = services.set_action_item_status(world.partner_valid, item, "done", "Sendt")
    assert item.status == ActionItem.Status.DONE and item.closed_by == world.partner_valid and item.closed_on
    message = notifications_to(world.trust_person)[-1]
    assert "Gjort" in message.body and "Sendt" in message.body
    with pytest.raises(ServiceError):
        services.set_action_item_status(world.partner_valid, item, "not_done")
    with pytest.raises(PermissionDenied):
        services.set_action_item_status(world.partner_valid, item, "open")  # reopening is for the chair


def test_the_responsible_writes_a_note_that_keeps_the_item_open_and_the_coordinator_is_told(
        world, held_meeting, meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Resept", responsible=gp_member,
                                    due_on=days(3))
    item = services.note_action_item(world.partner_valid, item, "Venter på svar fra apoteket")
    assert item.is_open and item.closed_on is None and item.status_note == "Venter på svar fra apoteket"
    assert items_on(world.trust_person, meeting) == [item.pk]  # still on the next agenda
    message = notifications_to(world.trust_person)[-1]
    assert "Venter på svar fra apoteket" in message.body and "fortsatt er åpen" in message.body
    # «Open» for an open item is the same note (the API's PATCH and the page's «Fortsatt åpen»).
    item = services.set_action_item_status(world.partner_valid, item, "open", "Fikk svar, henter i morgen")
    assert item.is_open and fresh(item).status_note == "Fikk svar, henter i morgen"
    assert [h.history_change_reason for h in item.history.order_by("history_id")][-2:] == [
        "Oppgave: merknad, fortsatt åpen", "Oppgave: merknad, fortsatt åpen"]
    with pytest.raises(ServiceError) as error:
        services.note_action_item(world.partner_valid, item, "  ")
    assert error.value.field == "status_note"
    for persona in ("partner_org_member", "partner_none"):
        with pytest.raises(PermissionDenied):
            services.note_action_item(world.persona(persona), item, "x")
    services.set_action_item_status(world.partner_valid, item, "done")
    with pytest.raises(ServiceError):
        services.note_action_item(world.partner_valid, item, "for sent")
    assert fresh(item).status == ActionItem.Status.DONE


def test_others_cannot_close_someone_elses_item(world, held_meeting, gp_member, nav_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Resept", responsible=gp_member,
                                    due_on=days(3))
    for persona in ("partner_org_member", "owner", "partner_none"):
        with pytest.raises(PermissionDenied):
            services.set_action_item_status(world.persona(persona), item, "done")
    assert fresh(item).is_open


def test_the_user_closes_their_own_item(world, held_meeting, user_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Møte på NAV", responsible=user_member,
                                    due_on=days(3))
    assert services.set_action_item_status(world.owner, item, "done").status == ActionItem.Status.DONE


def test_cancelling_an_item_needs_a_note_and_an_unknown_status_is_refused(world, held_meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member,
                                    due_on=days(3))
    with pytest.raises(ServiceError) as error:
        services.set_action_item_status(world.trust_person, item, "cancelled")
    assert error.value.field == "status_note"
    with pytest.raises(ServiceError):
        services.set_action_item_status(world.trust_person, item, "forgotten")
    assert fresh(item).is_open
    item = services.set_action_item_status(world.trust_person, item, "cancelled", "Kari har fått jobb")
    assert item.get_status_display() == "Ikke aktuell lenger"


def test_a_partner_whose_consent_is_withdrawn_cannot_update_their_item(world, held_meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member,
                                    due_on=days(3))
    Consent.objects.filter(pk=world.consent_valid.pk).update(valid_until=days(-1))
    with pytest.raises(PermissionDenied):
        services.set_action_item_status(world.partner_valid, item, "done")


def test_the_chair_changes_what_who_and_when(world, held_meeting, gp_member, nav_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member,
                                    due_on=days(3))
    item = services.update_action_item(world.trust_person, item, responsible=nav_member, due_on=days(10))
    assert item.responsible == nav_member and item.due_on == days(10)
    assert "Ny oppgave" in notifications_to(world.partner_org_member)[-1].subject
    with pytest.raises(PermissionDenied):
        services.update_action_item(world.partner_org_member, item, what="y")
    with pytest.raises(ServiceError):
        services.update_action_item(world.trust_person, item, colour="red")


# --- «Mine oppgaver» ------------------------------------------------------------------------------------------------


def test_mine_oppgaver_lists_a_partners_items_across_all_their_groups(world, held_meeting, gp_member, nav_member):
    mine = services.add_action_item(world.trust_person, held_meeting, what="Min", responsible=gp_member,
                                    due_on=days(3))
    services.add_action_item(world.trust_person, held_meeting, what="NAV sin", responsible=nav_member,
                             due_on=days(3))
    # A second user's group where the GP is a member too.
    from tests import factories as f

    f.ConsentFactory(owner=world.other_su, grantee_user=world.partner_valid, recorded_by=world.other_trust_person)
    other = services.create_group(world.other_trust_person, world.other_case)
    other_member = services.add_member(world.other_trust_person, other, person=world.partner_valid)
    other_meeting = past_meeting(world.other_trust_person, other, 3)
    theirs = services.add_action_item(world.other_trust_person, other_meeting, what="Annen", responsible=other_member,
                                      due_on=days(5))
    done = services.add_action_item(world.trust_person, held_meeting, what="Ferdig", responsible=gp_member,
                                    due_on=days(1))
    services.set_action_item_status(world.partner_valid, done, "done")

    assert list(selectors.my_action_items(world.partner_valid)) == [mine, theirs]
    assert done in selectors.my_action_items(world.partner_valid, include_closed=True)
    assert [i.what for i in selectors.my_action_items(world.partner_org_member)] == ["NAV sin"]
    summaries = selectors.my_groups(world.partner_valid)
    assert {s.group.pk: s.open_items for s in summaries} == {held_meeting.group_id: 1, other.pk: 1}


def test_mine_oppgaver_forgets_a_group_when_the_consent_ends(world, held_meeting, gp_member):
    services.add_action_item(world.trust_person, held_meeting, what="Min", responsible=gp_member, due_on=days(3))
    Consent.objects.filter(pk=world.consent_valid.pk).update(withdrawn_at=held_meeting.starts_at)
    assert list(selectors.my_action_items(world.partner_valid)) == []
    assert selectors.my_groups(world.partner_valid) == []


def test_the_meeting_keeps_its_items_and_closed_meetings_are_left_alone(world, held_meeting, gp_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="x", responsible=gp_member, due_on=days(3))
    assert list(held_meeting.action_items.all()) == [item]
    assert Meeting.objects.get(pk=held_meeting.pk).status == Meeting.Status.PLANNED
