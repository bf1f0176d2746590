"""The national-size generator (``manage.py generate_national``, ``bench/generate/``) at a tiny scale on the test
database, next to the demo: the counts are the plan's, every status appears, every object has its history, the
same seed gives the same data, a run stopped half-way and run again ends with the same data as one run, the demo's
people see exactly what they saw before, and the access gate keeps the generated municipalities and the demo apart.

The clock is frozen: what is overdue, held or coming depends on the day the data is made for.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q

from bench.generate import events
from bench.generate.plan import make_plan
from bench.generate.runner import Generator, GeneratorError
from koordinator.models import (
    AccessEvent,
    Consent,
    FollowUp,
    FollowUpEntry,
    Municipality,
    Notification,
    ServiceUser,
    User,
)
from meetings.models import ActionItem, Group, Meeting, Minutes
from plans.models import CrisisPlan, Measure, Plan, Step
from tests.shared_demo import clear_demo, load_demo

SEED, SCALE, MUNICIPALITIES = 7, 0.0005, 3
NOW = datetime.datetime(2026, 3, 4, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
GENERATED = {"municipality__number__startswith": "9"}


@pytest.fixture(scope="module", autouse=True)
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def generate(limit: int | None = None, seed: int = SEED):
    return Generator(make_plan(seed, SCALE, MUNICIPALITIES), limit=limit, progress_stream=None).run()


def checksum() -> str:
    """What the generated world holds, by names and dates only (ids differ between runs), as a multiset."""
    rows = [
        *User.objects.filter(username__startswith="k9").values_list("username", "first_name", "last_name"),
        *ServiceUser.objects.filter(**GENERATED).values_list("first_name", "last_name", "birth_date",
                                                            "preferred_channel"),
        *FollowUp.objects.filter(**GENERATED).values_list(
            "service_user__first_name", "service_user__last_name", "trust_person__username", "status", "started_on",
            "ended_on"),
        *FollowUpEntry.objects.filter(follow_up__municipality__number__startswith="9").values_list(
            "follow_up__service_user__last_name", "started_at", "kind", "note", "written_by__username"),
        *Notification.objects.filter(generated_notifications()).values_list("subject", "body", "due_at", "state"),
        *Step.objects.filter(goal__plan__follow_up__municipality__number__startswith="9").values_list(
            "what", "due_on", "status"),
        *Minutes.objects.filter(meeting__group__follow_up__municipality__number__startswith="9").values_list(
            "meeting__starts_at", "status", "version"),
        *AccessEvent.objects.filter(service_user__municipality__number__startswith="9").values_list(
            "actor__username", "what", "at"),
    ]
    return hashlib.sha256(repr(sorted(rows, key=repr)).encode()).hexdigest()


def generated_notifications() -> Q:
    return Q(recipient_service_user__municipality__number__startswith="9") | Q(
        recipient_user__username__startswith="k9")


def demo_view() -> dict:
    """What the demo's people see and have: caseloads, notifications, what the gate lets them read."""
    users = {u.username: u for u in User.objects.filter(username__in=["tillit1", "bruker1", "leder", "nav1", "dps1"])}
    return {
        "tillit1 caseload": FollowUp.objects.filter(trust_person=users["tillit1"]).count(),
        "tillit1 notifications": Notification.objects.for_recipient(users["tillit1"]).count(),
        "bruker1 notifications": Notification.objects.for_recipient(users["bruker1"]).count(),
        "leader's cases": FollowUp.objects.for_user(users["leder"]).count(),
        "nav1's people": ServiceUser.objects.for_user(users["nav1"]).count(),
        "dps1's people": ServiceUser.objects.for_user(users["dps1"]).count(),
        "tillit1's entries": FollowUpEntry.objects.for_user(users["tillit1"]).count(),
        "bruker1's access log": AccessEvent.objects.filter(service_user__user=users["bruker1"]).count(),
    }


def test_it_builds_the_planned_world_with_every_status_and_its_history(db, clock):
    before = demo_view()
    plan = make_plan(SEED, SCALE, MUNICIPALITIES)
    result = generate()

    assert result.built == ["9001", "9002", "9003"]
    assert Municipality.objects.filter(number__startswith="9").count() == 3
    users = ServiceUser.objects.filter(**GENERATED)
    assert users.count() == plan.service_users == 50
    assert FollowUpEntry.objects.filter(follow_up__municipality__number__startswith="9").count() == 5000
    su_ids = users.values("pk")
    assert Notification.objects.filter(generated_notifications()).count() == 30 * 50
    assert AccessEvent.objects.filter(service_user__in=su_ids).count() == 50 * 50
    # History is about half of all rows, as at the national size (30 of some 55 million).
    assert 0.5 < result.history_rows / result.rows < 0.6

    def statuses(model, field, **where):
        return set(model.objects.filter(**where).values_list(field, flat=True))

    case = {"follow_up__municipality__number__startswith": "9"}
    assert statuses(FollowUp, "status", **GENERATED) == set(FollowUp.Status.values)
    assert statuses(Plan, "status", **case) == set(Plan.Status.values)
    assert statuses(Step, "status", goal__plan__follow_up__municipality__number__startswith="9") == set(
        Step.Status.values)
    assert statuses(Measure, "decision_status", plan__follow_up__municipality__number__startswith="9") == set(
        Measure.Decision.values)
    assert statuses(Group, "status", **case) == set(Group.Status.values)
    assert statuses(Meeting, "status", group__follow_up__municipality__number__startswith="9") == set(
        Meeting.Status.values)
    assert statuses(Minutes, "status", meeting__group__follow_up__municipality__number__startswith="9") == set(
        Minutes.Status.values)
    assert statuses(ActionItem, "status", group__follow_up__municipality__number__startswith="9") == set(
        ActionItem.Status.values)
    assert statuses(CrisisPlan, "status", service_user__municipality__number__startswith="9") == set(
        CrisisPlan.Status.values)
    assert statuses(Notification, "state", recipient_service_user__in=su_ids) == set(Notification.State.values) - {
        Notification.State.SENDING}
    consents = Consent.objects.filter(owner__municipality__number__startswith="9")
    assert {c.state for c in consents} == {"valid", "future", "expired", "withdrawn"}
    overdue = ActionItem.objects.overdue(NOW.date()).filter(group__follow_up__municipality__number__startswith="9")
    assert overdue.exists()

    # Every generated object has its creation in the history, by someone, at a time that is not in the future.
    for model, where in [(FollowUp, GENERATED), (ServiceUser, GENERATED), (FollowUpEntry, case),
                         (Plan, case), (Group, case), (Notification, {"recipient_service_user__in": su_ids}),
                         (AccessEvent, {"service_user__in": su_ids})]:
        ids = list(model.objects.filter(**where).values_list("pk", flat=True))
        created = model.history.filter(id__in=ids, history_type="+")
        assert created.count() == len(ids), model.__name__
        assert not created.filter(history_date__gt=NOW).exists(), model.__name__
    assert FollowUp.history.filter(id__in=FollowUp.objects.filter(**GENERATED, status="ended").values("pk"),
                                   history_type="~").exists()

    # Caseloads of 10–30 open cases where a municipality has ten or more; every one with a generated person.
    open_cases = FollowUp.objects.filter(**GENERATED).open()
    loads = Counter(open_cases.values_list("municipality__number", "trust_person__username"))
    sizes = Counter(open_cases.values_list("municipality__number", flat=True))
    assert all(name.startswith(f"k{number}.tillit") for number, name in loads)
    assert all(10 <= n <= 30 for (number, _), n in loads.items() if sizes[number] >= 10), loads
    assert any(sizes[number] >= 10 for number in sizes)

    # Every foreign key points at a row (SQLite checks deferred keys only at a commit the test never makes).
    connection.check_constraints()
    assert demo_view() == before


def test_the_same_seed_gives_the_same_data_and_a_resumed_run_the_same_as_one_run(db, clock, monkeypatch):
    demo_only = transaction.savepoint()
    generate()
    one_run = checksum()
    counts = Counter(FollowUpEntry.objects.values_list("follow_up__municipality__number", flat=True))
    transaction.savepoint_rollback(demo_only)

    # Stopped after the first municipality, then run again: the rest is built, nothing twice.
    first = generate(limit=1)
    assert first.built == ["9001"] and first.remaining == 2
    rest = generate()
    assert rest.built == ["9002", "9003"] and rest.skipped == 1
    assert checksum() == one_run
    assert Counter(FollowUpEntry.objects.values_list("follow_up__municipality__number", flat=True)) == counts
    assert generate().built == []  # nothing left to do
    transaction.savepoint_rollback(demo_only)

    # Interrupted half-way through the second municipality: the first is kept, the second leaves no trace.
    real_build = events.build

    def interrupted(ctx):
        if ctx.plan.number == "9002":
            raise KeyboardInterrupt
        real_build(ctx)

    monkeypatch.setattr(events, "build", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate()
    assert set(Municipality.objects.filter(number__startswith="9").values_list("number", flat=True)) == {"9001"}
    assert not User.objects.filter(username__startswith="k9002.").exists()
    monkeypatch.setattr(events, "build", real_build)
    generate()
    assert checksum() == one_run

    # Another seed makes another world, and will not mix with this one.
    with pytest.raises(GeneratorError, match="Kjør med samme"):
        generate(seed=SEED + 1)


def test_the_gate_keeps_the_generated_municipalities_and_the_demo_apart(db, clock):
    generate(limit=1)
    tillit1 = User.objects.get(username="tillit1")
    generated_tp = User.objects.get(username="k9001.tillit1")
    generated_partner = User.objects.filter(username__startswith="k9001.nav").first()
    generated = FollowUp.objects.filter(**GENERATED)
    demo_cases = FollowUp.objects.exclude(**GENERATED)

    assert FollowUp.objects.for_user(generated_tp).exists()
    assert not FollowUp.objects.for_user(generated_tp).filter(pk__in=demo_cases.values("pk")).exists()
    assert not FollowUp.objects.for_user(tillit1).filter(pk__in=generated.values("pk")).exists()
    for reader in (User.objects.get(username="leder"), User.objects.get(username="nav1")):
        assert not ServiceUser.objects.for_user(reader).filter(**GENERATED).exists()
    assert not ServiceUser.objects.for_user(generated_partner).exclude(**GENERATED).exists()
    assert not FollowUpEntry.objects.for_user(tillit1).filter(follow_up__in=generated.values("pk")).exists()


def test_the_command_refuses_a_database_without_the_demo(db):
    User.objects.filter(username="tillit1").update(username="ikke-demo")
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("generate_national", "--scale", "0.0001", verbosity=0)
