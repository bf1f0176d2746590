"""«Ring meg» in working time, and what happens when nobody calls back (issue 16, point 2).

**Working time.** The service works Monday to Friday except public holidays (``koordinator.workdays``), within
``settings.WORKING_HOURS`` (default ``08:00-15:30``, Norwegian time). :func:`add_working_hours` counts only that
time: a request on Friday at 17.00 with the default four hours is due on Monday at 12.00; one on Thursday at 14.30
before Easter is due on the Tuesday after (the Thursday, Friday and Monday of Easter are holidays) at 11.00.

**When the call can come** (:func:`slot_start`): as soon as possible or today means the next working moment (now,
when the office is open); tomorrow morning or afternoon means the next working day's start or noon. The escalation
clock starts there, not before: a request for tomorrow afternoon is not overdue tomorrow morning.

**Escalation** (:func:`escalate_due`, registered for ``manage.py run_reminders`` as «ring meg»). A request still
open past its ``due_by`` goes one step on, once each. A «Fikk ikke svar – prøver igjen» keeps it open and starts
the clock again from the mark (``reach.callbacks.mark_callback``): if nobody reaches the user in the next
``CALLBACK_ESCALATE_AFTER_HOURS`` working hours either, it goes on as if unmarked:

1. to the **deputy** (the case's own, else the trust person's standing deputy), when the request was the trust
   person's and the deputy is not away today; the deputy is told (in the app; by SMS, without content, if they
   chose ``User.sms_alerts``) and the request gets a new ``due_by``;
2. to the **leader** (the unit's leaders, else the municipality's): from a deputy's or the duty phone's request, from
   one the deputy could not take, or after step 1. The leaders are told; nothing escalates after this.

The user is told each time who will call now, or that the leader has been asked to make sure someone does, so
nobody is left in silence. Each step is done once: the row is locked and checked again inside the transaction, and
every notification has a dedupe key (``callback:<id>:level<n>:…``), so a second ``run_reminders`` (cron, or two nodes
at once) writes nothing. The candidates are read with the partial index on open requests by ``due_by``.
"""

from __future__ import annotations

import datetime
import re
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import continuity, outbox
from koordinator.models import Absence, FollowUp, Membership, User
from koordinator.reminders import register_reminder
from koordinator.timeutil import at
from koordinator.toolkit import save_with_history
from koordinator.workdays import is_working_day
from reach.models import CallbackRequest

Role = CallbackRequest.Role
When = CallbackRequest.When

DEFAULT_WORKING_HOURS = "08:00-15:30"
_HOURS = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")
# Where the afternoon starts, for «i morgen ettermiddag».
NOON = datetime.time(12, 0)
# The highest step: the leader.
LEADER_LEVEL = 2


# --- working time ------------------------------------------------------------------------------------------------


def working_hours() -> tuple[datetime.time, datetime.time]:
    """``settings.WORKING_HOURS`` as (start, end); a value that cannot be read is a configuration error."""
    value = getattr(settings, "WORKING_HOURS", DEFAULT_WORKING_HOURS) or DEFAULT_WORKING_HOURS
    match = _HOURS.match(value)
    try:
        if match is None:
            raise ValueError
        start = datetime.time(int(match[1]), int(match[2]))
        end = datetime.time(int(match[3]), int(match[4]))
    except ValueError:
        raise ImproperlyConfigured(f"WORKING_HOURS={value!r}: skriv for eksempel 08:00-15:30") from None
    if end <= start:
        raise ImproperlyConfigured(f"WORKING_HOURS={value!r}: slutten må komme etter starten")
    return start, end


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def next_working_day_after(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def next_working_moment(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` itself when the office is open then; else when it next opens."""
    start, end = working_hours()
    local = _local(moment)
    day = local.date()
    if is_working_day(day):
        if local.time() < start:
            return at(day, start.hour, start.minute)
        if local.time() < end:
            return moment
    day = next_working_day_after(day)
    return at(day, start.hour, start.minute)


def is_working_time(moment: datetime.datetime) -> bool:
    return next_working_moment(moment) == moment


def add_working_hours(moment: datetime.datetime, hours: float) -> datetime.datetime:
    """``hours`` of working time after ``moment`` (counted from when the office is next open)."""
    _start, end = working_hours()
    remaining = datetime.timedelta(hours=hours)
    current = next_working_moment(moment)
    while True:
        local = _local(current)
        closing = at(local.date(), end.hour, end.minute)
        left = closing - current
        if remaining <= left:
            return current + remaining
        remaining -= left
        current = next_working_moment(closing)


def working_time_between(first: datetime.datetime, last: datetime.datetime) -> datetime.timedelta:
    """The working time from ``first`` to ``last`` (zero when ``last`` is not after it). One step per day between."""
    total = datetime.timedelta()
    _start, end = working_hours()
    current = next_working_moment(first)
    while current < last:
        closing = at(_local(current).date(), end.hour, end.minute)
        total += min(closing, last) - current
        current = next_working_moment(closing)
    return total


def slot_start(when: str, requested_at: datetime.datetime) -> datetime.datetime:
    """The first moment the call can come, as the user asked: the next working moment («Så snart som mulig», «I
    dag»), or the next working day's morning or afternoon («I morgen formiddag», «I morgen ettermiddag»)."""
    if when in (When.TOMORROW_MORNING, When.TOMORROW_AFTERNOON):
        start, end = working_hours()
        day = next_working_day_after(_local(requested_at).date())
        if when == When.TOMORROW_AFTERNOON and start < NOON < end:
            return at(day, NOON.hour, NOON.minute)
        return at(day, start.hour, start.minute)
    return next_working_moment(requested_at)


def escalate_after() -> float:
    """``settings.CALLBACK_ESCALATE_AFTER_HOURS`` (default 4 working hours)."""
    return getattr(settings, "CALLBACK_ESCALATE_AFTER_HOURS", 4)


def due_by_for(when: str, requested_at: datetime.datetime) -> datetime.datetime:
    """When a request escalates if nobody has handled it: ``CALLBACK_ESCALATE_AFTER_HOURS`` working hours after the
    moment the call could first come (:func:`slot_start`)."""
    return add_working_hours(slot_start(when, requested_at), escalate_after())


# --- who is asked next ---------------------------------------------------------------------------------------------


def unit_leaders(case: FollowUp) -> list[User]:
    """The leaders of the case's unit; when the unit has none, the leaders in its municipality. One query."""
    leaders = list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.LEADER,
            memberships__organisation_id=case.unit_id,
        ).distinct().order_by("pk")
    )
    if leaders:
        return leaders
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.LEADER,
            memberships__organisation__municipality_id=case.municipality_id,
        ).distinct().order_by("pk")
    )


def _away(person: User, day: datetime.date) -> bool:
    return Absence.objects.covering(day).filter(person=person).exists()


def _next_step(callback: CallbackRequest, day: datetime.date) -> tuple[int, User | None, str]:
    """(level, who, role) the request goes to next."""
    if callback.escalation_level == 0 and callback.assigned_role == Role.PRIMARY:
        deputy = continuity.effective_deputy(callback.case)
        if deputy is not None and deputy.is_active and deputy.pk != callback.assigned_to_id and not _away(deputy, day):
            return 1, deputy, Role.DEPUTY
    return LEADER_LEVEL, None, Role.LEADER


def step_key(callback_id: int, level: int, who: str) -> str:
    return f"callback:{callback_id}:level{level}:{who}"


@transaction.atomic
def escalate(callback_id: int, now: datetime.datetime) -> bool:
    """Move one overdue open request a step on (see the module's docstring). False when there is nothing to do
    (done meanwhile, already moved by another run, or not due: a «Fikk ikke svar» moved its ``due_by``)."""
    from reach import callbacks

    callback = (
        CallbackRequest.objects.select_for_update(of=("self",))
        .select_related("case__trust_person", "case__deputy", "case__unit", "service_user", "assigned_to")
        .filter(pk=callback_id)
        .first()
    )
    if (
        callback is None
        or callback.state != CallbackRequest.State.OPEN
        or callback.escalation_level >= LEADER_LEVEL
        or callback.due_by > now
    ):
        return False
    level, person, role = _next_step(callback, timezone.localdate(now))
    before = callback.assigned_to
    callback.escalation_level = level
    callback.escalated_at = now
    callback.assigned_to = person
    callback.assigned_role = role
    callback.due_by = add_working_hours(now, escalate_after())
    save_with_history(
        callback,
        None,
        gettext_lazy("Sendt videre til stedfortrederen") if level == 1 else gettext_lazy("Sendt videre til lederen"),
    )
    recipients = [person] if person is not None else unit_leaders(callback.case)
    drafts = callbacks.staff_alerts(callback, recipients, key=partial(step_key, callback.pk, level), escalated=True)
    drafts.append(
        outbox.build(
            callback.service_user,
            words=partial(callbacks.escalated_words, callback, before),
            about=callback,
            dedupe_key=step_key(callback.pk, level, "user"),
        )
    )
    outbox.notify_many(drafts)
    return True


@register_reminder("ring meg")
def escalate_due(now: datetime.datetime) -> int:
    """Every open request past its ``due_by`` one step on. One query when nothing is due."""
    due = list(
        CallbackRequest.objects.open()
        .filter(due_by__lte=now, escalation_level__lt=LEADER_LEVEL)
        .order_by("due_by", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in due if escalate(pk, now))


def describe_working_hours() -> str:
    """«08.00–15.30», for the pages."""
    start, end = working_hours()
    return _("%(start)s–%(end)s") % {"start": start.strftime("%H.%M"), "end": end.strftime("%H.%M")}
