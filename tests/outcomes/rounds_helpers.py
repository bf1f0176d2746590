"""Helpers for the quality-of-life rounds' tests (``tests/outcomes/test_rounds*.py``); others may use them too.

Rounds are made through the services (``outcomes.rounds``), so they have their history as in use. The world's
case starts today when ``world`` is made; :func:`case_started` moves its start back so rounds can be dated earlier.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from koordinator.models import FollowUp
from outcomes import rounds
from outcomes.models import QualityOfLifeRound

ALL_OBJECTIVE = {name: "ja" for name in rounds.OBJECTIVE_FIELDS}
ALL_SUBJECTIVE = {name: 3 for name in rounds.SUBJECTIVE_FIELDS}


def case_started(case: FollowUp, days_ago: int = 400) -> FollowUp:
    """The case started ``days_ago`` days ago (without history: set-up only)."""
    started = timezone.localdate() - datetime.timedelta(days=days_ago)
    FollowUp.objects.filter(pk=case.pk).update(started_on=started)
    case.started_on = started
    return case


def take_round(
    case: FollowUp, by, days_ago: int = 0, *, objective=None, subjective=None, answered_by=None, kind=None
) -> QualityOfLifeRound:
    """A round ``days_ago`` days ago through the service (the trust person's part filled in by default)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return rounds.start_round(
        case,
        by,
        day,
        kind,
        objective=ALL_OBJECTIVE if objective is None else objective,
        subjective=subjective,
        answered_by=answered_by,
    )


def snapshot() -> tuple[int, int]:
    """(rounds, history rows of rounds): what a refused write must leave as it was."""
    return QualityOfLifeRound.objects.count(), QualityOfLifeRound.history.count()
