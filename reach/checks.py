"""The system check on the SMS gateway's shared secret (``SMS_WEBHOOK_SECRET``, ``reach.sms_inbound``).

Empty is allowed: no SMS are received (the webhooks answer 503). A secret shorter than ``MIN_SECRET_LENGTH``
characters can be guessed offline from one signed request: a Warning while developing, an Error when ``DEBUG`` is
off (Django runs the checks before ``migrate``, ``runserver`` and every other command, and an Error stops it).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

MIN_SECRET_LENGTH = 32


@checks.register(checks.Tags.security)
def sms_webhook_secret(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    secret = getattr(settings, "SMS_WEBHOOK_SECRET", "") or ""
    if not secret or len(secret) >= MIN_SECRET_LENGTH:
        return []
    kind = checks.Warning if settings.DEBUG else checks.Error
    return [kind(
        f"SMS_WEBHOOK_SECRET is {len(secret)} characters long; it must be at least {MIN_SECRET_LENGTH}.",
        hint="Set SMS_WEBHOOK_SECRET to a long random value (e.g. python -c \"import secrets; "
             "print(secrets.token_urlsafe(48))\") and give the same value to the SMS gateway.",
        id="reach.E001" if kind is checks.Error else "reach.W001",
    )]
