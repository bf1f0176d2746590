"""``/api/v1/quality-of-life-rounds/``: behind the gate, the owner sets only the subjective answers, bad input is a
400 in the one error shape with nothing saved, null means not answered, the list's queries do not grow."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from koordinator.models import AccessEvent
from koordinator.timeutil import at
from outcomes.models import QualityOfLifeRound
from tests import query_counts as qc
from tests.conftest import login
from tests.outcomes.rounds_helpers import case_started, snapshot, take_round

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
LIST = "/api/v1/quality-of-life-rounds/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(world):
    return case_started(world.case)


def api(user) -> APIClient:
    return login(APIClient(), user)


def detail(r) -> str:
    return f"{LIST}{r.pk}/"


def assert_error(response, status: int, field: str | None = None, words: str = "") -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    if field:
        assert field in body["errors"], body
        assert words in " ".join(body["errors"][field]), body
    elif words:
        assert words in body["detail"], body


# --- reading ---------------------------------------------------------------------------------------------------------


def test_the_staff_read_the_rounds_with_null_for_not_answered_and_the_read_is_logged(world, case):
    r = take_round(
        case,
        world.trust_person,
        days_ago=5,
        objective={"o1": "ja", "o2": "vet_ikke"},
        subjective={"s8": 5},
        answered_by="user",
    )
    body = api(world.trust_person).get(detail(r)).json()
    assert (body["follow_up"], body["service_user"], body["kind"], body["taken_on"]) == (
        case.pk,
        world.owner_su.pk,
        "start",
        "2026-11-18",
    )
    assert (body["o1"], body["o2"], body["o3"]) == ("ja", "vet_ikke", None)
    assert (body["s8"], body["s1"], body["subjective_by"]) == (5, None, "user")
    assert (body["objective_answered"], body["subjective_answered"]) == (2, 1)
    assert body["recorded_by"]["id"] == world.trust_person.pk
    assert AccessEvent.objects.filter(
        actor=world.trust_person, channel="api", service_user=world.owner_su
    ).exists()


def test_the_list_filters_by_case_and_kind(world, case):
    case_started(world.other_case)
    mine = take_round(case, world.leader, days_ago=40)
    later = take_round(case, world.leader, days_ago=2)
    take_round(world.other_case, world.leader, days_ago=3)
    c = api(world.leader)
    assert [row["id"] for row in c.get(LIST, {"follow_up": case.pk}).json()["results"]] == [later.pk, mine.pk]
    assert [row["id"] for row in c.get(LIST, {"follow_up": case.pk, "kind": "start"}).json()["results"]] == [
        mine.pk
    ]
    assert len(c.get(LIST).json()["results"]) == 3
    assert_error(c.get(LIST, {"follow_up": "abc"}), 400, "follow_up")


@pytest.mark.parametrize(
    "persona",
    ["partner_valid", "partner_org_member", "other_leader", "other_trust_person", "other_owner", "admin"],
)
def test_outside_the_gate_a_round_is_not_there(world, case, persona):
    r = take_round(case, world.trust_person)
    c = api(world.persona(persona))
    assert c.get(LIST).json()["results"] == []
    assert_error(c.get(detail(r)), 404)
    before = snapshot()
    assert c.patch(detail(r), {"o1": "nei"}, format="json").status_code == 404
    assert snapshot() == before


def test_the_list_is_flat_in_the_number_of_rounds(world, case):
    c = api(world.trust_person)
    take_round(case, world.trust_person, days_ago=300)
    small = qc.get(c, LIST)
    QualityOfLifeRound.objects.bulk_create(
        [
            QualityOfLifeRound(
                follow_up=case,
                taken_on=MONDAY - datetime.timedelta(days=10 * i),
                o1="ja",
                recorded_by=world.trust_person,
            )
            for i in range(1, 21)
        ]
    )
    large = qc.get(c, LIST)
    assert len(large.json()["results"]) == 21
    qc.assert_same(small, large, "rounds list", ("1", "21"))


# --- writing: the staff ----------------------------------------------------------------------------------------------


def test_the_staff_start_a_round_with_both_parts(world, case):
    response = api(world.deputy).post(
        LIST,
        {
            "follow_up": case.pk,
            "o1": "ja",
            "o12": "nei",
            "o18": None,
            "s13": 4,
            "s14": None,
            "subjective_by": "together",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["taken_on"], body["o1"], body["o12"], body["o18"]) == (
        "start",
        "2026-11-23",
        "ja",
        "nei",
        None,
    )
    assert (body["s13"], body["s14"], body["subjective_by"]) == (4, None, "together")
    r = QualityOfLifeRound.objects.get(pk=body["id"])
    assert r.history.get().history_user == world.deputy


def test_the_staff_change_only_what_they_send(world, case):
    r = take_round(case, world.trust_person, days_ago=3, objective={"o1": "ja", "o2": "ja"})
    response = api(world.trust_person).patch(
        detail(r), {"o2": None, "s1": 2, "subjective_by": "user"}, format="json"
    )
    assert response.status_code == 200, response.content
    r.refresh_from_db()
    assert (r.o1, r.o2, r.s1, r.subjective_by) == ("ja", "", 2, "user")
    assert r.history.count() == 2


BAD = [
    ("o1 outside the scale", {"o1": "kanskje"}, "o1", ""),
    ("s1 above five", {"s1": 6, "subjective_by": "together"}, "s1", "5"),
    ("s1 below one", {"s1": 0, "subjective_by": "together"}, "s1", "1"),
    ("s1 text", {"s1": "mye", "subjective_by": "together"}, "s1", ""),
    ("a date in the future", {"taken_on": "2026-11-24"}, "taken_on", "fram i tid"),
    ("before the case started", {"taken_on": "2020-01-01"}, "taken_on", "før oppfølgingen startet"),
    ("no such kind", {"kind": "monthly"}, "kind", ""),
    ("answers without who answered", {"s1": 3}, "subjective_by", "hvem som svarte"),
]


@pytest.mark.parametrize(("what", "values", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_on_its_field_and_nothing_is_saved(world, case, what, values, field, words):
    before = snapshot()
    response = api(world.trust_person).post(LIST, {"follow_up": case.pk, **values}, format="json")
    assert_error(response, 400, field, words)
    assert snapshot() == before


def test_a_second_round_the_same_day_is_a_400_and_nothing_is_saved(world, case):
    take_round(case, world.trust_person)
    before = snapshot()
    assert_error(
        api(world.trust_person).post(LIST, {"follow_up": case.pk, "o1": "nei"}, format="json"),
        400,
        "taken_on",
        "allerede en livskvalitetsrunde",
    )
    assert snapshot() == before


def test_a_case_one_does_not_work_on_is_not_a_choice(world, case):
    before = snapshot()
    for persona in ("other_trust_person", "other_leader", "other_owner"):
        assert_error(
            api(world.persona(persona)).post(LIST, {"follow_up": case.pk, "o1": "ja"}, format="json"),
            400,
            "follow_up",
        )
    for persona in ("partner_valid", "admin"):
        assert_error(
            api(world.persona(persona)).post(LIST, {"follow_up": case.pk, "o1": "ja"}, format="json"), 403
        )
    assert_error(APIClient().post(LIST, {"follow_up": case.pk}, format="json"), 401)
    assert snapshot() == before


# --- writing: the owner -----------------------------------------------------------------------------------------------


def test_the_owner_answers_their_part_into_a_new_round_when_due_then_into_the_same_one(world, case):
    c = api(world.owner)
    created = c.post(LIST, {"follow_up": case.pk, "s1": 4, "s8": None}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["subjective_by"], body["s1"], body["s8"], body["o1"]) == (
        "start",
        "user",
        4,
        None,
        None,
    )
    again = c.post(LIST, {"follow_up": case.pk, "s2": 5}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    patched = c.patch(f"{LIST}{body['id']}/", {"s1": 5, "subjective_by": "user"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["s1"], patched.json()["s2"]) == (5, 5)
    assert QualityOfLifeRound.objects.count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"o1": "ja", "s1": 3},
        {"taken_on": "2026-11-20", "s1": 3},
        {"kind": "end", "s1": 3},
        {"s1": 3, "subjective_by": "together"},
    ],
    ids=["objective", "date", "kind", "together"],
)
def test_the_owner_sets_only_the_subjective_answers(world, case, values):
    r = take_round(case, world.trust_person, days_ago=2)
    before = snapshot()
    c = api(world.owner)
    response = c.post(LIST, {"follow_up": case.pk, **values}, format="json")
    assert response.status_code == 400, response.content
    if "kind" not in values:  # a round's kind is not a field of a change (ignored, as any unknown field)
        assert c.patch(detail(r), values, format="json").status_code == 400
    assert snapshot() == before


def test_the_owner_may_not_change_a_round_that_is_not_open(world, case):
    r = take_round(case, world.trust_person, days_ago=30, subjective={"s1": 2}, answered_by="together")
    before = snapshot()
    c = api(world.owner)
    assert_error(c.patch(detail(r), {"s1": 5}, format="json"), 403, words="ikke åpen")
    assert_error(c.post(LIST, {"follow_up": case.pk, "s1": 5}, format="json"), 400, words="ingen runde")
    assert snapshot() == before
