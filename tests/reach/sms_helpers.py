"""Signed requests to the SMS gateway's webhooks, as the gateway makes them (``reach.sms_inbound.sign``)."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from reach import sms_inbound

SECRET = "hemmelig-for-testene-og-lang-nok-til-sjekken"  # at least 32 characters (reach.checks)


@pytest.fixture
def webhook_secret(settings) -> str:
    settings.SMS_WEBHOOK_SECRET = SECRET
    return SECRET


def body_of(payload) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()


def post_signed(route: str, payload, *, secret: str = SECRET, timestamp: int | None = None,
                headers: dict | None = None, client: Client | None = None):
    """POST ``payload`` (a dict, or raw bytes) to the webhook ``route``, signed with ``secret`` at ``timestamp``
    (default now). ``headers`` replaces the signature headers (to send wrong or none)."""
    body = body_of(payload)
    signed = sms_inbound.sign(body, secret=secret, timestamp=int(time.time()) if timestamp is None else timestamp)
    return (client or Client()).post(reverse(route), data=body, content_type="application/json",
                                     headers=signed if headers is None else headers)


def incoming(payload, **kwargs):
    return post_signed("reach_sms_incoming", payload, **kwargs)


def receipt(payload, **kwargs):
    return post_signed("reach_sms_receipt", payload, **kwargs)


def reply(number: str, text: str, provider_id: str = "gw-1", **extra) -> dict:
    """A reply as the gateway posts it."""
    return {"id": provider_id, "from": number, "to": "+4759440000", "text": text,
            "received_at": "2026-11-23T14:05:00+01:00", **extra}
