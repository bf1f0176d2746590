"""Helpers for the browser tests: log in through the form, read the page, run axe-core."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__e2e__/axe.min.js"  # answered by the test itself (page.route), never by the app
PASSWORD = "demo-passord"


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real log-in form, as a person would, and wait to leave the log-in page."""
    page.goto("/logg-inn/")
    main = page.locator("main")
    main.get_by_label("Brukernavn").fill(username)
    main.get_by_label("Passord", exact=True).fill(password)
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/logg-inn/" not in url)


def write_for_the_server(write: Callable[[], T]) -> T:
    """Run a test set-up write so that the live server sees it at once.

    On SQLite the server thread shares the test's connection, so the write is simply run. On PostgreSQL the test
    runs inside a transaction the server's own connection cannot see into (and the write would hold row locks
    the server then waits for), so the write runs on a fresh connection in its own thread and commits at once.
    """
    from django.db import connection, connections

    if connection.vendor == "sqlite":
        return write()
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(write())
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="e2e-setup-write")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def h1_text(page) -> str:
    return " ".join(page.locator("h1").inner_text().split())


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page and return the violations of the given impacts.

    The CSP allows scripts from the page's own origin only, so axe is loaded as a same-origin URL that
    the test answers itself (``page.route``); the app's CSP stays on while axe checks the page.
    """
    page.route(
        f"**{AXE_URL_PATH}", lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript")
    )
    page.add_script_tag(url=AXE_URL_PATH)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(node["target"]) for node in v["nodes"][:5])
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} -> {targets}")
    return "\n".join(lines)
