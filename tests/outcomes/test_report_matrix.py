"""The half-year report, persona by persona, through the matrix driver (``tests/matrix.py``).

The report for the world's unit in Trondheim (``?enhet=``): its leader gets the page, the PDF, the CSV and the API;
Bergen's leader is refused (the unit is not hers: 404), and so is everyone who is not a leader (a 404 on the pages,
as the leader's other pages; a 403 in the API, as the other leader-only reads there). Nobody's access log gets a
line: the report holds figures, no one's personal data."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world)


def _unit(scene: Scene) -> dict:
    return {"enhet": scene.world.unit.pk, "periode": "2026-H1"}


REPORT = Table(
    "half_year_report",
    """
    persona              page   pdf    csv    api
    trust_person         404    404    404    403
    other_trust_person   404    404    404    403
    deputy               404    404    404    403
    leader               200    200    200    200
    other_leader         404    404    404    404
    partner_valid        404    404    404    403
    partner_org_member   404    404    404    403
    partner_none         404    404    404    403
    partner_expired      404    404    404    403
    partner_withdrawn    404    404    404    403
    partner_wrong_scope  404    404    404    403
    owner                404    404    404    403
    other_owner          404    404    404    403
    admin                404    404    404    403
    anonymous            login  login  login  401
""",
    {
        "page": Action("half_year_report", query=_unit, marker="Oppfølgingstjenesten Øst, Trondheim",
                       logs_read=False),
        "pdf": Action("half_year_report_pdf", query=_unit, logs_read=False),
        "csv": Action("half_year_report_csv", query=_unit, logs_read=False),
        "api": Action("api-half-year-report", query=_unit, logs_read=False),
    },
)


@pytest.mark.parametrize("table", tables(REPORT))
def test_half_year_report_matrix(scene, table):
    check_table(scene, table)
