"""The permission matrix for «Slik har det gått» (``tests/matrix.py``): Min side's page is the owner's own (another
user gets their own page, with no rounds; staff and partners have none), and the case's page is behind the rounds
gate: the case's staff and the owner; partners (even one whose consent opens the case), another municipality, a
trust person not on the case and the administrator get a 404. A read by anyone but the owner is one access event."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.outcomes.change_helpers import MAY, NOVEMBER, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: World) -> Scene:
    first = make_round(world.case, MAY, by=world.trust_person, s1=2, s8=4, o1="nei")
    latest = make_round(world.case, NOVEMBER, by=world.trust_person, s1=4, s8=2, o1="ja")
    return Scene(world, SimpleNamespace(first=first, latest=latest))


CHANGE = Table("qol-change", """
    persona               mine   case
    trust_person          404    200
    other_trust_person    404    404
    deputy                404    200
    leader                404    200
    other_leader          404    404
    partner_valid         404    404
    partner_org_member    404    404
    partner_none          404    404
    partner_expired       404    404
    partner_withdrawn     404    404
    partner_wrong_scope   404    404
    owner                 200    200
    other_owner           200    404
    admin                 404    404
    anonymous             login  login
""", {
    "mine": Action("my_qol_change", logs_read=False),
    "case": Action("qol_change", args=lambda s: [s.world.case.pk], logs_read=True, marker="Slik har det gått"),
})


@pytest.mark.parametrize("table", tables(CHANGE))
def test_change_matrix(scene, table):
    check_table(scene, table)
