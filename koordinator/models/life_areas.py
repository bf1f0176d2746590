"""*Livsområder* (DOMAIN.md): the areas of life that goals, log entries and reports are sorted by.

They live in the core app because both the follow-up log (here) and the plans' goals use them;
``plans.models.LifeArea`` is the same class, imported from here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LifeArea(models.TextChoices):
    """*Livsområder* (DOMAIN.md), used for goals, log entries and reports."""

    HOUSING = "bolig", _("Bolig")
    WORK = "arbeid", _("Arbeid, utdanning og aktivitet")
    ECONOMY = "okonomi", _("Økonomi og gjeld")
    PHYSICAL_HEALTH = "fysisk_helse", _("Fysisk helse")
    MENTAL_HEALTH = "psykisk_helse", _("Psykisk helse")
    DENTAL_HEALTH = "tannhelse", _("Tannhelse")
    SUBSTANCE_USE = "rusmestring", _("Rusmestring")
    FAMILY = "familie", _("Familie og nettverk")
    LEISURE = "fritid", _("Fritid")
    SAFETY = "trygghet", _("Trygghet")
    LEGAL = "juridisk", _("Juridiske forhold")
