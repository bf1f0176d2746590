"""The load test's exactly-once checker (``bench/loadtest/check.py``) and its SMS journal, on small data.

The load test itself (``bench/loadtest/run``) is not part of the suite; these are the pieces of it that decide
whether it passed.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from bench.loadtest.backends import JournalingFileSmsBackend
from bench.loadtest.check import Deliveries, Facts, check, collect, key_for, read_deliveries, settled_ids
from koordinator.outbox import notify
from koordinator.outbox.sender import send_due
from tests import factories as f

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
EARLIER = NOW - datetime.timedelta(minutes=5)
LATER = NOW + datetime.timedelta(days=1)


def sms_sent(pk: int, calls: int = 1) -> Deliveries:
    return Deliveries(sms_calls=Counter({key_for(pk): calls}), sms_files={key_for(pk)})


def test_an_sms_sent_once_passes():
    outcome = check([Facts(1, "sms", "sent", EARLIER, successes=1)], sms_sent(1), NOW)
    assert outcome.ok, outcome.problems
    assert outcome.sent == {"sms": 1} and outcome.duplicates == 0


def test_an_sms_sent_twice_fails_even_with_one_recorded_attempt():
    outcome = check([Facts(1, "sms", "sent", EARLIER, successes=1)], sms_sent(1, calls=2), NOW)
    assert not outcome.ok
    assert outcome.duplicates == 1


def test_two_successful_attempts_fail():
    outcome = check([Facts(1, "in_app", "sent", EARLIER, successes=2)], Deliveries(), NOW)
    assert outcome.duplicates == 1 and not outcome.ok


def test_an_e_mail_sent_once_passes_and_twice_fails():
    once = Deliveries(emails=Counter({key_for(2): 1}))
    assert check([Facts(2, "email", "sent", EARLIER, successes=1)], once, NOW).ok
    twice = Deliveries(emails=Counter({key_for(2): 2}))
    assert check([Facts(2, "email", "sent", EARLIER, successes=1)], twice, NOW).duplicates == 1


def test_a_due_notification_left_pending_fails():
    outcome = check([Facts(3, "sms", "pending", EARLIER, successes=0, failures=1)], Deliveries(), NOW)
    assert not outcome.ok
    assert "due but not sent" in outcome.problems[0]


def test_an_sms_marked_sent_without_an_sms_fails():
    outcome = check([Facts(4, "sms", "sent", EARLIER, successes=1)], Deliveries(), NOW)
    assert not outcome.ok


def test_letters_waiting_not_yet_due_and_cancelled_are_counted_apart_and_pass():
    facts = [
        Facts(5, "letter", "pending", EARLIER, successes=0),
        Facts(6, "sms", "pending", LATER, successes=0),
        Facts(7, "email", "cancelled", EARLIER, successes=0),
    ]
    outcome = check(facts, Deliveries(), NOW)
    assert outcome.ok, outcome.problems
    assert (outcome.letters_waiting, outcome.not_yet_due, outcome.cancelled) == (1, 1, 1)
    assert sum(outcome.sent.values()) == 0


def test_an_sms_held_for_the_quiet_hours_is_counted_apart_at_night_and_fails_if_it_went_out():
    """A run at night (23:30 in Oslo): non-urgent SMS wait until the quiet hours end (``next_attempt_at``)."""
    held = Facts(8, "sms", "pending", EARLIER, successes=0, urgent=False, next_attempt_at=LATER)
    outcome = check([held], Deliveries(), NOW)
    assert outcome.ok, outcome.problems
    assert outcome.held_for_quiet_hours == 1 and sum(outcome.sent.values()) == 0
    assert not check([held], sms_sent(8), NOW).ok
    # An urgent one, or one whose wait is over, must have been sent.
    assert not check([Facts(8, "sms", "pending", EARLIER, successes=0, urgent=True, next_attempt_at=LATER)],
                     Deliveries(), NOW).ok
    assert not check([Facts(8, "sms", "pending", EARLIER, successes=0, next_attempt_at=EARLIER)],
                     Deliveries(), NOW).ok


def test_a_cancelled_notification_that_went_out_fails():
    assert not check([Facts(7, "sms", "cancelled", EARLIER, successes=0)], sms_sent(7), NOW).ok


def test_something_sent_that_is_not_a_notification_of_the_run_fails():
    # E.g. a notification settled before the run, sent again by a sender.
    outcome = check([], sms_sent(99), NOW)
    assert not outcome.ok
    assert key_for(99) in outcome.problems[0]


@pytest.mark.django_db
def test_the_real_sender_passes_and_a_second_send_of_the_same_key_fails(settings, tmp_path):
    settings.SMS_BACKEND = "bench.loadtest.backends.JournalingFileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "before")
    by_sms = f.ServiceUserFactory(phone="+4791234567", preferred_channel="sms")
    by_email = f.ServiceUserFactory(phone="", email="kari@example.no", preferred_channel="email")
    # Sent before the run (the demo's history): left out of the check.
    done = notify(by_sms, "Før kjøringen", "Sendt før lasttesten")
    send_due()
    settled = settled_ids()
    assert settled == [done.pk]
    # The run: its own SMS and e-mail folders.
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "email")
    sms = notify(by_sms, "Hei", "En SMS")
    email = notify(by_email, "Hei", "En e-post")
    assert (sms.channel, email.channel) == ("sms", "email")
    assert send_due().sent == 2

    def outcome():
        return check(collect(settled), read_deliveries(tmp_path / "sms", tmp_path / "email"), timezone.now())

    first = outcome()
    assert first.ok, first.problems
    assert first.sent == {"sms": 1, "email": 1}
    # A second sender delivering the same notification: FileSmsBackend alone would hide it (one file per key).
    JournalingFileSmsBackend().send(sms.address, sms.body, key_for(sms.pk))
    assert len(list((tmp_path / "sms").glob("*.json"))) == 1  # still one file: the files alone would not tell
    second = outcome()
    assert second.duplicates == 1 and not second.ok
