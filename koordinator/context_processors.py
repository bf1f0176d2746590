"""Template context shared by every page: the navigation for the user's roles and the bell."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koordinator import access, outbox


@dataclass(frozen=True)
class NavItem:
    name: str  # URL name; also how the current page is recognised
    label: str
    url: str
    current: bool


def _trust_person(a: access.Actor) -> bool:
    return bool(a.trust_person_unit_ids)


def _leader(a: access.Actor) -> bool:
    return bool(a.leader_municipality_ids)


# (URL name, label, which role shows it). Order is the order in the menu: each role's home first, then
# its daily work, then the rarer pages. Someone with two roles gets each link once.
_ITEMS = (
    ("worklist", _("Min arbeidsliste"), _trust_person),
    ("leader_overview", _("Saksoversikt"), _leader),
    ("appointments", _("Mine avtaler"), _trust_person),
    ("service_user_register", _("Ny bruker"), _trust_person),
    ("absences", _("Fravær"), lambda a: _trust_person(a) or _leader(a)),
    ("handover", _("Overføringsliste"), _trust_person),
    ("coverage", _("Dekning"), _leader),
    ("deputies", _("Faste stedfortredere"), _leader),
    ("print_queue", _("Brev til utskrift"), lambda a: _trust_person(a) or _leader(a)),
    ("my_page", _("Min side"), lambda a: a.service_user_id is not None),
    ("my_access_log", _("Hvem har sett opplysningene mine"), lambda a: a.service_user_id is not None),
    ("partner_home", _("Mine brukere"), lambda a: a.is_partner),
    ("my_groups", _("Mine ansvarsgrupper"), lambda a: a.is_partner),
    ("my_action_items", _("Mine oppgaver"), lambda a: a.is_partner),
    ("admin:index", _("Brukerkontoer"), lambda a: a.is_admin),
)


def nav_items(request) -> list[NavItem]:
    actor = access.actor_for(getattr(request, "user", None))
    if not actor.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current_name = match.view_name if match else None
    return [
        NavItem(name=name, label=str(label), url=reverse(name), current=name == current_name)
        for name, label, shown in _ITEMS
        if shown(actor)
    ]


class Bell:
    """The unread count in the header. Counted on first use only (one query), then kept for the request,
    so a page that never shows the header (or a JSON response) costs nothing."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def unread(self) -> int:
        return outbox.unread_count(self._user)


def bell_for(request) -> Bell | None:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return None
    # Kept on the request: several templates rendered in one request share one count.
    bell = getattr(request, "_koordinator_bell", None)
    if bell is None:
        bell = request._koordinator_bell = Bell(user)
    return bell


def navigation(request) -> dict:
    """``nav_items`` and ``bell`` for the header. Costs the two role queries of ``actor_for`` once per request
    (the roles are cached on ``request.user`` and shared with the views and the access gate) and one count
    for the bell when the header shows it."""
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": nav_items(request),
        "nav_current": match.view_name if match else "",
        "bell": bell_for(request),
    }
