"""Anonymous feedback in Chromium at 375 px (issue 14, point 5): bruker1 answers on Min side without
JavaScript and gets thanks, the invitation is gone afterwards; the leader reaches the results from the
overview and the check of the texts; every page fits a phone and axe finds nothing serious."""

from __future__ import annotations

from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_the_questionnaire_is_accessible_on_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "bruker3")
    page.goto("/min-side/tilbakemelding/")
    assert h1_text(page) == "Hva synes du om oppfølgingen?"
    assert width_of(page) <= 375
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_bruker1_answers_on_min_side_without_javascript(new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    login(page, "bruker1")
    page.goto("/min-side/")
    page.get_by_role("link", name="Svar på spørsmålene").click()
    page.wait_for_url("**/min-side/tilbakemelding/")
    main = page.locator("main")
    main.get_by_role("group", name="Blir du møtt med respekt av de som følger deg opp?").get_by_label(
        "Alltid"
    ).check()
    main.get_by_role("group", name="Har kontaktpersonen din hjulpet deg?").get_by_label("Ganske mye").check()
    main.get_by_label("Hva har fungert best, og hva trenger du som du ikke får?").fill(
        "At hun kommer hjem til meg."
    )
    main.get_by_role("button", name="Send svarene").click()
    page.wait_for_url("**/min-side/tilbakemelding/?takk=1")
    assert "Takk for svarene dine!" in main.inner_text()
    page.goto("/min-side/")
    assert page.get_by_role("link", name="Svar på spørsmålene").count() == 0


def test_the_leader_reaches_the_results_and_the_check(new_page):
    page = new_page(**PHONE)
    login(page, "leder")
    page.get_by_role("link", name="Anonyme tilbakemeldinger").click()
    page.wait_for_url("**/leder/tilbakemeldinger/")
    assert h1_text(page) == "Anonyme tilbakemeldinger"
    assert width_of(page) <= 375, f"{width_of(page)} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.goto("/leder/tilbakemeldinger/sjekk/")
    assert h1_text(page) == "Sjekk tekstene for navn"
    assert width_of(page) <= 375
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.goto("/tilbakemelding/papir/")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_send_links_asks_first_on_a_phone_without_javascript(new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    login(page, "leder")
    page.goto("/leder/tilbakemeldinger/")
    page.get_by_role("button", name="Send lenke på SMS").click()
    page.wait_for_url("**/leder/tilbakemeldinger/send-lenke/?enhet=*")
    assert h1_text(page).startswith("Send lenke til ") and h1_text(page).endswith("?")
    assert width_of(page) <= 375, f"{width_of(page)} px"
    main = page.locator("main")
    assert main.get_by_role("button", name="Send", exact=True).count() == 1
    main.get_by_role("link", name="Avbryt").click()
    page.wait_for_url("**/leder/tilbakemeldinger/?enhet=*")
    assert h1_text(page) == "Anonyme tilbakemeldinger"


def test_the_send_links_question_is_accessible(new_page):
    page = new_page(**PHONE)
    login(page, "leder")
    page.goto("/leder/tilbakemeldinger/")
    page.get_by_role("button", name="Send lenke på SMS").click()
    page.wait_for_url("**/leder/tilbakemeldinger/send-lenke/?enhet=*")
    violations = axe_violations(page)
    assert not violations, describe(violations)
