"""Notes on a plan: partners' progress notes on what they are responsible for, and comments by the owner.

Both carry the plan as well as the step, measure or goal they are about, so the gate and the plan page can
ask for all of a plan's notes in one query.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import User
from koordinator.models.base import GatedQuerySet
from plans.models.content import Goal, Measure, Step
from plans.models.plan import Plan


class ProgressNoteQuerySet(GatedQuerySet):
    gate_name = "progress_notes"


class ProgressNote(models.Model):
    """How a step or a measure is going, written by staff or by the partner responsible for it."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="progress_notes")
    step = models.ForeignKey(
        Step, verbose_name=_("delmål"), on_delete=models.PROTECT, related_name="progress_notes", null=True, blank=True
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("tiltak"),
        on_delete=models.PROTECT,
        related_name="progress_notes",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(User, verbose_name=_("skrevet av"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("notat"))
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)

    objects = ProgressNoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("framdriftsnotat")
        verbose_name_plural = _("framdriftsnotater")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__isnull=False, measure__isnull=True) | Q(step__isnull=True, measure__isnull=False),
                name="progress_note_on_step_or_measure",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class CommentQuerySet(GatedQuerySet):
    gate_name = "plan_comments"


class Comment(models.Model):
    """A comment on a goal or a step, by the owner (in their own words) or by staff."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="comments")
    goal = models.ForeignKey(
        Goal, verbose_name=_("mål"), on_delete=models.PROTECT, related_name="comments", null=True, blank=True
    )
    step = models.ForeignKey(
        Step, verbose_name=_("delmål"), on_delete=models.PROTECT, related_name="comments", null=True, blank=True
    )
    author = models.ForeignKey(User, verbose_name=_("skrevet av"), on_delete=models.PROTECT, related_name="+")
    by_owner = models.BooleanField(_("skrevet av brukeren"), default=False)
    text = models.TextField(_("kommentar"))
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False, step__isnull=True) | Q(goal__isnull=True, step__isnull=False),
                name="plan_comment_on_goal_or_step",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
