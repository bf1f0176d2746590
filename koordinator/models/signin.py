"""Sign-in: identities at the OpenID providers, and every successful log-in («Mine innlogginger»)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koordinator.models.people import User


class SignInIdentity(models.Model):
    """A person's identity at one of the two OpenID providers, linked to their account here.

    Citizens are linked on their first log-in (their ``pid`` matched a service user's national identity number);
    staff are provisioned by the administrator with the value of the stable claim their provider sends
    (``OIDC_STAFF_SUBJECT_CLAIM``) or linked the same way on first log-in.
    """

    class Provider(models.TextChoices):
        CITIZEN = "citizen", _("ID-porten")
        STAFF = "staff", _("Innlogging for ansatte")

    user = models.ForeignKey(
        User, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    provider = models.CharField(_("innloggingstjeneste"), max_length=10, choices=Provider.choices)
    subject = models.CharField(
        _("identitet hos innloggingstjenesten"),
        max_length=255,
        help_text=_("Verdien innloggingstjenesten sender for denne personen (for eksempel sub eller oid)."),
    )
    created_at = models.DateTimeField(_("koblet"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("innloggingsidentitet")
        verbose_name_plural = _("innloggingsidentiteter")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="signin_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_provider_display()}"


class SignIn(models.Model):
    """One successful log-in. Rows are never changed; the person sees their own («Mine innlogginger»)."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("Brukernavn og passord")
        PASSWORD_TOTP = "password_totp", _("Passord og engangskode fra app")
        PASSWORD_RECOVERY = "password_recovery", _("Passord og reservekode")
        CITIZEN_OIDC = "citizen_oidc", _("ID-porten")
        STAFF_OIDC = "staff_oidc", _("Innlogging for ansatte")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(_("når"), default=timezone.now)
    method = models.CharField(_("hvordan"), max_length=20, choices=Method.choices)
    # The assurance level as the provider sent it (``acr``, e.g. ``idporten-loa-substantial``), or empty.
    level = models.CharField(_("sikkerhetsnivå"), max_length=100, blank=True)
    # What the provider said about the factors used (``amr``), joined by spaces, or empty.
    factors = models.CharField(_("faktorer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("innlogging")
        verbose_name_plural = _("innlogginger")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_method_display()} ({self.at:%d.%m.%Y %H.%M})"
