"""Who reads a plan page: ``{% reader_owns plan as own %}`` is true when the reader is the person the plan (or the
crisis plan) is about. Their pages speak to them: «Planen din», no version numbers (staff keep them)."""

from __future__ import annotations

from django import template

from koordinator import access

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_owns(context, document) -> bool:
    request = context.get("request")
    owner_id = getattr(document, "service_user_id", None)
    if owner_id is None:
        owner_id = document.follow_up.service_user_id
    return access.is_owner(getattr(request, "user", None), owner_id)
