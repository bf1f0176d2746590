"""Delivery backends for SMS and e-mail.

An SMS backend is a small class named in ``settings.SMS_BACKEND`` with one method,
``send(to, text, idempotency_key)``. Adding a real provider means writing one such class; the key lets a
provider drop a repeat of the same message (we pass the notification's id), which is what keeps delivery
exactly-once even if the sender is killed between sending and recording that it sent.

The key is ``koordinator-notification-<id>``; after the provider's delivery receipt said a send failed, the next send
of the same notification carries ``koordinator-notification-<id>-<n>`` (``sender.idempotency_key``), so a provider
that remembers keys does not drop it. The other direction (issue 16): the provider posts replies and delivery
receipts, signed, to ``/sms/innkommende/`` and ``/sms/kvittering/`` (``reach.sms_inbound``; the README has the
contract). ``send`` raises on failure (any exception: retried with back-off); it returns when the provider has taken
the message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The backend could not deliver; the sender retries with back-off."""


class BaseSmsBackend:
    name = "base"

    def send(self, to: str, text: str, idempotency_key: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints messages to standard output (development)."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str, idempotency_key: str) -> None:
        self.stream.write(f"--- SMS til {to} [{idempotency_key}] ---\n{text}\n")
        self.stream.flush()


class FileSmsBackend(BaseSmsBackend):
    """Writes one JSON file per message under ``settings.SMS_FILE_PATH`` (development and tests).

    A second send with the same key finds the file and does nothing, like a provider honouring an
    idempotency key.
    """

    name = "file"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, to: str, text: str, idempotency_key: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"{idempotency_key}.json"
        if target.exists():
            return
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"to": to, "text": text, "key": idempotency_key}, ensure_ascii=False))
        tmp.replace(target)

    def sent(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(p.read_text()) for p in sorted(self.path.glob("*.json"))]


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_email(to: str, subject: str, body: str, idempotency_key: str, attachments=()) -> None:
    """Through Django's e-mail backend; the Message-ID carries the key so a mail system can drop repeats.

    ``attachments`` are ``(filename, content, mimetype)`` tuples (``koordinator.outbox.attachments_for``).
    """
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={"Message-ID": f"<{idempotency_key}@{domain}>"},
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send(fail_silently=False)
