"""Backup and restore (issue 13, point 7): ``scripts/backup`` and ``scripts/restore`` as an operator runs them.

On PostgreSQL: the demo is seeded into the test database and committed, ``scripts/backup`` dumps it and
``scripts/restore`` restores the dump into a new database; then every table of the public schema, listed from
``pg_catalog`` (so the history tables and the third-party ones count, whatever the models say), must hold the
same rows in both (the number, and an MD5 over every row's text in a fixed order), every sequence must stand
where it stood, and the columns, constraints and indexes must be the same. A second restore into the same name is
refused, and ``--replace`` swaps the databases and keeps the old one. The restored databases are dropped
afterwards, also when the test fails; their names come from this worker's test database, so parallel workers
do not meet. On SQLite there is nothing for pg_dump to dump: that test is skipped.

Without a database: the refusals (no file, no checksum, a wrong checksum, a target that exists, a URL that is not
PostgreSQL's) with PostgreSQL's programs replaced by stubs that log their calls, so nothing was created or
restored when the scripts refuse.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.test_migrations import postgres_url

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup"
RESTORE = ROOT / "scripts" / "restore"

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def run(script: Path, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        ["bash", str(script), *map(str, args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


# --- PostgreSQL: a seeded database, dumped and restored, compared table by table ---------------------------------


def snapshot(url: str) -> dict:
    """Everything in the public schema that a restore must bring back, read from the catalog, not the models."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        # The same text for the same value in both databases, whatever the server's defaults.
        for setting in (
            "TimeZone = 'UTC'",
            "DateStyle = 'ISO, YMD'",
            "IntervalStyle = 'postgres'",
            "extra_float_digits = 3",
            "bytea_output = 'hex'",
        ):
            conn.execute(f"SET {setting}")

        def rows(query, *params):
            return [tuple(row) for row in conn.execute(query, params).fetchall()]

        tables = [
            name
            for (name,) in rows(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
                " ORDER BY relname"
            )
        ]
        content = {}
        for table in tables:
            # Every row as text (all its columns), sorted bytewise by that text: the order of every column at once.
            ((count, digest),) = rows(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text COLLATE \"C\"), ''))"
                    " FROM public.{} AS r"
                ).format(sql.Identifier(table))
            )
            content[table] = (count, digest)
        sequences = {}
        for (name,) in rows(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'S'"
            " ORDER BY relname"
        ):
            (state,) = rows(
                sql.SQL("SELECT last_value, is_called FROM public.{}").format(sql.Identifier(name))
            )
            (shape,) = rows(
                "SELECT seqtypid::regtype::text, seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle"
                " FROM pg_sequence WHERE seqrelid = %s::regclass",
                f'public."{name}"',
            )
            sequences[name] = (state, shape)
        return {
            "tables": content,
            "sequences": sequences,
            "columns": rows(
                "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity,"
                " identity_generation FROM information_schema.columns WHERE table_schema = 'public'"
                " ORDER BY table_name, ordinal_position"
            ),
            "constraints": [
                (*row[:-1], expression(row[-1]))
                for row in rows(
                    "SELECT conrelid::regclass::text, conname, contype::text, conkey, confrelid::regclass::text,"
                    " confkey, condeferrable, condeferred, convalidated, pg_get_constraintdef(oid)"
                    " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
                )
            ],
            "indexes": [
                (name, expression(definition))
                for name, definition in rows(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
                )
            ],
            "other_relations": rows(
                "SELECT relname, relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                " AND relkind NOT IN ('r', 'p', 'S', 'i') ORDER BY 1"
            ),
        }


def expression(definition: str) -> str:
    """A constraint's or index's definition without its casts and parentheses, to compare two of them.

    PostgreSQL prints an expression it has parsed again with the casts placed differently: Django's
    ``status IN ('a', 'b')`` is printed as ``(status)::text = ANY ((ARRAY['a'::character varying, …])::text[])``,
    pg_dump writes that, and the restored database prints it as ``… = ANY (ARRAY[('a'::character varying)::text,
    …])``: the same check. The columns, kind, references and flags are compared as they are.
    """
    without = re.sub(r"::[a-z ]+(\[\])?|[()]", " ", definition)
    return " ".join(re.sub(r"([\[\],])", r" \1 ", without).split())


def differences(before: dict, after: dict) -> str:
    """What differs between two snapshots, one line each; empty if nothing."""
    found = []
    for part in before:
        if part in ("tables", "sequences"):
            for name in sorted(set(before[part]) | set(after[part])):
                if before[part].get(name) != after[part].get(name):
                    found.append(
                        f"{part} {name}: {before[part].get(name)} before, {after[part].get(name)} restored"
                    )
        elif before[part] != after[part]:
            missing = [row for row in before[part] if row not in after[part]]
            extra = [row for row in after[part] if row not in before[part]]
            found.append(f"{part}: missing {missing[:5]}, extra {extra[:5]}")
    return "\n".join(found)


def drop_databases(admin_url: str, prefix: str) -> None:
    """Drop every database whose name starts with ``prefix`` (the restored one and the one ``--replace`` kept)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT datname FROM pg_database WHERE left(datname, length(%s)) = %s", (prefix, prefix)
            )
        ]
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_name():
    """A name for the restored database, this worker's own; nothing by that name before or after the test."""
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    admin = postgres_url(settings_dict, "postgres")
    drop_databases(admin, name)
    try:
        yield name
    finally:
        drop_databases(admin, name)


@pytest.mark.xdist_group("backup")
@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="backup and restore are pg_dump and pg_restore, for PostgreSQL only; CI runs this test on PostgreSQL "
    "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)",
)
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_holds_every_row_of_every_table(tmp_path, restored_name):
    call_command("seed_demo", force=True, verbosity=0)  # committed: the test is transactional
    settings_dict = connection.settings_dict
    source = postgres_url(settings_dict, settings_dict["NAME"])
    target = postgres_url(settings_dict, restored_name)
    before = snapshot(source)

    # Not a comparison of empty tables: the demo fills the app's tables, their history and third-party ones.
    filled = {table for table, (count, _) in before["tables"].items() if count}
    assert len(filled) >= 30, sorted(filled)
    assert {
        t
        for t in filled
        if t.startswith(("koordinator_historical", "plans_historical", "meetings_historical"))
    }
    assert {"django_content_type", "auth_permission", "django_session"} <= set(before["tables"])
    assert any(state[0] > 1 for state, _ in before["sequences"].values())

    backup = run(BACKUP, "--dir", tmp_path / "backups", env={"DATABASE_URL": source})
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path / "backups" and re.fullmatch(
        r"koordinator-.+-\d{8}T\d{6}Z\.dump", dump.name
    )
    checksum = Path(f"{dump}.sha256").read_text()
    assert checksum == f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  {dump.name}\n"
    assert dump.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    restore = run(RESTORE, dump, target)
    assert restore.returncode == 0, restore.stderr
    after = snapshot(target)
    assert not (found := differences(before, after)), found
    # The summary counts what is there.
    total = sum(count for count, _ in before["tables"].values())
    assert restore.stdout.splitlines()[-1] == f"{len(before['tables'])} tables, {total} rows"

    # Into the same name again: refused.
    again = run(RESTORE, dump, target)
    assert again.returncode != 0
    assert f"database {restored_name} already exists" in again.stderr
    # --replace: the new copy takes the name, the old one is kept beside it.
    replaced = run(RESTORE, "--replace", dump, target)
    assert replaced.returncode == 0, replaced.stderr
    kept = re.search(r"is kept as (\S+)", replaced.stderr).group(1)
    assert kept.startswith(f"{restored_name}_before_")
    assert not (found := differences(before, snapshot(target))), found
    assert not (found := differences(before, snapshot(postgres_url(settings_dict, kept)))), found


# --- Without a database: what the scripts refuse, before they touch one ----------------------------------------

STUB = """#!/usr/bin/env bash
# A stand-in for PostgreSQL's {program}: logs its call; psql answers the restore's questions.
printf '%s\\n' "{program} $*" >>"$STUB_LOG"
if [ {program} = psql ]; then
    script=$(cat)
    printf '%s\\n' "$script" >>"$STUB_LOG"
    name=
    for arg in "$@"; do case $arg in name=*) name=${{arg#name=}};; esac; done
    case $script in
        *pg_database*) [ "$name" = "$STUB_EXISTING" ] && echo 1 || echo 0 ;;
        *pg_stat_activity*) echo 0 ;;
    esac
fi
exit 0
"""


@pytest.fixture
def stubs(tmp_path):
    """PATH with stubs for pg_dump, pg_restore and psql in front; returns (environment, the log of their calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("pg_dump", "pg_restore", "psql"):
        stub = bin_dir / program
        stub.write_text(STUB.format(program=program))
        stub.chmod(0o755)
    log = tmp_path / "calls.log"
    log.write_text("")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "STUB_LOG": str(log),
        "STUB_EXISTING": "koordinator",
    }
    return env, log


@pytest.fixture
def backup_file(tmp_path):
    dump = tmp_path / "koordinator-koordinator-20261207T020000Z.dump"
    dump.write_bytes(b"PGDMP pretend archive")
    Path(f"{dump}.sha256").write_text(f"{hashlib.sha256(dump.read_bytes()).hexdigest()}  {dump.name}\n")
    return dump


NEW = "postgres://koordinator:hemmelig@db.example:5432/koordinator_drill"
EXISTING = "postgres://koordinator:hemmelig@db.example:5432/koordinator"


def test_restore_refuses_a_file_that_is_not_there(stubs, tmp_path):
    env, log = stubs
    result = run(RESTORE, tmp_path / "missing.dump", NEW, env=env)
    assert result.returncode != 0
    assert f"no such backup file: {tmp_path / 'missing.dump'}" in result.stderr
    assert log.read_text() == ""  # no database was asked anything


def test_restore_refuses_a_file_without_its_checksum(stubs, backup_file):
    env, log = stubs
    Path(f"{backup_file}.sha256").unlink()
    result = run(RESTORE, backup_file, NEW, env=env)
    assert result.returncode != 0
    assert "no checksum file next to the backup" in result.stderr
    assert log.read_text() == ""


def test_restore_refuses_a_file_whose_checksum_does_not_match(stubs, backup_file):
    env, log = stubs
    backup_file.write_bytes(b"PGDMP pretend archive, one byte changed")
    result = run(RESTORE, backup_file, NEW, env=env)
    assert result.returncode != 0
    assert "checksum mismatch" in result.stderr and "nothing restored" in result.stderr
    assert log.read_text() == ""


def test_restore_refuses_a_target_database_that_exists_without_replace(stubs, backup_file):
    env, log = stubs
    result = run(RESTORE, backup_file, EXISTING, env=env)
    assert result.returncode != 0
    assert "database koordinator already exists" in result.stderr and "--replace" in result.stderr
    calls = log.read_text()
    assert f"pg_restore --list {backup_file}" in calls  # the archive was read, then the target looked up
    assert "CREATE DATABASE" not in calls and "RENAME" not in calls
    assert [line for line in calls.splitlines() if line.startswith("pg_restore")] == [
        f"pg_restore --list {backup_file}"
    ]  # nothing restored
    # The password is not on any command line (it goes in PGPASSWORD) nor in the messages.
    assert "hemmelig" not in calls and "hemmelig" not in result.stderr


def test_restore_into_a_new_database_gets_past_the_refusals(stubs, backup_file):
    """The refusals above are refusals: with a name that does not exist, the same file is restored (by the stubs)."""
    env, log = stubs
    result = run(RESTORE, backup_file, NEW, env=env)
    assert result.returncode == 0, result.stderr
    calls = log.read_text()
    assert 'CREATE DATABASE :"name" TEMPLATE template0;' in calls
    assert (
        "pg_restore --no-owner --no-privileges --exit-on-error --dbname=postgresql://koordinator@db.example:5432/"
        "koordinator_drill_restoring_" in calls
    )
    assert 'ALTER DATABASE :"work" RENAME TO :"target";' in calls
    assert "hemmelig" not in calls


def test_the_scripts_refuse_a_database_that_is_not_postgresql(stubs, backup_file, tmp_path):
    env, log = stubs
    sqlite = f"sqlite:///{tmp_path / 'koordinator.sqlite3'}"
    for result in (
        run(BACKUP, "--dir", tmp_path, sqlite, env=env),
        run(BACKUP, "--dir", tmp_path, env=env),  # no URL, no DATABASE_URL
        run(RESTORE, backup_file, sqlite, env=env),
    ):
        assert result.returncode != 0
        assert "not a PostgreSQL database URL" in result.stderr or "no database" in result.stderr
    assert "pg_dump" not in log.read_text() and "CREATE" not in log.read_text()
