"""Production settings: with DEBUG=0 and real values, ``manage.py check --deploy`` reports nothing."""

from __future__ import annotations

import secrets

import pytest

from tests.commands import ROOT, manage

# Set by the test run itself (the browser tests need the last one); a deployment has none of them.
NOT_INHERITED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_manage(*args: str, **env: str):
    return manage(*args, without=NOT_INHERITED, timeout=120, **env)


def test_check_deploy_reports_no_issues_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="koordinator.example.com",
        CSRF_TRUSTED_ORIGINS="https://koordinator.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    if (ROOT / ".env").exists():
        pytest.skip("a local .env may set SECRET_KEY")
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="koordinator.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
