"""The demo data for the tests that share it (``tests/demo`` and each browser-test module): seeded once a process.

``manage.py seed_demo`` costs about 25 s of CPU, and the suite used to run it for the demo checks and again for
every browser-test module. Now the first :func:`load_demo` in a test process seeds for real and keeps a copy of
the whole database; every later one copies it back, which takes well under a second. The copy is exactly what
``seed_demo`` wrote in this run: every table, history and sequences included.

A copy is only reused within the same Oslo hour (and date) it was made in: the demo is relative to the moment it
is seeded (``tillit3`` is off sick *today*, the 10:00 home visit is past or not yet), so a later hour seeds anew,
as a fresh load always did. Under ``--clock`` every test starts at the same instant, so one seed serves all; there
a copy put back also moves the test's clock on to the moment the seed had finished (a copy takes no time, the seed
took seconds), so no test finds demo data from its future, as after a seed of its own.

The copy is made and put back with the database's own tools: SQLite's backup API (the test database is in
memory), PostgreSQL's ``COPY`` in binary form inside one transaction (foreign keys are checked at its end, as
Django makes them ``DEFERRABLE INITIALLY DEFERRED``), then the sequences are set past the rows, as after a seed.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class _Copy:
    key: tuple
    until: datetime.datetime  # when the seed had finished
    sqlite: sqlite3.Connection | None = None
    tables: list[tuple[str, bytes]] | None = None


_copy: _Copy | None = None


def _key() -> tuple:
    now = timezone.localtime()
    return (connection.vendor, str(connection.settings_dict["NAME"]), now.date(), now.hour)


def refuse_a_real_database() -> None:
    """Loading and flushing the demo wipes the database: make sure it is pytest-django's test database."""
    name = str(connection.settings_dict["NAME"])
    if not (name.startswith("test_") or "memorydb" in name or Path(name).name.startswith("test_")):
        pytest.fail(f"refusing to load demo data into and flush {name!r}: not a test database", pytrace=False)


def load_demo(request: pytest.FixtureRequest) -> None:
    """Fill the test database with the demo, committed (from a fixture, with the database unblocked)."""
    global _copy
    refuse_a_real_database()
    key = _key()
    if _copy is not None and _copy.key == key:
        _restore(_copy)
        _catch_up(request, _copy.until)
        return
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", force=True, verbosity=0)
    _copy = _take(key, timezone.now())


def _catch_up(request: pytest.FixtureRequest, until: datetime.datetime) -> None:
    """Under a test clock, move the clock of the test being set up on to ``until``, if it is not there yet."""
    from tests.conftest import clock_traveller

    item = getattr(request, "_pyfuncitem", None)  # the test whose set-up this is
    traveller = clock_traveller(item) if item is not None else None
    if traveller is not None and timezone.now() < until:
        traveller.move_to(until)


def clear_demo() -> None:
    """Empty the database again, so the tests that come after start from nothing."""
    call_command("flush", interactive=False, verbosity=0)


# --- the copy ---------------------------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _take(key: tuple, until: datetime.datetime) -> _Copy:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return _Copy(key, until, sqlite=copy)
    if connection.vendor == "postgresql":
        tables = []
        with connection.cursor() as cursor:
            for table in _tables():
                name = connection.ops.quote_name(table)
                with cursor.cursor.copy(f"COPY {name} TO STDOUT (FORMAT BINARY)") as copy:
                    tables.append((table, b"".join(bytes(block) for block in copy)))
        return _Copy(key, until, tables=tables)
    return _Copy(key, until)  # another database: no copy, every load seeds


def _restore(copy: _Copy) -> None:
    if copy.sqlite is not None:
        connection.ensure_connection()
        copy.sqlite.backup(connection.connection)
        return
    if copy.tables is None:
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("seed_demo", force=True, verbosity=0)
        return
    from django.apps import apps

    names = [connection.ops.quote_name(table) for table, _ in copy.tables]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY")
        for (_table, data), name in zip(copy.tables, names, strict=True):
            with cursor.cursor.copy(f"COPY {name} FROM STDIN (FORMAT BINARY)") as target:
                target.write(data)
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)
