"""Template context shared by every page: the navigation for the user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koordinator import access


@dataclass(frozen=True)
class NavItem:
    name: str  # URL name; also how the current page is recognised
    label: str
    url: str
    current: bool


# (URL name, label, which role shows it). Order is the order in the menu.
_ITEMS = (
    ("worklist", _("Min arbeidsliste"), lambda a: bool(a.trust_person_unit_ids)),
    ("service_user_register", _("Ny bruker"), lambda a: bool(a.trust_person_unit_ids)),
    ("leader_overview", _("Saksoversikt"), lambda a: bool(a.leader_municipality_ids)),
    ("my_page", _("Min side"), lambda a: a.service_user_id is not None),
    ("my_access_log", _("Hvem har sett opplysningene mine"), lambda a: a.service_user_id is not None),
    ("partner_home", _("Mine brukere"), lambda a: a.is_partner),
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


def navigation(request) -> dict:
    """``nav_items`` for the header. Costs the two role queries of ``actor_for`` once per request, no more:
    the roles are cached on ``request.user`` and shared with the views and the access gate."""
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": nav_items(request),
        "nav_current": match.view_name if match else "",
    }
