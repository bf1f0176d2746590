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


def test_check_deploy_reports_no_issues_with_both_openid_providers_configured():
    """ID-porten and the staff provider configured (issue 13): still clean, and nothing is fetched at check time.

    Every HTTP(S) request of the process would go to a closed port (the proxy variables), so a discovery document
    fetched while checking would fail and be logged.
    """
    closed = "http://127.0.0.1:9"
    environment = dict(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="koordinator.example.com",
        CSRF_TRUSTED_ORIGINS="https://koordinator.example.com",
        OIDC_CITIZEN_ISSUER="https://idporten.example.com",
        OIDC_CITIZEN_CLIENT_ID="koordinator-idporten",
        OIDC_CITIZEN_CLIENT_SECRET=secrets.token_urlsafe(32),
        OIDC_STAFF_ISSUER="https://login.example.com/kommune/v2.0",
        OIDC_STAFF_CLIENT_ID="koordinator-ansatt",
        OIDC_STAFF_CLIENT_SECRET=secrets.token_urlsafe(32),
        OIDC_STAFF_SUBJECT_CLAIM="oid",
        OIDC_STAFF_LABEL="Microsoft Entra ID",
        HTTP_PROXY=closed,
        HTTPS_PROXY=closed,
        http_proxy=closed,
        https_proxy=closed,
        NO_PROXY="",
        no_proxy="",
        LOG_LEVEL="INFO",
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "OIDC" not in result.stderr and "discovery" not in result.stderr

    # The providers were on in that process (the settings read them), so the check ran with them.
    on = run_manage(
        "shell", "-c", "from koordinator.signin import oidc; print([p['label'] for p in oidc.enabled_providers()])",
        **environment,
    )
    assert on.returncode == 0, on.stdout + on.stderr
    assert "['ID-porten', 'Microsoft Entra ID']" in on.stdout
