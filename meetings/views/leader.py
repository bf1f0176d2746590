"""The leader's view of the responsibility groups: how often each partner service comes («NAV Lerkendal: 4 av 9
møter»), overdue action items per service, and meetings whose chair is away, with a way to hand the chair on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from koordinator import access
from meetings import forms, selectors
from meetings.views.common import record_read


@login_required
@require_safe
def leader_meetings(request: HttpRequest) -> HttpResponse:
    if not access.actor_for(request.user).leader_municipality_ids:
        raise Http404
    form = forms.PeriodForm(request.GET or None)
    since = until = None
    # A filter that does not validate (a hand-edited address) is ignored, not a 500.
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    attendance = selectors.attendance_by_organisation(request.user, since=since, until=until)
    overdue = selectors.overdue_by_organisation(request.user)
    gaps = selectors.meetings_needing_a_chair(request.user)
    # The overdue items and the meetings name the users they belong to.
    users = {item.group.follow_up.service_user_id for row in overdue for item in row.items}
    users |= {gap.meeting.group.follow_up.service_user_id for gap in gaps}
    record_read(request.user, users, _("Ansvarsgrupper: oversikt for leder"), listing=True)
    context = {"form": form, "attendance": attendance, "overdue": overdue, "gaps": gaps}
    return render(request, "meetings/leader.html", context)
