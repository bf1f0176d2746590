"""How the suite is spread over the cores (pytest-xdist, ``-n auto --dist loadgroup``), and what runs where.

Hooks imported by ``tests/conftest.py``.

**Where.** A test that never touches a database (no ``django_db`` mark, no fixture that needs the database) is
marked ``database_free``: it gives the same result on SQLite and PostgreSQL, so ``.ci/run`` runs it once, in
``make test``, and its PostgreSQL run leaves it out (``-m "not database_free"``). A test that starts a program
of its own which uses the database named in ``DATABASE_URL`` must ask for the database (``django_db``), as
``tests/test_migrations.py`` does, so that it runs on both.

**Groups.** Tests that share something expensive and set up once per process run together on one worker:

* ``demo``: the demo checks (``tests/demo``, one committed load for the package) and the browser tests
  (``tests/e2e``, one load and one live server per module). A load after the first copies back the demo the
  process seeded (``tests/shared_demo.py``), so on one worker the demo is seeded once per run, not once per
  module and again on the other worker.
* a module with a module-scoped fixture worth sharing (the OpenAPI schema, generated and validated once; the API
  contract test's demo).

pytest-xdist reads ``@pytest.mark.xdist_group`` by renaming each test's node id in the worker (``name@group``), which
pytest 9 no longer allows (the id is not an attribute xdist can set), so every marked test ran wherever it
happened to land, and each browser-test module's demo was seeded on both workers. The scheduler below therefore
groups by path, in the controller, through xdist's ``pytest_xdist_make_scheduler`` hook; the markers are still
added, for the day xdist reads them again (a renamed ``name@group`` id is honoured as well).

**Order.** xdist hands out the largest groups first, then single tests in collection order; the tests listed in
``HEAVY`` (seconds each: a seed at a fixed hour, a pytest or ``manage.py`` of their own) are
moved to the front, so no worker is left with one of them while the other has finished.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent

# Path prefixes (relative to the project) and the group their tests share, first match wins.
GROUPS: list[tuple[str, str]] = [
    ("tests/demo/", "demo"),
    # The crawler walks every role's pages for minutes: on the other core than the rest of the browser tests,
    # for the price of one more seed there.
    ("tests/e2e/test_crawl.py", "crawl"),
    ("tests/e2e/", "demo"),
    # The generator's and the benchmark's tests start from the demo too: one seed (or its copy) for all of them.
    ("tests/bench/test_generate.py", "demo"),
    ("tests/bench/test_benchmark.py", "demo"),
    # The half-year report's check against the demo's raw rows: the demo's copy, on the same worker.
    ("tests/outcomes/test_report_demo.py", "demo"),
    # The FHIR API's check of bruker1's resources (issue 15): the demo's copy too.
    ("tests/exchange/test_fhir_demo.py", "demo"),
    ("tests/koordinator/test_api_schema.py", "api-schema"),
    # The API contract test: one demo (seeded on a fixed Monday morning) for its few hundred operations and persons.
    ("tests/koordinator/test_api_contract.py", "api-contract"),
    # Backup and restore on PostgreSQL: a seed of its own, pg_dump and two restores into databases of its own.
    ("tests/test_backup_restore.py::test_a_backup_restored", "backup"),
]

# Single tests that each take seconds of their own, run first (path prefixes relative to the project).
HEAVY: list[str] = [
    "tests/meetings/test_api_errors.py::test_bad_bodies",  # 700 requests each, ~22 s
    "tests/koordinator/test_seed_demo.py::test_running_it_twice",  # seed_demo at two fixed hours, ~25 s CPU each
    "tests/koordinator/test_api_errors.py::test_bad_bodies",  # ~7 s each
    "tests/test_clock.py::test_every_test_and_its_fixtures_start_at_the_instant",  # a pytest of its own
    "tests/test_migrations.py",  # migrate from zero in a manage.py of its own
    "tests/test_deploy_check.py",  # manage.py check --deploy
    "tests/test_backup_restore.py::test_a_backup_restored",  # seed_demo, pg_dump, pg_restore twice; ~40 s
]


def group_of(nodeid: str) -> str | None:
    """The group a test (by its node id, relative to the project) runs in, or ``None`` for anywhere."""
    for prefix, group in GROUPS:
        if nodeid.startswith(prefix):
            return group
    return None


# pytest-django's fixtures that give a test the database; a test with none of them (and no django_db mark) has none.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "django_db_setup",
    "live_server",
}


def uses_a_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def _heavy(nodeid: str) -> bool:
    return any(nodeid.startswith(prefix) for prefix in HEAVY)


def _relative(item: pytest.Item) -> str:
    path = Path(str(item.path)).resolve()
    try:
        relative = path.relative_to(ROOT).as_posix()
    except ValueError:
        return item.nodeid
    return relative + item.nodeid[item.nodeid.index("::"):] if "::" in item.nodeid else relative


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Mark each test with its group and whether it is database-free; move the heavy single tests to the front.

    The marks go on first, before ``-m`` selects by them; the order is set last, after pytest-django has put the
    tests that use no database at the end (as Django does). The same in every worker, so they all collect the
    same list.
    """
    marks = config.pluginmanager.hasplugin("xdist")  # the marker exists only with xdist (not under -p no:xdist)
    for item in items:
        group = group_of(_relative(item))
        if group is not None and marks:
            item.add_marker(pytest.mark.xdist_group(group))
        if not uses_a_database(item):
            item.add_marker(pytest.mark.database_free)
    result = yield
    items.sort(key=lambda item: not _heavy(_relative(item)))  # stable: otherwise the order it had
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class GroupsByPath(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = group_of(nodeid)
            if group is not None:
                return f"group:{group}"
            return super()._split_scope(nodeid)

    return GroupsByPath(config, log)
