"""The follow-up log, the reads: entries through the gate, quiet cases, the activity
figures and the case page's «Logg» section. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DateField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import formats, timezone

from koordinator import access
from koordinator.followup_log import links
from koordinator.followup_log.common import (
    ACTIVITY_MONTHS,
    QUIET_STATUSES,
    Kind,
    quiet_days,
)
from koordinator.models import FollowUp, FollowUpEntry, User
from koordinator.timeutil import day_bounds

# --- reading -------------------------------------------------------------------------------------------------


ENTRY_RELATED = ("written_by", "service", "next_appointment", "follow_up__service_user")


def visible_entries(user: User) -> QuerySet:
    """Live entries ``user`` may see, newest first, with what they may see of each link (``followup_log.links``:
    the plan's steps; one extra query per link)."""
    return (
        FollowUpEntry.objects.for_user(user)
        .live()
        .select_related(*ENTRY_RELATED)
        .prefetch_related(*links.prefetches(user))
        .order_by("-started_at", "-pk")
    )


def entries_for_case(user: User, case: FollowUp) -> QuerySet:
    return visible_entries(user).filter(follow_up=case)


def entries_about_me(user: User) -> QuerySet:
    """*Innsyn*: every live entry about the logged-in service user, in all their cases."""
    service_user_id = access.actor_for(user).service_user_id
    if service_user_id is None:
        return FollowUpEntry.objects.none()
    return visible_entries(user).filter(follow_up__service_user_id=service_user_id)


# --- quiet cases -----------------------------------------------------------------------------------------------


@dataclass
class Quiet:
    """How long it is since anyone had contact with the user: since ``since`` (the last contact, or the start
    of the case when there has been none), ``days`` days. ``last_attempt``: a later «tried, but did not meet»."""

    since: datetime.date
    days: int
    never: bool
    last_attempt: datetime.datetime | None = None

    @property
    def is_quiet(self) -> bool:
        return self.days >= quiet_days()


def quiet_key_prefix(case_id: int) -> str:
    return f"followup:{case_id}:quiet:"


def quiet_key(case_id: int, quiet: Quiet) -> str:
    """One reminder per quiet spell: the spell is known by the day it started."""
    return f"{quiet_key_prefix(case_id)}{quiet.since.isoformat()}"


def _quiet(case: FollowUp, last_contact, last_attempt, day: datetime.date) -> Quiet:
    since = timezone.localtime(last_contact).date() if last_contact else case.started_on
    attempt = last_attempt if last_attempt and (last_contact is None or last_attempt > last_contact) else None
    return Quiet(since=since, days=(day - since).days, never=last_contact is None, last_attempt=attempt)


def quiet_info(user: User | None, cases: Iterable[FollowUp], day: datetime.date | None = None) -> dict[int, Quiet]:
    """Time since the last contact for each case that can go quiet (intake, active). One query.

    With ``user`` the entries are read through the gate; ``None`` is for the system (reminders).
    """
    day = day or timezone.localdate()
    cases = [c for c in cases if c.status in QUIET_STATUSES]
    if not cases:
        return {}
    entries = FollowUpEntry.objects.for_user(user) if user is not None else FollowUpEntry.objects.all()
    rows = (
        entries.live()
        .filter(follow_up_id__in=[c.pk for c in cases])
        .order_by()
        .values("follow_up_id")
        .annotate(
            last_contact=Max("started_at", filter=~Q(kind=Kind.NOT_MET)),
            last_attempt=Max("started_at", filter=Q(kind=Kind.NOT_MET)),
        )
    )
    latest = {row["follow_up_id"]: (row["last_contact"], row["last_attempt"]) for row in rows}
    return {c.pk: _quiet(c, *latest.get(c.pk, (None, None)), day) for c in cases}


def mark_quiet(user: User, cases: Iterable[FollowUp], day: datetime.date | None = None) -> None:
    """Set ``case.quiet`` (a :class:`Quiet`, or ``None``) on each case, for *Min arbeidsliste*. One query."""
    cases = list(cases)
    info = quiet_info(user, cases, day)
    for case in cases:
        quiet = info.get(case.pk)
        case.quiet = quiet if quiet is not None and quiet.is_quiet else None


def quiet_case_rows(day: datetime.date | None = None) -> QuerySet:
    """Every quiet case, system-wide, as a queryset (for the reminders, which leave out in the database the cases
    already reminded for their spell), each with ``since`` (the day the spell began), ``last_contact`` and
    ``last_attempt``. The last contact of each open case is one probe of the (follow_up, started_at) index, not an
    aggregate over every entry in the country; ``since`` is compared, so a case is quiet when the day of its last
    contact (or, with none, its start) is at least FOLLOWUP_QUIET_DAYS days ago, as :func:`quiet_info` counts."""
    day = day or timezone.localdate()
    threshold = day - datetime.timedelta(days=quiet_days())
    live = FollowUpEntry.objects.filter(follow_up_id=OuterRef("pk"), archived_at__isnull=True).order_by("-started_at")
    contacts = live.exclude(kind=Kind.NOT_MET)
    return (
        FollowUp.objects.filter(status__in=QUIET_STATUSES)
        .annotate(since=Coalesce(
            # The day in the local time zone, as timezone.localtime(...).date() reads it in _quiet.
            Subquery(contacts.annotate(day=TruncDate("started_at")).values("day")[:1]), "started_on",
            output_field=DateField(),
        ))
        .filter(since__lte=threshold)
        .annotate(
            last_contact=Subquery(contacts.values("started_at")[:1]),
            last_attempt=Subquery(live.filter(kind=Kind.NOT_MET).values("started_at")[:1]),
        )
        .select_related("service_user", "trust_person")
        .order_by("pk")
    )


def quiet_cases(day: datetime.date | None = None) -> list[tuple[FollowUp, Quiet]]:
    """Every quiet case, system-wide. One query, filtered in the database."""
    day = day or timezone.localdate()
    return [(case, _quiet(case, case.last_contact, case.last_attempt, day)) for case in quiet_case_rows(day)]


# --- activity figures -------------------------------------------------------------------------------------------


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class KindRow:
    kind: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Activity:
    """Entries per month by kind. ``contacts`` per month leaves out «tried, but did not meet»."""

    months: list[datetime.date]
    rows: list[KindRow]
    contacts: list[int] = field(default_factory=list)

    @property
    def month_labels(self) -> list[str]:
        return [formats.date_format(m, "b Y") for m in self.months]

    @property
    def total_contacts(self) -> int:
        return sum(self.contacts)

    @property
    def has_any(self) -> bool:
        return any(row.total for row in self.rows)

    @property
    def used_rows(self) -> list[KindRow]:
        """Only the kinds that occur (a short table on a phone)."""
        return [row for row in self.rows if row.total]


def _activity(counts: dict[tuple[datetime.date, str], int], months: list[datetime.date]) -> Activity:
    rows = [KindRow(kind, str(label), [counts.get((m, kind), 0) for m in months]) for kind, label in Kind.choices]
    contacts = [sum(counts.get((m, kind), 0) for kind in Kind.values if kind != Kind.NOT_MET) for m in months]
    return Activity(months=months, rows=rows, contacts=contacts)


def _window(day: datetime.date | None, months: int) -> tuple[list[datetime.date], datetime.datetime]:
    day = day or timezone.localdate()
    starts = [_month_start(day, back) for back in range(months - 1, -1, -1)]
    return starts, day_bounds(starts[0])[0]


def _month_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def activity_for_case(user: User, case: FollowUp, *, months: int = ACTIVITY_MONTHS,
                      day: datetime.date | None = None, entries: QuerySet | None = None) -> Activity:
    """Entries per month by kind for one case, the last ``months`` months (this one included). One query.

    ``entries``: the case's live entries through the gate for ``user``, when the caller has built that queryset
    already (``case_log``), so the gate's conditions are not put together twice."""
    starts, first = _window(day, months)
    if entries is None:
        entries = FollowUpEntry.objects.for_user(user).live().filter(follow_up=case)
    rows = (
        entries.filter(started_at__gte=first)
        .order_by()
        .annotate(month=TruncMonth("started_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict = defaultdict(int)
    for row in rows:
        counts[(_month_of(row["month"]), row["kind"])] += row["n"]
    return _activity(counts, starts)


@dataclass
class WorkerActivity:
    person: User
    activity: Activity


def activity_by_trust_person(user: User, *, months: int = ACTIVITY_MONTHS,
                             day: datetime.date | None = None) -> list[WorkerActivity]:
    """For the leader: entries per month by kind for each trust person in the leader's units (and anyone else
    who wrote in the log of a case in the leader's municipalities), by who wrote them. Two queries."""
    munis = access.actor_for(user).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    from koordinator.selectors import trust_persons_for

    starts, first = _window(day, months)
    rows = (
        FollowUpEntry.objects.for_user(user)
        .live()
        .filter(follow_up__municipality_id__in=munis, started_at__gte=first)
        .order_by()
        .annotate(month=TruncMonth("started_at"))
        .values("written_by_id", "month", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["written_by_id"]][(_month_of(row["month"]), row["kind"])] += row["n"]
    people = User.objects.filter(
        Q(pk__in=trust_persons_for(user).values("pk")) | Q(pk__in=list(counts))
    ).order_by("first_name", "last_name", "username")
    return [WorkerActivity(person, _activity(counts.get(person.pk, {}), starts)) for person in people]


# --- the case page's «Logg» section ------------------------------------------------------------------------------

CASE_PAGE_ENTRIES = 3


@dataclass
class CaseLog:
    """What the case page shows of the log: the latest few entries, the figures, and whether it is quiet."""

    latest: list[FollowUpEntry]
    activity: Activity
    quiet: Quiet | None
    can_write: bool


def _quiet_from_latest(case: FollowUp, latest: list[FollowUpEntry], day: datetime.date | None) -> Quiet | None:
    """``quiet_info`` of ``case`` read off its newest live entries (newest first, through the same gate), when they
    tell it: one of them is a contact (the last contact; a later attempt is among those before it), or they are
    every entry there is. ``None`` when they do not tell (only attempts, and there may be more)."""
    contacts = [entry.started_at for entry in latest if entry.kind != Kind.NOT_MET]
    if not contacts and len(latest) >= CASE_PAGE_ENTRIES:
        return None
    attempts = [entry.started_at for entry in latest if entry.kind == Kind.NOT_MET]
    return _quiet(case, max(contacts, default=None), max(attempts, default=None), day or timezone.localdate())


def case_log(user: User, case: FollowUp, *, can_change: bool, day: datetime.date | None = None) -> CaseLog:
    """Two queries, however long the log (three when the newest entries are all attempts): the latest entries,
    which also tell how long the case has been quiet, and the figures."""
    entries = FollowUpEntry.objects.for_user(user).live().filter(follow_up=case)  # the gate, once for both
    latest = list(entries.select_related("written_by", "service").order_by("-started_at", "-pk")[:CASE_PAGE_ENTRIES])
    quiet = None
    if case.status in QUIET_STATUSES:
        quiet = _quiet_from_latest(case, latest, day)
        if quiet is None:
            quiet = quiet_info(user, [case], day).get(case.pk)
    return CaseLog(
        latest=latest,
        activity=activity_for_case(user, case, day=day, entries=entries),
        quiet=quiet if quiet is not None and quiet.is_quiet else None,
        can_write=can_change,
    )
