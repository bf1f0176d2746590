"""Fixtures for the follow-up log tests (issue 5): entries written through the services, and many at once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from koordinator import followup_log
from koordinator.models import FollowUp, FollowUpEntry


@pytest.fixture
def entry(world) -> FollowUpEntry:
    """A home visit with Kari an hour ago, written by her trust person."""
    return followup_log.create_entry(
        world.trust_person,
        world.case,
        kind=FollowUpEntry.Kind.HOME_VISIT,
        started_at=timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=45,
        place="Hjemme hos Kari",
        life_areas=["bolig", "okonomi"],
        note="Vi gikk gjennom brevet fra NAV.",
        agreed_next="Ringe boligkontoret sammen på fredag.",
    )


def many_entries(case: FollowUp, n: int, *, by=None, kind: str = FollowUpEntry.Kind.CONVERSATION,
                 start: datetime.datetime | None = None, hours_apart: int = 5) -> list[FollowUpEntry]:
    """``n`` entries in ``case``, ``hours_apart`` apart going back from ``start`` (with history rows)."""
    start = start or timezone.now() - datetime.timedelta(minutes=10)
    rows = [
        FollowUpEntry(
            follow_up=case,
            written_by=by or case.trust_person,
            kind=kind,
            started_at=start - datetime.timedelta(hours=hours_apart * i),
            duration_minutes=30,
            note=f"Samtale nummer {i + 1}.",
            area_housing=i % 2 == 0,
        )
        for i in range(n)
    ]
    return bulk_create_with_history(rows, FollowUpEntry, default_user=by or case.trust_person)
