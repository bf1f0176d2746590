"""The load test's steps that need Python (``bench/loadtest/run`` calls them).

    python -m bench.loadtest.ctl recreate-db [--template]  drop and create the database in DATABASE_URL
    python -m bench.loadtest.ctl save-template             keep the migrated, seeded database for the next run
    python -m bench.loadtest.ctl static-stamp              what collectstatic's result depends on (a hash)
    python -m bench.loadtest.ctl snapshot FILE             the notifications settled before the run
    python -m bench.loadtest.ctl wait-drained --timeout S  until no due notification is waiting; prints the time
    python -m bench.loadtest.ctl verify FILE --now ISO --sms-dir D --email-dir D
    python -m bench.loadtest.ctl counts FILE [--since FILE --seconds S]   rows per table (and what the run added)

Exit status 0 when the step worked, 1 when it did not (the database still had due notifications after the time
limit; the check found a problem).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Exit status of ``recreate-db --template`` when the database was copied from a current template.
FROM_TEMPLATE = 3
ROOT = Path(__file__).resolve().parent.parent.parent


def stamp() -> str:
    """What the migrated, seeded database depends on: the migrations, the demo code, the pinned packages and
    the day (the demo data is laid out around today)."""
    import hashlib

    from django.utils import timezone

    digest = hashlib.sha256(timezone.localdate().isoformat().encode())
    files = [ROOT / "pyproject.toml", *sorted(ROOT.glob("*/migrations/*.py")), *sorted((ROOT / "demo").rglob("*.py"))]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def static_stamp() -> int:
    """A hash of every static file collectstatic would copy (path, size, modification time)."""
    import hashlib

    _setup()
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    print(digest.hexdigest()[:20])
    return 0


def _admin():
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    if not name or not url.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    return psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True), name


def recreate_db(template: bool) -> int:
    """Drop (forcing out any leftover connection) and create the database named in ``DATABASE_URL``. With
    ``template``: as a copy of the database saved by ``save-template`` if that was made today from the same
    migrations and demo code (exit status ``FROM_TEMPLATE``), else empty."""
    from psycopg import sql

    conn, name = _admin()
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            _setup()
            saved = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [f"{name}_template"],
            ).fetchone()
            if saved and saved[0] == stamp():
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(f"{name}_template")))
                return FROM_TEMPLATE
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return 0


def save_template() -> int:
    from psycopg import sql

    _setup()
    current = stamp()
    conn, name = _admin()
    with conn:
        template = sql.Identifier(f"{name}_template")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(template))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(template, sql.Identifier(name)))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(template, sql.Literal(current)))
    return 0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.loadtest.settings")
    import django

    django.setup()


def snapshot(path: Path) -> int:
    _setup()
    from bench.loadtest.check import settled_ids
    from koordinator.models import Notification

    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    path.write_text(json.dumps({"settled_ids": settled_ids(), "last_pk": last}))
    return 0


# What the load test writes: the rows of the tables it grows, to report the write rate of one database.
COUNTED = (
    ("koordinator.FollowUpEntry", "log entries"),
    ("koordinator.HistoricalFollowUpEntry", "log entry history"),
    ("koordinator.AccessEvent", "access events"),
    ("koordinator.HistoricalAccessEvent", "access event history"),
    ("koordinator.Appointment", "appointments"),
    ("koordinator.Absence", "absences"),
    ("koordinator.Notification", "notifications"),
    ("koordinator.HistoricalNotification", "notification history"),
    ("koordinator.DeliveryAttempt", "delivery attempts"),
    ("sessions.Session", "sessions"),
)


def counts(path: Path, since: Path | None, seconds: float | None) -> int:
    _setup()
    from django.apps import apps

    now = {label: apps.get_model(label).objects.count() for label, _ in COUNTED}
    path.write_text(json.dumps(now))
    if since is None:
        return 0
    before = json.loads(since.read_text())
    print("Rows written during the run:")
    for label, what in COUNTED:
        added = now[label] - before.get(label, 0)
        rate = f"  ({added / seconds:.1f}/s)" if seconds else ""
        print(f"  {what:28s} {added:7d}{rate}")
    return 0


def waiting() -> int:
    """Due notifications a sender would still pick up (or has claimed and not yet recorded)."""
    from django.db.models import Q
    from django.utils import timezone

    from koordinator.models import Notification

    now = timezone.now()
    State = Notification.State
    due = (
        Q(state=State.PENDING, due_at__lte=now)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & ~Q(channel=Notification.Channel.LETTER)
    )
    return Notification.objects.filter(due | Q(state=State.SENDING)).count()


def wait_drained(timeout: float) -> int:
    _setup()
    from django.utils import timezone

    deadline = time.monotonic() + timeout
    while True:
        left = waiting()
        if left == 0:
            print(timezone.now().isoformat())
            return 0
        if time.monotonic() > deadline:
            print(f"{left} varsler venter fortsatt etter {timeout:.0f} s", file=sys.stderr)
            print(timezone.now().isoformat())
            return 1
        time.sleep(0.5)


def verify(snapshot_path: Path, now: str, sms_dir: Path, email_dir: Path) -> int:
    _setup()
    from bench.loadtest.check import check, collect, read_deliveries

    snap = json.loads(snapshot_path.read_text())
    facts = collect(snap["settled_ids"])
    outcome = check(facts, read_deliveries(sms_dir, email_dir), datetime.datetime.fromisoformat(now))
    created = sum(1 for n in facts if n.pk > snap["last_pk"])
    sent = sum(outcome.sent.values())
    by_channel = ", ".join(f"{channel} {count}" for channel, count in sorted(outcome.sent.items())) or "none"
    print(f"Notifications checked:        {outcome.checked}  (not settled before the run; {created} written during it)")
    print(f"  sent exactly once:          {sent}  ({by_channel})")
    print(f"  letters waiting for print:  {outcome.letters_waiting}")
    print(f"  not yet due:                {outcome.not_yet_due}")
    print(f"  SMS held for quiet hours:   {outcome.held_for_quiet_hours}")
    print(f"  cancelled before sending:   {outcome.cancelled}")
    print(f"  failed attempts (retried):  {outcome.failed_attempts}")
    print(f"  duplicates:                 {outcome.duplicates}")
    for problem in outcome.problems[:20]:
        print(f"  PROBLEM {problem}")
    if len(outcome.problems) > 20:
        print(f"  … and {len(outcome.problems) - 20} more problems")
    print(f"Exactly-once: {'OK' if outcome.ok else 'FAILED'}")
    return 0 if outcome.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.ctl")
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("recreate-db")
    p.add_argument("--template", action="store_true")
    sub.add_parser("save-template")
    sub.add_parser("static-stamp")
    p = sub.add_parser("snapshot")
    p.add_argument("file", type=Path)
    p = sub.add_parser("wait-drained")
    p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("verify")
    p.add_argument("file", type=Path)
    p.add_argument("--now", required=True)
    p.add_argument("--sms-dir", type=Path, required=True)
    p.add_argument("--email-dir", type=Path, required=True)
    p = sub.add_parser("counts")
    p.add_argument("file", type=Path)
    p.add_argument("--since", type=Path)
    p.add_argument("--seconds", type=float)
    args = parser.parse_args(argv)
    if args.step == "counts":
        return counts(args.file, args.since, args.seconds)
    if args.step == "recreate-db":
        return recreate_db(args.template)
    if args.step == "save-template":
        return save_template()
    if args.step == "static-stamp":
        return static_stamp()
    if args.step == "snapshot":
        return snapshot(args.file)
    if args.step == "wait-drained":
        return wait_drained(args.timeout)
    return verify(args.file, args.now, args.sms_dir, args.email_dir)


if __name__ == "__main__":
    sys.exit(main())
