"""The local OpenID provider (``deploy/oidc-provider/server.mjs``, npm oidc-provider) for the browser tests.

``oidc_provider_process`` (module-scoped) starts the one node process with its two issuers, like ID-porten and
like Ansattporten, on free loopback ports (port 0: the process prints the issuers it got), with the live server's
URL as the relying party's base, so the callbacks and ``/logget-ut/`` are registered redirect URIs. It waits for
both discovery documents and stops the process after the module. ``oidc_provider`` (per test) points
``settings.OIDC_PROVIDERS`` at the issuers through pytest-django's ``settings`` fixture, which the live server's
threads read too, and gives the test the issuers.

Without node or ``node_modules/oidc-provider`` (``npm ci``) the tests are skipped with the reason, unless
``REQUIRE_BROWSER=1`` (CI), where that is a failure.

Use it from a browser-test module: ``from tests.e2e.oidc_provider import oidc_provider, oidc_provider_process``.
"""

from __future__ import annotations

import copy
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone

REPO = Path(__file__).resolve().parents[2]
SERVER_JS = REPO / "deploy" / "oidc-provider" / "server.mjs"
PACKAGE = REPO / "node_modules" / "oidc-provider" / "package.json"
PERSONS_FILE = REPO / "demo" / "sign_in_persons.json"
START_SECONDS = 60  # two cores shared by several test processes: node can be slow to start
ISSUER_LINE = re.compile(r"^(citizen|staff) issuer: (\S+)$")
READY_LINE = "oidc-provider ready"
# The clients the tests register (not the demo's): role -> (client id, secret).
CLIENTS = {
    "citizen": ("koordinator-idporten-e2e", "e2e-hemmelighet-idporten"),
    "staff": ("koordinator-ansattporten-e2e", "e2e-hemmelighet-ansattporten"),
}


def persons() -> dict:
    """The test persons of demo/sign_in_persons.json (the provider's log-in page lists them)."""
    return json.loads(PERSONS_FILE.read_text(encoding="utf-8"))


def person(name: str) -> dict:
    """One test person by name, citizen or staff: ``{"name", "pid", "username", …}``."""
    everyone = persons()
    return next(p for p in [*everyone["citizens"], *everyone["staff"]] if p["name"] == name)


@dataclass
class LocalProvider:
    issuers: dict[str, str]  # role -> issuer URL
    clients: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(CLIENTS))
    output: list[str] = field(default_factory=list)  # what the process printed, for a failure's message
    process: subprocess.Popen | None = field(default=None, repr=False)
    reader: threading.Thread | None = field(default=None, repr=False)

    def providers_setting(self, current: dict) -> dict:
        """``settings.OIDC_PROVIDERS`` with each provider's issuer and client replaced by this provider's."""
        providers = copy.deepcopy(current or {})
        for role, issuer in self.issuers.items():
            client_id, secret = self.clients[role]
            providers.setdefault(role, {}).update(issuer=issuer, client_id=client_id, client_secret=secret)
        return providers


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def _missing(message: str) -> None:
    if _required():
        pytest.fail(f"{message} (REQUIRE_BROWSER=1, so this is an error)", pytrace=False)
    pytest.skip(f"{message}: the tests against the local OpenID provider are skipped")


def _read_lines(stream, lines: queue.Queue, output: list[str]) -> None:
    """Drain the process's output (so it never blocks on a full pipe), line by line."""
    for line in stream:
        line = line.rstrip("\n")
        output.append(line)
        lines.put(line)
    lines.put(None)


def _wait_for_discovery(issuer: str, deadline: float) -> None:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if json.load(response).get("issuer") == issuer:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no discovery document at {url}")
        time.sleep(0.1)


def start_provider(rp_base_url: str) -> LocalProvider:
    """Start the node process for the relying party at ``rp_base_url``; wait until both issuers answer."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed (Node 20 with npm, then `npm ci`)")
    if not PACKAGE.exists():
        _missing(f"{PACKAGE.relative_to(REPO)} is missing (run `npm ci`)")
    bases = {rp_base_url.rstrip("/")}
    bases |= {base.replace("//localhost:", "//127.0.0.1:") for base in bases}
    env = {
        **os.environ,
        "OIDC_PROVIDER_HOST": "127.0.0.1",
        "OIDC_PROVIDER_CITIZEN_PORT": "0",
        "OIDC_PROVIDER_STAFF_PORT": "0",
        "OIDC_PROVIDER_CITIZEN_CLIENT_ID": CLIENTS["citizen"][0],
        "OIDC_PROVIDER_CITIZEN_CLIENT_SECRET": CLIENTS["citizen"][1],
        "OIDC_PROVIDER_STAFF_CLIENT_ID": CLIENTS["staff"][0],
        "OIDC_PROVIDER_STAFF_CLIENT_SECRET": CLIENTS["staff"][1],
        "OIDC_RP_BASE_URLS": ",".join(sorted(bases)),
        "OIDC_PROVIDER_PERSONS": str(PERSONS_FILE),
        # The test clock (--clock moves it): the ID tokens' iat and exp must agree with the server's clock.
        "OIDC_PROVIDER_CLOCK": timezone.now().isoformat(),
        "NODE_ENV": "test",
    }
    process = subprocess.Popen(
        [node, str(SERVER_JS)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    provider = LocalProvider(issuers={}, process=process)
    lines: queue.Queue = queue.Queue()
    provider.reader = threading.Thread(
        target=_read_lines,
        args=(process.stdout, lines, provider.output),
        name="oidc-provider-output",
        daemon=True,
    )
    provider.reader.start()
    deadline = time.monotonic() + START_SECONDS
    try:
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise TimeoutError("the provider did not say it was ready") from None
            if line is None:
                raise RuntimeError(f"the provider stopped with exit code {process.wait()}")
            if match := ISSUER_LINE.match(line):
                provider.issuers[match[1]] = match[2]
            if line.startswith(READY_LINE):
                break
        if set(provider.issuers) != {"citizen", "staff"}:
            raise RuntimeError(f"the provider named the issuers {sorted(provider.issuers)}")
        for issuer in provider.issuers.values():
            _wait_for_discovery(issuer, deadline)
    except (TimeoutError, RuntimeError) as error:
        stop_provider(provider)
        output = "\n".join(provider.output[-40:])
        pytest.fail(f"the local OpenID provider did not start: {error}\n{output}", pytrace=False)
    return provider


def stop_provider(provider: LocalProvider) -> None:
    """Stop the node process (SIGTERM, then SIGKILL after 10 s) and its output's reader."""
    process = provider.process
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if provider.reader is not None:
        provider.reader.join(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="module")
def oidc_provider_process(server) -> Iterator[LocalProvider]:
    """The local OpenID provider for this module's live server (``server``: its base URL)."""
    provider = start_provider(server)
    try:
        yield provider
    finally:
        stop_provider(provider)


@pytest.fixture
def oidc_provider(oidc_provider_process, settings) -> LocalProvider:
    """The live server's ``OIDC_PROVIDERS`` point at the local provider for this test; yields its issuers."""
    settings.OIDC_PROVIDERS = oidc_provider_process.providers_setting(settings.OIDC_PROVIDERS)
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True  # the test persons' numbers are synthetic (month + 80)
    return oidc_provider_process
