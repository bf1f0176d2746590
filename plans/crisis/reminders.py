"""The crisis plan's review reminder for ``manage.py run_reminders`` (registered with ``koordinator.reminders``).

Idempotent: each notification carries a dedupe key (the plan and its review date), so running the command twice
sends nothing twice, and a new review date gives a new reminder. The wording is calm.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import outbox
from koordinator.models import FollowUp
from koordinator.reminders import register_reminder
from koordinator.timeutil import no_date
from plans.models import CrisisPlan


def review_reminder_key(crisis_plan: CrisisPlan) -> str:
    return f"crisis-plan:{crisis_plan.pk}:review:{crisis_plan.review_on.isoformat()}"


@register_reminder("kriseplan")
def crisis_plan_review_reminders(now: datetime.datetime) -> int:
    """Crisis plans in use whose review date is today or has passed: the trust person of the user's open case is
    reminded in the app, once per plan and review date. Three queries however many plans."""
    today = timezone.localdate(now)
    plans = list(
        CrisisPlan.objects.review_due(today)
        .exclude(outbox.already_written(CrisisPlan, "crisis-plan:", OuterRef("pk"), ":review:", OuterRef("review_on")))
        .select_related("service_user").order_by("review_on", "pk")
    )
    cases = {}
    for case in (
        FollowUp.objects.open()
        .filter(service_user_id__in={p.service_user_id for p in plans})
        .select_related("trust_person")
        .order_by("started_on", "pk")
    ):
        cases[case.service_user_id] = case  # the newest open case wins
    drafts = []
    for plan in plans:
        case = cases.get(plan.service_user_id)
        if case is None:
            continue
        drafts.append(outbox.build(
            case.trust_person, words=partial(_review_words, plan),
            about=plan, channel=outbox.Channel.IN_APP, dedupe_key=review_reminder_key(plan),
        ))
    return len(outbox.notify_many(drafts))


def _review_words(plan: CrisisPlan) -> tuple[str, str]:
    """Composed by the outbox, in the recipient's language."""
    su = plan.service_user
    return (
        _("Tid for å gå gjennom kriseplanen til %(name)s") % {"name": su.full_name},
        _("Kriseplanen til %(name)s skulle gås gjennom %(date)s. Se gjerne på den sammen med %(first)s, så "
          "telefonnumrene og det som hjelper stemmer.")
        % {"name": su.full_name, "date": no_date(plan.review_on), "first": su.first_name},
    )
