"""What a plan is made of: goals by life area, small steps with short deadlines, and measures.

*«større fokus på delmål», «korte tidsfrister for de enkelte delmål», «mer fokus på brukerens fremgang enn
mål»* — the users' own dialogue conference. Steps are small, have a due date (four weeks ahead unless
chosen otherwise), and say who does them.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import LifeArea, Organisation, User
from koordinator.models.base import GatedQuerySet
from plans.models.plan import Plan

DEFAULT_STEP_WEEKS = 4


def default_due_on() -> datetime.date:
    """A step is due four weeks ahead unless another date is chosen."""
    return timezone.localdate() + datetime.timedelta(weeks=DEFAULT_STEP_WEEKS)


# ``LifeArea`` (livsområder) lives in the core app, shared with the follow-up log; ``plans.models`` re-exports it.


# --- goals ---------------------------------------------------------------------------------------------------


class GoalQuerySet(GatedQuerySet):
    gate_name = "goals"

    def live(self):
        return self.filter(archived_at__isnull=True)


class Goal(models.Model):
    """A goal in one life area, preferably in the user's own words (shown as «med mine ord»)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="goals")
    life_area = models.CharField(_("livsområde"), max_length=20, choices=LifeArea.choices)
    text = models.TextField(_("mål"))
    in_users_words = models.BooleanField(_("med brukerens egne ord"), default=True)
    order = models.PositiveIntegerField(_("rekkefølge"), default=0)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


# --- steps (delmål) ------------------------------------------------------------------------------------------


class StepQuerySet(GatedQuerySet):
    gate_name = "steps"

    def live(self):
        """Steps in the plan: accepted (not a suggestion waiting for an answer), not archived."""
        return self.filter(accepted=True, archived_at__isnull=True, goal__archived_at__isnull=True)

    def open(self):
        return self.filter(status__in=Step.OPEN_STATUSES)

    def suggestions(self):
        """The user's proposals the coordinator has not answered yet."""
        return self.filter(suggested_by_user=True, accepted=False, rejected_at__isnull=True, archived_at__isnull=True)

    def overdue(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.live().open().filter(due_on__lt=day)

    def due_between(self, first: datetime.date, last: datetime.date):
        return self.live().open().filter(due_on__gte=first, due_on__lte=last)


class Step(models.Model):
    """*Delmål*: a small, concrete step with a short deadline, and who does it."""

    class Who(models.TextChoices):
        USER = "user", _("Brukeren selv")
        TRUST_PERSON = "trust_person", _("Tillitspersonen")
        ORGANISATION = "organisation", _("En samarbeidstjeneste")
        PERSON = "person", _("En person i en samarbeidstjeneste")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("I gang")
        DONE = "done", _("Gjort")
        NOT_DONE = "not_done", _("Ikke gjort")
        DROPPED = "dropped", _("Lagt bort")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
    CLOSED_STATUSES = (Status.DONE, Status.NOT_DONE, Status.DROPPED)

    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.PROTECT, related_name="steps")
    what = models.TextField(_("hva"))
    who_kind = models.CharField(_("hvem gjør det"), max_length=12, choices=Who.choices, default=Who.USER)
    who_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        related_name="plan_steps",
        null=True,
        blank=True,
    )
    who_person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="plan_steps", null=True, blank=True
    )
    due_on = models.DateField(_("frist"), default=default_due_on)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    how_it_went = models.TextField(_("hvordan gikk det?"), blank=True)
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    # The user's proposals: a step with suggested_by_user and not yet accepted is a suggestion to the
    # coordinator, not part of the plan. Steps written by staff are accepted from the start.
    suggested_by_user = models.BooleanField(_("foreslått av brukeren"), default=False)
    accepted = models.BooleanField(_("tatt med i planen"), default=True)
    rejected_at = models.DateTimeField(_("forslaget ble ikke tatt med"), null=True, blank=True)
    suggestion_reply = models.TextField(_("svar på forslaget"), blank=True)

    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The follow-up log entries about this step (``entry.steps`` from the other side): the plans app owns the
    # link, the core's log knows no plan (``plans.models.logged``).
    log_entries = models.ManyToManyField("koordinator.FollowUpEntry", through="LoggedStep", related_name="steps",
                                         verbose_name=_("loggføringer"), blank=True)

    objects = StepQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delmål")
        verbose_name_plural = _("delmål")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(who_kind__in=["user", "trust_person"], who_organisation__isnull=True, who_person__isnull=True)
                    | Q(who_kind="organisation", who_organisation__isnull=False, who_person__isnull=True)
                    | Q(who_kind="person", who_person__isnull=False)
                ),
                name="step_who_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["planned", "in_progress"], closed_on__isnull=True)
                    | Q(status__in=["done", "not_done", "dropped"], closed_on__isnull=False)
                ),
                name="step_closed_on_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(accepted=True) | Q(suggested_by_user=True), name="step_only_suggestions_unaccepted"
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_suggestion(self) -> bool:
        return self.suggested_by_user and not self.accepted

    def is_overdue(self, day: datetime.date | None = None) -> bool:
        return self.is_open and self.accepted and self.due_on < (day or timezone.localdate())


# --- measures (tiltak) ---------------------------------------------------------------------------------------


class MeasureQuerySet(GatedQuerySet):
    gate_name = "measures"

    def live(self):
        return self.filter(archived_at__isnull=True)

    def flagged(self):
        """Measures that need a formal decision (*vedtak*) and have none yet: flagged to staff."""
        return self.live().filter(needs_decision=True, decision_status__in=Measure.UNDECIDED)


class Measure(models.Model):
    """*Tiltak*: a service the user gets, who is responsible, how much, for how long, and the decision.

    Many users got services with no decision, and so no right to appeal; the decision status is recorded.
    """

    class Decision(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Ikke søkt")
        APPLIED = "applied", _("Søkt")
        GRANTED = "granted", _("Innvilget")
        REFUSED = "refused", _("Avslått")
        APPEALED = "appealed", _("Klaget på")

    UNDECIDED = (Decision.NOT_NEEDED, Decision.APPLIED)
    DECIDED = (Decision.GRANTED, Decision.REFUSED, Decision.APPEALED)

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="measures")
    service = models.CharField(_("tjeneste eller tiltak"), max_length=200)
    responsible_organisation = models.ForeignKey(
        Organisation, verbose_name=_("ansvarlig tjeneste"), on_delete=models.PROTECT, related_name="plan_measures"
    )
    responsible_person = models.ForeignKey(
        User,
        verbose_name=_("ansvarlig person"),
        on_delete=models.PROTECT,
        related_name="plan_measures",
        null=True,
        blank=True,
    )
    extent = models.CharField(_("omfang"), max_length=200, blank=True, help_text=_("For eksempel «2 timer i uka»."))
    period_from = models.DateField(_("fra"), null=True, blank=True)
    period_until = models.DateField(_("til"), null=True, blank=True)

    needs_decision = models.BooleanField(_("trenger vedtak"), default=False)
    decision_status = models.CharField(
        _("vedtak"), max_length=12, choices=Decision.choices, default=Decision.NOT_NEEDED
    )
    applied_on = models.DateField(_("søkt"), null=True, blank=True)
    decided_on = models.DateField(_("vedtak fattet"), null=True, blank=True)
    appealed_on = models.DateField(_("klaget"), null=True, blank=True)
    decided_by = models.CharField(_("hvem fatter vedtaket"), max_length=200, blank=True)

    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_until__isnull=True)
                | Q(period_from__isnull=True)
                | Q(period_until__gte=models.F("period_from")),
                name="measure_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(decision_status__in=["granted", "refused", "appealed"]) | Q(decided_on__isnull=False),
                name="measure_decision_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(decision_status="applied") | Q(applied_on__isnull=False),
                name="measure_application_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(decision_status="appealed") | Q(appealed_on__isnull=False),
                name="measure_appeal_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.service

    @property
    def is_flagged(self) -> bool:
        return self.archived_at is None and self.needs_decision and self.decision_status in self.UNDECIDED

    @property
    def decision_display(self) -> str:
        """Plain words for the decision, also when one is needed and nobody has applied yet."""
        if self.decision_status == self.Decision.NOT_NEEDED:
            return str(_("Trenger vedtak – ikke søkt ennå")) if self.needs_decision else str(_("Trenger ikke vedtak"))
        return str(self.get_decision_status_display())
