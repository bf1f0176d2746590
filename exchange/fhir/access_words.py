"""How the FHIR API's reads are named in the owner's access log («Hvem har sett opplysningene mine»), in plain words.

The person reads these, not a developer: «Et annet fagsystem hentet målene dine», never «FHIR: søk i Goal». Who
fetched it stands beside it (the name and role of the account the other system used), as for every other entry.
The words are lazy: the log is written in one language (``koordinator.access.record_access``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# A search (a list of what the gate shows about the person), by resource type.
SEARCHED = {
    "Patient": _("Et annet fagsystem hentet navnet ditt og andre personopplysninger"),
    "CarePlan": _("Et annet fagsystem hentet planen og kriseplanen din"),
    "Goal": _("Et annet fagsystem hentet målene dine"),
    "CareTeam": _("Et annet fagsystem hentet hvem som er med i oppfølgingen din"),
    "Consent": _("Et annet fagsystem hentet samtykkene dine"),
}

# One resource read by its id, by the source it comes from (``exchange.fhir.search.Source.name``).
READ = {
    "patient": _("Et annet fagsystem hentet navnet ditt og andre personopplysninger"),
    "plan": _("Et annet fagsystem hentet planen din"),
    "crisis": _("Et annet fagsystem hentet kriseplanen din"),
    "goal": _("Et annet fagsystem hentet et av målene dine"),
    "careteam": _("Et annet fagsystem hentet hvem som er med i oppfølgingen din"),
    "consent": _("Et annet fagsystem hentet et av samtykkene dine"),
}

EVERYTHING = _("Et annet fagsystem hentet alt om deg")
