"""The meetings' part of the deputy's handover list (registered with ``koordinator.continuity``).

When a trust person is away, the deputy's list shows, for each user they cover, the action items due during the
absence and the group's meetings in it. A meeting the absent person chairs is flagged: the leader moves it or hands
the chair on (``meetings.services.hand_over_chair``; the leader's own list is
``meetings.selectors.meetings_needing_a_chair``).
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from koordinator.continuity import Covers, HandoverItem, register_handover_section
from koordinator.timeutil import day_bounds, no_date, no_datetime
from meetings.models import ActionItem, Group, Meeting


def url(name: str, *args) -> str:
    """The page's address, or ``""`` while the page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register_handover_section
def meetings_section(covers: Covers) -> dict[tuple[int, int], list[HandoverItem]]:
    """Two queries however many absences and cases: open action items due in the periods, and planned meetings
    in them."""
    by_id = covers.cases
    items: dict[tuple[int, int], list[HandoverItem]] = defaultdict(list)
    for item in (
        ActionItem.objects.open()
        .filter(group__follow_up_id__in=by_id, due_on__gte=covers.first_day, due_on__lte=covers.last_day)
        .exclude(group__status=Group.Status.CLOSED)
        .select_related("group", "responsible__person", "responsible__organisation")
        .order_by("due_on", "pk")
    ):
        case = by_id[item.group.follow_up_id]
        entry = HandoverItem(
            "action_item",
            item.due_on,
            _("Oppgave fra ansvarsgruppen med frist %(date)s: «%(what)s» (%(who)s)")
            % {"date": no_date(item.due_on), "what": item.what, "who": item.responsible.name_in(case)},
            url("meeting_detail", item.meeting_id),
        )
        for absence in covers.absences_for(case.pk, item.due_on):
            items[absence.pk, case.pk].append(entry)
    first, last = day_bounds(covers.first_day)[0], day_bounds(covers.last_day)[1]
    for meeting in (
        Meeting.objects.planned()
        .filter(group__follow_up_id__in=by_id, starts_at__gte=first, starts_at__lt=last)
        .select_related("group", "chair_person")
        .order_by("starts_at", "pk")
    ):
        case = by_id[meeting.group.follow_up_id]
        chair_id = meeting.chair_person_id or (None if meeting.group.user_chairs else case.trust_person_id)
        text = _("Møte i ansvarsgruppen %(when)s, %(place)s") % {
            "when": no_datetime(meeting.starts_at), "place": meeting.place_text}
        for absence in covers.absences_for(case.pk, meeting.local_date):
            kind, shown = "meeting", text
            if chair_id == absence.person_id:
                kind = "meeting_chair_away"
                shown += " – " + _("%(name)s leder møtet og er borte: lederen flytter møtet eller gir ledelsen "
                                   "videre.") % {"name": absence.person.display_name}
            items[absence.pk, case.pk].append(HandoverItem(kind, meeting.starts_at, shown,
                                                           url("meeting_detail", meeting.pk)))
    return items
