"""Helpers for the half-year report's tests (``tests/outcomes/test_report*.py``).

The tests run on Monday 23 November 2026 (``CLOCK``): the default half-year is then 2026-H1 (January–June 2026), the
last completed one. Cases are made with the factories (so they have their history, as the report reads it).
"""

from __future__ import annotations

import datetime
import io
import re

from pypdf import PdfReader

from koordinator.models import FollowUp
from tests import factories as f

CLOCK = datetime.date(2026, 11, 23)
H1 = "2026-H1"
IN_H1 = datetime.date(2026, 3, 2)
BEFORE_H1 = datetime.date(2025, 9, 1)


def cases(world, n: int, *, started_on=IN_H1, status=FollowUp.Status.ACTIVE,
          source=FollowUp.ReferralSource.SELF, ended_on=None, reason="", trust_person=None, unit=None, **extra):
    """``n`` cases (each a person of its own) in the world's unit, or ``unit``."""
    unit = unit or world.unit
    return [
        f.FollowUpFactory(
            unit=unit, service_user=f.ServiceUserFactory(municipality=unit.municipality),
            trust_person=trust_person or world.trust_person, started_on=started_on, status=status,
            referral_source=source, ended_on=ended_on, ending_reason=reason, **extra,
        )
        for _ in range(n)
    ]


def api_cells(data: dict) -> dict[tuple[str, str, str], dict]:
    """The API's cells by (table, row, column)."""
    return {
        (table["key"], row["key"], cell["column"]): cell
        for section in data["sections"] for table in section["tables"] for row in table["rows"]
        for cell in row["cells"]
    }


def page_row(html: str, table: str, row: str) -> list[str]:
    """The texts in the cells of a row of the page's table (``data-key``), in order."""
    part = html[html.index(f'id="tabell-{table}"'):]
    part = part[:part.index("</table>")]
    match = re.search(rf'data-key="{re.escape(row)}">(.*?)</tr>', part, re.S)
    assert match, f"no row {row} in {table}"
    return [text.strip() for text in re.findall(r'<td class="numeric">(.*?)</td>', match.group(1), re.S)]


def csv_rows(response) -> list[list[str]]:
    import csv

    raw = response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def pdf_lines(response) -> str:
    """The PDF's text, every run of white space made one space."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
