"""`make run` and `make demo`: every manage.py step gets the same SITE_URL as the server, so the links the demo data
and its commands write (notifications, SMS, «Last ned alt om meg») point to the port the demo serves on (a trial with
PORT=8077 found seed_demo's links on :8000)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _manage_lines(target: str, env: dict[str, str]) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    dry = subprocess.run(["make", "-n", target, "PORT=8077"], cwd=ROOT, env=environ, capture_output=True, text=True,
                         check=True).stdout
    # A recipe split over lines with «\» is one command.
    return [line for line in dry.replace("\\\n", " ").splitlines() if "manage.py" in line]


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "SITE_URL='http://127.0.0.1:8077'"),
    ({"SITE_URL": "https://ot.kommune.no"}, "SITE_URL='https://ot.kommune.no'"),
])
@pytest.mark.parametrize("target", ["run", "demo"])
def test_every_manage_step_gets_the_servers_site_url(target, env, expected):
    lines = _manage_lines(target, env)
    steps = {word for line in lines for word in ("migrate", "seed_demo", "runserver") if f"manage.py {word}" in line}
    assert steps == ({"migrate", "seed_demo", "runserver"} if target == "run" else {"migrate", "seed_demo"})
    for line in lines:
        assert expected in line, line
