"""The quality-of-life rounds' services (``outcomes.rounds``): who may write what, the kind of a round, history with
the acting user, and bad input: a clear Norwegian error on the field and nothing saved."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from koordinator.models import FollowUp
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from outcomes import rounds
from outcomes.models import QualityOfLifeRound
from tests.outcomes.rounds_helpers import ALL_OBJECTIVE, ALL_SUBJECTIVE, case_started, snapshot, take_round

pytestmark = pytest.mark.django_db

Kind = QualityOfLifeRound.Kind
MONDAY = datetime.date(2026, 11, 23)
OLD = rounds.OPEN_ROUND_DAYS + 1  # days: a round this old is closed to the owner


@pytest.fixture(autouse=True)
def clock():
    """A fixed Monday in Oslo, before ``world`` is made."""
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(world):
    return case_started(world.case)


# --- starting a round, and its kind ----------------------------------------------------------------------------


def test_the_first_round_is_at_the_start_the_next_underway_with_history_and_the_acting_user(world, case):
    first = take_round(
        case, world.trust_person, days_ago=200, subjective=ALL_SUBJECTIVE, answered_by="together"
    )
    assert first.kind == Kind.START
    assert first.taken_on == MONDAY - datetime.timedelta(days=200)
    assert first.o1 == "ja" and first.s13 == 3 and first.subjective_by == "together"
    assert first.recorded_by == world.trust_person
    [record] = first.history.all()
    assert record.history_user == world.trust_person
    assert "Ved oppstart" in record.history_change_reason
    second = take_round(case, world.deputy, days_ago=10)
    assert second.kind == Kind.FOLLOW_UP
    assert second.history.get().history_user == world.deputy
    # The user's part not answered: blank and null, «Ikke besvart ennå».
    assert second.subjective_by == "" and second.s1 is None


def test_a_round_on_an_ended_case_is_at_the_end_and_round_due_at_end_says_whether_it_is_missing(world, case):
    take_round(case, world.trust_person, days_ago=100)
    assert rounds.round_due_at_end(case) is False  # not ended
    FollowUp.objects.filter(pk=case.pk).update(status=FollowUp.Status.ENDED, ended_on=MONDAY)
    case.refresh_from_db()
    assert rounds.round_due_at_end(case) is True
    end = rounds.start_round(case, world.leader, objective={"o1": "ja"})
    assert end.kind == Kind.END and end.taken_on == MONDAY
    assert rounds.round_due_at_end(case) is False


def test_the_kind_may_be_given_but_a_case_has_one_start_round(world, case):
    first = take_round(case, world.trust_person, days_ago=30)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.start_round(case, world.trust_person, MONDAY, Kind.START)
    assert error.value.field == "kind"
    assert first.taken_on.strftime("%d.%m.%Y") in error.value.message
    assert snapshot() == before
    assert (
        rounds.start_round(case, world.trust_person, MONDAY, Kind.END, objective={"o1": "ja"}).kind
        == Kind.END
    )


@pytest.mark.parametrize("persona", ["other_trust_person", "other_leader", "partner_valid", "owner", "admin"])
def test_only_the_cases_staff_start_a_round(world, case, persona):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        rounds.start_round(case, world.persona(persona), objective=ALL_OBJECTIVE)
    assert snapshot() == before


# --- bad input: a clear message on the field, nothing saved --------------------------------------------------


BAD = [
    ("o1 outside the scale", {"objective": {"o1": "kanskje"}}, "o1", "«Ja», «Nei» eller «Vet ikke»"),
    ("o1 a number", {"objective": {"o1": 1}}, "o1", "O1"),
    ("s1 above five", {"subjective": {"s1": 6}, "answered_by": "together"}, "s1", "fra 1 til 5"),
    ("s1 zero", {"subjective": {"s1": 0}, "answered_by": "together"}, "s1", "fra 1 til 5"),
    ("s14 not a number", {"subjective": {"s14": "mye"}, "answered_by": "together"}, "s14", "S14"),
    ("s3 a digit that is not a number", {"subjective": {"s3": "²"}, "answered_by": "together"}, "s3", "S3"),
    ("s4 a number as text, too high", {"subjective": {"s4": "7"}, "answered_by": "together"}, "s4", "S4"),
    ("s2 true", {"subjective": {"s2": True}, "answered_by": "together"}, "s2", "fra 1 til 5"),
    ("a date in the future", {"taken_on": MONDAY + datetime.timedelta(days=1)}, "taken_on", "fram i tid"),
    ("not a date", {"taken_on": "31.02.2026"}, "taken_on", "gyldig dato"),
    (
        "before the case started",
        {"taken_on": MONDAY - datetime.timedelta(days=401)},
        "taken_on",
        "før oppfølgingen startet",
    ),
    ("no kind of that name", {"kind": "monthly"}, "kind", "Velg hva slags runde"),
    (
        "the user's answers, but not who answered",
        {"subjective": {"s1": 4}},
        "subjective_by",
        "hvem som svarte",
    ),
    ("who answered, but no answers", {"answered_by": "together"}, "subjective_by", "ingen svar"),
    (
        "who answered, not a choice",
        {"subjective": {"s1": 4}, "answered_by": "neighbour"},
        "subjective_by",
        "Brukeren alene",
    ),
]


@pytest.mark.parametrize(("what", "kwargs", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(world, case, what, kwargs, field, words):
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.start_round(case, world.trust_person, **kwargs)
    assert error.value.field == field
    assert words in error.value.message
    assert snapshot() == before


def test_an_unknown_question_is_refused_by_name(world, case):
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.start_round(case, world.trust_person, objective={"o19": "ja"})
    assert "o19" in error.value.message
    assert snapshot() == before


def test_a_second_round_the_same_day_is_refused_and_nothing_saved(world, case):
    take_round(case, world.trust_person)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.start_round(case, world.deputy, MONDAY, objective={"o1": "nei"})
    assert error.value.field == "taken_on"
    assert "allerede en livskvalitetsrunde 23.11.2026" in error.value.message
    assert snapshot() == before


def test_a_second_round_the_same_day_that_slips_past_the_check_is_refused_by_the_database(
    world, case, monkeypatch
):
    # Two saves at the same moment: the check found no round, the constraint does. Nothing saved, a clear message,
    # and the transaction stays usable.
    take_round(case, world.trust_person)
    monkeypatch.setattr(rounds, "_check_free_day", lambda day, others: None)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.start_round(case, world.deputy, MONDAY, objective=ALL_OBJECTIVE)
    assert error.value.field == "taken_on"
    assert snapshot() == before
    assert FollowUp.objects.filter(pk=case.pk).exists()


def test_moving_a_round_onto_another_rounds_day_is_refused(world, case):
    take_round(case, world.trust_person, days_ago=30)
    later = take_round(case, world.trust_person)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.change_round(later, world.trust_person, taken_on=MONDAY - datetime.timedelta(days=30))
    assert error.value.field == "taken_on"
    assert snapshot() == before
    assert rounds.change_round(
        later, world.trust_person, taken_on=MONDAY - datetime.timedelta(days=2)
    ).taken_on == MONDAY - datetime.timedelta(days=2)


# --- recording the parts ----------------------------------------------------------------------------------------


def test_the_staff_record_both_parts_only_what_is_given_changes_and_each_write_has_history(world, case):
    r = take_round(case, world.trust_person, objective={"o1": "ja", "o2": "nei"})
    rounds.record_objective(r, world.deputy, {"O2": "vet_ikke", "o3": "ja"})
    r.refresh_from_db()
    assert (r.o1, r.o2, r.o3) == ("ja", "vet_ikke", "ja")
    assert r.history.latest().history_user == world.deputy
    assert "tillitspersonens del" in r.history.latest().history_change_reason
    rounds.record_subjective(r, world.leader, {"s1": 2, "s8": 5, "s2": None}, "together")
    r.refresh_from_db()
    assert (r.s1, r.s8, r.s2, r.subjective_by) == (2, 5, None, "together")
    assert r.history.count() == 3
    # Nothing changed: nothing written.
    rounds.record_subjective(r, world.leader, {"s1": 2}, "together")
    assert r.history.count() == 3


def test_clearing_every_answer_of_the_users_part_makes_it_not_answered(world, case):
    r = take_round(case, world.trust_person, subjective={"s1": 4}, answered_by="user")
    rounds.record_subjective(r, world.trust_person, {"s1": None})
    r.refresh_from_db()
    assert r.s1 is None and r.subjective_by == ""


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "other_trust_person", "other_leader"])
def test_only_the_staff_record_the_trust_persons_part(world, case, persona):
    r = take_round(case, world.trust_person, objective={"o1": "ja"})
    before = snapshot()
    with pytest.raises(PermissionDenied):
        rounds.record_objective(r, world.persona(persona), {"o1": "nei"})
    assert snapshot() == before


def test_the_owner_records_their_own_part_in_their_open_round_as_answering_alone(world, case):
    r = take_round(case, world.trust_person, days_ago=3)
    rounds.record_subjective(r, world.owner, {"s1": 5, "s13": 4})
    r.refresh_from_db()
    assert (r.s1, r.s13, r.subjective_by) == (5, 4, "user")
    assert r.o1 == "ja"  # the trust person's part untouched
    assert r.history.latest().history_user == world.owner


def test_the_owner_may_not_touch_the_trust_persons_part_nor_the_date(world, case):
    r = take_round(case, world.trust_person, days_ago=3)
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.change_round(r, world.owner, objective={"o1": "nei"}, subjective={"s1": 3})
    assert "o1" in error.value.message
    with pytest.raises(ServiceError):
        rounds.change_round(r, world.owner, taken_on=MONDAY, subjective={"s1": 3})
    with pytest.raises(ServiceError) as error:
        rounds.record_subjective(r, world.owner, {"s1": 3}, "together")
    assert error.value.field == "subjective_by"
    assert snapshot() == before


def test_the_owner_may_not_answer_in_a_round_that_is_not_open(world, case):
    old = take_round(case, world.trust_person, days_ago=OLD)
    together = take_round(case, world.trust_person, days_ago=2, subjective={"s1": 3}, answered_by="together")
    before = snapshot()
    for r in (old, together):  # not the latest; answered together with the trust person
        with pytest.raises(PermissionDenied):
            rounds.record_subjective(r, world.owner, {"s1": 1})
    assert snapshot() == before


def test_a_round_older_than_the_open_days_is_closed_to_the_owner(world, case):
    r = take_round(case, world.trust_person, days_ago=OLD)
    with pytest.raises(PermissionDenied):
        rounds.record_subjective(r, world.owner, {"s1": 1})


@pytest.mark.parametrize("persona", ["other_owner", "partner_valid"])
def test_nobody_else_records_the_users_part(world, case, persona):
    r = take_round(case, world.trust_person)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        rounds.record_subjective(r, world.persona(persona), {"s1": 1}, "user")
    assert snapshot() == before


# --- the owner's answers on Min side ---------------------------------------------------------------------------


def test_the_owner_answers_alone_into_a_new_round_today_when_one_is_due(world, case):
    assert rounds.my_round(world.owner).asked  # no round yet: the start round is due
    r = rounds.record_my_answers(world.owner, {"s1": 4, "s2": None, "s8": 1})
    assert (r.kind, r.taken_on, r.subjective_by, r.recorded_by) == (Kind.START, MONDAY, "user", world.owner)
    assert (r.s1, r.s2, r.s8) == (4, None, 1)  # skipped: missing, not zero
    assert r.o1 == ""
    assert r.history.get().history_user == world.owner
    state = rounds.my_round(world.owner)
    assert not state.asked and state.can_answer and state.open_round == r
    # Changing their mind the same day changes the same round.
    again = rounds.record_my_answers(world.owner, {"s1": 5})
    assert again.pk == r.pk and QualityOfLifeRound.objects.count() == 1
    again.refresh_from_db()
    assert (again.s1, again.s8) == (5, 1)


def test_the_owners_answers_go_into_the_round_the_trust_person_started(world, case):
    started = take_round(case, world.trust_person, days_ago=2)
    assert rounds.my_round(world.owner).asked  # its user part is empty
    r = rounds.record_my_answers(world.owner, dict(ALL_SUBJECTIVE))
    assert r.pk == started.pk and QualityOfLifeRound.objects.count() == 1
    r.refresh_from_db()
    assert r.o1 == "ja" and r.s14 == 3 and r.subjective_by == "user"


def test_the_owner_must_answer_something_and_only_when_a_round_is_due_or_open(world, case):
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.record_my_answers(world.owner, {name: None for name in rounds.SUBJECTIVE_FIELDS})
    assert "minst ett" in error.value.message
    assert snapshot() == before
    take_round(case, world.trust_person, days_ago=30, subjective={"s1": 3}, answered_by="together")
    before = snapshot()
    with pytest.raises(ServiceError) as error:
        rounds.record_my_answers(world.owner, {"s1": 4})
    assert "ingen runde" in error.value.message
    assert snapshot() == before


def test_someone_without_a_case_of_their_own_has_nothing_to_answer(world, case):
    before = snapshot()
    for persona in ("trust_person", "partner_valid"):
        with pytest.raises(ServiceError):
            rounds.record_my_answers(world.persona(persona), {"s1": 4})
    with pytest.raises(ServiceError) as error:
        rounds.record_my_answers(world.other_owner, {"s1": 4}, case=case)
    assert error.value.field == "follow_up"
    assert snapshot() == before


def test_a_paused_case_asks_nothing(world, case):
    FollowUp.objects.filter(pk=case.pk).update(status=FollowUp.Status.DORMANT)
    assert rounds.my_round(world.owner).case is None
    assert timezone.localdate() == MONDAY
