"""Visiting the targets: a signed-in test client per role, in-process (no server, no network), interleaved rounds.

Each visit is timed from the request to the last byte of the response (a PDF is built in the view; a streamed
response is read to its end inside the timing) and its database queries are counted. Every round visits every
target once, in an order shuffled with a fixed seed, so slow drift on the machine (another process, the database's
caches) falls on all targets alike rather than on whichever ran last.
"""

from __future__ import annotations

import contextlib
import json
import random
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.benchmark import targets as t

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Visit:
    status: int
    seconds: float
    queries: int
    error: str = ""
    data: object = None  # the parsed JSON, when asked for (the probes read the API lists' first id)


@dataclass
class Figures:
    """One target's rounds."""

    target: t.Target
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, visit: Visit, *, counted: bool) -> None:
        self.statuses.append(visit.status)
        if visit.error:
            self.errors.append(visit.error)
        if counted:
            self.seconds.append(visit.seconds)
            self.queries.append(visit.queries)

    @property
    def ok(self) -> bool:
        return not self.errors and all(status == 200 for status in self.statuses)

    def summary(self) -> dict:
        ms = [s * 1000 for s in self.seconds]
        return {
            "role": self.target.role,
            "name": self.target.name,
            "kind": self.target.kind,
            "url": self.target.url,
            "status": _most_common(self.statuses),
            "statuses": sorted(set(self.statuses)),
            "ok": self.ok,
            "errors": self.errors[:3],
            "rounds": len(ms),
            "median_ms": round(statistics.median(ms), 3) if ms else None,
            "p90_ms": round(p90(ms), 3) if ms else None,
            "queries": statistics.median_low(self.queries) if self.queries else None,
            "queries_min": min(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "queries_varied": bool(self.queries) and min(self.queries) != max(self.queries),
        }


class QueryCount:
    value = 0


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCount]:
    """How many statements a request or a command sends, counted as the query budgets in the tests count them
    (``CaptureQueriesContext``, so ``BEGIN`` and ``COMMIT`` count too): ``with count_queries() as n``, ``n.value``.

    The debug log it reads keeps the last 9,000 statements only, and once full every count would be 0: it starts
    empty for each count and without the limit (a command at national scale may run more than that)."""
    counter = QueryCount()
    connection.ensure_connection()  # the connection's own set-up is not the page's
    saved = connection.queries_log
    connection.queries_log = deque()
    try:
        with CaptureQueriesContext(connection) as queries:
            yield counter
        counter.value = len(queries)
    finally:
        connection.queries_log = saved


def p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _most_common(values: list[int]) -> int | None:
    return max(set(values), key=values.count) if values else None


def _host() -> str:
    """A host name the site accepts (``ALLOWED_HOSTS``): the requests must pass the same checks as real ones."""
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            return "localhost"
        if host and "*" not in host:
            return host.lstrip(".")
    return "localhost"


class Visitor:
    """One signed-in client per role, as if each user had a browser open."""

    def __init__(self, users: dict) -> None:
        self.host = _host()
        self.secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        self.clients: dict[str, Client] = {}
        for role, user in users.items():
            client = Client(raise_request_exception=True, HTTP_HOST=self.host)
            client.force_login(user, backend=LOGIN_BACKEND)
            self.clients[role] = client

    def visit(self, target: t.Target, *, parse_json: bool = False) -> Visit:
        client = self.clients[target.role]
        response, failure = None, ""
        with count_queries() as queries:
            start = time.perf_counter()
            try:
                response = client.get(target.url, secure=self.secure)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                response.close()
            except Exception as exc:  # a view that raises is a finding, not the end of the run
                failure = f"{type(exc).__name__}: {exc}"[:300]
            seconds = time.perf_counter() - start
        if response is None:
            return Visit(500, seconds, queries.value, failure)
        data = None
        if parse_json and response.status_code == 200:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
        error = "" if response.status_code == 200 else f"HTTP {response.status_code} ({response.get('Location', '')})"
        return Visit(response.status_code, seconds, queries.value, error.replace(" ()", ""), data)


# --- the targets of a run -------------------------------------------------------------------------------------


@dataclass
class Matrix:
    targets: list[t.Target]
    # What the probes left out: API endpoints a role may not use (403/404) or sees nothing of.
    left_out: list[dict]
    # The first visit of each target (the probe): a page that fails here is reported as an error.
    probes: dict[str, Figures]


def build_matrix(subjects: t.Subjects, visitor: Visitor, roles: Iterable[str]) -> Matrix:
    """The pages are fixed by role (each must answer 200); the API is probed: every list a role may read, and a
    detail of one object the role can see."""
    roles = list(roles)
    chosen: list[t.Target] = [target for target in t.page_targets(subjects) if target.role in roles]
    probes: dict[str, Figures] = {}
    left_out: list[dict] = []

    def probe(target: t.Target, parse_json: bool = False, record: bool = True) -> Visit:
        visit = visitor.visit(target, parse_json=parse_json)
        if record or visit.status == 200:
            probes.setdefault(target.key, Figures(target)).add(visit, counted=False)
        return visit

    for target in chosen:
        probe(target)
    basenames = t.api_basenames()
    for role in roles:
        me = t.api_me_target(role)
        probe(me)
        chosen.append(me)
        for basename in basenames:
            listing = t.api_list_target(role, basename)
            visit = probe(listing, parse_json=True)
            if visit.status != 200:
                probes.pop(listing.key)
                left_out.append({"role": role, "name": listing.name, "why": f"HTTP {visit.status}"})
                continue
            chosen.append(listing)
            if not t.has_detail(basename):
                continue
            detail = _detail_for(role, basename, subjects, visit.data, probe)
            if detail is None:
                left_out.append({"role": role, "name": f"api {basename.removeprefix('api-')} detail",
                                 "why": "nothing visible to this role"})
            else:
                chosen.append(detail)
    return Matrix(chosen, left_out, probes)


def _detail_for(role: str, basename: str, subjects: t.Subjects, listing: object,
                probe: Callable[..., Visit]) -> t.Target | None:
    """Kari's object if the role may open it, else the first in the role's own list, else nothing."""
    preferred = subjects.api_objects.get(basename)
    if preferred is not None:
        target = t.api_detail_target(role, basename, preferred.pk)
        if probe(target, record=False).status == 200:  # else the gate hides it: not an error
            return target
    results = listing.get("results", []) if isinstance(listing, dict) else listing or []
    first = results[0].get("id") if results and isinstance(results[0], dict) else None
    if first is None:
        return None
    target = t.api_detail_target(role, basename, first)
    probe(target)
    return target


# --- the rounds --------------------------------------------------------------------------------------------------


def run_rounds(visitor: Visitor, matrix: Matrix, *, rounds: int, warmup: int, seed: int,
               progress: Callable[[str], None] | None = None) -> dict[str, Figures]:
    """Warm-up rounds (statuses checked, times dropped), then the measured rounds; the same shuffle each run."""
    figures = {target.key: Figures(target) for target in matrix.targets}
    for key, probed in matrix.probes.items():  # a probe that failed is an error of the run
        if key in figures and not probed.ok:
            figures[key].errors.extend(probed.errors or [f"HTTP {probed.statuses[0]}"])
            figures[key].statuses.extend(probed.statuses)
    rng = random.Random(seed)
    order = list(matrix.targets)
    total = warmup + rounds
    for number in range(total):
        rng.shuffle(order)
        started = time.perf_counter()
        for target in order:
            figures[target.key].add(visitor.visit(target), counted=number >= warmup)
        if progress:
            what = "oppvarming" if number < warmup else "runde"
            progress(f"{what} {number + 1}/{total}: {len(order)} adresser på {time.perf_counter() - started:.1f} s")
    return figures


def stderr_progress(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
