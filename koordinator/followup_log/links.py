"""What a log entry can point at, plugged in by the apps: the core's follow-up log knows no plan.

Dependencies point one way (DESIGN.md: meetings → plans → koordinator). A log entry may say which of the plan's
steps (*delmål*) the contact was about, but that link is owned by the plans app (``plans/logged_steps.py``: the
``LoggedStep`` model, its history and its rules) and plugs in here, as the worklist and the handover list do.
Everything in the follow-up log that touches a link asks this registry:

* the services accept one keyword per link (``create_entry(..., steps=[step])``), ``clean`` it, and ``save`` it
  after the entry (with history, in the same transaction);
* the reads prefetch what the reader may see of each link into ``entry.visible_<name>``; ``entry.link_tags`` names
  them on the pages (``Delmål: Ringe boligkontoret``);
* the full entry form gets a checkbox list per link (``choices``), and the API a list of ids per link, for reading
  and writing.

With no app registered, an entry has no links and the log works as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Prefetch, QuerySet


@dataclass(frozen=True)
class EntryLink:
    """One kind of object a log entry can point at.

    ``name`` is the keyword in the services, the form field and the API field, and the reverse relation on the
    entry (``entry.steps``). ``label`` names it in a change's history reason («delmål»), ``form_label`` on the
    form («Delmål i planen»); ``help_text`` and ``write_help_text`` describe it in the API (reading, writing).
    The callables:

    * ``model()`` — the linked model (asked for late: the app's models may not be loaded when it registers);
    * ``choices(user, case)`` — what an entry in ``case`` may name, through the gate (the form's choices);
    * ``nameable(user)`` — what ``user`` may name in any case (the API's choices; the service then checks the
      case);
    * ``visible(user)`` — what ``user`` may see of the linked objects, through the gate, in the order the pages
      show them (the reads; the API lists the ids in ascending order);
    * ``clean(case, items)`` — the items, checked; raises ``ServiceError`` (field ``name``) when one does not
      belong to the case;
    * ``save(actor, entry, items)`` — make the entry point at exactly ``items``, with history;
    * ``tag(item)`` — a few words naming one item on the entry («Delmål: Ringe boligkontoret»);
    * ``choice_label(item)`` — the item as a checkbox's label.
    """

    name: str
    label: Any
    form_label: Any
    help_text: Any
    write_help_text: Any
    model: Callable[[], type[Model]]
    choices: Callable[[Any, Any], QuerySet]
    nameable: Callable[[Any], QuerySet]
    visible: Callable[[Any], QuerySet]
    clean: Callable[[Any, list], list]
    save: Callable[[Any, Any, list], None]
    tag: Callable[[Any], str]
    choice_label: Callable[[Any], str] = str

    @property
    def visible_attr(self) -> str:
        return f"visible_{self.name}"

    def prefetch(self, user) -> Prefetch:
        """What ``user`` may see of this link, into ``entry.visible_<name>`` (one query per link)."""
        return Prefetch(self.name, queryset=self.visible(user), to_attr=self.visible_attr)

    def current(self, entry) -> list:
        return list(getattr(entry, self.name).all())


_LINKS: dict[str, EntryLink] = {}


def register_entry_link(link: EntryLink) -> EntryLink:
    """Plug a link in (from the app's ``AppConfig.ready``); registering the same name again replaces it."""
    _LINKS[link.name] = link
    return link


def entry_links() -> Sequence[EntryLink]:
    return tuple(_LINKS.values())


def link_names() -> tuple[str, ...]:
    return tuple(_LINKS)


def prefetches(user) -> list[Prefetch]:
    return [link.prefetch(user) for link in entry_links()]


def tags(entry) -> list[str]:
    """The linked objects the reader may see (prefetched by the reads), each in a few words."""
    return [link.tag(item) for link in entry_links() for item in getattr(entry, link.visible_attr, ())]


def visible_ids(entry, name: str) -> list[int]:
    return sorted(item.pk for item in getattr(entry, _LINKS[name].visible_attr, ()))


def clean_all(case, data: dict) -> dict[str, list]:
    """Every link's items in ``data`` (missing: none), checked."""
    return {link.name: link.clean(case, list(data.get(link.name) or ())) for link in entry_links()}


def current_all(entry) -> dict[str, list]:
    return {link.name: link.current(entry) for link in entry_links()}


def changed_links(before: dict[str, Iterable], after: dict[str, Iterable]) -> list[EntryLink]:
    return [
        link for link in entry_links()
        if {item.pk for item in before.get(link.name, ())} != {item.pk for item in after.get(link.name, ())}
    ]
