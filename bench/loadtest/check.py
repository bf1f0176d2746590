"""After the load test: was every notification delivered exactly once?

Three witnesses are compared, for every notification that was not already settled (sent, failed or cancelled)
when the load test began:

- the database: the notification's state and its successful ``DeliveryAttempt`` rows;
- the SMS journal: one line per call to the SMS backend (``bench.loadtest.backends``), and the SMS files;
- the e-mail files of Django's file backend: one ``Message-ID`` per message, which carries the idempotency key.

A notification that was due must be *sent*, with exactly one successful attempt and, on its channel, exactly one
SMS call or e-mail; in the app it must have gone out by no other channel. A letter waits in the print queue
(it is printed by staff, never by the sender); a notification not yet due, or cancelled, has gone nowhere; a
non-urgent SMS held for the quiet hours (``next_attempt_at`` at their end, a run at night) has gone nowhere yet.
Anything sent that is not one of these notifications (a settled one sent again) is a problem too.

``check`` is a pure function over plain facts, so it is tested without a load test
(``tests/bench/test_loadtest.py``); ``collect`` reads the facts from the database and the files.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# The idempotency key the sender passes to the backends (``koordinator.outbox.sender``).
KEY_PREFIX = "koordinator-notification-"
MESSAGE_ID = re.compile(rb"^Message-ID: <(" + KEY_PREFIX.encode() + rb"\d+)@", re.MULTILINE | re.IGNORECASE)

PENDING, SENT, CANCELLED = "pending", "sent", "cancelled"
LETTER, SMS, EMAIL = "letter", "sms", "email"


def key_for(pk: int) -> str:
    return f"{KEY_PREFIX}{pk}"


@dataclass(frozen=True)
class Facts:
    """One notification, as far as the check needs it."""

    pk: int
    channel: str
    state: str
    due_at: datetime.datetime
    successes: int
    failures: int = 0
    urgent: bool = False
    next_attempt_at: datetime.datetime | None = None


@dataclass
class Outcome:
    checked: int = 0
    sent: Counter = field(default_factory=Counter)  # per channel
    letters_waiting: int = 0
    held_for_quiet_hours: int = 0
    not_yet_due: int = 0
    cancelled: int = 0
    failed_attempts: int = 0  # failed tries before a success: allowed, but reported
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.problems.append(text)


@dataclass
class Deliveries:
    """What left the system, by idempotency key."""

    sms_calls: Counter = field(default_factory=Counter)
    sms_files: set[str] = field(default_factory=set)
    emails: Counter = field(default_factory=Counter)


def check(notifications: Iterable[Facts], out: Deliveries, now: datetime.datetime) -> Outcome:
    outcome = Outcome()
    seen: set[str] = set()
    for n in notifications:
        outcome.checked += 1
        key = key_for(n.pk)
        seen.add(key)
        outcome.failed_attempts += n.failures
        calls, emails, has_file = out.sms_calls[key], out.emails[key], key in out.sms_files
        if n.successes > 1 or calls > 1 or emails > 1:
            outcome.duplicates += 1
            outcome.problem(f"{n.pk}: delivered more than once ({n.successes} successful attempts, "
                            f"{calls} SMS calls, {emails} e-mails)")
            continue
        went_out = n.successes or calls or emails or has_file
        if n.channel == LETTER:
            if n.state != PENDING or went_out:
                outcome.problem(f"{n.pk}: a letter should wait for printing, but is {n.state}")
            else:
                outcome.letters_waiting += 1
        elif n.state == CANCELLED:
            if went_out:
                outcome.problem(f"{n.pk}: cancelled, but delivered")
            else:
                outcome.cancelled += 1
        elif n.state == PENDING and n.due_at > now:
            if went_out:
                outcome.problem(f"{n.pk}: not due yet, but delivered")
            else:
                outcome.not_yet_due += 1
        elif (n.state == PENDING and n.channel == SMS and not n.urgent and n.next_attempt_at is not None
              and n.next_attempt_at > now and not n.failures):
            if went_out:
                outcome.problem(f"{n.pk}: held for the quiet hours, but delivered")
            else:
                outcome.held_for_quiet_hours += 1
        elif n.state != SENT or n.successes != 1:
            outcome.problem(f"{n.pk}: due but not sent (state {n.state}, {n.successes} successful and "
                            f"{n.failures} failed attempts)")
        elif n.channel == SMS and (calls != 1 or not has_file or emails):
            outcome.problem(f"{n.pk}: SMS marked sent, but {calls} SMS calls, file {'found' if has_file else 'missing'}"
                            f", {emails} e-mails")
        elif n.channel == EMAIL and (emails != 1 or calls or has_file):
            outcome.problem(f"{n.pk}: e-mail marked sent, but {emails} e-mails and {calls} SMS calls")
        elif n.channel not in (SMS, EMAIL) and (calls or emails or has_file):
            outcome.problem(f"{n.pk}: in the app only, but also sent by SMS or e-mail")
        else:
            outcome.sent[n.channel] += 1
    for key in sorted((set(out.sms_calls) | set(out.emails) | out.sms_files) - seen):
        outcome.problem(f"{key}: sent, but not a notification of this run (settled before it began, or unknown)")
    return outcome


# --- reading the witnesses --------------------------------------------------------------------------------------


def read_deliveries(sms_dir: Path, email_dir: Path, journal_name: str = "journal.log") -> Deliveries:
    out = Deliveries()
    journal = sms_dir / journal_name
    if journal.exists():
        out.sms_calls.update(line for line in journal.read_text().splitlines() if line)
    if sms_dir.exists():
        out.sms_files = {p.stem for p in sms_dir.glob("*.json")}
    if email_dir.exists():
        for path in email_dir.iterdir():
            out.emails.update(m.decode() for m in MESSAGE_ID.findall(path.read_bytes()))
    return out


def collect(settled_ids: Iterable[int]) -> list[Facts]:
    """Every notification not in ``settled_ids``, with its successful and failed attempts (one query)."""
    from django.db.models import Count, Q

    from koordinator.models import Notification

    rows = (
        Notification.objects.exclude(pk__in=list(settled_ids))
        .annotate(
            successes=Count("delivery_attempts", filter=Q(delivery_attempts__success=True)),
            failures=Count("delivery_attempts", filter=Q(delivery_attempts__success=False)),
        )
        .order_by("pk")
        .values_list("pk", "channel", "state", "due_at", "successes", "failures", "urgent", "next_attempt_at")
    )
    return [Facts(*row) for row in rows]


def settled_ids() -> list[int]:
    """The notifications that are done with before the run (the demo's history): not part of the check."""
    from koordinator.models import Notification

    done = (Notification.State.SENT, Notification.State.FAILED, Notification.State.CANCELLED)
    return list(Notification.objects.filter(state__in=done).values_list("pk", flat=True))
