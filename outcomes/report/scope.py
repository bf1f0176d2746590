"""Who may read the half-year report, and about what: a leader, for their municipality or one of its follow-up
units (``?enhet=``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from koordinator import access
from koordinator.models import Municipality, Organisation

# --- who may read it, and about what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a report is about: a municipality, or one of its follow-up units."""

    municipality: Municipality
    unit: Organisation | None = None

    @property
    def label(self) -> str:
        if self.unit is not None:
            return f"{self.unit.name}, {self.municipality.name}"
        return self.municipality.name

    @property
    def value(self) -> str:
        """The ``?enhet=`` value that chooses it (empty: the municipality)."""
        return str(self.unit.pk) if self.unit is not None else ""

    def cases(self, prefix: str = "") -> Q:
        if self.unit is not None:
            return Q(**{f"{prefix}unit_id": self.unit.pk})
        return Q(**{f"{prefix}municipality_id": self.municipality.pk})

    def units(self) -> Q:
        """The follow-up units whose trust persons' positions count (``Membership.organisation``)."""
        if self.unit is not None:
            return Q(organisation_id=self.unit.pk)
        return Q(organisation__municipality_id=self.municipality.pk,
                 organisation__kind=Organisation.Kind.FOLLOW_UP_SERVICE)


def may_read(user) -> bool:
    """A leader (of any unit in a municipality) may read the report for the municipality and its follow-up units.
    Trust persons, partners, service users and administrators may not. The page, the PDF, the CSV, the API and the
    link on the leader's overview all ask this."""
    return bool(access.actor_for(user).leader_municipality_ids)


def scopes_for(user) -> list[Scope]:
    """The leader's municipalities, each followed by its follow-up units (two queries)."""
    munis = access.actor_for(user).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    municipalities = list(Municipality.objects.filter(pk__in=munis).order_by("name", "pk"))
    units = defaultdict(list)
    for unit in Organisation.objects.filter(municipality_id__in=munis, kind=Organisation.Kind.FOLLOW_UP_SERVICE) \
            .select_related("municipality").order_by("name", "pk"):
        units[unit.municipality_id].append(unit)
    scopes = []
    for municipality in municipalities:
        scopes.append(Scope(municipality))
        scopes += [Scope(municipality, unit) for unit in units[municipality.pk]]
    return scopes


def scope_for(user, unit: str | None, scopes: list[Scope] | None = None) -> Scope:
    """The scope ``?enhet=`` names (empty: the leader's first municipality). ``PermissionDenied`` for anyone but a
    leader; ``Http404`` for a unit that is not one of the leader's follow-up units (or not a number)."""
    scopes = scopes if scopes is not None else scopes_for(user)
    value = str(unit or "").strip()
    for scope in scopes:
        if scope.value == value:
            return scope
    raise Http404
