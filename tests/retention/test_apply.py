"""``apply_retention`` (issue 15, point 3): what has passed its period goes, with its history; the half-year report's
figures stay; an open door, another open case and a legal hold keep everything; the dry run changes nothing; a second
run finds nothing; a run stopped half-way goes on.

The clock: cases started in January 2016 and ended on 2 May 2016 (the door open for three months); the runs happen on
Monday 23 November 2026, more than ten years (the default periods) later."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from koordinator.models import (
    AccessEvent,
    Appointment,
    Consent,
    FollowUp,
    FollowUpEntry,
    NextOfKin,
    Notification,
    ServiceUser,
    SignIn,
    SignInIdentity,
    User,
)
from koordinator.timeutil import at
from meetings.models import ActionItem, AgendaItem, Attendance, GroupMember, Meeting, Minutes
from outcomes import report
from outcomes.models import EndEvaluation, QualityOfLifeRound
from plans.models import CrisisPlan, Goal, LoggedStep, Measure, Plan, PlanRevision, ProgressNote, Step
from retention import engine, kinds, services
from retention.models import LegalHold, Removal, RetentionRun
from tests.retention.helpers import rich_case, traces

pytestmark = pytest.mark.django_db

STARTED = datetime.date(2016, 1, 11)
ENDED = datetime.date(2016, 5, 2)
DOOR = datetime.date(2016, 8, 2)
TODAY = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY, 3), tick=False) as traveller:
        yield traveller


def _old_case(world, letter: str, **kwargs):
    return rich_case(world, started_on=STARTED, ended_on=kwargs.pop("ended_on", ENDED),
                     open_door_until=kwargs.pop("open_door_until", DOOR), username=f"person_{letter}",
                     secret=f"Hemmelig{letter}X", **kwargs)


def _figures(world, period: str = "2016-H1"):
    """The half-year report's tables for the world's municipality, as the leader gets them (no time of making)."""
    scope = report.scope_for(world.leader, "")
    data = report.build(world.leader, scope, report.parse_period(period)[0])
    return data.sections


def _history(model, **lookups) -> int:
    return model.history.filter(**lookups).count()


def _run(dry: bool = False) -> str:
    out = io.StringIO()
    call_command("apply_retention", *(["--dry-run"] if dry else []), stdout=out)
    return out.getvalue()


@override_settings(REPORT_MIN_PERSONS=1)
def test_a_case_ended_longer_ago_than_the_period_loses_its_personal_data_and_history_and_the_figures_stay(world):
    built = [_old_case(world, letter) for letter in "ABCDEF"]
    before = {period: _figures(world, period) for period in ("2016-H1", "2016-H2")}
    entries = FollowUpEntry.objects.count()
    assert traces("HemmeligAX"), "the case holds personal data before the run"

    output = _run()

    for letter, _b in zip("ABCDEF", built, strict=True):
        assert traces(f"Hemmelig{letter}X") == {}, f"person {letter}: personal text left after the run"
    case, person, account = built[0].case, built[0].person, built[0].account
    # History rows: gone with the rows they describe; the case's status history stays, without its notes.
    for model, lookups in (
        (FollowUpEntry, {"follow_up": case}), (Appointment, {"follow_up": case}), (Plan, {"follow_up": case}),
        (Goal, {"plan__follow_up": case}), (Step, {"goal__plan__follow_up": case}),
        (Measure, {"plan__follow_up": case}), (ProgressNote, {"plan__follow_up": case}),
        (PlanRevision, {"plan__follow_up": case}), (LoggedStep, {"step__goal__plan__follow_up": case}),
        (Meeting, {"group__follow_up": case}), (Attendance, {"meeting__group__follow_up": case}),
        (AgendaItem, {"meeting__group__follow_up": case}), (Minutes, {"meeting__group__follow_up": case}),
        (ActionItem, {"group__follow_up": case}), (GroupMember, {"group__follow_up": case}),
        (EndEvaluation, {"follow_up": case}), (QualityOfLifeRound, {"follow_up": case}),
        (CrisisPlan, {"service_user": person}), (AccessEvent, {"service_user": person}),
        (NextOfKin, {"service_user": person}), (Consent, {"owner": person}), (ServiceUser, {"id": person.pk}),
        (User, {"id": account.pk}), (SignInIdentity, {"user": account}),
        (Notification, {"recipient_service_user": person}),
    ):
        assert _history(model, **lookups) == 0, f"{model.__name__}: history rows left"
    statuses = list(FollowUp.history.filter(id=case.pk).order_by("history_date").values_list("status", flat=True))
    assert statuses[0] == FollowUp.Status.ACTIVE and statuses[-1] == FollowUp.Status.ENDED
    assert not FollowUp.history.filter(id=case.pk).exclude(referral_note="", ending_note="", user_notice="",
                                                           history_change_reason="").exists()
    # What the report counts stays, anonymised; the rest is gone.
    assert FollowUpEntry.objects.count() == entries
    assert sorted(FollowUpEntry.objects.filter(follow_up=case).values_list("place", flat=True)) == \
        sorted(["Hjemme hos brukeren", "kontoret", "Annet sted", "", "Hjemme hos brukeren", "Annet sted", "Annet sted"])
    assert not Minutes.objects.filter(meeting__group__follow_up=case).exists()
    assert not CrisisPlan.objects.filter(service_user=person).exists()
    assert not AccessEvent.objects.filter(service_user=person).exists()
    assert not SignIn.objects.filter(user=account).exists()
    person.refresh_from_db()
    account.refresh_from_db()
    assert (person.first_name, person.last_name, person.user_id, person.phone, person.birth_date) == \
        ("Slettet", "", None, "", None)
    assert not account.is_active and account.username == f"slettet-{account.pk}" and not account.has_usable_password()
    # The figures of the half-years the cases were in are the same.
    assert {period: _figures(world, period) for period in ("2016-H1", "2016-H2")} == before
    # The run is recorded with its counts, per kind, and names no one.
    run = RetentionRun.objects.get()
    assert not run.dry_run and run.finished_at is not None
    assert run.counts["cases"] == 6 and run.counts["persons"] == 6
    assert {key for key in run.counts["total"]} == {kind.key for kind in kinds.all_kinds()}
    assert run.counts["municipalities"][str(world.municipality.pk)]["plan"]["rows"] > 0
    assert Removal.objects.filter(follow_up=case).count() == len(kinds.case_kinds())
    assert Removal.objects.filter(service_user=person, follow_up__isnull=True).count() == len(kinds.person_kinds())
    assert f"Sak {case.pk}, avsluttet 02.05.2016" in output
    assert "Hemmelig" not in output and "person_A" not in output


def _untouched(letter: str, case) -> None:
    assert traces(f"Hemmelig{letter}X"), f"person {letter} lost personal data"
    assert _history(FollowUpEntry, follow_up=case) > 0
    assert not Removal.objects.filter(follow_up=case).exists()


@override_settings(RETENTION_PERIODS={key: "100d" for key in ("followup_log", "plan", "minutes", "crisis_plan",
                                                                 "access_log")})
def test_a_case_in_its_open_door_period_is_untouched(world):
    ended = datetime.date(2026, 6, 1)  # + 100 days: 9 September, long gone by 23 November
    door_open = _old_case(world, "A", ended_on=ended, open_door_until=datetime.date(2026, 12, 31))
    _old_case(world, "B", ended_on=ended, open_door_until=datetime.date(2026, 9, 1))

    _run()

    _untouched("A", door_open.case)
    assert traces("HemmeligBX") == {}
    items = engine.assess(engine.load([door_open.person.pk])[door_open.person.pk], TODAY)
    assert {item.state for item in items} == {engine.OPEN_DOOR}
    # The door closes on 31 December; the data goes from 1 January.
    assert {item.due_on for item in items if item.follow_up_id} == {datetime.date(2027, 1, 1)}
    with time_machine.travel(at(datetime.date(2027, 1, 1), 3), tick=False):
        _run()
    assert traces("HemmeligAX") == {}


def test_a_person_with_another_open_case_is_untouched(world):
    old = _old_case(world, "A")
    rich_case(world, started_on=datetime.date(2026, 9, 1), ended_on=None, person=old.person)
    other = _old_case(world, "B")

    _run()

    _untouched("A", old.case)
    assert traces("HemmeligBX") == {}, "the other person's old case went"
    person = engine.load([old.person.pk])[old.person.pk]
    assert {item.state for item in engine.assess(person, TODAY)} == {engine.OTHER_CASE}
    assert other.case.pk not in {item.follow_up_id for item in engine.assess(person, TODAY)}


def test_a_legal_hold_on_the_case_or_the_person_keeps_everything_until_it_is_lifted(world):
    on_case = _old_case(world, "A")
    on_person = _old_case(world, "B")
    case_hold = services.place_hold(world.leader, follow_up=on_case.case, reason="Klagesak hos Statsforvalteren")
    person_hold = services.place_hold(world.admin, service_user=on_person.person, reason="Rettssak")

    _run()

    _untouched("A", on_case.case)
    _untouched("B", on_person.case)
    assert AccessEvent.objects.filter(service_user=on_case.person).exists(), "the person's own kinds wait too"

    services.lift_hold(world.leader, case_hold, reason="Klagen er avgjort")
    _run()
    assert traces("HemmeligAX") == {}
    _untouched("B", on_person.case)
    assert LegalHold.history.filter(id=case_hold.pk).count() == 2  # placed, lifted
    assert person_hold.in_force


def test_the_dry_run_lists_what_would_go_and_changes_nothing(world):
    built = _old_case(world, "A")
    counts = {model: (model.objects.count(), model.history.count())
              for model in (FollowUpEntry, FollowUp, Plan, Goal, Minutes, CrisisPlan, AccessEvent, ServiceUser, User)}

    output = _run(dry=True)

    assert {model: (model.objects.count(), model.history.count()) for model in counts} == counts
    assert traces("HemmeligAX"), "nothing personal went"
    assert not Removal.objects.exists()
    run = RetentionRun.objects.get()
    assert run.dry_run and run.counts["cases"] == 1 and run.counts["total"]["followup_log"]["rows"] >= 7
    assert f"Sak {built.case.pk}, avsluttet 02.05.2016: Varsler om saken:" in output
    assert f"Person {built.person.pk}, siste sak avsluttet 02.05.2016: Kriseplan:" in output
    assert "Hemmelig" not in output and built.person.last_name not in output
    assert "Prøvekjøring: 1 saker og 1 personer" in output
    # What the dry run counted is what the real run does (a history row two kinds share, such as a message to the
    # person about their plan, the dry run counts under both).
    _run()
    real = RetentionRun.objects.filter(dry_run=False).get().counts["total"]
    assert {key: c["rows"] for key, c in real.items()} == {key: c["rows"] for key, c in run.counts["total"].items()}
    assert all(real[key]["history"] <= c["history"] for key, c in run.counts["total"].items())


def test_a_second_run_finds_nothing(world):
    _old_case(world, "A")
    _run()
    counts = {model: (model.objects.count(), model.history.count())
              for model in (FollowUpEntry, FollowUp, Plan, Goal, ServiceUser, User, Notification)}
    removals = Removal.objects.count()

    output = _run()

    assert "Ferdig: 0 saker og 0 personer; 0 rader og 0 historikkrader" in output
    assert {model: (model.objects.count(), model.history.count()) for model in counts} == counts
    assert Removal.objects.count() == removals
    assert engine.candidates(TODAY) == []


def test_a_run_stopped_half_way_goes_on_where_it_stopped(world, monkeypatch):
    first = _old_case(world, "A")
    second = _old_case(world, "B")
    calls = []
    original = kinds.Kind.apply

    def apply(self, target):
        if self.key == "plan":
            calls.append(target)
            if len(calls) == 2:
                raise RuntimeError("the machine went down")
        return original(self, target)

    monkeypatch.setattr(kinds.Kind, "apply", apply)
    with pytest.raises(RuntimeError):
        _run()
    # The first case went in its own transaction; the second case's transaction was undone whole (its notifications
    # too, which went before its plan).
    assert Removal.objects.filter(follow_up=first.case).count() == len(kinds.case_kinds())
    _untouched("B", second.case)
    assert Notification.objects.filter(about_id=second.case.pk, subject__contains="HemmeligBX").exists()

    monkeypatch.setattr(kinds.Kind, "apply", original)
    _run()
    assert traces("HemmeligAX") == {} and traces("HemmeligBX") == {}


@override_settings(RETENTION_PERIODS={"followup_log": "1y", "plan": "5y", "minutes": "2y", "crisis_plan": "1y",
                                      "access_log": "3y"})
def test_each_kind_goes_after_its_own_period(world):
    built = _old_case(world, "A", ended_on=datetime.date(2024, 11, 1), open_door_until=datetime.date(2025, 2, 1))
    person = engine.load([built.person.pk])[built.person.pk]
    due = {(item.kind.key, item.due_on) for item in engine.assess(person, TODAY)}
    assert due == {
        ("notifications", datetime.date(2025, 11, 2)), ("followup_log", datetime.date(2025, 11, 2)),
        ("plan", datetime.date(2029, 11, 2)), ("minutes", datetime.date(2026, 11, 2)),
        ("outcomes", datetime.date(2025, 11, 2)), ("crisis_plan", datetime.date(2025, 11, 2)),
        ("access_log", datetime.date(2027, 11, 2)), ("person", datetime.date(2029, 11, 2)),
        # Issue 16's messages and «Ring meg» with the log; the archives of «alt om meg» with the person.
        ("messages", datetime.date(2025, 11, 2)), ("callbacks", datetime.date(2025, 11, 2)),
        ("archives", datetime.date(2029, 11, 2)),
    }
    _run()
    assert set(Removal.objects.values_list("kind", flat=True)) == {"notifications", "followup_log", "minutes",
                                                                     "outcomes", "crisis_plan", "messages",
                                                                     "callbacks"}
    assert not FollowUpEntry.objects.filter(note__contains="HemmeligAX").exists()
    assert Goal.objects.filter(text__contains="HemmeligAX").exists(), "the plan is kept five years"
    assert AccessEvent.objects.filter(service_user=built.person).exists()
    assert ServiceUser.objects.get(pk=built.person.pk).first_name.startswith("HemmeligAX")
