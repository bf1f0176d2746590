"""The page side of living documents: the conflict page and the PDF response.

The conflict page is one template (``koordinator/conflict.html``) fed by the view: a stale save is refused and
the page shows the writer's text and the stored text side by side, with a form to save again (DESIGN.md rule
4). :func:`merge` does the three-way merge against the version the writer started from; the view gives the
values per field, and the words (title, back link, the save button) and the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from koordinator.toolkit.living import VersionConflict


@dataclass(frozen=True)
class ConflictWords:
    """What the conflict page says about this kind of document (translated strings)."""

    title: str
    back_label: str
    save_label: str


def base_record(conflict: VersionConflict):
    """The history record of the version the writer started from (``None`` if it is not found)."""
    return (conflict.document.history.filter(version=conflict.based_on_version)
            .order_by("-history_date", "-history_id").first())


def merge(names: Iterable[str], values: Callable[[str], tuple], label: Callable[[str], str]) -> tuple[dict, list]:
    """A three-way merge of a refused save. ``values(name)`` gives (mine, stored, before); ``before`` is ``None``
    when the starting version is not known.

    A part only the writer changed takes their change; a part both changed keeps the stored text in the form, and
    the writer's own text stands next to it to copy from. Returns the form's initial values and the rows to show.
    """
    merged, rows = {}, []
    for name in names:
        mine, stored, before = values(name)
        if isinstance(mine, str) and isinstance(stored, str):
            same = mine.strip() == stored.strip()
        else:
            same = mine == stored
        merged[name] = mine if same or (before is not None and stored == before) else stored
        if not same:
            rows.append({
                "name": name,
                "label": label(name),
                "mine": mine,
                "stored": stored,
                "both_changed": before is None or (stored != before and mine != before),
            })
    return merged, rows


def conflict_response(request: HttpRequest, conflict: VersionConflict, *, words: ConflictWords, rows: list, form,
                      fields_template: str, back_url: str, action_url: str, stylesheet: str = "",
                      **context) -> HttpResponse:
    """The conflict page (409): both texts side by side and the merged form to save again."""
    context.update({
        "conflict": conflict, "rows": rows, "form": form, "words": words, "fields_template": fields_template,
        "back_url": back_url, "action_url": action_url, "stylesheet": stylesheet,
    })
    return render(request, "koordinator/conflict.html", context, status=409)


def pdf_response(filename: str, mimetype: str, content: bytes) -> HttpResponse:
    """A rendered PDF (plan, crisis plan, minutes, letters) shown in the browser."""
    response = HttpResponse(content, content_type=mimetype)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "no-store"
    return response
