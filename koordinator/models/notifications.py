"""The notification outbox (DESIGN.md rule 5).

The event that causes a notification writes a ``Notification`` row in its own transaction;
``manage.py send_notifications`` delivers it later, records every attempt, retries failures with back-off,
and never delivers the same notification twice.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.people import ServiceUser, User


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """What a logged-in person reads in the app: addressed to them, or to their service-user record."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from koordinator.access import actor_for  # the gate imports the models

        # Two indexed columns, no join: at national scale the join walked every municipality's notifications.
        # The service-user id comes from the user's roles, read once per request (``actor_for``).
        service_user_id = actor_for(user).service_user_id
        if service_user_id is None:
            return self.filter(recipient_user_id=user.pk)
        return self.filter(Q(recipient_user_id=user.pk) | Q(recipient_service_user_id=service_user_id))

    def unread_in_app(self):
        return self.filter(channel=Notification.Channel.IN_APP, read_at__isnull=True).exclude(
            state=Notification.State.CANCELLED
        )


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("I appen")
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Brev")

    class State(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")
        CANCELLED = "cancelled", _("Avlyst")

    recipient_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    recipient_service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    channel = models.CharField(_("kanal"), max_length=8, choices=Channel.choices)
    # Where it goes, fixed when the notification is written (a phone number, an e-mail or a postal address).
    address = models.TextField(_("adresse"), blank=True)
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    due_at = models.DateTimeField(_("skal sendes"), db_index=True)
    # Sent also in the quiet hours (``SMS_QUIET_FROM``–``SMS_QUIET_UNTIL``): same-day changes, crisis-plan access.
    urgent = models.BooleanField(_("haster"), default=False)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    read_at = models.DateTimeField(_("lest"), null=True, blank=True)
    # Events that may run more than once (cron) write with a key; the unique index makes the second a no-op.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["-due_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            # What the reminder jobs already wrote about an object (``outbox.written_keys``).
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
            # The unread count under the bell: a person's unread messages only, not everything they ever got.
            models.Index(fields=["recipient_user", "due_at"], condition=Q(read_at__isnull=True),
                         name="notification_unread_user"),
            models.Index(fields=["recipient_service_user", "due_at"], condition=Q(read_at__isnull=True),
                         name="notification_unread_owner"),
            # What a sender may claim (``outbox.sender``): pending, and not a letter waiting in the print queue. On
            # (state, due_at) a pass walked every pending letter in the country before finding nothing to send.
            models.Index(fields=["due_at", "id"], condition=Q(state="pending") & ~Q(channel="letter"),
                         name="notification_sendable"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_user__isnull=False) | Q(recipient_service_user__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"

    @property
    def recipient_name(self) -> str:
        if self.recipient_service_user_id:
            return self.recipient_service_user.full_name
        return self.recipient_user.display_name if self.recipient_user_id else ""


class DeliveryAttempt(models.Model):
    """One try at delivering a notification, kept for the record whether it worked or not."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(auto_now_add=True)
    worker = models.CharField(max_length=100)
    backend = models.CharField(max_length=200)
    success = models.BooleanField()
    error = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.notification_id} @ {self.at:%Y-%m-%d %H:%M} {'ok' if self.success else 'feil'}"
