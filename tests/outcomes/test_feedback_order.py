"""Anonymous feedback (issue 14, point 5; review): nothing in how the rows are stored pairs a receipt with its
answer. The receipt and the answer are written in one transaction, so without more the answer would be the row
written by the same transaction as the receipt (PostgreSQL's ``xmin``) and the n-th answer of the unit would sit
n-th on disk (SQLite's ``rowid``, PostgreSQL's ``ctid``), next to the n-th receipt, whose owner anyone holding
the key can compute. So every answer rewrites its unit's answers of the half-year in a random order, and the
answer's month is the half-year's first (a month of its own would order the answers again).

Each answer is its own request and its own transaction (``transaction=True``), as in production.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from outcomes import feedback
from outcomes.models import FeedbackAnswer, FeedbackReceipt
from tests.conftest import login

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=OSLO)
ANSWERS = {"q1": "4", "q2": "4", "q3": "3", "q4": "2", "q5": "4", "q6": "4", "q7": "5"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _written(table: str) -> dict[str, str]:
    """Each row's primary key and what tells where and by which transaction it was written: PostgreSQL's
    ``xmin`` (the writing transaction), SQLite's ``rowid`` (the order of writing)."""
    column = "xmin::text" if connection.vendor == "postgresql" else "rowid"
    key = "id" if table == "outcomes_feedbackanswer" else "token"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {column} FROM {table}")  # noqa: S608 - fixed names
        rows = cursor.fetchall()
    if key == "id":  # a UUID: with dashes on PostgreSQL, 32 hex digits on SQLite
        return {uuid.UUID(str(pk)).hex: str(mark) for pk, mark in rows}
    return {pk: str(mark) for pk, mark in rows}


def _on_disk() -> list[int]:
    """The answers' Q1 in the order they lie on disk (SQLite: ``rowid``; PostgreSQL: ``ctid``)."""
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT q1 FROM outcomes_feedbackanswer ORDER BY {column}")  # noqa: S608 - fixed names
        return [q1 for (q1,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_no_stored_order_or_transaction_pairs_a_receipt_with_its_answer(world, monkeypatch):
    # The random order, made one the test can tell from the order of answering: the highest Q1 first.
    monkeypatch.setattr(
        feedback.random.SystemRandom, "shuffle", lambda self, rows: rows.sort(key=lambda row: -row.q1)
    )
    assert (
        login(Client(), world.owner).post(reverse("my_feedback"), {**ANSWERS, "q1": "1"}).status_code == 302
    )
    feedback.enter_paper(world.trust_person, world.unit, {**ANSWERS, "q1": "2"})
    kari = feedback.receipt_token(world.owner_su.pk, "2026-H2")
    before = _written("outcomes_feedbackanswer")
    assert len(before) == 2

    assert (
        login(Client(), world.other_owner).post(reverse("my_feedback"), {**ANSWERS, "q1": "3"}).status_code
        == 302
    )
    answers = _written("outcomes_feedbackanswer")
    receipts = _written("outcomes_feedbackreceipt")
    assert len(answers) == 3 and len(receipts) == 2
    # On disk in the order the rewrite chose, not in the order of answering (Kari 1, the paper 2, Ola 3).
    assert _on_disk() == [3, 2, 1]
    if connection.vendor == "postgresql":
        # Every answer of the unit's half-year was written again by the last answer's transaction: Kari's receipt
        # shares its transaction with none of them.
        assert len(set(answers.values())) == 1
        assert receipts[kari] not in answers.values()
    # The same answers, by the same keys.
    assert set(before) < set(answers)
    # No month of its own: the half-year's first.
    assert set(FeedbackAnswer.objects.values_list("month", flat=True)) == {datetime.date(2026, 7, 1)}
    assert FeedbackReceipt.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_rewrite_keeps_a_checked_text_and_touches_no_other_unit_or_half_year(world):
    other = FeedbackAnswer.objects.create(
        unit=world.other_unit, half_year="2026-H2", month=datetime.date(2026, 7, 1), channel="paper", q1=5
    )
    earlier = FeedbackAnswer.objects.create(
        unit=world.unit, half_year="2026-H1", month=datetime.date(2026, 1, 1), channel="paper", q1=5
    )
    checked = FeedbackAnswer.objects.create(
        unit=world.unit,
        half_year="2026-H2",
        month=datetime.date(2026, 7, 1),
        channel="paper",
        q2=3,
        free_text="Bra, [navn]",
        free_text_shown="Bra, [navn]",
        text_status=FeedbackAnswer.TextStatus.CHECKED,
    )
    untouched = {k: v for k, v in _written("outcomes_feedbackanswer").items() if k != checked.pk.hex}
    assert login(Client(), world.owner).post(reverse("my_feedback"), ANSWERS).status_code == 302
    after = _written("outcomes_feedbackanswer")
    assert {other.pk.hex: after[other.pk.hex], earlier.pk.hex: after[earlier.pk.hex]} == untouched
    kept = FeedbackAnswer.objects.get(pk=checked.pk)
    assert (kept.q2, kept.free_text_shown, kept.text_status) == (3, "Bra, [navn]", "checked")
    assert FeedbackAnswer.objects.filter(unit=world.unit, half_year="2026-H2").count() == 2
