"""*Loggført på delmål*: a follow-up log entry's link to the plan steps the contact was about.

The core's follow-up log knows no plan (dependencies point one way: meetings → plans → koordinator), so the plans
app owns this link and plugs it into the log (``plans/logged_steps.py``, ``koordinator.followup_log.links``). From
either side it reads as before: ``entry.steps`` and ``step.log_entries``. Each link made or undone has a history
row with who did it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models.content import Step


class LoggedStep(models.Model):
    entry = models.ForeignKey("koordinator.FollowUpEntry", verbose_name=_("loggføring"), on_delete=models.CASCADE,
                              related_name="+")
    step = models.ForeignKey(Step, verbose_name=_("delmål"), on_delete=models.CASCADE, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delmål i en loggføring")
        verbose_name_plural = _("delmål i loggføringer")
        constraints = [models.UniqueConstraint(fields=["entry", "step"], name="logged_step_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.step_id}"
