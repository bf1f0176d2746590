"""Each role logs in through the form and lands on its own home, which is accessible, fits a phone and
works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.e2e.browser import axe_violations, describe, h1_text, login


@dataclass(frozen=True)
class Home:
    username: str
    path: str
    h1: str
    shows: str  # a name the home shows with the demo data (on its first page)
    hides: tuple[str, ...] = ()  # names this role must not see


HOMES = {
    "tillitsperson": Home("tillit1", "/arbeidsliste/", "Min arbeidsliste", "Kari Nordmann"),
    # The leader's case list is paginated; the caseload table always names every trust person.
    "leder": Home(
        "leder", "/leder/", "Oversikt over saker", "Sigrid Aune", hides=("Jan Fjeldstad", "Ole Vik")
    ),
    "bruker": Home("bruker1", "/min-side/", "Min side", "Sigrid Aune"),
    "partner": Home("nav1", "/partner/", "Mine brukere", "Kari Nordmann", hides=("Lise Berg",)),
    "administrator": Home("admin", "/admin/", "Brukerkontoer og organisasjoner", "Brukere av systemet"),
    "leder_malvik": Home(
        "leder_malvik",
        "/leder/",
        "Oversikt over saker",
        "Jan Fjeldstad",
        hides=("Kari Nordmann", "Sigrid Aune"),
    ),
}
ROLES = list(HOMES)


def path_of(page) -> str:
    return "/" + page.url.split("/", 3)[3].split("?")[0]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_through_the_form_and_lands_on_its_home(page, role):
    home = HOMES[role]
    login(page, home.username)
    assert path_of(page) == home.path
    assert h1_text(page) == home.h1
    body = page.locator("body").inner_text()
    assert home.shows in body
    for name in home.hides:
        assert name not in body, f"{home.username} must not see {name}"


def test_a_wrong_password_shows_an_error_and_stays_on_the_log_in_page(page):
    login_page = "/logg-inn/"
    page.goto(login_page)
    main = page.locator("main")
    main.get_by_label("Brukernavn").fill("tillit1")
    main.get_by_label("Passord", exact=True).fill("feil-passord")
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    assert path_of(page) == login_page
    assert "Brukernavnet eller passordet er feil" in main.inner_text()


def test_the_log_in_page_has_no_serious_accessibility_violations(page):
    page.goto("/logg-inn/")
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("role", ROLES)
def test_each_home_has_no_serious_accessibility_violations(page, role):
    login(page, HOMES[role].username)
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("role", ROLES)
def test_each_home_fits_a_375_px_phone_without_sideways_scrolling(new_page, role):
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    login(page, HOMES[role].username)
    assert path_of(page) == HOMES[role].path
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide"


def test_the_log_in_page_fits_a_375_px_phone(new_page):
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page.goto("/logg-inn/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_log_in_navigation_and_log_out_work_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    login(page, "bruker1")
    assert h1_text(page) == "Min side"
    nav = page.get_by_role("navigation", name="Hovedmeny")
    nav.get_by_role("link", name="Hvem har sett opplysningene mine").click()
    page.wait_for_load_state()
    assert h1_text(page) == "Hvem har sett opplysningene mine"
    assert "Sigrid Aune" in page.locator("main").inner_text()  # the demo data's reads of bruker1's case
    nav.get_by_role("link", name="Min side").click()
    page.wait_for_load_state()
    assert h1_text(page) == "Min side"
    nav.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(lambda url: "/logg-inn/" in url)
    assert h1_text(page) == "Logg inn"


def test_a_trust_person_can_go_from_the_worklist_to_a_case_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    login(page, "tillit1")
    page.locator("main").get_by_role("link", name="Kari Nordmann").first.click()
    page.wait_for_load_state()
    assert "Kari Nordmann" in h1_text(page)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Min arbeidsliste").click()
    page.wait_for_load_state()
    assert h1_text(page) == "Min arbeidsliste"


@pytest.mark.parametrize("where", ["log-in page", "home"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, where):
    if where == "home":
        login(page, "tillit1")
    else:
        page.goto("/logg-inn/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Hopp til hovedinnholdet", "href": "#main"}
    assert page.locator("a[href='#main']").is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_text_is_set_in_a_sans_serif_font_not_the_serif_fallback(page):
    """The theme names Inter, which we do not ship: app.css falls back to the system's sans-serif."""
    login(page, "tillit1")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    used = {}
    for selector in ("h1", "main p", "nav a", "button.ds-button"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        # The text of an element is in its child text node; the platform fonts are reported for the element.
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used[selector] = [font["familyName"] for font in fonts]
    for selector, families in used.items():
        assert families, selector
        assert not any("serif" in family.lower() for family in families), f"{selector}: {families}"
