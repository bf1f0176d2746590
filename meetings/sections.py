"""The meetings' parts of the core's pages (``koordinator.sections``): «Neste møte» on Min side, and «Mine
ansvarsgrupper» with «Mine oppgaver» on the partner's home."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import AccessEvent
from koordinator.sections import (
    CASE_LINKS,
    LEADER_LINKS,
    MY_PAGE,
    PARTNER_HOME,
    PERSON_LINKS,
    Link,
    Section,
    register_page_link,
    register_page_section,
)
from meetings import selectors
from meetings.models import Group

# How many of the partner's own action items the home shows; «Mine oppgaver» has them all.
ITEMS_SHOWN = 5


@register_page_section(MY_PAGE, order=30)
def next_meeting(request) -> Section:
    """«Neste møte» on Min side: the owner's next meeting (time, place in their words, a link to send apologies or
    propose a point) and the minutes waiting for their answer. Two queries (three with a meeting)."""
    user = request.user
    context = {"meeting": selectors.next_meeting_for_owner(user), "awaiting": selectors.minutes_awaiting_owner(user)}
    return Section("meetings/partials/next_meeting_box.html", context)


@register_page_section(PARTNER_HOME, order=10)
def partner_groups(request) -> Section | None:
    """«Mine ansvarsgrupper» (the next meeting in each group) and the first of «Mine oppgaver». A fixed number of
    queries; the people named are written to their access log here, where it is decided what is shown. Left out
    while empty for someone at an emergency service (legevakt), who does not sit in groups (issue 12)."""
    from plans.crisis.services import is_emergency_member

    user = request.user
    summaries = selectors.my_groups(user)
    items = list(selectors.my_action_items(user)[:ITEMS_SHOWN + 1])
    if not summaries and not items and is_emergency_member(user):
        return None
    more = len(items) > ITEMS_SHOWN
    items = items[:ITEMS_SHOWN]
    shown = {s.group.follow_up.service_user_id for s in summaries} | {i.group.follow_up.service_user_id for i in items}
    access.record_access(user, shown, gettext_lazy("Ansvarsgrupper og oppgaver på «Mine brukere»"), AccessEvent.Channel.WEB,
                         listing=True)
    context = {"summaries": summaries, "items": items, "more": more, "today": timezone.localdate()}
    return Section("meetings/partials/partner_groups.html", context)


@register_page_link(CASE_LINKS, order=30)
def group_link(request, case) -> Link | None:
    """For the case's staff always (they make the group); for anyone else only when the gate shows them a group of
    the case (a partner: as a member, under the meetings consent), never a link to a page with nothing on it."""
    if not access.is_case_staff(request.user, case.pk) and not (
        Group.objects.for_user(request.user).filter(follow_up_id=case.pk).exists()
    ):
        return None
    return Link(_("Ansvarsgruppe"), reverse("group_for_case", args=[case.pk]))


@register_page_link(PERSON_LINKS, order=30)
def person_group_link(request, service_user) -> Link | None:
    """The person's responsibility group when the gate shows it to the reader (a partner: as a member); under a
    meetings consent without membership, a plain sentence. Two queries at most."""
    from koordinator.models import Consent

    group = (
        Group.objects.for_user(request.user)
        .filter(follow_up__service_user_id=service_user.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    if group is not None:
        return Link(_("Ansvarsgruppe"), reverse("group_detail", args=[group.pk]))
    if access.has_consent(request.user, service_user.pk, Consent.Scope.MEETINGS):
        return Link(_("Du er ikke med i en ansvarsgruppe for personen ennå."))
    return None


@register_page_link(LEADER_LINKS, order=10)
def leader_meetings_link(request) -> Link:
    return Link(_("Ansvarsgrupper: oppmøte og oppgaver"), reverse("leader_meetings"))
