"""The notification outbox: channel choice, dedupe, delivery exactly once, retries, killed workers."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from koordinator.models import DeliveryAttempt, Notification, ServiceUser
from koordinator.outbox import choose_channel, notify
from koordinator.outbox.backends import FileSmsBackend
from koordinator.outbox.sender import claim_batch, deliver, send_due
from tests import factories as f

pytestmark = pytest.mark.django_db

_lock = threading.Lock()


class RecordingSms:
    """Counts every call, as a provider without idempotency would (so a double send shows up)."""

    calls: list[tuple[str, str, str]] = []
    fail_for: set[str] = set()

    def send(self, to, text, idempotency_key):
        with _lock:
            RecordingSms.calls.append((to, text, idempotency_key))
        if to in RecordingSms.fail_for:
            raise ConnectionError("leverandøren svarte ikke")


@pytest.fixture
def recording_sms(settings):
    settings.SMS_BACKEND = "tests.koordinator.test_outbox.RecordingSms"
    RecordingSms.calls = []
    RecordingSms.fail_for = set()
    return RecordingSms


@pytest.fixture
def person():
    return f.ServiceUserFactory(phone="+4791234567", email="kari@example.no", address="Storgata 1",
                                postal_code="7010", city="Trondheim")


def test_it_uses_the_preferred_channel(person):
    person.preferred_channel = ServiceUser.Channel.EMAIL
    assert choose_channel(person) == "email"


def test_it_falls_back_when_the_preferred_channel_cannot_reach_the_person(person):
    person.preferred_channel = ServiceUser.Channel.EMAIL
    person.email = ""
    assert choose_channel(person) == "sms"
    person.phone = ""
    assert choose_channel(person) == "letter"


def test_a_person_without_phone_or_email_gets_a_letter_with_their_address(person):
    person.phone = ""
    person.email = ""
    person.preferred_channel = ServiceUser.Channel.SMS
    person.save()
    n = notify(person, "Ny kontaktperson", "Hei")
    assert n.channel == "letter"
    assert "Storgata 1" in n.address and "7010 Trondheim" in n.address


def test_a_dedupe_key_makes_the_second_notification_a_no_op(person):
    assert notify(person, "Påminnelse", "Hei", dedupe_key="reminder:1") is not None
    assert notify(person, "Påminnelse", "Hei", dedupe_key="reminder:1") is None
    assert Notification.objects.count() == 1


def test_it_delivers_sms_once_and_records_the_attempt(person, recording_sms):
    n = notify(person, "Hei", "Kari, Per kommer i stedet i dag kl. 10.00.")
    result = send_due()
    assert result.sent == 1
    n.refresh_from_db()
    assert n.state == "sent" and n.sent_at is not None and n.attempts == 1
    assert recording_sms.calls == [("+4791234567", n.body, f"koordinator-notification-{n.pk}")]
    assert DeliveryAttempt.objects.filter(notification=n, success=True).count() == 1
    # A second pass sends nothing again.
    assert send_due().sent == 0
    assert len(recording_sms.calls) == 1


def test_it_sends_email_through_djangos_backend(person):
    notify(person, "Møte flyttet", "Møtet er flyttet til fredag.", channel="email")
    send_due()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.no"]
    assert mail.outbox[0].subject == "Møte flyttet"


def test_it_does_not_send_what_is_not_due_yet(person, recording_sms):
    notify(person, "Senere", "Kommer i morgen", due_at=timezone.now() + datetime.timedelta(hours=1))
    assert send_due().sent == 0
    assert recording_sms.calls == []


def test_letters_wait_for_the_print_queue(person):
    notify(person, "Brev", "Hei", channel="letter")
    assert send_due().claimed == 0
    assert Notification.objects.get().state == "pending"


def test_a_failure_is_retried_with_backoff_and_given_up_after_max_attempts(person, recording_sms, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    recording_sms.fail_for = {"+4791234567"}
    n = notify(person, "Hei", "tekst")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert send_due().retried == 1
        n.refresh_from_db()
        assert n.state == "pending" and n.next_attempt_at == start + datetime.timedelta(minutes=1)
        assert send_due().claimed == 0  # not before the back-off has passed
        traveller.shift(datetime.timedelta(minutes=1, seconds=1))
        assert send_due().retried == 1
        traveller.shift(datetime.timedelta(minutes=2, seconds=1))
        assert send_due().failed == 1
    n.refresh_from_db()
    assert n.state == "failed"
    assert DeliveryAttempt.objects.filter(notification=n, success=False).count() == 3
    assert "leverandøren svarte ikke" in DeliveryAttempt.objects.filter(notification=n).first().error


def test_a_worker_killed_mid_batch_is_picked_up_and_nothing_is_sent_twice(person, tmp_path, settings):
    settings.SMS_BACKEND = "koordinator.outbox.backends.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    notes = [notify(person, "Hei", f"melding {i}") for i in range(10)]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        claimed = claim_batch("worker-a", limit=10)
        assert len(claimed) == 10
        for pk in claimed[:4]:
            deliver(pk, "worker-a")
        # worker-a is killed here: six rows stay claimed. Another worker sees nothing until the lease runs out.
        assert send_due(worker="worker-b").claimed == 0
        traveller.shift(datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE + 1))
        result = send_due(worker="worker-b")
    assert result.requeued == 6 and result.sent == 6
    assert Notification.objects.filter(state="sent").count() == 10
    sent_keys = Counter(m["key"] for m in FileSmsBackend(tmp_path).sent())
    assert sent_keys == Counter({f"koordinator-notification-{n.pk}": 1 for n in notes})
    assert all(DeliveryAttempt.objects.filter(notification=n, success=True).count() == 1 for n in notes)


def test_killed_after_sending_but_before_recording_the_backend_drops_the_repeat(person, tmp_path, settings):
    settings.SMS_BACKEND = "koordinator.outbox.backends.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    n = notify(person, "Hei", "bare én gang")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        [pk] = claim_batch("worker-a", limit=10)
        FileSmsBackend(tmp_path).send(n.address, n.body, f"koordinator-notification-{pk}")  # then killed
        traveller.shift(datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE + 1))
        send_due(worker="worker-b")
    assert len(FileSmsBackend(tmp_path).sent()) == 1
    n.refresh_from_db()
    assert n.state == "sent"


def test_the_command_runs_one_pass_with_once(person, recording_sms):
    notify(person, "Hei", "tekst")
    call_command("send_notifications", "--once")
    assert len(recording_sms.calls) == 1


def test_every_state_change_is_in_history(person, recording_sms):
    n = notify(person, "Hei", "tekst")
    send_due()
    states = list(n.history.order_by("history_date").values_list("state", flat=True))
    assert states[0] == "pending" and states[-1] == "sent"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SKIP LOCKED) need PostgreSQL")
def test_two_workers_at_once_deliver_each_notification_exactly_once(recording_sms):
    from django.db import close_old_connections

    person = f.ServiceUserFactory(phone="+4791234567")
    notes = [notify(person, "Hei", f"melding {i}") for i in range(60)]
    barrier = threading.Barrier(2)

    def work(name):
        try:
            barrier.wait()
            send_due(batch_size=5, worker=name)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = Counter(key for _, _, key in recording_sms.calls)
    assert len(keys) == 60 and set(keys.values()) == {1}
    assert Notification.objects.filter(pk__in=[n.pk for n in notes], state="sent").count() == 60
