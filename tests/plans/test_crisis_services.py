"""Crisis plan services: create, edit with versions and conflicts, restore, contacts, sign-offs, archive, the
always-current call list, and the review reminder."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator import continuity
from koordinator.models import Absence, Notification
from koordinator.services import ServiceError
from plans.crisis import selectors, services
from plans.crisis.reminders import crisis_plan_review_reminders
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff
from plans.services import PlanConflict
from tests.plans.helpers import fresh, notifications_to

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


# --- the plan ------------------------------------------------------------------------------------------------------


def test_staff_of_the_open_case_make_a_draft_with_a_review_date_half_a_year_ahead(world):
    plan = services.create_crisis_plan(world.deputy, world.owner_su, warning_signs="Sover dårlig.")
    assert plan.status == CrisisPlan.Status.DRAFT and plan.version == 1
    assert plan.review_on == today() + datetime.timedelta(weeks=services.REVIEW_WEEKS)
    record = plan.history.get()
    assert (record.history_user, record.history_change_reason) == (world.deputy, "Kriseplanen er opprettet")


def test_a_user_has_one_current_crisis_plan_and_a_new_one_after_archiving(world, crisis_plan):
    with pytest.raises(ServiceError, match="har allerede en kriseplan"):
        services.create_crisis_plan(world.trust_person, world.owner_su)
    services.archive_crisis_plan(world.trust_person, crisis_plan)
    archived = fresh(crisis_plan)
    assert archived.status == CrisisPlan.Status.ARCHIVED and archived.archived_at is not None
    new = services.create_crisis_plan(world.trust_person, world.owner_su)
    assert CrisisPlan.objects.filter(service_user=world.owner_su).count() == 2
    assert list(CrisisPlan.objects.current().filter(service_user=world.owner_su)) == [new]


@pytest.mark.parametrize("persona", ["other_trust_person", "partner_valid", "other_leader", "other_owner"])
def test_people_outside_the_case_cannot_make_one(world, persona):
    with pytest.raises(PermissionDenied):
        services.create_crisis_plan(world.persona(persona), world.owner_su)
    assert not CrisisPlan.objects.exists()


def test_the_owner_may_start_their_own_but_staff_set_the_review_date(world):
    plan = services.create_crisis_plan(world.owner, world.owner_su, what_helps="Kaffe.")
    assert plan.what_helps == "Kaffe."
    with pytest.raises(ServiceError, match="Du kan ikke endre: review_on"):
        services.update_crisis_plan(world.owner, plan, plan.version, review_on=today())


def test_an_edit_is_a_new_version_with_who_and_which_parts(world, crisis_plan):
    version = crisis_plan.version
    plan = services.update_crisis_plan(world.trust_person, crisis_plan, version, triggers="Brev fra NAV.",
                                       medication="Metadon")
    assert plan.version == version + 1
    last = plan.history.latest("history_date")
    assert last.history_user == world.trust_person
    assert last.history_change_reason == "Kriseplanen er endret: dette pleier å utløse en krise, medisiner"


def test_the_owners_edit_tells_the_trust_person(world, crisis_plan):
    services.update_crisis_plan(world.owner, crisis_plan, crisis_plan.version, self_help="Jeg går en tur.")
    subjects = [n.subject for n in notifications_to(world.trust_person)]
    assert "Kari Nordmann har endret kriseplanen sin" in subjects


def test_two_editors_from_one_version_the_second_is_refused_and_both_texts_are_kept(world, crisis_plan):
    base = crisis_plan.version
    services.update_crisis_plan(world.trust_person, crisis_plan, base, what_helps="Den første teksten.")
    with pytest.raises(PlanConflict) as caught:
        services.update_crisis_plan(world.deputy, crisis_plan, base, what_helps="Den andre teksten.")
    conflict = caught.value
    assert conflict.submitted == {"what_helps": "Den andre teksten."}
    assert conflict.current == {"what_helps": "Den første teksten."}
    assert conflict.based_on_version == base and conflict.current_version == base + 1
    assert world.trust_person.display_name in conflict.message
    assert fresh(crisis_plan).what_helps == "Den første teksten."


def test_restore_brings_back_the_texts_as_a_new_version(world, crisis_plan):
    first = crisis_plan.history.earliest("history_date")
    services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version, warning_signs="Endret.")
    plan = fresh(crisis_plan)
    before = plan.version
    restored = services.restore_crisis_plan_version(world.trust_person, plan, first.history_id,
                                                    based_on_version=before)
    assert restored.warning_signs == first.warning_signs
    assert restored.version == before + 1
    assert restored.history.latest("history_date").history_change_reason == f"Gjenopprettet fra versjon {first.version}"
    with pytest.raises(PermissionDenied):
        services.restore_crisis_plan_version(world.owner, restored, first.history_id)


def test_an_archived_plan_cannot_change(world, crisis_plan):
    services.archive_crisis_plan(world.trust_person, crisis_plan)
    with pytest.raises(ServiceError, match="arkivert"):
        services.update_crisis_plan(world.trust_person, fresh(crisis_plan), fresh(crisis_plan).version, triggers="x")


# --- contacts -------------------------------------------------------------------------------------------------------


def test_contacts_are_ordered_phone_normalised_and_say_when_they_can_be_reached(world, crisis_plan):
    eva, dps = list(CrisisContact.objects.filter(crisis_plan=crisis_plan).order_by("order"))
    assert eva.phone == "+4790000001"
    assert eva.reachable == ["evening", "weekend"]
    assert eva.reachable_labels() == ["Kveld", "Helg"]
    assert (eva.order, dps.order) == (0, 1)


@pytest.mark.parametrize("fields, field, message", [
    ({"name": "", "phone": "90000001", "reachable": ["office"]}, "name", "Skriv navnet."),
    ({"name": "Eva", "phone": "123", "reachable": ["office"]}, "phone", "gyldig telefonnummer"),
    ({"name": "Eva", "phone": "90000001", "reachable": []}, "reachable", "Velg minst én tid"),
    ({"name": "Eva", "phone": "90000001", "reachable": ["morning"]}, "reachable", "fra listen"),
])
def test_a_contact_needs_a_name_a_valid_phone_and_when(world, crisis_plan, fields, field, message):
    version = fresh(crisis_plan).version
    with pytest.raises(ServiceError, match=message) as caught:
        services.add_contact(world.trust_person, crisis_plan, **fields)
    assert caught.value.field == field
    assert fresh(crisis_plan).version == version


def test_move_and_remove_change_the_list_and_the_version_and_keep_history(world, crisis_plan):
    eva, dps = list(CrisisContact.objects.filter(crisis_plan=crisis_plan).order_by("order"))
    version = fresh(crisis_plan).version
    services.move_contact(world.owner, dps, "up", based_on_version=version)
    assert [c.name for c in CrisisContact.objects.filter(crisis_plan=crisis_plan).live().order_by("order")] == [
        "DPS akutteam", "Eva Nordmann"]
    services.remove_contact(world.trust_person, eva)
    assert list(CrisisContact.objects.filter(crisis_plan=crisis_plan).live()) == [fresh(dps)]
    assert fresh(eva).archived_at is not None
    assert fresh(crisis_plan).version == version + 2
    with pytest.raises(PlanConflict):
        services.move_contact(world.trust_person, fresh(dps), "down", based_on_version=version)


def test_replace_contacts_sets_the_whole_list_once_and_unchanged_changes_nothing(world, crisis_plan):
    version = fresh(crisis_plan).version
    wanted = [{"name": "Mor", "role": "mor", "phone": "91111111", "reachable": ["night"]}]
    services.replace_contacts(world.trust_person, crisis_plan, wanted, based_on_version=version)
    assert [(c.name, c.phone) for c in CrisisContact.objects.filter(crisis_plan=crisis_plan).live()] == [
        ("Mor", "+4791111111")]
    assert fresh(crisis_plan).version == version + 1
    services.replace_contacts(world.trust_person, crisis_plan, wanted)
    assert fresh(crisis_plan).version == version + 1


# --- sign-offs -------------------------------------------------------------------------------------------------------


def test_sign_offs_say_who_in_what_role_how_and_which_version(world, crisis_plan):
    version = fresh(crisis_plan).version
    staff = services.sign_off(world.trust_person, crisis_plan)
    partner = services.sign_off(world.partner_valid, crisis_plan)
    owner = services.sign_off(world.owner, crisis_plan)
    assert (staff.how, staff.plan_version, staff.by_owner) == (CrisisSignOff.How.APP, version, False)
    assert "Tillitsperson, Oppfølgingstjenesten Øst" in staff.role
    assert partner.how == CrisisSignOff.How.APP
    assert (owner.how, owner.by_owner, owner.name, owner.role) == (
        CrisisSignOff.How.PORTAL, True, "Kari Nordmann", "Brukeren selv")
    # The owner's confirmation takes the draft into use (not a new version) and tells the trust person.
    plan = fresh(crisis_plan)
    assert plan.status == CrisisPlan.Status.ACTIVE and plan.version == version
    assert "Kari Nordmann har bekreftet kriseplanen sin" in [n.subject for n in notifications_to(world.trust_person)]


def test_a_person_confirms_a_version_once(world, crisis_plan):
    services.sign_off(world.trust_person, crisis_plan)
    with pytest.raises(ServiceError, match="allerede bekreftet"):
        services.sign_off(world.trust_person, crisis_plan)


@pytest.mark.parametrize("persona", ["partner_wrong_scope", "partner_expired", "partner_withdrawn", "other_owner"])
def test_people_without_the_crisis_plan_in_view_cannot_confirm(world, crisis_plan, persona):
    with pytest.raises(PermissionDenied):
        services.sign_off(world.persona(persona), crisis_plan)
    assert not CrisisSignOff.objects.exists()


def test_staff_record_the_users_paper_sign_off_once_per_version(world, crisis_plan):
    signed = services.record_paper_sign_off(world.trust_person, crisis_plan,
                                            signed_on=today() - datetime.timedelta(days=1))
    assert (signed.how, signed.by_owner, signed.recorded_by, signed.person) == (
        CrisisSignOff.How.PAPER, True, world.trust_person, world.owner)
    with pytest.raises(ServiceError, match="allerede bekreftet"):
        services.record_paper_sign_off(world.trust_person, crisis_plan)
    with pytest.raises(PermissionDenied):
        services.record_paper_sign_off(world.owner, crisis_plan)
    services.update_crisis_plan(world.trust_person, crisis_plan, fresh(crisis_plan).version, triggers="x")
    with pytest.raises(ServiceError, match="fram i tid"):
        services.record_paper_sign_off(world.trust_person, fresh(crisis_plan),
                                       signed_on=today() + datetime.timedelta(days=1))


def test_a_change_after_sign_off_shows_the_sign_offs_were_for_an_earlier_version(world, crisis_plan):
    services.sign_off(world.trust_person, crisis_plan)
    page = selectors.crisis_plan_page(world.trust_person, crisis_plan.pk)
    assert not page.changed_since_sign_off and page.current_sign_offs
    services.update_crisis_plan(world.trust_person, crisis_plan, fresh(crisis_plan).version, triggers="Nytt.")
    page = selectors.crisis_plan_page(world.trust_person, crisis_plan.pk)
    assert page.changed_since_sign_off
    assert not page.current_sign_offs and len(page.earlier_sign_offs) == 1
    # … and the trust person may confirm the new version.
    assert page.may_sign_off


# --- the always-current call list -------------------------------------------------------------------------------------


def test_the_call_list_has_my_contact_now_my_contacts_then_legevakt_and_113(world, crisis_plan):
    page = selectors.crisis_plan_page(world.owner, crisis_plan.pk)
    kinds = [e.kind for e in page.call_list]
    assert kinds == ["contact_now", "contact", "contact", "legevakt", "emergency"]
    now = page.call_list[0]
    assert now.name == world.trust_person.display_name
    # The trust person has no phone of their own: the service's duty phone is given.
    assert now.phone == world.unit.duty_phone
    assert [e.phone_display for e in page.call_list[-2:]] == ["116 117", "113"]


def test_the_deputy_shows_as_contact_while_the_trust_person_is_away_and_nothing_is_stored(world, crisis_plan):
    world.deputy.phone = "+4791000222"
    world.deputy.save()
    continuity.register_absence(world.leader, world.trust_person, kind=Absence.Kind.SICK_LEAVE,
                                starts_on=today(), ends_on=today() + datetime.timedelta(days=2))
    now = selectors.crisis_plan_page(world.owner, crisis_plan.pk).contact_now
    assert (now.name, now.phone) == (world.deputy.display_name, "+4791000222")
    assert "borte til og med" in now.role
    # Computed at read time: the plan itself did not change.
    assert fresh(crisis_plan).version == crisis_plan.version


def test_with_no_open_case_the_call_list_still_has_legevakt_and_113(world, crisis_plan):
    entries = selectors.always_included(world.other_su.pk)
    assert [e.kind for e in entries] == ["contact_now", "legevakt", "emergency"]
    entries = selectors.always_included(0)
    assert [e.kind for e in entries] == ["legevakt", "emergency"]


# --- the review reminder ----------------------------------------------------------------------------------------------


def test_the_review_reminder_goes_to_the_trust_person_once(world, crisis_plan):
    services.sign_off(world.owner, crisis_plan)  # in use
    CrisisPlan.objects.filter(pk=crisis_plan.pk).update(review_on=today() - datetime.timedelta(days=1))
    assert crisis_plan_review_reminders(timezone.now()) == 1
    assert crisis_plan_review_reminders(timezone.now()) == 0
    reminder = Notification.objects.get(dedupe_key__startswith=f"crisis-plan:{crisis_plan.pk}:review:")
    assert reminder.recipient_user == world.trust_person
    assert reminder.subject == "Tid for å gå gjennom kriseplanen til Kari Nordmann"


def test_no_review_reminder_before_the_date_or_for_a_draft(world, crisis_plan):
    CrisisPlan.objects.filter(pk=crisis_plan.pk).update(review_on=today() - datetime.timedelta(days=1))
    assert crisis_plan_review_reminders(timezone.now()) == 0  # a draft
    services.sign_off(world.owner, crisis_plan)
    CrisisPlan.objects.filter(pk=crisis_plan.pk).update(review_on=today() + datetime.timedelta(days=1))
    assert crisis_plan_review_reminders(timezone.now()) == 0
