"""The meetings' demo section: ``MeetingsSection`` holds what every group is played with (the builder, the
day, the clock, the partner services and who may join a group by the owner's consents) and settles the
rows and messages at the end; ``_Clock`` is the plans' clock that also dates what the services stamp.
"""

from __future__ import annotations

import datetime
import threading

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from demo.core import DemoBuilder
from demo.meetings.shapes import MEETING_MODELS, STAMPED
from demo.plans import PARTNER_LOGINS, Clock, partner_services, settle_messages
from koordinator.models import Consent, FollowUp, Membership, Notification, Organisation, User
from koordinator.timeutil import at

# --- the section ----------------------------------------------------------------------------------------------


class MeetingsSection:
    def __init__(self, builder: DemoBuilder):
        self.builder = builder
        self.today = builder.today
        self.real_today = timezone.localdate()
        self.started = timezone.now()
        self.clock = _Clock(self)
        self.marks = {model: _last(model.history.model, "history_id") for model in MEETING_MODELS}
        self.row_marks = {model: _last(model, "pk") for model in MEETING_MODELS}
        self.messages_mark = _last(Notification, "pk")
        self.orgs = partner_services(builder)
        # The partner with a log-in who acts for each service in the demo (a service without one joins as itself).
        self.login_of = {self.orgs[key].pk: username for key, username in PARTNER_LOGINS.items()}
        self.login_of_key = PARTNER_LOGINS

    def day(self, ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=ago)

    def moment(self, ago: int, hour: int, minute: int = 0) -> datetime.datetime:
        return at(self.day(ago), hour, minute)

    def user(self, username: str) -> User:
        return self.builder.users.get(username) or User.objects.get(username=username)

    def org_key(self, organisation: Organisation) -> str:
        return next(k for k, o in self.orgs.items() if o.pk == organisation.pk)

    def consented(self, case: FollowUp) -> list[tuple[str, str, int]]:
        """Who the owner's meetings-scope consents in force let join: (member key, organisation key, days since the
        consent began). A service with a partner who logs in joins as that person; one without, as the service."""
        found = []
        consents = (
            Consent.objects.valid_on(self.today)
            .filter(owner=case.service_user, scope_meetings=True)
            .select_related("grantee_user", "grantee_organisation")
            .order_by("pk")
        )
        for consent in consents:
            since = (self.today - consent.valid_from).days
            if consent.grantee_user_id:
                membership = Membership.objects.filter(
                    user=consent.grantee_user,
                    role=Membership.Role.PARTNER,
                    organisation__in=self.orgs.values(),
                ).first()
                org = self.org_key(membership.organisation) if membership else ""
                found.append((consent.grantee_user.username, org, since))
            elif consent.grantee_organisation_id in self.login_of:
                org = self.org_key(consent.grantee_organisation)
                found.append((self.login_of[consent.grantee_organisation_id], org, since))
            elif consent.grantee_organisation in self.orgs.values():
                org = self.org_key(consent.grantee_organisation)
                found.append((org, org, since))
        return found

    def settle(self) -> None:
        self.clock.settle_rows(self.marks)
        for model in MEETING_MODELS:
            made = model._default_manager.filter(pk__gt=self.row_marks[model]).count()
            if made:
                self.builder.summary.created[model._meta.verbose_name_plural] += made
        settle_messages(self.builder, self.messages_mark)


def _last(model, field_name: str) -> int:
    return model._default_manager.aggregate(m=Max(field_name))["m"] or 0


class _Clock(Clock):
    """The plans' clock, which also dates what the services stamp with the real time (the module docstring, point 2).

    A stamped value set in this run (a time from the section's start on, or today's date) becomes the moment of the
    event that first wrote it, on every history row that carries it: ``created_at`` keeps its first event's moment,
    ``updated_at`` gets each event's own, ``held_at`` the event that held the meeting. :meth:`settle_rows` then gives
    each row its latest history row's values.
    """

    def __init__(self, section: MeetingsSection) -> None:
        super().__init__(MEETING_MODELS, uid="meetings-demo-clock")
        self.started, self.real_today = section.started, section.real_today
        self.stamped = {model.history.model: names for model, names in STAMPED.items()}
        self.moments: dict[tuple, datetime.date] = {}

    def __call__(self, sender, history_instance, **kwargs) -> None:
        super().__call__(sender, history_instance, **kwargs)
        if self.moment is None or sender not in self.stamped or threading.get_ident() != self.thread:
            return
        for name in self.stamped[sender]:
            value = getattr(history_instance, name)
            if isinstance(value, datetime.datetime):
                moment = self.moment if value >= self.started else None
            else:
                moment = self.moment.date() if value == self.real_today else None
            if moment is not None:
                key = (sender, history_instance.id, name, value)
                setattr(history_instance, name, self.moments.setdefault(key, moment))

    @staticmethod
    def settle_rows(marks: dict) -> None:
        """Each row written in this run gets the stamped values of its latest history row."""
        for model, names in STAMPED.items():
            history = model.history.model
            written = history.objects.filter(history_id__gt=marks[model]).values("id")
            latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_id")
            model._default_manager.filter(pk__in=written).update(
                **{name: Subquery(latest.values(name)[:1]) for name in names}
            )
