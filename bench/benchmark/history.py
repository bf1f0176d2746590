"""``Patient/{id}/$everything`` of Kari Nordmann (``bruker1``) for ``tillit1``, at her demo size and with a long history
(issue 15: «the bundle of a user with a large history»).

Everything here runs in one transaction that is rolled back at the end, so the measured database is left as it
was: the sign-in (its session and last login) and the visits' access-log rows go with it.

1. *Demo size*: ``rounds`` visits (after one that is not counted) of her ``$everything`` as the demo has it.
2. *Large*: her history grows by ``scale`` of everything the bundle carries, written in bulk with the models' own
   fields (no services, no history rows: the bundle reads neither): goals on her plan, each with an open step, a
   step done and a measure; contacts on her crisis plan; services in her responsibility group and a consent in force
   to each of them. Then the same visits again.

Each goal and each consent is a resource of its own, the steps, measures, contacts and members are inside the
CarePlan and CareTeam resources, so the bundle holds about ``2 × scale`` more resources. The target: the same
number of queries at both sizes, and a time per resource that does not grow (the ratio large/small about 1 or less:
linear in the size of the history, no worse).
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bench.benchmark import measure
from bench.benchmark import targets as t
from koordinator.models import Consent, Organisation
from meetings.models import GroupMember
from plans.models import CrisisContact, Goal, LifeArea, Measure, Step

ROLE = "tillit1"
DEFAULT_SCALE = 1000


class _RollBack(Exception):
    pass


@dataclass
class Size:
    resources: int
    bytes: int
    seconds: list[float]
    queries: list[int]
    statuses: list[int]

    def summary(self, case: str) -> dict:
        median_ms = statistics.median(self.seconds) * 1000
        return {
            "case": case,
            "resources": self.resources,
            "bytes": self.bytes,
            "median_ms": round(median_ms, 3),
            "p90_ms": round(measure.p90([s * 1000 for s in self.seconds]), 3),
            "queries": statistics.median_low(self.queries),
            "queries_varied": min(self.queries) != max(self.queries),
            "per_resource_ms": round(median_ms / self.resources, 4) if self.resources else None,
            "ok": all(status == 200 for status in self.statuses),
        }


def measure_history(subjects: t.Subjects, *, scale: int, rounds: int,
                    progress: Callable[[str], None] | None = None) -> dict:
    """Kari's ``$everything`` for ``tillit1`` at demo size and ``scale`` larger, rolled back."""
    say = progress or (lambda line: None)
    user = subjects.users[ROLE]
    target = t.Target(ROLE, "fhir everything", t.API_DETAIL, reverse("fhir-everything", args=[subjects.service_user.pk]))
    result: dict = {}
    try:
        with transaction.atomic():
            # Signed in inside the transaction too: the session, the last login and its history row go with it.
            visitor = measure.Visitor({ROLE: user})
            small = _visits(visitor, target, rounds)
            say(f"$everything i demostørrelse: {small.resources} ressurser, "
                f"{statistics.median(small.seconds) * 1000:.0f} ms")
            grow(subjects, scale, by=user)
            large = _visits(visitor, target, rounds)
            say(f"$everything med {scale} ganger mer historikk: {large.resources} ressurser, "
                f"{statistics.median(large.seconds) * 1000:.0f} ms")
            result = _result(target, scale, rounds, small.summary("demo size"), large.summary(f"history × {scale}"))
            raise _RollBack
    except _RollBack:
        pass
    return result


def _visit(visitor: measure.Visitor, target: t.Target) -> tuple[int, float, int, bytes]:
    """One visit, timed and counted as ``measure.Visitor.visit`` does, but without closing the response a second
    time: that would fire ``request_finished`` once more outside the test client, whose handler closes a connection
    in a transaction (on PostgreSQL), and the transaction with the long history would be lost with it."""
    client = visitor.clients[target.role]
    with measure.count_queries() as queries:
        start = time.perf_counter()
        response = client.get(target.url, secure=visitor.secure)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - start
    return response.status_code, seconds, queries.value, body


def _visits(visitor: measure.Visitor, target: t.Target, rounds: int) -> Size:
    status, _, _, body = _visit(visitor, target)  # not counted: warms the caches, and tells the size
    try:
        data = json.loads(body) if status == 200 else {}
    except ValueError:
        data = {}
    size = Size(len(data.get("entry", [])) if isinstance(data, dict) else 0, len(body), [], [], [status])
    for _ in range(rounds):
        status, seconds, queries, _ = _visit(visitor, target)
        size.seconds.append(seconds)
        size.queries.append(queries)
        size.statuses.append(status)
    return size


def _result(target: t.Target, scale: int, rounds: int, small: dict, large: dict) -> dict:
    ratio = None
    if small["per_resource_ms"] and large["per_resource_ms"] is not None:
        ratio = round(large["per_resource_ms"] / small["per_resource_ms"], 2)
    added = large["resources"] - small["resources"]
    return {
        "role": target.role,
        "url": target.url,
        "scale": scale,
        "rounds": rounds,
        "rows": [small, large],
        "ratio_per_resource": ratio,
        # What each resource of the long history added: the demo size's fixed cost (the request, the session, the
        # gate) taken out.
        "added_ms_per_resource": round((large["median_ms"] - small["median_ms"]) / added, 4) if added > 0 else None,
        "same_queries": small["queries"] == large["queries"] and not (small["queries_varied"]
                                                                      or large["queries_varied"]),
        "ok": small["ok"] and large["ok"],
    }


# --- the long history ---------------------------------------------------------------------------------------------


def grow(subjects: t.Subjects, n: int, *, by) -> None:
    """``n`` more of everything in Kari's bundle, in bulk: goals (an open step, a step done and a measure each),
    crisis-plan contacts, services in her group with a consent in force to each."""
    plan, case = subjects.plan, subjects.case
    today = timezone.localdate()
    areas = LifeArea.values
    goals = Goal.objects.bulk_create([
        Goal(plan=plan, life_area=areas[i % len(areas)], text=f"Ytelsesmål {i}", order=1000 + i) for i in range(n)])
    Step.objects.bulk_create(
        [Step(goal=goal, what=f"Delmål {i}", due_on=today + datetime.timedelta(days=7 + i % 30))
         for i, goal in enumerate(goals)]
        + [Step(goal=goal, what=f"Gjort {i}", status=Step.Status.DONE, closed_on=today - datetime.timedelta(days=1),
                closed_by=by) for i, goal in enumerate(goals)])
    Measure.objects.bulk_create([
        Measure(plan=plan, service=f"Ytelsestiltak {i}", responsible_organisation=case.unit, extent="2 timer i uka")
        for i in range(n)])
    CrisisContact.objects.bulk_create([
        CrisisContact(crisis_plan=subjects.crisis_plan, order=1000 + i, name=f"Kontakt {i}", phone="+4790000001")
        for i in range(n)])
    services = Organisation.objects.bulk_create([
        Organisation(name=f"Ytelsestjeneste {i}", kind=Organisation.Kind.OTHER, municipality_id=case.municipality_id)
        for i in range(n)])
    GroupMember.objects.bulk_create([
        GroupMember(group=subjects.group, kind=GroupMember.Kind.ORGANISATION, organisation=org, role="samarbeid")
        for org in services])
    Consent.objects.bulk_create([
        Consent(owner=subjects.service_user, grantee_organisation=org, recorded_by=by,
                valid_from=today - datetime.timedelta(days=30), valid_until=today + datetime.timedelta(days=300),
                given_how=Consent.GivenHow.PAPER, scope_plan=True, scope_meetings=True)
        for org in services])


# --- the report ---------------------------------------------------------------------------------------------------


def table(history: dict | None) -> list[str]:
    if not history:
        return []
    lines = ["| Size | Resources | Bytes | Median ms | p90 ms | Queries | ms per resource |",
             "|---|---:|---:|---:|---:|---|---:|"]
    for row in history["rows"]:
        queries = f"{row['queries']}{' (varied)' if row['queries_varied'] else ''}"
        status = "" if row["ok"] else " **not 200**"
        lines.append(f"| {row['case']}{status} | {row['resources']} | {row['bytes']} | {row['median_ms']:.1f} "
                     f"| {row['p90_ms']:.1f} | {queries} | {row['per_resource_ms']} |")
    same = "the same" if history["same_queries"] else "**not the same**"
    lines += ["", f"Queries at both sizes: {same}. Time per resource, large over small: "
                  f"**×{history['ratio_per_resource']}** (about 1 or less: linear in the history, no worse); "
                  f"each resource the history added cost {history['added_ms_per_resource']} ms."]
    return lines
