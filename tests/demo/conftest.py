"""The demo world (``manage.py seed_demo``), loaded once for every test in this package.

Seeding takes seconds, so the tests here share one load: it is committed before the package's first test and
flushed after its last, so the tests elsewhere start with an empty database (as the browser tests do). Each test
runs inside its own transaction, rolled back afterwards, so a test that writes (seeding again, sending the outbox,
approving minutes) leaves the demo as it found it for the next one.

Tests that need a demo seeded on another day or hour, or an empty database, live outside this package
(``tests/koordinator/test_seed_demo.py``).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", force=True, verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
