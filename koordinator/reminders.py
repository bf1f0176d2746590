"""What ``manage.py run_reminders`` does, one function per kind of reminder.

Each function is idempotent: it writes notifications with a dedupe key, or marks what it has done, so running
the command twice in a row sends nothing twice. Later issues (plans, meetings) add their own with
:func:`register_reminder` (steps due, action items overdue, revisions due, consents expiring …).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Func, OuterRef
from django.utils import timezone

from koordinator import continuity, outbox
from koordinator.models import Absence, Appointment
from koordinator.timeutil import at

Reminder = Callable[[datetime.datetime], int]
REMINDERS: dict[str, Reminder] = {}


def register_reminder(name: str):
    def decorator(fn: Reminder) -> Reminder:
        REMINDERS[name] = fn
        return fn

    return decorator


class UtcIsoFormat(Func):
    """A timestamp as Python's ``isoformat()`` writes the aware UTC datetime Django reads from the database
    (``2026-12-08T17:00:00+00:00``, with ``.ffffff`` only when there are microseconds), so a dedupe key written from
    a row can be matched in SQL (:func:`outbox.already_written`)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):  # SQLite: stored as UTC text, 'YYYY-MM-DD HH:MM:SS[.f]'
        return super().as_sql(compiler, connection, template="(REPLACE(%(expressions)s, ' ', 'T') || '+00:00')",
                              **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
            f"CASE WHEN date_trunc('second', {sql}) = ({sql}) THEN '' "
            f"ELSE to_char(({sql}) AT TIME ZONE 'UTC', '.US') END || '+00:00')",
            (*params, *params, *params, *params),
        )


def appointment_reminder_key(appointment: Appointment) -> str:
    return (f"appointment:{appointment.pk}:reminder:{appointment.starts_at.isoformat()}:"
            f"{appointment.trust_person_id}")


@register_reminder("avtaler")
def appointment_reminders(now: datetime.datetime) -> int:
    """A reminder to the user before each appointment (default the evening before, 18.00). The appointments already
    reminded for their time and trust person are skipped by the database (``outbox.already_written``, the key
    built from the row), so a run with nothing due reads none of them and costs one query, whatever their number;
    the live appointments in the window are found on a partial index of their start."""
    horizon = datetime.timedelta(days=settings.APPOINTMENT_REMINDER_DAYS_BEFORE + 2)
    upcoming = list(
        Appointment.objects.upcoming()
        .filter(starts_at__gt=now, starts_at__lte=now + horizon)
        .annotate(reminder_at=UtcIsoFormat("starts_at"))
        .exclude(outbox.already_written(Appointment, "appointment:", OuterRef("pk"), ":reminder:",
                                        OuterRef("reminder_at"), ":", OuterRef("trust_person_id")))
        .select_related("service_user", "trust_person", "follow_up__unit")
    )
    # notify_many still skips a key already written, should the database's text of a time ever differ.
    drafts = [
        outbox.build(
            appointment.service_user, words=partial(continuity.reminder_text, appointment), about=appointment,
            due_at=continuity.reminder_due_at(appointment), dedupe_key=appointment_reminder_key(appointment),
        )
        for appointment in upcoming
    ]
    return len(outbox.notify_many(drafts))


@register_reminder("fravær")
def absence_announcements(now: datetime.datetime) -> int:
    """Tell users about a future absence the day before it starts (from ABSENCE_ANNOUNCE_HOUR)."""
    today = timezone.localdate(now)
    latest_start = today + datetime.timedelta(days=1) if now >= at(today, settings.ABSENCE_ANNOUNCE_HOUR) else today
    told = 0
    for absence in Absence.objects.active().filter(
        announced_at__isnull=True, starts_on__lte=latest_start, ends_on__gte=today
    ).select_related("person"):
        told += continuity.announce_absence(absence)
    return told


@register_reminder("tilbake")
def return_announcements(now: datetime.datetime) -> int:
    """*«X er tilbake»*, the morning after an absence ends, when the absence asked for it."""
    today = timezone.localdate(now)
    if now < at(today, settings.RETURN_ANNOUNCE_HOUR):
        return 0
    told = 0
    ended = list(Absence.objects.active().filter(
        announce_return=True,
        return_announced_at__isnull=True,
        ends_on__lt=today,
        ends_on__gte=today - datetime.timedelta(days=3),
    ).select_related("person"))
    # Not if the person is away again (a new absence right after this one): one query for all of them, so a run
    # with nothing to announce costs the same however many such absences wait.
    away_again = set(
        Absence.objects.covering(today).filter(person_id__in={a.person_id for a in ended})
        .values_list("person_id", flat=True)
    ) if ended else set()
    for absence in ended:
        if absence.person_id not in away_again:
            told += continuity.announce_return(absence)
    return told


@register_reminder("stille brukere")
def quiet_user_reminders(now: datetime.datetime) -> int:
    """One reminder to the trust person per quiet spell: no contact logged for FOLLOWUP_QUIET_DAYS days."""
    from koordinator import followup_log

    return followup_log.quiet_reminders(now)


def run_all(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: fn(now) for name, fn in REMINDERS.items()}


# Any fixed number, the same on every node: PostgreSQL's advisory locks are named by a 64-bit integer.
LOCK_ID = 0x6B6F6F7264  # "koord"


@contextlib.contextmanager
def single_run():
    """Yield True to the one ``run_reminders`` that may run now, False to a second one started at the same time
    (on another node, or by an overlapping cron). On PostgreSQL a transaction-level advisory lock decides: the run
    is one transaction, and the lock goes with it when it commits, rolls back or its connection dies. (A session
    lock would stay with a pooled server connection behind PgBouncer in transaction mode.) SQLite serves one node,
    where cron's runs are the only ones, and its writes are serialised anyway: there every run may go."""
    if connection.vendor != "postgresql":
        yield True
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("select pg_try_advisory_xact_lock(%s)", [LOCK_ID])
            got = cursor.fetchone()[0]
        yield got
