"""Template tags for other apps' pages: the «Min plan» box on Min side."""

from __future__ import annotations

from django import template
from django.utils import timezone

from plans import selectors
from plans.models import Plan, Step

register = template.Library()

# How many of the owner's next steps Min side shows; the plan page has them all.
NEXT_STEPS_SHOWN = 3


@register.inclusion_tag("plans/partials/my_plan_box.html", takes_context=True)
def my_plan_box(context) -> dict:
    """The owner's plan in a few lines: status, the next open steps (an overdue one gently marked), progress.

    Three queries: the plan, its next steps, and how many were done this month.
    """
    user = context["request"].user
    plan = selectors.plan_for_owner(user)
    today = timezone.localdate()
    steps: list[Step] = []
    done_this_month = 0
    if plan is not None and plan.status == Plan.Status.ACTIVE:
        live = Step.objects.for_user(user).live().filter(goal__plan=plan)
        steps = list(live.open().select_related("goal").order_by("due_on", "pk")[:NEXT_STEPS_SHOWN])
        done_this_month = live.filter(
            status=Step.Status.DONE, closed_on__gte=today.replace(day=1)
        ).count()
    return {"plan": plan, "steps": steps, "today": today, "done_this_month": done_this_month}
