"""Retention on the core's pages: «Oppbevaring og sletting» on the leader's overview (for whoever the page answers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.sections import LEADER_LINKS, Link, register_page_link


def may_see(user) -> bool:
    """The page is for the leaders of a municipality (the page and this link both ask it)."""
    from koordinator import access

    return bool(access.actor_for(user).leader_municipality_ids)


@register_page_link(LEADER_LINKS, order=60)
def retention_link(request) -> Link | None:
    if not may_see(request.user):
        return None
    return Link(_("Oppbevaring og sletting"), reverse("retention_overview"))
