"""The national identity number on the person page and «Mine innlogginger», in Chromium on a phone (375 × 667 px),
with the demo data and no JavaScript needed (issue 13).

* tillit1 sees bruker1's number masked; «Vis hele fødselsnummeret» (a plain form) shows the whole number once, and
  Kari's «Hvem har sett opplysningene mine» then names tillit1 and «Fødselsnummer».
* bruker1 reaches «Mine innlogginger» from Min side; tillit1 from the account menu. Both pages fit the phone, and axe
  finds nothing serious.
"""

from __future__ import annotations

import pytest

from tests.e2e.browser import axe_violations, describe, login

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
KARI = "14838841385"  # demo/sign_in_persons.json


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def kari_id(django_db_blocker) -> int:
    from koordinator.models import ServiceUser

    with django_db_blocker.unblock():
        return ServiceUser.objects.get(user__username="bruker1").pk


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_tillit1_reveals_karis_number_once_and_kari_sees_it_in_her_log(
    new_page, django_db_blocker, javascript
):
    page = new_page(java_script_enabled=javascript, **PHONE)
    login(page, "tillit1")
    page.goto(f"/brukere/{kari_id(django_db_blocker)}/")
    main = page.locator("main")
    assert "148388 *****" in main.inner_text()
    assert KARI not in page.content()
    assert width_of(page) <= 375
    # The hint has a line of its own under the button, not wrapped beside it.
    button = main.get_by_role("button", name="Vis hele fødselsnummeret").bounding_box()
    hint = main.locator("#fnr-logges").bounding_box()
    assert hint["y"] >= button["y"] + button["height"] - 1
    assert abs(hint["x"] - main.get_by_text("148388 *****").bounding_box()["x"]) < 2
    main.get_by_role("button", name="Vis hele fødselsnummeret").click()
    page.wait_for_url("**/fodselsnummer/")
    assert "148388 41385" in page.locator("main").inner_text()
    assert width_of(page) <= 375
    if javascript:  # axe is a script
        violations = axe_violations(page)
        assert not violations, describe(violations)

    kari = new_page(**PHONE)
    login(kari, "bruker1")
    kari.goto("/min-side/innsyn/")
    log = kari.locator("main").inner_text()
    assert "Fødselsnummer" in log and "Sigrid Aune" in log and KARI not in log


def test_bruker1_finds_her_log_ins_from_min_side(new_page):
    page = new_page(**PHONE)
    login(page, "bruker1")
    page.goto("/min-side/")
    page.locator("main").get_by_role("link", name="Se når du har logget inn").click()
    page.wait_for_url("**/min-side/innlogginger/")
    text = page.locator("main").inner_text()
    assert "Betydelig (for eksempel MinID)" in text
    assert "Høyt (for eksempel BankID)" in text
    assert "Endre passordet og ring tjenesten" in text
    assert width_of(page) <= 375
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_tillit1_finds_her_log_ins_in_the_account_menu_without_javascript(new_page):
    page = new_page(java_script_enabled=False, **PHONE)
    login(page, "tillit1")
    page.get_by_text("Meny", exact=True).click()  # the menu folds on a phone and opens without JavaScript
    page.get_by_role("link", name="Mine innlogginger").click()
    page.wait_for_url("**/konto/innlogginger/")
    text = page.locator("main").inner_text()
    assert "Passord og engangskode fra app" in text
    assert "kontakt systemansvarlig" in text
    assert width_of(page) <= 375
