"""What the plan services share: the fields, the messages, the plan's conflict (the toolkit's living document), the
locks and checks, and telling the owner and the case's staff."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy

from koordinator import access, continuity, outbox
from koordinator.models import FollowUp, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    VersionConflict,
    check_version,
)
from plans.models import (
    Plan,
)

# Fields each service accepts.
PLAN_FIELDS = Plan.TEXT_FIELDS + ("period_from", "period_until", "next_revision_on")


# The parts of the plan the owner writes themselves, in their own words.
OWNER_PLAN_FIELDS = ("own_words", "resources", "needs")


GOAL_FIELDS = ("life_area", "text", "in_users_words", "order")


STEP_FIELDS = ("what", "who_kind", "who_organisation", "who_person", "due_on")


MEASURE_FIELDS = (
    "service",
    "responsible_organisation",
    "responsible_person",
    "extent",
    "period_from",
    "period_until",
    "needs_decision",
    "decision_status",
    "applied_on",
    "decided_on",
    "appealed_on",
    "decided_by",
)


# The messages used by several services, kept together.
MESSAGES = {
    "ended": gettext_lazy("Planen er avsluttet og kan ikke endres."),
    "declined": gettext_lazy("Brukeren har takket nei til planen. Tilby planen på nytt før den endres."),
    "bad_version": gettext_lazy("Oppgi hvilken versjon av planen endringen bygger på."),
    "archived_goal": gettext_lazy("Målet er arkivert."),
    "archived_step": gettext_lazy("Delmålet er arkivert."),
    "archived_measure": gettext_lazy("Tiltaket er arkivert."),
}


def step_horizon_weeks() -> int:
    """A step further out than this gets a friendly suggestion to split it (settings.PLAN_STEP_HORIZON_WEEKS)."""
    return int(getattr(settings, "PLAN_STEP_HORIZON_WEEKS", 12))


def revision_interval_weeks() -> int:
    """The next revision, when activating a plan without one chosen (settings.PLAN_REVISION_WEEKS)."""
    return int(getattr(settings, "PLAN_REVISION_WEEKS", 12))


# --- the conflict (the toolkit's living documents) ---------------------------------------------------------------------------------------------


class PlanConflict(VersionConflict):
    """A save based on an old version of the plan."""

    template = gettext_lazy(
        "Planen ble endret av %(who)s mens du skrev (du startet fra versjon %(base)s, nå er den versjon "
        "%(current)s). Det du skrev er tatt vare på: se over begge tekstene og lagre på nytt."
    )
    bad_version = MESSAGES["bad_version"]

    @property
    def plan(self) -> Plan:
        return self.document


def check_plan_version(document: Model, based_on_version, submitted: dict, current: dict) -> None:
    """:func:`koordinator.toolkit.check_version` for a plan or a crisis plan: a stale save is a :class:`PlanConflict`."""
    check_version(document, based_on_version, submitted, current, conflict=PlanConflict)


# --- small helpers ----------------------------------------------------------------------------------------------


def lock_plan(plan: Plan) -> Plan:
    """The plan row, locked for the rest of the transaction, with the case and the people it names."""
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("follow_up__service_user", "follow_up__trust_person", "follow_up__unit")
        .get(pk=plan.pk)
    )


def require_staff(actor: User, plan: Plan) -> None:
    access.require_change(actor, plan)
    if not access.is_case_staff(actor, plan.follow_up_id):
        raise PermissionDenied


def require_editable(plan: Plan) -> None:
    if plan.status == Plan.Status.ENDED:
        raise ServiceError(str(MESSAGES["ended"]), "status")
    if plan.status == Plan.Status.DECLINED:
        raise ServiceError(str(MESSAGES["declined"]), "status")


def date_str(day: datetime.date | None) -> str:
    return no_date(day) if day else "–"


# --- telling people ---------------------------------------------------------------------------------------------


# The words (``subject``, ``body``: lazy or builders; or ``words``, one builder of both) are composed by the outbox in
# each recipient's language, never in the language of whoever causes the message (``outbox.build``).


def tell_owner(plan: Plan, subject="", body="", *, channel: str | None = None, words=None) -> None:
    """A message to the plan's owner, by the channel they prefer."""
    outbox.notify(plan.follow_up.service_user, subject, body, words=words, about=plan, channel=channel)


def tell_case_staff(case: FollowUp, about: Model, subject="", body="", *, words=None) -> None:
    """An in-app message to the case's trust person, and to the deputy as well when the trust person is away
    today (used for plans and crisis plans)."""
    recipients = [case.trust_person]
    if continuity.absences_on([case.trust_person_id], timezone.localdate()):
        deputy = continuity.effective_deputy(case)
        if deputy is not None:
            recipients.append(deputy)
    for person in recipients:
        outbox.notify(person, subject, body, words=words, about=about, channel=outbox.Channel.IN_APP)


def tell_coordinator(plan: Plan, subject="", body="", *, words=None) -> None:
    """An in-app message to the coordinator, and to the deputy as well when the coordinator is away today."""
    tell_case_staff(plan.follow_up, plan, subject, body, words=words)


def owner_name(plan: Plan) -> str:
    return plan.follow_up.service_user.full_name
