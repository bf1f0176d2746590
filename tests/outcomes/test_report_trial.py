"""The half-year report after a new user's trial at 375 px (issue 14): the satisfaction chart is labelled as what it
shows (S13), a figure of fewer than 5 persons is «–» (with a footnote) in a column of shares, rates or means and
«under 5» only for counts, and the current half-year's contacts are per month *elapsed* (said on the page)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import FollowUp, FollowUpEntry
from koordinator.timeutil import at
from outcomes.report import HalfYear
from tests.conftest import login
from tests.outcomes.report_helpers import CLOCK, H1, cases, page_row

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(CLOCK, 9), tick=False) as traveller:
        yield traveller


def _page(client, world, period=H1) -> str:
    login(client, world.leader)
    response = client.get(reverse("half_year_report"), {"periode": period})
    assert response.status_code == 200
    return response.content.decode()


def _visible(html: str) -> str:
    """The page without the charts' text alternatives (``<title>`` inside the SVG) and tags."""
    html = re.sub(r"<title[^>]*>.*?</title>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_satisfaction_chart_says_it_shows_s13(world, client):
    html = _page(client, world)
    part = html[html.index('id="tabell-quality_subjective"'):]
    part = part[:part.index("<table")]
    assert "brukerens del (S1–S14)" in part  # the table's heading, for the table
    assert "Alt i alt, hvor fornøyd med livet (S13)" in _visible(part), "the chart's own visible label"


def test_fewer_than_5_is_a_dash_with_a_footnote_in_share_and_rate_columns(world, client):
    cases(world, 17)
    relatives = cases(world, 3, source=FollowUp.ReferralSource.RELATIVES)
    FollowUpEntry.objects.bulk_create([
        FollowUpEntry(follow_up=case, written_by=world.trust_person, kind=Kind.SMS, note="Samtale",
                      started_at=at(datetime.date(2026, 3, 2), 10)) for case in relatives
    ])
    html = _page(client, world)
    assert page_row(html, "referral", "source_relatives") == ["under 5", "–"]  # Antall, Andel
    assert page_row(html, "contacts_kind", "kind_sms") == ["under 5", "–"]  # Kontakter, Per bruker per måned
    for table in ("referral", "contacts_kind"):
        part = html[html.index(f'id="tabell-{table}"'):]
        part = part[:part.index('class="report-table"', 10) if 'class="report-table"' in part[10:] else None]
        assert "færre enn 5 personer" in part, table
    assert "under 5 %" not in html


def test_the_current_half_year_counts_the_months_elapsed(world, client):
    """Monday 23 November 2026: 146 of the 184 days of July–December, 4.76 months; not 5 (or 6 in December)."""
    served = cases(world, 10, started_on=datetime.date(2026, 7, 1))
    FollowUpEntry.objects.bulk_create([
        FollowUpEntry(follow_up=case, written_by=world.trust_person, kind=Kind.PHONE, note="Samtale",
                      started_at=at(datetime.date(2026, 8, 3) + datetime.timedelta(days=i), 10))
        for case in served for i in range(10)
    ])
    months = 146 * 6 / 184
    assert HalfYear(2026, 2).months(CLOCK) == pytest.approx(months)
    assert HalfYear(2026, 1).months(CLOCK) == 6
    html = _page(client, world, "2026-H2")
    # 100 contacts by 12 users (the ten and the world's two) over 4.76 months.
    assert page_row(html, "contacts_kind", "total") == ["100", f"{100 / 12 / months:.1f}".replace(".", ",")]
    assert "4,8 måneder så langt" in html
    with time_machine.travel(at(datetime.date(2026, 12, 7), 9), tick=False):
        assert HalfYear(2026, 2).months(datetime.date(2026, 12, 7)) == pytest.approx(160 * 6 / 184)
