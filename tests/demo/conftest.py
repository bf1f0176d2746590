"""The demo world (``manage.py seed_demo``), loaded once for every test in this package.

Seeding takes seconds, so the tests here share one load: it is committed before the package's first test and
flushed after its last, so the tests elsewhere start with an empty database (as the browser tests do). Each test
runs inside its own transaction, rolled back afterwards, so a test that writes (seeding again, sending the outbox,
approving minutes) leaves the demo as it found it for the next one. The load is ``tests/shared_demo.py``'s: the
first in a test process seeds, the browser tests' after it copy the same demo back instead of seeding again.

Tests that need a demo seeded on another day or hour, or an empty database, live outside this package
(``tests/koordinator/test_seed_demo.py``).
"""

from __future__ import annotations

import pytest

from tests.shared_demo import clear_demo, load_demo


@pytest.fixture(scope="package", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()
