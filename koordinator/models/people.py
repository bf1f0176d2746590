"""People and organisations: users, municipalities, units and partner services, service users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.base import GatedQuerySet
from koordinator.toolkit.national_id import validate_national_id


class User(AbstractUser):
    """Anyone who can log in: staff, partner service members, service users with a login, administrators."""

    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    title = models.CharField(_("stilling"), max_length=120, blank=True)
    # Staff: also an SMS (no content, only that there is something) when a user writes or asks to be called (issue 16).
    sms_alerts = models.BooleanField(_("varsle meg også på SMS"), default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("bruker av systemet")
        verbose_name_plural = _("brukere av systemet")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Municipality(models.Model):
    name = models.CharField(_("navn"), max_length=120, unique=True)
    number = models.CharField(_("kommunenummer"), max_length=4, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A municipal unit (the follow-up service) or a partner service."""

    class Kind(models.TextChoices):
        FOLLOW_UP_SERVICE = "followup", _("Oppfølgingstjeneste (kommunal)")
        NAV = "nav", _("NAV")
        SPECIALIST = "specialist", _("Spesialisthelsetjeneste (DPS, TSB, LAR)")
        GP = "gp", _("Fastlege")
        HOUSING = "housing", _("Boligkontor")
        HOME_CARE = "home_care", _("Hjemmetjeneste")
        CHILD_WELFARE = "child_welfare", _("Barnevern")
        CORRECTIONAL = "correctional", _("Kriminalomsorg / friomsorg")
        USER_ORG = "user_org", _("Bruker- eller frivillig organisasjon")
        EMPLOYER = "employer", _("Arbeidsgiver")
        EMERGENCY = "emergency", _("Legevakt / akuttjeneste")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("Tom for tjenester som dekker flere kommuner, for eksempel et DPS."),
    )
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    duty_phone = models.CharField(_("vakttelefon"), max_length=32, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipal_unit(self) -> bool:
        return self.kind == self.Kind.FOLLOW_UP_SERVICE


class Membership(models.Model):
    """A user's role in an organisation. Roles are fixed relationships; the access gate reads them."""

    class Role(models.TextChoices):
        TRUST_PERSON = "trust_person", _("Tillitsperson")
        LEADER = "leader", _("Leder")
        PARTNER = "partner", _("Samarbeidspartner")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    # The position's size in per cent of a full-time equivalent (the half-year report: caseload per FTE).
    fte_percent = models.PositiveSmallIntegerField(
        _("stillingsprosent"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Hvor stor del av en hel stilling personen har i denne rollen (1–100)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class ServiceUserQuerySet(GatedQuerySet):
    gate_name = "service_users"


class ServiceUser(models.Model):
    """A person followed up by the service. Many have no login at all."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-post")
        LETTER = "letter", _("Brev")
        IN_APP = "in_app", _("I appen")

    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    # The national identity number (fødselsnummer or D-number), checked by ``koordinator.toolkit.national_id``.
    # Personal data behind the gate: shown masked to staff, a staff read of the whole number is an access event,
    # never in a URL, a log line or a notification. ID-porten's ``pid`` is matched to it (koordinator.signin).
    national_id = models.CharField(
        _("fødselsnummer"),
        max_length=11,
        blank=True,
        default="",
        validators=[validate_national_id],
        help_text=_("11 siffer. Brukes når personen logger inn med ID-porten."),
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="service_users"
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("innlogging"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_user",
    )
    phone = models.CharField(_("mobilnummer"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    preferred_channel = models.CharField(
        _("foretrukket kanal"), max_length=10, choices=Channel.choices, default=Channel.SMS
    )
    language = models.CharField(_("språk"), max_length=60, default="norsk")
    interpreter_needed = models.BooleanField(_("trenger tolk"), default=False)
    interpreter_language = models.CharField(_("tolkespråk"), max_length=60, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("poststed"), max_length=80, blank=True)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceUserQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tjenestemottaker")
        verbose_name_plural = _("tjenestemottakere")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            # One person, one number; the log-in through ID-porten finds them by it.
            models.UniqueConstraint(
                fields=["national_id"], condition=~models.Q(national_id=""), name="serviceuser_national_id_unique"
            ),
        ]
        indexes = [
            # An SMS reply is matched to its sender by the number (reach.sms_inbound), across every municipality.
            models.Index(fields=["phone"], condition=~models.Q(phone=""), name="serviceuser_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("service_user_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class NextOfKinQuerySet(GatedQuerySet):
    gate_name = "next_of_kin"


class NextOfKin(models.Model):
    """Family or guardian. Some support the user; some the user wants kept away."""

    class Kind(models.TextChoices):
        SUPPORTIVE = "supportive", _("Støttende – kan kontaktes")
        RESTRICTED = "restricted", _("Skal ikke kontaktes / holdes unna")

    service_user = models.ForeignKey(ServiceUser, on_delete=models.CASCADE, related_name="next_of_kin")
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relasjon"), max_length=100, help_text=_("For eksempel mor, bror, verge."))
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.SUPPORTIVE)
    is_guardian = models.BooleanField(_("er verge"), default=False)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    note = models.TextField(_("merknad"), blank=True)
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)

    objects = NextOfKinQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pårørende")
        verbose_name_plural = _("pårørende")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"
