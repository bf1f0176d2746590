"""Page sections: how the apps put their parts on the core's pages without the core knowing them.

The core never imports an app (DESIGN.md: meetings → plans → koordinator). *Min arbeidsliste* and the handover
list already take the apps' parts through registries (``selectors.register_worklist_section``,
``continuity.register_handover_section``); the other core pages do the same here. An app registers a function
for a page and a place on it; the core's view calls :func:`render_sections`, which runs each function and
renders what it returns. The function runs in the view, before the page is rendered, so what it reads it may
record in the access log there (nothing is written while a template renders)::

    @register_page_section(MY_PAGE_FIRST, order=10)
    def my_plan(request) -> Section | None:
        return Section("plans/partials/my_plan_box.html", {...})

The pages and their places are the constants below; a section returns ``None`` to show nothing.

Links work the same way: an app puts a link to its part on a core page (the case page's «Individuell plan»,
«Kriseplan», «Ansvarsgruppe»; the leader's overview) with :func:`register_page_link`, and the view lists them
with :func:`page_links`::

    @register_page_link(CASE_LINKS, order=10)
    def plan_link(request, case) -> Link:
        return Link(_("Individuell plan"), reverse("plan_for_case", args=[case.pk]))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# Min side: what the user needs first, right after «Kontakten din nå» and the next appointment (their next steps,
# their crisis plan), within the first two screens of a phone; and further down, after the messages and the case.
MY_PAGE_FIRST = "my_page_first"
MY_PAGE = "my_page"
# The partner's home (*Mine brukere*): at the top, and after the list of users.
PARTNER_HOME_TOP = "partner_home_top"
PARTNER_HOME = "partner_home"
# Links: the case page (called with ``case``), the person page for a partner (called with ``service_user``: what
# the owner's consent lets the reader open), and the leader's overview.
CASE_LINKS = "case_links"
PERSON_LINKS = "person_links"
LEADER_LINKS = "leader_links"


@dataclass(frozen=True)
class Section:
    """What a section shows: a template and its context."""

    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A link to an app's part of the case or the municipality, shown on a core page.

    Without ``url`` it is a plain sentence instead of a link: something the reader would reach that does not exist
    yet («Det finnes ingen individuell plan ennå.»).
    """

    text: str
    url: str = ""


_SECTIONS: dict[str, list[tuple[int, Callable[..., Section | Link | None]]]] = {}


def register_page_section(place: str, *, order: int = 0):
    """Put the decorated ``fn(request) -> Section | None`` on ``place``; lower ``order`` comes first."""

    def decorator(fn: Callable[[HttpRequest], Section | None]):
        entries = _SECTIONS.setdefault(place, [])
        entries.append((order, fn))
        entries.sort(key=lambda entry: entry[0])
        return fn

    return decorator


def register_page_link(place: str, *, order: int = 0):
    """Put the decorated ``fn(request, **context) -> Link | None`` on ``place``; lower ``order`` comes first.

    A link shown to someone must open for them (issue 12): ``fn`` returns ``None`` unless the page it links to would
    answer the reader, and asks the same question that page asks (one function both call, not a copy of the rule).
    """
    return register_page_section(place, order=order)


def page_links(request: HttpRequest, place: str, **context) -> list[Link]:
    """The links registered for ``place``, in order; ``context`` is what the page passes (``case``)."""
    links = (fn(request, **context) for _order, fn in _SECTIONS.get(place, []))
    return [link for link in links if link is not None]


def render_sections(request: HttpRequest, place: str) -> list[SafeString]:
    """The HTML of every section registered for ``place``, in order (for the view's context)."""
    html = []
    for _order, fn in _SECTIONS.get(place, []):
        section = fn(request)
        if section is not None:
            html.append(mark_safe(render_to_string(section.template, section.context, request=request)))
    return html
