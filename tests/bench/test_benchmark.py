"""``manage.py benchmark`` (issue 11): one round on the demo, every page answers, the files and ratios are there.

The command runs once for the module (one round, no warm-up, one run of each command measurement) on the demo
(``tests/shared_demo.py``); the tests read what it wrote. It is not a timed test: nothing here depends on how
fast anything was, only on what was measured and how the ratios are computed.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from bench.benchmark import measure, report
from bench.benchmark import targets as t
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db  # the test database is made for marked tests only

LABEL = "test-demo"

# The pages of issue 11, by the role that opens them.
ISSUE_PAGES = {
    ("tillit1", "worklist"),
    ("tillit1", "case"),
    ("tillit1", "person"),
    ("tillit1", "plan"),
    ("tillit1", "follow-up log"),
    ("tillit1", "quick entry"),
    ("tillit1", "meeting"),
    ("tillit1", "minutes"),
    ("tillit1", "crisis plan"),
    ("tillit1", "plan PDF"),
    ("tillit1", "crisis plan PDF"),
    ("tillit1", "minutes PDF"),
    ("bruker1", "Min side"),
    ("leder", "leader overview"),
    ("leder", "activity"),
    ("leder", "coverage"),
    ("leder", "meetings (leader)"),
}


@pytest.fixture(scope="module")
def outcome(request, django_db_setup, django_db_blocker, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    stdout = io.StringIO()
    error = None
    with django_db_blocker.unblock():
        load_demo(request)
        try:
            call_command("benchmark", label=LABEL, out=str(out), rounds=1, warmup=0, command_rounds=1, items=3,
                         stdout=stdout, stderr=io.StringIO())
        except CommandError as exc:
            error = str(exc)
        finally:
            clear_demo()
    return {"out": out, "stdout": stdout.getvalue(), "error": error}


@pytest.fixture(scope="module")
def result(outcome) -> dict:
    return json.loads((outcome["out"] / f"{LABEL}.json").read_text())


def by_key(result: dict) -> dict[tuple[str, str], dict]:
    return {(s["role"], s["name"]): s for s in result["targets"]}


def test_every_target_answered_200(outcome, result):
    assert outcome["error"] is None
    assert result["errors"] == []
    failed = [(s["role"], s["name"], s["statuses"]) for s in result["targets"] if s["statuses"] != [200]]
    assert failed == []


def test_it_measures_every_page_of_the_issue_and_the_api_for_every_role(result):
    measured = by_key(result)
    assert ISSUE_PAGES <= set(measured)
    assert {measured[key]["kind"] for key in ISSUE_PAGES if key[1].endswith("PDF")} == {t.PDF}
    for role in t.ROLES:
        names = {name for r, name in measured if r == role}
        assert "api me" in names
        assert "api follow-up list" in names and "api plan list" in names and "api meeting list" in names
    # Kari's objects for the roles that see them: her case through the API for her trust person and NAV.
    assert measured[("tillit1", "api follow-up detail")]["url"] == measured[("nav1", "api follow-up detail")]["url"]


def test_every_role_has_a_floor_and_every_target_a_ratio_to_it(result):
    measured = by_key(result)
    for role in t.ROLES:
        floor = measured[(role, "floor")]
        assert floor["kind"] == t.FLOOR and floor["status"] == 200 and floor["median_ms"] > 0
        assert floor["queries"] > 0  # the session, the user's roles and the bell's count
    for s in result["targets"]:
        floor = measured[(s["role"], "floor")]["median_ms"]
        assert s["rounds"] == 1
        assert s["ratio_floor"] == round(s["median_ms"] / floor, 2)
        assert s["p90_ms"] == s["median_ms"]  # one round: the same figure


def test_the_markdown_has_every_page_and_the_stdout_is_the_markdown(outcome, result):
    markdown = (outcome["out"] / f"{LABEL}.md").read_text()
    assert outcome["stdout"] == markdown
    for role, name in ISSUE_PAGES:
        assert f"| {role} | {name} | 200 |" in markdown
    assert "## Targets of issue 11" in markdown
    assert [g["goal"].split(" ")[0] for g in result["goals"]] == ["pages", "run_reminders"]


def test_the_commands_are_measured_nothing_due_and_per_item(result):
    rows = {(row["command"], row["case"]) for row in result["commands"]["rows"]}
    for command in ("run_reminders", "send_notifications --once"):
        assert (command, "nothing due") in rows
        assert (command, "nothing due, after 3 items were done") in rows
    per_item = [row for row in result["commands"]["rows"] if row["case"].startswith("per item")]
    assert len(per_item) == 2 and all("per_item_ms" in row for row in per_item)
    sends = next(row for row in per_item if row["command"] == "send_notifications --once")
    assert sends["per_item_queries"] > 0  # three SMS were delivered, and rolled back afterwards


def test_the_result_records_where_it_was_measured(result):
    assert result["database"]["vendor"] in ("sqlite", "postgresql")
    assert result["machine"]["cores"] >= 1
    assert result["rows"]["service users"] > 50
    assert result["run"] == {**result["run"], "rounds": 1, "warmup": 0}


def test_a_comparison_gives_the_size_ratio_and_the_query_difference(result):
    same = report.build("again", copy.deepcopy(result["targets"]), copy.deepcopy(result["commands"]), [],
                        result["run"], result["rows"], base=result)
    assert all(s["base"]["ratio"] == 1.0 and s["base"]["queries_diff"] == 0 for s in same["targets"])
    assert same["goals"][1]["met"] is True

    earlier = copy.deepcopy(result)
    worklist = next(s for s in earlier["targets"] if (s["role"], s["name"]) == ("tillit1", "worklist"))
    worklist["median_ms"] /= 2
    worklist["queries"] -= 3
    slower = report.build("large", copy.deepcopy(result["targets"]), None, [], result["run"], result["rows"],
                          base=earlier)
    row = next(s for s in slower["targets"] if (s["role"], s["name"]) == ("tillit1", "worklist"))
    assert row["base"]["ratio"] == pytest.approx(2.0, abs=0.01) and row["base"]["queries_diff"] == 3
    assert slower["goals"][1]["met"] is False
    assert "tillit1 worklist 2.0×" in slower["goals"][1]["detail"]
    assert "tillit1 worklist (+3)" in slower["goals"][1]["detail"]


def test_a_page_that_does_not_answer_200_is_an_error():
    figures = measure.Figures(t.Target("tillit1", "worklist", t.PAGE, "/arbeidsliste/"))
    figures.add(measure.Visit(200, 0.01, 5), counted=True)
    figures.add(measure.Visit(302, 0.01, 5, "HTTP 302 (/logg-inn/)"), counted=True)
    summary = figures.summary()
    assert summary["ok"] is False and summary["statuses"] == [200, 302]
    built = report.build("x", [summary], None, [], {"rounds": 2, "warmup": 0, "seed": 1, "seconds": 0}, {})
    assert built["errors"] == ["tillit1 worklist /arbeidsliste/: HTTP 302 (/logg-inn/)"]


def test_the_floor_is_not_served_by_the_site():
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    assert Path(t.__file__).parent.parent.joinpath("urls.py").exists()


def test_a_view_that_raises_is_an_error_and_the_run_goes_on(monkeypatch):
    from tests.factories import UserFactory

    visitor = measure.Visitor({"tillit1": UserFactory()})

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(visitor.clients["tillit1"], "get", broken)
    visit = visitor.visit(t.Target("tillit1", "worklist", t.PAGE, "/arbeidsliste/"))
    assert (visit.status, visit.error) == (500, "RuntimeError: boom")
