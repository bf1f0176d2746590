"""The leader's view of the responsibility groups: how often each partner service comes («NAV Lerkendal: 4 av 9
møter»), overdue action items per service, and meetings whose chair is away, with a way to hand the chair on."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from koordinator import access
from meetings import forms, selectors
from meetings.views.common import record_read

# The attendance figures cover the last year unless the leader picks another period.
DEFAULT_PERIOD_DAYS = 365


@login_required
@require_safe
def leader_meetings(request: HttpRequest) -> HttpResponse:
    if not access.actor_for(request.user).leader_municipality_ids:
        raise Http404
    # The last twelve months unless the leader picks a period: the figures read only the meetings in it, not every
    # meeting ever held in the municipality (issue 11). An empty field means its default; a filter that does not
    # validate (a hand-edited address) falls back to the defaults, not a 500.
    today = timezone.localdate()
    default_since = today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS)
    form = forms.PeriodForm(request.GET or None, initial={"since": default_since, "until": today})
    since, until = default_since, today
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"] or default_since
        until = form.cleaned_data["until"] or today
    attendance = selectors.attendance_by_organisation(request.user, since=since, until=until)
    overdue = selectors.overdue_by_organisation(request.user)
    gaps = selectors.meetings_needing_a_chair(request.user)
    # The overdue items and the meetings name the users they belong to.
    users = {item.group.follow_up.service_user_id for row in overdue for item in row.items}
    users |= {gap.meeting.group.follow_up.service_user_id for gap in gaps}
    record_read(request.user, users, gettext_lazy("Ansvarsgrupper: oversikt for leder"), listing=True)
    context = {"form": form, "attendance": attendance, "overdue": overdue, "gaps": gaps, "since": since,
               "until": until}
    return render(request, "meetings/leader.html", context)
