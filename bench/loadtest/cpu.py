"""Where the CPU went while Locust ran: the web processes, the senders, PostgreSQL, Locust, and the rest.

    python -m bench.loadtest.cpu OUT.json --group web=PID,PID --group senders=PID,PID --group locust=PID \\
        --postgres-db koordinator_load

Samples every half second until SIGTERM, then writes the CPU seconds of each group (a process and all its
descendants; PostgreSQL: the backends serving the database) and of the whole machine, and prints them. The
machine is shared, so "other" (everything else that ran) says how much of it the load test really had.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

import psutil


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _machine_busy() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class Sampler:
    def __init__(self, groups: dict[str, list[int]], database: str | None):
        self.groups = groups
        self.database = database
        self.first: dict[tuple[str, int], float] = {}  # CPU already used when first seen at the start
        self.last: dict[tuple[str, int], float] = {}
        self.started = False

    def _members(self):
        for name, roots in self.groups.items():
            for pid in roots:
                try:
                    root = psutil.Process(pid)
                    yield name, root
                    yield from ((name, child) for child in root.children(recursive=True))
                except psutil.NoSuchProcess:
                    continue
        if self.database:
            marker = f" {self.database} "
            for process in psutil.process_iter(["cmdline"]):
                cmdline = " ".join(process.info["cmdline"] or [])
                if cmdline.startswith("postgres: ") and marker in cmdline:
                    yield "postgresql", process

    def sample(self) -> None:
        for name, process in self._members():
            try:
                used = _cpu(process)
            except psutil.NoSuchProcess:
                continue
            key = (name, process.pid)
            if key not in self.last:
                # Present at the first sample: count only from now. Born later: count all of it.
                self.first[key] = used if not self.started else 0.0
            self.last[key] = used
        self.started = True

    def totals(self) -> dict[str, float]:
        totals = dict.fromkeys([*self.groups, *(["postgresql"] if self.database else [])], 0.0)
        for key, used in self.last.items():
            totals[key[0]] += used - self.first[key]
        return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.cpu")
    parser.add_argument("out", type=Path)
    parser.add_argument("--group", action="append", default=[], help="name=PID,PID")
    parser.add_argument("--postgres-db")
    args = parser.parse_args(argv)
    groups = {}
    for spec in args.group:
        name, _, pids = spec.partition("=")
        groups[name] = [int(p) for p in pids.split(",") if p]
    sampler = Sampler(groups, args.postgres_db)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    wall, busy = time.monotonic(), _machine_busy()
    sampler.sample()
    while not stop:
        time.sleep(0.5)
        sampler.sample()
    wall, busy = time.monotonic() - wall, _machine_busy() - busy
    totals = sampler.totals()
    result = {"wall_s": wall, "machine_busy_s": busy, "cores": psutil.cpu_count(), "groups": totals,
              "other_s": max(busy - sum(totals.values()), 0.0)}
    args.out.write_text(json.dumps(result, indent=1))
    return 0


def report(path: Path, requests: int) -> str:
    data = json.loads(path.read_text())
    wall = data["wall_s"]
    lines = [f"CPU while Locust ran ({wall:.0f} s wall, {data['cores']} cores = {wall * data['cores']:.0f} CPU-s; "
             f"busy {data['machine_busy_s']:.0f} CPU-s):"]
    for name, used in [*data["groups"].items(), ("other processes", data["other_s"])]:
        per = f", {1000 * used / requests:.0f} ms per request" if requests and name in ("web", "postgresql") else ""
        lines.append(f"  {name:16s} {used:6.1f} CPU-s  ({100 * used / wall:.0f}% of one core{per})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
