"""Unit tests of koordinator/services.py: every rule the write layer enforces."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator import services
from koordinator.models import Consent, FollowUp, Handover, NextOfKin, Notification, Organisation, ServiceUser
from koordinator.services import ServiceError
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def intake(world, **overrides):
    data = {
        "unit": world.unit,
        "trust_person": world.trust_person,
        "referral_source": FollowUp.ReferralSource.SELF,
        "first_name": "Geir",
        "last_name": "Lien",
        "phone": "912 34 567",
        "preferred_channel": ServiceUser.Channel.SMS,
    }
    data.update(overrides)
    return services.register_service_user(world.trust_person, **data)


def refused(field: str, fn, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    assert info.value.field == field, info.value.message
    return info.value


# --- register ---------------------------------------------------------------------------------------------


def test_register_creates_the_person_and_a_case_in_intake(world):
    case = intake(world, deputy=world.deputy)
    assert case.status == FollowUp.Status.INTAKE
    assert case.service_user.full_name == "Geir Lien"
    assert case.service_user.phone == "+4791234567"
    assert case.municipality == world.municipality
    assert case.deputy == world.deputy


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": "  "}, "first_name"),
        ({"last_name": ""}, "first_name"),
        ({"phone": "12"}, "phone"),
        ({"phone": "", "preferred_channel": ServiceUser.Channel.SMS}, "preferred_channel"),
        ({"referral_source": FollowUp.ReferralSource.AGENCY}, "referral_agency"),
        ({"referral_source": "somewhere"}, "referral_source"),
    ],
    ids=["missing-first-name", "missing-last-name", "invalid-phone", "sms-without-phone",
         "agency-without-agency", "unknown-source"],
)
def test_register_refuses_bad_input_and_saves_nothing(world, overrides, field):
    before = (ServiceUser.objects.count(), FollowUp.objects.count())
    refused(field, intake, world, **overrides)
    assert (ServiceUser.objects.count(), FollowUp.objects.count()) == before


def test_register_accepts_an_agency_named_in_free_text(world):
    case = intake(world, referral_source=FollowUp.ReferralSource.AGENCY, referral_agency_name="Kirkens Bymisjon")
    assert case.referral_display == "Henvist fra en annen tjeneste: Kirkens Bymisjon"


def test_register_refuses_a_trust_person_outside_the_unit(world):
    refused("trust_person", intake, world, trust_person=world.partner_valid)


def test_register_refuses_a_deputy_who_is_the_trust_person(world):
    refused("deputy", intake, world, deputy=world.trust_person)


def test_register_refuses_a_deputy_outside_the_unit(world):
    refused("deputy", intake, world, deputy=world.leader)


def test_register_is_for_staff_only(world):
    with pytest.raises(PermissionDenied):
        services.register_service_user(
            world.partner_valid, unit=world.unit, trust_person=world.trust_person,
            referral_source="self", first_name="A", last_name="B",
        )


def test_register_refuses_a_unit_in_another_municipality(world):
    with pytest.raises(PermissionDenied):
        intake(world, unit=world.other_unit)


# --- status -----------------------------------------------------------------------------------------------


def test_status_intake_to_active_is_allowed_and_tells_the_user(world):
    world.case.status = FollowUp.Status.INTAKE
    world.case.save()
    case = services.change_status(world.trust_person, world.case, FollowUp.Status.ACTIVE)
    assert case.status == FollowUp.Status.ACTIVE
    assert world.trust_person.display_name in case.user_notice


def test_status_active_to_dormant_and_back(world):
    case = services.change_status(world.trust_person, world.case, FollowUp.Status.DORMANT)
    assert case.status == FollowUp.Status.DORMANT
    case = services.change_status(world.deputy, case, FollowUp.Status.ACTIVE)
    assert case.status == FollowUp.Status.ACTIVE


def test_status_active_to_intake_is_refused(world):
    refused("status", services.change_status, world.trust_person, world.case, FollowUp.Status.INTAKE)
    world.case.refresh_from_db()
    assert world.case.status == FollowUp.Status.ACTIVE


def test_status_cannot_end_a_case_without_the_ending_facts(world):
    refused("status", services.change_status, world.trust_person, world.case, FollowUp.Status.ENDED)


def test_status_unknown_value_is_refused_with_a_message(world):
    error = refused("status", services.change_status, world.trust_person, world.case, "nonsense")
    assert "nonsense" in error.message


def test_status_change_by_a_partner_is_forbidden(world):
    with pytest.raises(PermissionDenied):
        services.change_status(world.partner_valid, world.case, FollowUp.Status.DORMANT)


def test_reopening_an_ended_case_clears_the_ending(world):
    case = services.end_follow_up(world.trust_person, world.case, reason="moved")
    case = services.change_status(world.trust_person, case, FollowUp.Status.ACTIVE)
    assert case.ended_on is None and case.ending_reason == ""


# --- ending -----------------------------------------------------------------------------------------------


def test_ending_tells_the_user_the_open_door_date_and_who_takes_over(world):
    ended_on = TODAY()
    door = ended_on + datetime.timedelta(days=90)
    case = services.end_follow_up(
        world.trust_person, world.case, reason=FollowUp.EndingReason.HANDED_OVER, taken_over_by=world.nav,
        open_door_until=door, ended_on=ended_on,
    )
    assert case.status == FollowUp.Status.ENDED
    assert door.strftime("%d.%m.%Y") in case.user_notice
    assert "NAV Lerkendal" in case.user_notice
    assert ended_on.strftime("%d.%m.%Y") in case.user_notice


def test_ending_twice_is_refused(world):
    services.end_follow_up(world.trust_person, world.case, reason="moved")
    refused("reason", services.end_follow_up, world.trust_person, world.case, reason="prison")
    world.case.refresh_from_db()
    assert world.case.ending_reason == "moved"


def test_ending_refuses_an_open_door_before_the_end(world):
    refused(
        "open_door_until", services.end_follow_up, world.trust_person, world.case, reason="moved",
        open_door_until=TODAY() - datetime.timedelta(days=1),
    )


def test_handing_over_needs_a_successor(world):
    refused("taken_over_by", services.end_follow_up, world.trust_person, world.case, reason="handed_over")


def test_other_reason_needs_a_note(world):
    refused("note", services.end_follow_up, world.trust_person, world.case, reason="other")


def test_unknown_ending_reason_is_refused(world):
    refused("reason", services.end_follow_up, world.trust_person, world.case, reason="bored")


# --- assign -----------------------------------------------------------------------------------------------


def test_leader_assigns_and_the_user_is_told_about_a_new_worker(world):
    case = services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                           handover_note="Kari liker å møtes på kafé. Har time hos NAV 3. mars.")
    assert case.trust_person == world.other_trust_person
    assert world.other_trust_person.display_name in case.user_notice
    handover = Handover.objects.get(follow_up=case)
    assert (handover.from_person, handover.to_person, handover.created_by) == (
        world.trust_person, world.other_trust_person, world.leader)
    assert handover.note == "Kari liker å møtes på kafé. Har time hos NAV 3. mars."
    told = Notification.objects.filter(recipient_service_user=world.owner_su)
    assert [world.other_trust_person.display_name in n.body for n in told] == [True]


@pytest.mark.parametrize("note", ["", "   "])
def test_a_new_trust_person_without_a_handover_note_is_refused_and_nothing_is_saved(world, note):
    history_before = world.case.history.count()
    refused("handover_note", services.assign, world.leader, world.case, trust_person=world.other_trust_person,
            deputy=None, handover_note=note)
    world.case.refresh_from_db()
    assert (world.case.trust_person, world.case.deputy) == (world.trust_person, world.deputy)
    assert world.case.user_notice == ""
    assert world.case.history.count() == history_before
    assert not Handover.objects.exists()
    assert not Notification.objects.exists()


def test_changing_only_the_deputy_sends_no_notice(world):
    case = services.assign(world.leader, world.case, trust_person=world.trust_person,
                           deputy=world.other_trust_person)
    assert case.deputy == world.other_trust_person
    assert case.user_notice == ""


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "other_leader", "partner_valid"])
def test_only_a_leader_in_the_municipality_assigns(world, persona):
    with pytest.raises(PermissionDenied):
        services.assign(world.persona(persona), world.case, trust_person=world.other_trust_person, deputy=None)
    world.case.refresh_from_db()
    assert world.case.trust_person == world.trust_person


def test_assign_refuses_the_same_person_twice(world):
    refused("deputy", services.assign, world.leader, world.case, trust_person=world.trust_person,
            deputy=world.trust_person)


# --- consent ----------------------------------------------------------------------------------------------


def consent_kwargs(world, **overrides):
    data = {
        "scopes": [Consent.Scope.PLAN],
        "valid_until": TODAY() + datetime.timedelta(days=365),
        "given_how": Consent.GivenHow.PAPER,
        "grantee_organisation": world.nav,
    }
    data.update(overrides)
    return data


def test_owner_consent_is_always_given_in_the_portal(world):
    consent = services.give_consent(world.owner, world.owner_su, **consent_kwargs(world, given_how="paper"))
    assert consent.given_how == Consent.GivenHow.PORTAL
    assert consent.recorded_by == world.owner


def test_staff_must_say_whether_consent_was_on_paper_or_oral(world):
    refused("given_how", services.give_consent, world.trust_person, world.owner_su,
            **consent_kwargs(world, given_how=Consent.GivenHow.PORTAL))
    consent = services.give_consent(world.trust_person, world.owner_su, **consent_kwargs(world, given_how="oral"))
    assert consent.given_how == Consent.GivenHow.ORAL


def test_consent_until_before_from_is_refused(world):
    refused("valid_until", services.give_consent, world.trust_person, world.owner_su,
            **consent_kwargs(world, valid_until=TODAY() - datetime.timedelta(days=1)))


def test_consent_needs_exactly_one_grantee(world):
    refused("grantee_user", services.give_consent, world.trust_person, world.owner_su,
            **consent_kwargs(world, grantee_user=world.partner_valid))
    refused("grantee_user", services.give_consent, world.trust_person, world.owner_su,
            **consent_kwargs(world, grantee_organisation=None))


def test_consent_names_only_whom_the_rule_allows_for_this_owner(world):
    """``give_consent`` itself decides who may be named (the forms and the API only ask it): not the follow-up
    service itself, not a service in another municipality, not a person outside the partner services."""
    bergen_nav = f.OrganisationFactory(name="NAV Bergenhus", kind=Organisation.Kind.NAV,
                                       municipality=world.other_municipality)
    before = Consent.objects.count()
    for organisation in (world.unit, bergen_nav):
        refused("grantee_organisation", services.give_consent, world.trust_person, world.owner_su,
                **consent_kwargs(world, grantee_organisation=organisation))
    refused("grantee_user", services.give_consent, world.trust_person, world.owner_su,
            **consent_kwargs(world, grantee_organisation=None, grantee_user=world.other_trust_person))
    assert Consent.objects.count() == before
    # A regional service (no municipality) and a local one may be named.
    services.give_consent(world.trust_person, world.owner_su, **consent_kwargs(world, grantee_organisation=world.nav))
    dps = Organisation.objects.get(name="DPS Nidaros")
    services.give_consent(world.owner, world.owner_su, **consent_kwargs(world, grantee_organisation=dps))


def test_consent_needs_a_scope(world):
    refused("scopes", services.give_consent, world.trust_person, world.owner_su, **consent_kwargs(world, scopes=[]))


def test_withdrawing_twice_is_refused(world):
    services.withdraw_consent(world.trust_person, world.consent_valid)
    with pytest.raises(ServiceError):
        services.withdraw_consent(world.owner, world.consent_valid)


def test_a_partner_cannot_withdraw_or_give_consent(world):
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(world.partner_valid, world.consent_valid)
    with pytest.raises(PermissionDenied):
        services.give_consent(world.partner_valid, world.owner_su, **consent_kwargs(world))


# --- next of kin --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "relation": "mor"}, "name"),
        ({"name": "Anne", "relation": " "}, "relation"),
        ({"name": "Anne", "relation": "mor", "kind": "enemy"}, "kind"),
        ({"name": "Anne", "relation": "mor", "phone": "abc"}, "phone"),
    ],
    ids=["no-name", "no-relation", "bad-kind", "bad-phone"],
)
def test_next_of_kin_validation(world, data, field):
    before = NextOfKin.objects.count()
    refused(field, services.add_next_of_kin, world.trust_person, world.owner_su, **data)
    assert NextOfKin.objects.count() == before


def test_next_of_kin_phone_is_normalised_and_archiving_keeps_the_row(world):
    kin = services.add_next_of_kin(world.trust_person, world.owner_su, name="Anne", relation="mor",
                                   phone="90 00 00 02")
    assert kin.phone == "+4790000002"
    services.archive_next_of_kin(world.trust_person, kin)
    kin.refresh_from_db()
    assert kin.archived_at is not None
    assert kin.history.count() == 2


def test_a_partner_cannot_add_next_of_kin(world):
    with pytest.raises(PermissionDenied):
        services.add_next_of_kin(world.partner_valid, world.owner_su, name="Anne", relation="mor")


# --- history ---------------------------------------------------------------------------------------------


def test_history_records_who_made_the_change_and_why(world):
    case = intake(world)
    row = case.history.latest()
    assert row.history_user == world.trust_person
    assert row.history_change_reason == "Inntak"
    assert case.service_user.history.latest().history_user == world.trust_person

    services.end_follow_up(world.leader, case, reason="moved")
    row = case.history.latest()
    assert row.history_user == world.leader
    assert row.history_type == "~"
    assert "Flyttet" in row.history_change_reason


def test_withdrawal_is_recorded_with_the_withdrawer_in_history(world):
    services.withdraw_consent(world.owner, world.consent_valid, reason="Vil ikke mer")
    row = world.consent_valid.history.latest()
    assert row.history_user == world.owner
    assert row.history_change_reason == "Samtykke trukket tilbake"
    assert row.withdrawn_reason == "Vil ikke mer"
