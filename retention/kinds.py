"""The registry of kinds: what ``apply_retention`` removes or anonymises, kind by kind, and how.

A **kind** is one kind of personal data with its own retention period: the follow-up log, the plan, the minutes,
the crisis plan, the access log … (``retention.builtin`` registers the core apps' kinds). Each kind knows

* its **scope**: :data:`CASE` (rows that belong to one ended case: counted from the day that case ended) or
  :data:`PERSON` (rows that belong to the person, such as the crisis plan and the access log: counted from the end of
  the person's last case, and only when all their cases have ended);
* its **period**: a key of ``settings.RETENTION_PERIODS`` (``retention.periods``), or :data:`SHORTEST` (the first of
  the case's kinds to pass: the notifications *about* the case go before anything they point at does) or
  :data:`LONGEST` (the person's own record, once nothing else is kept);
* its **steps**, in order (children before the rows they point at): :class:`Remove` deletes rows, :class:`Blank`
  anonymises rows the half-year report still counts (free text blanked, links to the person dropped). Both remove
  the rows' **history** (simple_history's ``Historical…`` tables) with them — also the history of rows deleted long
  ago — except where the report reads the history (the case's status history), which is blanked instead. Each step
  can count what it would do (the dry run) and do it (the real run), and says how many rows and history rows.

**For other apps** (the messages of issue 16, the archives of «Last ned alt om meg», …): register your own kind from
your ``AppConfig.ready``::

    from retention import kinds

    kinds.register(kinds.Kind(
        "messages", gettext_lazy("Meldinger"), scope=kinds.CASE, period="followup_log", order=25,
        steps=lambda: [kinds.Remove(Message, lambda t: {"case_id": t.follow_up_id})],
    ))

and, where your rows are what a notification is *about*, add them to :func:`register_subject` so the notifications
about them are blanked with the case's. A step's ``where`` takes the :class:`Target` and returns lookups for both the
model and its history model (the history model has the same field names). A new period needs its key in
``RETENTION_PERIODS`` (and its own environment variable in settings); the system check then checks it too.

Rows that belong to no case (an SMS from an unknown number in the leader's inbox) are a :class:`Sweep`
(:func:`register_sweep`): counted from their own date, run after the persons' kinds, recorded only in the run's counts.
``retention.reach_kinds`` registers issue 16's kinds, the archives' and the inbox's sweep.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.utils.functional import Promise

from retention import periods

CASE = "case"
PERSON = "person"
SHORTEST = "shortest"
LONGEST = "longest"

HISTORY_DELETE = "delete"
HISTORY_BLANK = "blank"


@dataclass(frozen=True)
class Target:
    """What a kind removes from: the person (``service_user_id``, with their log-in ``user_id`` if any) and, for a
    kind of :data:`CASE` scope, one of their cases (``follow_up_id``)."""

    service_user_id: int
    follow_up_id: int | None = None
    user_id: int | None = None


@dataclass
class Counts:
    rows: int = 0
    history: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.rows + other.rows, self.history + other.history)

    @property
    def empty(self) -> bool:
        return not (self.rows or self.history)


Lookups = Callable[[Target], "dict | Q"]


def _q(lookups) -> Q:
    return lookups if isinstance(lookups, Q) else Q(**lookups)


def raw_delete(qs: QuerySet) -> int:
    """Delete the rows in one statement, with no signals (simple_history would write a «deleted» history row for each,
    the very rows we remove) and no cascades: the kinds delete children first, in order."""
    qs = qs.order_by()
    return qs._raw_delete(qs.db)


@dataclass(frozen=True)
class Step:
    """One model's rows of a kind. ``where(target)`` gives the lookups of the rows (and of their history rows, unless
    ``history_where`` says otherwise)."""

    model: type[Model]
    where: Lookups
    history_where: Lookups | None = None
    # How many rows each of many targets has, for the leader's page, where ``where`` target by target is heavy to
    # build (the notifications about a case: a subquery per kind of subject); :func:`not_counted` leaves the step out
    # of the page's numbers. None: :meth:`count_each` finds them itself.
    batch: Callable[[list[Target]], dict[Target, int]] | None = None

    def rows(self, target: Target) -> QuerySet:
        return self.model._default_manager.filter(_q(self.where(target)))

    def history_rows(self, target: Target) -> QuerySet | None:
        history = getattr(self.model, "history", None)
        if history is None:
            return None
        return history.model._default_manager.filter(_q((self.history_where or self.where)(target)))

    def count(self, target: Target) -> Counts:
        history = self.history_rows(target)
        return Counts(self.rows(target).count(), history.count() if history is not None else 0)

    def count_each(self, targets: list[Target]) -> dict[Target, int]:
        """How many rows (not history rows) each of ``targets`` has, in one query (the leader's page). Lookups of one
        field (``{"plan__follow_up_id": 12}``) are counted grouped by that field; others with a filtered count per
        target."""
        if not targets:
            return {}
        if self.batch is not None:
            found = self.batch(targets)
            return {target: found.get(target, 0) for target in targets}
        manager = self.model._default_manager
        wheres = [self.where(target) for target in targets]
        name = _one_field(wheres)
        if name is not None:
            values = {where[name] for where in wheres}
            counted = dict(manager.filter(**{f"{name}__in": sorted(values)}).order_by().values(name)
                           .annotate(n=Count("pk", distinct=True)).values_list(name, "n"))
            return {target: counted.get(where[name], 0) for target, where in zip(targets, wheres, strict=True)}
        wheres = [_q(where) for where in wheres]
        counted = manager.filter(reduce(operator.or_, wheres)).aggregate(
            **{f"n{i}": Count("pk", filter=where, distinct=True) for i, where in enumerate(wheres)})
        return {target: counted[f"n{i}"] or 0 for i, target in enumerate(targets)}

    def apply(self, target: Target) -> Counts:  # pragma: no cover - each step says
        raise NotImplementedError


def _one_field(wheres: list) -> str | None:
    """The field, when every lookup is the same single field equal to a value (``{"follow_up_id": 12}``)."""
    if not all(isinstance(where, dict) and len(where) == 1 for where in wheres):
        return None
    names = {next(iter(where)) for where in wheres}
    if len(names) != 1:
        return None
    name = names.pop()
    if name.rsplit("__", 1)[-1] in _NOT_EQUAL or not all(isinstance(where[name], int) for where in wheres):
        return None
    return name


# Lookups that are not «equal to»: lookups ending in them are counted target by target.
_NOT_EQUAL = {"in", "gt", "gte", "lt", "lte", "isnull", "range", "iexact", "contains", "icontains", "startswith",
              "istartswith", "endswith", "iendswith", "regex", "iregex", "year", "month", "day", "date", "ne"}


def not_counted(targets: list[Target]) -> dict[Target, int]:
    """A step's ``batch`` that leaves it out of the leader's page (the delivery attempts of notifications that are
    counted themselves)."""
    return {}


@dataclass(frozen=True)
class Remove(Step):
    """Delete the rows and all their history (history first: its lookups may go through the rows)."""

    def apply(self, target: Target) -> Counts:
        history = self.history_rows(target)
        removed_history = raw_delete(history) if history is not None else 0
        return Counts(raw_delete(self.rows(target)), removed_history)


@dataclass(frozen=True)
class Blank(Step):
    """Anonymise the rows in place (``values``: field → value or expression, or a function that returns them) and
    delete their history, or blank it with ``history_values`` where the report reads it (``history=HISTORY_BLANK``)."""

    values: dict | Callable[[], dict] = field(default_factory=dict)
    history: str = HISTORY_DELETE
    history_values: dict | Callable[[], dict] | None = None

    def _values(self, values) -> dict:
        return values() if callable(values) else dict(values)

    def apply(self, target: Target) -> Counts:
        history = self.history_rows(target)
        done_history = 0
        if history is not None:
            if self.history == HISTORY_DELETE:
                done_history = raw_delete(history)
            else:
                values = self._values(self.history_values if self.history_values is not None else self.values)
                done_history = history.order_by().update(**values)
        rows = self.rows(target).order_by().update(**self._values(self.values)) if self.values else \
            self.rows(target).count()
        return Counts(rows, done_history)


@dataclass(frozen=True)
class Kind:
    """One kind of personal data and how it goes. ``label`` is the plain Norwegian name the leader's page and the
    dry run's output use (lazy); ``period`` a key of ``RETENTION_PERIODS``, :data:`SHORTEST` or :data:`LONGEST`;
    ``steps`` a function that returns the steps in order (called when used, so models load first)."""

    key: str
    label: Promise | str
    scope: str
    period: str
    steps: Callable[[], list[Step]]
    order: int = 50
    # A word or two for the leader's list of what goes when («logg (12), plan (3)»); the label where there is none.
    short: Promise | str = ""

    @property
    def short_label(self) -> Promise | str:
        return self.short or self.label

    def kept_until(self, anchor: datetime.date) -> datetime.date:
        """The last day the kind is kept, for a case (or a person's last case) that ended on ``anchor``."""
        if self.period == SHORTEST:
            return min(k.kept_until(anchor) for k in own_period_kinds(CASE))
        if self.period == LONGEST:
            return max(k.kept_until(anchor) for k in own_period_kinds())
        return periods.add(anchor, periods.period(self.period))

    def count(self, target: Target) -> Counts:
        total = Counts()
        for step in self.steps():
            total += step.count(target)
        return total

    def apply(self, target: Target) -> Counts:
        total = Counts()
        for step in self.steps():
            total += step.apply(target)
        return total

    def count_each(self, targets: list[Target]) -> dict[Target, int]:
        """How many rows (not history rows) of the kind each of ``targets`` has: one query per step, whatever the
        number of targets."""
        total = dict.fromkeys(targets, 0)
        for step in self.steps():
            for target, n in step.count_each(targets).items():
                total[target] += n
        return total


@dataclass(frozen=True)
class Sweep:
    """Rows that belong to no person's case, so no case's end can count their period (an SMS from an unknown number,
    handled in the leader's inbox): each goes ``period`` after its own date. ``count(first_kept)`` and
    ``apply(first_kept)`` take the first day whose rows are still kept and return the counts per municipality (None
    for rows of no municipality); ``apply`` deletes in SQL, history first. The run (``engine.run``) calls them after
    the persons' kinds and records only the counts. ``default`` is the period when ``RETENTION_PERIODS`` has none."""

    key: str
    label: Promise | str
    period: str
    default: str
    count: Callable[[datetime.date], dict[int | None, Counts]]
    apply: Callable[[datetime.date], dict[int | None, Counts]]

    def first_kept(self, today: datetime.date) -> datetime.date:
        """The first day whose rows are kept today (rows dated before it have passed the period)."""
        return periods.first_kept(today, periods.parse(periods.configured().get(self.period, self.default)))


_KINDS: dict[str, Kind] = {}
_SWEEPS: dict[str, Sweep] = {}
# What a notification may be *about* that belongs to a case: (model, the lookup from it to the case's id).
_SUBJECTS: list[tuple[type[Model], str]] = []


def register(kind: Kind) -> Kind:
    """Add a kind (from an app's ``ready``). A second registration under the same key replaces the first."""
    if kind.scope not in (CASE, PERSON):
        raise ValueError(f"{kind.key}: scope must be {CASE!r} or {PERSON!r}")
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _KINDS.pop(key, None)


def register_sweep(sweep: Sweep) -> Sweep:
    """Add a sweep (rows of no case: :class:`Sweep`). A second registration under the same key replaces the first."""
    _SWEEPS[sweep.key] = sweep
    return sweep


def sweeps() -> list[Sweep]:
    return sorted(_SWEEPS.values(), key=lambda sweep: sweep.key)


def register_subject(model: type[Model], case_lookup: str) -> None:
    """Notifications about rows of ``model`` (``about``) are blanked with the case that ``case_lookup`` leads to from
    the row (``"follow_up_id"``, ``"plan__follow_up_id"``, …)."""
    if (model, case_lookup) not in _SUBJECTS:
        _SUBJECTS.append((model, case_lookup))


def subjects() -> list[tuple[type[Model], str]]:
    return list(_SUBJECTS)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def get(key: str) -> Kind:
    return _KINDS[key]


def case_kinds() -> list[Kind]:
    return [kind for kind in all_kinds() if kind.scope == CASE]


def person_kinds() -> list[Kind]:
    return [kind for kind in all_kinds() if kind.scope == PERSON]


def own_period_kinds(scope: str | None = None) -> list[Kind]:
    return [kind for kind in all_kinds() if kind.period not in (SHORTEST, LONGEST)
            and (scope is None or kind.scope == scope)]


def shortest_days() -> int:
    """The fewest days any kind is kept after a case ends: no case that ended later than this many days ago has
    anything to remove."""
    return min((periods.period(kind.period).shortest_days for kind in own_period_kinds()), default=0)


def labels() -> dict[str, Any]:
    return {**{kind.key: kind.label for kind in all_kinds()}, **{sweep.key: sweep.label for sweep in sweeps()}}
