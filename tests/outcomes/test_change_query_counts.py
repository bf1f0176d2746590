"""«Slik har det gått»: the same number of queries for 2 rounds as for 12 (issue 11's page budgets), on Min side's
page, the case's page, and the pages that link to them (Min side, the case page)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from outcomes.models import QualityOfLifeRound
from tests import query_counts as qc
from tests.conftest import login
from tests.outcomes.change_helpers import every_item

pytestmark = pytest.mark.django_db
clock = qc.clock  # autouse: Monday morning, 23 November 2026


def rounds(case, n: int, *, start: int = 0) -> None:
    """``n`` rounds, a month apart going back from the Monday, every question answered (in bulk)."""
    QualityOfLifeRound.objects.bulk_create([
        QualityOfLifeRound(follow_up=case, taken_on=qc.MONDAY - datetime.timedelta(days=30 * (i + 1)),
                           subjective_by=QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON,
                           o1="ja" if i % 2 else "nei", o12="nei", o5="ja", **every_item(1 + i % 5))
        for i in range(start, start + n)
    ])


@pytest.mark.parametrize("persona,path", [
    ("owner", lambda world: reverse("my_qol_change")),
    ("trust_person", lambda world: reverse("qol_change", args=[world.case.pk])),
    ("leader", lambda world: reverse("qol_change", args=[world.case.pk])),
    ("owner", lambda world: reverse("qol_change", args=[world.case.pk])),
    ("owner", lambda world: reverse("my_page")),
    ("trust_person", lambda world: reverse("followup_detail", args=[world.case.pk])),
], ids=["mine", "case-trust-person", "case-leader", "case-owner", "min-side", "case-page"])
def test_the_pages_are_flat_in_the_number_of_rounds(client, world, persona, path):
    login(client, world.persona(persona))
    url = path(world)
    rounds(world.case, 2)
    two = qc.get(client, url)
    rounds(world.case, 10, start=2)
    twelve = qc.get(client, url)
    html = twelve.response.content.decode()
    if "slik-har-det-gatt" in url or "utvikling" in url:
        assert html.count('role="img"') == 14
    qc.assert_same(two, twelve, url, ("2 rounds", "12 rounds"))
