"""Page sections: how the apps put their parts on the core's pages without the core knowing them.

The core never imports an app (DESIGN.md: meetings → plans → koordinator). *Min arbeidsliste* and the handover
list already take the apps' parts through registries (``selectors.register_worklist_section``,
``continuity.register_handover_section``); the other core pages do the same here. An app registers a function
for a page and a place on it; the core's view calls :func:`render_sections`, which runs each function and
renders what it returns. The function runs in the view, before the page is rendered, so what it reads it may
record in the access log there (nothing is written while a template renders)::

    @register_page_section(MY_PAGE, order=10)
    def my_plan(request) -> Section | None:
        return Section("plans/partials/my_plan_box.html", {...})

The pages and their places are the constants below; a section returns ``None`` to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# Min side, between the case and the consents.
MY_PAGE = "my_page"
# The partner's home (*Mine brukere*): at the top, and after the list of users.
PARTNER_HOME_TOP = "partner_home_top"
PARTNER_HOME = "partner_home"


@dataclass(frozen=True)
class Section:
    """What a section shows: a template and its context."""

    template: str
    context: dict = field(default_factory=dict)


_SECTIONS: dict[str, list[tuple[int, Callable[[HttpRequest], Section | None]]]] = {}


def register_page_section(place: str, *, order: int = 0):
    """Put the decorated ``fn(request) -> Section | None`` on ``place``; lower ``order`` comes first."""

    def decorator(fn: Callable[[HttpRequest], Section | None]):
        entries = _SECTIONS.setdefault(place, [])
        entries.append((order, fn))
        entries.sort(key=lambda entry: entry[0])
        return fn

    return decorator


def render_sections(request: HttpRequest, place: str) -> list[SafeString]:
    """The HTML of every section registered for ``place``, in order (for the view's context)."""
    html = []
    for _order, fn in _SECTIONS.get(place, []):
        section = fn(request)
        if section is not None:
            html.append(mark_safe(render_to_string(section.template, section.context, request=request)))
    return html
