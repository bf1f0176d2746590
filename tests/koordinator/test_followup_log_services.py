"""The follow-up log's write services: what they store, the history they leave, and the rules they keep.

Every refused write changes nothing: no entry, no history row, no appointment, no notification.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator import followup_log, outbox
from koordinator.models import Appointment, Consent, FollowUp, FollowUpEntry, Notification, Organisation
from koordinator.services import ServiceError
from koordinator.timeutil import at
from tests import factories as f

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind


def _ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def _counts() -> tuple[int, int, int, int]:
    return (
        FollowUpEntry.objects.count(),
        FollowUpEntry.history.count(),
        Appointment.objects.count(),
        Notification.objects.count(),
    )


# --- creating --------------------------------------------------------------------------------------------------


def test_an_entry_keeps_every_field_and_who_wrote_it(world, entry):
    entry.refresh_from_db()
    assert entry.follow_up == world.case
    assert entry.written_by == world.trust_person
    assert entry.kind == Kind.HOME_VISIT
    assert entry.duration_minutes == 45
    assert entry.place == "Hjemme hos Kari"
    assert entry.life_areas == ["bolig", "okonomi"]
    assert entry.area_housing and entry.area_economy and not entry.area_work
    assert entry.note == "Vi gikk gjennom brevet fra NAV."
    assert entry.agreed_next == "Ringe boligkontoret sammen på fredag."
    assert entry.is_contact


def test_the_history_names_the_writer_and_the_kind(world, entry):
    record = entry.history.get()
    assert record.history_user == world.trust_person
    assert record.history_type == "+"
    assert record.history_change_reason == "Loggført: Hjemmebesøk"


def test_when_defaults_to_now(world):
    before = timezone.now()
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE)
    assert before <= entry.started_at <= timezone.now()
    assert entry.duration_minutes == 30


def test_the_deputy_and_the_leader_write_in_the_log_too(world):
    for writer in (world.deputy, world.leader):
        entry = followup_log.create_entry(writer, world.case, kind=Kind.SMS, duration_minutes=0)
        assert entry.written_by == writer


def test_accompanied_to_an_appointment_names_the_service(world):
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.ACCOMPANIED, service=world.nav,
                                      started_at=_ago(hours=2))
    assert entry.service_display == "NAV Lerkendal"
    assert entry.kind_for_user == "Fulgte deg til en avtale: NAV Lerkendal"
    other = followup_log.create_entry(world.trust_person, world.case, kind=Kind.ACCOMPANIED,
                                      service_text="Tannlegen på Lade")
    assert other.service_display == "Tannlegen på Lade"


def test_it_books_the_next_appointment_in_the_same_go(world):
    tomorrow = at(timezone.localdate() + datetime.timedelta(days=1), 10)
    entry = followup_log.create_entry(
        world.trust_person, world.case, kind=Kind.CONVERSATION, agreed_next="Kafé i morgen",
        next_appointment={"starts_at": tomorrow, "place": Appointment.Place.CAFE, "place_detail": "Dromedar"},
    )
    appointment = entry.next_appointment
    assert appointment.starts_at == tomorrow
    assert appointment.place == Appointment.Place.CAFE
    assert appointment.follow_up == world.case
    assert appointment.history.get().history_user == world.trust_person


# --- bad input changes nothing --------------------------------------------------------------------------------


def _other_case_step(world):
    from plans import services as plan_services

    plan = plan_services.create_plan(world.other_trust_person, world.other_case)
    goal = plan_services.add_goal(world.other_trust_person, plan, life_area="bolig", text="Noe annet")
    step, _ = plan_services.add_step(world.other_trust_person, goal, what="Ikke Karis")
    return step


BAD_INPUT = [
    ("unknown kind", lambda w: {"kind": "visit"}, "kind"),
    ("no kind", lambda w: {"kind": ""}, "kind"),
    ("in the future", lambda w: {"kind": Kind.PHONE, "started_at": timezone.now() + datetime.timedelta(hours=2)},
     "started_at"),
    ("not a time", lambda w: {"kind": Kind.PHONE, "started_at": "i går"}, "started_at"),
    ("negative duration", lambda w: {"kind": Kind.PHONE, "duration_minutes": -5}, "duration_minutes"),
    ("too long", lambda w: {"kind": Kind.PHONE, "duration_minutes": 13 * 60}, "duration_minutes"),
    ("duration as text", lambda w: {"kind": Kind.PHONE, "duration_minutes": "lenge"}, "duration_minutes"),
    ("accompanied nowhere", lambda w: {"kind": Kind.ACCOMPANIED}, "service"),
    ("service twice", lambda w: {"kind": Kind.ACCOMPANIED, "service": w.nav, "service_text": "NAV"},
     "service_text"),
    ("inactive service", lambda w: {"kind": Kind.ACCOMPANIED,
                                     "service": f.OrganisationFactory(name="Nedlagt", is_active=False)}, "service"),
    ("unknown life area", lambda w: {"kind": Kind.PHONE, "life_areas": ["bolig", "månen"]}, "life_areas"),
    ("another case's step", lambda w: {"kind": Kind.PHONE, "steps": [_other_case_step(w)]}, "steps"),
    ("too long a note", lambda w: {"kind": Kind.PHONE, "note": "x" * 5001}, "note"),
    ("an appointment in the past", lambda w: {
        "kind": Kind.PHONE,
        "next_appointment": {"starts_at": timezone.now() - datetime.timedelta(days=1), "place": "home"},
    }, "next_appointment"),
]


@pytest.mark.parametrize(("name", "data", "field"), BAD_INPUT, ids=[name for name, *_ in BAD_INPUT])
def test_bad_input_is_refused_on_its_field_and_changes_nothing(world, name, data, field):
    payload = data(world)
    before = _counts()
    with pytest.raises(ServiceError) as error:
        followup_log.create_entry(world.trust_person, world.case, **payload)
    assert error.value.field == field
    assert error.value.message
    assert _counts() == before


def test_unknown_fields_are_refused(world, entry):
    with pytest.raises(ServiceError):
        followup_log.update_entry(world.trust_person, entry, mood="glad")


def test_nothing_is_logged_after_the_case_ended_unless_it_happened_before(world):
    FollowUp.objects.filter(pk=world.case.pk).update(
        status=FollowUp.Status.ENDED, ended_on=timezone.localdate() - datetime.timedelta(days=3),
        ending_reason=FollowUp.EndingReason.MOVED,
    )
    world.case.refresh_from_db()
    with pytest.raises(ServiceError) as error:
        followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE)
    assert "avsluttet" in error.value.message
    # The last conversation, written up late, is fine.
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.CONVERSATION,
                                      started_at=_ago(days=4))
    assert entry.pk


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "other_trust_person", "other_leader", "admin"])
def test_only_the_cases_staff_may_write(world, persona):
    before = _counts()
    with pytest.raises(PermissionDenied):
        followup_log.create_entry(world.persona(persona), world.case, kind=Kind.PHONE)
    assert _counts() == before


# --- changing and archiving ------------------------------------------------------------------------------------


def test_a_change_saves_only_what_differs_with_the_fields_in_the_reason(world, entry):
    followup_log.update_entry(world.deputy, entry, note="Vi gikk gjennom brevet. Kari var sliten.",
                              life_areas=["bolig"], place=entry.place)
    entry.refresh_from_db()
    assert entry.note == "Vi gikk gjennom brevet. Kari var sliten."
    assert entry.life_areas == ["bolig"]
    latest = entry.history.latest()
    assert latest.history_user == world.deputy
    assert latest.history_change_reason == "Loggføringen er endret: notat, livsområder"
    # The first version is still there.
    assert entry.history.earliest().note == "Vi gikk gjennom brevet fra NAV."


def test_an_unchanged_save_adds_no_history(world, entry):
    before = entry.history.count()
    followup_log.update_entry(world.trust_person, entry, note=entry.note, kind=entry.kind)
    assert entry.history.count() == before


def test_a_refused_change_changes_nothing(world, entry):
    before = entry.history.count()
    with pytest.raises(ServiceError):
        followup_log.update_entry(world.trust_person, entry, kind="visit", note="Ny tekst")
    entry.refresh_from_db()
    assert entry.note == "Vi gikk gjennom brevet fra NAV."
    assert entry.history.count() == before


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "other_trust_person"])
def test_only_staff_change_an_entry(world, entry, persona):
    with pytest.raises(PermissionDenied):
        followup_log.update_entry(world.persona(persona), entry, note="Endret")
    with pytest.raises(PermissionDenied):
        followup_log.archive_entry(world.persona(persona), entry)


def test_archiving_hides_the_entry_from_the_owner_and_partners_but_not_from_the_staff(world, entry):
    followup_log.archive_entry(world.trust_person, entry, "Skrevet på feil person")
    entry.refresh_from_db()
    assert entry.archived_at is not None
    assert entry.archived_reason == "Skrevet på feil person"
    assert entry.history.latest().history_change_reason == "Loggføringen er arkivert"
    assert FollowUpEntry.objects.filter(pk=entry.pk).exists()  # nothing is deleted
    assert FollowUpEntry.objects.for_user(world.trust_person).filter(pk=entry.pk).exists()
    assert not FollowUpEntry.objects.for_user(world.owner).filter(pk=entry.pk).exists()
    assert not FollowUpEntry.objects.for_user(world.partner_valid).filter(pk=entry.pk).exists()
    with pytest.raises(ServiceError):
        followup_log.archive_entry(world.trust_person, entry)
    with pytest.raises(ServiceError):
        followup_log.update_entry(world.trust_person, entry, note="Likevel")


# --- the gate ----------------------------------------------------------------------------------------------------


def test_the_owner_reads_and_a_partner_reads_only_with_the_follow_up_log_scope(world, entry):
    def sees(user) -> bool:
        return FollowUpEntry.objects.for_user(user).filter(pk=entry.pk).exists()

    assert sees(world.owner) and sees(world.partner_valid) and sees(world.partner_org_member)
    assert not sees(world.partner_wrong_scope)  # a consent in force, but not with this scope
    assert not sees(world.partner_expired) and not sees(world.partner_withdrawn) and not sees(world.partner_none)
    assert not sees(world.other_owner) and not sees(world.admin) and not sees(world.other_leader)
    # Reading is not changing.
    for reader in (world.owner, world.partner_valid):
        assert not FollowUpEntry.objects.for_user(reader, "change").filter(pk=entry.pk).exists()
    # The consent loses the scope: the partner is out at once.
    Consent.objects.filter(pk=world.consent_valid.pk).update(scope_followup_log=False)
    assert not sees(world.partner_valid)


def test_organisations_are_not_personal_data_but_the_service_must_be_active(world):
    closed = Organisation.objects.create(name="Lukket kontor", kind=Organisation.Kind.NAV, is_active=False)
    with pytest.raises(ServiceError):
        followup_log.create_entry(world.trust_person, world.case, kind=Kind.OTHER_SERVICE, service=closed)


# --- a contact ends a quiet spell ----------------------------------------------------------------------------------


def test_a_new_contact_cancels_a_quiet_reminder_that_has_not_gone_out(world):
    key = f"followup:{world.case.pk}:quiet:{world.case.started_on.isoformat()}"
    reminder = outbox.notify(world.trust_person, "Lenge siden", "…", about=world.case,
                             channel=outbox.Channel.IN_APP, dedupe_key=key)
    followup_log.create_entry(world.trust_person, world.case, kind=Kind.NOT_MET)
    reminder.refresh_from_db()
    assert reminder.state == Notification.State.PENDING  # an attempt is not contact
    followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE)
    reminder.refresh_from_db()
    assert reminder.state == Notification.State.CANCELLED


def test_plan_steps_are_named_by_string_so_the_core_does_not_import_plans():
    field = FollowUpEntry._meta.get_field("steps")
    assert field.related_model is apps.get_model("plans", "Step")
    import koordinator.models.followup_log as module

    assert "plans" not in {name.split(".")[0] for name in vars(module) if not name.startswith("_")}
