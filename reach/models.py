"""Reaching each other (issue 16): «Ring meg», messages per case, SMS replies that arrive.

- ``CallbackRequest``: the user asked to be called. It goes to whoever is the user's contact *right now* (the rule of
  «Kontakten din nå»: the trust person; the deputy while they are away; the unit's duty phone when both are) and
  escalates through ``run_reminders`` (deputy, then leader) when nobody handles it in time. One open request per case.
- ``Message``: a simple thread per case between the user and the case's staff. Nothing is deleted; the writer may
  take a message back only before it is read.
- ``InboundSms``: what the SMS gateway posted to the inbound webhook, once per provider message id. Matched to the
  user's open case on the phone number; what cannot be matched to exactly one person waits in the leader's inbox.

All three are personal data: behind the gate (``reach.access``), with history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import FollowUp, FollowUpEntry, Municipality, Organisation, ServiceUser, User
from koordinator.models.base import GatedQuerySet

MESSAGE_MAX_LENGTH = 2000
CALLBACK_NOTE_MAX_LENGTH = 300


class CallbackQuerySet(GatedQuerySet):
    gate_name = "callbacks"  # the policy: reach.callback_access

    def open(self):
        return self.filter(state=CallbackRequest.State.OPEN)


class CallbackRequest(models.Model):
    class When(models.TextChoices):
        SOON = "soon", _("Så snart som mulig")
        TODAY = "today", _("I dag")
        TOMORROW_MORNING = "tomorrow_morning", _("I morgen formiddag")
        TOMORROW_AFTERNOON = "tomorrow_afternoon", _("I morgen ettermiddag")

    class Via(models.TextChoices):
        MY_PAGE = "my_page", _("Min side")
        SMS_LINK = "sms_link", _("Lenke i SMS")
        API = "api", _("API")

    class Role(models.TextChoices):
        """Whose task it is now (``assigned_to``; none for the duty phone)."""

        PRIMARY = "primary", _("Tillitspersonen")
        DEPUTY = "deputy", _("Stedfortrederen")
        DUTY = "duty", _("Vakttelefonen")
        LEADER = "leader", _("Lederen")

    class State(models.TextChoices):
        OPEN = "open", _("Venter på å bli ringt")
        DONE = "done", _("Ferdig")

    class Outcome(models.TextChoices):
        CALLED = "called", _("Ringt")
        NO_ANSWER = "no_answer", _("Fikk ikke svar – prøver igjen")
        SMS_SENT = "sms_sent", _("Sendt SMS")

    case = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="callbacks")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="callbacks")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="callbacks")
    when = models.CharField(_("når det passer"), max_length=20, choices=When.choices, default=When.SOON)
    note = models.CharField(_("noen ord"), max_length=CALLBACK_NOTE_MAX_LENGTH, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.MY_PAGE)
    requested_at = models.DateTimeField(_("bedt om"))
    # Who should call now, and as what. ``assigned_to`` is empty while it is the duty phone's.
    assigned_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks_assigned"
    )
    assigned_role = models.CharField(max_length=10, choices=Role.choices)
    # When it escalates if nobody has handled it (working hours, ``CALLBACK_ESCALATE_AFTER_HOURS``).
    due_by = models.DateTimeField(_("frist"))
    # 0: as asked; 1: sent on to the deputy; 2: sent on to the leader. Each step once (run_reminders).
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    # The last mark («Fikk ikke svar – prøver igjen» keeps the request open; the others close it).
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    handled_at = models.DateTimeField(_("ringt tilbake"), null=True, blank=True)  # the first mark, for the figures
    handled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks_handled"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    log_entry = models.ForeignKey(
        FollowUpEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks"
    )

    objects = CallbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("«Ring meg»")
        verbose_name_plural = _("«Ring meg»")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # «Ring meg» pressed five times is one task.
            models.UniqueConstraint(fields=["case"], condition=Q(state="open"), name="callback_one_open_per_case"),
        ]
        indexes = [
            # A worker's open tasks (the worklist), and what is due to escalate (run_reminders).
            models.Index(fields=["assigned_to", "state"], name="callback_assigned_state"),
            models.Index(fields=["state", "due_by"], condition=Q(state="open"), name="callback_open_due"),
            # The duty phone's open tasks per unit; the leader's figures per unit and month.
            models.Index(fields=["unit", "requested_at"], name="callback_unit_requested"),
            models.Index(fields=["service_user", "requested_at"], name="callback_owner_requested"),
        ]

    def __str__(self) -> str:
        return f"Ring meg #{self.pk} (sak {self.case_id})"


class MessageQuerySet(GatedQuerySet):
    gate_name = "messages"  # the policy: reach.message_access

    def live(self):
        return self.filter(withdrawn_at__isnull=True)


class Message(models.Model):
    """One message in a case's thread, from the user or from a member of the case's staff."""

    class Via(models.TextChoices):
        WEB = "web", _("Skrevet i appen")
        SMS = "sms", _("Svar på SMS")
        API = "api", _("API")

    case = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="messages")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="messages")
    # True: written by the user (``author`` is their login, or empty for an SMS reply); False: by staff (``author``).
    from_service_user = models.BooleanField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="messages_written")
    body = models.TextField(_("melding"), max_length=MESSAGE_MAX_LENGTH)
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.WEB)
    sent_at = models.DateTimeField(_("sendt"))
    # Read by the other side: the user (for staff's messages), or any of the case's staff (for the user's).
    read_at = models.DateTimeField(_("lest"), null=True, blank=True)
    read_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldinger")
        ordering = ["sent_at", "pk"]
        indexes = [
            models.Index(fields=["case", "sent_at"], name="message_case_sent"),
            models.Index(fields=["service_user", "sent_at"], name="message_owner_sent"),
            # Unread for staff (the worklist's count) and for the user (Min side).
            models.Index(fields=["case", "from_service_user"], condition=Q(read_at__isnull=True),
                         name="message_unread"),
        ]

    def __str__(self) -> str:
        return f"Melding #{self.pk} (sak {self.case_id})"


class InboundSms(models.Model):
    """An SMS the gateway delivered to the inbound webhook; stored once per provider message id."""

    class State(models.TextChoices):
        MATCHED = "matched", _("Lagt i brukerens meldinger")
        UNKNOWN = "unknown", _("Ukjent nummer")
        AMBIGUOUS = "ambiguous", _("Nummeret tilhører flere")
        NO_OPEN_CASE = "no_case", _("Ingen åpen sak")
        HANDLED = "handled", _("Behandlet")

    provider_message_id = models.CharField(max_length=200, unique=True)
    from_number = models.CharField(_("fra nummer"), max_length=32, db_index=True)
    to_number = models.CharField(_("til nummer"), max_length=32, blank=True)
    text = models.TextField(_("tekst"), max_length=MESSAGE_MAX_LENGTH * 2)
    received_at = models.DateTimeField(_("mottatt"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices)
    # Where it went: the case's thread, or (not matched) the inbox of this municipality's leader.
    message = models.OneToOneField(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_sms")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="inbound_sms")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("innkommende SMS")
        verbose_name_plural = _("innkommende SMS")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The leader's inbox: what was not matched, per municipality.
            models.Index(fields=["municipality", "received_at"], condition=~Q(state="matched"),
                         name="inbound_sms_inbox"),
        ]

    def __str__(self) -> str:
        return f"SMS {self.provider_message_id}"
