"""The plans' demo section: ``Section`` holds what every plan is played with (the builder, the day, the
clock, the partner services and who logs in for them) and settles the dates at the end; ``PARTNER_LOGINS``
and ``partner_services`` name the partners by the scripts' keys (the meetings' demo uses them too).
"""

from __future__ import annotations

import datetime

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from demo.core import DemoBuilder
from demo.plans.clock import Clock, settle_messages
from demo.plans.shapes import PLAN_MODELS
from koordinator.models import Consent, FollowUp, Notification, Organisation, User
from koordinator.timeutil import at
from plans.models import Plan

# --- the section ----------------------------------------------------------------------------------------------

# The partner who logs in for a service in the demo (``koordinator.demo.PARTNERS``), by the scripts' keys.
PARTNER_LOGINS = {"nav": "nav1", "dps": "dps1", "gp": "lege1"}


def partner_services(builder: DemoBuilder) -> dict[str, Organisation]:
    """The partner services by the keys the scripts use (the meetings' demo uses them too)."""
    return {
        "nav": builder.nav,
        "dps": builder.dps,
        "gp": builder.gp,
        "housing": builder.housing,
        "probation": builder.probation,
        "user_org": builder.user_org,
    }


class Section:
    def __init__(self, builder: DemoBuilder):
        self.builder = builder
        self.today = builder.today
        self.real_today = timezone.localdate()
        self.marks = {
            model: model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
            for model in PLAN_MODELS
        }
        self.marks[Notification] = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        self.clock = Clock()
        self.orgs = partner_services(builder)
        self.org_of_partner = {username: self.orgs[key] for key, username in PARTNER_LOGINS.items()}
        self.partner_orgs = {org.pk: username for username, org in self.org_of_partner.items()}

    # --- time

    def day(self, ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=ago)

    def moment(self, ago: int, hour: int, minute: int = 0) -> datetime.datetime:
        return at(self.day(ago), hour, minute)

    def not_before_today(self, day: datetime.date, days: int = 0) -> datetime.date:
        """What a service accepts: the day itself, or today (+ ``days``) if the day has passed."""
        return max(day, self.real_today + datetime.timedelta(days=days))

    # --- people

    def user(self, username: str) -> User:
        return self.builder.users[username]

    def staff(self, case: FollowUp) -> User:
        return self.builder.users.get(case.trust_person.username, case.trust_person)

    def org(self, key: str, case: FollowUp) -> Organisation:
        return case.unit if key == "unit" else self.orgs[key]

    def plan_partner(self, case: FollowUp) -> tuple[str, Organisation] | None:
        """A partner who logs in and may see this owner's plan (consent with the plan scope in force)."""
        consents = (
            Consent.objects.valid_on(self.today)
            .filter(owner=case.service_user, scope_plan=True)
            .select_related("grantee_user")
            .order_by("pk")
        )
        for consent in consents:
            if consent.grantee_user_id and consent.grantee_user.username in self.org_of_partner:
                username = consent.grantee_user.username
                return username, self.org_of_partner[username]
            if consent.grantee_organisation_id in self.partner_orgs:
                username = self.partner_orgs[consent.grantee_organisation_id]
                return username, self.org_of_partner[username]
        return None

    # --- the end

    def settle(self) -> None:
        """``created_at`` and ``updated_at`` from the history dates; old messages out (see the module docstring)."""
        for model in PLAN_MODELS:
            history = model.history.model
            born = history.objects.filter(history_id__gt=self.marks[model], history_type="+").values("id")
            first = (
                history.objects.filter(id=OuterRef("pk"), history_type="+")
                .order_by("history_id")
                .values("history_date")[:1]
            )
            model._default_manager.filter(pk__in=born).update(created_at=Subquery(first))
            history.objects.filter(id__in=born).update(
                created_at=Subquery(model._default_manager.filter(pk=OuterRef("id")).values("created_at")[:1])
            )
        plan_history = Plan.history.model
        changed = plan_history.objects.filter(history_id__gt=self.marks[Plan])
        changed.update(updated_at=F("history_date"))
        latest = (
            plan_history.objects.filter(id=OuterRef("pk"))
            .order_by("-history_date", "-history_id")
            .values("history_date")[:1]
        )
        Plan._default_manager.filter(pk__in=changed.values("id")).update(updated_at=Subquery(latest))
        settle_messages(self.builder, self.marks[Notification])
