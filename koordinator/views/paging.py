"""Pages of a list in one query: the rows of the page and how many there are in all."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def one_query_page(rows: QuerySet, size: int, number) -> Page:
    """``Paginator(rows, size).get_page(number)`` in one query instead of two: the page's rows carry how many rows
    there are in all (``COUNT(*) OVER ()``), so the paginator need not count them first. A number that is not a
    plain page number, or a page past the end, is left to ``get_page`` (the first or the last page, as before).

    For lists of tens or hundreds of rows (a case's log, a municipality's cases): the database reads every row of
    the list to count them, as ``COUNT(*)`` does, rather than stopping at the page. Not for ``distinct()`` lists
    (the window counts before rows are made distinct): those are left to the paginator."""
    paginator = Paginator(rows, size)
    if rows.query.distinct or number not in (None, "") and not _plain_page_number(number):
        return paginator.get_page(number)
    number = int(number or 1)
    bottom = (number - 1) * size
    found = list(rows.annotate(rows_in_all=Window(Count("pk")))[bottom:bottom + size])
    if not found and number > 1:
        return paginator.get_page(number)
    paginator.count = found[0].rows_in_all if found else 0  # the cached property, known now
    return Page(found, number, paginator) if found else paginator.page(number)


def _plain_page_number(number) -> bool:
    """1, 2, … 999999999 written with ASCII digits. Anything else goes to ``get_page``: «²» is a digit to
    ``str.isdigit`` but not to ``int``, and a number of twenty digits would not fit the database's OFFSET."""
    return isinstance(number, str) and number.isascii() and number.isdigit() and len(number) <= 9 and int(number) >= 1
