"""Browser tests: Playwright drives Debian's Chromium against a live server holding the demo data.

Without /usr/bin/chromium the tests are skipped with a message, unless ``REQUIRE_BROWSER=1`` (as in
``.ci/run``), where they fail instead. ``playwright install`` cannot download browsers here, so the
system Chromium is launched directly.

Speed: the demo data is loaded once per test module, not once per test, and a load copies back the demo the
test process seeded first (``tests/shared_demo.py``) instead of seeding again. A module's tests share its load
(the ones that write do so in a set order, or on data the others do not read); the module's teardown flushes the
database so the other tests start empty. That is why this uses pytest-django's ``LiveServer`` helper directly
instead of the ``live_server`` fixture, which would wrap every test in ``transactional_db`` and flush the data
after each one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import AXE_JS
from tests.shared_demo import clear_demo, load_demo

# Playwright's sync API runs an event loop in the main thread; Django would then refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # Tells pytest-django to create the test database and lets the server thread use it during
            # the test. The demo data itself is loaded (committed) once per module by ``server``.
            item.add_marker(pytest.mark.django_db)


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def _missing(message: str) -> None:
    if _browser_required():
        pytest.fail(f"{message} (REQUIRE_BROWSER=1, so this is an error)", pytrace=False)
    pytest.skip(f"{message}: browser tests skipped. Install it with `apt-get install -y chromium`.")


@pytest.fixture(autouse=True)
def _demo_login(settings):
    """The browser tests log the demo's people in with their passwords alone, as ``make run`` does (DEMO_LOGIN);
    the second factor's own browser test (test_second_factor.py) turns it off."""
    settings.DEMO_LOGIN = True


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing")
    if not AXE_JS.exists():
        _missing(f"{AXE_JS} is missing (run `npm ci`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _stop(live) -> None:
    """Stop the server, first letting request threads on kept-alive connections finish.

    Those threads close the shared SQLite connection when they end; after ``LiveServer.stop()`` has
    withdrawn the connection's thread sharing, that close raises in the thread (a noisy warning).
    """
    live.thread.terminate()
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=max(deadline - time.monotonic(), 0))
    for conn in live.thread.connections_override.values():
        conn.dec_thread_sharing()


@pytest.fixture(scope="module")
def server(request, browser, django_db_setup, django_db_blocker) -> Iterator[str]:
    """A live server with the demo data; yields its base URL. Flushes the database afterwards."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        load_demo(request)
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    try:
        yield live.url
    finally:
        live._live_server_modified_settings.disable()
        _stop(live)
        with django_db_blocker.unblock():
            clear_demo()


@pytest.fixture
def new_page(browser, server) -> Iterator[Callable]:
    """``new_page(**context_options)``: a page in a fresh browser context (own cookies), closed afterwards."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", server)
        options.setdefault("locale", "nb-NO")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
