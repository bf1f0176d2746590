"""The responsibility groups' part of *Min arbeidsliste* (registered with
``koordinator.selectors.register_worklist_section``).

For the groups of the cases the trust person follows up themselves (and meetings whose chair was handed to them):
the meetings of the next seven days, minutes not yet marked ready, minutes the user disagrees with, and overdue action
items. Four queries however many groups (``selectors.chair_work``).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.models import User
from koordinator.selectors import WorklistItem, WorklistSection, register_worklist_section
from koordinator.timeutil import no_date, no_datetime
from meetings import selectors


@register_worklist_section
def meetings_section(user: User, day: datetime.date) -> WorklistSection:
    work = selectors.chair_work(user, day=day)
    items: list[WorklistItem] = []
    for meeting in work.coming:
        items.append(WorklistItem(
            _("%(name)s: møte i ansvarsgruppen %(when)s, %(place)s")
            % {"name": meeting.group.follow_up.service_user.full_name, "when": no_datetime(meeting.starts_at),
               "place": meeting.place_text},
            reverse("meeting_detail", args=[meeting.pk]),
        ))
    for meeting in work.minutes_waiting:
        items.append(WorklistItem(
            _("%(name)s: referatet fra møtet %(date)s er ikke markert som klart")
            % {"name": meeting.group.follow_up.service_user.full_name, "date": no_date(meeting.local_date)},
            reverse("meeting_detail", args=[meeting.pk]) + "#referat",
        ))
    for minutes in work.disputed:
        meeting = minutes.meeting
        items.append(WorklistItem(
            _("%(name)s er uenig i referatet fra møtet %(date)s")
            % {"name": meeting.group.follow_up.service_user.full_name, "date": no_date(meeting.local_date)},
            reverse("meeting_detail", args=[meeting.pk]) + "#referat",
        ))
    for item in work.overdue_items:
        case = item.group.follow_up
        items.append(WorklistItem(
            _("%(name)s: oppgaven «%(what)s» (%(who)s) hadde frist %(date)s")
            % {"name": case.service_user.full_name, "what": item.what, "who": item.responsible.name_in(case),
               "date": no_date(item.due_on)},
            reverse("meeting_detail", args=[item.meeting_id]) + "#oppgaver",
            overdue=True,
        ))
    return WorklistSection(
        key="ansvarsgrupper",
        title=_("Ansvarsgrupper: møter, referater og oppgaver"),
        items=items,
        empty_text=_("Ingen møter de neste sju dagene, og ingen referater eller oppgaver venter på deg."),
    )
