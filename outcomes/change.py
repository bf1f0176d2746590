"""«Slik har det gått»: how a person's answers changed between quality-of-life rounds (issue 14, point 2).

Pure functions over rounds (``QualityOfLifeRound`` instances, or anything with ``taken_on`` and the fields ``o1``
… ``o18``, ``s1`` … ``s14``), in the order they were taken. Nothing here reads the database: the views read the
rounds through the gate and hand them over.

The comparison follows OUTCOMES.md: the latest round against the first, and against the one before it. Subjective
answers are compared as scores (``SubjectiveItem.score``: reverse items recoded so that higher is better); a
question skipped in either round is not compared («Du svarte ikke på dette i mai»). Objective answers count only
as Ja / Nei: «Vet ikke» and no answer are missing, and the descriptive items (O5, O6, O13, O15, O18) are shown
without better or worse.

The words are plain bokmål for the user («Du er mer fornøyd med boligen enn i mai», «Rusen styrer hverdagen din
sjeldnere enn i mai») and short for staff («Bedre enn i mai»). Month names come from the active language (bokmål:
«mai»); a month in another year than today's carries its year («i mai 2025»), and two rounds in the same month
are told apart by the day («3. mai»).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from outcomes import instrument
from outcomes.instrument import OBJECTIVE, SATISFACTION, SUBJECTIVE, ObjectiveItem, SubjectiveItem

BETTER, SAME, WORSE, MISSING = "better", "same", "worse", "missing"


# --- which rounds ----------------------------------------------------------------------------------------------


def has_subjective(round_) -> bool:
    """Did the user answer at least one of S1–S14 in this round?"""
    return any(getattr(round_, item.field) is not None for item in SUBJECTIVE)


def has_objective(round_) -> bool:
    """Did the trust person answer at least one of O1–O18 (Ja, Nei or Vet ikke)?"""
    return any(getattr(round_, item.field) for item in OBJECTIVE)


@dataclass(frozen=True)
class Picked:
    """The rounds a page compares: the first, the one before the latest (only when it is not the first), the
    latest (``None`` with a single round)."""

    first: object | None
    previous: object | None
    latest: object | None

    @property
    def count(self) -> int:
        return sum(r is not None for r in (self.first, self.previous, self.latest))

    @property
    def compared(self) -> bool:
        return self.latest is not None


def pick(rounds: Sequence) -> Picked:
    """The first, the one before the latest and the latest of ``rounds`` (sorted here by date)."""
    rounds = sorted(rounds, key=lambda r: (r.taken_on, r.pk or 0))
    if not rounds:
        return Picked(None, None, None)
    if len(rounds) == 1:
        return Picked(rounds[0], None, None)
    return Picked(rounds[0], rounds[-2] if len(rounds) > 2 else None, rounds[-1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    # The same day of the month, or the month's last day.
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_first - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


# --- when: «i mai», «i mai 2025», «3. mai» ---------------------------------------------------------------------------


def month_name(day: datetime.date) -> str:
    """The month's name in the active language, as in running text (bokmål: «mai», «desember»)."""
    return formats.date_format(day, "F")


def month_label(day: datetime.date, *, today: datetime.date) -> str:
    """«mai», or «mai 2025» when the month is in another year than ``today``'s."""
    if day.year == today.year:
        return month_name(day)
    return _("%(month)s %(year)s") % {"month": month_name(day), "year": day.year}


def when(day: datetime.date, *, today: datetime.date, other: datetime.date | None = None) -> str:
    """When a round was, as it ends a sentence: «i mai», «i mai 2025»; «3. mai» when ``other`` (the round it is
    compared with) is in the same month."""
    if other is not None and (other.year, other.month) == (day.year, day.month):
        return _("%(day)s. %(month)s") % {"day": day.day, "month": month_label(day, today=today)}
    return _("i %(month)s") % {"month": month_label(day, today=today)}


# --- the subjective part ---------------------------------------------------------------------------------------------


def direction(before: int | None, after: int | None) -> str:
    """``BETTER``, ``SAME`` or ``WORSE`` for two scores (higher is better); ``MISSING`` when either is missing."""
    if before is None or after is None:
        return MISSING
    if after > before:
        return BETTER
    if after < before:
        return WORSE
    return SAME


# What the user reads for the items that are not about satisfaction, when the answer got better or worse
# (``%(when)s`` is «i mai»). The same answer is said with the answer itself («Du svarte det samme som i mai:
# aldri.»), which reads right for «Aldri» too.


def _own_words_messages() -> dict[str, tuple[str, str]]:
    """(better, worse) per item; translated when called, in the active language."""
    return {
        "S8": (
            _("Rusen styrer hverdagen din sjeldnere enn %(when)s."),
            _("Rusen styrer hverdagen din oftere enn %(when)s."),
        ),
        "S9": (
            _("Du føler deg mer i stand til å jobbe enn %(when)s."),
            _("Du føler deg mindre i stand til å jobbe enn %(when)s."),
        ),
        "S10": (
            _("Du føler deg trygg oftere enn %(when)s."),
            _("Du føler deg trygg sjeldnere enn %(when)s."),
        ),
        "S11": (
            _("Du blir utsatt for vold eller trusler sjeldnere enn %(when)s."),
            _("Du blir utsatt for vold eller trusler oftere enn %(when)s."),
        ),
        "S12": (
            _("Du føler deg deprimert, redd eller oppgitt sjeldnere enn %(when)s."),
            _("Du føler deg deprimert, redd eller oppgitt oftere enn %(when)s."),
        ),
        "S14": (
            _("Du klarer mer av det du vil i hverdagen enn %(when)s."),
            _("Du klarer mindre av det du vil i hverdagen enn %(when)s."),
        ),
    }


def step_words(item: SubjectiveItem, raw: int | None) -> str:
    """The answer in the question's own words («Ganske fornøyd», «Sjelden»), or «Ikke svart»."""
    if raw is None:
        return _("Ikke svart")
    return str(item.steps[raw - 1])


def user_sentence(
    item: SubjectiveItem, before_raw: int | None, after_raw: int | None, *, then: str, now: str
) -> str:
    """What the user reads for one question: the latest answer (``after_raw``, given ``now`` = «i november»)
    against an earlier one (``before_raw``, ``then`` = «i mai»)."""
    if before_raw is None and after_raw is None:
        return _("Du svarte ikke på dette %(then)s eller %(now)s.") % {"then": then, "now": now}
    if before_raw is None:
        return _("Du svarte ikke på dette %(when)s.") % {"when": then}
    if after_raw is None:
        return _("Du svarte ikke på dette %(when)s.") % {"when": now}
    way = direction(item.score(before_raw), item.score(after_raw))
    if item.steps is SATISFACTION:
        words = {
            BETTER: _("Du er mer fornøyd med %(topic)s enn %(when)s."),
            WORSE: _("Du er mindre fornøyd med %(topic)s enn %(when)s."),
            SAME: _("Du er like fornøyd med %(topic)s som %(when)s."),
        }[way]
        return words % {"topic": item.topic, "when": then}
    if way == SAME:
        return _("Du svarte det samme som %(when)s: %(answer)s.") % {
            "when": then,
            "answer": step_words(item, after_raw).lower(),
        }
    better, worse = _own_words_messages()[item.code]
    return (better if way == BETTER else worse) % {"when": then}


def staff_words(way: str, *, then: str, missing_when: str = "") -> str:
    """The change in a word for staff: «Bedre enn i mai», «Dårligere enn i mai», «Som i mai», «Ikke svart i mai»."""
    if way == BETTER:
        return _("Bedre enn %(when)s") % {"when": then}
    if way == WORSE:
        return _("Dårligere enn %(when)s") % {"when": then}
    if way == SAME:
        return _("Som %(when)s") % {"when": then}
    return _("Ikke svart %(when)s") % {"when": missing_when or then}


@dataclass(frozen=True)
class Point:
    """One round's answer to one question."""

    taken_on: datetime.date
    when: str  # «i mai»
    label: str  # «mai», for a chart's bar
    raw: int | None
    score: int | None
    words: str  # «Ganske fornøyd»


@dataclass(frozen=True)
class SubjectiveChange:
    item: SubjectiveItem
    first: Point
    previous: Point | None
    latest: Point
    way: str  # against the first: BETTER, SAME, WORSE, MISSING
    sentence: str  # the user's words, against the first
    way_since_previous: str | None
    previous_sentence: str | None  # the user's words, against the one before the latest
    staff: str  # the staff's word, against the first
    staff_since_previous: str | None

    @property
    def points(self) -> list[Point]:
        return [p for p in (self.first, self.previous, self.latest) if p is not None]


def _point(item: SubjectiveItem, round_, *, today: datetime.date, other: datetime.date | None) -> Point:
    raw = getattr(round_, item.field)
    day = round_.taken_on
    same_month = other is not None and (other.year, other.month) == (day.year, day.month)
    label = (
        _("%(day)s. %(month)s") % {"day": day.day, "month": month_label(day, today=today)}
        if same_month
        else month_label(day, today=today)
    )
    return Point(
        taken_on=day,
        when=when(day, today=today, other=other),
        label=label,
        raw=raw,
        score=item.score(raw),
        words=step_words(item, raw),
    )


def _missing_when(before: Point, after: Point) -> str:
    if before.raw is None and after.raw is None:
        return _("%(then)s eller %(now)s") % {"then": before.when, "now": after.when}
    return before.when if before.raw is None else after.when


def subjective_changes(rounds: Sequence, *, today: datetime.date) -> list[SubjectiveChange]:
    """S1–S14, the latest round against the first (and the one before it), for the rounds in which the user
    answered; empty with fewer than two such rounds."""
    picked = pick([r for r in rounds if has_subjective(r)])
    if not picked.compared:
        return []
    first, previous, latest = picked.first, picked.previous, picked.latest
    changes = []
    for item in SUBJECTIVE:
        a = _point(item, first, today=today, other=latest.taken_on)
        z = _point(item, latest, today=today, other=first.taken_on)
        way = direction(a.score, z.score)
        sentence = user_sentence(item, a.raw, z.raw, then=a.when, now=z.when)
        p = way_p = sentence_p = staff_p = None
        if previous is not None:
            p = _point(item, previous, today=today, other=latest.taken_on)
            way_p = direction(p.score, z.score)
            staff_p = staff_words(way_p, then=p.when, missing_when=_missing_when(p, z))
            # What is missing is said once: with no answer now, the sentence against the first has said so; with
            # none the first time nor the time before, one sentence names both.
            if a.raw is None and p.raw is None and z.raw is not None:
                sentence = user_sentence(item, None, None, then=a.when, now=p.when)
            elif z.raw is not None:
                sentence_p = user_sentence(item, p.raw, z.raw, then=p.when, now=z.when)
        changes.append(
            SubjectiveChange(
                item=item,
                first=a,
                previous=p,
                latest=z,
                way=way,
                sentence=sentence,
                way_since_previous=way_p,
                previous_sentence=sentence_p,
                staff=staff_words(way, then=a.when, missing_when=_missing_when(a, z)),
                staff_since_previous=staff_p,
            )
        )
    return changes


def single_round(rounds: Sequence, *, today: datetime.date) -> list[tuple[SubjectiveItem, Point]] | None:
    """With exactly one round the user answered in: (question, answer) for S1–S14; else None."""
    answered = [r for r in rounds if has_subjective(r)]
    if len(answered) != 1:
        return None
    return [(item, _point(item, answered[0], today=today, other=None)) for item in SUBJECTIVE]


def tally(changes: Sequence[SubjectiveChange]) -> dict[str, int]:
    """How many questions got better, stayed the same, got worse, or could not be compared."""
    counts = {BETTER: 0, SAME: 0, WORSE: 0, MISSING: 0}
    for c in changes:
        counts[c.way] += 1
    return counts


# --- the objective part ----------------------------------------------------------------------------------------------


def objective_words(answer: str) -> str:
    """Ja, Nei, Vet ikke, or «Ikke svart»."""
    return {instrument.YES: _("Ja"), instrument.NO: _("Nei"), instrument.DONT_KNOW: _("Vet ikke")}.get(
        answer or "", _("Ikke svart")
    )


@dataclass(frozen=True)
class ObjectiveChange:
    item: ObjectiveItem
    # (the round's date, the answer in words) for the first, (the one before the latest,) the latest
    cells: list[tuple[datetime.date, str]]
    way: str | None  # against the first; None for a descriptive item, or with a single round
    word: str  # «Bedre», «Dårligere», «Uendret», «Kan ikke sammenlignes», or «Beskriver situasjonen»

    @property
    def answers(self) -> list[str]:
        return [words for _day, words in self.cells]


def objective_changes(rounds: Sequence) -> tuple[list, list[ObjectiveChange]]:
    """O1–O18 for the rounds the trust person answered: (the rounds shown, first → latest; a row per item).

    With one round the rows hold its answers and no change."""
    picked = pick([r for r in rounds if has_objective(r)])
    shown = [r for r in (picked.first, picked.previous, picked.latest) if r is not None]
    rows = []
    for item in OBJECTIVE:
        answers = [getattr(r, item.field) for r in shown]
        cells = [(r.taken_on, objective_words(a)) for r, a in zip(shown, answers, strict=True)]
        if item.better is None:
            rows.append(ObjectiveChange(item, cells, None, _("Beskriver situasjonen")))
            continue
        if len(shown) < 2:
            rows.append(ObjectiveChange(item, cells, None, ""))
            continue
        way = direction(
            instrument.objective_score(item, answers[0]), instrument.objective_score(item, answers[-1])
        )
        word = {
            BETTER: _("Bedre"),
            WORSE: _("Dårligere"),
            SAME: _("Uendret"),
            MISSING: _("Kan ikke sammenlignes"),
        }[way]
        rows.append(ObjectiveChange(item, cells, way, word))
    return shown, rows
