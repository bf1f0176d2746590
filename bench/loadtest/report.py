"""Print Locust's figures from its CSV files: requests, failures, median and p95 per request and overall.

    python -m bench.loadtest.report PREFIX [--markdown FILE] [--access-log FILE …] [--cpu FILE]

``PREFIX`` is what was given to ``locust --csv``. With the web processes' access logs (gunicorn's format ending in
the request's time in ms, ``%(M)s``), also the time spent inside the web processes, without the wait for a free
worker; with ``--cpu`` (``bench.loadtest.cpu``), where the CPU went. Exit status 1 if any request failed or none
was made.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def read_stats(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def read_failures(prefix: str) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def rows(stats: list[dict]) -> list[tuple]:
    """(name, requests, failures, median ms, p95 ms, p99 ms, requests/s); the aggregated row last."""
    out = []
    for row in stats:
        name = row["Name"] if row["Type"] else "All requests"
        if row["Name"] == "Aggregated":
            name = "All requests"
        out.append((name, int(row["Request Count"]), int(row["Failure Count"]), row["50%"], row["95%"],
                    row["99%"], float(row["Requests/s"])))
    return sorted(out, key=lambda r: (r[0] == "All requests", r[0]))


def percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0


def server_times(paths: list[Path]) -> list[int]:
    """The last field of every line: gunicorn's ``%(M)s``."""
    times = []
    for path in paths:
        for line in path.read_text().splitlines():
            last = line.rsplit(" ", 1)[-1]
            if last.isdigit():
                times.append(int(last))
    return times


def markdown(table: list[tuple]) -> str:
    lines = ["| Request | Requests | Failures | Median ms | p95 ms | p99 ms | req/s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, count, failures, median, p95, p99, rps in table:
        bold = "**" if name == "All requests" else ""
        lines.append(f"| {bold}{name}{bold} | {count} | {failures} | {median} | {p95} | {p99} | {rps:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.report")
    parser.add_argument("prefix")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    parser.add_argument("--access-log", type=Path, action="append", default=[])
    parser.add_argument("--cpu", type=Path)
    args = parser.parse_args(argv)
    table = rows(read_stats(args.prefix))
    width = max(len(r[0]) for r in table)
    print(f"{'Request':{width}}  {'requests':>8}  {'failures':>8}  {'median':>7}  {'p95':>7}  {'p99':>7}  {'req/s':>6}")
    for name, count, failures, median, p95, p99, rps in table:
        print(f"{name:{width}}  {count:8d}  {failures:8d}  {median:>5}ms  {p95:>5}ms  {p99:>5}ms  {rps:6.1f}")
    if args.markdown:
        args.markdown.write_text(markdown(table) + "\n")
    failures = read_failures(args.prefix)
    for failure in failures[:10]:
        print(f"  FAILED {failure['Method']} {failure['Name']}: {failure['Error']} ({failure['Occurrences']}×)")
    total = table[-1]
    times = server_times(args.access_log)
    if times:
        print(f"Inside the web processes ({len(times)} requests, from their access logs): median "
              f"{percentile(times, 0.5)} ms, p95 {percentile(times, 0.95)} ms, p99 {percentile(times, 0.99)} ms")
    if args.cpu and args.cpu.exists():
        from bench.loadtest.cpu import report

        print(report(args.cpu, total[1]))
    return 0 if total[1] > 0 and total[2] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
