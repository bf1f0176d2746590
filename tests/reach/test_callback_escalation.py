"""«Ring meg» escalation (issue 16, point 2): working time, the steps (deputy, then leader), once each under cron, across
a weekend and a holiday with the clock frozen, and the user never left without a word.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from koordinator import reminders
from koordinator.models import Absence, Notification
from koordinator.timeutil import at
from reach import callbacks, escalation
from reach.models import CallbackRequest

pytestmark = pytest.mark.django_db

Role = CallbackRequest.Role
FRIDAY = datetime.date(2026, 11, 27)
MONDAY = datetime.date(2026, 11, 30)
# Easter 2027: Thursday 25 March to Monday 29 March are holidays (skjærtorsdag, langfredag, andre påskedag).
BEFORE_EASTER = datetime.date(2027, 3, 24)  # a Wednesday
TUESDAY_AFTER_EASTER = datetime.date(2027, 3, 30)


def run(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return escalation.escalate_due(timezone.now())


def ask(world, moment, **kwargs) -> CallbackRequest:
    with time_machine.travel(moment, tick=False):
        callback, _created = callbacks.request_callback(world.owner_su, by=world.owner, **kwargs)
    return callback


def to_user(world):
    return list(Notification.objects.filter(recipient_service_user=world.owner_su,
                                            about_type__model="callbackrequest").order_by("pk").values_list("body",
                                                                                                          flat=True))


def staff_told(user):
    return Notification.objects.filter(recipient_user=user, about_type__model="callbackrequest").count()


def sick(person, first, last, by):
    return Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=first, ends_on=last,
                                  registered_by=by)


# --- working time --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(FRIDAY, 17), 4, at(MONDAY, 12)),  # Friday evening: from Monday 08.00
        (at(FRIDAY, 14), 4, at(MONDAY, 10, 30)),  # 1.5 hours on Friday, 2.5 on Monday
        (at(FRIDAY, 15, 30), 4, at(MONDAY, 12)),  # closing time is not working time
        (at(MONDAY, 7), 4, at(MONDAY, 12)),
        (at(MONDAY, 9), 4, at(MONDAY, 13)),
        (at(MONDAY, 9), 0, at(MONDAY, 9)),
        (at(FRIDAY, 10), 15, at(datetime.date(2026, 12, 1), 10)),  # 5.5 + 7.5 + 2 hours, over a weekend
        (at(BEFORE_EASTER, 14, 30), 4, at(TUESDAY_AFTER_EASTER, 11)),  # skjærtorsdag to andre påskedag are off
        (at(datetime.date(2026, 5, 16), 10), 1, at(datetime.date(2026, 5, 18), 9)),  # Saturday; 17 May is a Sunday
        (at(datetime.date(2027, 5, 14), 15), 1, at(datetime.date(2027, 5, 18), 8, 30)),  # Friday; Monday 17 May off
    ],
)
def test_working_hours_are_counted_only_on_working_days_within_the_hours(start, hours, due):
    assert escalation.add_working_hours(start, hours) == due


def test_working_time_between_counts_the_same_way():
    assert escalation.working_time_between(at(FRIDAY, 17), at(MONDAY, 8, 30)) == datetime.timedelta(minutes=30)
    assert escalation.working_time_between(at(FRIDAY, 15), at(MONDAY, 9)) == datetime.timedelta(minutes=90)
    assert escalation.working_time_between(at(MONDAY, 9), at(MONDAY, 9)) == datetime.timedelta()
    assert escalation.working_time_between(at(MONDAY, 10), at(MONDAY, 9)) == datetime.timedelta()


def test_the_working_hours_are_a_setting(settings):
    settings.WORKING_HOURS = "09:00-17:00"
    assert escalation.add_working_hours(at(FRIDAY, 16), 4) == at(MONDAY, 12)
    assert escalation.describe_working_hours() == "09.00–17.00"
    settings.WORKING_HOURS = "17:00-09:00"
    with pytest.raises(ImproperlyConfigured):
        escalation.working_hours()
    settings.WORKING_HOURS = "hele dagen"
    with pytest.raises(ImproperlyConfigured):
        escalation.working_hours()


def test_the_escalation_time_is_a_setting(world, settings):
    settings.CALLBACK_ESCALATE_AFTER_HOURS = 2
    callback = ask(world, at(MONDAY, 9))
    assert callback.due_by == at(MONDAY, 11)


# --- the steps -----------------------------------------------------------------------------------------------------


def test_over_a_weekend_it_goes_to_the_deputy_on_monday_then_to_the_leader(world):
    """Friday 17.00 → due Monday 12.00 → the deputy (due 16.00 → Tuesday 08.30) → the leader."""
    callback = ask(world, at(FRIDAY, 17))
    assert callback.due_by == at(MONDAY, 12)
    assert to_user(world) == [f"{world.trust_person.display_name} ringer deg mandag formiddag."]
    # Cron all weekend and Monday morning: nothing.
    for moment in (at(FRIDAY, 23), at(datetime.date(2026, 11, 28), 12), at(MONDAY, 8), at(MONDAY, 11, 59)):
        assert run(moment) == 0
    assert run(at(MONDAY, 12)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 1 and callback.assigned_to == world.deputy
    assert callback.assigned_role == Role.DEPUTY and callback.escalated_at == at(MONDAY, 12)
    assert callback.due_by == at(datetime.date(2026, 12, 1), 8, 30)
    assert staff_told(world.deputy) == 1
    assert to_user(world)[-1] == (f"Vi har ikke fått ringt deg ennå. Nå er det {world.deputy.display_name} som "
                                  f"ringer deg i dag.")
    # Every five minutes until then: nothing more.
    assert run(at(MONDAY, 12, 5)) == 0 and run(at(MONDAY, 15, 30)) == 0
    assert staff_told(world.deputy) == 1
    assert run(at(datetime.date(2026, 12, 1), 8, 30)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 2 and callback.assigned_to is None and callback.assigned_role == Role.LEADER
    assert staff_told(world.leader) == 1
    assert to_user(world)[-1] == ("Vi har ikke fått ringt deg ennå. Lederen har fått beskjed og sørger for at noen "
                                  "ringer deg i dag.")
    # The last step: nothing after it, however often cron runs.
    assert run(at(datetime.date(2026, 12, 2), 12)) == 0
    assert callback.history.count() == 3
    assert len(to_user(world)) == 3


def test_each_step_once_even_when_the_row_was_already_moved(world):
    callback = ask(world, at(MONDAY, 9))
    assert escalation.escalate(callback.pk, at(MONDAY, 13))
    assert not escalation.escalate(callback.pk, at(MONDAY, 13))  # a second run with the old list
    callback.refresh_from_db()
    assert callback.escalation_level == 1
    assert Notification.objects.filter(dedupe_key__startswith=f"callback:{callback.pk}:level1").count() == 2


def test_across_easter_it_waits_for_the_tuesday(world):
    callback = ask(world, at(BEFORE_EASTER, 14, 30))
    assert callback.due_by == at(TUESDAY_AFTER_EASTER, 11)
    assert to_user(world) == [f"{world.trust_person.display_name} ringer deg i dag."]
    assert run(at(datetime.date(2027, 3, 29), 12)) == 0  # andre påskedag
    assert run(at(TUESDAY_AFTER_EASTER, 11)) == 1


def test_asked_on_skjaertorsdag_the_user_hears_tuesday(world):
    ask(world, at(datetime.date(2027, 3, 25), 10))
    assert to_user(world) == [f"{world.trust_person.display_name} ringer deg tirsdag formiddag."]


def test_no_answer_starts_the_clock_again_and_the_steps_still_come(world):
    """«Fikk ikke svar» keeps it open with a new due_by (the mark + 4 working hours); unreached, it still goes to the
    deputy and then the leader, once each, and the user is told each time. The first mark stays the call back."""
    callback = ask(world, at(MONDAY, 9))
    assert callback.due_by == at(MONDAY, 13)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        callbacks.mark_callback(world.trust_person, callback, "no_answer")
    callback.refresh_from_db()
    # 3.5 working hours on Monday (to 15.30), half an hour on Tuesday.
    assert callback.due_by == at(datetime.date(2026, 12, 1), 8, 30) and callback.state == CallbackRequest.State.OPEN
    assert run(at(MONDAY, 13)) == 0 and run(at(MONDAY, 15, 29)) == 0
    assert run(at(datetime.date(2026, 12, 1), 8, 30)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 1 and callback.assigned_to == world.deputy
    assert callback.due_by == at(datetime.date(2026, 12, 1), 12, 30)
    assert to_user(world)[-1] == (f"Vi har ikke fått tak i deg ennå. Nå er det {world.deputy.display_name} som "
                                  f"ringer deg i dag.")
    assert staff_told(world.deputy) == 1
    # The deputy tries too: a new clock from that mark; then the leader, once.
    with time_machine.travel(at(datetime.date(2026, 12, 1), 10), tick=False):
        callbacks.mark_callback(world.deputy, callback, "no_answer")
    assert run(at(datetime.date(2026, 12, 1), 12, 30)) == 0
    assert run(at(datetime.date(2026, 12, 1), 14)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 2 and callback.assigned_role == Role.LEADER and callback.attempts == 2
    assert staff_told(world.leader) == 1
    assert run(at(datetime.date(2026, 12, 3), 12)) == 0
    assert callback.handled_at == at(MONDAY, 12) and callback.handled_by == world.trust_person


def test_no_answer_before_the_asked_time_does_not_bring_the_deadline_forward(world):
    callback = ask(world, at(MONDAY, 15), when="tomorrow_afternoon")
    with time_machine.travel(at(MONDAY, 15, 10), tick=False):
        callbacks.mark_callback(world.trust_person, callback, "no_answer")
    callback.refresh_from_db()
    assert callback.due_by == at(datetime.date(2026, 12, 2), 8, 30)  # Tuesday 12.00 + 4 working hours


def test_a_done_request_does_not_escalate(world):
    callback = ask(world, at(MONDAY, 9))
    with time_machine.travel(at(MONDAY, 10), tick=False):
        callbacks.mark_callback(world.trust_person, callback, "called")
    assert run(at(datetime.date(2026, 12, 3), 12)) == 0


def test_when_the_deputy_is_away_it_goes_straight_to_the_leader(world):
    callback = ask(world, at(MONDAY, 9))
    sick(world.deputy, MONDAY, MONDAY + datetime.timedelta(days=3), world.leader)
    assert run(at(MONDAY, 13)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 2 and callback.assigned_role == Role.LEADER
    assert staff_told(world.deputy) == 0 and staff_told(world.leader) == 1


def test_the_deputys_request_goes_to_the_leader(world):
    sick(world.trust_person, MONDAY, MONDAY + datetime.timedelta(days=3), world.leader)
    callback = ask(world, at(MONDAY, 9))
    assert callback.assigned_to == world.deputy
    assert run(at(MONDAY, 13)) == 1
    callback.refresh_from_db()
    assert callback.escalation_level == 2 and callback.assigned_to is None


def test_the_standing_deputy_takes_it_when_the_case_names_none(world):
    from koordinator.models import DeputyArrangement

    world.case.deputy = None
    world.case.save()
    standing = world.other_trust_person
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    callback = ask(world, at(MONDAY, 9))
    run(at(MONDAY, 13))
    callback.refresh_from_db()
    assert callback.assigned_to == standing and callback.escalation_level == 1


def test_without_a_deputy_it_goes_to_the_leader(world):
    world.case.deputy = None
    world.case.save()
    callback = ask(world, at(MONDAY, 9))
    run(at(MONDAY, 13))
    callback.refresh_from_db()
    assert callback.escalation_level == 2


def test_a_request_for_tomorrow_afternoon_is_not_late_tomorrow_morning(world):
    callback = ask(world, at(MONDAY, 15), when="tomorrow_afternoon")
    assert callback.due_by == at(datetime.date(2026, 12, 2), 8, 30)
    assert run(at(datetime.date(2026, 12, 1), 15)) == 0


def test_run_reminders_runs_it_and_a_second_run_writes_nothing(world):
    callback = ask(world, at(FRIDAY, 17))
    with time_machine.travel(at(MONDAY, 12, 1), tick=False):
        first = reminders.run_all(timezone.now())
        count = Notification.objects.count()
        second = reminders.run_all(timezone.now())
    assert first["ring meg"] == 1 and second["ring meg"] == 0
    assert Notification.objects.count() == count
    callback.refresh_from_db()
    assert callback.escalation_level == 1


def test_nothing_due_is_one_query(world, django_assert_num_queries):
    ask(world, at(MONDAY, 9))
    with time_machine.travel(at(MONDAY, 10), tick=False), django_assert_num_queries(1):
        assert escalation.escalate_due(timezone.now()) == 0
