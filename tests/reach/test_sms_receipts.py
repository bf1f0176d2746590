"""Delivery receipts (issue 16, point 4): the SMS provider reports delivered or failed for the key we sent with; it
is recorded as a delivery attempt (backend «receipt»), a failure puts the SMS back to be sent again with a new key
(or failed after NOTIFICATION_MAX_ATTEMPTS), a delivered one changes nothing but the record; once per receipt id."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from koordinator.models import DeliveryAttempt, Notification
from koordinator.outbox import build, notify_many
from koordinator.outbox.backends import FileSmsBackend
from koordinator.outbox.sender import backoff, send_due
from koordinator.timeutil import at
from tests import factories as f
from tests.reach.sms_helpers import receipt, webhook_secret  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def sent_sms(webhook_secret, settings, tmp_path):  # noqa: F811 - the fixture
    """An SMS to Kari, sent through the file backend (which drops a repeat of a key, as a provider would)."""
    settings.SMS_BACKEND = "koordinator.outbox.backends.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    person = f.ServiceUserFactory(phone="+4791111111")
    with time_machine.travel(at(MONDAY, 10, 0), tick=False):
        notice = build(person, "Beskjed", "Hei Kari", channel=Notification.Channel.SMS)
        notification = notify_many([notice])[0]
        send_due()
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT
    return notification


def key(notification, resend: int = 0) -> str:
    return f"koordinator-notification-{notification.pk}" + (f"-{resend}" if resend else "")


def receipts(notification):
    return DeliveryAttempt.objects.filter(notification=notification, backend="receipt")


def test_a_delivered_receipt_is_recorded_and_changes_nothing_else(sent_sms):
    with time_machine.travel(at(MONDAY, 10, 1), tick=False):
        response = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "delivered"})
    assert response.status_code == 200 and response.json() == {"id": "r-1", "result": "recorded"}
    attempt = receipts(sent_sms).get()
    assert attempt.success and attempt.error == "" and attempt.worker == "receipt:r-1"
    before = sent_sms.sent_at
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.SENT and sent_sms.sent_at == before and sent_sms.attempts == 1


def test_a_failed_receipt_puts_it_back_and_it_is_sent_again_with_a_new_key(sent_sms, tmp_path):
    with time_machine.travel(at(MONDAY, 10, 1), tick=False) as traveller:
        response = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed",
                            "error": "Telefonen er avslått"})
        assert response.json()["result"] == "retry"
        sent_sms.refresh_from_db()
        assert sent_sms.state == Notification.State.PENDING and sent_sms.sent_at is None
        assert sent_sms.next_attempt_at == at(MONDAY, 10, 1) + backoff(1)
        assert receipts(sent_sms).get().error == "Telefonen er avslått"
        assert send_due().sent == 0  # not before the back-off
        traveller.shift(backoff(1))
        assert send_due().sent == 1
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.SENT and sent_sms.attempts == 2
    # The provider got it twice, under two keys: a provider that drops a repeat of a key does not drop the resend.
    assert sorted(m["key"] for m in FileSmsBackend(tmp_path).sent()) == [key(sent_sms), key(sent_sms, 1)]
    reasons = list(sent_sms.history.values_list("history_change_reason", flat=True))
    assert "Leverandøren meldte at SMS-en ikke kom fram; prøver igjen" in reasons


def test_a_failed_receipt_for_an_earlier_send_changes_nothing(sent_sms):
    with time_machine.travel(at(MONDAY, 10, 1), tick=False) as traveller:
        receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed"})
        traveller.shift(backoff(1))
        send_due()
        # A late failure for the first send, under another receipt id: the second send stands.
        response = receipt({"id": "r-2", "idempotency_key": key(sent_sms), "status": "failed"})
    assert response.json()["result"] == "recorded"
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.SENT and receipts(sent_sms).count() == 2


def test_a_nul_in_the_error_is_taken_out(sent_sms):
    receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed", "error": "Feil\u0000kode"})
    assert receipts(sent_sms).get().error == "Feilkode"


def test_after_the_last_attempt_a_failed_receipt_gives_up(sent_sms, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    response = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed"})
    assert response.json()["result"] == "failed"
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.FAILED


def test_a_replayed_receipt_is_recorded_once(sent_sms):
    first = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed"})
    again = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed"})
    assert first.json()["result"] == "retry" and again.json() == {"id": "r-1", "result": "duplicate"}
    assert receipts(sent_sms).count() == 1
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.PENDING and sent_sms.attempts == 1


def test_a_wrong_signature_records_nothing(sent_sms):
    response = receipt({"id": "r-1", "idempotency_key": key(sent_sms), "status": "failed"}, secret="feil")
    assert response.status_code == 403 and not receipts(sent_sms).exists()
    sent_sms.refresh_from_db()
    assert sent_sms.state == Notification.State.SENT


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"id": "r-1", "idempotency_key": "koordinator-notification-999999", "status": "failed"}, 404,
     "idempotency_key"),
    ({"id": "r-1", "idempotency_key": "noe-annet-1", "status": "failed"}, 400, "idempotency_key"),
    ({"id": "r-1", "idempotency_key": "koordinator-notification-1", "status": "kanskje"}, 400, "status"),
    ({"idempotency_key": "koordinator-notification-1", "status": "failed"}, 400, "id"),
    ({"id": "r" * 200, "idempotency_key": "koordinator-notification-1", "status": "failed"}, 400, "id"),
    ({"id": "r-1", "idempotency_key": "koordinator-notification-1", "status": "failed", "error": {}}, 400, "error"),
    # A lone surrogate is valid JSON but no text a database stores: a 400, not a 500.
    (b'{"id": "r-1", "idempotency_key": "koordinator-notification-1", "status": "failed", "error": "\\ud800"}',
     400, "error"),
    (b'{"id": "r-\\ud800", "idempotency_key": "koordinator-notification-1", "status": "failed"}', 400, "id"),
])
def test_bad_receipts_are_refused_with_the_field(sent_sms, payload, status, field):
    response = receipt(payload)
    assert response.status_code == status and response.json()["field"] == field
    assert not receipts(sent_sms).exists()
