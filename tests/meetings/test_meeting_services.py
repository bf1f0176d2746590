"""Meetings: scheduling, moving, cancelling (everyone told), the chair handed on, apologies and attendance."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator.models import Consent, Notification, ServiceUser
from koordinator.services import ServiceError
from meetings import services, tokens
from meetings.models import AgendaItem, Attendance, Meeting
from tests.meetings.conftest import fresh, later, move_to_past, notifications_to

pytestmark = pytest.mark.django_db


# --- scheduling -----------------------------------------------------------------------------------------------------


def test_scheduling_invites_every_member_by_their_channel(world, group, gp_member, nav_member):
    Notification.objects.all().delete()
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="user_home",
                                        place_detail="Storgata 1", note="Vi ser på planen.")
    assert meeting.status == Meeting.Status.PLANNED and meeting.sequence == 0
    [to_user] = notifications_to(world.owner_su)
    assert to_user.channel == "sms"  # the user prefers SMS
    assert "hjemme hos deg" in to_user.body and "Kari" in to_user.body
    assert "si fra til" in to_user.body
    [to_gp] = notifications_to(world.partner_valid)
    assert to_gp.channel == "email" and to_gp.address == world.partner_valid.email
    assert to_gp.subject.startswith("Innkalling: ansvarsgruppen til Kari Nordmann")
    assert "Vi ser på planen." in to_gp.body
    [to_nav] = notifications_to(world.partner_org_member)  # NAV is a member: its partner staff are told
    assert to_nav.channel == "email"
    [to_coordinator] = notifications_to(world.trust_person)  # the scheduler wants the calendar entry too
    assert to_coordinator.about == meeting
    # Partners who are not members, or whose consent is gone, are told nothing.
    for persona in ("partner_none", "partner_expired", "partner_withdrawn", "partner_wrong_scope", "other_owner"):
        assert not notifications_to(world.persona(persona))


def test_the_user_who_prefers_letters_gets_a_letter(world, group):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(preferred_channel="letter", address="Storgata 1",
                                                            postal_code="7010", city="Trondheim")
    Notification.objects.all().delete()
    services.schedule_meeting(world.trust_person, group, starts_at=later(10), place="office")
    [letter] = notifications_to(world.owner_su)
    assert letter.channel == "letter" and "Storgata 1" in letter.address


def test_a_member_whose_consent_expired_after_joining_is_not_invited(world, group, gp_member):
    Consent.objects.filter(pk=world.consent_valid.pk).update(valid_until=timezone.localdate() - datetime.timedelta(1))
    Notification.objects.all().delete()
    services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    assert not notifications_to(world.partner_valid)


def test_the_invitation_carries_an_apology_link_when_the_page_exists(world, group, gp_member, settings):
    settings.SITE_URL = "https://koordinator.example.no"
    Notification.objects.all().delete()
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")
    [to_gp] = notifications_to(world.partner_valid)
    # The token is signed with the time, so the link is read back rather than made again (the clock may tick).
    match = re.search(r"https://koordinator\.example\.no/ansvarsgrupper/forfall/([^/\s]+)/", to_gp.body)
    assert match, to_gp.body
    assert tokens.read_apology_token(match.group(1)) == (meeting.pk, gp_member.pk)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": "i morgen"}, "starts_at"),
        ({"starts_at": "31.02.2027 10.00"}, "starts_at"),
        ({"place": "kafé"}, "place"),
        ({"place": "other", "place_detail": ""}, "place_detail"),
        ({"place": "partner"}, "place_detail"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"duration_minutes": "lenge"}, "duration_minutes"),
        ({"place_detail": "x" * 201}, "place_detail"),
    ],
)
def test_bad_input_for_a_meeting_is_a_clear_error_and_nothing_is_saved(world, group, changes, field):
    data = {"starts_at": later(3), "place": "office", **changes}
    with pytest.raises(ServiceError) as error:
        services.schedule_meeting(world.trust_person, group, **data)
    assert error.value.field == field
    assert not Meeting.objects.exists()
    assert not Notification.objects.filter(subject__startswith="Innkalling").exists()


def test_a_meeting_cannot_be_planned_in_the_past(world, group):
    with pytest.raises(ServiceError) as error:
        services.schedule_meeting(world.trust_person, group, starts_at=later(-1), place="office")
    assert error.value.message == "Møtet kan ikke være tilbake i tid."


def test_the_norwegian_way_of_writing_the_time_is_understood(world, group):
    day = timezone.localdate() + datetime.timedelta(days=5)
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=f"{day:%d.%m.%Y} kl. 14.00",
                                        place="office")
    assert timezone.localtime(meeting.starts_at).hour == 14


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "partner_org_member", "other_trust_person"])
def test_only_managers_schedule(world, group, gp_member, nav_member, persona):
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(world.persona(persona), group, starts_at=later(3), place="office")
    assert not Meeting.objects.exists()


# --- moving and cancelling ------------------------------------------------------------------------------------------


def test_moving_a_meeting_tells_everyone_with_a_new_invitation_version(world, meeting):
    Notification.objects.all().delete()
    meeting = services.change_meeting(world.trust_person, meeting, starts_at=later(4, hour=12),
                                      reason="Fastlegen kan ikke torsdag")
    assert meeting.sequence == 1
    assert meeting.status_note == "Fastlegen kan ikke torsdag"
    [to_user] = notifications_to(world.owner_su)
    assert "er endret" in to_user.body and "Fastlegen kan ikke torsdag" in to_user.body
    [to_gp] = notifications_to(world.partner_valid)
    assert to_gp.subject.startswith("Endret møte")
    assert "kl. 12.00" in to_gp.body
    assert meeting.history.order_by("-history_id").first().history_change_reason == "Møtet er endret: tidspunkt"


def test_changing_only_the_message_is_saved_quietly(world, meeting):
    Notification.objects.all().delete()
    meeting = services.change_meeting(world.trust_person, meeting, note="Ta med timeplanen.")
    assert meeting.note == "Ta med timeplanen." and meeting.sequence == 0
    assert not Notification.objects.exists()


def test_moving_cancels_the_reminders_written_for_the_old_time(world, meeting):
    from koordinator import outbox

    reminder = outbox.notify(world.partner_valid, "Påminnelse", "x", about=meeting,
                             dedupe_key=f"meeting:{meeting.pk}:reminder:{meeting.starts_at.isoformat()}:u1",
                             due_at=timezone.now() + datetime.timedelta(days=1))
    services.change_meeting(world.trust_person, meeting, starts_at=later(5))
    assert fresh(reminder).state == Notification.State.CANCELLED


def test_a_meeting_cannot_be_moved_into_the_past_or_after_it_started(world, meeting):
    with pytest.raises(ServiceError):
        services.change_meeting(world.trust_person, meeting, starts_at=later(-2))
    with pytest.raises(ServiceError):
        services.change_meeting(world.trust_person, meeting, colour="blue")
    move_to_past(meeting, 1)
    with pytest.raises(ServiceError) as error:
        services.change_meeting(world.trust_person, meeting, place="office")
    assert error.value.message == "Møtet har allerede startet."


def test_cancelling_needs_a_reason_and_tells_everyone(world, meeting):
    with pytest.raises(ServiceError) as error:
        services.cancel_meeting(world.trust_person, meeting, "")
    assert error.value.field == "reason"
    assert fresh(meeting).status == Meeting.Status.PLANNED
    Notification.objects.all().delete()
    meeting = services.cancel_meeting(world.trust_person, meeting, "Kari er syk")
    assert meeting.status == Meeting.Status.CANCELLED and meeting.cancelled_at and meeting.sequence == 1
    assert "avlyst" in notifications_to(world.owner_su)[0].body
    assert notifications_to(world.partner_valid)[0].subject.startswith("Avlyst")
    assert notifications_to(world.partner_org_member)
    with pytest.raises(ServiceError):
        services.cancel_meeting(world.trust_person, meeting, "igjen")


# --- the chair ------------------------------------------------------------------------------------------------------


def test_the_leader_hands_the_chair_to_the_deputy_who_is_told(world, meeting):
    meeting = services.hand_over_chair(world.leader, meeting, world.deputy)
    assert meeting.chair_person == world.deputy
    assert services.chair_of(meeting) == world.deputy
    assert notifications_to(world.deputy)[-1].subject.startswith("Du leder et møte")
    assert "leder møtet" in notifications_to(world.owner_su)[-1].body
    meeting = services.hand_over_chair(world.leader, meeting, None)
    assert services.chair_of(meeting) == world.trust_person


def test_the_chair_goes_only_to_someone_who_works_on_the_case(world, meeting):
    with pytest.raises(ServiceError) as error:
        services.hand_over_chair(world.leader, meeting, world.other_trust_person)
    assert error.value.field == "chair_person"
    with pytest.raises(PermissionDenied):
        services.hand_over_chair(world.partner_valid, meeting, world.deputy)
    assert fresh(meeting).chair_person is None


# --- apologies (forfall) --------------------------------------------------------------------------------------------


def test_a_partner_sends_apologies_from_the_page_and_the_coordinator_is_told(world, meeting, gp_member):
    attendance = services.send_apologies(world.partner_valid, meeting, message="Har vakt på legevakten.")
    assert attendance.member == gp_member
    assert attendance.status == Attendance.Status.APOLOGIES
    assert attendance.via == Attendance.Via.PAGE
    message = notifications_to(world.trust_person)[-1]
    assert message.subject.startswith("Forfall")
    assert "Har vakt på legevakten." in message.body


def test_someone_from_a_member_service_sends_apologies_for_it(world, meeting, nav_member):
    attendance = services.send_apologies(world.partner_org_member, meeting)
    assert attendance.member == nav_member


def test_the_user_sends_apologies_for_themselves(world, meeting, user_member):
    assert services.send_apologies(world.owner, meeting).member == user_member


def test_apologies_with_the_link_need_no_login(world, meeting, gp_member):
    token = tokens.apology_token(meeting.pk, gp_member.pk)
    assert services.apology_link(token) == (meeting, gp_member)
    attendance = services.send_apologies_by_link(token, "Beklager!")
    assert attendance.via == Attendance.Via.LINK and attendance.message == "Beklager!"
    assert attendance.history.first().history_user == world.partner_valid


@pytest.mark.parametrize("token", ["", "tull", "eyJtZWV0aW5nIjoxfQ:abc:def"])
def test_a_broken_link_is_a_clear_error(world, meeting, token):
    with pytest.raises(ServiceError) as error:
        services.send_apologies_by_link(token)
    assert error.value.field == "token"
    assert not Attendance.objects.exists()


def test_a_link_for_a_member_of_another_meeting_is_refused(world, meeting, held_meeting, gp_member):
    other = services.create_group(world.other_trust_person, world.other_case)
    other_meeting = services.schedule_meeting(world.other_trust_person, other, starts_at=later(3), place="office")
    with pytest.raises(ServiceError):
        services.send_apologies_by_link(tokens.apology_token(other_meeting.pk, gp_member.pk))
    assert not Attendance.objects.exists()


def test_the_link_stops_working_when_the_consent_is_withdrawn(world, meeting, gp_member):
    token = tokens.apology_token(meeting.pk, gp_member.pk)
    Consent.objects.filter(pk=world.consent_valid.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(ServiceError) as error:
        services.send_apologies_by_link(token)
    assert "ikke lenger tilgang" in error.value.message
    assert not Attendance.objects.exists()


def test_no_apologies_after_the_meeting_started_or_when_it_is_cancelled(world, meeting, gp_member):
    token = tokens.apology_token(meeting.pk, gp_member.pk)
    services.cancel_meeting(world.trust_person, meeting, "Syk")
    with pytest.raises(ServiceError):
        services.send_apologies(world.partner_valid, meeting)
    with pytest.raises(ServiceError) as error:
        services.send_apologies_by_link(token)
    assert error.value.message == "Møtet er avlyst." and error.value.field == "token"
    assert not Attendance.objects.exists()


def test_the_link_cannot_be_used_once_the_meeting_has_started(world, meeting, gp_member):
    token = tokens.apology_token(meeting.pk, gp_member.pk)
    move_to_past(meeting, 0, hour=0)
    with pytest.raises(ServiceError) as error:
        services.apology_link(token)
    assert error.value.message == "Møtet har allerede startet."


def test_a_manager_records_apologies_phoned_in_and_a_stranger_cannot(world, meeting, gp_member, nav_member):
    attendance = services.send_apologies(world.trust_person, meeting, member=gp_member, message="Ringte")
    assert attendance.via == Attendance.Via.RECORDED
    with pytest.raises(PermissionDenied):
        services.send_apologies(world.partner_org_member, meeting, member=gp_member)
    with pytest.raises(PermissionDenied):
        services.send_apologies(world.partner_none, meeting)


def test_a_staff_member_who_is_not_a_member_is_told_so(world, meeting):
    with pytest.raises(ServiceError) as error:
        services.send_apologies(world.leader, meeting)
    assert error.value.field == "member"


# --- attendance -----------------------------------------------------------------------------------------------------


def test_attendance_is_recorded_after_the_meeting_and_the_meeting_is_held(world, meeting, gp_member, nav_member,
                                                                           user_member):
    services.send_apologies(world.partner_valid, meeting, message="Vakt")
    with pytest.raises(ServiceError) as error:
        services.record_attendance(world.trust_person, meeting, {user_member: "present"})
    assert error.value.message == "Møtet har ikke startet ennå."
    move_to_past(meeting, 0, hour=0)
    saved = services.record_attendance(world.trust_person, meeting, {user_member: "present", nav_member: "absent"})
    assert {a.member_id: a.status for a in saved} == {user_member.pk: "present", nav_member.pk: "absent"}
    # The apologies sent before the meeting stay, with their message.
    assert Attendance.objects.get(member=gp_member).message == "Vakt"
    meeting = fresh(meeting)
    assert meeting.status == Meeting.Status.HELD and meeting.agenda_is_frozen


def test_bad_attendance_changes_nothing(world, held_meeting, user_member):
    with pytest.raises(ServiceError):
        services.record_attendance(world.trust_person, held_meeting, {user_member: "sleeping"})
    with pytest.raises(ServiceError):
        services.record_attendance(world.trust_person, held_meeting, {"Kari": "present"})
    with pytest.raises(ServiceError):
        services.record_attendance(world.trust_person, held_meeting, {})
    assert not Attendance.objects.exists()
    assert fresh(held_meeting).status == Meeting.Status.PLANNED


def test_a_partner_cannot_record_attendance(world, held_meeting, user_member):
    with pytest.raises(PermissionDenied):
        services.record_attendance(world.partner_valid, held_meeting, {user_member: "present"})


# --- proposals for the agenda ---------------------------------------------------------------------------------------


def test_the_users_points_are_their_words_and_partners_points_are_proposals(world, meeting, user_member, gp_member):
    mine = services.propose_agenda_item(world.owner, meeting, title="Jeg vil snakke om boligen")
    assert mine.kind == AgendaItem.Kind.USER_WORDS and mine.proposed_by_member == user_member
    theirs = services.propose_agenda_item(world.partner_valid, meeting, title="Medisiner")
    assert theirs.kind == AgendaItem.Kind.PROPOSED and theirs.proposed_by_member == gp_member
    assert notifications_to(world.trust_person)[-1].subject.startswith("Nytt punkt")
    for_user = services.propose_agenda_item(world.trust_person, meeting, title="Kari vil ha jobb", for_user=True)
    assert for_user.kind == AgendaItem.Kind.USER_WORDS and for_user.proposed_by == world.trust_person


def test_proposals_need_a_title_and_a_planned_meeting(world, meeting, held_meeting):
    with pytest.raises(ServiceError):
        services.propose_agenda_item(world.owner, meeting, title=" ")
    services.mark_meeting_held(world.trust_person, held_meeting)
    with pytest.raises(ServiceError):
        services.propose_agenda_item(world.owner, held_meeting, title="For sent")
    assert not AgendaItem.objects.filter(kind__in=["user_words", "proposed"]).exists()


def test_a_partner_cannot_write_points_for_the_user_and_strangers_none_at_all(world, meeting, gp_member):
    with pytest.raises(PermissionDenied):
        services.propose_agenda_item(world.partner_valid, meeting, title="x", for_user=True)
    with pytest.raises(PermissionDenied):
        services.propose_agenda_item(world.partner_none, meeting, title="x")


def test_a_point_is_taken_off_by_whoever_proposed_it_or_a_manager(world, meeting, gp_member):
    item = services.propose_agenda_item(world.partner_valid, meeting, title="Medisiner")
    with pytest.raises(PermissionDenied):
        services.archive_agenda_item(world.owner, item)
    item = services.archive_agenda_item(world.partner_valid, item)
    assert item.archived_at is not None
    with pytest.raises(ServiceError):
        services.archive_agenda_item(world.trust_person, item)


def test_an_old_link_has_expired(world, meeting, gp_member):
    import time_machine

    token = tokens.apology_token(meeting.pk, gp_member.pk)
    with time_machine.travel(timezone.now() + tokens.APOLOGY_LINK_MAX_AGE + datetime.timedelta(days=1)):
        with pytest.raises(ServiceError) as error:
            tokens.read_apology_token(token)
    assert "for gammel" in error.value.message
    # Tampering with a valid token is caught too.
    with pytest.raises(ServiceError):
        tokens.read_apology_token(token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
