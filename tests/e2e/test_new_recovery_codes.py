"""«Lag nye reservekoder» asks for the code the app shows now (issue 13 review), in Chromium on a 375 px phone: from
«Innlogging og sikkerhet» to its own page, a wrong code gets an error linked to its field, and axe finds nothing
serious. (That the right code makes ten new ones is tests/koordinator/test_second_factor.py.)"""

from __future__ import annotations

from base64 import b32decode

from django_otp.oath import totp

from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def test_new_recovery_codes_ask_for_the_apps_code(new_page):
    page = new_page(**PHONE)
    main = page.locator("main")
    login(page, "bruker4")
    # bruker4 turns the second factor on (a service user's choice), as a person would with the app.
    page.goto("/konto/sikkerhet/ta-i-bruk-engangskode/")
    key = main.locator("#totp-nokkel").inner_text()
    main.get_by_label("Kode fra appen").fill(f"{totp(b32decode(key.replace(' ', ''))):06d}")
    main.get_by_role("button", name="Bekreft").click()
    page.wait_for_url("**/konto/sikkerhet/reservekoder/")

    page.goto("/konto/sikkerhet/")
    main.get_by_role("link", name="Lag nye reservekoder").click()
    page.wait_for_url("**/konto/sikkerhet/nye-reservekoder/")
    assert h1_text(page) == "Lag nye reservekoder"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    violations = axe_violations(page)
    assert not violations, describe(violations)

    main.get_by_label("Kode fra appen").fill("000000")
    main.get_by_role("button", name="Lag nye reservekoder").click()
    page.wait_for_load_state()
    assert "Koden stemmer ikke" in main.inner_text()
    field = main.get_by_label("Kode fra appen")
    assert "id_otp_token-feil" in (field.get_attribute("aria-describedby") or "")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    violations = axe_violations(page)
    assert not violations, describe(violations)
