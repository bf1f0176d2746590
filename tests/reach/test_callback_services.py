"""«Ring meg» (issue 16, point 1): the services in ``reach.callbacks``.

Who gets the request (the contact now: trust person, deputy, duty phone), what the user is told and by which
channel, one open request per case however many presses (and the race), the clear messages for bad input (and that
nothing changes then), the three marks and the follow-up log they write through its service.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from koordinator.models import Absence, FollowUp, FollowUpEntry, Membership, Notification
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from reach import callbacks
from reach.models import CallbackRequest
from tests import factories as f

pytestmark = pytest.mark.django_db

# A Tuesday in Oslo, mid-morning: the office is open.
TUESDAY = datetime.date(2026, 11, 24)
Role = CallbackRequest.Role


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def away(person, registered_by, days=3):
    today = timezone.localdate()
    return Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=today,
                                  ends_on=today + datetime.timedelta(days=days), registered_by=registered_by)


def notes(**filters):
    return Notification.objects.filter(about_type__model="callbackrequest", **filters).order_by("pk")


def ask(world, **kwargs):
    return callbacks.request_callback(world.owner_su, by=world.owner, **kwargs)


# --- asking ------------------------------------------------------------------------------------------------------------


def test_the_request_goes_to_the_trust_person_and_the_user_is_told_who_calls_today(world):
    callback, created = ask(world, when="today", note="  Om  brevet fra NAV  ")
    assert created
    assert callback.case == world.case and callback.unit == world.unit
    assert callback.assigned_to == world.trust_person and callback.assigned_role == Role.PRIMARY
    assert callback.note == "Om brevet fra NAV"
    assert callback.via == CallbackRequest.Via.MY_PAGE and callback.state == CallbackRequest.State.OPEN
    # Four working hours after the request: Tuesday 14.00.
    assert callback.due_by == at(TUESDAY, 14)
    assert callback.history.get().history_user == world.owner
    to_user = notes(recipient_service_user=world.owner_su).get()
    assert to_user.channel == Notification.Channel.SMS  # her preferred channel
    assert to_user.body == f"{world.trust_person.display_name} ringer deg i dag."
    assert "/r/" not in to_user.body  # the confirmation does not end with «Ring meg»
    to_staff = notes(recipient_user=world.trust_person).get()
    assert to_staff.channel == Notification.Channel.IN_APP
    assert "Kari Nordmann" in to_staff.subject and "i dag" in to_staff.body


def test_while_the_trust_person_is_away_the_deputy_gets_it(world):
    away(world.trust_person, world.leader)
    callback, _created = ask(world)
    assert callback.assigned_to == world.deputy and callback.assigned_role == Role.DEPUTY
    assert notes(recipient_user=world.deputy).count() == 1
    assert not notes(recipient_user=world.trust_person).exists()
    assert notes(recipient_service_user=world.owner_su).get().body == f"{world.deputy.display_name} ringer deg i dag."


def test_when_both_are_away_it_is_the_duty_phones_and_the_units_leaders_are_told(world):
    away(world.trust_person, world.leader)
    away(world.deputy, world.leader)
    callback, _created = ask(world)
    assert callback.assigned_to is None and callback.assigned_role == Role.DUTY
    [alert] = notes(recipient_user__isnull=False)
    assert alert.recipient_user == world.leader
    assert "verken kontaktpersonen eller stedfortrederen" in alert.body
    assert notes(recipient_service_user=world.owner_su).get().body == "Vi ringer deg i dag."


def test_staff_who_chose_sms_alerts_get_an_sms_that_names_no_one(world):
    world.trust_person.sms_alerts = True
    world.trust_person.phone = "+4790000111"
    world.trust_person.save()
    ask(world, note="Jeg har det vondt")
    sms = notes(recipient_user=world.trust_person, channel=Notification.Channel.SMS).get()
    assert sms.address == "+4790000111"
    assert "Kari" not in sms.body and "Nordmann" not in sms.body and "vondt" not in sms.body
    assert "/r/" not in sms.body  # staff get no «Ring meg» link


def test_five_presses_are_one_request_and_one_message_to_each(world):
    first, created = ask(world)
    assert created
    for _ in range(4):
        again, created = ask(world, when="tomorrow_morning", note="igjen")
        assert again == first and not created
    assert CallbackRequest.objects.count() == 1
    assert CallbackRequest.objects.get().when == "soon"  # the open one, as it was asked
    assert notes(recipient_service_user=world.owner_su).count() == 1
    assert notes(recipient_user=world.trust_person).count() == 1


def test_a_lost_race_on_the_constraint_returns_the_open_request(world, monkeypatch):
    """Two presses at once: the second passes the check before the first is saved; the constraint decides."""
    first, _created = ask(world)
    real, calls = callbacks.open_request, []

    def the_first_look_sees_nothing(case_id):
        calls.append(case_id)
        return None if len(calls) == 1 else real(case_id)

    monkeypatch.setattr(callbacks, "open_request", the_first_look_sees_nothing)
    again, created = ask(world)
    assert again == first and not created
    assert CallbackRequest.objects.count() == 1


def test_the_database_allows_one_open_request_per_case(world):
    callback, _created = ask(world)
    duplicate = CallbackRequest(case=world.case, service_user=world.owner_su, unit=world.unit,
                                requested_at=timezone.now(), assigned_role=Role.PRIMARY, due_by=timezone.now())
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_after_the_last_is_done_a_new_one_can_be_asked(world):
    callback, _created = ask(world)
    callbacks.mark_callback(world.trust_person, callback, "called")
    again, created = ask(world)
    assert created and again != callback


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"note": "x" * 301}, "note", "Skriv høyst 300 tegn."),
        ({"when": "i_natt"}, "when", "Velg når det passer"),
        ({"when": 3}, "when", "Velg når det passer"),
        ({"note": ["liste"]}, "note", "Skriv noen ord"),
    ],
)
def test_bad_input_is_a_clear_message_and_nothing_is_written(world, kwargs, field, message):
    with pytest.raises(ServiceError) as error:
        ask(world, **kwargs)
    assert error.value.field == field and error.value.message.startswith(message)
    assert not CallbackRequest.objects.exists() and not Notification.objects.exists()


def test_a_note_of_exactly_300_characters_is_kept(world):
    callback, _created = ask(world, note="ø" * 300)
    assert callback.note == "ø" * 300


def test_without_an_open_case_there_is_nobody_to_call(world):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    with pytest.raises(ServiceError, match="ingen åpen oppfølging"):
        ask(world)
    assert not CallbackRequest.objects.exists()


def test_without_a_phone_number_the_user_is_asked_for_one(world):
    world.owner_su.phone = ""
    world.owner_su.save()
    with pytest.raises(ServiceError, match="telefonnummeret ditt"):
        ask(world)
    assert not CallbackRequest.objects.exists()


def test_a_user_with_two_open_cases_is_called_about_the_newest(world):
    other_unit = f.OrganisationFactory(name="Oppfølgingstjenesten Vest", municipality=world.municipality)
    other_tp = f.UserFactory(username="tillit_vest")
    f.MembershipFactory(user=other_tp, organisation=other_unit)
    newer = f.FollowUpFactory(service_user=world.owner_su, unit=other_unit, trust_person=other_tp,
                              started_on=world.case.started_on + datetime.timedelta(days=10))
    callback, _created = ask(world)
    assert callback.case == newer and callback.assigned_to == other_tp and callback.unit == other_unit


def test_the_user_is_told_by_their_own_channel(world):
    world.owner_su.preferred_channel = "email"
    world.owner_su.email = "kari@example.no"
    world.owner_su.save()
    ask(world)
    assert notes(recipient_service_user=world.owner_su).get().channel == Notification.Channel.EMAIL


# --- outside working hours: the user is told when -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "when", "promise", "due"),
    [
        # Friday evening: Monday morning; four working hours from Monday 08.00.
        (at(datetime.date(2026, 11, 27), 17), "soon", "mandag formiddag", at(datetime.date(2026, 11, 30), 12)),
        # Tuesday evening, for tomorrow afternoon: Wednesday from 12.00, due Thursday 08.30.
        (at(TUESDAY, 19), "tomorrow_afternoon", "i morgen ettermiddag", at(datetime.date(2026, 11, 26), 8, 30)),
        # Saturday, «i dag»: nobody works today, so Monday.
        (at(datetime.date(2026, 11, 28), 11), "today", "mandag formiddag", at(datetime.date(2026, 11, 30), 12)),
        # Tuesday at 06.00: today, from eight.
        (at(TUESDAY, 6), "soon", "i dag", at(TUESDAY, 12)),
    ],
)
def test_outside_working_hours_the_user_is_told_when(world, moment, when, promise, due):
    with time_machine.travel(moment, tick=False):
        callback, _created = ask(world, when=when)
    assert callback.due_by == due
    body = notes(recipient_service_user=world.owner_su).get().body
    assert body == f"{world.trust_person.display_name} ringer deg {promise}."


def test_on_the_duty_phone_outside_hours_we_call_on_monday(world):
    friday = datetime.date(2026, 11, 27)
    for person in (world.trust_person, world.deputy):
        Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=friday,
                               ends_on=friday + datetime.timedelta(days=7), registered_by=world.leader)
    with time_machine.travel(at(friday, 17), tick=False):
        ask(world)
    assert notes(recipient_service_user=world.owner_su).get().body == "Vi ringer deg mandag formiddag."


# --- marking ------------------------------------------------------------------------------------------------------------


def test_ringt_writes_a_phone_contact_in_the_log_and_closes_it(world, clock):
    callback, _created = ask(world)
    clock.shift(datetime.timedelta(minutes=40))
    done = callbacks.mark_callback(world.trust_person, callback, "called")
    assert done.state == CallbackRequest.State.DONE and done.outcome == "called"
    assert done.handled_at == done.done_at == timezone.now() and done.handled_by == world.trust_person
    assert done.attempts == 1
    entry = done.log_entry
    assert entry.kind == FollowUpEntry.Kind.PHONE and entry.follow_up == world.case
    assert entry.written_by == world.trust_person and entry.is_contact
    assert entry.note == "Ringte tilbake etter «Ring meg»."
    assert entry.history.get().history_user == world.trust_person  # written through the log's service
    assert done.history.count() == 2


def test_sendt_sms_is_an_sms_contact(world):
    callback, _created = ask(world)
    done = callbacks.mark_callback(world.trust_person, callback, "sms_sent")
    assert done.state == CallbackRequest.State.DONE and done.log_entry.kind == FollowUpEntry.Kind.SMS


def test_no_answer_is_a_tried_contact_keeps_it_open_and_tells_the_user(world, clock):
    callback, _created = ask(world)
    due = callback.due_by
    clock.shift(datetime.timedelta(minutes=15))
    tried = callbacks.mark_callback(world.trust_person, callback, "no_answer")
    assert tried.state == CallbackRequest.State.OPEN and tried.attempts == 1 and tried.outcome == "no_answer"
    assert tried.log_entry.kind == FollowUpEntry.Kind.NOT_MET and not tried.log_entry.is_contact
    assert tried.handled_at == timezone.now()
    # The escalation clock starts again from the mark: 4 working hours on (it was due 15 minutes earlier).
    assert tried.due_by == due + datetime.timedelta(minutes=15)
    told = notes(recipient_service_user=world.owner_su).order_by("-pk").first()
    assert told.body.startswith(f"{world.trust_person.display_name} prøvde å ringe deg kl. 10.15")
    clock.shift(datetime.timedelta(hours=1))
    again = callbacks.mark_callback(world.trust_person, tried, "no_answer")
    assert again.attempts == 2 and again.handled_at == tried.handled_at  # the first mark is kept
    assert FollowUpEntry.objects.filter(kind=FollowUpEntry.Kind.NOT_MET).count() == 2
    done = callbacks.mark_callback(world.trust_person, again, "called")
    assert done.state == CallbackRequest.State.DONE and done.attempts == 3


def test_a_done_request_is_not_marked_again(world):
    callback, _created = ask(world)
    callbacks.mark_callback(world.trust_person, callback, "called")
    entries = FollowUpEntry.objects.count()
    with pytest.raises(ServiceError, match="allerede merket ferdig"):
        callbacks.mark_callback(world.deputy, callback, "sms_sent")
    assert FollowUpEntry.objects.count() == entries
    assert CallbackRequest.objects.get().outcome == "called"


def test_a_bad_outcome_is_a_clear_message(world):
    callback, _created = ask(world)
    with pytest.raises(ServiceError, match="Velg hva som skjedde"):
        callbacks.mark_callback(world.trust_person, callback, "kanskje")
    assert not FollowUpEntry.objects.exists()


@pytest.mark.parametrize("who", ["deputy", "leader"])
def test_the_deputy_and_the_leader_may_mark(world, who):
    callback, _created = ask(world)
    done = callbacks.mark_callback(getattr(world, who), callback, "called")
    assert done.log_entry.written_by == getattr(world, who)


@pytest.mark.parametrize("who", ["other_trust_person", "other_leader", "partner_valid", "owner", "admin"])
def test_nobody_else_may_mark(world, who):
    callback, _created = ask(world)
    with pytest.raises(PermissionDenied):
        callbacks.mark_callback(getattr(world, who), callback, "called")
    assert not FollowUpEntry.objects.exists()


# --- what Min side shows ---------------------------------------------------------------------------------------------


def test_min_side_shows_the_promise_then_who_called(world, clock):
    assert callbacks.my_callback(world.owner).can_ask
    callback, _created = ask(world)
    state = callbacks.my_callback(world.owner)
    assert state.open == callback and state.promise == f"{world.trust_person.display_name} ringer deg i dag."
    clock.shift(datetime.timedelta(minutes=5))
    callbacks.mark_callback(world.trust_person, callback, "no_answer")
    assert callbacks.my_callback(world.owner).tried == (
        f"{world.trust_person.display_name} prøvde å ringe deg i dag kl. 10.05, men fikk ikke svar. Vi prøver igjen.")
    clock.shift(datetime.timedelta(minutes=30))
    callbacks.mark_callback(world.deputy, callback, "called")
    state = callbacks.my_callback(world.owner)
    assert state.open is None and state.called == f"{world.deputy.display_name} ringte deg i dag kl. 10.35."
    clock.shift(datetime.timedelta(days=1))
    assert callbacks.my_callback(world.owner).called == f"{world.deputy.display_name} ringte deg i går kl. 10.35."
    clock.shift(datetime.timedelta(days=callbacks.RECENT_DAYS))
    assert callbacks.my_callback(world.owner).done is None


def test_staff_and_users_without_a_case_get_no_section(world):
    assert callbacks.my_callback(world.trust_person) is None
    FollowUp.objects.filter(service_user=world.owner_su).update(status=FollowUp.Status.ENDED)
    assert callbacks.my_callback(world.owner) is None


def test_the_leaders_of_the_unit_cover_the_duty_phone_before_other_leaders_in_the_municipality(world):
    from reach.escalation import unit_leaders

    elsewhere = f.OrganisationFactory(name="Rusteamet", municipality=world.municipality)
    f.MembershipFactory(user=f.UserFactory(username="leder_rus"), organisation=elsewhere,
                        role=Membership.Role.LEADER)
    assert unit_leaders(world.case) == [world.leader]
    Membership.objects.filter(user=world.leader).delete()
    assert [u.username for u in unit_leaders(world.case)] == ["leder_rus"]
