"""The half-year report's page, PDF, CSV and API: the period, the unit, an empty half-year, bad input, the link on the
leader's overview, and the log line that says who produced a report. (Who may read it: ``test_report_matrix.py``;
small numbers: ``test_report_suppression.py``.)"""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import FollowUp
from koordinator.timeutil import at
from outcomes.report import HalfYear, default_period, parse_period
from tests import factories as f
from tests.conftest import login
from tests.outcomes.report_helpers import (
    BEFORE_H1,
    CLOCK,
    H1,
    api_cells,
    cases,
    csv_rows,
    page_row,
    pdf_lines,
)

# --- the period ------------------------------------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize("value, code", [
    ("2026-H1", "2026-H1"), ("2025-H2", "2025-H2"), (" 2024-h1 ", "2024-H1"), ("2026-H2", "2026-H2"),
    ("2000-H1", "2000-H1"),
])
def test_a_half_year_up_to_the_current_one_is_read(value, code):
    period, notice = parse_period(value, TODAY)
    assert (period.code, notice) == (code, "")


@pytest.mark.parametrize("value", ["2027-H1", "2026-H3", "1999-H2", "2026", "H1-2026", "tull", "2026-H1;drop", "9" * 500])
def test_anything_else_gives_the_last_completed_half_year_and_says_so(value):
    period, notice = parse_period(value, TODAY)
    assert period.code == "2026-H1"
    assert "Rapporten viser 1. halvår 2026 (januar–juni)" in notice
    assert len(notice) < 200


@pytest.mark.parametrize("today, code", [
    (datetime.date(2026, 11, 23), "2026-H1"),
    (datetime.date(2026, 7, 1), "2026-H1"),
    (datetime.date(2026, 6, 30), "2025-H2"),
    (datetime.date(2027, 1, 1), "2026-H2"),
])
def test_the_default_is_the_last_completed_half_year(today, code):
    assert default_period(today).code == code
    assert parse_period("", today) == (default_period(today), "")


def test_a_half_year_runs_january_to_june_or_july_to_december():
    assert (HalfYear(2026, 1).start, HalfYear(2026, 1).end) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert (HalfYear(2026, 2).start, HalfYear(2026, 2).end) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert HalfYear(2026, 2).months(TODAY) == pytest.approx(146 * 6 / 184) and HalfYear(2026, 1).months(TODAY) == 6


# --- pages -----------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock():
    """Monday 23 November 2026, before the world is made (autouse fixtures come first)."""
    with time_machine.travel(at(CLOCK, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def leader(world, clock, client):
    login(client, world.leader)
    return world.leader


@pytest.mark.django_db
def test_a_bad_period_shows_the_default_with_a_message_never_a_500(world, leader, client):
    for value in ("2099-H1", "tull", "2026-H9", "<script>"):
        response = client.get(reverse("half_year_report"), {"periode": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert "er ikke et halvår vi kan vise" in html and "Rapporten viser 1. halvår 2026" in html
        assert "<script>" not in html
        assert '<option value="2026-H1" selected>' in html
        for name in ("half_year_report_pdf", "half_year_report_csv"):
            assert client.get(reverse(name), {"periode": value}).status_code == 200
    text = pdf_lines(client.get(reverse("half_year_report_pdf"), {"periode": "tull"}))
    assert "er ikke et halvår vi kan vise" in text
    rows = csv_rows(client.get(reverse("half_year_report_csv"), {"periode": "tull"}))
    assert rows[0] == ["Del", "Tall", "Verdi"]
    assert any(row[1] == "Merk" and "er ikke et halvår" in row[2] for row in rows)


@pytest.mark.django_db
def test_the_api_refuses_a_bad_period_or_unit_in_its_error_shape(world, leader, client):
    url = reverse("api-half-year-report")
    response = client.get(url, {"periode": "2027-H1"})
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"} and list(response.json()["errors"]) == ["periode"]
    response = client.get(url, {"enhet": "abc"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["enhet"]
    response = client.get(url, {"enhet": world.other_unit.pk})
    assert response.status_code == 404 and response.json()["detail"]
    response = client.get(url, {"enhet": world.nav.pk})  # in Trondheim, but not a follow-up unit
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_unit_that_is_not_the_leaders_is_a_404_page(world, leader, client):
    for value in (world.other_unit.pk, world.nav.pk, 999999, "abc", "1 OR 1=1"):
        for name in ("half_year_report", "half_year_report_pdf", "half_year_report_csv"):
            assert client.get(reverse(name), {"enhet": value}).status_code == 404, (name, value)


@pytest.mark.django_db
def test_an_empty_half_year_says_so_and_shows_zeros(world, leader, client):
    response = client.get(reverse("half_year_report"), {"periode": "2010-H1"})
    html = response.content.decode()
    assert "Det var ingen saker i dette halvåret. Alle tall er 0." in html
    assert page_row(html, "cases", "users_served") == ["0"]
    assert page_row(html, "cases", "new") == ["0"]
    assert page_row(html, "quality_subjective", "item_S13") == ["0", "–", "–", "–", "–"]
    assert "Det var ingen saker i dette halvåret" in pdf_lines(client.get(reverse("half_year_report_pdf"),
                                                                            {"periode": "2010-H1"}))
    data = client.get(reverse("api-half-year-report"), {"periode": "2010-H1"}).json()
    assert data["has_data"] is False
    assert api_cells(data)[("cases", "users_served", "value")]["value"] == 0


@pytest.mark.django_db
def test_the_current_half_year_runs_to_today(world, leader, client):
    cases(world, 6, started_on=datetime.date(2026, 8, 3))
    html = client.get(reverse("half_year_report"), {"periode": "2026-H2"}).content.decode()
    assert "Tallene gjelder til og med 23.11.2026" in html
    assert "Halvåret er ikke over" in html
    # The six, and the world's two cases (started today).
    assert page_row(html, "cases", "new") == ["8"]


@pytest.mark.django_db
def test_a_unit_report_counts_only_the_units_cases(world, leader, client):
    east_west = f.OrganisationFactory(name="Oppfølgingstjenesten Vest", municipality=world.municipality)
    cases(world, 7)
    cases(world, 5, unit=east_west)
    cases(world, 9, unit=world.other_unit)  # Bergen
    municipality = client.get(reverse("half_year_report")).content.decode()
    assert page_row(municipality, "cases", "new") == ["12"]
    unit = client.get(reverse("half_year_report"), {"enhet": east_west.pk}).content.decode()
    assert page_row(unit, "cases", "new") == ["5"]
    assert "Oppfølgingstjenesten Vest, Trondheim: 1. halvår 2026" in unit
    # The choice lists the municipality and both its units, not Bergen's.
    assert '<option value="">Trondheim</option>' in unit
    assert f'<option value="{east_west.pk}" selected>' in unit
    assert "Bergenhus" not in unit
    data = client.get(reverse("api-half-year-report"), {"enhet": world.unit.pk}).json()
    assert data["scope"]["unit"] == {"id": world.unit.pk, "name": world.unit.name}
    assert api_cells(data)[("cases", "new", "value")]["value"] == 7


@pytest.mark.django_db
def test_the_report_never_names_a_user(world, leader, client):
    people = cases(world, 8) + cases(
        world, 6, started_on=BEFORE_H1, status=FollowUp.Status.ENDED, ended_on=datetime.date(2026, 4, 1),
        reason=FollowUp.EndingReason.NO_LONGER_NEEDED,
    )
    # Names no member of staff can have: the factories' random names may be a trust person's, whom the report names.
    for number, case in enumerate(people):
        case.service_user.first_name, case.service_user.last_name = "Brukernavn", f"Etternavn{chr(65 + number)}x"
        case.service_user.save(update_fields=["first_name", "last_name"])
    names = [case.service_user.full_name for case in people] + [world.owner_su.full_name, world.other_su.full_name]
    outputs = [
        client.get(reverse("half_year_report"), {"periode": H1}).content.decode(),
        pdf_lines(client.get(reverse("half_year_report_pdf"), {"periode": H1})),
        client.get(reverse("half_year_report_csv"), {"periode": H1}).content.decode("utf-8-sig"),
        client.get(reverse("api-half-year-report"), {"periode": H1}).content.decode(),
    ]
    for output in outputs:
        for name in names:
            assert name not in output


@pytest.mark.django_db
def test_the_leaders_overview_links_to_the_report(world, leader, client):
    html = client.get(reverse("leader_overview")).content.decode()
    assert f'href="{reverse("half_year_report")}"' in html and "Halvårsrapport" in html


@pytest.mark.django_db
def test_the_downloads_are_a_pdf_and_a_csv_for_norwegian_excel(world, leader, client):
    cases(world, 5)
    response = client.get(reverse("half_year_report_pdf"), {"periode": H1, "enhet": world.unit.pk})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="halvarsrapport-{H1}-enhet-{world.unit.pk}.pdf"'
    assert response["Cache-Control"] == "no-store"
    text = pdf_lines(response)
    assert "Halvårsrapport: Oppfølgingstjenesten Øst, Trondheim" in text and "Side 1 av" in text
    response = client.get(reverse("half_year_report_csv"), {"periode": H1})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="halvarsrapport-{H1}.csv"'
    rows = csv_rows(response)
    assert all(len(row) == 3 for row in rows)
    figures = {row[1]: row[2] for row in rows}
    assert figures["Saker i halvåret: Nye saker"] == "5"
    assert figures["Saker per tillitsperson: Alle tillitspersoner (Saker per årsverk)"] == "1,7"  # 5 / 3 FTE


@pytest.mark.django_db
def test_the_pdfs_column_headers_wrap_between_words_never_inside_one(world, leader, client):
    cases(world, 5)
    text = pdf_lines(client.get(reverse("half_year_report_pdf"), {"periode": H1}))
    assert "Dårligere Gjennomsnittlig endring" in text  # not «Gjennomsn ittlig»
    assert "Ikke møtt Ikke registrert" in text  # not «Ikke regi strert»


@pytest.mark.django_db
def test_who_produced_a_report_is_logged_without_personal_data(world, leader, client, caplog):
    with caplog.at_level(logging.INFO, logger="outcomes.report"):
        client.get(reverse("half_year_report_csv"), {"periode": H1, "enhet": world.unit.pk})
        client.get(reverse("api-half-year-report"), {"periode": H1})
    lines = [record.getMessage() for record in caplog.records if record.name == "outcomes.report"]
    assert lines == [
        f"Half-year report {H1} as csv for municipality {world.municipality.pk} unit {world.unit.pk} "
        f"by user {world.leader.pk}",
        f"Half-year report {H1} as api for municipality {world.municipality.pk} unit - by user {world.leader.pk}",
    ]


def test_the_api_is_in_the_schema_with_its_parameters_and_the_error_shape(tmp_path):
    import yaml
    from django.core.management import call_command

    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    operation = yaml.safe_load(path.read_text())["paths"]["/api/v1/reports/half-year/"]["get"]
    assert operation["operationId"] == "reports_half_year_retrieve"
    assert {p["name"]: p["in"] for p in operation["parameters"]} == {"periode": "query", "enhet": "query"}
    responses = operation["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404"}
    for code in ("400", "401", "403", "404"):
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    body = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/HalfYearReport")
