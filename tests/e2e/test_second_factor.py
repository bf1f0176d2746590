"""Issue 13, «Done when»: an administrator with a password must enrol TOTP before anything else.

In Chromium on a 375 px phone, with DEMO_LOGIN off (as in production): the demo's administrator logs in with the
password, lands on setting up the authenticator app, and neither the admin nor a staff page opens before that is
done; the test reads the key from the page as a person types it into the app, computes the code, confirms, sees
the ten recovery codes once, and reaches /admin/. Then a log-in again asks for the second factor, and a recovery
code lets them in.
"""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.e2e.browser import PASSWORD, axe_violations, describe, h1_text

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
ENROL = "/logg-inn/ta-i-bruk-engangskode/"


@pytest.fixture(autouse=True)
def _second_factor_on(_demo_login, settings):
    settings.DEMO_LOGIN = False


def path_of(page) -> str:
    return path_of_url(page.url)


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def log_in_with_password(page, username: str) -> None:
    page.goto("/logg-inn/")
    main = page.locator("main")
    main.get_by_label("Brukernavn").fill(username)
    main.get_by_label("Passord", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: path_of_url(url) != "/logg-inn/")


def box(locator) -> dict:
    return locator.bounding_box()


def path_of_url(url: str) -> str:
    return "/" + url.split("/", 3)[3].split("?")[0]


def test_an_administrator_with_a_password_must_enrol_totp_before_anything_else(new_page):
    page = new_page(**PHONE)
    main = page.locator("main")
    log_in_with_password(page, "admin")
    assert path_of(page) == ENROL
    assert h1_text(page) == "Ta i bruk innlogging med to faktorer"
    assert "Du må sette opp innlogging med to faktorer før du kan fortsette." in main.inner_text()
    assert main.get_by_role("img", name=re.compile("^QR-kode")).is_visible()
    assert width_of(page) <= 375, f"the enrolment page is {width_of(page)} px wide"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    key = main.locator("#totp-nokkel").inner_text()
    assert re.fullmatch(r"(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)

    # Before the second factor nothing else opens: the admin and a staff page ask for a log-in.
    for path in ("/admin/", "/arbeidsliste/"):
        page.goto(path)
        assert path_of(page) == "/logg-inn/", f"{path} opened before the second factor"
        assert h1_text(page) == "Logg inn"

    # Back to the enrolment (the same key: the app has it), and the code the app would show.
    page.goto(ENROL)
    assert main.locator("#totp-nokkel").inner_text() == key
    code = totp(b32decode(key.replace(" ", "")))
    main.get_by_label("Kode fra appen").fill(f"{code:06d}")
    main.get_by_role("button", name="Bekreft").click()
    page.wait_for_url("**/konto/sikkerhet/reservekoder/")
    assert h1_text(page) == "Reservekodene dine"
    assert "Skriv dem ned eller skriv dem ut. Hver kode virker én gang." in main.inner_text()
    codes = [text.replace(" ", "") for text in main.locator("ol.recovery-codes li").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    assert width_of(page) <= 375
    # The numbers (up to «10.») have room inside the page's edge, and the list keeps apart from the alert above and
    # the button below.
    alert, card = box(main.locator(".ds-alert")), box(main.locator(".section-card"))
    first_item = box(main.locator("ol.recovery-codes li").first)
    button = box(main.get_by_role("link", name="Fortsett"))
    assert first_item["x"] - alert["x"] >= 40, "the numbers hang at the edge"
    assert card["y"] - (alert["y"] + alert["height"]) >= 16
    assert button["y"] - (card["y"] + card["height"]) >= 16
    violations = axe_violations(page)
    assert not violations, describe(violations)
    main.get_by_role("link", name="Fortsett").click()
    page.wait_for_load_state()
    page.goto("/admin/")
    assert path_of(page) == "/admin/"
    assert h1_text(page) == "Brukerkontoer og organisasjoner"

    # Shown once: the page does not show them again.
    page.goto("/konto/sikkerhet/reservekoder/")
    assert path_of(page) == "/konto/sikkerhet/"
    assert codes[0] not in main.inner_text().replace(" ", "")

    # Logged out and in again: the second factor is asked for; a recovery code works instead of the app.
    page.goto("/logg-ut/")
    main.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(lambda url: "/logg-inn/" in url)
    log_in_with_password(page, "admin")
    assert path_of(page) == "/logg-inn/engangskode/"
    assert h1_text(page) == "Skriv koden fra autentiseringsappen"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    # The code that confirmed the app, again within its 30 seconds: used, not wrong.
    main.get_by_label("Kode fra appen").fill(f"{code:06d}")
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    assert "Denne koden er allerede brukt. Vent til appen viser en ny kode" in main.inner_text()
    assert "Koden stemmer ikke" not in main.inner_text()
    main.get_by_role("link", name="Bruk en reservekode").click()
    main.get_by_label("Reservekode").fill(codes[0])
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: path_of_url(url) != "/logg-inn/reservekode/")
    assert "Du har 9 igjen" in main.inner_text()
    # The message links the page where new codes are made.
    main.get_by_role("link", name="«Innlogging og sikkerhet»").click()
    page.wait_for_url("**/konto/sikkerhet/")
    assert h1_text(page) == "Innlogging og sikkerhet"
    page.goto("/admin/")
    assert h1_text(page) == "Brukerkontoer og organisasjoner"
