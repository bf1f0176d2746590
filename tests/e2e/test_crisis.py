"""Crisis plans in the browser (issue 5): the user's crisis plan shows the deputy as «contact now» while the trust
person is away, the pocket card PDF carries the call list, and emergency access needs a reason.

The live server holds the demo data (conftest.py): ``tillit3`` is off sick today and ``tillit4`` (Thomas Bakken)
covers for her; ``bruker4`` (tillit3's user) and ``bruker1`` (Kari Nordmann) have crisis plans; ``legevakt1``
works at Trondheim legevakt.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from koordinator.models import AccessEvent, Notification, ServiceUser
from koordinator.phone import display_phone
from plans.models import CrisisPlan
from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def pdf_text(response) -> str:
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)


def test_the_crisis_plan_names_the_deputy_while_the_trust_person_is_away_and_the_pocket_card_has_the_calls(new_page):
    page = new_page(**PHONE)
    login(page, "bruker4")
    page.locator("main").get_by_role("link", name="Se kriseplanen min").click()
    assert h1_text(page) == "Kriseplanen min"
    calls = page.locator("section[aria-labelledby=ring]").inner_text()
    # tillit3 is off sick today: the contact now is the deputy, not her.
    assert "Thomas Bakken" in calls
    assert "Ingrid Moe" not in calls.split("116 117")[0]
    assert "116 117" in calls and "113" in calls
    assert calls.index("Thomas Bakken") < calls.index("116 117") < calls.index("Ring 113")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the crisis plan is {width} px wide on a phone"

    card = page.locator("main").get_by_role("link", name="Lommekort (PDF, brettes til A6)")
    text = pdf_text(page.request.get(card.get_attribute("href")))
    assert "Thomas Bakken" in text
    assert "116 117" in text and "113" in text
    # Every contact the user put on the list is on the card too, with the number to call.
    plan = CrisisPlan.objects.get(service_user__user__username="bruker4", archived_at__isnull=True)
    flat = " ".join(text.split())
    for contact in plan.contacts.filter(archived_at__isnull=True):
        assert contact.name in flat
        assert display_phone(contact.phone) in flat


def test_emergency_access_needs_a_reason_then_opens_the_plan_once_logged_and_the_owner_is_told(new_page):
    kari = ServiceUser.objects.get(user__username="bruker1")
    page = new_page()
    login(page, "legevakt1")
    page.locator("main").get_by_role("link", name=re.compile("nødtilgang", re.I)).first.click()
    assert h1_text(page) == "Kriseplan: nødtilgang"
    page.get_by_label("Fullt navn").fill(kari.full_name)
    page.get_by_label("Fødselsdato").fill(kari.birth_date.isoformat())  # a date field
    page.get_by_role("button", name="Søk").click()
    open_button = page.get_by_role("button", name=f"Åpne kriseplanen til {kari.full_name}")
    events_before = AccessEvent.objects.filter(service_user=kari).count()

    # No reason: refused, nothing recorded.
    open_button.click()
    page.wait_for_load_state()
    assert "Kriseplan for" not in h1_text(page)
    assert page.locator(".ds-error-summary, [data-field=validation]").first.is_visible()
    assert AccessEvent.objects.filter(service_user=kari).count() == events_before

    page.get_by_label("Hvorfor må du se kriseplanen nå?").fill(
        "Pasienten er brakt inn i akutt krise og kan ikke svare selv."
    )
    page.get_by_role("button", name=f"Åpne kriseplanen til {kari.full_name}").click()
    page.wait_for_url(re.compile(r"/planer/kriseplan/\d+/"))
    assert h1_text(page) == f"Kriseplan for {kari.full_name}"
    assert "116 117" in page.locator("main").inner_text()
    event = AccessEvent.objects.filter(service_user=kari).order_by("-pk").first()
    assert "akutt krise" in event.reason
    assert Notification.objects.filter(
        recipient_service_user=kari, subject="Legevakten har åpnet kriseplanen din"
    ).count() == 1
