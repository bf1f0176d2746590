"""Wide tables on a 375 px phone: each scrolls sideways in its own box (a focusable region with a name, so a
keyboard can scroll it and axe's «scrollable-region-focusable» holds), and the page itself never gets wider than
the screen."""

from __future__ import annotations

import pytest

from tests.e2e.browser import axe_violations, describe, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def bruker1s_case() -> str:
    from koordinator.models import FollowUp

    return f"/saker/{FollowUp.objects.get(service_user__user__username='bruker1').pk}/"


# Who reads which page; the case page as its trust person, the leader's wide figures as the leader.
PAGES = [
    ("tillit1", bruker1s_case),
    ("leder", lambda: "/leder/"),
    ("leder", lambda: "/leder/aktivitet/"),
    ("leder", lambda: "/ansvarsgrupper/leder/"),
]

# For each table on the page: its scrolling box, whether that box is a focusable named region, and whether the
# table is wider than the box (so it scrolls).
TABLES = """() => [...document.querySelectorAll('main table')].map(table => {
    const box = table.closest('.table-scroll');
    return {
        caption: (table.caption && table.caption.innerText) || table.innerText.slice(0, 40),
        boxed: !!box,
        focusable: !!box && box.tabIndex === 0 && box.getAttribute('role') === 'region'
                   && !!box.getAttribute('aria-label'),
        scrolls: !!box && box.scrollWidth > box.clientWidth,
    };
})"""


@pytest.mark.parametrize("username, path", PAGES, ids=["case", "leader", "leader-activity", "leader-meetings"])
def test_wide_tables_scroll_in_their_own_focusable_box_on_a_phone(new_page, username, path):
    page = new_page(**PHONE)
    login(page, username)
    response = page.goto(path())
    assert response.status == 200
    tables = page.evaluate(TABLES)
    assert tables, "the page has no table to check"
    unboxed = [t["caption"] for t in tables if not (t["boxed"] and t["focusable"])]
    assert not unboxed, f"tables outside a focusable, named scrolling box: {unboxed}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide"
    violations = axe_violations(page)
    assert not violations, describe(violations)
