"""The plans' part of the deputy's handover list (registered with ``koordinator.continuity``).

When a trust person is away, the deputy's list shows, for each user they cover, the steps due during the
absence and a plan revision that falls in it.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.continuity import Covers, HandoverItem, register_handover_section
from koordinator.timeutil import no_date
from plans.models import Plan, Step
from plans.selectors import responsible_label


def _plan_url(plan_id: int) -> str:
    return reverse("plan_detail", args=[plan_id])


@register_handover_section
def plan_section(covers: Covers) -> dict[tuple[int, int], list[HandoverItem]]:
    """Two queries however many absences and cases: steps due in the periods, and revisions due in them."""
    by_id = covers.cases
    items: dict[tuple[int, int], list[HandoverItem]] = defaultdict(list)
    steps = (
        Step.objects.live()
        .open()
        .filter(
            goal__plan__follow_up_id__in=by_id,
            goal__plan__status=Plan.Status.ACTIVE,
            due_on__gte=covers.first_day,
            due_on__lte=covers.last_day,
        )
        .select_related("goal__plan", "who_organisation", "who_person")
        .order_by("due_on", "pk")
    )
    for step in steps:
        plan = step.goal.plan
        case = by_id[plan.follow_up_id]
        item = HandoverItem(
            "step",
            step.due_on,
            _("Delmål med frist %(date)s: «%(what)s» (%(who)s)")
            % {"date": no_date(step.due_on), "what": step.what, "who": responsible_label(step, case)},
            _plan_url(plan.pk),
        )
        for absence in covers.absences_for(case.pk, step.due_on):
            items[absence.pk, case.pk].append(item)
    for plan in Plan.objects.active().filter(
        follow_up_id__in=by_id, next_revision_on__gte=covers.first_day, next_revision_on__lte=covers.last_day
    ):
        item = HandoverItem(
            "plan_revision",
            plan.next_revision_on,
            _("Planen skal revideres %(date)s") % {"date": no_date(plan.next_revision_on)},
            _plan_url(plan.pk),
        )
        for absence in covers.absences_for(plan.follow_up_id, plan.next_revision_on):
            items[absence.pk, plan.follow_up_id].append(item)
    return items
