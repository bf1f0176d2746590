"""Running the generator: one transaction per municipality, resuming where the last run stopped, with a progress
line on stderr and a count of the rows written per table at the end.

A municipality is complete exactly when its row exists: it is written in the same transaction as everything in
it, so an interrupted run (Ctrl-C, a crash) loses at most the municipality it was building, and the next run with
the same ``--seed`` and ``--scale`` skips the complete ones and builds the rest. Each municipality draws from its
own random generator (seeded by the run's seed and its number), so a resumed run writes the same data as one run.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from bench.generate import cases, events, log, meetings, people, plans
from bench.generate.context import Ctx
from bench.generate.plan import MunicipalityPlan, RunPlan
from bench.generate.writer import Sink
from demo.core import PASSWORD, SYSTEM_USERNAME
from koordinator.models import Absence, Appointment, FollowUp, Municipality, ServiceUser, User
from meetings.models import ActionItem, Meeting
from plans.models import Plan, Step

# The demo must be there: the benchmark compares its people's pages with and without the generated data.
DEMO_USERNAMES = ("tillit1", "bruker1", "leder")
CONTENT_TYPES = {"followup": FollowUp, "meeting": Meeting, "step": Step, "actionitem": ActionItem,
                 "absence": Absence, "plan": Plan, "appointment": Appointment}


class GeneratorError(Exception):
    """Something the operator must fix before the generator can run (said in plain Norwegian)."""


@dataclass
class Result:
    built: list[str] = field(default_factory=list)  # municipality numbers built in this run
    skipped: int = 0  # already complete
    remaining: int = 0  # not built yet (``limit``)
    counts: Counter = field(default_factory=Counter)  # rows written per table
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def history_rows(self) -> int:
        return sum(n for table, n in self.counts.items() if "_historical" in table)


class Progress:
    """One line on stderr: municipalities done, rows written, rows per second, and the time left."""

    def __init__(self, stream, total_users: int, municipalities: int):
        self.stream = stream
        self.tty = bool(stream) and getattr(stream, "isatty", lambda: False)()
        self.total_users = max(total_users, 1)
        self.municipalities = municipalities
        self.started = time.monotonic()
        self.shown = 0.0
        self.rows = 0
        self.done = 0
        self.users_done = 0
        self.current_users = 0
        self.current_rows = 0

    def begin(self, plan: MunicipalityPlan) -> None:
        self.current_users, self.current_rows = plan.service_users, 0

    def wrote(self, rows: int) -> None:
        self.rows += rows
        self.current_rows += rows
        now = time.monotonic()
        if self.stream and now - self.shown >= (0.5 if self.tty else 15):
            self.show(now)

    def end(self) -> None:
        self.done += 1
        self.users_done += self.current_users
        self.current_users = self.current_rows = 0
        self.show(time.monotonic())

    def show(self, now: float) -> None:
        if not self.stream:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        per_user = (self.rows - self.current_rows) / self.users_done if self.users_done else 550.0
        partial = min(self.current_rows / max(per_user * self.current_users, 1), 0.99) * self.current_users
        fraction = min((self.users_done + partial) / self.total_users, 1.0)
        left = duration(elapsed * (1 - fraction) / fraction) if fraction >= 0.01 or self.done else "…"
        line = (f"{self.done}/{self.municipalities} kommuner · {number(self.rows)} rader · "
                f"{number(round(self.rows / elapsed))} rader/s · {fraction:.0%} · ferdig om ca. {left}")
        if self.tty:
            self.stream.write(f"\r{line:<100}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} t {seconds % 3600 // 60:02d} min"


class Generator:
    def __init__(self, plan: RunPlan, *, limit: int | None = None, progress_stream=sys.stderr):
        self.plan = plan
        self.limit = limit
        self.progress_stream = progress_stream

    def check_demo(self) -> int:
        """The system user's id; refuses without the demo data."""
        found = set(User.objects.filter(username__in=(*DEMO_USERNAMES, SYSTEM_USERNAME)).values_list("username",
                                                                                                      flat=True))
        if found != {*DEMO_USERNAMES, SYSTEM_USERNAME}:
            raise GeneratorError("Fant ikke demodataene i databasen. Kjør `manage.py seed_demo` først: "
                                 "generatoren legger kommunene sine ved siden av demoen.")
        return User.objects.get(username=SYSTEM_USERNAME).pk

    def done(self) -> set[str]:
        """The numbers of the planned municipalities that are complete; refuses data from another plan."""
        wanted = {m.number: m for m in self.plan.municipalities}
        existing = dict(Municipality.objects.filter(number__in=wanted).values_list("number", "name"))
        for number_, name in existing.items():
            if name != wanted[number_].name:
                raise GeneratorError(
                    f"Kommune {number_} heter «{name}» i databasen, men «{wanted[number_].name}» med dette frøet og "
                    f"denne skalaen. Kjør med samme --seed, --scale og --municipalities som sist, eller bruk en "
                    f"ny database."
                )
        if existing:
            last = max(existing)
            found = ServiceUser.objects.filter(municipality__number=last).count()
            if found != wanted[last].service_users:
                raise GeneratorError(
                    f"Kommune {last} har {found} tjenestemottakere i databasen, men skal ha "
                    f"{wanted[last].service_users} med denne skalaen. Kjør med samme --scale som sist, eller bruk "
                    f"en ny database."
                )
        return set(existing)

    def run(self) -> Result:
        started = time.monotonic()
        system_id = self.check_demo()
        done = self.done()
        todo = [m for m in self.plan.municipalities if m.number not in done]
        result = Result(skipped=len(done))
        if self.limit is not None:
            result.remaining = max(len(todo) - self.limit, 0)
            todo = todo[: self.limit]
        progress = Progress(self.progress_stream, sum(m.service_users for m in todo), len(todo))
        now = timezone.now()
        sink = Sink(now, on_write=progress.wrote)
        today = timezone.localdate()
        password = make_password(PASSWORD)
        content_types = {key: ContentType.objects.get_for_model(model).pk for key, model in CONTENT_TYPES.items()}
        try:
            for municipality in todo:
                progress.begin(municipality)
                ctx = Ctx(self.plan.seed, municipality, sink, today=today, system_id=system_id, password=password,
                          content_types=content_types)
                try:
                    with transaction.atomic():
                        sink.begin()
                        build(ctx)
                        sink.finish()
                except BaseException:
                    for table in sink.tables.values():
                        table.rows.clear()
                        table.hrows.clear()
                    raise
                result.built.append(municipality.number)
                progress.end()
            if result.built:
                sink.analyze()
        finally:
            progress.close()
            result.counts = sink.counts
            result.seconds = time.monotonic() - started
        return result


def build(ctx: Ctx) -> None:
    """Everything in one municipality, in an order where each step has what it points at."""
    cases.plan_statuses(ctx)
    people.build(ctx)
    cases.build(ctx)
    for case in ctx.cases:
        plans.plans(ctx, case)
        plans.crisis_plans(ctx, case)
        meetings.groups(ctx, case)
        log.entries(ctx, case)
        log.appointments(ctx, case)
    events.build(ctx)
