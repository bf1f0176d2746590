"""The follow-up log's fields, limits and messages, shared by its reads and writes."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

from koordinator.followup_log.links import link_names
from koordinator.models import FollowUp, FollowUpEntry

Kind = FollowUpEntry.Kind


# Fields the write services accept; and one per registered link (``entry_fields``).
ENTRY_FIELDS = (
    "started_at",
    "duration_minutes",
    "kind",
    "place",
    "service",
    "service_text",
    "life_areas",
    "note",
    "agreed_next",
)


def entry_fields() -> tuple[str, ...]:
    """What the write services accept: the entry's own fields and the registered links (``steps``)."""
    return ENTRY_FIELDS + link_names()


MAX_DURATION_MINUTES = 12 * 60


NOTE_MAX_LENGTH = 5000


# The cases that can go quiet: a paused case is paused by agreement, and an ended one is ended.
QUIET_STATUSES = (FollowUp.Status.INTAKE, FollowUp.Status.ACTIVE)


ACTIVITY_MONTHS = 6


# The messages of this module, kept together.
MESSAGES = {
    "kind": gettext_lazy("Velg hva slags kontakt det var."),
    "started_at": gettext_lazy("Skriv når kontakten var, for eksempel 23.11.2026 kl. 14.00."),
    "future": gettext_lazy("Tidspunktet er fram i tid. Skriv i loggen etter kontakten; en ny avtale lager du "
                           "under «Neste avtale»."),
    "ended": gettext_lazy("Oppfølgingen ble avsluttet %(date)s. Åpne saken igjen før du skriver nye kontakter "
                          "i loggen."),
    "duration": gettext_lazy("Skriv hvor mange minutter kontakten varte, fra 0 til %(max)s."),
    "service": gettext_lazy("Velg en tjeneste fra listen."),
    "service_both": gettext_lazy("Velg tjenesten fra listen, eller skriv navnet, ikke begge."),
    "service_needed": gettext_lazy("Skriv hvilken tjeneste dere var hos."),
    "life_area": gettext_lazy("Ukjent livsområde: %(value)s."),
    "text": gettext_lazy("Skriv tekst her."),
    "too_long": gettext_lazy("Teksten kan være høyst %(max)s tegn."),
    "unknown_fields": gettext_lazy("Ukjente felt: %(fields)s"),
    "archived": gettext_lazy("Loggføringen er arkivert og kan ikke endres."),
    "already_archived": gettext_lazy("Loggføringen er allerede arkivert."),
}


def quiet_days() -> int:
    """How many days without contact make a case quiet (settings.FOLLOWUP_QUIET_DAYS, default 14)."""
    return int(getattr(settings, "FOLLOWUP_QUIET_DAYS", 14))
