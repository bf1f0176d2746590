"""Settings for the load test: production settings (``DEBUG=0`` from the environment) plus two paths.

Production reads everything from the environment, but two things the load test must move are not environment
settings there: where ``collectstatic`` writes (``STATIC_ROOT``, the project's ``staticfiles/``, which other work
in the same tree may use) and where Django's file e-mail backend writes (``EMAIL_FILE_PATH``, unset in
production). Nothing else differs from what ``koordinator.settings`` makes of the environment.
"""

from __future__ import annotations

import os

from koordinator.settings import *  # noqa: F403

STATIC_ROOT = os.environ["LOADTEST_STATIC_ROOT"]
EMAIL_FILE_PATH = os.environ["LOADTEST_EMAIL_DIR"]
