"""Reminders: the day before a meeting to every member, and overdue action items to the responsible and the
coordinator — each once, calm, and never to someone whose consent has ended."""

from __future__ import annotations

import datetime

import pytest

from koordinator import reminders as core_reminders
from koordinator.models import Consent, Notification
from meetings import reminders, services
from meetings.models import ActionItem, Meeting
from tests.meetings.conftest import days, later, notifications_to

pytestmark = pytest.mark.django_db


def reminders_to(recipient, about) -> list[Notification]:
    return [n for n in notifications_to(recipient) if n.about == about and "Påminnelse" in n.subject]


@pytest.fixture
def tomorrow(world, group, gp_member, nav_member) -> Meeting:
    meeting = services.schedule_meeting(world.trust_person, group, starts_at=later(1, hour=14), place="user_home")
    # Planned a week ago, so the reminder is due (a meeting planned after the reminder time gets none).
    Meeting.objects.filter(pk=meeting.pk).update(created_at=later(-7))
    meeting.refresh_from_db()
    return meeting


def test_both_are_registered_with_run_reminders():
    assert core_reminders.REMINDERS["ansvarsgruppemøter"] is reminders.meeting_reminders
    assert core_reminders.REMINDERS["oppgaver"] is reminders.overdue_action_item_reminders


def test_every_member_is_reminded_the_day_before_once(world, tomorrow):
    assert reminders.meeting_reminders(later(0, hour=11)) == 0  # not before MEETING_REMINDER_HOUR (12)
    written = reminders.meeting_reminders(later(0, hour=13))
    assert written == 4  # the user, the coordinator, the GP, and NAV's partner
    [to_user] = reminders_to(world.owner_su, tomorrow)
    assert to_user.channel == "sms" and "helt greit" in to_user.body
    [to_gp] = reminders_to(world.partner_valid, tomorrow)
    assert to_gp.channel == "email"
    assert "Hjemme hos brukeren – adressen får du av tillitspersonen" in to_gp.body  # a partner has no address
    assert reminders_to(world.partner_org_member, tomorrow) and reminders_to(world.trust_person, tomorrow)
    assert "Sted: Hjemme hos brukeren." in reminders_to(world.trust_person, tomorrow)[0].body
    assert reminders.meeting_reminders(later(0, hour=13)) == 0
    assert reminders.meeting_reminders(later(0, hour=18)) == 0


def test_no_reminder_to_those_who_sent_apologies_or_lost_their_consent(world, tomorrow):
    services.send_apologies(world.partner_valid, tomorrow, message="Vakt")
    Consent.objects.filter(pk=world.consent_org.pk).update(valid_until=days(-1))
    assert reminders.meeting_reminders(later(0, hour=13)) == 2
    assert not reminders_to(world.partner_valid, tomorrow)
    assert not reminders_to(world.partner_org_member, tomorrow)


def test_a_moved_meeting_is_reminded_again_for_its_new_time(world, tomorrow):
    reminders.meeting_reminders(later(0, hour=13))
    services.change_meeting(world.trust_person, tomorrow, starts_at=later(1, hour=16))
    assert reminders.meeting_reminders(later(0, hour=13) + datetime.timedelta(minutes=5)) == 4
    assert len(reminders_to(world.partner_valid, tomorrow)) == 2


def test_cancelled_meetings_and_fresh_invitations_get_no_reminder(world, group, tomorrow):
    planned_late = services.schedule_meeting(world.trust_person, group, starts_at=later(1, hour=9), place="office")
    # Planned after the reminder hour the day before: the invitation itself was the reminder.
    Meeting.objects.filter(pk=planned_late.pk).update(created_at=later(0, hour=15))
    services.cancel_meeting(world.trust_person, tomorrow, "Syk")
    assert reminders.meeting_reminders(later(0, hour=23)) == 0


def test_a_paused_group_gets_no_reminders(world, group, tomorrow):
    group.status, group.status_reason = "paused", "Innlagt"
    group.save()
    assert reminders.meeting_reminders(later(0, hour=13)) == 0


# --- overdue action items ---------------------------------------------------------------------------------------------


@pytest.fixture
def overdue(world, held_meeting, gp_member) -> ActionItem:
    item = services.add_action_item(world.trust_person, held_meeting, what="Sende epikrise", responsible=gp_member,
                                    due_on=days(1))
    ActionItem.objects.filter(pk=item.pk).update(due_on=days(-2))
    item.refresh_from_db()
    return item


def overdue_to(recipient, item) -> list[Notification]:
    return [n for n in notifications_to(recipient) if n.about == item and "frist" in n.body]


def test_an_overdue_item_reminds_the_responsible_and_the_coordinator_once_each(world, overdue):
    assert reminders.overdue_action_item_reminders(later(0, hour=9)) == 0  # from ACTION_ITEM_REMINDER_HOUR (10)
    assert reminders.overdue_action_item_reminders(later(0, hour=10)) == 2
    [to_gp] = overdue_to(world.partner_valid, overdue)
    assert to_gp.channel == "email" and "Sende epikrise" in to_gp.body
    [to_coordinator] = overdue_to(world.trust_person, overdue)
    assert to_coordinator.channel == "in_app" and "Legesenteret" in to_coordinator.body
    assert reminders.overdue_action_item_reminders(later(0, hour=11)) == 0
    assert reminders.overdue_action_item_reminders(later(1, hour=11)) == 0


def test_a_new_due_date_gives_a_new_reminder(world, overdue):
    reminders.overdue_action_item_reminders(later(0, hour=10))
    ActionItem.objects.filter(pk=overdue.pk).update(due_on=days(-1))
    assert reminders.overdue_action_item_reminders(later(0, hour=10)) == 2


def test_the_user_gets_a_calm_reminder_by_their_channel(world, held_meeting, user_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Ringe tannlegen",
                                    responsible=user_member, due_on=days(1))
    ActionItem.objects.filter(pk=item.pk).update(due_on=days(-1))
    assert reminders.overdue_action_item_reminders(later(0, hour=10)) == 2
    [to_user] = overdue_to(world.owner_su, item)
    assert to_user.subject == "En vennlig påminnelse" and to_user.channel == "sms"
    assert "Gikk det?" in to_user.body


def test_the_coordinators_own_item_reminds_them_once(world, held_meeting, coordinator_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Søke", responsible=coordinator_member,
                                    due_on=days(1))
    ActionItem.objects.filter(pk=item.pk).update(due_on=days(-1))
    assert reminders.overdue_action_item_reminders(later(0, hour=10)) == 1


def test_closed_items_and_partners_without_consent_get_nothing(world, overdue, held_meeting, nav_member):
    services.set_action_item_status(world.partner_valid, overdue, "done")
    nav_item = services.add_action_item(world.trust_person, held_meeting, what="AAP", responsible=nav_member,
                                        due_on=days(1))
    ActionItem.objects.filter(pk=nav_item.pk).update(due_on=days(-1))
    Consent.objects.filter(pk=world.consent_org.pk).update(withdrawn_at=later(-1))
    assert reminders.overdue_action_item_reminders(later(0, hour=10)) == 1  # only the coordinator
    assert not overdue_to(world.partner_org_member, nav_item)


def test_run_all_runs_them(world, tomorrow, overdue):
    counts = core_reminders.run_all(later(0, hour=13))
    assert counts["ansvarsgruppemøter"] == 4 and counts["oppgaver"] == 2
    assert core_reminders.run_all(later(0, hour=13))["oppgaver"] == 0
