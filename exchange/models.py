"""Models of exchange: «Last ned alt om meg», the archive of everything stored about a person (issue 15).

A :class:`DataArchive` is one request for the archive and, once built, the archive itself: a zip with a readable PDF,
the FHIR bundle and a JSON of what FHIR does not carry (``exchange.archive_content``). The owner asks for it on Min
side; the staff of the person's case ask for it on the person's behalf when the person asked on paper, in person or
by phone (``on_paper``, with how and when the request came). It is built in the background (``run_reminders`` and
``manage.py build_archives``), can be downloaded for ``ARCHIVE_KEEP_DAYS`` days, and is then emptied (the row and its
history stay: who asked, when, when it was built, downloaded and emptied).

The zip is kept in the database (no files on disk, so a backup of the database is the whole state), deferred when
listing, and never copied into the history rows (``excluded_fields``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import ServiceUser, User
from koordinator.models.base import GatedQuerySet


class DataArchiveQuerySet(GatedQuerySet):
    gate_name = "data_archives"

    def in_progress(self):
        """Asked for and not built yet (waiting, or being built now)."""
        return self.filter(state__in=DataArchive.IN_PROGRESS)

    def listing(self):
        """Without the zip itself: what a page or a list needs."""
        return self.defer("content")


class DataArchive(models.Model):
    """One request for «alt om meg», and the archive once it is built."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Bestilt")
        BUILDING = "building", _("Lages nå")
        READY = "ready", _("Klar til nedlasting")
        FAILED = "failed", _("Feilet")
        EXPIRED = "expired", _("Slettet etter fristen")

    class PaperHow(models.TextChoices):
        WRITING = "writing", _("Skriftlig (brev eller skjema)")
        IN_PERSON = "in_person", _("Muntlig, ved oppmøte")
        PHONE = "phone", _("På telefon")

    IN_PROGRESS = (State.REQUESTED, State.BUILDING)

    service_user = models.ForeignKey(
        ServiceUser, verbose_name=_("hvem det gjelder"), on_delete=models.PROTECT, related_name="data_archives"
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("bestilt av"), on_delete=models.PROTECT, related_name="data_archives_requested"
    )
    # Staff produced it for a person who asked on paper, in person or by phone (not through Min side).
    on_paper = models.BooleanField(_("bestilt på vegne av personen"), default=False)
    paper_how = models.CharField(_("hvordan personen ba om det"), max_length=10, choices=PaperHow.choices,
                                 blank=True)
    paper_received_on = models.DateField(_("når personen ba om det"), null=True, blank=True)
    paper_note = models.TextField(_("merknad"), blank=True)

    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    build_started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    built_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kan lastes ned til"), null=True, blank=True)
    expired_at = models.DateTimeField(_("slettet"), null=True, blank=True)
    failed_at = models.DateTimeField(_("feilet"), null=True, blank=True)
    # What went wrong, for the operator: the kind of error only, never personal content.
    failure = models.CharField(_("feil"), max_length=200, blank=True)

    # The zip, while it can be downloaded; emptied when it expires.
    content = models.BinaryField(_("arkivet"), null=True, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("størrelse (byte)"), default=0)
    downloads = models.PositiveIntegerField(_("antall nedlastinger"), default=0)
    last_downloaded_at = models.DateTimeField(_("sist lastet ned"), null=True, blank=True)
    last_downloaded_by = models.ForeignKey(
        User, verbose_name=_("sist lastet ned av"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = DataArchiveQuerySet.as_manager()
    # The zip is never copied into the history: a history row says who did what and when.
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        verbose_name = _("arkiv med alt om en person")
        verbose_name_plural = _("arkiver med alt om en person")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # A person's archives, newest first (Min side, the archive pages).
            models.Index(fields=["service_user", "-requested_at"], name="archive_person_newest"),
            # What the builder picks up, and what has passed its download period.
            models.Index(fields=["state", "requested_at"], name="archive_state_requested"),
            models.Index(fields=["state", "expires_at"], name="archive_state_expires"),
        ]
        constraints = [
            # One request in progress per person and way of asking: a second press shows the first.
            models.UniqueConstraint(
                fields=["service_user", "on_paper"], condition=Q(state__in=["requested", "building"]),
                name="archive_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(on_paper=False) | (Q(paper_received_on__isnull=False) & ~Q(paper_how="")),
                name="archive_paper_says_how_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(state="ready") | Q(expires_at__isnull=False, built_at__isnull=False),
                name="archive_ready_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return _("Alt om %(name)s, bestilt %(date)s") % {
            "name": self.service_user.full_name, "date": timezone.localtime(self.requested_at).strftime("%d.%m.%Y")
        }

    @property
    def is_in_progress(self) -> bool:
        return self.state in self.IN_PROGRESS

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def filename(self) -> str:
        day = timezone.localtime(self.built_at or self.requested_at).date()
        return f"alt-om-meg-{day:%Y-%m-%d}.zip"
