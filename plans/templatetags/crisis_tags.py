"""Template tags for other apps' pages: the emergency-access link on the partner's home."""

from __future__ import annotations

from django import template

from plans.crisis import services

register = template.Library()


@register.inclusion_tag("plans/crisis/partials/emergency_link.html", takes_context=True)
def emergency_search_link(context) -> dict:
    """A link to «Kriseplan: nødtilgang» for members of an emergency service (legevakt); nothing for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": user is not None and services.is_emergency_member(user)}
