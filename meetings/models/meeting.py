"""Meetings of a responsibility group, who came, and what is on the agenda.

A meeting has a time, a place (often the user's home) and a status; every change adds one to ``sequence``, the
calendar invitation's SEQUENCE, so a calendar that got the first invitation updates to the latest.

The agenda is built for the group (``meetings.selectors.agenda``): the user's own points first, then open action
items from earlier meetings, plan steps that came due, the plan revision if due, and points members proposed.
Proposals are stored as :class:`AgendaItem` rows at once; the generated points are computed while the meeting is
planned and stored (``Meeting.agenda_frozen_at``) when the minutes are started or the meeting is marked held, so a
past meeting keeps the agenda it had.
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
from koordinator.models.continuity import TimeAndPlace
from meetings.models.group import Group, GroupMember

# Places as the user reads them in a message to them (the choice labels are written for everyone).
USER_PLACES = {
    "user_home": _("hjemme hos deg"),
    "office": _("på kontoret til oppfølgingstjenesten"),
    "partner": _("hos en av tjenestene"),
    "video": _("på video eller telefon"),
    "other": _("et annet sted"),
}


class MeetingQuerySet(GatedQuerySet):
    gate_name = "meetings"

    def planned(self):
        return self.filter(status=Meeting.Status.PLANNED)

    def not_cancelled(self):
        return self.exclude(status=Meeting.Status.CANCELLED)

    def upcoming(self, now: datetime.datetime | None = None):
        """Planned meetings that have not started yet."""
        return self.planned().filter(starts_at__gte=now or timezone.now())


class Meeting(TimeAndPlace, models.Model):
    """One meeting of the group. ``ends_at``, ``place_text`` and ``place_for_user`` (the place as the user reads
    it: «hjemme hos deg») come from ``TimeAndPlace``, shared with appointments."""

    USER_PLACES = USER_PLACES

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Holdt")
        CANCELLED = "cancelled", _("Avlyst")

    class Place(models.TextChoices):
        USER_HOME = "user_home", _("Hjemme hos brukeren")
        OFFICE = "office", _("På kontoret til oppfølgingstjenesten")
        PARTNER = "partner", _("Hos en samarbeidstjeneste")
        VIDEO = "video", _("Video eller telefon")
        OTHER = "other", _("Annet sted")

    group = models.ForeignKey(Group, verbose_name=_("ansvarsgruppe"), on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveIntegerField(_("varighet (minutter)"), default=60)
    place = models.CharField(_("sted"), max_length=12, choices=Place.choices)
    place_detail = models.CharField(_("stedet nærmere"), max_length=200, blank=True,
                                    help_text=_("Adresse, rom eller lenke."))
    note = models.TextField(_("melding i innkallingen"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Why it was moved or cancelled (the latest change; the history keeps each).
    status_note = models.CharField(_("grunn til endringen"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("avlyst"), null=True, blank=True)
    held_at = models.DateTimeField(_("registrert holdt"), null=True, blank=True)
    # Someone else chairs this one meeting (the chair is away: the leader hands the chair on).
    chair_person = models.ForeignKey(
        User,
        verbose_name=_("leder møtet i stedet"),
        on_delete=models.PROTECT,
        related_name="meetings_chaired",
        null=True,
        blank=True,
    )
    # The calendar invitation's SEQUENCE: one more for every change of time, place or status.
    sequence = models.PositiveIntegerField(_("versjon av innkallingen"), default=0)
    agenda_frozen_at = models.DateTimeField(_("dagsorden låst"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "starts_at"]), models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="meeting_duration_positive"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="meeting_cancelled_has_time"
            ),
        ]

    def __str__(self) -> str:
        return _("Møte %(when)s") % {"when": timezone.localtime(self.starts_at).strftime("%d.%m.%Y kl. %H.%M")}

    @property
    def local_date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def agenda_is_frozen(self) -> bool:
        return self.agenda_frozen_at is not None

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def place_for(self, reader: str) -> str:
        """The place as ``reader`` reads it: "owner" (the user the meeting is about), "staff" (the case's staff)
        or anyone else (a partner, who does not see the user's address)."""
        if reader == "owner":
            return self.place_for_user
        return self.place_text if reader == "staff" else self.place_for_partner

    @property
    def place_for_partner(self) -> str:
        """The place as a partner member reads it. A partner does not see the user's address, so «Hjemme hos
        brukeren» with no address written on the meeting says where to get it."""
        if self.place == self.Place.USER_HOME and not self.place_detail:
            return str(_("Hjemme hos brukeren – adressen får du av tillitspersonen"))
        return self.place_text


class AttendanceQuerySet(GatedQuerySet):
    gate_name = "meeting_attendance"


class Attendance(models.Model):
    """Whether a member came: present, sent apologies (*forfall*, with an optional message), or absent."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Til stede")
        APOLOGIES = "apologies", _("Meldt forfall")
        ABSENT = "absent", _("Ikke møtt, uten å melde fra")

    class Via(models.TextChoices):
        PAGE = "page", _("På møtesiden")
        LINK = "link", _("Med lenken i innkallingen")
        RECORDED = "recorded", _("Registrert av møteleder")

    meeting = models.ForeignKey(Meeting, verbose_name=_("møte"), on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(
        GroupMember, verbose_name=_("medlem"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("oppmøte"), max_length=10, choices=Status.choices)
    message = models.TextField(_("melding"), blank=True)
    via = models.CharField(_("registrert"), max_length=10, choices=Via.choices, default=Via.RECORDED)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    recorded_at = models.DateTimeField(_("registrert"), auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppmøte")
        verbose_name_plural = _("oppmøte")
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.meeting_id}: {self.status}"


class AgendaItemQuerySet(GatedQuerySet):
    gate_name = "agenda_items"

    def live(self):
        return self.filter(archived_at__isnull=True)


class AgendaItem(models.Model):
    """A point on a meeting's agenda: proposed by a member, or generated (and stored when the agenda is locked)."""

    class Kind(models.TextChoices):
        USER_WORDS = "user_words", _("Brukerens ord")
        ACTION_ITEM = "action_item", _("Oppgave fra et tidligere møte")
        PLAN_STEP = "plan_step", _("Delmål i planen")
        PLAN_REVISION = "plan_revision", _("Revisjon av planen")
        PROPOSED = "proposed", _("Forslag fra et medlem")

    # The order of the agenda (DOMAIN.md): the user's own points first, members' proposals last.
    ORDER = (Kind.USER_WORDS, Kind.ACTION_ITEM, Kind.PLAN_STEP, Kind.PLAN_REVISION, Kind.PROPOSED)
    GENERATED = (Kind.ACTION_ITEM, Kind.PLAN_STEP, Kind.PLAN_REVISION)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    kind = models.CharField(_("type punkt"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("punkt"), max_length=300)
    text = models.TextField(_("mer om punktet"), blank=True)
    proposed_by_member = models.ForeignKey(
        GroupMember,
        verbose_name=_("foreslått av"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
        null=True,
        blank=True,
    )
    # Who typed it (the coordinator may write down the user's points for them).
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    action_item = models.ForeignKey(
        "meetings.ActionItem", on_delete=models.PROTECT, related_name="agenda_items", null=True, blank=True
    )
    step = models.ForeignKey("plans.Step", on_delete=models.PROTECT, related_name="agenda_items", null=True,
                             blank=True)
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)
    archived_at = models.DateTimeField(_("fjernet"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgendaItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punkt på dagsorden")
        verbose_name_plural = _("punkter på dagsorden")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="action_item") | Q(action_item__isnull=False), name="agenda_item_action_linked"
            ),
            models.CheckConstraint(
                condition=~Q(kind="plan_step") | Q(step__isnull=False), name="agenda_item_step_linked"
            ),
        ]

    def __str__(self) -> str:
        return self.title
