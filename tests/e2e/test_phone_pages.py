"""The user's pages and the worklist on a phone (375 × 667 px), with the demo data (issue 12, items 2, 6 and 7).

* An invitation's apology link is a short «Meld forfall» link in the app: *Varsler* and Min side stay 375 px wide
  (the whole address was one word 1,200 px wide).
* Min side: «Kontakten din nå», the next appointment, the next steps and the crisis plan come first, the crisis
  plan's section starting within the first two screens (2 × 667 px) for every demo user with a log-in.
* *Min arbeidsliste*: each case has its own «Skriv i loggen», which opens the quick entry for that case; the cases
  beyond the first few are folded, so the list stays short, and they unfold without JavaScript.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import login, write_for_the_server

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
TWO_SCREENS = 2 * 667
USERS = ["bruker1", "bruker2", "bruker3", "bruker4", "bruker5"]


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def top_of(page, selector: str) -> float:
    """How far from the top of the page the element starts, in CSS pixels."""
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().top + window.scrollY")


@pytest.fixture(scope="module")
def invitation(server, django_db_blocker):
    """A meeting in bruker1's group, scheduled by the trust person: bruker1 has the invitation with its link."""
    from koordinator.models import User
    from meetings import services
    from meetings.models import Group

    def schedule():
        group = Group.objects.get(follow_up__service_user__user__username="bruker1", status=Group.Status.ACTIVE)
        day = timezone.localdate() + datetime.timedelta(days=10)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return services.schedule_meeting(User.objects.get(username="tillit1"), group,
                                         starts_at=f"{day:%d.%m.%Y} kl. 12.00", place="office")

    with django_db_blocker.unblock():
        return write_for_the_server(schedule)


@pytest.mark.parametrize("path", ["/varsler/", "/min-side/"])
def test_an_invitation_in_the_app_has_a_short_link_and_the_page_fits_a_phone(new_page, invitation, path):
    page = new_page(**PHONE)
    login(page, "bruker1")
    page.goto(path)
    assert width_of(page) <= 375, f"{path} is {width_of(page)} px wide"
    message = page.locator("main .notification").filter(has_text="Du er invitert til møte").first
    link = message.get_by_role("link", name="Meld forfall")
    expect(link).to_be_visible()
    assert re.fullmatch(r"/ansvarsgrupper/forfall/[^/]+/", link.get_attribute("href"))
    assert "http" not in message.inner_text() and "/forfall/" not in message.inner_text()


@pytest.mark.parametrize("username", USERS)
def test_min_side_puts_contact_appointment_steps_and_crisis_plan_within_two_screens(new_page, invitation,
                                                                                   username):
    page = new_page(**PHONE)
    login(page, username)
    page.goto("/min-side/")
    headings = page.locator("main h2").all_inner_texts()
    first = ["Kontakten din nå", "Neste avtale", "Min plan", "Kriseplanen min"]
    assert headings[:4] == first, headings
    crisis = top_of(page, 'section[aria-labelledby="kriseplan-tittel"]')
    assert crisis < TWO_SCREENS, f"{username}: the crisis plan starts {crisis:.0f} px down"
    assert width_of(page) <= 375, f"{username}'s Min side is {width_of(page)} px wide"
    page.goto("/varsler/")
    assert width_of(page) <= 375, f"{username}'s Varsler is {width_of(page)} px wide"


def test_the_worklist_has_a_log_link_per_case_and_folds_the_rest_without_javascript(new_page):
    page = new_page(**PHONE, java_script_enabled=False)
    login(page, "tillit1")
    page.goto("/arbeidsliste/")
    assert width_of(page) <= 375, f"the worklist is {width_of(page)} px wide"
    mine = page.locator('section[aria-labelledby="mine-saker"]')
    folded = mine.locator("details.worklist-more")
    expect(folded).to_have_count(1)
    hidden_name = folded.locator("tbody strong").first
    expect(hidden_name).to_be_hidden()
    folded.locator("summary").click()  # a <details>: opens without JavaScript
    expect(hidden_name).to_be_visible()
    first = mine.locator("tbody tr").first
    name = first.locator("strong").first.inner_text()
    first.get_by_role("link", name=re.compile("^Skriv i loggen")).click()
    expect(page.locator("main h1")).to_have_text(f"Skriv i loggen: {name}")
