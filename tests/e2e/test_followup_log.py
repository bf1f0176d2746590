"""The follow-up log in the browser (issue 5): a trust person logs a home visit from a phone-sized window in four
fields, without JavaScript, and the user sees it on her own page; the worklist marks the demo's quiet user; the
log pages pass axe and fit a 375 px phone.

The live server holds the demo data (conftest.py): ``tillit1`` follows ``bruker1`` (Kari Nordmann) and one user
nobody has had contact with for three weeks.
"""

from __future__ import annotations

import re

from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
NOTE = "Hjemmebesøk med kaffe. Kari har fått svar fra boligkontoret og er glad."


def assert_fits_a_phone(page, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide"


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def open_quick_entry(page) -> None:
    """One tap from Min arbeidsliste: the case's own «Skriv i loggen» (the list's folded part opened if she is in it)."""
    page.goto("/arbeidsliste/")
    mine = page.locator('main section[aria-labelledby="mine-saker"]')
    link = mine.get_by_role("link", name="Skriv i loggen om Kari Nordmann")
    if not link.is_visible():
        mine.locator("details.worklist-more > summary").click()
    link.click()
    page.wait_for_url(re.compile(r"/saker/\d+/logg/ny/$"))


def test_a_home_visit_logged_on_a_phone_in_four_fields_without_javascript_reaches_the_user(new_page):
    page = new_page(**PHONE, java_script_enabled=False)
    login(page, "tillit1")
    open_quick_entry(page)
    assert h1_text(page) == "Skriv i loggen: Kari Nordmann"
    form = page.locator("main form").first
    # Four things to fill in: the kind (one group of choices), when, how long, a note.
    names = set(form.locator("input:not([type=hidden]), textarea, select").evaluate_all(
        "els => els.map(e => e.name)"))
    assert names == {"kind", "started_at", "duration_minutes", "note"}
    assert form.get_by_label("Når").input_value()  # now, filled in already
    assert_fits_a_phone(page, "the quick entry")

    # One hand: tap the kind, type how long and a few words; «Når» stays as it is.
    form.get_by_text("Hjemmebesøk", exact=True).tap()
    form.get_by_label("Hvor lenge (minutter)").fill("50")
    form.get_by_label("Notat").fill(NOTE)
    save = form.get_by_role("button", name="Lagre i loggen")
    box = save.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big target, the width of the screen
    save.tap()
    page.wait_for_url(re.compile(r"/saker/\d+/logg/$"))
    log = page.locator("main").inner_text()
    assert "Lagret i loggen." in page.locator("body").inner_text()
    assert "Hjemmebesøk" in log and NOTE in log and "50 minutter" in log

    # Kari sees it on her own page, in plain words.
    user = new_page(**PHONE)
    login(user, "bruker1")
    user.locator("main").get_by_role("link", name=re.compile("Se samtaler, besøk og avtaler")).click()
    assert h1_text(user) == "Det som er skrevet om oppfølgingen min"
    first = user.locator("main .my-log-entry").first.inner_text()
    assert "Besøk hjemme hos deg" in first and NOTE in first and "Sigrid Aune skrev:" in first
    assert_fits_a_phone(user, "the user's log")
    assert_accessible(user)


def test_the_quick_entry_and_the_log_are_accessible_and_fit_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "tillit1")
    open_quick_entry(page)
    assert_accessible(page)
    # A mistake: the error summary links to the kind, and the page stays accessible.
    page.locator("main form").first.get_by_role("button", name="Lagre i loggen").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    assert "Velg hva slags kontakt det var." in summary.inner_text()
    assert_accessible(page)
    assert_fits_a_phone(page, "the quick entry with errors")
    page.locator("main").get_by_role("link", name="Avbryt").click()
    assert h1_text(page) == "Kontaktlogg for Kari Nordmann"
    assert_accessible(page)
    assert_fits_a_phone(page, "the log")


def test_the_worklist_marks_the_user_nobody_has_seen_for_three_weeks(new_page):
    page = new_page(**PHONE)
    login(page, "tillit1")
    page.goto("/arbeidsliste/")
    mine = page.get_by_role("region", name=re.compile("Brukere jeg er tillitsperson for"))
    assert mine.get_by_text("Ingen kontakt på 21 dager").count() == 1
    assert_accessible(page)
