"""The process definitions in ``deploy/`` name commands that exist, with options their programs accept.

A renamed management command, a gunicorn option that does not exist or a WSGI path that does not import would
otherwise only show on the day of a deployment.
"""

from __future__ import annotations

import configparser
import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class
from gunicorn.config import Config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SYSTEMD = DEPLOY / "systemd"


def procfile() -> dict[str, str]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text().replace("\\\n", " "))
    return parser


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def command_lines() -> list[tuple[str, list[str]]]:
    """Every command a definition runs, as argv, with shell loops and variables reduced to the plain command."""
    found = []
    for name, line in procfile().items():
        found.append((f"Procfile {name}", line))
    for path in sorted(SYSTEMD.glob("*.service")):
        found.append((path.name, unit(path.name)["Service"]["ExecStart"]))
    for name, service in compose()["services"].items():
        if "command" in service:
            command = service["command"]
            found.append((f"compose {name}", command if isinstance(command, str) else shlex.join(command)))
    argvs = []
    for where, line in found:
        line = re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", line)  # ${PORT:-8000} -> 8000
        line = line.replace("%i", "8001")  # the systemd instance
        line = line.replace("$$", "$")  # compose's escape of a dollar sign
        inner = re.search(r"do (.*?); done", line)  # sh -c 'while true; do …; sleep 300; done'
        if inner:
            # The loop's command: the statement that runs manage.py (the other waits), else the first.
            statements = [part.strip() for part in inner.group(1).split(";")]
            line = next((part for part in statements if "manage.py" in part), statements[0])
        argvs.append((where, shlex.split(line)))
    return argvs


def manage_commands() -> list[tuple[str, list[str]]]:
    return [(where, argv[argv.index("manage.py") + 1:]) for where, argv in command_lines() if "manage.py" in argv]


def gunicorn_commands() -> list[tuple[str, list[str]]]:
    return [(where, argv[1:]) for where, argv in command_lines() if Path(argv[0]).name == "gunicorn"]


def test_every_kind_of_process_is_defined_everywhere():
    assert {"web", "sender", "reminders", "retention", "release"} <= set(procfile())
    assert {"db", "migrate", "web", "sender", "reminders", "retention"} <= set(compose()["services"])
    called = {" ".join(args[:1]) for _, args in manage_commands()}
    assert called == {"migrate", "send_notifications", "run_reminders", "apply_retention"}
    assert len(gunicorn_commands()) == 3  # Procfile, systemd, compose


@pytest.mark.parametrize(("where", "args"), manage_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_manage_py_commands_exist_and_accept_their_options(where, args):
    commands = get_commands()
    assert args[0] in commands, f"{where}: manage.py {args[0]} does not exist"
    command = load_command_class(commands[args[0]], args[0])
    command.create_parser("manage.py", args[0]).parse_args(args[1:])  # exits (SystemExit) on an unknown option


@pytest.mark.parametrize(("where", "args"), gunicorn_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_gunicorn_options_parse_and_the_app_imports(where, args):
    parsed = Config().parser().parse_args(args)
    module, _, name = parsed.args[0].partition(":")
    assert callable(getattr(importlib.import_module(module), name or "application"))


def test_the_timer_starts_the_reminders_every_five_minutes():
    timer = unit("koordinator-reminders.timer")
    assert timer["Timer"]["OnCalendar"] == "*:0/5"
    assert unit("koordinator-reminders.service")["Service"]["Type"] == "oneshot"


def test_the_retention_run_is_each_night_everywhere():
    timer = unit("koordinator-retention.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00" and timer["Timer"]["Persistent"] == "true"
    service = unit("koordinator-retention.service")["Service"]
    assert service["Type"] == "oneshot" and service["ExecStart"].endswith("manage.py apply_retention")
    # Procfile and compose have no scheduler: a loop that sleeps until 02.30, then runs it (never at start-up).
    for where, line in (("Procfile", procfile()["retention"]),
                        ("compose", compose()["services"]["retention"]["command"][-1].replace("$$", "$"))):
        body = re.search(r"do (.*?); done", line).group(1)
        assert body.startswith("sleep $(( ($(date -d 02:30 +%s) - $(date +%s) + 86400) % 86400 ));"), where
        assert body.endswith("python manage.py apply_retention"), where


def test_the_compose_file_passes_every_retention_period_on():
    from retention import periods

    environment = compose()["x-app"]["environment"]
    assert {env for env in periods.ENV.values()} <= set(environment)


def test_the_database_is_the_official_postgresql_image_and_apps_wait_for_migrate():
    services = compose()["services"]
    assert re.fullmatch(r"postgres:1[56]", services["db"]["image"])
    for name in ("web", "sender", "reminders", "retention"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
