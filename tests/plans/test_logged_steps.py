"""The plan's steps in the follow-up log (``plans/logged_steps.py``): the plans app owns the link and plugs it into the
core's log through ``koordinator.followup_log.links``; the core knows no plan and works without it."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import followup_log
from koordinator.followup_log import links
from koordinator.models import FollowUpEntry
from koordinator.toolkit import ServiceError
from plans import services as plan_services
from plans.models import LoggedStep
from tests.conftest import login

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def steps(world):
    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    first, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    second, _ = plan_services.add_step(world.trust_person, goal, what="Søke bostøtte")
    return first, second


def test_an_entry_can_concern_steps_in_the_cases_plan(world, steps):
    step, _second = steps
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[step])
    assert list(entry.steps.all()) == [step]
    assert list(step.log_entries.all()) == [entry]
    # The link is in the history too, with who made it.
    [made] = LoggedStep.history.filter(entry_id=entry.pk)
    assert (made.step_id, made.history_type, made.history_user) == (step.pk, "+", world.trust_person)


def test_changing_the_steps_is_in_both_histories(world, steps):
    first, second = steps
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[first])
    followup_log.update_entry(world.deputy, entry, steps=[second])
    assert list(entry.steps.all()) == [second]
    assert "delmål" in entry.history.latest().history_change_reason
    undone = LoggedStep.history.get(entry_id=entry.pk, step_id=first.pk, history_type="-")
    made = LoggedStep.history.get(entry_id=entry.pk, step_id=second.pk, history_type="+")
    assert undone.history_user == made.history_user == world.deputy
    # The same steps again: nothing to save, nothing in the history.
    before = (entry.history.count(), LoggedStep.history.count())
    followup_log.update_entry(world.deputy, entry, steps=[second])
    assert (entry.history.count(), LoggedStep.history.count()) == before


def test_a_step_from_another_case_is_refused_and_nothing_is_saved(world, steps):
    other_plan = plan_services.create_plan(world.other_trust_person, world.other_case)
    goal = plan_services.add_goal(world.other_trust_person, other_plan, life_area="bolig", text="Noe annet")
    foreign, _ = plan_services.add_step(world.other_trust_person, goal, what="Ikke Karis")
    entries = FollowUpEntry.objects.count()
    with pytest.raises(ServiceError) as error:
        followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[foreign])
    assert error.value.field == "steps"
    assert (FollowUpEntry.objects.count(), LoggedStep.objects.count()) == (entries, 0)


def test_the_form_offers_the_plans_steps_and_the_log_names_them(client, world, steps):
    login(client, world.trust_person)
    url = reverse("followup_entry_create", args=[world.case.pk])
    page = client.get(url).content.decode()
    assert "Delmål i planen" in page and "Ringe boligkontoret" in page
    started = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"kind": Kind.PHONE, "started_at": started, "duration_minutes": "10",
                                 "steps": [steps[0].pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = FollowUpEntry.objects.get()
    assert list(entry.steps.all()) == [steps[0]]
    log = client.get(reverse("followup_log", args=[world.case.pk])).content.decode()
    assert "Delmål: Ringe boligkontoret" in log
    # The case page links to the plan through the plans app's link (koordinator.sections).
    case_page = client.get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    assert reverse("plan_for_case", args=[world.case.pk]) in case_page


@pytest.fixture
def without_links(monkeypatch):
    """The core as it is without the plans app's link."""
    monkeypatch.setattr(links, "_LINKS", {})


def test_the_core_log_works_without_any_link(client, world, steps, without_links):
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, note="Uten plan")
    with pytest.raises(ServiceError):
        followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, steps=[steps[0]])
    login(client, world.trust_person)
    assert "Delmål i planen" not in client.get(reverse("followup_entry_create", args=[world.case.pk])).content.decode()
    assert "Uten plan" in client.get(reverse("followup_log", args=[world.case.pk])).content.decode()
    data = login(APIClient(), world.trust_person).get(f"/api/v1/followup-entries/{entry.pk}/").json()
    assert data["note"] == "Uten plan" and "steps" not in data


# --- the links of databases made before the plans app owned them -------------------------------------------------


class _SchemaEditor:
    """What the data migration uses of a schema editor (SQLite's cannot be opened inside the test's transaction)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migration_moves_the_old_links_from_the_core_with_history(world, steps):
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE)
    module = __import__("plans.migrations.0003_logged_steps", fromlist=["move_links_from_the_core"])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {module.OLD_LINKS} (id integer PRIMARY KEY, followupentry_id bigint NOT NULL, "
                       "step_id bigint NOT NULL)")
        cursor.execute(f"INSERT INTO {module.OLD_LINKS} VALUES (1, %s, %s)", [entry.pk, steps[1].pk])
    module.move_links_from_the_core(apps, _SchemaEditor())
    assert list(entry.steps.all()) == [steps[1]]
    history = LoggedStep.history.get(entry_id=entry.pk)
    assert (history.history_type, history.history_user, history.history_date) == ("+", entry.written_by,
                                                                                  entry.created_at)
    assert module.OLD_LINKS not in connection.introspection.table_names()
    # A new database never had the old table: nothing to do.
    module.move_links_from_the_core(apps, _SchemaEditor())
    assert LoggedStep.objects.count() == 1


# --- dependencies point one way ------------------------------------------------------------------------------------

# The project's wiring lives in the core package and names the apps as strings: the settings (INSTALLED_APPS,
# the schema's enum names) and the URL confs (``include("plans.urls")``). Nothing else in the core may.
WIRING = {"koordinator/settings.py", "koordinator/urls.py", "koordinator/api/urls.py"}
APP_REFERENCE = re.compile(
    r"^\s*(from|import)\s+(plans|meetings)\b"  # an import
    r"|get_model\(\s*[\"'](plans|meetings)[\"']"  # a model by name
    r"|[\"'](plans|meetings)\.[A-Z]\w*[\"']"  # a relation by name ("plans.Step")
    r"|\(\s*[\"'](plans|meetings)[\"']\s*,\s*[\"']\d{4}"  # a migration dependency
    r"|\{%\s*(load|include|extends)\s[^%]*(plans|meetings)",  # a template tag library or template
    re.MULTILINE,
)


def test_the_core_names_no_app():
    found = []
    for path in [*ROOT.glob("koordinator/**/*.py"), *ROOT.glob("templates/koordinator/**/*.html"),
                 ROOT / "templates/base.html", *ROOT.glob("templates/partials/**/*.html")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative in WIRING:
            continue
        for match in APP_REFERENCE.finditer(path.read_text()):
            found.append(f"{relative}: {match.group(0).strip()}")
    assert not found, "\n".join(found)
    # The wiring names the apps only as strings, never by import.
    for relative in WIRING:
        assert not re.search(r"^\s*(from|import)\s+(plans|meetings)\b", (ROOT / relative).read_text(), re.MULTILINE)
