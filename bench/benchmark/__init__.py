"""The benchmark (issue 11, point 2): every main page, PDF and API endpoint per role against a floor, in one run.

``manage.py benchmark`` (``bench/management/commands/benchmark.py``) calls :func:`run`. The parts:

- ``targets``: what is visited, per demo role, found by the demo's names and in the URLconf;
- ``measure``: the signed-in clients, the probes, the interleaved rounds, medians and p90;
- ``commands``: ``run_reminders`` and ``send_notifications --once``, nothing due and per item, rolled back;
- ``history``: the FHIR ``$everything`` of Kari at demo size and with a long history (issue 15), rolled back;
- ``report``: machine, database, row counts, ratios (×floor, ×base), the issue's targets, JSON and Markdown.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.test.utils import override_settings

from bench.benchmark import commands, history, measure, report
from bench.benchmark import targets as t


@dataclass
class Options:
    label: str
    rounds: int = 20
    warmup: int = 3
    seed: int = 11
    roles: tuple[str, ...] = t.ROLES
    command_rounds: int = 5
    items: int = 20
    with_commands: bool = True
    history_scale: int = history.DEFAULT_SCALE  # 0: no history measurement
    base: dict | None = None


def production_like() -> override_settings:
    """DEBUG off for the run, as in production: no query log, templates without debug information.

    The template engines are rebuilt when ``TEMPLATES`` changes, so they pick up ``debug`` off too; the URLconf is
    the project's plus the floor (``bench/urls.py``), and Django clears its URL caches when it changes."""
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        engine.setdefault("OPTIONS", {})["debug"] = False
    return override_settings(DEBUG=False, TEMPLATES=templates, ROOT_URLCONF="bench.urls")


@contextlib.contextmanager
def quiet_not_found() -> Iterator[None]:
    """No «Not Found» warning per probe: an API detail the gate hides is expected (the table reports every non-200
    of what is measured); a server error is still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 1)
    except OSError:
        return None


def run(options: Options, progress: Callable[[str], None] = measure.stderr_progress) -> dict:
    started = time.perf_counter()
    load_before = _load()
    with production_like(), quiet_not_found(), warnings.catch_warnings():
        # WhiteNoise looks for collected static files when DEBUG is off; the benchmark serves none.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        subjects = t.find_subjects()
        rows = report.row_counts()
        visitor = measure.Visitor({role: subjects.users[role] for role in options.roles})
        matrix = measure.build_matrix(subjects, visitor, options.roles)
        progress(f"{len(matrix.targets)} adresser for {len(options.roles)} roller")
        figures = measure.run_rounds(visitor, matrix, rounds=options.rounds, warmup=options.warmup,
                                     seed=options.seed, progress=progress)
        command_figures = (
            commands.measure_commands(rounds=options.command_rounds, k=options.items, progress=progress)
            if options.with_commands else None
        )
        # Runs as many times as a command measurement (``--command-rounds``), after one visit that is not counted.
        history_figures = (
            history.measure_history(subjects, scale=options.history_scale, rounds=options.command_rounds,
                                    progress=progress)
            if options.history_scale > 0 else None
        )
    run_info = {
        "rounds": options.rounds,
        "warmup": options.warmup,
        "seed": options.seed,
        "roles": list(options.roles),
        "seconds": round(time.perf_counter() - started, 1),
        # Other work on the machine slows every target alike (the rounds are interleaved), but it shows in the
        # absolute figures: the load average (1 minute) before and after the run.
        "load_before": load_before,
        "load_after": _load(),
    }
    summaries = [figures[target.key].summary() for target in matrix.targets]
    result = report.build(options.label, summaries, command_figures, matrix.left_out, run_info, rows, options.base)
    result["history"] = history_figures
    if history_figures and not history_figures["ok"]:
        result["errors"].append(f"{history.ROLE} fhir everything (history) {history_figures['url']}: not 200")
    return result
