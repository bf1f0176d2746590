"""Continuity: standing deputies, absences and appointments.

*«Det bør alltid være en stedfortreder for hovedkontakt»* — every trust person has a standing deputy, a case
may name its own, and when a worker is away the users are told who to contact instead.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.base import GatedQuerySet
from koordinator.models.cases import FollowUp
from koordinator.models.people import Organisation, ServiceUser, User


class DeputyArrangement(models.Model):
    """The leader gives a trust person a standing deputy. A case's own ``deputy`` overrides it."""

    trust_person = models.OneToOneField(
        User, verbose_name=_("tillitsperson"), on_delete=models.CASCADE, related_name="standing_deputy"
    )
    deputy = models.ForeignKey(
        User, verbose_name=_("fast stedfortreder"), on_delete=models.PROTECT, related_name="deputy_for"
    )
    unit = models.ForeignKey(Organisation, verbose_name=_("enhet"), on_delete=models.PROTECT)
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fast stedfortreder")
        verbose_name_plural = _("faste stedfortredere")
        constraints = [
            models.CheckConstraint(
                condition=~Q(trust_person=models.F("deputy")), name="deputy_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.trust_person} → {self.deputy}"


class AbsenceQuerySet(GatedQuerySet):
    gate_name = "absences"

    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def covering(self, day: datetime.date):
        return self.active().filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, start: datetime.date, end: datetime.date):
        return self.active().filter(starts_on__lte=end, ends_on__gte=start)


class Absence(models.Model):
    """A trust person is away: holiday, sick leave, a course, leave, other. Dates are inclusive."""

    class Kind(models.TextChoices):
        HOLIDAY = "ferie", _("Ferie")
        SICK_LEAVE = "sykmelding", _("Sykmelding")
        COURSE = "kurs", _("Kurs")
        LEAVE = "permisjon", _("Permisjon")
        OTHER = "annet", _("Annet")

    person = models.ForeignKey(User, verbose_name=_("hvem er borte"), on_delete=models.PROTECT,
                               related_name="absences")
    kind = models.CharField(_("type fravær"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("fra og med"))
    ends_on = models.DateField(_("til og med"))
    note = models.TextField(_("merknad"), blank=True)
    announce_return = models.BooleanField(_("si fra når hen er tilbake"), default=False)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="absences_registered")
    registered_at = models.DateTimeField(auto_now_add=True)
    # Set when the users have been told (at once for an absence that has begun, else the day before).
    announced_at = models.DateTimeField(null=True, blank=True)
    return_announced_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = AbsenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fravær")
        verbose_name_plural = _("fravær")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    def covers(self, day: datetime.date) -> bool:
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on

    @property
    def has_started(self) -> bool:
        return self.starts_on <= timezone.localdate()


class AppointmentQuerySet(GatedQuerySet):
    gate_name = "appointments"

    def upcoming(self):
        return self.filter(status__in=Appointment.LIVE_STATUSES)

    def on(self, day: datetime.date):
        from koordinator.timeutil import day_bounds

        start, end = day_bounds(day)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def between(self, first: datetime.date, last: datetime.date):
        from koordinator.timeutil import day_bounds

        return self.filter(starts_at__gte=day_bounds(first)[0], starts_at__lt=day_bounds(last)[1])


# Places as the user reads them (the choice labels are written for staff).
USER_PLACES = {
    "office": _("på kontoret"),
    "home": _("hjemme hos deg"),
    "cafe": _("på kafé"),
    "phone": _("på telefon"),
    "other": _("et annet sted"),
}


class TimeAndPlace:
    """When it ends and where it is, in words for staff and for the user (appointments and group meetings).

    The model has ``starts_at``, ``duration_minutes``, ``place`` (choices) and ``place_detail``; ``USER_PLACES`` maps
    a place to how the user reads it in a message to them.
    """

    USER_PLACES: dict = {}

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def place_text(self) -> str:
        return f"{self.get_place_display()}{': ' + self.place_detail if self.place_detail else ''}"

    @property
    def place_for_user(self) -> str:
        """The place as the user reads it in a message to them: «hjemme hos deg», «på kafé: Dromedar»."""
        label = str(self.USER_PLACES.get(self.place, self.get_place_display()))
        return f"{label}{': ' + self.place_detail if self.place_detail else ''}"


class Appointment(TimeAndPlace, models.Model):
    """A meeting between a trust person and a user: a home visit, a café, a phone call …"""

    USER_PLACES = USER_PLACES

    class Place(models.TextChoices):
        OFFICE = "office", _("På kontoret")
        HOME = "home", _("Hjemme hos brukeren")
        CAFE = "cafe", _("På kafé")
        PHONE = "phone", _("På telefon")
        OTHER = "other", _("Annet sted")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Avtalt")
        COVERED = "covered", _("Stedfortreder kommer")
        MOVED = "moved", _("Flyttet")
        CANCELLED = "cancelled", _("Avlyst")
        DONE = "done", _("Gjennomført")

    LIVE_STATUSES = (Status.PLANNED, Status.COVERED)

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="appointments")
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="appointments")
    trust_person = models.ForeignKey(
        User, verbose_name=_("hvem møter"), on_delete=models.PROTECT, related_name="appointments"
    )
    # Who was originally meant to come, when a deputy has taken it over.
    original_trust_person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveIntegerField(_("varighet (minutter)"), default=60)
    place = models.CharField(_("sted"), max_length=10, choices=Place.choices)
    place_detail = models.CharField(_("stedet nærmere"), max_length=200, blank=True)
    about = models.CharField(_("hva det gjelder"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    status_note = models.CharField(_("merknad til endringen"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avtale")
        verbose_name_plural = _("avtaler")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["trust_person", "starts_at"]),
            models.Index(fields=["service_user", "starts_at"]),
            # run_reminders: the live appointments of the next days, in the whole country.
            models.Index(fields=["starts_at"], condition=Q(status__in=("planned", "covered")),
                         name="appointment_live_start"),
        ]

    def __str__(self) -> str:
        return f"{self.service_user} {timezone.localtime(self.starts_at):%d.%m.%Y %H.%M}"



class Handover(models.Model):
    """A permanent change of trust person, with a note for the new worker that the user may also read."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="handovers")
    from_person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("overføringsnotat"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overføring")
        verbose_name_plural = _("overføringer")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id}: {self.from_person} → {self.to_person}"
