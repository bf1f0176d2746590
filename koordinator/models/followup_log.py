"""The follow-up log (*kontaktlogg*): every contact a trust person has with a user, or tries to have.

Trust persons meet users every day, mostly outside the office: home visits, cafés, walks, prison visits,
going along to NAV or the GP. What they log is the record of the work and the basis of every figure the unit
reports (contacts per month by kind, meetings with other services). The user sees every entry about them.

An entry belongs to a follow-up case. Its life areas are stored as one boolean per area, like a consent's
scopes (portable filtering on SQLite and PostgreSQL). What else it points at is plugged in by the apps
(``koordinator.followup_log.links``): the plans app links entries to the plan's steps (``plans.LoggedStep``,
``entry.steps``), so the core knows no plan. Nothing is deleted: an entry is archived.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.base import GatedQuerySet, choice_label
from koordinator.models.cases import FollowUp
from koordinator.models.continuity import Appointment
from koordinator.models.life_areas import LifeArea
from koordinator.models.people import Organisation, User


class FollowUpEntryQuerySet(GatedQuerySet):
    gate_name = "followup_entries"

    def live(self):
        """Entries in the log (not archived)."""
        return self.filter(archived_at__isnull=True)

    def contacts(self):
        """Live entries that count as contact: everything but «tried, but did not meet»."""
        return self.live().exclude(kind=FollowUpEntry.Kind.NOT_MET)


class FollowUpEntry(models.Model):
    """One contact (or attempt) with a user: when, how long, how, where, what about, what was agreed next."""

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", _("Samtale")
        HOME_VISIT = "home_visit", _("Hjemmebesøk")
        OUTREACH = "outreach", _("Oppsøkende")
        PHONE = "phone", _("Telefon")
        SMS = "sms", _("SMS")
        ACCOMPANIED = "accompanied", _("Fulgt til avtale")
        OTHER_SERVICE = "other_service", _("Møte med annen tjeneste")
        PRISON_VISIT = "prison_visit", _("Fengselsbesøk")
        NOT_MET = "not_met", _("Forsøkt, men ikke truffet")

    # How the user reads each kind on their own page (the labels above are written for staff).
    USER_KIND_LABELS = {
        Kind.CONVERSATION: _("Samtale med deg"),
        Kind.HOME_VISIT: _("Besøk hjemme hos deg"),
        Kind.OUTREACH: _("Dere traff hverandre ute"),
        Kind.PHONE: _("Telefonsamtale med deg"),
        Kind.SMS: _("SMS"),
        Kind.ACCOMPANIED: _("Fulgte deg til en avtale"),
        Kind.OTHER_SERVICE: _("Møte med en annen tjeneste om deg"),
        Kind.PRISON_VISIT: _("Besøk i fengselet"),
        Kind.NOT_MET: _("Prøvde å treffe deg, men fikk ikke kontakt"),
    }

    # One boolean per life area, like Consent.SCOPE_FIELDS.
    LIFE_AREA_FIELDS = {
        LifeArea.HOUSING: "area_housing",
        LifeArea.WORK: "area_work",
        LifeArea.ECONOMY: "area_economy",
        LifeArea.PHYSICAL_HEALTH: "area_physical_health",
        LifeArea.MENTAL_HEALTH: "area_mental_health",
        LifeArea.DENTAL_HEALTH: "area_dental_health",
        LifeArea.SUBSTANCE_USE: "area_substance_use",
        LifeArea.FAMILY: "area_family",
        LifeArea.LEISURE: "area_leisure",
        LifeArea.SAFETY: "area_safety",
        LifeArea.LEGAL: "area_legal",
    }

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("oppfølging"), on_delete=models.PROTECT, related_name="log_entries"
    )
    started_at = models.DateTimeField(_("når"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("varighet (minutter)"), default=30)
    kind = models.CharField(_("hva slags kontakt"), max_length=16, choices=Kind.choices)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    # Which service: when accompanying the user to an appointment, or meeting another service.
    service = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        related_name="log_entries",
        null=True,
        blank=True,
    )
    service_text = models.CharField(
        _("tjeneste (fritekst)"), max_length=200, blank=True, help_text=_("Hvis den ikke står i listen.")
    )

    area_housing = models.BooleanField(LifeArea.HOUSING.label, default=False)
    area_work = models.BooleanField(LifeArea.WORK.label, default=False)
    area_economy = models.BooleanField(LifeArea.ECONOMY.label, default=False)
    area_physical_health = models.BooleanField(LifeArea.PHYSICAL_HEALTH.label, default=False)
    area_mental_health = models.BooleanField(LifeArea.MENTAL_HEALTH.label, default=False)
    area_dental_health = models.BooleanField(LifeArea.DENTAL_HEALTH.label, default=False)
    area_substance_use = models.BooleanField(LifeArea.SUBSTANCE_USE.label, default=False)
    area_family = models.BooleanField(LifeArea.FAMILY.label, default=False)
    area_leisure = models.BooleanField(LifeArea.LEISURE.label, default=False)
    area_safety = models.BooleanField(LifeArea.SAFETY.label, default=False)
    area_legal = models.BooleanField(LifeArea.LEGAL.label, default=False)

    note = models.TextField(_("notat"), blank=True)
    agreed_next = models.TextField(_("hva ble avtalt videre"), blank=True)
    next_appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("neste avtale"),
        on_delete=models.SET_NULL,
        related_name="log_entries",
        null=True,
        blank=True,
    )

    written_by = models.ForeignKey(
        User, verbose_name=_("skrevet av"), on_delete=models.PROTECT, related_name="log_entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    archived_reason = models.CharField(_("grunn til arkivering"), max_length=300, blank=True)

    objects = FollowUpEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loggføring")
        verbose_name_plural = _("loggføringer")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["follow_up", "-started_at"]),
            models.Index(fields=["written_by", "started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=24 * 60), name="followup_entry_duration_at_most_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.started_at):%d.%m.%Y %H.%M}"

    @property
    def life_areas(self) -> list[str]:
        return [area for area, name in self.LIFE_AREA_FIELDS.items() if getattr(self, name)]

    def life_area_labels(self) -> list[str]:
        return [str(LifeArea(area).label) for area in self.life_areas]

    def link_tags(self) -> list[str]:
        """What the entry points at that the reader may see (the plan's steps), each in a few words; the reads
        prefetch it (``koordinator.followup_log.links``)."""
        from koordinator.followup_log.links import tags  # the package imports the models

        return tags(self)

    @property
    def kind_label(self) -> str:
        """``get_kind_display()`` without its cost on a long list (:func:`~koordinator.models.base.choice_label`)."""
        return choice_label(self, "kind")

    @property
    def is_contact(self) -> bool:
        return self.kind != self.Kind.NOT_MET

    @property
    def service_display(self) -> str:
        if self.service_id:
            return self.service.name
        return self.service_text

    @property
    def place_for_user(self) -> str:
        """The place as the user reads it in their own log: staff's «Hjemme hos brukeren» is «Hjemme hos deg»; on a
        home visit that says nothing the kind («Besøk hjemme hos deg») has not said already, so it is left out."""
        place = self.place.strip()
        if place.casefold() in self.home_places():
            return "" if self.kind == self.Kind.HOME_VISIT else str(_("Hjemme hos deg"))
        return place

    def home_places(self) -> set[str]:
        """How staff write «at the user's home» (case-folded): the appointment's label «Hjemme hos brukeren», and
        «Hjemme hos Kari» / «Hjemme hos Kari Nordmann» with the user's own name (the case and the person are read
        with the entries, ``ENTRY_RELATED``)."""
        home = str(Appointment.Place.HOME.label)  # «Hjemme hos brukeren»
        places = {home.casefold()}
        person = self.follow_up.service_user
        for name in (person.first_name, person.full_name):
            if name.strip():
                places.add(f"hjemme hos {name.strip()}".casefold())
        return places

    @property
    def kind_for_user(self) -> str:
        """The kind in the user's words, with the service when there is one: «Fulgte deg til en avtale: NAV»."""
        label = str(self.USER_KIND_LABELS[self.kind] if self.kind in self.USER_KIND_LABELS else self.kind_label)
        service = self.service_display
        return f"{label}: {service}" if service else label

    @property
    def ends_at(self) -> datetime.datetime:
        return self.started_at + datetime.timedelta(minutes=self.duration_minutes)
