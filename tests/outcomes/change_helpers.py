"""Rounds for the «Slik har det gått» tests (``test_change*.py``), made directly with the model: the services that
write rounds (``outcomes/rounds.py``) are another part's."""

from __future__ import annotations

import datetime

from outcomes.models import QualityOfLifeRound

# The tests run in late November 2026 (Oslo); the first round was in May, the one before the latest in August.
TODAY = datetime.date(2026, 11, 20)
MAY = datetime.date(2026, 5, 12)
AUGUST = datetime.date(2026, 8, 14)
NOVEMBER = datetime.date(2026, 11, 10)


def make_round(case, day: datetime.date, *, by=None, **answers) -> QualityOfLifeRound:
    """A round on ``day`` with the given answers (``s1=3``, ``o1="ja"`` …); the user's part marked as answered
    together with the trust person when it has any subjective answer."""
    together = any(key.startswith("s") for key in answers)
    return QualityOfLifeRound.objects.create(
        follow_up=case,
        taken_on=day,
        kind=QualityOfLifeRound.Kind.FOLLOW_UP,
        subjective_by=QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON if together else "",
        recorded_by=by,
        **answers,
    )


def every_item(value: int, **overrides) -> dict:
    """S1–S14 all answered ``value`` (raw), with ``overrides``."""
    return {f"s{i}": value for i in range(1, 15)} | overrides
