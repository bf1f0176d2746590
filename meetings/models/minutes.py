"""The minutes (*referat*): a living document that shows the situation *«pr dags dato»*.

Sections: the situation now, the user's words, a note for each agenda point, and the decisions. Every save through
``meetings.services.write_minutes`` is a new ``version`` with author and time (the history keeps every version);
a save based on an older version is refused with a conflict that carries both texts, so nothing is lost.

The chair marks the minutes ready; the user approves them or writes what they disagree with. Changes after that are
still allowed, each with a reason (``amendment_reason``, kept per version in the history) and shown as a visible
change; members are told. :class:`MinutesRead` remembers which version each reader last read, so the page can show
what changed since.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import Consent, User
from koordinator.models.base import GatedQuerySet
from meetings.models.group import GroupMember
from meetings.models.meeting import Meeting


class MinutesQuerySet(GatedQuerySet):
    gate_name = "minutes"


class Minutes(models.Model):
    """The minutes of one meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Under arbeid")
        READY = "ready", _("Klart – venter på brukeren")
        APPROVED = "approved", _("Godkjent av brukeren")
        DISPUTED = "disputed", _("Brukeren er uenig i noe")

    # The status as the user the minutes are about reads it: spoken to them (issue 12, item 8).
    OWNER_WORDS = {
        Status.READY: _("Venter på svaret ditt"),
        Status.APPROVED: _("Du har godkjent det"),
        Status.DISPUTED: _("Du er uenig i noe"),
    }

    # The sections, in the order the page and the PDF show them. ``point_notes`` maps an agenda item's id (as a
    # string) to the note for that point.
    TEXT_SECTIONS = ("situation", "user_words", "decisions")
    SECTION_FIELDS = ("situation", "user_words", "point_notes", "decisions")
    # What the user's answer covers.
    RESPONDED = (Status.APPROVED, Status.DISPUTED)

    meeting = models.OneToOneField(Meeting, verbose_name=_("møte"), on_delete=models.PROTECT, related_name="minutes")
    situation = models.TextField(_("situasjonen nå"), blank=True, help_text=_("Slik det er «pr dags dato»."))
    user_words = models.TextField(_("brukerens ord"), blank=True)
    point_notes = models.JSONField(_("notater til punktene på dagsorden"), default=dict, blank=True)
    decisions = models.TextField(_("beslutninger"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("versjon"), default=1)
    # Why this version was changed after the minutes were marked ready (empty for changes while drafting).
    amendment_reason = models.CharField(_("grunn til endringen"), max_length=300, blank=True)

    ready_at = models.DateTimeField(_("markert klart"), null=True, blank=True)
    ready_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    ready_version = models.PositiveIntegerField(_("versjon markert klart"), null=True, blank=True)

    # The user's answer: approved, or what they disagree with, in their own words.
    user_response_at = models.DateTimeField(_("brukeren svarte"), null=True, blank=True)
    user_response_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    user_response_how = models.CharField(
        _("hvordan brukeren svarte"), max_length=10, choices=Consent.GivenHow.choices, blank=True
    )
    user_response_version = models.PositiveIntegerField(_("versjonen brukeren svarte på"), null=True, blank=True)
    disagreement = models.TextField(_("det brukeren er uenig i"), blank=True)

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    objects = MinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="minutes_version_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(ready_at__isnull=False), name="minutes_ready_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | ~Q(disagreement=""), name="minutes_disputed_has_text"
            ),
        ]

    def __str__(self) -> str:
        return _("Referat fra %(meeting)s") % {"meeting": self.meeting}

    @property
    def status_for_owner(self) -> str:
        """The status in the words of the user the minutes are about («Du har godkjent det»)."""
        return str(self.OWNER_WORDS.get(self.status) or self.get_status_display())

    @property
    def etag(self) -> str:
        """A strong ETag that changes with every version (the API compares If-Match with it)."""
        return f'"minutes-{self.pk}-v{self.version}"'

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def changed_since_ready(self) -> bool:
        return self.ready_version is not None and self.version > self.ready_version

    @property
    def changed_since_user_response(self) -> bool:
        """Changed after the user approved or disagreed: they may want to look again."""
        return self.user_response_version is not None and self.version > self.user_response_version

    def note_for(self, agenda_item_id: int) -> str:
        return (self.point_notes or {}).get(str(agenda_item_id), "")


class MinutesReadQuerySet(GatedQuerySet):
    gate_name = "minutes_reads"


class MinutesRead(models.Model):
    """Which version of the minutes a reader last read (for «endret siden du leste sist»)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="minutes_reads")
    version = models.PositiveIntegerField(_("versjon lest"))
    read_at = models.DateTimeField(_("lest"))

    objects = MinutesReadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lest referat")
        verbose_name_plural = _("leste referater")
        constraints = [models.UniqueConstraint(fields=["minutes", "reader"], name="minutes_read_once_per_reader")]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.minutes_id} v{self.version}"


class CommentQuerySet(GatedQuerySet):
    gate_name = "minutes_comments"

    def live(self):
        return self.filter(archived_at__isnull=True)


class Comment(models.Model):
    """A member's comment on the minutes. Comments are not part of the document and do not change its version."""

    minutes = models.ForeignKey(Minutes, verbose_name=_("referat"), on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(User, verbose_name=_("skrevet av"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        GroupMember, verbose_name=_("som medlem"), on_delete=models.PROTECT, related_name="comments", null=True,
        blank=True,
    )
    text = models.TextField(_("kommentar"))
    # The version of the minutes the comment was written to.
    minutes_version = models.PositiveIntegerField(_("til versjon"))
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)
    archived_at = models.DateTimeField(_("fjernet"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommentar til referatet")
        verbose_name_plural = _("kommentarer til referatet")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
