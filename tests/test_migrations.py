"""The migrations: they build the whole schema from an empty database, and they match the models.

The suite makes its test databases straight from the models (``--nomigrations`` in ``pyproject.toml``): running
the migrations costs about 15 s of CPU, which every worker of every run paid before its first test. This is where
they run instead, once, on the kind of database the suite runs on (SQLite for ``make test``, PostgreSQL in CI):
``manage.py migrate`` from zero into a database of its own, then ``migrate --check`` (nothing left unapplied) and
``makemigrations --check`` (no model change without its migration).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection

from tests.commands import manage


def postgres_url(settings: dict, name: str) -> str:
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the kind the suite runs on; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    if connection.vendor != "postgresql":
        pytest.skip(f"no empty {connection.vendor} database to migrate into")
    import psycopg

    settings = connection.settings_dict
    # Named after this worker's test database, so parallel workers and runs do not meet.
    name = f"{connection.settings_dict['NAME']}_migrations"[:63]
    admin = postgres_url(settings, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(settings, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_migrations_build_the_schema_from_zero_and_match_the_models(empty_database):
    for args in (("migrate", "--noinput"), ("migrate", "--check"), ("makemigrations", "--check", "--dry-run")):
        result = manage(*args, DATABASE_URL=empty_database)
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    assert "No changes detected" in result.stdout
