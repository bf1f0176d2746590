"""Template tags for other apps' pages: «Neste møte» on Min side, and «Mine ansvarsgrupper» with «Mine oppgaver» on
the partner's home."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import access
from koordinator.models import AccessEvent
from meetings import selectors

register = template.Library()

# How many of the partner's own action items the home shows; «Mine oppgaver» has them all.
ITEMS_SHOWN = 5


@register.inclusion_tag("meetings/partials/next_meeting_box.html", takes_context=True)
def next_meeting_section(context) -> dict:
    """«Neste møte» on Min side: the owner's next meeting (time, place in their words, a link to send apologies or propose a point) and the
    minutes waiting for their answer. Two queries (three with a meeting)."""
    user = context["request"].user
    return {
        "meeting": selectors.next_meeting_for_owner(user),
        "awaiting": selectors.minutes_awaiting_owner(user),
    }


@register.inclusion_tag("meetings/partials/partner_groups.html", takes_context=True)
def partner_groups_section(context) -> dict:
    """«Mine ansvarsgrupper» (the next meeting in each group) and the first of «Mine oppgaver». A fixed number of
    queries; the names shown are written to each user's access log."""
    user = context["request"].user
    summaries = selectors.my_groups(user)
    items = list(selectors.my_action_items(user)[:ITEMS_SHOWN + 1])
    more = len(items) > ITEMS_SHOWN
    items = items[:ITEMS_SHOWN]
    shown = {s.group.follow_up.service_user_id for s in summaries} | {i.group.follow_up.service_user_id for i in items}
    access.record_access(user, shown, str(_("Ansvarsgrupper og oppgaver på «Mine brukere»")),
                         AccessEvent.Channel.WEB)
    return {"summaries": summaries, "items": items, "more": more, "today": timezone.localdate()}


@register.filter
def member_name(member, case) -> str:
    """A member's name given the group's case (no query: ``GroupMember.name_in``)."""
    return member.name_in(case) if member is not None and case is not None else ""


@register.filter
def diff_op(op: str) -> str:
    """The words for a line of a diff, so the change is not told by colour alone."""
    return {"+": _("Lagt til"), "-": _("Tatt bort")}.get(op, _("Uendret"))
