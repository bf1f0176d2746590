"""What the API serves and how it is asked: the resource types, their ids, their search parameters, and one search
run against the gate in a fixed number of queries, however many rows there are.

Each type has one or more *sources* (CarePlan has two: the individual plans and the crisis plans), each a gated query
set annotated with ``fhir_patient`` (whose data it is) and ``fhir_updated`` (its last change), and a builder that
turns a page of rows into resources with a fixed number of queries (``exchange.fhir.<type>``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.fhir import careplan, careteam, consent, goal, patient
from exchange.fhir.outcome import FhirError

MAX_COUNT = 100
DEFAULT_COUNT = 50
BIGGEST_ID = 2**63 - 1  # beyond it nothing exists (the database's bigint)
BIGGEST_DIGITS = len(str(BIGGEST_ID))


def _digits(value: str) -> bool:
    """Only 0–9 (``str.isdigit`` also takes «²», which ``int`` refuses)."""
    return value.isascii() and value.isdigit()


def _number(value: str) -> int:
    """The number ``_digits`` found; one longer than any id is ``BIGGEST_ID + 1`` (``int`` refuses more than 4,300
    digits)."""
    return int(value) if len(value) <= BIGGEST_DIGITS else BIGGEST_ID + 1


@dataclass(frozen=True)
class Source:
    name: str
    prefix: str  # the id's prefix: "plan-" for plan 12's «plan-12», "" for a plain number
    queryset: Callable
    build: Callable


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    by_patient: bool = True  # has the ``patient`` search parameter (all but Patient)
    id_help: str = ""

    @property
    def params(self) -> tuple[str, ...]:
        return ("_id", "_lastUpdated", "patient") if self.by_patient else ("_id", "_lastUpdated")

    def parse_id(self, value: str) -> tuple[Source, int] | None:
        """The source and primary key an id names; ``None`` for an id that cannot exist; a 400 for a bad one."""
        for source in self.sources:
            if value.startswith(source.prefix) and _digits(value[len(source.prefix):]):
                number = value[len(source.prefix):]
                if len(number) > 1 and number.startswith("0"):
                    break
                pk = _number(number)
                return (source, pk) if 0 < pk <= BIGGEST_ID else None
        raise FhirError(400, _("Ugyldig id for %(type)s: «%(id)s». %(help)s")
                        % {"type": self.name, "id": value[:70], "help": self.id_help}, code="value", where="id")


PLAIN_ID = gettext_lazy("Id-en er et tall.")
TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        ResourceType("Patient", (Source("patient", "", patient.queryset, patient.build),), by_patient=False,
                     id_help=PLAIN_ID),
        ResourceType(
            "CarePlan",
            (
                Source("plan", "plan-", careplan.plan_queryset, careplan.build_plans),
                Source("crisis", "crisis-", careplan.crisis_queryset, careplan.build_crisis_plans),
            ),
            id_help=gettext_lazy("Id-en er «plan-» eller «crisis-» og et tall, for eksempel plan-12."),
        ),
        ResourceType("Goal", (Source("goal", "", goal.queryset, goal.build),), id_help=PLAIN_ID),
        ResourceType("CareTeam", (Source("careteam", "", careteam.queryset, careteam.build),), id_help=PLAIN_ID),
        ResourceType("Consent", (Source("consent", "", consent.queryset, consent.build),), id_help=PLAIN_ID),
    )
}
# The order $everything lists them in.
ORDER = ("Patient", "CarePlan", "Goal", "CareTeam", "Consent")


def resource_type(name: str) -> ResourceType:
    found = TYPES.get(name)
    if found is None:
        raise FhirError(
            400,
            _("Ukjent eller ikke støttet ressurstype: «%(type)s». Støttet: %(types)s.")
            % {"type": name[:70], "types": ", ".join(ORDER)},
            code="not-supported",
            where="type",
        )
    return found


# --- parameters --------------------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})(T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(:(?P<second>\d{2})(?P<fraction>\.\d{1,9})?)?(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
PREFIXES = ("eq", "gt", "lt", "ge", "le")


def _bad_date(value: str) -> FhirError:
    return FhirError(
        400,
        _("Ugyldig _lastUpdated: «%(value)s». Skriv for eksempel ge2026-01-31 eller lt2026-02-01T10:00:00+01:00 "
          "(prefiks eq, gt, ge, lt eller le).") % {"value": value[:70]},
        code="value",
        where="_lastUpdated",
    )


def parse_last_updated(raw: str) -> tuple[str, datetime.datetime, datetime.datetime]:
    """(prefix, start, end) of ``raw``: the instants its value covers are ``start`` ≤ t < ``end``."""
    value = raw.strip().replace(" ", "+")  # an unencoded «+» in a query string arrives as a space
    prefix = value[:2] if value[:2].isalpha() else "eq"
    if value[:2].isalpha():
        value = value[2:]
    if prefix not in PREFIXES:
        raise _bad_date(raw)
    match = _DATE.match(value)
    if not match:
        raise _bad_date(raw)
    parts = match.groupdict()
    try:
        year, month, day_ = int(parts["year"]), int(parts["month"] or 1), int(parts["day"] or 1)
        hour, minute, second = int(parts["hour"] or 0), int(parts["minute"] or 0), int(parts["second"] or 0)
        micro = int((parts["fraction"] or ".0")[1:7].ljust(6, "0"))
        if parts["zone"] in (None, "Z"):
            zone = datetime.UTC if parts["zone"] == "Z" else timezone.get_default_timezone()
        else:
            sign = 1 if parts["zone"][0] == "+" else -1
            hours, minutes = int(parts["zone"][1:3]), int(parts["zone"][4:6])
            if hours > 14 or minutes > 59:
                raise ValueError
            zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
        start = datetime.datetime(year, month, day_, hour, minute, second, micro, tzinfo=zone)
        if parts["fraction"]:
            end = start + datetime.timedelta(microseconds=1)
        elif parts["second"]:
            end = start + datetime.timedelta(seconds=1)
        elif parts["minute"]:
            end = start + datetime.timedelta(minutes=1)
        elif parts["day"]:
            end = datetime.datetime.combine(start.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
        elif parts["month"]:
            end = start.replace(year=year + month // 12, month=month % 12 + 1)
        else:
            end = start.replace(year=year + 1) if year < 9999 else datetime.datetime.max.replace(tzinfo=zone)
        # The database compares in UTC: a range at the calendar's edge that leaves it there is refused here.
        start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise _bad_date(raw) from None
    return prefix, start, end


def last_updated_filter(prefix: str, start: datetime.datetime, end: datetime.datetime) -> dict:
    return {
        "eq": {"fhir_updated__gte": start, "fhir_updated__lt": end},
        "ge": {"fhir_updated__gte": start},
        "gt": {"fhir_updated__gte": end},
        "le": {"fhir_updated__lt": end},
        "lt": {"fhir_updated__lt": start},
    }[prefix]


def parse_patient(raw: str) -> int | None:
    """The service user a ``patient`` value names (``12``, ``Patient/12`` or a full URL ending in it); ``None``: one
    that cannot exist; a 400 for anything else."""
    value = raw.strip()
    if "/" in value:
        parts = value.split("/")
        value = parts[-1] if parts[-2:-1] == ["Patient"] else ""
    if _digits(value):
        try:
            found = TYPES["Patient"].parse_id(value)
        except FhirError:
            found = False
        if found is not False:
            return found[1] if found else None
    raise FhirError(400, _("Ugyldig patient: «%(value)s». Skriv Patient/12 eller 12.") % {"value": raw[:70]},
                    code="value", where="patient")


def _integer(params, name: str, low: int) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    value = raw.strip()
    if not _digits(value) or _number(value) < low:
        raise FhirError(400, _("Ugyldig %(name)s: «%(value)s». Skriv et helt tall fra %(low)s.")
                        % {"name": name, "value": raw[:70], "low": low}, code="value", where=name)
    return _number(value)


# Result parameters every search takes besides the type's own.
RESULT_PARAMS = ("_format", "_count", "_page")


@dataclass
class Query:
    """One search, parsed and checked: ids per source (``None``: any), patients (``None``: any), time limits."""

    type: ResourceType
    ids: dict[str, set[int]] | None = None
    patients: set[int] | None = None
    updated: list[dict] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    page: int = 1

    @classmethod
    def parse(cls, type_: ResourceType, params) -> Query:
        allowed = set(type_.params) | set(RESULT_PARAMS)
        for name in params:
            if name not in allowed:
                raise FhirError(400, _("Ukjent eller ikke støttet søkeparameter for %(type)s: «%(name)s». "
                                       "Støttet: %(names)s.")
                                % {"type": type_.name, "name": name[:70], "names": ", ".join(type_.params)},
                                code="not-supported", where=name[:70])
        query = cls(type_)
        for raw in params.getlist("_id"):
            query.ids = query.ids if query.ids is not None else {}
            for value in raw.split(","):
                found = type_.parse_id(value.strip())  # a 400 for an id of the wrong form
                if found:
                    query.ids.setdefault(found[0].name, set()).add(found[1])
        for raw in params.getlist("patient"):
            query.patients = query.patients if query.patients is not None else set()
            query.patients |= {pk for value in raw.split(",") if (pk := parse_patient(value)) is not None}
        query.updated = [last_updated_filter(*parse_last_updated(raw)) for raw in params.getlist("_lastUpdated")]
        count = _integer(params, "_count", 0)
        query.count = DEFAULT_COUNT if count is None else min(count, MAX_COUNT)
        query.page = _integer(params, "_page", 1) or 1
        return query


# --- running it ----------------------------------------------------------------------------------------------------


class Reader:
    """One request's reads: who reads, whose data was shown, whose identity number was shown."""

    def __init__(self, user):
        self.user = user
        self.shown: set[int] = set()
        self.revealed: set[int] = set()

    @cached_property
    def _care_teams(self) -> set[int]:
        return set(careteam.visible_cases(self.user).values_list("pk", flat=True))

    def care_teams(self) -> set[int]:
        """The cases whose CareTeam this reader may see (one query, once)."""
        return self._care_teams

    def log(self, what) -> None:
        """The owner's access log: one event per person shown in this request (and one «Fødselsnummer» per person
        whose number a member of staff was shown), never one per resource."""
        from koordinator import access
        from koordinator.models import AccessEvent
        from koordinator.signin.national_id import WHAT_REVEALED

        if self.shown:
            access.record_access(self.user, sorted(self.shown), what, AccessEvent.Channel.API)
        if self.revealed:
            access.record_access(self.user, sorted(self.revealed), WHAT_REVEALED, AccessEvent.Channel.API)

    def _querysets(self, query: Query):
        for source in query.type.sources:
            if query.ids is not None and not query.ids.get(source.name):
                continue
            qs = source.queryset(self.user)
            if query.ids is not None:
                qs = qs.filter(pk__in=sorted(query.ids[source.name]))
            if query.patients is not None:
                qs = qs.filter(fhir_patient__in=sorted(query.patients))
            for limits in query.updated:
                qs = qs.filter(**limits)
            yield source, qs.order_by("pk")

    def search(self, query: Query, *, everything: bool = False) -> tuple[int, list[dict]]:
        """(how many match, the resources of the asked page); everything=True: all of them, no count query."""
        total = 0
        resources: list[dict] = []
        skip = (query.page - 1) * query.count
        room = query.count
        for source, qs in self._querysets(query):
            if everything:
                rows = list(qs)
                total += len(rows)
            else:
                matching = qs.count()
                total += matching
                if room <= 0 or skip >= matching:
                    skip = max(0, skip - matching)
                    continue
                rows = list(qs[skip: skip + room])
                skip = 0
                room -= len(rows)
            if rows:
                self.shown |= {row.fhir_patient for row in rows}
                resources += source.build(self, rows)
        return total, resources


def page_links(url: str, params, query: Query, total: int) -> list[dict]:
    links = [{"relation": "self", "url": url}]
    if query.count and query.page * query.count < total:
        base = url.split("?", 1)[0]
        rest = [(key, value) for key in params for value in params.getlist(key) if key != "_page"]
        links.append({"relation": "next", "url": f"{base}?{urlencode(rest + [('_page', query.page + 1)])}"})
    return links
