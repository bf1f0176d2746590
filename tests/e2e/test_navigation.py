"""The header on every page: the menu folds on a phone and opens without JavaScript, the bell is always in
sight, and every page a role reaches from its menu is accessible and fits a 375 px phone."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
BELL = re.compile(r"^Varsler")


def nav_of(page):
    return page.get_by_role("navigation", name="Hovedmeny")


def test_on_a_phone_the_menu_is_folded_and_opens_without_javascript(new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    login(page, "bruker1")
    nav = nav_of(page)
    link = nav.get_by_role("link", name="Hvem har sett opplysningene mine")
    assert not link.is_visible()
    assert page.get_by_role("link", name=BELL).is_visible()  # the bell is never folded away
    nav.get_by_text("Meny", exact=True).click()
    assert link.is_visible()
    assert nav.get_by_role("button", name="Logg ut").is_visible()
    link.click()
    page.wait_for_load_state()
    assert h1_text(page) == "Hvem har sett opplysningene mine"


def test_innlogging_og_sikkerhet_is_in_the_account_menu_next_to_mine_innlogginger(new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    login(page, "tillit1")
    nav = nav_of(page)
    nav.get_by_text("Meny", exact=True).click()
    labels = nav.locator(".site-nav__account a.site-nav__link").all_inner_texts()
    assert labels == ["Endre passord", "Mine innlogginger", "Innlogging og sikkerhet"]
    nav.get_by_role("link", name="Innlogging og sikkerhet").click()
    page.wait_for_url("**/konto/sikkerhet/")
    assert h1_text(page) == "Innlogging og sikkerhet"
    assert nav_of(page).locator('a[href="/konto/sikkerhet/"]').get_attribute("aria-current") == "page"


def test_on_a_wide_screen_every_link_shows_without_a_menu_button(page):
    login(page, "tillit1")
    nav = nav_of(page)
    assert not nav.get_by_text("Meny", exact=True).is_visible()
    for label in ("Min arbeidsliste", "Mine avtaler", "Fravær", "Overføringsliste", "Brev til utskrift"):
        assert nav.get_by_role("link", name=label).is_visible(), label
    assert page.get_by_role("link", name=BELL).is_visible()


def test_the_bell_leads_to_the_messages(page):
    login(page, "bruker1")
    page.get_by_role("link", name=BELL).click()
    page.wait_for_load_state()
    assert h1_text(page) == "Varsler"
    assert page.get_by_role("link", name=BELL).get_attribute("aria-current") == "page"


@pytest.mark.parametrize("username", ["tillit1", "leder", "bruker1", "nav1"])
def test_every_page_in_the_menu_is_accessible_and_fits_a_phone(new_page, username):
    page = new_page(**PHONE)
    login(page, username)
    hrefs = (
        nav_of(page)
        .locator("a.site-nav__link")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    hrefs.append(page.get_by_role("link", name=BELL).get_attribute("href"))
    assert len(hrefs) >= 3
    problems = []
    for href in hrefs:
        response = page.goto(href)
        assert response.status == 200, href
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 375:
            problems.append(f"{href}: the page is {width} px wide")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{href}:\n{describe(violations)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("username", "path"), [("tillit1", "/saker/99999999/"), ("bruker1", "/saker/99999999/"),
                                               (None, "/finnes-ikke/")], ids=["trust-person", "user", "anonymous"])
def test_the_404_page_is_in_the_layout_accessible_and_fits_a_phone(new_page, username, path):
    """The error page (tests/koordinator/test_error_pages.py says what it says): the header, the menu for someone
    logged in, 375 px, axe-core with the CSP on."""
    page = new_page(**PHONE)
    if username:
        login(page, username)
    response = page.goto(path)
    assert response.status == 404
    assert h1_text(page) == "Du har ikke tilgang til dette, eller det finnes ikke"
    assert page.get_by_role("banner").count() == 1 and page.get_by_role("main").count() == 1
    assert nav_of(page).count() == (1 if username else 0)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide"
    violations = axe_violations(page)
    assert not violations, describe(violations)
