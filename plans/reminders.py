"""The plans' reminders for ``manage.py run_reminders`` (registered with ``koordinator.reminders``).

Both are idempotent: every notification carries a dedupe key (the step and its due date; the plan and its
revision date), so running the command twice sends nothing twice, and a new due date gives a new reminder.
The wording is calm: reminders help people with memory problems, they must never sound like a threat.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from koordinator import outbox
from koordinator.models import Consent, FollowUp, Membership
from koordinator.reminders import register_reminder
from koordinator.timeutil import at, no_date
from plans.models import Plan, Step

STEP_REMINDER_DAYS_BEFORE = 2


def step_reminder_hour() -> int:
    """Reminders are not sent at night: they wait until this hour (settings.PLAN_STEP_REMINDER_HOUR)."""
    return int(getattr(settings, "PLAN_STEP_REMINDER_HOUR", 10))


def step_reminder_key(step: Step) -> str:
    return f"step:{step.pk}:due:{step.due_on.isoformat()}"


def revision_reminder_key(plan: Plan) -> str:
    return f"plan:{plan.pk}:revision:{plan.next_revision_on.isoformat()}"


def _day_text(day: datetime.date) -> str:
    """«torsdag 26.11.2026»."""
    return f"{formats.date_format(day, 'l')} {no_date(day)}"


def _partner_may_see_the_plan(today: datetime.date) -> Exists:
    """The step's responsible partner may see the owner's plan today: a consent with the plan scope in force, to
    them or to an organisation they are a partner in. A condition on the steps' query, so steps no one may be
    reminded of are left out by the database (the query count does not depend on how many there are)."""
    partner_orgs = Membership.objects.filter(
        user_id=OuterRef(OuterRef("who_person_id")), role=Membership.Role.PARTNER
    ).values("organisation_id")
    return Exists(
        Consent.objects.valid_on(today).filter(
            Q(grantee_user_id=OuterRef("who_person_id")) | Q(grantee_organisation_id__in=partner_orgs),
            owner_id=OuterRef("goal__plan__follow_up__service_user_id"),
            scope_plan=True,
        )
    )


@register_reminder("delmål")
def step_reminders(now: datetime.datetime) -> int:
    """Steps due within two days: a reminder to whoever does it, once per step and due date.

    The user gets it by the channel they prefer; the trust person and a responsible partner in the app (a
    partner only while the owner's plan-scope consent is in force). Steps a whole service is responsible for
    have no one person to remind; they show on the trust person's list instead.
    """
    today = timezone.localdate(now)
    steps = list(
        Step.objects.live()
        .open()
        .filter(
            due_on__gt=today,
            due_on__lte=today + datetime.timedelta(days=STEP_REMINDER_DAYS_BEFORE),
            goal__plan__status=Plan.Status.ACTIVE,
        )
        .filter(Q(who_kind__in=(Step.Who.USER, Step.Who.TRUST_PERSON))
                | Q(_partner_may_see_the_plan(today), who_kind=Step.Who.PERSON))
        # Reminded already for this due date: skipped by the database, not read and skipped here.
        .exclude(outbox.already_written(Step, "step:", OuterRef("pk"), ":due:", OuterRef("due_on")))
        .exclude(goal__plan__follow_up__status=FollowUp.Status.ENDED)
        .select_related("goal__plan__follow_up__service_user", "goal__plan__follow_up__trust_person", "who_person")
        .order_by("due_on", "pk")
    )
    hour = step_reminder_hour()
    drafts = []
    for step in steps:
        case = step.goal.plan.follow_up
        su = case.service_user
        reminder_day = max(step.due_on - datetime.timedelta(days=STEP_REMINDER_DAYS_BEFORE), today)
        due_at = max(at(reminder_day, hour), now)
        if step.who_kind == Step.Who.USER:
            drafts.append(outbox.build(
                su, words=partial(_step_words_to_user, step), about=step, due_at=due_at,
                dedupe_key=step_reminder_key(step),
            ))
        else:
            recipient = case.trust_person if step.who_kind == Step.Who.TRUST_PERSON else step.who_person
            drafts.append(outbox.build(
                recipient, words=partial(_step_words_to_responsible, step),
                about=step, due_at=due_at, channel=outbox.Channel.IN_APP, dedupe_key=step_reminder_key(step),
            ))
    return len(outbox.notify_many(drafts))


# The reminders' words, composed by the outbox in the recipient's language (the weekday too).


def _short_what(step: Step) -> str:
    return step.what if len(step.what) <= 160 else step.what[:159] + "…"


def _step_words_to_user(step: Step) -> tuple[str, str]:
    case = step.goal.plan.follow_up
    su = case.service_user
    return (
        _("Påminnelse om et delmål"),
        _("Hei %(name)s. En vennlig påminnelse: «%(what)s» står i planen din med frist %(when)s. Rekker du "
          "det ikke, går det helt fint: si fra til %(worker)s, så finner dere en ny dato sammen.")
        % {"name": su.first_name, "what": _short_what(step), "when": _day_text(step.due_on),
           "worker": case.trust_person.display_name},
    )


def _step_words_to_responsible(step: Step) -> tuple[str, str]:
    su = step.goal.plan.follow_up.service_user
    return (
        _("Delmål med frist %(date)s: %(name)s") % {"date": no_date(step.due_on), "name": su.full_name},
        _("«%(what)s» i planen til %(name)s har frist %(when)s. Du står som ansvarlig.")
        % {"what": _short_what(step), "name": su.full_name, "when": _day_text(step.due_on)},
    )


@register_reminder("planrevisjon")
def revision_reminders(now: datetime.datetime) -> int:
    """Plans whose revision date is today or has passed: the trust person is reminded in the app, once per date."""
    today = timezone.localdate(now)
    plans = (
        Plan.objects.revision_due(today)
        .exclude(follow_up__status=FollowUp.Status.ENDED)
        .exclude(outbox.already_written(Plan, "plan:", OuterRef("pk"), ":revision:", OuterRef("next_revision_on")))
        .select_related("follow_up__service_user", "follow_up__trust_person")
        .order_by("next_revision_on", "pk")
    )
    drafts = [
        outbox.build(plan.follow_up.trust_person, words=partial(_revision_words, plan), about=plan,
                     channel=outbox.Channel.IN_APP, dedupe_key=revision_reminder_key(plan))
        for plan in plans
    ]
    return len(outbox.notify_many(drafts))


def _revision_words(plan: Plan) -> tuple[str, str]:
    su = plan.follow_up.service_user
    return (
        _("Tid for å revidere planen til %(name)s") % {"name": su.full_name},
        _("Planen til %(name)s skulle gås gjennom %(date)s. Avtal gjerne en tid med %(first)s, så ser dere på "
          "den sammen.") % {"name": su.full_name, "date": no_date(plan.next_revision_on), "first": su.first_name},
    )
