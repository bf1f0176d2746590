"""The system check on ``SMS_WEBHOOK_SECRET`` (``reach.checks``): empty is allowed (no SMS received), shorter than 32
characters is a Warning while developing and an Error with ``DEBUG`` off; ``manage.py check`` says so."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from reach.checks import sms_webhook_secret


@pytest.mark.parametrize("secret", ["", "x" * 32, "x" * 64])
def test_an_empty_or_long_enough_secret_is_fine(settings, secret):
    settings.SMS_WEBHOOK_SECRET = secret
    settings.DEBUG = False
    assert sms_webhook_secret() == []


def test_a_short_secret_is_a_warning_while_developing(settings):
    settings.SMS_WEBHOOK_SECRET = "hemmelig"
    settings.DEBUG = True
    [message] = sms_webhook_secret()
    assert isinstance(message, checks.Warning) and message.level == checks.WARNING and message.id == "reach.W001"
    assert "8 characters" in message.msg and "at least 32" in message.msg
    assert "hemmelig" not in message.msg + message.hint  # the secret itself is never printed


def test_a_short_secret_is_an_error_in_production(settings):
    settings.SMS_WEBHOOK_SECRET = "x" * 31
    settings.DEBUG = False
    [message] = sms_webhook_secret()
    assert message.level == checks.ERROR and message.id == "reach.E001"
    with pytest.raises(SystemCheckError, match="SMS_WEBHOOK_SECRET is 31 characters long"):
        call_command("check")
