"""Messages between a user and their case's staff in the browser at 375 px, without JavaScript (issue 16).

The story: ``bruker1`` (Kari Nordmann) writes to her trust person from Min side, writes a second message and takes it
back before anyone has read it; ``tillit1`` finds the new message on *Min arbeidsliste*, opens the thread (the read is
in Kari's access log), sees «Meldingen ble trukket tilbake» where the second was, and answers; Kari sees the answer
and who wrote it. Then ``bruker4``, whose trust person ``tillit3`` is off sick today, writes; the deputy finds it and
answers, and bruker4 sees that the deputy answered. axe finds nothing serious on the pages, and they fit the phone.

The demo (``demo/reach_messages.py``) gives Kari a thread already, with yesterday's message unread. The ORM only
looks up people and checks what the pages saved.
"""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from koordinator.continuity.selectors import contact_now
from koordinator.models import AccessEvent, FollowUp
from reach.models import Message
from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
# The users write without JavaScript (nothing on these pages needs it). axe and the width are measured with it, on
# the staff's pages and on the user's page opened again at the end (Playwright evaluates nothing without it).
NO_JS = {**PHONE, "java_script_enabled": False}

FIRST = "Hei Sigrid! Jeg har fått time hos tannlegen på fredag. Kan du bli med?"
SECOND = "Og kan du ta med skjemaet fra NAV?"
ANSWER = "Ja, jeg blir med. Jeg henter deg klokka 12, og tar med skjemaet."
GEIR = "Jeg trenger å snakke med noen om husleia. Hvem kan jeg ringe?"
DEPUTY_ANSWER = "Tillitspersonen din er syk. Jeg ringer deg i ettermiddag."

WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8).map(e => `${e.tagName}.${e.className}: ${(e.textContent || "").trim().slice(0, 40)}`)"""


def main(page):
    return page.locator("main")


def check_page(page, what: str) -> None:
    """At most 375 px wide, and nothing serious for axe (a page with JavaScript on)."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide"
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"


def message_card(page, words: str):
    return main(page).locator("li.message").filter(has_text=words)


def write(page, words: str) -> None:
    main(page).get_by_label("Melding", exact=True).fill(words)
    main(page).get_by_role("button", name="Send", exact=True).click()
    expect(main(page).get_by_text("Meldingen er sendt.")).to_be_visible()


def test_bruker1_writes_takes_one_back_tillit1_answers_and_bruker1_sees_who(new_page):
    case = FollowUp.objects.get(service_user__user__username="bruker1")
    tillit1_name = case.trust_person.display_name

    kari = new_page(**NO_JS)
    login(kari, "bruker1")
    kari.goto(reverse("my_page"))
    section = main(kari).locator("section", has=kari.get_by_role("heading", name="Meldinger med kontaktpersonen din"))
    expect(section).to_contain_text("Tusen takk for hjelpen!")  # the demo's thread
    section.get_by_role("link", name="Les og skriv meldinger").click()
    assert h1_text(kari) == "Meldinger med kontaktpersonen din"

    # Empty: a clear message, nothing sent.
    main(kari).get_by_role("button", name="Send", exact=True).click()
    expect(main(kari).get_by_text("Skriv en melding før du sender.").first).to_be_visible()

    write(kari, FIRST)
    expect(message_card(kari, FIRST)).to_contain_text("Ikke lest ennå")
    write(kari, SECOND)
    # The newest at the bottom.
    cards = main(kari).locator("li.message")
    expect(cards.last).to_contain_text(SECOND)
    message_card(kari, SECOND).get_by_role("button", name="Trekk tilbake").click()
    expect(main(kari).get_by_text("Meldingen er trukket tilbake.")).to_be_visible()
    expect(cards.last).to_contain_text("Meldingen ble trukket tilbake")
    expect(main(kari)).not_to_contain_text(SECOND)

    staff = new_page(**PHONE)
    login(staff, "tillit1")
    staff.goto(reverse("worklist"))
    item = main(staff).get_by_role("link", name="Kari Nordmann: 2 nye meldinger")
    expect(item).to_be_visible()
    reads = AccessEvent.objects.filter(actor=case.trust_person, service_user=case.service_user, what="Meldinger")
    before = reads.count()
    item.click()
    staff.wait_for_url(f"**{reverse('reach_case_messages', args=[case.pk])}")
    assert h1_text(staff) == "Meldinger med Kari Nordmann"
    assert reads.count() == before + 1
    expect(message_card(staff, FIRST)).to_contain_text("Kari Nordmann")
    expect(main(staff)).to_contain_text("Meldingen ble trukket tilbake")
    expect(main(staff)).not_to_contain_text(SECOND)
    check_page(staff, "tillit1's thread")
    write(staff, ANSWER)

    kari.goto(reverse("reach_my_messages"))
    answer = message_card(kari, ANSWER)
    expect(answer).to_contain_text(f"{tillit1_name}, tillitsperson")
    # Answering read Kari's messages: hers now say «Lest», and she can no longer take them back.
    expect(message_card(kari, FIRST)).to_contain_text("Lest")
    expect(message_card(kari, FIRST).get_by_role("button", name="Trekk tilbake")).to_have_count(0)
    main(kari).get_by_role("button", name="Merk som lest").click()
    expect(main(kari).get_by_text("Merket som lest.")).to_be_visible()
    assert Message.objects.get(case=case, body=ANSWER).read_at is not None

    seen = new_page(**PHONE)
    login(seen, "bruker1")
    seen.goto(reverse("reach_my_messages"))
    check_page(seen, "Kari's thread")
    seen.goto(reverse("my_page"))
    check_page(seen, "Kari's Min side with the thread's section")


def test_while_the_trust_person_is_sick_the_deputy_answers_and_the_user_sees_it(new_page):
    case = FollowUp.objects.get(service_user__user__username="bruker4")
    contact = contact_now(case)
    assert contact.role == "deputy", "the demo has tillit3 off sick today"
    deputy = contact.person

    geir = new_page(**NO_JS)
    login(geir, "bruker4")
    geir.goto(reverse("reach_my_messages"))
    write(geir, GEIR)

    helper = new_page(**PHONE)
    login(helper, deputy.username)
    helper.goto(reverse("worklist"))
    main(helper).get_by_role("link", name="Geir Solberg: 1 ny melding").click()
    expect(message_card(helper, GEIR)).to_be_visible()
    write(helper, DEPUTY_ANSWER)

    geir.goto(reverse("my_page"))
    expect(main(geir)).to_contain_text(DEPUTY_ANSWER)
    geir.goto(reverse("reach_my_messages"))
    expect(message_card(geir, DEPUTY_ANSWER)).to_contain_text(f"{deputy.display_name}, stedfortreder")
    check_page(helper, "the deputy's thread")
