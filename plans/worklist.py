"""The plans' part of *Min arbeidsliste* (registered with ``koordinator.selectors.register_worklist_section``).

For the cases the trust person follows up themselves: plan revisions that are overdue, steps past their due
date, the users' step suggestions waiting for an answer, and measures that need a decision and have none.
Four queries however many cases and plans.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.models import User
from koordinator.selectors import WorklistItem, WorklistSection, register_worklist_section
from koordinator.timeutil import no_date
from plans import selectors

STEP_NAME = "goal__plan__follow_up__service_user"


@register_worklist_section
def plan_section(user: User, day: datetime.date) -> WorklistSection:
    items: list[WorklistItem] = []
    # Only the user's name is shown of the related rows: only the service user is joined in (every joined model's
    # columns cost time to select and build, and this runs on every view of the worklist).
    for plan in selectors.overdue_revisions(user, day=day).select_related(None).select_related(
            "follow_up__service_user"):
        items.append(WorklistItem(
            _("%(name)s: planen skulle vært revidert %(date)s")
            % {"name": plan.follow_up.service_user.full_name, "date": no_date(plan.next_revision_on)},
            reverse("plan_detail", args=[plan.pk]),
            overdue=True,
        ))
    for step in (selectors.overdue_steps(user, day=day).filter(goal__plan__follow_up__trust_person=user)
                 .select_related(None).select_related(STEP_NAME)):
        plan = step.goal.plan
        items.append(WorklistItem(
            _("%(name)s: delmålet «%(what)s» hadde frist %(date)s")
            % {"name": plan.follow_up.service_user.full_name, "what": step.what, "date": no_date(step.due_on)},
            reverse("plan_detail", args=[plan.pk]),
            overdue=True,
        ))
    for step in (selectors.suggestions_waiting(user).filter(goal__plan__follow_up__trust_person=user)
                 .select_related(None).select_related(STEP_NAME)):
        plan = step.goal.plan
        items.append(WorklistItem(
            _("%(name)s foreslår et nytt delmål: «%(what)s»")
            % {"name": plan.follow_up.service_user.full_name, "what": step.what},
            reverse("plan_detail", args=[plan.pk]),
        ))
    for measure in (selectors.flagged_measures(user).filter(plan__follow_up__trust_person=user)
                    .select_related(None).select_related("plan__follow_up__service_user")):
        items.append(WorklistItem(
            _("%(name)s: tiltaket «%(service)s» trenger vedtak")
            % {"name": measure.plan.follow_up.service_user.full_name, "service": measure.service},
            reverse("plan_detail", args=[measure.plan_id]),
        ))
    return WorklistSection(
        key="planer",
        title=_("Individuelle planer: dette venter på deg"),
        items=items,
        empty_text=_("Ingen planer venter på deg nå."),
    )
