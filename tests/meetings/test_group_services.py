"""The group and its members: creating, the chair, status, and the consent check for every member."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator.models import Consent, FollowUp, Membership
from koordinator.services import ServiceError
from meetings import services
from meetings.models import Group, GroupMember, Meeting
from tests import factories as f
from tests.meetings.conftest import days, fresh, later, notifications_to

pytestmark = pytest.mark.django_db


def last_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# --- creating the group ---------------------------------------------------------------------------------------------


def test_a_new_group_has_the_user_and_the_coordinator_as_members_and_the_user_is_told(world):
    group = services.create_group(world.trust_person, world.case)
    assert group.status == Group.Status.ACTIVE
    assert group.chair == Group.Chair.COORDINATOR
    assert group.coordinator == world.trust_person
    kinds = sorted(GroupMember.objects.filter(group=group).values_list("kind", flat=True))
    assert kinds == ["coordinator", "user"]
    record = last_history(group)
    assert record.history_user == world.trust_person
    assert record.history_change_reason == "Ansvarsgruppen er opprettet"
    [message] = notifications_to(world.owner_su)
    assert "ansvarsgruppe" in message.body and "Kari" in message.body


def test_the_user_may_chair_their_own_group_from_the_start(world):
    group = services.create_group(world.trust_person, world.case, chair="user")
    assert group.user_chairs


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "other_trust_person", "admin", "other_leader"])
def test_only_the_cases_staff_create_a_group(world, persona):
    with pytest.raises(PermissionDenied):
        services.create_group(world.persona(persona), world.case)
    assert not Group.objects.exists()


@pytest.mark.parametrize("persona", ["deputy", "leader"])
def test_the_deputy_and_the_leader_create_one_too(world, persona):
    assert services.create_group(world.persona(persona), world.case).pk


def test_one_open_group_per_case(world, group):
    with pytest.raises(ServiceError) as error:
        services.create_group(world.trust_person, world.case)
    assert error.value.field == "follow_up"
    assert "allerede en ansvarsgruppe" in error.value.message
    assert Group.objects.count() == 1


def test_a_new_group_once_the_old_one_is_closed(world, group):
    services.change_group_status(world.trust_person, group, "closed", "Flyttet til Bergen")
    assert services.create_group(world.trust_person, world.case).pk != group.pk


def test_no_group_for_an_ended_case(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    with pytest.raises(ServiceError) as error:
        services.create_group(world.trust_person, fresh(world.case))
    assert error.value.field == "follow_up"
    assert not Group.objects.exists()


def test_an_unknown_chair_is_refused(world):
    with pytest.raises(ServiceError) as error:
        services.create_group(world.trust_person, world.case, chair="nav")
    assert error.value.field == "chair"
    assert not Group.objects.exists()


# --- chair and status -----------------------------------------------------------------------------------------------


def test_the_user_can_take_the_chair_and_the_coordinator_is_told(world, group):
    group = services.set_group_chair(world.owner, group, "user")
    assert group.chair == Group.Chair.USER
    [message] = notifications_to(world.trust_person)
    assert "vil lede ansvarsgruppen selv" in message.subject
    # Now the user manages the group: they may schedule meetings.
    meeting = services.schedule_meeting(world.owner, group, starts_at=later(3), place="user_home")
    assert meeting.created_by == world.owner


def test_a_partner_cannot_change_the_chair(world, group, gp_member):
    with pytest.raises(PermissionDenied):
        services.set_group_chair(world.partner_valid, group, "user")
    assert fresh(group).chair == Group.Chair.COORDINATOR


def test_pausing_and_closing_need_a_reason(world, group):
    with pytest.raises(ServiceError) as error:
        services.change_group_status(world.trust_person, group, "paused", "  ")
    assert error.value.field == "reason"
    assert fresh(group).status == Group.Status.ACTIVE
    group = services.change_group_status(world.trust_person, group, "paused", "Innlagt på DPS")
    assert group.status_reason == "Innlagt på DPS"
    with pytest.raises(ServiceError) as error:
        services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    assert "pause" in error.value.message
    group = services.change_group_status(world.trust_person, group, "active")
    assert group.status_reason == ""


def test_closing_cancels_the_planned_meetings_and_everyone_is_told(world, meeting):
    before = notifications_to(world.partner_valid)
    services.change_group_status(world.trust_person, meeting.group, "closed", "Trenger ikke gruppen lenger")
    meeting = fresh(meeting)
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.status_note == "Trenger ikke gruppen lenger"
    after = notifications_to(world.partner_valid)
    assert len(after) == len(before) + 1 and after[-1].subject.startswith("Avlyst")


def test_an_unknown_status_changes_nothing(world, group):
    with pytest.raises(ServiceError):
        services.change_group_status(world.trust_person, group, "sleeping", "x")
    with pytest.raises(ServiceError):
        services.change_group_status(world.trust_person, group, "active")
    assert fresh(group).status == Group.Status.ACTIVE


# --- members and consent --------------------------------------------------------------------------------------------


def test_a_partner_with_a_valid_meetings_consent_joins_with_a_role_and_is_told(world, group, gp):
    member = services.add_member(world.trust_person, group, person=world.partner_valid, organisation=gp,
                                 role="fastlege")
    assert member.kind == GroupMember.Kind.PERSON
    assert member.display_name == f"{world.partner_valid.display_name} (Legesenteret)"
    assert member.role == "fastlege"
    [message] = notifications_to(world.partner_valid)
    assert "ansvarsgruppen til Kari Nordmann" in message.subject
    assert message.channel == "email"


def test_a_whole_service_joins_on_the_organisation_consent(world, group):
    member = services.add_member(world.trust_person, group, organisation=world.nav, role="NAV-veileder")
    assert member.kind == GroupMember.Kind.ORGANISATION
    assert notifications_to(world.partner_org_member)


def test_a_person_joins_through_the_consent_to_their_service(world, group):
    member = services.add_member(world.trust_person, group, person=world.partner_org_member, organisation=world.nav)
    assert member.person == world.partner_org_member


def test_without_any_consent_the_message_says_exactly_what_is_missing(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_none)
    name = world.partner_none.display_name
    assert error.value.field == "person"
    assert error.value.message == (
        f"Kari Nordmann har ikke gitt samtykke til at {name} får være med i ansvarsgruppen. Registrer et samtykke "
        f"fra Kari til {name} som gjelder «Ansvarsgruppe og møter», så kan {name} legges til."
    )
    assert GroupMember.objects.filter(group=group).count() == 2


def test_a_consent_without_the_meetings_scope_is_named(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_wrong_scope)
    assert "gjelder bare: Individuell plan" in error.value.message
    assert "Det mangler samtykke til «Ansvarsgruppe og møter»" in error.value.message


def test_an_expired_consent_is_named_with_its_date(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_expired)
    assert f"gikk ut {days(-1).strftime('%d.%m.%Y')}" in error.value.message


def test_a_withdrawn_consent_is_named(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_withdrawn)
    assert "trakk tilbake samtykket" in error.value.message


def test_a_consent_that_starts_later_is_named(world, group):
    Consent.objects.filter(pk=world.consent_valid.pk).update(valid_from=days(5))
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_valid)
    assert f"gjelder først fra {days(5).strftime('%d.%m.%Y')}" in error.value.message


def test_a_service_without_consent_is_refused_with_its_name(world, group):
    dps = Membership.objects.get(user=world.partner_none).organisation
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, organisation=dps)
    assert error.value.field == "organisation"
    assert "DPS Nidaros" in error.value.message


def test_the_consent_to_one_person_does_not_let_in_the_whole_service(world, group, gp):
    # partner_valid's consent is personal; the GP office as a whole has none.
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, organisation=gp)
    assert "Legesenteret" in error.value.message


def test_the_deputy_needs_no_consent(world, group):
    member = services.add_member(world.trust_person, group, person=world.deputy, role="stedfortreder")
    assert member.pk


def test_the_user_and_the_coordinator_are_not_added_twice(world, group):
    for person in (world.trust_person, world.owner):
        with pytest.raises(ServiceError) as error:
            services.add_member(world.trust_person, group, person=person)
        assert "alltid med" in error.value.message


def test_a_member_is_added_once(world, group, gp_member, nav_member):
    with pytest.raises(ServiceError):
        services.add_member(world.trust_person, group, person=world.partner_valid)
    with pytest.raises(ServiceError):
        services.add_member(world.trust_person, group, organisation=world.nav)
    assert GroupMember.objects.filter(group=group).count() == 4


def test_the_service_a_person_comes_from_must_be_theirs(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_valid, organisation=world.nav)
    assert error.value.field == "organisation"


@pytest.mark.parametrize("bad", [{}, {"person": "per"}, {"organisation": 3}])
def test_bad_input_for_a_member_changes_nothing(world, group, bad):
    with pytest.raises(ServiceError):
        services.add_member(world.trust_person, group, **bad)
    assert GroupMember.objects.filter(group=group).count() == 2


def test_a_role_longer_than_200_characters_is_refused(world, group):
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, person=world.partner_valid, role="x" * 201)
    assert error.value.field == "role"


@pytest.mark.parametrize("persona", ["partner_valid", "owner", "other_trust_person"])
def test_partners_and_the_user_who_does_not_chair_do_not_add_members(world, group, gp_member, persona):
    with pytest.raises(PermissionDenied):
        services.add_member(world.persona(persona), group, organisation=world.nav)


def test_no_members_join_a_closed_group(world, group):
    services.change_group_status(world.trust_person, group, "closed", "Avsluttet")
    with pytest.raises(ServiceError) as error:
        services.add_member(world.trust_person, group, organisation=world.nav)
    assert error.value.message == "Ansvarsgruppen er avsluttet."


def test_a_member_is_removed_with_a_reason_and_kept_in_the_history(world, gp_member):
    member = services.remove_member(world.trust_person, gp_member, "Byttet fastlege")
    assert member.removed_at is not None and member.removed_reason == "Byttet fastlege"
    assert GroupMember.objects.filter(pk=member.pk).exists()
    with pytest.raises(ServiceError):
        services.remove_member(world.trust_person, member)


def test_the_user_and_the_coordinator_cannot_be_removed(world, user_member, coordinator_member):
    for member in (user_member, coordinator_member):
        with pytest.raises(ServiceError):
            services.remove_member(world.trust_person, member)
        assert fresh(member).removed_at is None


def test_a_removed_member_can_join_again(world, group, gp_member):
    services.remove_member(world.trust_person, gp_member)
    again = services.add_member(world.trust_person, group, person=world.partner_valid)
    assert again.pk != gp_member.pk


def test_the_role_is_changed(world, gp_member):
    member = services.update_member(world.trust_person, gp_member, role="fastlege og LAR-lege")
    assert member.role == "fastlege og LAR-lege"
    assert last_history(member).history_change_reason == "Rolle endret"


def test_consent_problem_answers_none_when_the_consent_is_there(world, group, gp):
    assert services.consent_problem(group, person=world.partner_valid) is None
    assert services.consent_problem(group, organisation=world.nav) is None
    assert services.consent_problem(group, organisation=gp)
    assert services.consent_problem(group, person=world.partner_valid,
                                    day=timezone.localdate() + datetime.timedelta(days=400))


def test_a_new_partner_with_a_personal_consent_from_another_service(world, group):
    person = f.UserFactory(username="boligkontoret")
    office = f.OrganisationFactory(name="Boligkontoret", kind="housing", municipality=world.municipality)
    f.MembershipFactory(user=person, organisation=office, role="partner")
    f.ConsentFactory(owner=world.owner_su, grantee_user=person, recorded_by=world.trust_person, scope_plan=False,
                     scope_crisis_plan=False, scope_followup_log=False)
    assert services.add_member(world.trust_person, group, person=person, organisation=office).pk
