"""No hidden figure of the half-year report can be computed back from the shown ones (issue 14, a new user's trial).

The relations are written out here from what the report publishes, by table and row, independently of the report's
own list: a table's total and its parts, a figure shown in two tables (the open cases and the caseload's «Alle
tillitspersoner»), and the totals that cross tables (the contacts by kind and by place, «På telefon eller SMS» and
«Telefon» + «SMS», the cooperation's «I alt» and «Møte med annen tjeneste» + «Fulgt til avtale»). Every hidden cell
(«under 5» or «skjult») is an unknown; the shown ones are numbers; the relations together are a system of linear
equations. A hidden cell is recoverable when the equations fix its value (its unit vector lies in the row space):
a reader with a pencil, combining any of the sums, could write it down. None may be.

The demo's Trondheim (both half-years of the demo test) and a crafted case: a small kind of contact that was the
total minus the other kinds, once the cooperation's total minus a shown kind gave a hidden one back.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import time_machine
from django.utils import timezone

from koordinator.models import FollowUpEntry, Municipality
from koordinator.timeutil import at
from outcomes import report
from tests.outcomes.report_helpers import CLOCK, IN_H1, cases
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db
Kind = FollowUpEntry.Kind
Key = tuple[str, str, str]  # (table, row, column)


def _cells(built) -> dict[Key, report.Cell]:
    return {(table.key, row.key, column.key): cell for _section, table, row, column, cell in built.figures()}


def _relations(cells: dict[Key, report.Cell]) -> list[tuple[Key, list[Key]]]:
    """(total, parts) for every sum a reader can form from the published tables."""
    def rows(table: str, prefix: str, column: str = "value") -> list[Key]:
        return [k for k in cells if k[0] == table and k[1].startswith(prefix) and k[2] == column]

    v = "value"
    relations = [
        (("cases", "cases", v), [("cases", "open_end", v), ("cases", "ended", v)]),
        (("cases", "open_end", v), [("cases", "intake", v), ("cases", "active", v), ("cases", "dormant", v)]),
        (("cases", "new", v), rows("referral", "source_")),
        (("cases", "ended", v), rows("ending", "reason_")),
        (("cases", "open_end", v), rows("caseload", "trust_person_")),
        (("cases", "open_end", v), [("caseload", "total", v)]),  # the same figure, shown twice
        (("contacts_kind", "total", v), rows("contacts_kind", "kind_")),
        (("contacts_kind", "total", v), rows("contacts_place", "place_")),
        (("contacts_place", "place_phone", v), [("contacts_kind", "kind_phone", v), ("contacts_kind", "kind_sms", v)]),
        (("contacts_services", "total", v),
         [("contacts_kind", "kind_other_service", v), ("contacts_kind", "kind_accompanied", v)]),
        (("contacts_services", "total", v), rows("contacts_services", "service_")),
    ]
    if ("referral", "source_agency", v) in cells:
        relations.append((("referral", "source_agency", v), rows("referral", "agency_")))
    for table, row, column in cells:
        if table == "meetings" and row.startswith("organisation_") and column == v:
            relations.append(((table, row, v), [(table, row, c) for c in ("present", "apologies", "absent", "none")]))
    return [(total, parts) for total, parts in relations if parts]


def recoverable(built) -> list[Key]:
    """The hidden cells whose value the published sums fix (exact Gauss–Jordan elimination over the unknowns)."""
    cells = _cells(built)
    hidden = sorted({k for k, cell in cells.items() if cell.status in (report.SMALL, report.HIDDEN)})
    index = {k: i for i, k in enumerate(hidden)}
    matrix = []
    for total, parts in _relations(cells):
        row = [Fraction(0)] * len(hidden)
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
        if any(row):
            matrix.append(row)
    pivot_row = 0
    for col in range(len(hidden)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [x / lead for x in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col]:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    return [hidden[row.index(1)] for row in matrix[:pivot_row] if sum(1 for x in row if x) == 1]


# --- a crafted case -------------------------------------------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(at(CLOCK, 9), tick=False) as traveller:
        yield traveller


def test_a_small_kind_is_not_the_total_minus_the_others_and_the_cooperation(world, clock):
    """40 users: each talked on the phone, met another service and was followed to an appointment (several
    times), 4 of them had a prison visit. The kind «Fengselsbesøk» is «under 5»: the total minus the other
    kinds gives it, unless one of them is hidden; hiding «Møte med annen tjeneste» alone is not enough while the
    cooperation's «I alt» and «Fulgt til avtale» are shown."""
    people = cases(world, 40)
    rows = []
    for i, case in enumerate(people):
        kinds = [Kind.PHONE, Kind.PHONE, Kind.OTHER_SERVICE, Kind.ACCOMPANIED, Kind.ACCOMPANIED]
        if i < 4:
            kinds.append(Kind.PRISON_VISIT)
        rows += [FollowUpEntry(follow_up=case, written_by=world.trust_person, kind=kind, note="Samtale",
                               started_at=at(IN_H1, 8 + n)) for n, kind in enumerate(kinds)]
    FollowUpEntry.objects.bulk_create(rows)
    scope = report.scopes_for(world.leader)[0]
    built = report.build(world.leader, scope, report.HalfYear(2026, 1), today=CLOCK)
    cells = _cells(built)
    assert cells[("contacts_kind", "kind_prison_visit", "value")].status == report.SMALL
    assert recoverable(built) == []


# --- the demo's Trondheim --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


def test_no_hidden_figure_of_the_demo_can_be_computed_back(seeded):
    from koordinator.models import User

    today = timezone.localdate()
    current = report.HalfYear.containing(today)
    leader = User.objects.get(username="leder")
    scope = report.scopes_for(leader)[0]
    assert scope.municipality == Municipality.objects.get(name="Trondheim kommune")
    checked = 0
    for period in (current.previous(), current):
        built = report.build(leader, scope, period, today=today)
        cells = _cells(built)
        checked += sum(1 for cell in cells.values() if cell.status in (report.SMALL, report.HIDDEN))
        assert recoverable(built) == [], period.code
    assert checked, "the demo has hidden figures to check"
