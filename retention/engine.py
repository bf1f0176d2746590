"""What has passed its retention period, and removing it: the rule (:func:`assess`), one person's facts
(:func:`load`), and the run (:func:`run`, behind ``manage.py apply_retention``).

**The rule**, per person (their cases are read together, because one case's data may wait for another's):

* A kind of a case (``kinds.CASE``) is kept through the day the case ended plus the kind's period, and through the
  case's own «Åpen dør til» if that is later; it goes the day after (``due_on``).
* A kind of the person (``kinds.PERSON``: the crisis plan, the access log, the person's own record) is counted the same
  way from the end of the person's *last* case, and only once every case of theirs has ended; the person's own record
  goes last, when every other kind of every case of theirs has gone.
* Never touched: a case whose door is still open; any case of a person who has another case that is open or whose
  door is open; anything of a person, or of a case, under a legal hold in force (a hold on a case also keeps the
  person's own kinds: the case needs its person).

**The run** goes through the candidates person by person in pages of ids (bounded memory), and removes each case's
due kinds in one transaction per case, then the person's in one more, each time reading the person's facts again with
the cases locked, so a hold placed or a case reopened meanwhile is respected. Each kind removed is recorded as a
:class:`~retention.models.Removal` in the same transaction: a second run finds nothing, and a run stopped half-way goes
on where it stopped. A dry run reads the same and counts instead, changing nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from koordinator.models import FollowUp, ServiceUser
from retention import kinds
from retention.kinds import Counts, Kind, Target
from retention.models import LegalHold, Removal, RetentionRun

ENDED = FollowUp.Status.ENDED

# The states of an item (one kind of one case, or of one person).
DUE = "due"  # passed its period: goes at the next run
WAITING = "waiting"  # its day has not come
HELD = "held"  # a legal hold on the person or the case
OTHER_CASE = "other_case"  # the person has another case that is open, or whose door is open
OPEN_DOOR = "open_door"  # the case's door is still open

CHUNK = 100  # persons per page of the run


@dataclass(frozen=True)
class CaseFacts:
    pk: int
    status: str
    ended_on: datetime.date | None
    open_door_until: datetime.date | None
    municipality_id: int

    @property
    def is_ended(self) -> bool:
        return self.status == ENDED and self.ended_on is not None

    @property
    def kept_open_until(self) -> datetime.date | None:
        """The last day of the open door (or the day it ended)."""
        if self.ended_on is None:
            return None
        return max(self.ended_on, self.open_door_until or self.ended_on)


@dataclass
class PersonFacts:
    service_user_id: int
    user_id: int | None
    municipality_id: int
    cases: list[CaseFacts] = field(default_factory=list)
    held_person: bool = False
    held_cases: set[int] = field(default_factory=set)
    done: set[tuple[int | None, str]] = field(default_factory=set)

    def target(self, follow_up_id: int | None = None) -> Target:
        return Target(self.service_user_id, follow_up_id, self.user_id)

    @property
    def last_ended_on(self) -> datetime.date | None:
        ends = [case.ended_on for case in self.cases if case.ended_on is not None]
        return max(ends) if ends else None


@dataclass(frozen=True)
class Item:
    """One kind of one case (``follow_up_id``) or of the person (``follow_up_id`` is None): kept until, and its state."""

    kind: Kind
    follow_up_id: int | None
    kept_until: datetime.date
    state: str

    @property
    def due_on(self) -> datetime.date:
        """The first day it may go."""
        return self.kept_until + datetime.timedelta(days=1)


def assess(person: PersonFacts, today: datetime.date) -> list[Item]:
    """Every kind of the person's ended cases and of the person not removed yet, with its date and state."""
    items: list[Item] = []
    not_ended = {case.pk for case in person.cases if not case.is_ended}
    door_open = {case.pk for case in person.cases if case.is_ended and case.kept_open_until >= today}
    held_any = person.held_person or bool(person.held_cases)
    for case in person.cases:
        if case.pk in not_ended:
            continue
        others = (not_ended | door_open) - {case.pk}
        for kind in kinds.case_kinds():
            if (case.pk, kind.key) in person.done:
                continue
            kept = max(kind.kept_until(case.ended_on), case.kept_open_until)
            if person.held_person or case.pk in person.held_cases:
                state = HELD
            elif others:
                state = OTHER_CASE
            elif case.pk in door_open:
                state = OPEN_DOOR
            else:
                state = DUE if kept < today else WAITING
            items.append(Item(kind, case.pk, kept, state))
    if person.cases and not not_ended:
        last = person.last_ended_on
        door = max(case.kept_open_until for case in person.cases)
        # The person's own record goes only when nothing of any case is left, or all of it goes now.
        cases_left = any(item.state != DUE for item in items)
        for kind in kinds.person_kinds():
            if (None, kind.key) in person.done:
                continue
            kept = max(kind.kept_until(last), door)
            if held_any:
                state = HELD
            elif door_open:
                state = OPEN_DOOR
            elif kept >= today:
                state = WAITING
            elif kind.period == kinds.LONGEST and cases_left:
                state = WAITING
            else:
                state = DUE
            items.append(Item(kind, None, kept, state))
    return items


def load(service_user_ids, *, lock: bool = False) -> dict[int, PersonFacts]:
    """The facts of these persons, in four queries whatever their number (``lock``: their cases locked for the
    transaction, so nobody reopens or ends one while its data is being removed)."""
    ids = list(service_user_ids)
    persons = {
        pk: PersonFacts(pk, user_id, municipality_id)
        for pk, user_id, municipality_id in ServiceUser.objects.filter(pk__in=ids)
        .values_list("pk", "user_id", "municipality_id")
    }
    cases = FollowUp.objects.filter(service_user_id__in=ids).order_by("ended_on", "pk")
    if lock:
        cases = cases.select_for_update()
    for pk, su, status, ended_on, door, municipality_id in cases.values_list(
            "pk", "service_user_id", "status", "ended_on", "open_door_until", "municipality_id"):
        persons[su].cases.append(CaseFacts(pk, status, ended_on, door, municipality_id))
    holds = LegalHold.objects.in_force().filter(
        Q(service_user_id__in=ids) | Q(follow_up__in=FollowUp.objects.filter(service_user_id__in=ids).values("pk"))
    ).values_list("service_user_id", "follow_up_id", "follow_up__service_user_id")
    for su, case, case_su in holds:
        if su is not None:
            persons[su].held_person = True
        else:
            persons[case_su].held_cases.add(case)
    for su, case, kind in Removal.objects.filter(service_user_id__in=ids).values_list(
            "service_user_id", "follow_up_id", "kind"):
        persons[su].done.add((case, kind))
    return persons


# --- the run ------------------------------------------------------------------------------------------------------


def candidates(today: datetime.date, after: int = 0, limit: int = CHUNK) -> list[int]:
    """The next ``limit`` persons (by id, after ``after``) who may have something to remove: a case that ended longer
    ago than the shortest period, and a kind of theirs not removed yet. The rule (:func:`assess`) decides."""
    cutoff = today - datetime.timedelta(days=kinds.shortest_days())
    ended = FollowUp.objects.filter(service_user_id=OuterRef("pk"), status=ENDED, ended_on__lt=cutoff)
    case_done = Removal.objects.filter(follow_up_id=OuterRef("pk")).order_by().values("follow_up_id") \
        .annotate(n=Count("pk")).values("n")
    unfinished_case = FollowUp.objects.filter(service_user_id=OuterRef("pk"), status=ENDED, ended_on__lt=cutoff) \
        .annotate(done=Coalesce(Subquery(case_done[:1]), 0)).filter(done__lt=len(kinds.case_kinds()))
    person_done = Removal.objects.filter(service_user_id=OuterRef("pk"), follow_up__isnull=True).order_by() \
        .values("service_user_id").annotate(n=Count("pk")).values("n")
    return list(
        ServiceUser.objects.filter(Exists(ended), pk__gt=after)
        .annotate(person_done=Coalesce(Subquery(person_done[:1]), 0))
        .filter(Q(Exists(unfinished_case)) | Q(person_done__lt=len(kinds.person_kinds())))
        .order_by("pk").values_list("pk", flat=True)[:limit]
    )


def all_candidates(today: datetime.date) -> Iterator[int]:
    after = 0
    while True:
        page = candidates(today, after)
        if not page:
            return
        yield from page
        after = page[-1]


@dataclass
class Tally:
    """What a run did (or would do): counts per kind, in total and per municipality."""

    total: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    municipalities: dict[int, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    cases: set[int] = field(default_factory=set)
    persons: set[int] = field(default_factory=set)

    def add(self, municipality_id: int, item: Item, counts: Counts, person: int) -> None:
        self.total[item.kind.key] += counts
        self.municipalities[municipality_id][item.kind.key] += counts
        self.persons.add(person)
        if item.follow_up_id is not None:
            self.cases.add(item.follow_up_id)

    def as_json(self) -> dict:
        def plain(counts: dict[str, Counts]) -> dict:
            return {key: {"rows": c.rows, "history": c.history} for key, c in counts.items()}

        return {
            "total": plain(self.total),
            "municipalities": {str(pk): plain(by_kind) for pk, by_kind in self.municipalities.items()},
            "cases": len(self.cases),
            "persons": len(self.persons),
        }


def describe(person: PersonFacts, follow_up_id: int | None, done: list[tuple[Item, Counts]]) -> str:
    """One line of the run's output: the case number and the day it ended (or the person's number and the day
    their last case ended), then each kind and its counts. Never a name, never content."""
    from django.utils.translation import gettext as _

    if follow_up_id is not None:
        case = next(c for c in person.cases if c.pk == follow_up_id)
        head = _("Sak %(number)s, avsluttet %(date)s") % {"number": follow_up_id, "date": f"{case.ended_on:%d.%m.%Y}"}
    else:
        head = _("Person %(number)s, siste sak avsluttet %(date)s") % {
            "number": person.service_user_id, "date": f"{person.last_ended_on:%d.%m.%Y}"}
    parts = [_("%(kind)s: %(rows)s rader, %(history)s i historikken") % {
        "kind": item.kind.label, "rows": counts.rows, "history": counts.history} for item, counts in done]
    return f"{head}: " + "; ".join(parts)


def _apply(person_id: int, follow_up_id: int | None, today: datetime.date, run: RetentionRun, tally: Tally,
           emit: Callable[[str], None]) -> None:
    """One transaction: the due kinds of one case (or of the person), read again with the cases locked."""
    with transaction.atomic():
        person = load([person_id], lock=True).get(person_id)
        if person is None:
            return
        due = [item for item in assess(person, today) if item.state == DUE and item.follow_up_id == follow_up_id]
        done = []
        for item in due:
            counts = item.kind.apply(person.target(item.follow_up_id))
            Removal.objects.create(run=run, kind=item.kind.key, service_user_id=person_id, follow_up_id=follow_up_id,
                                   municipality_id=_municipality(person, follow_up_id), rows=counts.rows,
                                   history_rows=counts.history)
            tally.add(_municipality(person, follow_up_id), item, counts, person_id)
            done.append((item, counts))
    if done:
        emit(describe(person, follow_up_id, done))


def _municipality(person: PersonFacts, follow_up_id: int | None) -> int:
    if follow_up_id is None:
        return person.municipality_id
    return next(case.municipality_id for case in person.cases if case.pk == follow_up_id)


def run(*, dry_run: bool = False, today: datetime.date | None = None,
        emit: Callable[[str], None] = lambda line: None) -> RetentionRun:
    """Remove (or, dry, count) everything that has passed its period; record the run. Safe to run again."""
    today = today or timezone.localdate()
    record = RetentionRun.objects.create(dry_run=dry_run)
    tally = Tally()
    for person_id in all_candidates(today):
        if dry_run:
            person = load([person_id])[person_id]
            due = [item for item in assess(person, today) if item.state == DUE]
            by_target: dict[int | None, list] = defaultdict(list)
            for item in due:
                counts = item.kind.count(person.target(item.follow_up_id))
                by_target[item.follow_up_id].append((item, counts))
                tally.add(_municipality(person, item.follow_up_id), item, counts, person_id)
            for follow_up_id, done in by_target.items():
                emit(describe(person, follow_up_id, done))
            continue
        person = load([person_id])[person_id]
        due = [item for item in assess(person, today) if item.state == DUE]
        for follow_up_id in dict.fromkeys(item.follow_up_id for item in due if item.follow_up_id is not None):
            _apply(person_id, follow_up_id, today, record, tally, emit)
        # The person's own kinds after the cases' (read again: the record goes only when the cases' data has).
        _apply(person_id, None, today, record, tally, emit)
        RetentionRun.objects.filter(pk=record.pk).update(counts=tally.as_json())
    _sweep(today, dry_run, tally, emit)
    record.counts = tally.as_json()
    record.finished_at = timezone.now()
    record.save(update_fields=["counts", "finished_at"])
    return record


def _sweep(today: datetime.date, dry_run: bool, tally: Tally, emit: Callable[[str], None]) -> None:
    """The rows of no case (``kinds.Sweep``): each sweep counts (dry) or removes what has passed its own period, in one
    transaction; only the counts are recorded, in the run's total and per municipality."""
    from django.utils.translation import gettext as _

    for sweep in kinds.sweeps():
        first_kept = sweep.first_kept(today)
        if dry_run:
            found = sweep.count(first_kept)
        else:
            with transaction.atomic():
                found = sweep.apply(first_kept)
        done = Counts()
        for municipality_id, counts in found.items():
            if counts.empty:
                continue
            done += counts
            if municipality_id is not None:
                tally.municipalities[municipality_id][sweep.key] += counts
        if not done.empty:
            tally.total[sweep.key] += done
            emit(_("%(kind)s fra før %(date)s: %(rows)s rader, %(history)s i historikken") % {
                "kind": sweep.label, "date": f"{first_kept:%d.%m.%Y}", "rows": done.rows, "history": done.history})


# --- what the leader sees: what passes its period in the next days --------------------------------------------------

HORIZON_DAYS = 30


@dataclass
class Row:
    """One case on the leader's page: what of it (and, on the person's last case, of the person) goes, and when."""

    case: FollowUp
    items: list[Item]

    @property
    def held(self) -> bool:
        return any(item.state == HELD for item in self.items)

    @property
    def blocked(self) -> str:
        states = {item.state for item in self.items}
        return next((state for state in (OTHER_CASE, OPEN_DOOR) if state in states), "")


def expiring_cases(cases, today: datetime.date, horizon_days: int = HORIZON_DAYS):
    """The ended cases (of ``cases``, already narrowed by the gate and to one municipality) of which something passes
    its period within ``horizon_days`` days, or has passed it and waits for the next run: oldest first. One query; the
    rows are read through the (municipality, status) index and each subquery by the person or the case."""
    horizon = today + datetime.timedelta(days=horizon_days)
    latest = horizon - datetime.timedelta(days=kinds.shortest_days())
    case_done = Removal.objects.filter(follow_up_id=OuterRef("pk")).order_by().values("follow_up_id") \
        .annotate(n=Count("pk")).values("n")
    person_done = Removal.objects.filter(service_user_id=OuterRef("service_user_id"), follow_up__isnull=True) \
        .order_by().values("service_user_id").annotate(n=Count("pk")).values("n")
    last_end = FollowUp.objects.filter(service_user_id=OuterRef("service_user_id")).order_by("-ended_on") \
        .values("ended_on")
    not_ended = FollowUp.objects.filter(service_user_id=OuterRef("service_user_id")).exclude(status=ENDED)
    return (
        cases.filter(status=ENDED, ended_on__lte=latest)
        .filter(Q(open_door_until__isnull=True) | Q(open_door_until__lt=horizon))
        .annotate(case_done=Coalesce(Subquery(case_done[:1]), 0),
                  person_done=Coalesce(Subquery(person_done[:1]), 0),
                  last_end=Subquery(last_end[:1]))
        .filter(Q(case_done__lt=len(kinds.case_kinds()))
                | Q(person_done__lt=len(kinds.person_kinds()), ended_on=F("last_end")))
        .exclude(Exists(not_ended))
        .select_related("service_user")
        .order_by("ended_on", "pk")
    )


def amounts(rows: list[Row]) -> dict[tuple[str, int | None, int], int]:
    """How many rows each kind shown on the page has now, by (kind, case — None for the person's kinds —, person): the
    leader's page shows only the kinds with something. One query per step of the kinds shown, whatever the number of
    cases."""
    targets: dict[str, dict[tuple[int | None, int], Target]] = defaultdict(dict)
    kinds_by_key = {}
    for row in rows:
        user_id = row.case.service_user.user_id
        for item in row.items:
            kinds_by_key[item.kind.key] = item.kind
            key = (item.follow_up_id, row.case.service_user_id)
            targets[item.kind.key][key] = Target(row.case.service_user_id, item.follow_up_id, user_id)
    found = {}
    for key, by_target in targets.items():
        counted = kinds_by_key[key].count_each(list(by_target.values()))
        for (follow_up_id, person), target in by_target.items():
            found[(key, follow_up_id, person)] = counted[target]
    return found


def rows_for(cases: list[FollowUp], today: datetime.date, horizon_days: int = HORIZON_DAYS) -> list[Row]:
    """The items of each case (and of its person, on the person's last case) that go within the horizon or are held
    or waiting for something else. Four queries for the page, whatever its length (:func:`load`)."""
    horizon = today + datetime.timedelta(days=horizon_days)
    facts = load({case.service_user_id for case in cases})
    rows = []
    for case in cases:
        person = facts[case.service_user_id]
        # The person's own kinds are shown on their last case (the latest end; the higher number on the same day).
        anchor = max((c for c in person.cases if c.ended_on is not None), key=lambda c: (c.ended_on, c.pk))
        items = [
            item for item in assess(person, today)
            if (item.follow_up_id == case.pk or (item.follow_up_id is None and case.pk == anchor.pk))
            and item.kept_until < horizon
        ]
        rows.append(Row(case, items))
    return rows
