"""The leader's «Ring meg» figures (issue 16, point 6): the answer to «phones unanswered for days».

For the months chosen (six, ending with the month in ``?til=YYYY-MM``, default this month), for the leader's
municipalities only: how many asked to be called; how long it took to the **first mark** («Ringt», «Sendt SMS» or
«Fikk ikke svar – prøver igjen»: someone tried), as the median and the 90th percentile; how many are still waiting
unmarked; and the share that escalated (went on to the deputy or the leader because nobody reached the user in time).
The time is **working time** (``settings.WORKING_HOURS`` on working days, as the escalation clock counts it) from
when the call could **first come** (``escalation.slot_start``: the start of the time the user asked for, or the next
working moment), not from the press: a request on Friday evening called back on Monday at 08.30 waited half an hour
of the service's time, not two and a half days; one for «i morgen ettermiddag» is counted from noon the next working
day. A call before that moment (before the office opened, or earlier than asked) waited no working time: it is shown
as «under 1 min», never «0 min».

Per month for the service, and per trust person for the whole period: a request counts for the trust person of its
case (whose user asked), whoever called back. Staff figures: small numbers are shown as they are (no user identities).

One query for the requests (the leader's units, the period: the (unit, requested_at) index) and one for the names.
"""

from __future__ import annotations

import datetime
import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from koordinator import selectors
from koordinator.models import User
from koordinator.timeutil import day_bounds
from reach import callbacks, escalation
from reach.models import CallbackRequest

MONTHS = 6
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def percentile(values: list[datetime.timedelta], share: float) -> datetime.timedelta | None:
    """The nearest-rank percentile (the smallest value with at least ``share`` of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def duration_text(value: datetime.timedelta | None) -> str:
    """«2 t 15 min», «2 t», «35 min», «under 1 min», «–» for none."""
    if value is None:
        return "–"
    if value < datetime.timedelta(minutes=1):  # called before working time began, or at once
        return _("under 1 min")
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    if hours and not minutes:
        return _("%(hours)s t") % {"hours": hours}
    if hours:
        return _("%(hours)s t %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@dataclass
class Figures:
    """One row: the requests of a month, or of a trust person in the period."""

    asked: int = 0
    escalated: int = 0
    waiting: int = 0
    times: list[datetime.timedelta] = field(default_factory=list)

    def add(self, row: dict) -> None:
        self.asked += 1
        if row["escalation_level"]:
            self.escalated += 1
        if row["handled_at"] is None:
            if row["state"] == CallbackRequest.State.OPEN:
                self.waiting += 1
        else:
            first = escalation.slot_start(row["when"], row["requested_at"])
            self.times.append(escalation.working_time_between(first, row["handled_at"]))

    @property
    def median(self) -> datetime.timedelta | None:
        return statistics.median_low(self.times) if self.times else None

    @property
    def p90(self) -> datetime.timedelta | None:
        return percentile(self.times, 0.9)

    @property
    def median_text(self) -> str:
        return duration_text(self.median)

    @property
    def p90_text(self) -> str:
        return duration_text(self.p90)

    @property
    def escalated_share(self) -> str:
        if not self.asked:
            return "–"
        return f"{round(100 * self.escalated / self.asked)} %"


@dataclass
class MonthRow:
    month: datetime.date
    figures: Figures

    @property
    def label(self) -> str:
        return formats.date_format(self.month, "F Y").capitalize()


@dataclass
class PersonRow:
    person: User
    figures: Figures


@dataclass
class LeaderFigures:
    first: datetime.date  # the first day of the first month
    last: datetime.date  # the first day of the last month
    months: list[MonthRow]
    total: Figures
    people: list[PersonRow]
    notice: str = ""

    @property
    def previous(self) -> str:
        return _month_code(_add_months(self.last, -MONTHS))

    @property
    def next(self) -> str | None:
        this_month = _month_of(timezone.localdate())
        if self.last >= this_month:
            return None
        return _month_code(min(_add_months(self.last, MONTHS), this_month))

    @property
    def period_text(self) -> str:
        return _("%(first)s–%(last)s") % {"first": formats.date_format(self.first, "F Y"),
                                          "last": formats.date_format(self.last, "F Y")}


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_code(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_last_month(value: str | None) -> tuple[datetime.date, str]:
    """The last month shown (``?til=2026-11``), and a notice when the value could not be used (this month instead)."""
    this_month = _month_of(timezone.localdate())
    if not value:
        return this_month, ""
    match = _MONTH.match(value.strip())
    try:
        if match is None:
            raise ValueError
        month = datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return this_month, _("Fant ikke måneden «%(value)s». Viser månedene fram til nå.") % {"value": value[:20]}
    if month > this_month or month.year < 2000:
        return this_month, _("Viser månedene fram til nå.")
    return month, ""


def leader_figures(user: User, last_month: datetime.date, notice: str = "") -> LeaderFigures:
    """The figures for the ``MONTHS`` months ending with ``last_month`` in the leader's municipalities."""
    first = _add_months(last_month, -(MONTHS - 1))
    since = day_bounds(first)[0]
    until = day_bounds(_add_months(last_month, 1))[0]
    units = callbacks.leader_unit_ids(user)
    rows = (
        CallbackRequest.objects.for_user(user)
        .filter(unit_id__in=units, requested_at__gte=since, requested_at__lt=until)
        .order_by()
        .values("requested_at", "when", "handled_at", "escalation_level", "state", "case__trust_person_id")
    )
    by_month: dict[datetime.date, Figures] = {_add_months(first, i): Figures() for i in range(MONTHS)}
    by_person: dict[int, Figures] = defaultdict(Figures)
    total = Figures()
    for row in rows:
        month = _month_of(timezone.localtime(row["requested_at"]).date())
        by_month[month].add(row)
        by_person[row["case__trust_person_id"]].add(row)
        total.add(row)
    people = User.objects.filter(
        Q(pk__in=selectors.trust_persons_for(user).values("pk")) | Q(pk__in=list(by_person))
    ).order_by("first_name", "last_name", "username")
    return LeaderFigures(
        first=first,
        last=last_month,
        months=[MonthRow(month, figures) for month, figures in by_month.items()],
        total=total,
        people=[PersonRow(person, by_person.get(person.pk, Figures())) for person in people],
        notice=notice,
    )
