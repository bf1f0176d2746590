"""Delivering what is due from the outbox, exactly once.

How a pass works (``send_due``):

1. Re-queue stale claims: a notification left in *sending* by a worker that died more than
   ``NOTIFICATION_CLAIM_LEASE`` seconds ago goes back to *pending*, unless an attempt already succeeded.
2. Claim a batch: in one transaction, pick due *pending* rows (on PostgreSQL with
   ``SELECT … FOR UPDATE SKIP LOCKED`` so two workers never pick the same rows), then flip each with a
   conditional ``UPDATE … WHERE state = 'pending'``; only rows where exactly one row was updated are ours.
   On SQLite, which has no row locks, the conditional update alone decides.
3. Deliver each claimed row through its channel, passing the notification's id as idempotency key, then in
   one transaction record the attempt and the new state (sent, or pending again with back-off, or failed
   after ``NOTIFICATION_MAX_ATTEMPTS``).

A worker killed between 2 and 3 leaves rows in *sending*; step 1 of a later pass picks them up. A worker
killed between sending and recording is covered by the idempotency key: the backend drops the repeat.
Letters are not sent here: they wait in the print queue until staff print them.

Quiet hours (issue 16): between ``SMS_QUIET_FROM`` and ``SMS_QUIET_UNTIL`` (Norwegian time; the window may cross
midnight) no SMS goes out unless the notification is ``urgent`` (a same-day change, a crisis-plan access notice).
A pass in the window first holds what is due (``hold_for_quiet_hours``: its ``next_attempt_at`` becomes the window's
end, no attempt counted), the claim leaves non-urgent SMS alone, and ``deliver`` checks again just before sending (a
row claimed at 20.59.59 and delivered at 21.00 goes back, unsent, until 08.00). In-app and e-mail are never held.

Delivery receipts (``record_receipt``): the SMS provider reports delivered or failed for the key we sent with. A
failure of what we sent puts the notification back to be sent again (or failed after ``NOTIFICATION_MAX_ATTEMPTS``);
the new send carries a new key (``idempotency_key``: ``…-<n>`` after ``n`` sends that went through), so a provider
that drops repeats of a key does not drop it, while a send that may or may not have gone through (a worker killed,
a timeout) is retried with the same key as before.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import socket
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from koordinator.models.notifications import DeliveryAttempt, Notification
from koordinator.outbox import attachments_for
from koordinator.outbox.backends import DeliveryError, get_sms_backend, send_email

log = logging.getLogger(__name__)

State = Notification.State
Channel = Notification.Channel


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class PassResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    requeued: int = 0
    held: int = 0  # SMS held for the quiet hours in this pass


# --- quiet hours ------------------------------------------------------------------------------------------------


def _clock_setting(name: str) -> datetime.time | None:
    value = (getattr(settings, name, "") or "").strip()
    if not value:
        return None
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time of day such as 21:00, not {value!r}") from None


def quiet_window() -> tuple[datetime.time, datetime.time] | None:
    """(from, until) of the quiet hours, or ``None`` when there are none (either setting empty, or both equal)."""
    start, end = _clock_setting("SMS_QUIET_FROM"), _clock_setting("SMS_QUIET_UNTIL")
    if start is None or end is None or start == end:
        return None
    return start, end


def quiet_until(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the quiet hours ``now`` is in end (an aware instant), or ``None`` when ``now`` is not in them.

    Norwegian time (``settings.TIME_ZONE``); a window from 21:00 to 08:00 crosses midnight: 23.55 on Sunday ends at
    08.00 on Monday, 07.00 ends at 08.00 the same day."""
    window = quiet_window()
    if window is None:
        return None
    start, end = window
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = (now or timezone.now()).astimezone(tz)
    t = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:  # within one day (e.g. 12:00–13:00)
        inside = start <= t < end
    else:  # across midnight
        inside = t >= start or t < end
        if t >= start:
            day += datetime.timedelta(days=1)
    if not inside:
        return None
    return datetime.datetime.combine(day, end, tzinfo=tz)


def _held_in_quiet_hours(notification: Notification) -> bool:
    return notification.channel == Channel.SMS and not notification.urgent


def hold_for_quiet_hours(now: datetime.datetime | None = None) -> int:
    """In the quiet hours: due non-urgent SMS wait until they end (``next_attempt_at``), without an attempt counted.

    One ``UPDATE`` on the rows the claim would otherwise look at (the ``notification_sendable`` index); holding is,
    like a claim, a transient state and writes no history row. Returns how many were held."""
    now = now or timezone.now()
    until = quiet_until(now)
    if until is None:
        return 0
    return _due(now).filter(channel=Channel.SMS, urgent=False).update(next_attempt_at=until)


def requeue_stale(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE)
    stale = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - lease)
    count = 0
    for notification in stale:
        with transaction.atomic():
            if notification.delivery_attempts.filter(success=True).exists():
                notification.state = State.SENT
                notification.sent_at = notification.sent_at or now
            else:
                notification.state = State.PENDING
                notification.claimed_by = ""
            notification._change_reason = "Gjenopptatt etter avbrutt sending"
            notification.save()
            count += 1
    return count


def _due(now: datetime.datetime):
    return (
        Notification.objects.filter(state=State.PENDING, due_at__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(channel=Channel.LETTER)
        .order_by("due_at", "pk")
    )


def claim_batch(worker: str, limit: int, now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    with transaction.atomic():
        due = _due(now)
        if quiet_until(now) is not None:
            # Rows that fell due since ``hold_for_quiet_hours`` ran: left for the morning. A filter on the rows the
            # index finds (as ``next_attempt_at`` is), so ``notification_sendable`` still serves the claim.
            due = due.exclude(channel=Channel.SMS, urgent=False)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        candidates = list(due.values_list("pk", flat=True)[:limit])
        claimed = []
        for pk in candidates:
            # A conditional update: only one worker can move a row out of 'pending'. Claiming is a transient
            # state, so it is not worth a history row; the outcome below is saved with history.
            if Notification.objects.filter(pk=pk, state=State.PENDING).update(
                state=State.SENDING, claimed_at=now, claimed_by=worker
            ):
                claimed.append(pk)
    return claimed


# --- idempotency keys -------------------------------------------------------------------------------------------

KEY_PREFIX = "koordinator-notification-"
RECEIPT_BACKEND = "receipt"
_KEY = re.compile(r"^koordinator-notification-(?P<pk>[0-9]{1,18})(?:-(?P<resend>[1-9][0-9]{0,5}))?$")


def key_for(pk: int, resend: int = 0) -> str:
    """``koordinator-notification-<id>``; a resend after a failed delivery receipt adds ``-<n>``."""
    return f"{KEY_PREFIX}{pk}" if not resend else f"{KEY_PREFIX}{pk}-{resend}"


def parse_key(key: str) -> tuple[int, int] | None:
    """(notification id, resend number) of a key we sent with, or ``None`` if it is not one of ours."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    return int(match["pk"]), int(match["resend"] or 0)


def _sends_through(notification: Notification) -> int:
    """How many sends of the notification went through (attempts that succeeded, receipts not counted)."""
    return notification.delivery_attempts.filter(success=True).exclude(backend=RECEIPT_BACKEND).count()


def idempotency_key(notification: Notification) -> str:
    """The key the next send of ``notification`` carries.

    The same key for every try of the same send (a try that may have reached the provider before the worker died
    or timed out is dropped by the provider as a repeat); a new one only after a send went through and the
    provider's receipt said it failed (``record_receipt``). E-mail and in-app are sent once: always the plain key."""
    if notification.channel != Channel.SMS:
        return key_for(notification.pk)
    return key_for(notification.pk, _sends_through(notification))


def _deliver_through_channel(notification: Notification) -> str:
    """Send one notification; returns the backend's name. Raises DeliveryError (or anything) on failure."""
    if notification.channel == Channel.IN_APP:
        return "in_app"  # the bell and the list read it from the database
    if not notification.address:
        raise DeliveryError("Ingen adresse for denne kanalen")
    key = idempotency_key(notification)
    if notification.channel == Channel.SMS:
        backend = get_sms_backend()
        backend.send(notification.address, notification.body, key)
        return type(backend).__name__
    if notification.channel == Channel.EMAIL:
        send_email(notification.address, notification.subject, notification.body, key,
                   attachments_for(notification))
        return "email"
    raise DeliveryError(f"Kanalen {notification.channel} sendes ikke herfra")


def _release_until(notification: Notification, until: datetime.datetime) -> None:
    """Put a claimed SMS back, unsent and without an attempt counted, until the quiet hours end."""
    with transaction.atomic():
        released = Notification.objects.filter(pk=notification.pk, state=State.SENDING,
                                               claimed_by=notification.claimed_by)
        released.update(state=State.PENDING, claimed_by="", next_attempt_at=until)


def deliver(pk: int, worker: str) -> str:
    """Deliver one claimed notification and record the outcome. Returns 'sent', 'retry', 'failed' or 'held'
    (a non-urgent SMS in the quiet hours, back in the queue until they end)."""
    notification = Notification.objects.select_related("recipient_service_user", "recipient_user").get(pk=pk)
    if notification.state != State.SENDING or notification.claimed_by != worker:
        return "skipped"
    if _held_in_quiet_hours(notification):
        until = quiet_until()
        if until is not None:
            _release_until(notification, until)
            return "held"
    error = ""
    backend = ""
    try:
        backend = _deliver_through_channel(notification)
        success = True
    except Exception as exc:  # any backend failure is retried; it must never stop the batch
        log.warning("Varsel %s kunne ikke sendes: %s", pk, exc)
        success = False
        error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            notification=notification, worker=worker, backend=backend or notification.channel,
            success=success, error=error,
        )
        notification.attempts += 1
        if success:
            notification.state = State.SENT
            notification.sent_at = now
            outcome = "sent"
        elif notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            notification.state = State.FAILED
            outcome = "failed"
        else:
            notification.state = State.PENDING
            notification.next_attempt_at = now + backoff(notification.attempts)
            outcome = "retry"
        notification._change_reason = {"sent": "Sendt", "failed": "Ga opp", "retry": "Prøver igjen"}[outcome]
        notification.save()
    return outcome


# --- delivery receipts ------------------------------------------------------------------------------------------

RECEIPT_WORKER_PREFIX = "receipt:"
RECEIPT_ID_MAX_LENGTH = 100 - len(RECEIPT_WORKER_PREFIX)


@dataclass(frozen=True)
class ReceiptResult:
    """What a receipt did: ``recorded`` (kept for the record, nothing else changed), ``retry`` (to be sent again),
    ``failed`` (given up), ``duplicate`` (this receipt id was recorded before) or ``unknown`` (no such notification)."""

    outcome: str
    notification_id: int | None = None


def record_receipt(key: str, receipt_id: str, *, delivered: bool, error: str = "",
                   now: datetime.datetime | None = None) -> ReceiptResult:
    """The SMS provider's delivery receipt for the send with idempotency key ``key``.

    It is recorded as a ``DeliveryAttempt`` (backend ``receipt``, its success and error; the receipt id in
    ``worker``), once per receipt id: a replay finds it and changes nothing (the notification's row is locked while
    looking, so two copies at once are one). A receipt that the send failed, for the latest send of an SMS that is
    *sent*, puts it back to be sent again after the usual back-off, with a new key, or gives up after
    ``NOTIFICATION_MAX_ATTEMPTS`` sends; a receipt for an earlier send (its key is not the latest), for one already
    back in the queue or for one that was delivered changes nothing but the record."""
    parsed = parse_key(key)
    if parsed is None:
        return ReceiptResult("unknown")
    pk, resend = parsed
    now = now or timezone.now()
    marker = f"{RECEIPT_WORKER_PREFIX}{receipt_id}"
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=pk).first()
        if notification is None:
            return ReceiptResult("unknown")
        if notification.delivery_attempts.filter(worker=marker, backend=RECEIPT_BACKEND).exists():
            return ReceiptResult("duplicate", pk)
        attempt = DeliveryAttempt(notification=notification, worker=marker, backend=RECEIPT_BACKEND,
                                  success=delivered, error="" if delivered else (error or "Ikke levert")[:2000])
        attempt._history_user = None
        attempt._change_reason = "Kvittering fra SMS-leverandøren"
        attempt.save()
        latest = notification.channel == Channel.SMS and resend == _sends_through(notification) - 1
        if delivered or notification.state != State.SENT or not latest:
            return ReceiptResult("recorded", pk)
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            notification.state = State.FAILED
            outcome = "failed"
            notification._change_reason = "Leverandøren meldte at SMS-en ikke kom fram; ga opp"
        else:
            notification.state = State.PENDING
            notification.claimed_by = ""
            notification.next_attempt_at = now + backoff(notification.attempts)
            outcome = "retry"
            notification._change_reason = "Leverandøren meldte at SMS-en ikke kom fram; prøver igjen"
        notification.sent_at = None
        notification.save()
    return ReceiptResult(outcome, pk)


def send_due(batch_size: int = 100, worker: str | None = None) -> PassResult:
    """One pass: re-queue stale claims, then claim and deliver until nothing is due."""
    worker = worker or worker_name()
    result = PassResult(requeued=requeue_stale())
    result.held = hold_for_quiet_hours()
    while True:
        claimed = claim_batch(worker, batch_size)
        if not claimed:
            return result
        result.claimed += len(claimed)
        for pk in claimed:
            outcome = deliver(pk, worker)
            if outcome == "sent":
                result.sent += 1
            elif outcome == "failed":
                result.failed += 1
            elif outcome == "retry":
                result.retried += 1
            elif outcome == "held":
                result.held += 1
