"""The permission matrix for the quality-of-life rounds, on the pages and in the API, cell by cell.

Same reading and the same driver (``tests/matrix.py``) as the other matrices: outside the view gate is a 404,
visible but not changeable is a 403, anonymous is a 401 in the API and sent to log in on the pages. The rounds' gate
(``outcomes.access``) lets in the case's staff and the owner, never a partner, whatever their consent. The round in
every cell is Kari Nordmann's, started by her trust person three days ago with her part still empty (so it is open
for her answers).

API: ``list`` (is the round in it), ``detail``, ``create`` (a round for Kari's case with both parts: 400 for the
owner, who may set only her own answers, and for a case one may not choose), ``change`` (PATCH O2: the owner's
400 is the same rule), ``answer`` (PATCH S1 as «Brukeren alene»: the owner's own part).
Pages: ``rounds`` (the case's rounds), ``new`` and ``create`` (the staff form, GET and POST), ``edit`` and ``save``
(the same for the round), ``mine`` and ``answer`` (Min side's «Hvordan har du det nå?», GET and POST: a 404 for
anyone without a service-user record; the other owner answers in her own case, where a round is due).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from outcomes.models import QualityOfLifeRound
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.outcomes.rounds_helpers import case_started, take_round

pytestmark = pytest.mark.django_db

API = """
    persona              list  detail  create  change  answer
    trust_person         yes   200     201     200     200
    other_trust_person   no    404     400     404     404
    deputy               yes   200     201     200     200
    leader               yes   200     201     200     200
    other_leader         no    404     400     404     404
    partner_valid        no    404     403     404     404
    partner_org_member   no    404     403     404     404
    partner_none         no    404     403     404     404
    partner_expired      no    404     403     404     404
    partner_withdrawn    no    404     403     404     404
    partner_wrong_scope  no    404     403     404     404
    owner                yes   200     400     400     200
    other_owner          no    404     400     404     404
    admin                no    404     403     404     404
    anonymous            401   401     401     401     401
"""

PAGES = """
    persona              rounds  new    create  edit   save   mine   answer
    trust_person         200     200    302     200    302    404    404
    other_trust_person   404     404    404     404    404    404    404
    deputy               200     200    302     200    302    404    404
    leader               200     200    302     200    302    404    404
    other_leader         404     404    404     404    404    404    404
    partner_valid        404     404    404     404    404    404    404
    partner_org_member   404     404    404     404    404    404    404
    partner_none         404     404    404     404    404    404    404
    partner_expired      404     404    404     404    404    404    404
    partner_withdrawn    404     404    404     404    404    404    404
    partner_wrong_scope  404     404    404     404    404    404    404
    owner                200     403    403     403    403    200    302
    other_owner          404     404    404     404    404    200    302
    admin                404     404    404     404    404    404    404
    anonymous            login   login  login   login  login  login  login
"""


@pytest.fixture
def scene(world: World) -> Scene:
    case_started(world.case)
    case_started(world.other_case)
    qol_round = take_round(world.case, world.trust_person, days_ago=3)
    return Scene(world, SimpleNamespace(round=qol_round))


def _round(s: Scene) -> QualityOfLifeRound:
    return s.o.round


def _case(s: Scene) -> list:
    return [s.world.case.pk]


def _today() -> str:
    return timezone.localdate().isoformat()


def _rounds(s: Scene) -> int:
    return QualityOfLifeRound.objects.count()


API_TABLE = Table(
    "api",
    API,
    {
        "list": Action("api-quality-of-life-round-list", target=_round),
        "detail": Action("api-quality-of-life-round-detail", args=lambda s: [s.o.round.pk], logs_read=True),
        "create": Action(
            "api-quality-of-life-round-list",
            "post",
            creates=QualityOfLifeRound,
            data=lambda s: {"follow_up": s.world.case.pk, "o1": "ja", "s1": 4, "subjective_by": "together"},
        ),
        "change": Action(
            "api-quality-of-life-round-detail",
            "patch",
            args=lambda s: [s.o.round.pk],
            data=lambda s: {"o2": "nei"},
            history_of=_round,
            done=lambda s: QualityOfLifeRound.objects.get(pk=s.o.round.pk).o2 == "nei",
        ),
        "answer": Action(
            "api-quality-of-life-round-detail",
            "patch",
            args=lambda s: [s.o.round.pk],
            data=lambda s: {"s1": 4, "subjective_by": "user"},
            history_of=_round,
            done=lambda s: QualityOfLifeRound.objects.get(pk=s.o.round.pk).s1 == 4,
        ),
    },
)

PAGES_TABLE = Table(
    "page",
    PAGES,
    {
        "rounds": Action(
            "qol_rounds", args=_case, marker="Livskvalitet for Kari Nordmann", logs_read=True, kept=_rounds
        ),
        "new": Action("qol_round_create", args=_case, kept=_rounds),
        "create": Action(
            "qol_round_create",
            "post",
            args=_case,
            creates=QualityOfLifeRound,
            data=lambda s: {"taken_on": _today(), "o1": "ja", "s1": "4", "subjective_by": "together"},
        ),
        "edit": Action("qol_round_edit", args=lambda s: [s.o.round.pk], logs_read=True, kept=_rounds),
        "save": Action(
            "qol_round_edit",
            "post",
            args=lambda s: [s.o.round.pk],
            history_of=_round,
            kept=_rounds,
            data=lambda s: {"taken_on": s.o.round.taken_on.isoformat(), "o1": "nei"},
            done=lambda s: QualityOfLifeRound.objects.get(pk=s.o.round.pk).o1 == "nei",
        ),
        "mine": Action("my_qol_round", marker="Hvordan har du det nå?", kept=_rounds),
        "answer": Action("my_qol_round", "post", data=lambda s: {"s1": "4"}, grows=(QualityOfLifeRound,)),
    },
)


def test_the_round_is_three_days_old_and_open_for_the_owner(scene):
    assert scene.o.round.taken_on == timezone.localdate() - datetime.timedelta(days=3)
    assert scene.o.round.subjective_by == ""


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(API_TABLE, PAGES_TABLE))
def test_quality_of_life_rounds_permission_matrix(scene, table):
    check_table(scene, table)
