"""The benchmark's FHIR ``$everything`` with a long history (issue 15): it runs on the demo, the bundle grows by the
history it wrote, the queries are the same at both sizes, and the database is left as it was (rolled back).

Not a timed test: nothing here depends on how fast anything was."""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from bench.benchmark import history, report
from bench.benchmark import targets as t
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db

SCALE = 4
LABEL = "test-history"


def every_table() -> dict[str, tuple[int, int | None]]:
    """Rows and the highest id of every table: a row written and deleted again would show in the id."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        manager = model._base_manager
        pk = model._meta.pk
        top = manager.order_by(f"-{pk.attname}").values_list(pk.attname, flat=True).first() if pk.attname else None
        found[model._meta.label] = (manager.count(), top if isinstance(top, int) else None)
    return found


@pytest.fixture(scope="module")
def outcome(request, django_db_setup, django_db_blocker, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-history")
    with django_db_blocker.unblock():
        load_demo(request)
        try:
            before = every_table()
            figures = history.measure_history(t.find_subjects(), scale=SCALE, rounds=2)
            after_step = every_table()
            stdout, error = io.StringIO(), None
            try:
                call_command("benchmark", label=LABEL, out=str(out), rounds=1, warmup=0, roles="tillit1",
                             no_commands=True, command_rounds=1, history_scale=SCALE, stdout=stdout,
                             stderr=io.StringIO())
            except CommandError as exc:
                error = str(exc)
            after_command = every_table()
        finally:
            clear_demo()
    return {"figures": figures, "before": before, "after_step": after_step, "after_command": after_command,
            "stdout": stdout.getvalue(), "error": error, "result": json.loads((out / f"{LABEL}.json").read_text()),
            "vendor": connection.vendor}


def test_both_sizes_answered_and_the_history_is_in_the_bundle(outcome):
    figures = outcome["figures"]
    small, large = figures["rows"]
    assert figures["ok"] and small["ok"] and large["ok"]
    assert figures["role"] == "tillit1" and figures["scale"] == SCALE
    assert small["resources"] > 1, "Kari's demo bundle holds more than her Patient"
    # Each goal and each consent is a resource; the steps, measures, contacts and members are inside others.
    assert large["resources"] == small["resources"] + 2 * SCALE
    assert large["bytes"] > small["bytes"]
    assert small["per_resource_ms"] == pytest.approx(small["median_ms"] / small["resources"], rel=0.01)
    assert figures["ratio_per_resource"] == pytest.approx(large["per_resource_ms"] / small["per_resource_ms"],
                                                          abs=0.01)
    assert figures["added_ms_per_resource"] == pytest.approx(
        (large["median_ms"] - small["median_ms"]) / (2 * SCALE), abs=0.01)


def test_the_queries_are_the_same_at_both_sizes(outcome):
    small, large = outcome["figures"]["rows"]
    assert small["queries"] > 0
    assert small["queries"] == large["queries"]
    assert outcome["figures"]["same_queries"] is True


GROWN = ("plans.Goal", "plans.Step", "plans.Measure", "plans.CrisisContact", "koordinator.Organisation",
         "meetings.GroupMember", "koordinator.Consent")


def test_the_database_is_left_as_it_was(outcome):
    # Every table, the sign-in and the access log included.
    assert outcome["after_step"] == outcome["before"]
    # The command's page visits write what a visit writes (sessions, access events); the long history is gone.
    assert {m: outcome["after_command"][m] for m in GROWN} == {m: outcome["before"][m] for m in GROWN}


def test_the_command_reports_it(outcome):
    assert outcome["error"] is None
    h = outcome["result"]["history"]
    assert h["scale"] == SCALE and h["same_queries"] is True
    assert h["rows"][1]["resources"] == h["rows"][0]["resources"] + 2 * SCALE
    assert "## FHIR $everything with a long history (tillit1, history × 4, rolled back)" in outcome["stdout"]
    assert "Queries at both sizes: the same." in outcome["stdout"]
    assert f"| history × {SCALE} | {h['rows'][1]['resources']} |" in outcome["stdout"]


def test_no_history_measurement_when_the_scale_is_0(outcome):
    assert "FHIR $everything with" in report.markdown(outcome["result"])
    assert "FHIR $everything with" not in report.markdown({**outcome["result"], "history": None})
    with pytest.raises(CommandError, match="--history-scale"):
        call_command("benchmark", history_scale=-1, stdout=io.StringIO(), stderr=io.StringIO())
