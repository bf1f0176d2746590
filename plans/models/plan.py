"""The individual plan (*individuell plan*) and its revisions.

A plan belongs to a follow-up case and holds the nine points of the regulation (forskrift om habilitering og
rehabilitering, individuell plan og koordinator § 19); see DOMAIN.md. The parts that live in their own rows
(goals, steps, measures) are in ``content.py``; the parts that are text live here, next to the period, the
revision date and the user's consent to the plan.

The plan is a living document: ``version`` goes up by one on every save through ``plans.services`` (also when
a goal, step or measure changes), and a save based on an older version is refused as a conflict.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import Consent, FollowUp, User
from koordinator.models.base import GatedQuerySet


class PlanQuerySet(GatedQuerySet):
    gate_name = "plans"

    def open(self):
        """Plans that are not ended (a draft, an active plan, or one the user has declined for now)."""
        return self.exclude(status=Plan.Status.ENDED)

    def active(self):
        return self.filter(status=Plan.Status.ACTIVE)

    def revision_due(self, day):
        """Active plans whose next revision date is ``day`` or earlier."""
        return self.active().filter(next_revision_on__lte=day)


class Plan(models.Model):
    """The user's individual plan, in their own words."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ACTIVE = "active", _("I bruk")
        DECLINED = "declined", _("Takket nei")
        ENDED = "ended", _("Avsluttet")

    # The text parts of the plan, in the order the regulation and the plan page list them.
    TEXT_FIELDS = ("own_words", "resources", "needs", "contributions", "how_carried_out", "cooperation")
    # What a restore brings back from an earlier version (the plan's own content, not its status or consent).
    RESTORABLE_FIELDS = TEXT_FIELDS + ("period_from", "period_until", "next_revision_on")

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("oppfølging"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    # Declining is a state to record: 68 users in the trial had said no. It can be offered again.
    declined_on = models.DateField(_("takket nei"), null=True, blank=True)
    declined_reason = models.TextField(_("grunn til å takke nei"), blank=True)

    # The user's consent to the plan itself (participants' access is in koordinator.Consent, scope «plan»).
    consent_given_on = models.DateField(_("samtykke til planen gitt"), null=True, blank=True)
    consent_given_how = models.CharField(
        _("hvordan samtykket ble gitt"), max_length=10, choices=Consent.GivenHow.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        User,
        verbose_name=_("samtykket registrert av"),
        on_delete=models.PROTECT,
        related_name="plan_consents_recorded",
        null=True,
        blank=True,
    )

    period_from = models.DateField(_("planen gjelder fra"), null=True, blank=True)
    period_until = models.DateField(_("planen gjelder til"), null=True, blank=True)
    next_revision_on = models.DateField(_("neste revisjon"), null=True, blank=True)

    own_words = models.TextField(
        _("mine ord: hva er viktig for meg"), blank=True, help_text=_("Skrevet slik brukeren selv sier det.")
    )
    resources = models.TextField(_("mine styrker og ressurser"), blank=True)
    needs = models.TextField(_("hva jeg trenger hjelp til"), blank=True)
    contributions = models.TextField(
        _("hva hver enkelt bidrar med"), blank=True, help_text=_("Brukeren, tjenestene og pårørende.")
    )
    how_carried_out = models.TextField(_("hvordan tiltakene gjennomføres"), blank=True)
    cooperation = models.TextField(_("nødvendig samarbeid med andre tjenester"), blank=True)

    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)
    end_note = models.TextField(_("merknad til avslutningen"), blank=True)

    version = models.PositiveIntegerField(_("versjon"), default=1)
    created_by = models.ForeignKey(
        User, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("individuell plan")
        verbose_name_plural = _("individuelle planer")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_revision_on"])]
        constraints = [
            # One plan at a time: a new one only after the old one is ended.
            models.UniqueConstraint(
                fields=["follow_up"], condition=~Q(status="ended"), name="plan_one_open_per_follow_up"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
            models.CheckConstraint(
                condition=Q(period_until__isnull=True)
                | Q(period_from__isnull=True)
                | Q(period_until__gte=models.F("period_from")),
                name="plan_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(consent_given_on__isnull=False),
                name="plan_active_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | Q(declined_on__isnull=False),
                name="plan_declined_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Individuell plan for %(name)s") % {"name": self.follow_up.service_user.full_name}

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])

    @property
    def etag(self) -> str:
        """A strong ETag that changes with every version (the API's If-Match compares against it)."""
        return f'"plan-{self.pk}-v{self.version}"'

    @property
    def coordinator(self) -> User:
        """The coordinator is the case's trust person."""
        return self.follow_up.trust_person

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED

    @property
    def is_editable(self) -> bool:
        """Goals, steps, measures and texts can change while the plan is a draft or in use."""
        return self.status in (self.Status.DRAFT, self.Status.ACTIVE)

    def revision_overdue(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.next_revision_on is not None and self.next_revision_on < day


class PlanRevisionQuerySet(GatedQuerySet):
    gate_name = "plan_revisions"


class PlanRevision(models.Model):
    """*«Revider planen»*: when, who took part, what changed, and when it is revised next."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="revisions")
    revised_on = models.DateField(_("revidert"))
    participants = models.TextField(_("hvem var med"), blank=True)
    what_changed = models.TextField(_("hva ble endret"))
    next_revision_on = models.DateField(_("neste revisjon"))
    # The plan's version after the revision, so the timeline can point at it.
    plan_version = models.PositiveIntegerField(_("planens versjon"))
    # A responsibility-group meeting the revision was made in (meetings come in a later issue); generic so the
    # meetings app can point here without a migration in plans.
    meeting_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True)
    meeting = GenericForeignKey("meeting_type", "meeting_id")
    meeting_note = models.CharField(_("møte"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("registrert av"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanRevisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revisjon av planen")
        verbose_name_plural = _("revisjoner av planen")
        ordering = ["-revised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_revision_on__gte=models.F("revised_on")), name="plan_revision_next_after"
            )
        ]

    def __str__(self) -> str:
        return _("Revisjon %(date)s") % {"date": self.revised_on.strftime("%d.%m.%Y")}
