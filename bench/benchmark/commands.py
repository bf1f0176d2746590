"""The cron commands: ``run_reminders`` and ``send_notifications --once``, when nothing is due and per item.

Everything here runs in one transaction that is rolled back at the end, so the measured database is left as it
was. The clock is put at a fixed hour of today (after every reminder hour in the settings, so every kind of
reminder is live) with time-machine; it ticks from there. SMS and e-mail go to backends that do nothing.

1. *First run*: ``run_reminders`` writes whatever is due in the data as it stands (the demo leaves some); then
   every notification due within a day is marked as sent, so the outbox has nothing due.
2. *Nothing due*: each command, ``rounds`` times.
3. *Per item*: in a savepoint, make ``k`` items due (``k`` upcoming appointments that need a reminder; ``k`` SMS
   due now), run the command, then run it again with nothing due, and roll the savepoint back. The cost of an
   item is (t_k − t_0) / k. The second run tells whether «nothing due» stays constant when ``k`` more items have
   already been dealt with: the target is a constant number of queries whatever the size of the data.
"""

from __future__ import annotations

import datetime
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from bench.benchmark.measure import count_queries, p90
from koordinator import outbox
from koordinator.models import Appointment, FollowUp, Notification, User
from koordinator.outbox.backends import BaseSmsBackend
from koordinator.timeutil import at

REMINDERS = "run_reminders"
SEND = "send_notifications --once"
REMINDER_HOUR_SETTINGS = (
    "APPOINTMENT_REMINDER_HOUR",
    "ABSENCE_ANNOUNCE_HOUR",
    "RETURN_ANNOUNCE_HOUR",
    "PLAN_STEP_REMINDER_HOUR",
)


class NullSmsBackend(BaseSmsBackend):
    """Sends nothing: the benchmark measures the sender, not a provider."""

    name = "null"

    def send(self, to: str, text: str, idempotency_key: str) -> None:
        return None


NULL_BACKENDS = {
    "SMS_BACKEND": f"{__name__}.NullSmsBackend",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}


class _RollBack(Exception):
    pass


@dataclass
class Run:
    seconds: float
    queries: int


def _run(command: str) -> Run:
    name, *args = command.split()
    with count_queries() as queries:
        start = time.perf_counter()
        call_command(name, *args, stdout=io.StringIO(), stderr=io.StringIO())
        seconds = time.perf_counter() - start
    return Run(seconds, queries.value)


def fixed_clock() -> datetime.datetime:
    """Today, half an hour after the latest reminder hour in the settings (18.30 by default)."""
    hour = max(getattr(settings, name) for name in REMINDER_HOUR_SETTINGS)
    return at(timezone.localdate(), min(hour, 23), 30)


def measure_commands(*, rounds: int, k: int, progress: Callable[[str], None] | None = None) -> dict:
    try:
        import time_machine
    except ImportError as exc:  # the test extra has it: pip install -e '.[test]'
        raise RuntimeError("Kommandomålingene trenger time-machine (pip install -e '.[test]').") from exc
    clock = fixed_clock()
    result: dict = {}
    with time_machine.travel(clock, tick=True), override_settings(**NULL_BACKENDS):
        try:
            with transaction.atomic():
                result = _measure(rounds, k, progress or (lambda line: None))
                raise _RollBack
        except _RollBack:
            pass
    result["clock"] = clock.isoformat()
    return result


def _measure(rounds: int, k: int, progress: Callable[[str], None]) -> dict:
    rows = []
    first = _run(REMINDERS)
    rows.append(_row(REMINDERS, "first run (what the data had due)", [first]))
    quietened = _quieten_outbox()
    progress(f"{REMINDERS}: første kjøring {first.seconds * 1000:.0f} ms, {first.queries} spørringer; "
             f"{quietened} varsler som var klare er merket som sendt")
    for command, make_due, what in (
        (REMINDERS, _appointments_needing_a_reminder, "appointments"),
        (SEND, _sms_due_now, "SMS due"),
    ):
        idle = [_run(command) for _ in range(rounds)]
        loaded, idle_after = [], []
        for _ in range(rounds):
            savepoint = transaction.savepoint()
            try:
                make_due(k)
                loaded.append(_run(command))
                idle_after.append(_run(command))
            finally:
                transaction.savepoint_rollback(savepoint)
        rows.append(_row(command, "nothing due", idle))
        rows.append(_per_item(command, f"per item ({k} {what})", idle, loaded, k))
        rows.append(_row(command, f"nothing due, after {k} items were done", idle_after))
        progress(f"{command}: ingenting å gjøre {statistics.median(r.seconds for r in idle) * 1000:.0f} ms")
    return {"k": k, "rounds": rounds, "rows": rows, "goal": _constant(rows)}


def _row(command: str, case: str, runs: list[Run]) -> dict:
    ms = [r.seconds * 1000 for r in runs]
    queries = [r.queries for r in runs]
    return {
        "command": command,
        "case": case,
        "median_ms": round(statistics.median(ms), 3),
        "p90_ms": round(p90(ms), 3),
        "queries": statistics.median_low(queries),
        "queries_varied": min(queries) != max(queries),
    }


def _per_item(command: str, case: str, idle: list[Run], loaded: list[Run], k: int) -> dict:
    row = _row(command, case, loaded)
    idle_ms = statistics.median(r.seconds * 1000 for r in idle)
    idle_queries = statistics.median_low(r.queries for r in idle)
    row["per_item_ms"] = round((row["median_ms"] - idle_ms) / k, 3)
    row["per_item_queries"] = round((row["queries"] - idle_queries) / k, 2)
    return row


def _constant(rows: list[dict]) -> dict:
    """``run_reminders`` with nothing due: the same number of queries before and after k items were done."""
    before = next(row for row in rows if row["command"] == REMINDERS and row["case"] == "nothing due")
    after = next(row for row in rows if row["command"] == REMINDERS and row["case"].startswith("nothing due, "))
    return {"queries_nothing_due": before["queries"], "queries_after_items": after["queries"],
            "constant": before["queries"] == after["queries"] and not before["queries_varied"]}


# --- making items due ---------------------------------------------------------------------------------------------


def _quieten_outbox() -> int:
    """Everything due within a day is marked as sent (rolled back with the rest), so nothing is due."""
    horizon = timezone.now() + datetime.timedelta(days=1)
    return (
        Notification.objects.filter(state__in=[Notification.State.PENDING, Notification.State.SENDING],
                                    due_at__lte=horizon)
        .exclude(channel=Notification.Channel.LETTER)
        .update(state=Notification.State.SENT, sent_at=timezone.now())
    )


def _cycle(items: list, k: int) -> list:
    if not items:
        raise RuntimeError("Fant ingen å lage målinger for (er databasen tom?).")
    return [items[i % len(items)] for i in range(k)]


def _appointments_needing_a_reminder(k: int) -> None:
    """``k`` appointments tomorrow with users in active cases, none reminded yet."""
    cases = list(FollowUp.objects.filter(status=FollowUp.Status.ACTIVE, trust_person__isnull=False)
                 .order_by("pk")[:k])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Appointment.objects.bulk_create(
        Appointment(
            follow_up=case,
            service_user_id=case.service_user_id,
            trust_person_id=case.trust_person_id,
            starts_at=at(tomorrow, 9) + datetime.timedelta(minutes=5 * i),
            place=Appointment.Place.OFFICE,
            about="Ytelsesmåling",
            created_by_id=case.trust_person_id,
        )
        for i, case in enumerate(_cycle(cases, k))
    )


def _sms_due_now(k: int) -> None:
    """``k`` SMS due now, to staff with a mobile number."""
    people = list(User.objects.exclude(phone="").filter(is_active=True).order_by("pk")[:k])
    Notification.objects.bulk_create(
        outbox.build(person, "Ytelsesmåling", "En melding fra ytelsesmålingen.", channel=Notification.Channel.SMS)
        for person in _cycle(people, k)
    )
