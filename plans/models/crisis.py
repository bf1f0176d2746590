"""The crisis plan (*kriseplan*, «Plan B»): what the user and everyone around them reach for when things go wrong.

A crisis plan belongs to the service user, not to a case: it follows the person when a case ends and a new one
starts. A user has one current plan at a time (a draft or one in use); an old one is archived, never deleted.

* :class:`CrisisPlan` holds the user's own words: early warning signs, what triggers a crisis, what I do myself,
  how I want to be met, what helps and what does not, wishes about admission, medication, pick-up arrangements,
  children/pets/keys, and a review date. Like the individual plan it is a living document with ``version``: every
  change of its content (texts, review date, contacts) adds one, and a save based on an older version is refused.
* :class:`CrisisContact` is the ordered list of who to call, with a phone number and *when* each can be reached.
  The always-included numbers (my contact now, legevakt 116 117, 113) are *not* stored: they are computed when
  the plan is read, so they are always current (``plans.crisis.selectors.always_included``).
* :class:`CrisisSignOff`: who confirmed the plan, in what role, how (in the app, in the portal, on paper recorded
  by staff), when, and which version. A change after a sign-off leaves it pointing at the earlier version.
* :class:`EmergencyAccess`: a member of an out-of-hours service (organisation kind *legevakt / akuttjeneste*)
  opened a user's crisis plan without consent by stating a reason. The grant lasts
  ``settings.CRISIS_EMERGENCY_ACCESS_HOURS`` and covers the crisis plan only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models import Organisation, ServiceUser, User
from koordinator.models.base import GatedQuerySet


class CrisisPlanQuerySet(GatedQuerySet):
    gate_name = "crisis_plans"

    def current(self):
        """The plans that are not archived (a user has at most one)."""
        return self.filter(archived_at__isnull=True)

    def review_due(self, day):
        """Plans in use whose review date is ``day`` or earlier."""
        return self.current().filter(status=CrisisPlan.Status.ACTIVE, review_on__lte=day)


class CrisisPlan(models.Model):
    """The user's crisis plan, in their own words."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ACTIVE = "active", _("I bruk")
        ARCHIVED = "archived", _("Arkivert")

    # The text parts, in the order the page, the form and the PDF show them.
    TEXT_FIELDS = (
        "warning_signs",
        "triggers",
        "self_help",
        "how_to_meet_me",
        "what_helps",
        "what_does_not_help",
        "admission_wishes",
        "medication",
        "pickup_arrangements",
        "children_pets_keys",
    )
    # What a restore brings back from an earlier version (the contacts have their own history and archive).
    RESTORABLE_FIELDS = TEXT_FIELDS + ("review_on",)

    service_user = models.ForeignKey(
        ServiceUser, verbose_name=_("tjenestemottaker"), on_delete=models.PROTECT, related_name="crisis_plans"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    warning_signs = models.TextField(
        _("varseltegn: slik merker jeg og andre at det går mot en krise"), blank=True
    )
    triggers = models.TextField(_("dette pleier å utløse en krise"), blank=True)
    self_help = models.TextField(_("dette gjør jeg selv"), blank=True)
    how_to_meet_me = models.TextField(_("slik vil jeg bli møtt"), blank=True)
    what_helps = models.TextField(_("dette hjelper"), blank=True)
    what_does_not_help = models.TextField(_("dette hjelper ikke"), blank=True)
    admission_wishes = models.TextField(
        _("ønsker om innleggelse"), blank=True, help_text=_("For eksempel en kort «time-out» i stedet for en lang.")
    )
    medication = models.TextField(_("medisiner"), blank=True)
    pickup_arrangements = models.TextField(
        _("henteavtaler"), blank=True, help_text=_("For eksempel hvem som henter medisinene, og hvor.")
    )
    children_pets_keys = models.TextField(_("barn, dyr og nøkler"), blank=True)

    review_on = models.DateField(_("gås gjennom igjen"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=1)

    created_by = models.ForeignKey(
        User, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)

    objects = CrisisPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kriseplan")
        verbose_name_plural = _("kriseplaner")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "review_on"])]
        constraints = [
            # One current plan per user: a new one only after the old one is archived.
            models.UniqueConstraint(
                fields=["service_user"], condition=Q(archived_at__isnull=True), name="crisis_plan_one_current"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="crisis_plan_version_positive"),
            models.CheckConstraint(
                condition=Q(status="archived", archived_at__isnull=False)
                | (~Q(status="archived") & Q(archived_at__isnull=True)),
                name="crisis_plan_archived_has_time",
            ),
        ]

    def __str__(self) -> str:
        return _("Kriseplan for %(name)s") % {"name": self.service_user.full_name}

    def get_absolute_url(self) -> str:
        return reverse("crisis_plan_detail", args=[self.pk])

    @property
    def etag(self) -> str:
        """A strong ETag that changes with every version (the API's If-Match compares against it)."""
        return f'"crisis-plan-{self.pk}-v{self.version}"'

    @property
    def is_editable(self) -> bool:
        return self.archived_at is None

    def review_overdue(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.review_on is not None and self.review_on < day


class CrisisChildQuerySet(GatedQuerySet):
    def live(self):
        return self.filter(archived_at__isnull=True)


class CrisisContactQuerySet(CrisisChildQuerySet):
    gate_name = "crisis_contacts"


class CrisisContact(models.Model):
    """One person or service to call, in the order the user wants them called."""

    class Reachable(models.TextChoices):
        OFFICE = "office", _("Kontortid")
        EVENING = "evening", _("Kveld")
        NIGHT = "night", _("Natt")
        WEEKEND = "weekend", _("Helg")

    # One boolean per time of day keeps filtering portable between SQLite and PostgreSQL (as consent scopes).
    REACHABLE_FIELDS = {
        Reachable.OFFICE: "reachable_office",
        Reachable.EVENING: "reachable_evening",
        Reachable.NIGHT: "reachable_night",
        Reachable.WEEKEND: "reachable_weekend",
    }

    crisis_plan = models.ForeignKey(
        CrisisPlan, verbose_name=_("kriseplan"), on_delete=models.PROTECT, related_name="contacts"
    )
    order = models.PositiveIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle eller relasjon"), max_length=200, blank=True,
                            help_text=_("For eksempel søster, fastlege eller DPS-akutteam."))
    phone = models.CharField(_("telefon"), max_length=32)
    reachable_office = models.BooleanField(_("kontortid"), default=False)
    reachable_evening = models.BooleanField(_("kveld"), default=False)
    reachable_night = models.BooleanField(_("natt"), default=False)
    reachable_weekend = models.BooleanField(_("helg"), default=False)
    note = models.CharField(_("merknad"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("fjernet"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CrisisContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontakt i kriseplanen")
        verbose_name_plural = _("kontakter i kriseplanen")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name

    @property
    def reachable(self) -> list[str]:
        return [value for value, field in self.REACHABLE_FIELDS.items() if getattr(self, field)]

    def reachable_labels(self) -> list[str]:
        return [str(self.Reachable(value).label) for value in self.reachable]


class CrisisSignOffQuerySet(GatedQuerySet):
    gate_name = "crisis_sign_offs"


class CrisisSignOff(models.Model):
    """Someone confirmed the crisis plan: *«alle sammen underskrev på den. Og jeg fikk en kopi»*."""

    class How(models.TextChoices):
        APP = "app", _("I appen")
        PORTAL = "portal", _("I portalen")
        PAPER = "paper", _("På papir (registrert av ansatt)")

    crisis_plan = models.ForeignKey(
        CrisisPlan, verbose_name=_("kriseplan"), on_delete=models.PROTECT, related_name="sign_offs"
    )
    # The person who confirmed; empty for the owner's paper sign-off when the owner has no log-in.
    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.SET_NULL, related_name="crisis_sign_offs",
        null=True, blank=True,
    )
    # Name and role as text survive the account being removed, and say what the person was then.
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    by_owner = models.BooleanField(_("brukeren selv"), default=False)
    how = models.CharField(_("hvordan"), max_length=10, choices=How.choices)
    signed_on = models.DateField(_("dato"))
    plan_version = models.PositiveIntegerField(_("versjon"))
    recorded_by = models.ForeignKey(User, verbose_name=_("registrert av"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CrisisSignOffQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bekreftelse av kriseplanen")
        verbose_name_plural = _("bekreftelser av kriseplanen")
        ordering = ["-plan_version", "signed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.signed_on:%d.%m.%Y} (v{self.plan_version})"


class EmergencyAccessQuerySet(GatedQuerySet):
    gate_name = "emergency_accesses"

    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(started_at__lte=now, expires_at__gt=now)


class EmergencyAccess(models.Model):
    """Break-glass access to one user's crisis plan, by a member of an emergency service, for a stated reason."""

    person = models.ForeignKey(User, verbose_name=_("hvem"), on_delete=models.PROTECT,
                               related_name="emergency_accesses")
    organisation = models.ForeignKey(Organisation, verbose_name=_("tjeneste"), on_delete=models.PROTECT,
                                     related_name="+")
    service_user = models.ForeignKey(ServiceUser, verbose_name=_("tjenestemottaker"), on_delete=models.PROTECT,
                                     related_name="emergency_accesses")
    reason = models.TextField(_("begrunnelse"))
    started_at = models.DateTimeField(_("startet"), default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"))

    objects = EmergencyAccessQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nødtilgang")
        verbose_name_plural = _("nødtilganger")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["person", "service_user", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("started_at")),
                                   name="emergency_access_expires_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.service_user} ({self.started_at:%d.%m.%Y %H.%M})"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.started_at <= now < self.expires_at
