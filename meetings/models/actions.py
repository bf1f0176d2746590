"""Action items (*oppgaver*): what, who, by when — so decisions do not evaporate.

*«De skrev jo så svetten silte … men det ble aldri noe»*. An action item belongs to the meeting where it was decided
and stays on the agenda of every next meeting of the group until it is closed (done, not done, or no longer
relevant, each with a note). Who does it is a member of the group: the user, the coordinator, a person or a whole
service. Overdue items remind the responsible and the coordinator (``meetings.reminders``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import User
from koordinator.models.base import GatedQuerySet
from meetings.models.group import Group, GroupMember
from meetings.models.meeting import Meeting


class ActionItemQuerySet(GatedQuerySet):
    gate_name = "action_items"

    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def overdue(self, day: datetime.date | None = None):
        return self.open().filter(due_on__lt=day or timezone.localdate())


class ActionItem(models.Model):
    """One thing someone in the group will do, by a date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        DONE = "done", _("Gjort")
        NOT_DONE = "not_done", _("Ikke gjort")
        CANCELLED = "cancelled", _("Ikke aktuell lenger")

    CLOSED_STATUSES = (Status.DONE, Status.NOT_DONE, Status.CANCELLED)

    group = models.ForeignKey(Group, verbose_name=_("ansvarsgruppe"), on_delete=models.PROTECT,
                              related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("besluttet i møtet"), on_delete=models.PROTECT, related_name="action_items"
    )
    what = models.TextField(_("hva"))
    responsible = models.ForeignKey(
        GroupMember, verbose_name=_("hvem"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(_("merknad"), blank=True)
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppgave")
        verbose_name_plural = _("oppgaver")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["group", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="open", closed_on__isnull=True)
                    | Q(status__in=["done", "not_done", "cancelled"], closed_on__isnull=False)
                ),
                name="action_item_closed_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, day: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (day or timezone.localdate())
