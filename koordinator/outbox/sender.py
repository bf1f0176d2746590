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
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
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


def _deliver_through_channel(notification: Notification) -> str:
    """Send one notification; returns the backend's name. Raises DeliveryError (or anything) on failure."""
    key = f"koordinator-notification-{notification.pk}"
    if notification.channel == Channel.IN_APP:
        return "in_app"  # the bell and the list read it from the database
    if not notification.address:
        raise DeliveryError("Ingen adresse for denne kanalen")
    if notification.channel == Channel.SMS:
        backend = get_sms_backend()
        backend.send(notification.address, notification.body, key)
        return type(backend).__name__
    if notification.channel == Channel.EMAIL:
        send_email(notification.address, notification.subject, notification.body, key,
                   attachments_for(notification))
        return "email"
    raise DeliveryError(f"Kanalen {notification.channel} sendes ikke herfra")


def deliver(pk: int, worker: str) -> str:
    """Deliver one claimed notification and record the outcome. Returns 'sent', 'retry' or 'failed'."""
    notification = Notification.objects.select_related("recipient_service_user", "recipient_user").get(pk=pk)
    if notification.state != State.SENDING or notification.claimed_by != worker:
        return "skipped"
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


def send_due(batch_size: int = 100, worker: str | None = None) -> PassResult:
    """One pass: re-queue stale claims, then claim and deliver until nothing is due."""
    worker = worker or worker_name()
    result = PassResult(requeued=requeue_stale())
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
