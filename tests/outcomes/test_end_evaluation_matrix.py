"""The permission matrix of the end-of-follow-up evaluation's pages (``tests/matrix.py``): Kari's case has ended with
an evaluation. The case's staff read it (the read goes to Kari's access log) and change it; Kari reads it but may not
change it (403); partners do not see it whatever their consent, nor does anyone outside the case (404)."""

from __future__ import annotations

import pytest

from koordinator import services
from koordinator.models import FollowUp
from outcomes import end_evaluation
from outcomes.models import EndEvaluation
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

ACHIEVED = "Kari har fått fast bolig."
CHANGED = "Kari har fått fast bolig og en jobb."


@pytest.fixture
def scene(world: World) -> Scene:
    services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    evaluation = end_evaluation.save_end_evaluation(
        world.trust_person, world.case, achieved=ACHIEVED, user_part=EndEvaluation.UserPart.TOGETHER
    )
    return Scene(world, evaluation)


def _case(s: Scene) -> list:
    return [s.world.case.pk]


def _achieved(s: Scene) -> str:
    return EndEvaluation.objects.get(pk=s.o.pk).achieved


# view: the evaluation's page · edit: its change form (GET) · save: the change (POST)
EVALUATION_PAGES = Table(
    "end_evaluation",
    """
    persona              view   edit   save
    trust_person         200    200    302
    other_trust_person   404    404    404
    deputy               200    200    302
    leader               200    200    302
    other_leader         404    404    404
    partner_valid        404    404    404
    partner_org_member   404    404    404
    partner_none         404    404    404
    partner_expired      404    404    404
    partner_withdrawn    404    404    404
    partner_wrong_scope  404    404    404
    owner                200    403    403
    other_owner          404    404    404
    admin                404    404    404
    anonymous            login  login  login
""",
    {
        "view": Action("end_evaluation", args=_case, logs_read=True, marker=ACHIEVED),
        "edit": Action("end_evaluation_edit", args=_case, logs_read=True, marker=ACHIEVED),
        "save": Action(
            "end_evaluation_edit",
            "post",
            args=_case,
            data=lambda s: {
                "achieved": CHANGED,
                "what_helped": "",
                "needs_to_manage": "",
                "user_part": EndEvaluation.UserPart.TOGETHER,
            },
            history_of=lambda s: s.o,
            kept=_achieved,
            done=lambda s: _achieved(s) == CHANGED,
        ),
    },
)


@pytest.mark.parametrize("table", tables(EVALUATION_PAGES))
def test_end_evaluation_page_matrix(scene, table):
    check_table(scene, table)
