"""Retention's models: legal holds, the runs of ``apply_retention``, and what each run removed.

* :class:`LegalHold` (*slettestopp*): nothing about a person or a case is removed while a hold is in place (a
  complaint, a supervisory case, a lawsuit). Placed and lifted, with a reason, by the municipality's leader or the
  administrator (``retention.services``); never deleted, with history.
* :class:`RetentionRun`: one run of ``manage.py apply_retention``, dry or real: when, and the counts per kind (never
  content, never a name). A log, like ``SignIn``: it has no history of its own.
* :class:`Removal`: one kind removed from one case (or from one person, for the kinds that belong to the person),
  by which run and how many rows. What makes a second run find nothing, and a run killed half-way resumable: the
  row is written in the same transaction as the removal it records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import FollowUp, Municipality, ServiceUser, User
from koordinator.models.base import GatedQuerySet


class LegalHoldQuerySet(GatedQuerySet):
    gate_name = "legal_holds"

    def in_force(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """*Slettestopp*: keeps everything about a person, or about one case and its person, until it is lifted."""

    service_user = models.ForeignKey(
        ServiceUser, verbose_name=_("person"), on_delete=models.PROTECT, related_name="legal_holds", null=True,
        blank=True,
    )
    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("sak"), on_delete=models.PROTECT, related_name="legal_holds", null=True, blank=True
    )
    # The municipality of the case or the person, kept on the row: whose leader sees and lifts it (one indexed read).
    municipality = models.ForeignKey(Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT,
                                     related_name="legal_holds")
    reason = models.TextField(_("hvorfor"))
    placed_by = models.ForeignKey(User, verbose_name=_("satt av"), on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("satt"), default=timezone.now)
    lifted_by = models.ForeignKey(User, verbose_name=_("opphevet av"), on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True)
    lifted_at = models.DateTimeField(_("opphevet"), null=True, blank=True)
    lift_reason = models.TextField(_("hvorfor opphevet"), blank=True)

    objects = LegalHoldQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("slettestopp")
        verbose_name_plural = _("slettestopp")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "lifted_at"]),
            models.Index(fields=["follow_up"], condition=Q(lifted_at__isnull=True), name="legal_hold_case_in_force"),
            models.Index(fields=["service_user"], condition=Q(lifted_at__isnull=True),
                         name="legal_hold_person_in_force"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_user__isnull=False, follow_up__isnull=True)
                | Q(service_user__isnull=True, follow_up__isnull=False),
                name="legal_hold_person_or_case",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_whom",
            ),
        ]

    def __str__(self) -> str:
        if self.follow_up_id:
            return _("Slettestopp for sak %(number)s") % {"number": self.follow_up_id}
        return _("Slettestopp for person %(number)s") % {"number": self.service_user_id}

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class RetentionRun(models.Model):
    """One run of ``apply_retention``: when, dry or real, and how many rows of each kind (no content, no names).

    ``counts`` is ``{"total": {kind: {"rows": n, "history": n}}, "municipalities": {id: {kind: n}}, "cases": n,
    "persons": n}``: the leader's page shows their own municipality's numbers only."""

    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    dry_run = models.BooleanField(_("prøvekjøring"), default=False)
    counts = models.JSONField(_("antall"), default=dict, blank=True)

    class Meta:
        verbose_name = _("kjøring av sletting")
        verbose_name_plural = _("kjøringer av sletting")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"])]

    def __str__(self) -> str:
        return f"{'dry' if self.dry_run else 'real'} {self.started_at:%Y-%m-%d %H:%M}"


class Removal(models.Model):
    """One kind removed from one case (``follow_up``) or from one person (``follow_up`` empty), by which run."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="removals")
    kind = models.CharField(_("hva"), max_length=40)
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="+")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(_("rader"), default=0)
    history_rows = models.PositiveIntegerField(_("historikkrader"), default=0)
    at = models.DateTimeField(_("når"), default=timezone.now)

    class Meta:
        verbose_name = _("slettet del")
        verbose_name_plural = _("slettede deler")
        indexes = [models.Index(fields=["service_user", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "kind"], condition=Q(follow_up__isnull=False),
                                    name="removal_once_per_case_and_kind"),
            models.UniqueConstraint(fields=["service_user", "kind"], condition=Q(follow_up__isnull=True),
                                    name="removal_once_per_person_and_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.follow_up_id or self.service_user_id}"
