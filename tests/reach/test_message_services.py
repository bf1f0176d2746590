"""Messages between a user and their case's staff (issue 16): the services in ``reach.messages``.

Who may write, what is refused (and that nothing changes then), reading, taking back, the alerts through the outbox
(who gets them, by which channel, never the words, one per thread until read), the double submit and the SMS reply.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator import services as core_services
from koordinator.models import Absence, FollowUp, Notification, ServiceUser
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from reach import messages
from reach.models import MESSAGE_MAX_LENGTH, Message
from tests import factories as f

pytestmark = pytest.mark.django_db

# A Tuesday in Oslo, mid-morning (no quiet hours, no weekend).
TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def alerts(**filters):
    return Notification.objects.filter(about_type__model="message", **filters).order_by("pk")


def away(person, registered_by, days=3):
    today = timezone.localdate()
    return Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=today,
                                  ends_on=today + datetime.timedelta(days=days), registered_by=registered_by)


# --- writing -------------------------------------------------------------------------------------------------------


def test_the_user_writes_and_the_trust_person_is_told_in_the_app_without_the_words(world):
    message = messages.send_as_user(world.owner, world.case, "  Kan vi flytte avtalen på torsdag?  ")
    assert message.body == "Kan vi flytte avtalen på torsdag?"
    assert message.from_service_user and message.author == world.owner and message.via == Message.Via.WEB
    assert message.history.count() == 1 and message.history.first().history_user == world.owner
    [alert] = alerts()
    assert alert.recipient_user == world.trust_person and alert.channel == Notification.Channel.IN_APP
    assert "Kari Nordmann" in alert.subject
    assert "torsdag" not in alert.subject + alert.body
    assert f"/saker/{world.case.pk}/meldinger/" in alert.body


def test_staff_who_chose_sms_alerts_get_an_sms_with_no_content_too(world):
    world.trust_person.sms_alerts = True
    world.trust_person.phone = "+4790000001"
    world.trust_person.save()
    messages.send_as_user(world.owner, world.case, "Jeg har det ikke så bra i dag.")
    sms = alerts(channel=Notification.Channel.SMS).get()
    assert sms.recipient_user == world.trust_person and sms.address == "+4790000001"
    assert sms.body.startswith("Ny melding fra Kari i Koordinator")
    assert "bra" not in sms.body and "Nordmann" not in sms.body
    assert alerts(channel=Notification.Channel.IN_APP).count() == 1


def test_while_the_trust_person_is_away_the_deputy_is_told(world):
    away(world.trust_person, world.leader)
    messages.send_as_user(world.owner, world.case, "Hei, er du der?")
    assert [a.recipient_user for a in alerts()] == [world.deputy]


def test_when_both_are_away_the_leaders_of_the_municipality_are_told(world):
    away(world.trust_person, world.leader)
    away(world.deputy, world.leader)
    messages.send_as_user(world.owner, world.case, "Hei, er noen der?")
    assert [a.recipient_user for a in alerts()] == [world.leader]


def test_staff_write_and_the_user_is_told_by_their_channel_with_the_writers_name_and_no_words(world):
    world.deputy.first_name, world.deputy.last_name = "Siri", "Stedfortreder"
    world.deputy.save()
    message = messages.send_as_staff(world.deputy, world.case, "Jeg ringer deg i morgen klokka ti.")
    assert not message.from_service_user and message.author == world.deputy
    [alert] = alerts()
    assert alert.recipient_service_user == world.owner_su and alert.channel == Notification.Channel.SMS
    assert alert.address == world.owner_su.phone
    assert "Siri Stedfortreder" in alert.body and "/min-side/meldinger/" in alert.body
    assert "klokka" not in alert.body + alert.subject


def test_a_user_who_prefers_letters_but_has_a_login_is_told_in_the_app(world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(preferred_channel=ServiceUser.Channel.LETTER, phone="",
                                                            email="")
    messages.send_as_staff(world.trust_person, world.case, "Hei!")
    assert alerts().get().channel == Notification.Channel.IN_APP


def test_many_messages_in_a_row_alert_once_until_read(world):
    world.trust_person.sms_alerts = True
    world.trust_person.phone = "+4790000001"
    world.trust_person.save()
    for i in range(5):
        messages.send_as_user(world.owner, world.case, f"Melding {i}")
    assert alerts(channel=Notification.Channel.SMS).count() == 1
    assert alerts(channel=Notification.Channel.IN_APP).count() == 1
    messages.mark_read(world.trust_person, world.case)
    messages.send_as_user(world.owner, world.case, "En til, etter at du leste")
    assert alerts(channel=Notification.Channel.SMS).count() == 2
    # The other way too.
    for i in range(3):
        messages.send_as_staff(world.trust_person, world.case, f"Svar {i}")
    assert alerts(recipient_service_user=world.owner_su).count() == 1


def test_answering_marks_the_other_sides_messages_read(world):
    first = messages.send_as_user(world.owner, world.case, "Hei")
    messages.send_as_staff(world.trust_person, world.case, "Hei på deg")
    first.refresh_from_db()
    assert first.read_at is not None and first.read_by == world.trust_person


@pytest.mark.parametrize("body", ["", "   \n\t ", None, "x" * (MESSAGE_MAX_LENGTH + 1), "x" * 10_000, 42])
def test_bad_words_are_refused_with_a_clear_message_and_nothing_saved(world, body):
    for send, user in ((messages.send_as_user, world.owner), (messages.send_as_staff, world.trust_person)):
        with pytest.raises(ServiceError) as error:
            send(user, world.case, body)
        assert error.value.field == "body"
        assert error.value.message.startswith(("Skriv en melding", "Meldingen kan være høyst 2000 tegn",
                                               "Meldingen må være tekst"))
    assert not Message.objects.exists() and not Notification.objects.exists()


def test_a_nul_is_taken_out_of_the_words(world):
    """A form posted by hand may hold a NUL, which PostgreSQL cannot store (a 500): taken out, as from an SMS."""
    assert messages.send_as_user(world.owner, world.case, "Hei\x00 du").body == "Hei du"
    assert messages.send_as_staff(world.trust_person, world.case, "Hei\x00 igjen").body == "Hei igjen"
    with pytest.raises(ServiceError) as error:
        messages.send_as_user(world.owner, world.case, "\x00 \x00")
    assert error.value.field == "body" and error.value.message.startswith("Skriv en melding")


def test_the_longest_message_is_taken(world):
    assert len(messages.send_as_user(world.owner, world.case, "æ" * MESSAGE_MAX_LENGTH).body) == MESSAGE_MAX_LENGTH


def test_the_message_says_how_long_it_was(world):
    with pytest.raises(ServiceError) as error:
        messages.send_as_user(world.owner, world.case, "x" * 10_000)
    assert "10000" in error.value.message


def test_an_ended_case_takes_no_new_messages(world):
    messages.send_as_user(world.owner, world.case, "Før slutt")
    core_services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    world.case.refresh_from_db()
    before = (Message.objects.count(), Notification.objects.count())
    for send, user in ((messages.send_as_user, world.owner), (messages.send_as_staff, world.trust_person)):
        with pytest.raises(ServiceError, match="avsluttet"):
            send(user, world.case, "Etter slutt")
    with pytest.raises(ServiceError, match="avsluttet"):
        messages.receive_from_sms(world.case, "SMS etter slutt", at=timezone.now())
    assert (Message.objects.count(), Notification.objects.count()) == before
    assert not messages.is_writer(world.owner, world.case)


@pytest.mark.parametrize("persona", ["other_owner", "partner_valid", "partner_org_member", "other_trust_person",
                                     "other_leader", "admin"])
def test_only_the_owner_and_the_cases_staff_write(world, persona):
    user = world.persona(persona)
    with pytest.raises(PermissionDenied):
        messages.send_as_user(user, world.case, "Hei")
    with pytest.raises(PermissionDenied):
        messages.send_as_staff(user, world.case, "Hei")
    with pytest.raises(PermissionDenied):
        messages.mark_read(user, world.case)
    assert not Message.objects.exists()


def test_the_owner_cannot_write_as_staff_nor_staff_as_the_user(world):
    with pytest.raises(PermissionDenied):
        messages.send_as_staff(world.owner, world.case, "Hei")
    with pytest.raises(PermissionDenied):
        messages.send_as_user(world.trust_person, world.case, "Hei")


def test_the_leader_and_a_standing_deputy_are_case_staff(world):
    messages.send_as_staff(world.leader, world.case, "Hei fra lederen")
    standing = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standing, organisation=world.unit)
    case = f.FollowUpFactory(service_user=world.other_su, unit=world.unit, trust_person=world.trust_person)
    from koordinator.models import DeputyArrangement

    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    messages.send_as_staff(standing, case, "Hei fra den faste stedfortrederen")
    assert Message.objects.count() == 2


def test_staff_cannot_write_to_a_user_with_no_login(world):
    su = f.ServiceUserFactory(municipality=world.municipality, first_name="Uten", last_name="Innlogging")
    case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
    with pytest.raises(ServiceError, match="har ikke innlogging"):
        messages.send_as_staff(world.trust_person, case, "Hei")
    assert not Message.objects.exists()


# --- double submit -------------------------------------------------------------------------------------------------


def test_the_same_words_twice_within_seconds_is_one_message(world, clock):
    first = messages.send_as_user(world.owner, world.case, "Ring meg")
    clock.shift(datetime.timedelta(seconds=5))
    again = messages.send_as_user(world.owner, world.case, "  Ring meg ")
    assert again.pk == first.pk and Message.objects.count() == 1
    assert alerts().count() == 1


def test_the_same_words_later_or_other_words_are_new_messages(world, clock):
    messages.send_as_staff(world.trust_person, world.case, "Ok")
    messages.send_as_staff(world.trust_person, world.case, "Ok, takk")
    clock.shift(datetime.timedelta(seconds=messages.DOUBLE_SUBMIT_SECONDS + 1))
    messages.send_as_staff(world.trust_person, world.case, "Ok")
    assert Message.objects.count() == 3


def test_the_same_words_from_someone_else_are_a_new_message(world):
    messages.send_as_staff(world.trust_person, world.case, "Ok")
    messages.send_as_staff(world.deputy, world.case, "Ok")
    assert Message.objects.count() == 2


# --- reading -------------------------------------------------------------------------------------------------------


def test_mark_read_marks_only_the_other_sides_messages(world):
    mine = messages.send_as_user(world.owner, world.case, "Fra brukeren")
    theirs = messages.send_as_staff(world.trust_person, world.case, "Fra tillitspersonen")
    mine.refresh_from_db()
    assert mine.read_at is not None  # answered
    assert messages.unread_count(world.owner, world.case) == 1
    assert messages.mark_read(world.owner, world.case) == 1
    theirs.refresh_from_db()
    assert theirs.read_by == world.owner and theirs.history.count() == 2
    assert messages.mark_read(world.owner, world.case) == 0
    assert messages.unread_count(world.owner, world.case) == 0


def test_any_of_the_cases_staff_marks_the_users_messages_read(world):
    messages.send_as_user(world.owner, world.case, "Hei")
    assert messages.unread_count(world.deputy, world.case) == 1
    assert messages.mark_read(world.leader, world.case) == 1
    assert messages.unread_count(world.trust_person, world.case) == 0


# --- taking back ---------------------------------------------------------------------------------------------------


def test_the_writer_takes_back_an_unread_message_and_its_words_stay_in_the_history(world):
    message = messages.send_as_user(world.owner, world.case, "Glem det")
    messages.withdraw(world.owner, message)
    message.refresh_from_db()
    assert message.withdrawn_at is not None and message.body == "Glem det"
    assert message.history.count() == 2
    assert Message.objects.filter(pk=message.pk).exists()  # nothing deleted
    # The alert not sent yet is cancelled.
    assert alerts().get().state == Notification.State.CANCELLED
    shown = messages.shown(world.trust_person, world.case, [message])[0]
    assert shown.withdrawn and not shown.can_withdraw


def test_a_read_message_cannot_be_taken_back(world):
    message = messages.send_as_staff(world.trust_person, world.case, "Husk avtalen")
    messages.mark_read(world.owner, world.case)
    with pytest.raises(ServiceError, match="allerede lest"):
        messages.withdraw(world.trust_person, messages.Message.objects.get(pk=message.pk))
    assert Message.objects.get(pk=message.pk).withdrawn_at is None


def test_only_the_writer_takes_a_message_back(world):
    message = messages.send_as_staff(world.trust_person, world.case, "Husk avtalen")
    for user in (world.deputy, world.leader, world.owner):
        with pytest.raises(ServiceError, match="bare trekke tilbake meldinger du har skrevet selv"):
            messages.withdraw(user, message)
    sms = messages.receive_from_sms(world.case, "Ok", at=timezone.now())
    with pytest.raises(ServiceError):
        messages.withdraw(world.owner, sms)
    assert not Message.objects.filter(withdrawn_at__isnull=False).exists()


def test_twice_is_a_clear_message(world):
    message = messages.send_as_user(world.owner, world.case, "Glem det")
    messages.withdraw(world.owner, message)
    with pytest.raises(ServiceError, match="allerede trukket tilbake"):
        messages.withdraw(world.owner, message)


def test_taking_back_keeps_the_alert_another_unread_message_leans_on(world):
    first = messages.send_as_user(world.owner, world.case, "En")
    messages.send_as_user(world.owner, world.case, "To")
    messages.withdraw(world.owner, first)
    assert alerts().get().state == Notification.State.PENDING


def test_a_withdrawn_message_does_not_count_as_unread(world):
    message = messages.send_as_user(world.owner, world.case, "En")
    messages.withdraw(world.owner, message)
    assert messages.unread_count(world.trust_person, world.case) == 0
    messages.send_as_user(world.owner, world.case, "To")
    assert alerts(state=Notification.State.PENDING).count() == 1


# --- an SMS reply --------------------------------------------------------------------------------------------------


def test_an_sms_reply_lands_in_the_thread_and_the_staff_are_told(world):
    moment = timezone.now() - datetime.timedelta(minutes=2)
    message = messages.receive_from_sms(world.case, "  Ja, det passer  ", at=moment)
    assert message.from_service_user and message.author is None and message.via == Message.Via.SMS
    assert message.body == "Ja, det passer" and message.sent_at == moment
    assert message.service_user == world.owner_su
    assert alerts().get().recipient_user == world.trust_person
    shown = messages.shown(world.trust_person, world.case, [message])[0]
    assert shown.writer == "Kari Nordmann" and shown.role == "på SMS"


def test_a_long_sms_is_kept_whole_and_an_empty_one_refused(world):
    long = "ord " * 1000
    assert messages.receive_from_sms(world.case, long, at=timezone.now()).body == long.strip()
    with pytest.raises(ServiceError):
        messages.receive_from_sms(world.case, "   ", at=timezone.now())


# --- who wrote it --------------------------------------------------------------------------------------------------


def test_the_user_sees_who_answered_and_as_what(world):
    world.deputy.first_name, world.deputy.last_name = "Siri", "Stedfortreder"
    world.deputy.save()
    answers = [messages.send_as_staff(world.deputy, world.case, "Hei fra Siri"),
               messages.send_as_staff(world.trust_person, world.case, "Hei fra tillitspersonen"),
               messages.send_as_staff(world.leader, world.case, "Hei fra lederen")]
    shown = messages.shown(world.owner, world.case, answers)
    assert [(s.writer, s.role) for s in shown] == [
        ("Siri Stedfortreder", "stedfortreder"),
        (world.trust_person.display_name, "tillitsperson"),
        (world.leader.display_name, "leder"),
    ]
    assert not any(s.ours for s in shown)
    own = messages.shown(world.deputy, world.case, answers)
    assert own[0].writer == "Du" and own[0].can_withdraw and not own[1].can_withdraw and own[1].ours


def test_a_former_trust_person_is_named_without_a_role(world):
    message = messages.send_as_staff(world.trust_person, world.case, "Hei fra den gamle")
    FollowUp.objects.filter(pk=world.case.pk).update(trust_person=world.other_trust_person)
    world.case.refresh_from_db()
    [shown] = messages.shown(world.owner, world.case, [message])
    assert shown.writer == world.trust_person.display_name and shown.role == ""
