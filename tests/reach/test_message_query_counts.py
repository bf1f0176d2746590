"""The thread's pages and endpoint run the same number of queries for 1 message as for 60 (issue 11's page budgets),
and so do the pages that show a part of it (Min side, the case page, *Min arbeidsliste*); the thread is read on an
index on the case (``message_case_sent``)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from koordinator.timeutil import at
from reach.models import Message
from tests import query_counts as qc
from tests.conftest import login

pytestmark = pytest.mark.django_db
clock = qc.clock  # autouse: Monday morning, 23 November 2026


def grow(world, n: int, *, start: int = 0) -> None:
    """``n`` messages in Kari's thread, both ways, every other one read, one in ten taken back (in bulk)."""
    now = at(qc.MONDAY, 7)
    Message.objects.bulk_create([
        Message(case=world.case, service_user=world.owner_su, from_service_user=i % 2 == 0,
                author=world.owner if i % 2 == 0 else (world.trust_person if i % 4 == 1 else world.deputy),
                body=f"Melding {i}", sent_at=now - datetime.timedelta(minutes=n + start - i),
                read_at=now if i % 3 == 1 else None, withdrawn_at=now if i % 10 == 9 else None)
        for i in range(start, start + n)
    ])


@pytest.mark.parametrize("persona,path", [
    ("owner", lambda world: reverse("reach_my_messages")),
    ("trust_person", lambda world: reverse("reach_case_messages", args=[world.case.pk])),
    ("leader", lambda world: reverse("reach_case_messages", args=[world.case.pk])),
    ("owner", lambda world: reverse("my_page")),
    ("trust_person", lambda world: reverse("followup_detail", args=[world.case.pk])),
    ("trust_person", lambda world: reverse("worklist")),
    ("trust_person", lambda world: reverse("api-message-list") + f"?case={world.case.pk}"),
    ("owner", lambda world: reverse("api-message-list")),
], ids=["mine", "case-trust-person", "case-leader", "min-side", "case-page", "worklist", "api-staff", "api-owner"])
def test_the_pages_are_flat_in_the_number_of_messages(client, world, persona, path):
    login(client, world.persona(persona))
    url = path(world)
    grow(world, 1)
    one = qc.get(client, url)
    grow(world, 59, start=1)
    sixty = qc.get(client, url)
    qc.assert_same(one, sixty, url, ("1 message", "60 messages"))


def test_the_thread_page_shows_a_page_of_messages_not_all(client, world):
    grow(world, 60)
    login(client, world.trust_person)
    page = qc.get(client, reverse("reach_case_messages", args=[world.case.pk])).response.content.decode()
    assert page.count('class="ds-card message') == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_thread_is_read_on_its_index(world):
    grow(world, 60)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        qs = Message.objects.filter(case=world.case).order_by("-sent_at", "-pk")[:20]
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
    # Bounded by the case on an index (``message_case_sent``, or on a table this small the case's foreign key).
    assert "Index Cond: (case_id = " in plan and "Seq Scan" not in plan
