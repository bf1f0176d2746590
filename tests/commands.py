"""``manage.py`` in a program of its own, for the tests that check a command as an operator runs it (the
migrations from zero, ``check --deploy``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, without: Iterable[str] = (), timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
    """Run ``manage.py args`` in the project with this environment, less ``without`` and plus ``env``."""
    environment = {k: v for k, v in os.environ.items() if k not in set(without)}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
