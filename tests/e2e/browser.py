"""Helpers for the browser tests: log in through the form, read the page, run axe-core."""

from __future__ import annotations

from pathlib import Path

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
