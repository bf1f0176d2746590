"""The report's public structure (sections of tables of rows of cells) and THE suppression: raw cells that know
how many persons they describe, the relations between them, :func:`suppress` and :func:`publish` (see the package's
docstring)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from outcomes.report.period import HalfYear
    from outcomes.report.scope import Scope


# --- the public structure ----------------------------------------------------------------------------------------

SHOWN = "shown"
SMALL = "under_threshold"  # describes fewer than REPORT_MIN_PERSONS persons: «under 5»
HIDDEN = "hidden"  # secondary suppression: «skjult»
NONE = "not_available"  # nothing to show (no one answered, no position registered): «–»

COUNT, PERCENT, RATE, SIGNED, DECIMAL = "count", "percent", "rate", "signed", "decimal"


def minimum() -> int:
    return settings.REPORT_MIN_PERSONS


@dataclass(frozen=True)
class Cell:
    """One published figure. When it is not shown, ``value``, ``share`` and ``rate`` are all ``None``."""

    status: str = SHOWN
    value: float | None = None
    share: float | None = None  # per cent of its base
    rate: float | None = None  # per user per month, per full-time equivalent

    @property
    def shown(self) -> bool:
        return self.status == SHOWN


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    attr: str = "value"  # which of the cell's numbers
    format: str = COUNT


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    level: int = 0  # 1: a part of the row above («of which»)
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """What a chart shows (the page draws it as SVG, the PDF with reportlab): ``kind`` «bars» (one bar per row) or
    «shares» (parts of a whole in one bar); each bar is (label, value or ``None``, text)."""

    kind: str
    label: str
    bars: tuple[tuple[str, float | None, str], ...]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""
    chart: Chart | None = None

    def cells_by_column(self):
        """(row, [(column, cell), …]) for the templates."""
        return [(row, list(zip(self.columns, row.cells, strict=True))) for row in self.rows]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    period: HalfYear
    scope: Scope
    made_at: datetime.datetime
    complete: bool
    last_day: datetime.date
    has_data: bool
    min_persons: int
    sections: tuple[Section, ...]
    notice: str = ""  # why the period asked for was not used

    def figures(self):
        """(section, table, row, column, cell) for every figure, in order: what the CSV writes, one line each."""
        for section in self.sections:
            for table in section.tables:
                for row in table.rows:
                    for column, cell in zip(table.columns, row.cells, strict=True):
                        yield section, table, row, column, cell


def small_footnote() -> str:
    """The footnote of a table with a share, rate or mean of fewer than the threshold's persons."""
    return _("«–» i kolonnene for andel, snitt og per måned eller årsverk: skjult fordi tallet gjelder færre enn "
             "%(n)s personer.") % {"n": minimum()}


def number(value: float | None, fmt: str = COUNT) -> str:
    """A shown number the Norwegian way (decimal comma)."""
    if value is None:
        return "–"
    if fmt == COUNT:
        return number_format(int(round(value)))
    if fmt == PERCENT:
        return number_format(int(round(value)))
    if fmt == SIGNED:
        text = number_format(round(value, 2), decimal_pos=2)
        return f"+{text}" if value > 0 else text
    if fmt == RATE:
        return number_format(round(value, 1), decimal_pos=1)
    return number_format(round(value, 1), decimal_pos=1)


def cell_text(cell: Cell, column: Column | None = None) -> str:
    """What a cell shows: «under 5» (a count; «–» in a column of shares, rates or means, where «under 5» would read
    as «under 5 %»: the table's footnote says why), «skjult», «–», or the number in the column's format (with « %»
    for shares)."""
    if cell.status == SMALL:
        if column is not None and column.format != COUNT:
            return "–"
        return _("under %(n)s") % {"n": minimum()}
    if cell.status == HIDDEN:
        return _("skjult")
    attr, fmt = (column.attr, column.format) if column else ("value", COUNT)
    value = getattr(cell, attr)
    if cell.status == NONE or value is None:
        return "–"
    text = number(value, fmt)
    return f"{text} %" if fmt == PERCENT else text


# --- raw cells, the relations between them, and the suppression ----------------------------------------------------


@dataclass(eq=False)
class RawCell:
    """A figure before suppression: its value and how many distinct persons it describes."""

    value: float | None
    persons: int
    share: float | None = None
    rate: float | None = None
    status: str = SHOWN


@dataclass(eq=False)
class Relation:
    """``members`` add up to ``total`` (``closed``), or to at most ``total`` with the rest not shown (an open
    relation: a share's count and the remainder of its base). ``disjoint``: the members are different persons, so
    hidden ones together describe the sum of their persons."""

    total: RawCell
    members: list[RawCell]
    closed: bool = True
    disjoint: bool = True


@dataclass
class Cells:
    cells: list[RawCell] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # A figure computed from others that would give a hidden one away (a mean change with the counts of better and
    # worse), or one that counts the same persons as another (those who started work-related activity and O3's
    # «better»): hidden whenever one of those is.
    dependants: list[tuple[RawCell, list[RawCell]]] = field(default_factory=list)

    def add(self, value, persons: int, *, share=None, rate=None) -> RawCell:
        cell = RawCell(value, persons, share, rate)
        self.cells.append(cell)
        return cell

    def none(self) -> RawCell:
        cell = RawCell(None, 0, status=NONE)
        self.cells.append(cell)
        return cell

    def relate(self, total: RawCell, members: list[RawCell], *, closed: bool = True, disjoint: bool = True) -> None:
        self.relations.append(Relation(total, list(members), closed, disjoint))

    def depend(self, cell: RawCell, on: list[RawCell]) -> None:
        self.dependants.append((cell, list(on)))


def _hidden(cell: RawCell) -> bool:
    return cell.status in (SMALL, HIDDEN)


def _leaks(relation: Relation, least: int) -> bool:
    """Does what is shown of ``relation`` let a reader compute a hidden cell, or a group of hidden cells describing
    fewer than ``least`` persons?"""
    members = [m for m in relation.members if _hidden(m) and m.persons > 0]
    unknown = [(m.persons, m.status == SMALL) for m in members]
    total_hidden = _hidden(relation.total)
    if total_hidden:
        unknown.append((relation.total.persons, relation.total.status == SMALL))
    remainder = None
    if not relation.closed:
        rest = (relation.total.value or 0) - sum(m.value or 0 for m in relation.members)
        if rest > 0:
            remainder = (int(rest), 0 < rest < least)
            unknown.append(remainder)
    if not unknown:
        return False
    if len(unknown) == 1:
        # The one unknown is computable: a leak unless it is a remainder of ``least`` or more (never shown anyway).
        return unknown[0] is not remainder or remainder[1]
    if total_hidden or not any(small for _persons, small in unknown):
        return False
    if relation.disjoint:
        return sum(persons for persons, _small in unknown) < least
    return max(persons for persons, _small in unknown) < least


def _hide_one_more(relation: Relation, totals: set[int]) -> bool:
    """Hide the smallest figure still shown in ``relation`` (a member, preferring one that is not itself a total of
    another relation; the total last). Returns whether anything was hidden."""
    candidates = [m for m in relation.members if m.status == SHOWN and (m.value or 0) > 0]
    if candidates:
        cell = min(candidates, key=lambda m: (id(m) in totals, m.value, m.persons))
        cell.status = HIDDEN
        return True
    if relation.total.status == SHOWN and (relation.total.value or 0) > 0:
        relation.total.status = HIDDEN
        return True
    return False


def _recoverable(cells: Cells) -> list[RawCell]:
    """The hidden cells whose value the closed relations *together* fix: each relation is a linear equation (the
    total minus its members is 0) in the hidden cells, the shown ones being numbers; a hidden cell is fixed when
    its unit vector lies in the equations' row space (exact Gauss–Jordan elimination with fractions). One relation
    at a time misses a cell given away by two: «Fengselsbesøk» is the contacts' total minus the other kinds, and
    the two kinds hidden with it are, together, the cooperation's shown total."""
    hidden = [cell for cell in cells.cells if _hidden(cell) and cell.value is not None]
    index = {id(cell): i for i, cell in enumerate(hidden)}
    matrix = []
    for relation in cells.relations:
        if not relation.closed:
            continue
        row = [Fraction(0)] * len(hidden)
        for cell, sign in [(relation.total, 1), *((m, -1) for m in relation.members)]:
            if id(cell) in index:
                row[index[id(cell)]] += sign
        if any(row):
            matrix.append(row)
    fixed, top = [], 0
    for col in range(len(hidden)):
        pivot = next((r for r in range(top, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[top], matrix[pivot] = matrix[pivot], matrix[top]
        lead = matrix[top][col]
        matrix[top] = [x / lead for x in matrix[top]]
        for r, other in enumerate(matrix):
            if r != top and other[col]:
                factor = other[col]
                matrix[r] = [a - factor * b for a, b in zip(other, matrix[top], strict=True)]
        top += 1
    for row in matrix[:top]:
        nonzero = [i for i, x in enumerate(row) if x]
        if len(nonzero) == 1:
            fixed.append(hidden[nonzero[0]])
    return fixed


def _hide_for(cell: RawCell, cells: Cells, totals: set[int]) -> bool:
    """Hide the smallest figure still shown in a closed relation with ``cell`` (a member that is not itself a total
    first, a total last). Returns whether anything was hidden."""
    candidates = []
    for relation in cells.relations:
        if relation.closed and (relation.total is cell or any(m is cell for m in relation.members)):
            for other in (relation.total, *relation.members):
                if other.status == SHOWN and (other.value or 0) > 0:
                    candidates.append(other)
    if not candidates:
        return False
    min(candidates, key=lambda m: (id(m) in totals, m.value, m.persons)).status = HIDDEN
    return True


def suppress(cells: Cells, least: int) -> None:
    """THE suppression: every figure the page, PDF, CSV and API show has been through here (see the module)."""
    for cell in cells.cells:
        if cell.status == SHOWN and 0 < cell.persons < least:
            cell.status = SMALL
    totals = {id(relation.total) for relation in cells.relations}
    changed = True
    while changed:
        changed = False
        for relation in cells.relations:
            if _leaks(relation, least) and _hide_one_more(relation, totals):
                changed = True
        # A figure hidden with another may itself be part of a relation: round again until nothing changes.
        for cell, on in cells.dependants:
            if cell.status == SHOWN and any(_hidden(other) for other in on):
                cell.status = HIDDEN
                changed = True
        if not changed:
            # Every relation on its own gives nothing away: the relations together may (a chain of sums across
            # tables). Hide one more figure for the first cell they fix, and round again.
            changed = any(_hide_for(cell, cells, totals) for cell in _recoverable(cells)[:1])


def publish(raw: RawCell) -> Cell:
    """The public cell: a figure that is not shown carries no number at all."""
    if raw.status != SHOWN:
        return Cell(status=raw.status)
    return Cell(status=SHOWN, value=raw.value, share=raw.share, rate=raw.rate)
