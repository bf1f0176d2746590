"""Follow-up cases and consent."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.base import GatedQuerySet, choice_label
from koordinator.models.people import Municipality, Organisation, ServiceUser, User


class FollowUpQuerySet(GatedQuerySet):
    gate_name = "follow_ups"

    def open(self):
        return self.exclude(status=FollowUp.Status.ENDED)


class FollowUp(models.Model):
    """The case: a service user followed up by a trust person, from intake to ending."""

    class Status(models.TextChoices):
        INTAKE = "intake", _("Inntak")
        ACTIVE = "active", _("Aktiv")
        DORMANT = "dormant", _("Hvilende")
        ENDED = "ended", _("Avsluttet")

    class ReferralSource(models.TextChoices):
        AGENCY = "agency", _("Henvist fra en annen tjeneste")
        OUTREACH = "outreach", _("Oppsøkende arbeid")
        SELF = "self", _("Tok selv kontakt")
        RELATIVES = "relatives", _("Pårørende tok kontakt")

    class EndingReason(models.TextChoices):
        NO_LONGER_NEEDED = "no_longer_needed", _("Trenger ikke lenger oppfølging")
        HANDED_OVER = "handed_over", _("Overført til en annen tjeneste")
        DROPPED_OUT = "dropped_out", _("Falt ut / ønsket ikke mer kontakt")
        MOVED = "moved", _("Flyttet")
        PRISON = "prison", _("Soner i fengsel")
        DEATH = "death", _("Død")
        OTHER = "other", _("Annet")

    # Which transitions a case may take; the service enforces them.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.INTAKE: (Status.ACTIVE, Status.ENDED),
        Status.ACTIVE: (Status.DORMANT, Status.ENDED),
        Status.DORMANT: (Status.ACTIVE, Status.ENDED),
        Status.ENDED: (Status.ACTIVE,),
    }

    service_user = models.ForeignKey(
        ServiceUser, verbose_name=_("tjenestemottaker"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("enhet"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    trust_person = models.ForeignKey(
        User, verbose_name=_("tillitsperson"), on_delete=models.PROTECT, related_name="primary_cases"
    )
    deputy = models.ForeignKey(
        User,
        verbose_name=_("stedfortreder"),
        on_delete=models.PROTECT,
        related_name="deputy_cases",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INTAKE)
    started_on = models.DateField(_("startet"), default=datetime.date.today)

    referral_source = models.CharField(_("henvisning fra"), max_length=12, choices=ReferralSource.choices)
    referral_agency = models.ForeignKey(
        Organisation,
        verbose_name=_("henvisende tjeneste"),
        on_delete=models.PROTECT,
        related_name="referred_cases",
        null=True,
        blank=True,
    )
    referral_agency_name = models.CharField(
        _("henvisende tjeneste (fritekst)"), max_length=200, blank=True, help_text=_("Hvis den ikke står i listen.")
    )
    referral_note = models.TextField(_("merknad til henvisningen"), blank=True)

    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)
    ending_reason = models.CharField(
        _("grunn til avslutning"), max_length=20, choices=EndingReason.choices, blank=True
    )
    ending_note = models.TextField(_("merknad til avslutningen"), blank=True)
    taken_over_by = models.ForeignKey(
        Organisation,
        verbose_name=_("hvem tar over koordineringen"),
        on_delete=models.PROTECT,
        related_name="taken_over_cases",
        null=True,
        blank=True,
    )
    taken_over_by_name = models.CharField(_("hvem tar over (fritekst)"), max_length=200, blank=True)
    open_door_until = models.DateField(_("åpen dør til"), null=True, blank=True)
    # What the user reads on their own page about the latest change to their case.
    user_notice = models.TextField(_("beskjed til brukeren"), blank=True)
    user_notice_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oppfølging")
        verbose_name_plural = _("oppfølginger")
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["trust_person", "status"]),
            models.Index(fields=["deputy", "status"]),
            models.Index(fields=["municipality", "status"]),
        ]

    def __str__(self) -> str:
        return _("Oppfølging av %(name)s") % {"name": self.service_user.full_name}

    def get_absolute_url(self) -> str:
        return reverse("followup_detail", args=[self.pk])

    def allowed_transitions(self) -> tuple[str, ...]:
        return self.TRANSITIONS.get(self.status, ())

    @property
    def status_label(self) -> str:
        """``get_status_display()`` without its cost on a long list (:func:`~koordinator.models.base.choice_label`)."""
        return choice_label(self, "status")

    @property
    def is_open_door(self) -> bool:
        return (
            self.status == self.Status.ENDED
            and self.open_door_until is not None
            and self.open_door_until >= timezone.localdate()
        )

    @property
    def referral_display(self) -> str:
        text = self.get_referral_source_display()
        agency = self.referral_agency.name if self.referral_agency_id else self.referral_agency_name
        return f"{text}: {agency}" if agency else str(text)


class ConsentQuerySet(GatedQuerySet):
    gate_name = "consents"

    def valid_on(self, day: datetime.date | None = None):
        """Consents in force on ``day`` (today): started, not expired, not withdrawn."""
        day = day or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class Consent(models.Model):
    """The owner lets a person or an organisation see given scopes, from a date until a date."""

    class Scope(models.TextChoices):
        PLAN = "plan", _("Individuell plan")
        CRISIS_PLAN = "crisis_plan", _("Kriseplan")
        MEETINGS = "meetings", _("Ansvarsgruppe og møter")
        FOLLOWUP_LOG = "followup_log", _("Oppfølging og kontaktlogg")

    class GivenHow(models.TextChoices):
        PAPER = "paper", _("Signert på papir")
        ORAL = "oral", _("Muntlig")
        PORTAL = "portal", _("Selv, i portalen")

    SCOPE_FIELDS = {
        Scope.PLAN: "scope_plan",
        Scope.CRISIS_PLAN: "scope_crisis_plan",
        Scope.MEETINGS: "scope_meetings",
        Scope.FOLLOWUP_LOG: "scope_followup_log",
    }

    owner = models.ForeignKey(
        ServiceUser, verbose_name=_("eier"), on_delete=models.PROTECT, related_name="consents"
    )
    grantee_user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="consents_received",
        null=True,
        blank=True,
    )
    grantee_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        related_name="consents_received",
        null=True,
        blank=True,
    )
    # One boolean per scope keeps filtering portable between SQLite and PostgreSQL.
    scope_plan = models.BooleanField(_("individuell plan"), default=False)
    scope_crisis_plan = models.BooleanField(_("kriseplan"), default=False)
    scope_meetings = models.BooleanField(_("ansvarsgruppe og møter"), default=False)
    scope_followup_log = models.BooleanField(_("oppfølging og kontaktlogg"), default=False)
    valid_from = models.DateField(_("gjelder fra"), default=datetime.date.today)
    valid_until = models.DateField(_("gjelder til"))
    given_how = models.CharField(_("hvordan samtykket ble gitt"), max_length=10, choices=GivenHow.choices)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("registrert av"), on_delete=models.PROTECT, related_name="consents_recorded"
    )
    note = models.TextField(_("merknad"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User,
        verbose_name=_("trukket tilbake av"),
        on_delete=models.PROTECT,
        related_name="consents_withdrawn",
        null=True,
        blank=True,
    )
    withdrawn_reason = models.TextField(_("grunn"), blank=True)

    objects = ConsentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(grantee_user__isnull=False, grantee_organisation__isnull=True)
                    | Q(grantee_user__isnull=True, grantee_organisation__isnull=False)
                ),
                name="consent_exactly_one_grantee",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="consent_until_after_from"
            ),
        ]

    def __str__(self) -> str:
        return _("Samtykke fra %(owner)s til %(grantee)s") % {"owner": self.owner, "grantee": self.grantee_name}

    @property
    def grantee_name(self) -> str:
        if self.grantee_user_id:
            return self.grantee_user.display_name
        return self.grantee_organisation.name if self.grantee_organisation_id else ""

    @property
    def scopes(self) -> list[str]:
        return [scope for scope, field in self.SCOPE_FIELDS.items() if getattr(self, field)]

    def scope_labels(self) -> list[str]:
        return [str(self.Scope(scope).label) for scope in self.scopes]

    @property
    def state(self) -> str:
        """``valid``, ``future``, ``expired`` or ``withdrawn`` today."""
        today = timezone.localdate()
        if self.withdrawn_at:
            return "withdrawn"
        if self.valid_from > today:
            return "future"
        if self.valid_until < today:
            return "expired"
        return "valid"

    STATE_LABELS = {
        "valid": _("Gjelder"),
        "future": _("Gjelder fra senere"),
        "expired": _("Utløpt"),
        "withdrawn": _("Trukket tilbake"),
    }

    @property
    def state_label(self) -> str:
        return str(self.STATE_LABELS[self.state])
