"""The access log: who looked at a service user's data, when, how and why (innsyn / tilgangslogg)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.base import GatedQuerySet, choice_label
from koordinator.models.people import ServiceUser, User


class AccessEventQuerySet(GatedQuerySet):
    gate_name = "access_events"


class AccessEvent(models.Model):
    """One read of a service user's data by someone other than the owner. Rows are never changed."""

    class Channel(models.TextChoices):
        WEB = "web", _("Nettsiden")
        API = "api", _("API")
        PDF = "pdf", _("PDF")

    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="access_events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="access_events")
    # The name as text survives the account being removed.
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=200, blank=True)
    what = models.CharField(_("hva"), max_length=200)
    channel = models.CharField(_("hvordan"), max_length=5, choices=Channel.choices)
    reason = models.CharField(_("begrunnelse"), max_length=500, blank=True)
    at = models.DateTimeField(_("når"), auto_now_add=True, db_index=True)

    objects = AccessEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppslag")
        verbose_name_plural = _("oppslag")
        ordering = ["-at", "-pk"]
        # The owner's log (by service user); a reader's own reads today (``access.record_access`` for lists).
        indexes = [models.Index(fields=["service_user", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.what} ({self.at:%d.%m.%Y %H.%M})"

    @property
    def channel_label(self) -> str:
        """``get_channel_display()`` without its cost on a long list (:func:`~koordinator.models.base.choice_label`)."""
        return choice_label(self, "channel")
