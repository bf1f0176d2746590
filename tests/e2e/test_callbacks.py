"""«Ring meg» in Chromium at 375 px (issue 16, «Done when»): bruker4, whose trust person tillit3 is off sick in the
demo, presses «Ring meg» on Min side without JavaScript; the deputy tillit4 finds it on top of *Min arbeidsliste* and
marks «Ringt»; bruker4 sees who called, and the case's log has the phone call. Then the SMS link's page, the
leader's page and the form with an error; every page fits a phone and axe finds nothing serious. The forms are plain
HTML (the choice of time is a ``<details>``), so they work without JavaScript; axe needs it.

The tests run in this order and share the module's demo (the first writes, the next read what it wrote)."""

from __future__ import annotations

import re

from django.urls import reverse

from koordinator.models import FollowUp, User
from reach.callbacks import link_token
from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def accessible(page) -> None:
    assert width_of(page) <= 375, f"{page.url}: {width_of(page)} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_bruker4_asks_the_deputy_calls_and_bruker4_sees_who_called(new_page):
    deputy = User.objects.get(username="tillit4").display_name  # tillit3 is off sick: tillit4 covers
    # bruker4 presses «Ring meg» on Min side.
    user = new_page(**PHONE)
    login(user, "bruker4")
    user.goto("/min-side/")
    section = user.locator("section", has=user.get_by_role("heading", name="Ring meg"))
    section.locator("summary", has_text="Velg tidspunkt").click()  # a <details>: opens without JavaScript
    assert section.get_by_label("I dag").is_visible()
    with user.expect_navigation():
        section.get_by_role("button", name="Ring meg").click()
    assert user.url.endswith("/min-side/#ring-meg-tittel")
    main = user.locator("main")
    assert f"Takk! {deputy} ringer deg " in main.inner_text()
    assert "Du har bedt om å bli ringt." in section.inner_text()
    accessible(user)

    # tillit4 finds it on top of the worklist, above the appointments, and marks «Ringt».
    staff = new_page(**PHONE)
    login(staff, "tillit4")
    staff.goto("/arbeidsliste/")
    headings = staff.locator("main h2").all_inner_texts()
    assert headings[0].startswith("Ring meg ("), headings
    top = staff.locator("section", has=staff.get_by_role("heading", name="Ring meg ("))
    assert "Geir Solberg" in top.inner_text()
    accessible(staff)
    with staff.expect_navigation():
        top.get_by_role("button", name=re.compile(r"^Ringt\W+Geir Solberg")).click()
    assert staff.url.endswith("/arbeidsliste/")
    assert "Merket: Ringt. Det står i loggen til Geir Solberg." in staff.locator("main").inner_text()
    assert "Geir Solberg" not in (staff.locator("section", has=staff.get_by_role("heading", name="Ring meg ("))
                                  .all_inner_texts() or [""])[0]

    # bruker4 sees who called.
    user.goto("/min-side/")
    assert f"{deputy} ringte deg i dag kl. " in user.locator("main").inner_text()

    # The case's log has the phone call, by tillit4.
    case = FollowUp.objects.get(service_user__user__username="bruker4")
    staff.goto(reverse("followup_log", args=[case.pk]))
    log = staff.locator("main").inner_text()
    assert "Ringte tilbake etter «Ring meg»." in log and deputy in log
    accessible(staff)


def test_the_sms_link_asks_without_logging_in(new_page):
    from koordinator.models import ServiceUser

    page = new_page(**PHONE)
    token = link_token(ServiceUser.objects.get(user__username="bruker2").pk)
    page.goto(f"/r/{token}")
    assert h1_text(page) == "Vil du at vi ringer deg?"
    assert "Ola" not in page.locator("main").inner_text()
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, ring meg").click()
    assert page.url.endswith("?takk=1")
    assert page.locator("main").get_by_text("Takk!").count() == 1
    accessible(page)


def test_the_leaders_page_fits_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "leder")
    page.get_by_role("link", name="Ring meg").click()
    page.wait_for_url("**/leder/ring-meg/")
    assert h1_text(page) == "Ring meg"
    assert "Venter på å bli ringt" in page.locator("main").inner_text()
    # The figures fit without scrolling sideways: each row a card, every figure named, each on one line.
    boxes = page.evaluate("() => [...document.querySelectorAll('main .table-scroll')].map("
                          "box => box.scrollWidth - box.clientWidth)")
    assert boxes and all(extra <= 0 for extra in boxes), boxes
    total = page.locator("main table").first.locator("tbody tr").last
    for label in ("Bedt om", "Median tid", "90 % innen", "Venter", "Sendt videre"):
        cell = total.locator(f"td[data-label='{label}']")
        assert cell.is_visible() and cell.bounding_box()["x"] + cell.bounding_box()["width"] <= 375
        assert cell.evaluate("el => el.getBoundingClientRect().height") < 40  # one line
    accessible(page)


def test_the_ring_meg_page_with_an_error_is_accessible(new_page):
    page = new_page(**PHONE)
    login(page, "bruker3")
    page.goto("/min-side/ring-meg/")
    page.get_by_label("Noen ord om hva det gjelder").evaluate("el => el.removeAttribute('maxlength')")
    page.get_by_label("Noen ord om hva det gjelder").fill("x" * 301)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Ring meg").click()
    assert "Skriv høyst 300 tegn." in page.locator("main").inner_text()
    accessible(page)


def test_a_trust_person_switches_on_sms_alerts_from_the_security_page(new_page):
    page = new_page(**PHONE)
    login(page, "tillit5")
    page.goto("/konto/sikkerhet/")
    page.get_by_role("link", name="Varsle meg også på SMS").click()
    page.wait_for_url("**/konto/varsler/")
    assert h1_text(page) == "Varsler"
    accessible(page)
    box = page.get_by_label("Varsle meg også på SMS")
    assert not box.is_checked()
    box.check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Lagre").click()
    assert "Lagret. Du får også SMS til " in page.locator("main").inner_text()
    assert page.get_by_label("Varsle meg også på SMS").is_checked()
    assert User.objects.get(username="tillit5").sms_alerts
    accessible(page)
