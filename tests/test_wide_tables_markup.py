"""Every data table in the templates sits in its own scrolling box: ``<div class="table-scroll" tabindex="0"
role="region" aria-label="…">``. On a 375 px phone a wide table then scrolls inside the box instead of being cut
off or widening the page, a keyboard can scroll it (axe's «scrollable-region-focusable»), and a screen reader
hears what the region holds. The browser test (``tests/e2e/test_wide_tables.py``) checks the same on the pages."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TABLE = re.compile(r'<table\b[^>]*class="[^"]*\bds-table\b')
BOX = re.compile(r'<div class="table-scroll"([^>]*)>')


def test_every_data_table_is_in_a_focusable_named_scrolling_box():
    problems, seen = [], 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text()
        for table in TABLE.finditer(source):
            seen += 1
            before = source[:table.start()]
            boxes = list(BOX.finditer(before))
            where = f"{path.relative_to(TEMPLATES)}:{before.count(chr(10)) + 1}"
            if not boxes or "</div>" in before[boxes[-1].end():] or "<table" in before[boxes[-1].end():]:
                problems.append(f"{where}: the table is not directly in a .table-scroll box")
                continue
            attrs = boxes[-1].group(1)
            if 'tabindex="0"' not in attrs or 'role="region"' not in attrs or not re.search(r'aria-label="[^"]+"',
                                                                                             attrs):
                problems.append(f'{where}: the box needs tabindex="0", role="region" and an aria-label')
    assert seen >= 15, seen
    assert not problems, "\n".join(problems)
