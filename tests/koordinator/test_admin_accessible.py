"""The admin site can be used by everyone, on a phone too (issue 12, «Done when»: every demo role at 375 px).

What can be checked without a browser: every field has a label, the search box a label you can see, the history
table scrolls in its own box, no two-list picker or autocomplete box (their ARIA fails axe), and what the
administrator has no use for is not on the admin's index. The browser test (tests/e2e/test_crawl.py) checks the
pages with axe-core and at 375 px.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from koordinator.models import Membership
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The form fields (id -> tag and attributes), the labels (``for`` -> text) and the scroll boxes of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: dict[str, tuple[str, dict]] = {}
        self.labels: dict[str, str] = {}
        self.regions: list[dict] = []  # elements with role="region", and whether #change-history is inside
        self._label: str | None = None
        self._open_regions: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = {key: value or "" for key, value in attrs}
        if tag in ("input", "select", "textarea") and values.get("id"):
            if values.get("type") not in ("hidden", "submit"):
                self.fields[values["id"]] = (tag, values)
        if tag == "label" and values.get("for"):
            self._label = values["for"]
            self.labels.setdefault(self._label, "")
        if values.get("role") == "region":
            region = {**values, "tables": []}
            self.regions.append(region)
            self._open_regions.append((tag, region))
        if tag == "table":
            for _tag, region in self._open_regions:
                region["tables"].append(values.get("id", ""))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        if self._open_regions and self._open_regions[-1][0] == tag == "div":
            self._open_regions.pop()  # the region boxes are divs with no div inside them before the table's end

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] = " ".join(f"{self.labels[self._label]} {data}".split())


def _page(client, url: str) -> _Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return _Page(response.content.decode())


@pytest.fixture
def superuser():
    return f.UserFactory(username="rot", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["administrator role", "superuser"])
def test_every_field_of_the_memberships_has_a_label(client, world, superuser, who):
    """The roles on an account: organisation, role and «Slett» each have a label (a table's column heading was the
    only name they had: axe «select-name», «label»), and the organisation is a plain drop-down, not select2's box
    without a name (axe «aria-input-field-name»)."""
    account = world.trust_person
    f.MembershipFactory(user=account, organisation=world.other_unit, role=Membership.Role.LEADER)
    login(client, world.admin if who == "administrator role" else superuser)
    page = _page(client, reverse("admin:koordinator_user_change", args=[account.pk]))
    memberships = {id_ for id_ in page.fields if id_.startswith("id_memberships-") and "__prefix__" not in id_}
    assert {"id_memberships-0-organisation", "id_memberships-0-role", "id_memberships-0-DELETE",
            "id_memberships-1-organisation", "id_memberships-1-role", "id_memberships-2-organisation",
            "id_memberships-2-role"} <= memberships  # two roles and a blank one to add
    unlabelled = sorted(id_ for id_ in memberships if not page.labels.get(id_))
    assert not unlabelled, f"fields without a label: {unlabelled}"
    assert page.labels["id_memberships-0-organisation"].startswith("Organisasjon")
    assert page.labels["id_memberships-0-role"].startswith("Rolle")
    tag, attrs = page.fields["id_memberships-2-organisation"]
    assert tag == "select" and "admin-autocomplete" not in attrs.get("class", "")


def test_the_account_is_created_with_a_role_from_the_labelled_boxes(client, world):
    """The stacked memberships post the same fields as before: the administrator still creates an account with a
    role, and a blank box added nothing."""
    login(client, world.admin)
    response = client.post(reverse("admin:koordinator_user_add"), {
        "username": "ny_leder", "first_name": "Nils", "last_name": "Ny",
        "password1": "Et-godt-passord-99", "password2": "Et-godt-passord-99",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": world.unit.pk, "memberships-0-role": Membership.Role.LEADER,
        "memberships-1-organisation": "", "memberships-1-role": "",
    })
    assert response.status_code == 302
    memberships = Membership.objects.filter(user__username="ny_leder")
    assert list(memberships.values_list("organisation", "role")) == [(world.unit.pk, Membership.Role.LEADER)]


def test_the_permissions_are_a_plain_list_not_the_two_list_picker(client, superuser, world):
    """Django's two-list picker draws search icons with ARIA a <span> may not have (axe «aria-prohibited-attr»)."""
    login(client, superuser)
    html = client.get(reverse("admin:koordinator_user_change", args=[world.trust_person.pk])).content.decode()
    page = _Page(html)
    tag, attrs = page.fields["id_user_permissions"]
    assert tag == "select" and "multiple" in attrs
    assert "selectfilter" not in attrs.get("class", "")
    assert page.labels["id_user_permissions"]
    assert "SelectFilter2.js" not in html


def test_the_search_box_has_a_label_you_can_see(client, world):
    """Django's label is an icon with «Search» as its text (axe «label-title-only»)."""
    login(client, world.admin)
    page = _page(client, reverse("admin:koordinator_user_changelist"))
    assert "searchbar" in page.fields
    assert page.labels["searchbar"] == "Søk i listen"


def test_the_history_table_scrolls_in_its_own_focusable_box(client, world):
    """At 375 px the history table is 504 px wide: it scrolls in a named box reached with the keyboard, and the
    page keeps the phone's width."""
    account = world.partner_valid
    account.first_name = "Endret"
    account.save()
    login(client, world.admin)
    page = _page(client, reverse("admin:koordinator_user_history", args=[account.pk]))
    boxes = [region for region in page.regions if "change-history" in region["tables"]]
    assert len(boxes) == 1, page.regions
    box = boxes[0]
    assert box.get("tabindex") == "0" and box.get("aria-label") == "Endringshistorikk"
    assert "admin-table-scroll" in box.get("class", "")


def test_the_admin_pages_load_the_projects_admin_styles(client, world):
    """Underlined links and the scroll box come from one same-origin style sheet (the CSP allows only 'self')."""
    login(client, world.admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/admin\.css">', html)
    assert finders.find("css/admin.css")


def test_what_the_administrator_has_no_use_for_is_not_in_the_admin(client, superuser):
    """Django's groups (roles are memberships) and the API tokens (the list shows every key) are left out; the
    log-in throttle's attempts stay, as the way to let a locked-out account in again."""
    assert not admin.site.is_registered(Group)
    assert not admin.site.is_registered(TokenProxy)
    assert admin.site.is_registered(AccessAttempt)
    login(client, superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/group/" not in html and "/admin/authtoken/" not in html
    assert reverse("admin:axes_accessattempt_changelist") in html



def test_the_position_size_is_set_with_the_role(client, world):
    """The half-year report counts caseload per full-time equivalent: the administrator sets a role's size (issue 14);
    a role posted without it is a full position."""
    login(client, world.admin)
    response = client.post(reverse("admin:koordinator_user_add"), {
        "username": "deltid", "first_name": "Dina", "last_name": "Deltid",
        "password1": "Et-godt-passord-99", "password2": "Et-godt-passord-99",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": world.unit.pk, "memberships-0-role": Membership.Role.TRUST_PERSON,
        "memberships-0-fte_percent": "60",
        "memberships-1-organisation": "", "memberships-1-role": "",
    })
    assert response.status_code == 302
    assert [m.fte_percent for m in Membership.objects.filter(user__username="deltid")] == [60]
