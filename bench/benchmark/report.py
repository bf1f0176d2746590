"""The results: where and on what they were measured, the figures, the ratios, the issue's targets; JSON and Markdown.

Ratios: *×floor* is a target's median over the floor's median for the same user in the same run; *×base* (with
``--compare``) is its median over the same target's median in the earlier result (the demo size), matched by role
and name, and *Δq* the difference in queries.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

import django
from django.apps import apps
from django.db import connection
from django.utils import timezone

from bench.benchmark import targets as t

# The targets (11).
FLOOR_LIMIT = 3.0
SIZE_LIMIT = 1.2

# The tables whose size the result records: (label, "app.Model").
MAIN_TABLES = (
    ("municipalities", "koordinator.Municipality"),
    ("organisations", "koordinator.Organisation"),
    ("users", "koordinator.User"),
    ("service users", "koordinator.ServiceUser"),
    ("cases", "koordinator.FollowUp"),
    ("consents", "koordinator.Consent"),
    ("log entries", "koordinator.FollowUpEntry"),
    ("appointments", "koordinator.Appointment"),
    ("absences", "koordinator.Absence"),
    ("notifications", "koordinator.Notification"),
    ("access events", "koordinator.AccessEvent"),
    ("plans", "plans.Plan"),
    ("plan steps", "plans.Step"),
    ("crisis plans", "plans.CrisisPlan"),
    ("groups", "meetings.Group"),
    ("meetings", "meetings.Meeting"),
    ("minutes", "meetings.Minutes"),
    ("action items", "meetings.ActionItem"),
)
HISTORY_APPS = ("koordinator", "plans", "meetings")


# --- where and on what ----------------------------------------------------------------------------------------


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict:
    return {
        "host": platform.node(),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def code() -> dict:
    """The commit measured, and whether the working tree had changes on top of it."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    return {"commit": commit or None, "changed": bool(git("status", "--porcelain", "--untracked-files=no"))}


def database() -> dict:
    vendor = connection.vendor
    version = ""
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    elif vendor == "sqlite":
        version = sqlite3.sqlite_version
    return {"vendor": vendor, "version": version, "name": Path(str(connection.settings_dict["NAME"])).name}


def row_counts() -> dict[str, int]:
    counts = {label: apps.get_model(name).objects.count() for label, name in MAIN_TABLES}
    counts["history rows (all tables)"] = sum(
        model.objects.count()
        for app in HISTORY_APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__.startswith("Historical")
    )
    return counts


# --- the result ---------------------------------------------------------------------------------------------------


def build(label: str, summaries: list[dict], commands: dict | None, left_out: list[dict], run: dict,
          rows: dict[str, int], base: dict | None = None) -> dict:
    floors = {s["role"]: s["median_ms"] for s in summaries if s["kind"] == t.FLOOR}
    for s in summaries:
        floor = floors.get(s["role"])
        s["ratio_floor"] = round(s["median_ms"] / floor, 2) if floor and s["median_ms"] is not None else None
    if base is not None:
        _compare(summaries, commands, base)
    result = {
        "label": label,
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code(),
        "database": database(),
        "run": run,
        "rows": rows,
        "compared_with": base and {"label": base["label"], "date": base["date"], "rows": base.get("rows", {})},
        "targets": summaries,
        "left_out": left_out,
        "commands": commands,
    }
    result["goals"] = goals(result)
    result["errors"] = [f"{s['role']} {s['name']} {s['url']}: {'; '.join(s['errors']) or s['status']}"
                        for s in summaries if not s["ok"]]
    return result


def _compare(summaries: list[dict], commands: dict | None, base: dict) -> None:
    earlier = {f"{s['role']}/{s['name']}": s for s in base.get("targets", [])}
    for s in summaries:
        other = earlier.get(f"{s['role']}/{s['name']}")
        if other is None or not other.get("median_ms") or s["median_ms"] is None:
            s["base"] = None
            continue
        s["base"] = {
            "median_ms": other["median_ms"],
            "queries": other["queries"],
            "ratio": round(s["median_ms"] / other["median_ms"], 2),
            "queries_diff": s["queries"] - other["queries"],
        }
    if commands and base.get("commands"):
        earlier_rows = {(r["command"], r["case"]): r for r in base["commands"]["rows"]}
        for row in commands["rows"]:
            other = earlier_rows.get((row["command"], row["case"]))
            row["base"] = other and {
                "median_ms": other["median_ms"],
                "queries": other["queries"],
                "ratio": round(row["median_ms"] / other["median_ms"], 2) if other["median_ms"] else None,
                "queries_diff": row["queries"] - other["queries"],
            }


def goals(result: dict) -> list[dict]:
    """The issue's targets, and whether this run meets them."""
    measured = [s for s in result["targets"] if s["kind"] != t.FLOOR and s.get("ratio_floor") is not None]
    over = sorted((s for s in measured if s["ratio_floor"] > FLOOR_LIMIT), key=lambda s: -s["ratio_floor"])
    found = [{
        "goal": f"pages and API ≤ {FLOOR_LIMIT:g}× the floor (median; the target is at demo size)",
        "met": not over,
        "detail": f"{len(measured) - len(over)} of {len(measured)} within"
        + (f"; over: {_names(over, 'ratio_floor')}" if over else ""),
    }]
    if result.get("compared_with"):
        compared = [s for s in result["targets"] if s.get("base")]
        slower = sorted((s for s in compared if s["base"]["ratio"] > SIZE_LIMIT), key=lambda s: -s["base"]["ratio"])
        grew = [s for s in compared if s["base"]["queries_diff"] != 0]
        found.append({
            "goal": f"every target ≤ {SIZE_LIMIT:g}× its time in «{result['compared_with']['label']}» "
                    f"and the same number of queries",
            "met": bool(compared) and not slower and not grew,
            "detail": f"{len(compared) - len(slower)} of {len(compared)} within {SIZE_LIMIT:g}×"
            + (f"; slower: {_names(slower, 'size')}" if slower else "")
            + (f"; queries changed: {_diffs(grew)}" if grew else ""),
        })
    commands = result.get("commands")
    if commands:
        goal = commands["goal"]
        detail = (f"{goal['queries_nothing_due']} queries with nothing due, {goal['queries_after_items']} "
                  f"after {commands['k']} items were done")
        met = goal["constant"]
        if result.get("compared_with"):
            row = next(r for r in commands["rows"] if r["command"] == "run_reminders" and r["case"] == "nothing due")
            if row.get("base"):
                met = met and row["base"]["queries_diff"] == 0
                detail += f"; {row['base']['queries']} in «{result['compared_with']['label']}»"
        found.append({"goal": "run_reminders with nothing due: a constant number of queries", "met": met,
                      "detail": detail})
    return found


def _label(s: dict) -> str:
    return f"{s['role']} {s['name']}"


def _diffs(rows: list[dict]) -> str:
    return ", ".join("{} ({:+d})".format(_label(s), s["base"]["queries_diff"]) for s in rows)


def _names(rows: list[dict], which: str, limit: int = 12) -> str:
    def ratio(s: dict) -> float:
        return s["ratio_floor"] if which == "ratio_floor" else s["base"]["ratio"]

    shown = ", ".join(f"{_label(s)} {ratio(s):.1f}×" for s in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


# --- writing ----------------------------------------------------------------------------------------------------


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _queries(s: dict) -> str:
    if s["queries"] is None:
        return "–"
    return f"{s['queries']} ({s['queries_min']}–{s['queries_max']})" if s["queries_varied"] else str(s["queries"])


def _mark(flag: bool) -> str:
    return "yes" if flag else "**no**"


def heading(result: dict) -> list[str]:
    m, db, run = result["machine"], result["database"], result["run"]
    source = result.get("code") or {}
    tree = f"commit {source.get('commit')}{' with changes' if source.get('changed') else ''}"
    when = datetime.datetime.fromisoformat(result["date"]).strftime("%Y-%m-%d %H:%M")
    rows = ", ".join(f"{label} {count:,}" for label, count in result["rows"].items())
    lines = [
        f"# Benchmark «{result['label']}»",
        "",
        f"{when}, {tree}, {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), {db['vendor']} {db['version']} "
        f"(`{db['name']}`), Python {m['python']}, Django {m['django']}. {run['rounds']} rounds after "
        f"{run['warmup']} warm-up, interleaved (seed {run['seed']}), in-process test client, DEBUG off; "
        f"{run['seconds']:.0f} s; load average {run.get('load_before')} before, {run.get('load_after')} after "
        f"({m['cores']} cores).",
        "",
        f"Rows: {rows}.",
    ]
    if result.get("compared_with"):
        lines += ["", f"Compared with «{result['compared_with']['label']}» ({result['compared_with']['date']})."]
    return lines


def targets_table(result: dict, kinds: tuple[str, ...] = t.KINDS) -> list[str]:
    compare = bool(result.get("compared_with"))
    head = "| Role | Target | Status | Median ms | p90 ms | Queries | ×floor |"
    rule = "|---|---|---|---:|---:|---|---:|"
    if compare:
        head += " Base ms | ×base | Δq |"
        rule += "---:|---:|---:|"
    lines = [head, rule]
    order = {role: i for i, role in enumerate(t.ROLES)}
    rows = sorted((s for s in result["targets"] if s["kind"] in kinds),
                  key=lambda s: (order.get(s["role"], 99), t.KINDS.index(s["kind"]), s["name"]))
    for s in rows:
        status = str(s["status"]) if s["ok"] else f"**{'/'.join(map(str, s['statuses'])) or 'error'}**"
        ratio = "" if s["kind"] == t.FLOOR or s["ratio_floor"] is None else f"{s['ratio_floor']:.1f}"
        if ratio and s["ratio_floor"] > FLOOR_LIMIT:
            ratio = f"**{ratio}**"
        line = (f"| {s['role']} | {s['name']} | {status} | {_ms(s['median_ms'])} | {_ms(s['p90_ms'])} "
                f"| {_queries(s)} | {ratio} |")
        if compare:
            b = s.get("base")
            if b:
                size = f"{b['ratio']:.2f}"
                size = f"**{size}**" if b["ratio"] > SIZE_LIMIT else size
                diff = f"{b['queries_diff']:+d}" if b["queries_diff"] else "0"
                line += f" {_ms(b['median_ms'])} | {size} | {'**' + diff + '**' if b['queries_diff'] else diff} |"
            else:
                line += " – | – | – |"
        lines.append(line)
    return lines


def pivot_table(result: dict, kinds: tuple[str, ...] = (t.FLOOR, t.PAGE, t.PDF)) -> list[str]:
    """One row per target name, one column per role: ×floor and queries (the floor: its median and queries)."""
    roles = [role for role in t.ROLES if role in result["run"].get("roles", t.ROLES)]
    cells: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for s in sorted((s for s in result["targets"] if s["kind"] in kinds), key=lambda s: t.KINDS.index(s["kind"])):
        if s["name"] not in cells:
            cells[s["name"]] = {}
            order.append(s["name"])
        if s["kind"] == t.FLOOR:
            cell = f"{_ms(s['median_ms'])} ms, {s['queries']} q"
        elif s["ratio_floor"] is None:
            cell = "error"
        else:
            ratio = f"{s['ratio_floor']:.1f}×"
            cell = f"{'**' + ratio + '**' if s['ratio_floor'] > FLOOR_LIMIT else ratio}, {s['queries']} q"
        cells[s["name"]][s["role"]] = cell if s["ok"] else f"**{'/'.join(map(str, s['statuses']))}** {cell}"
    lines = ["| Page | " + " | ".join(roles) + " |", "|---|" + "---:|" * len(roles)]
    for name in order:
        lines.append(f"| {name} | " + " | ".join(cells[name].get(role, "") for role in roles) + " |")
    return lines


def commands_table(result: dict) -> list[str]:
    commands = result.get("commands")
    if not commands:
        return []
    compare = bool(result.get("compared_with"))
    head = "| Command | Case | Median ms | p90 ms | Queries | Per item ms | Per item queries |"
    rule = "|---|---|---:|---:|---|---:|---:|"
    if compare:
        head += " Base ms | Base queries |"
        rule += "---:|---:|"
    lines = [head, rule]
    for row in commands["rows"]:
        queries = f"{row['queries']}{' (varied)' if row['queries_varied'] else ''}"
        line = (f"| `{row['command']}` | {row['case']} | {_ms(row['median_ms'])} | {_ms(row['p90_ms'])} | {queries} "
                f"| {_ms(row.get('per_item_ms'))} | {row.get('per_item_queries', '–')} |")
        if compare:
            b = row.get("base")
            line += f" {_ms(b['median_ms'])} | {b['queries']} |" if b else " – | – |"
        lines.append(line)
    return lines


def markdown(result: dict) -> str:
    lines = heading(result)
    lines += ["", "## Targets of issue 11", "", "| Target | Met | Detail |", "|---|---|---|"]
    lines += [f"| {g['goal']} | {_mark(g['met'])} | {g['detail']} |" for g in result["goals"]]
    if result["errors"]:
        lines += ["", "## Errors", ""] + [f"- {error}" for error in result["errors"]]
    lines += ["", "## Pages and PDFs at a glance (×floor, queries)", ""] + pivot_table(result)
    lines += ["", "## Pages and PDFs", ""] + targets_table(result, (t.FLOOR, t.PAGE, t.PDF))
    lines += ["", "## API", ""] + targets_table(result, (t.API_LIST, t.API_DETAIL))
    if result.get("commands"):
        lines += ["", f"## Commands (clock at {result['commands']['clock'][11:16]}, rolled back)", ""]
        lines += commands_table(result)
    if result.get("history"):
        from bench.benchmark.history import table

        h = result["history"]
        lines += ["", f"## FHIR $everything with a long history ({h['role']}, history × {h['scale']}, rolled back)",
                  ""]
        lines += table(h)
    if result["left_out"]:
        left = "; ".join(f"{x['role']} {x['name']} ({x['why']})" for x in result["left_out"])
        lines += ["", f"Not measured (the role may not use them, or sees nothing there): {left}."]
    return "\n".join(lines) + "\n"


def write(result: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"{result['label']}.json", out / f"{result['label']}.md"
    json_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(result))
    return json_path, md_path
