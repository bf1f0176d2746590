"""Template filters for the meetings' pages (the parts on the core's pages are in ``meetings.sections``)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def member_name(member, case) -> str:
    """A member's name given the group's case (no query: ``GroupMember.name_in``)."""
    return member.name_in(case) if member is not None and case is not None else ""


@register.filter
def diff_op(op: str) -> str:
    """The words for a line of a diff, so the change is not told by colour alone."""
    return {"+": _("Lagt til"), "-": _("Tatt bort")}.get(op, _("Uendret"))
