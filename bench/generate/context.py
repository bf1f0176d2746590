"""What the generator keeps in hand while it builds one municipality: its random generator, the day, the tables, and
the people, services and cases made so far (as small records with their ids, never model instances)."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings

from bench.generate.plan import MunicipalityPlan
from bench.generate.writer import Sink

OSLO = zoneinfo.ZoneInfo(settings.TIME_ZONE)
DAY = datetime.timedelta(days=1)


@dataclass(slots=True)
class Person:
    """Someone who logs in: staff, a partner, or a service user with a login."""

    id: int
    first: str
    last: str
    username: str
    role_label: str = ""  # as the access log describes them: «Tillitsperson, Oppfølgingstjenesten Sandvik»

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Org:
    id: int
    name: str
    key: str  # "unit", "nav", "gp", "housing", "user_org", "dps", "probation", "emergency"


@dataclass(slots=True)
class Grant:
    """A consent as the later steps need it: to whom, which scopes, and whether it is in force today."""

    person: Person | None
    org: Org | None
    scopes: frozenset[str]
    in_force: bool


@dataclass(slots=True)
class Case:
    id: int
    su_id: int
    first: str
    last: str
    login: Person | None  # the service user's own login, if any
    channel: str
    address: str  # where a message to them goes on their channel ("" for in-app or none)
    unit: Org
    tp: Person
    deputy: Person | None  # the case's own deputy, else the trust person's standing deputy
    status: str
    started_on: datetime.date
    ended_on: datetime.date | None = None
    last_contact: datetime.date | None = None
    entries: int = 0  # how many follow-up log entries it gets
    grants: list[Grant] = field(default_factory=list)
    # Filled in by the later steps, for the ones after them (notifications, access events).
    steps: list[tuple[int, datetime.date, datetime.date | None]] = field(default_factory=list)
    plan_id: int | None = None
    crisis_plan_id: int | None = None
    meetings: list[tuple[int, datetime.datetime, str]] = field(default_factory=list)  # id, starts_at, status
    overdue_items: list[int] = field(default_factory=list)
    appointments: list[tuple[int, datetime.datetime]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def is_open(self) -> bool:
        return self.status != "ended"


class Ctx:
    """One municipality being built."""

    def __init__(self, seed: int, plan: MunicipalityPlan, sink: Sink, *, today: datetime.date, system_id: int,
                 password: str, content_types: dict[str, int]):
        self.seed = seed
        self.plan = plan
        self.rng = plan.rng(seed)
        self.sink = sink
        self.today = today
        self.now = sink.now
        self.system_id = system_id
        self.password = password
        self.content_types = content_types
        self.municipality_id = 0
        self.units: list[Org] = []
        self.partners: dict[str, list[Org]] = {}
        self.partner_people: dict[str, list[Person]] = {}
        self.leaders: dict[int, Person] = {}  # by unit id
        self.trust_people: list[Person] = []
        self.unit_of: dict[int, Org] = {}  # trust person id -> unit
        self.standing: dict[int, Person] = {}  # trust person id -> standing deputy
        # trust person id -> their absences: (first day, last day, absence id, when the users were told or None)
        self.away: dict[int, list[tuple[datetime.date, datetime.date, int, datetime.datetime | None]]] = {}
        self.statuses: list[str] = []  # the status of each service user's current case (``cases.plan_statuses``)
        self.cases: list[Case] = []

    # --- time

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def past(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment``, or a little before now if it is later (nothing was written in the future)."""
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def office_time(self, day: datetime.date) -> datetime.datetime:
        rng = self.rng
        return self.past(self.at(day, 8 + int(rng.random() * 8), int(rng.random() * 4) * 15))

    # --- chance

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items):
        return items[int(self.rng.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included."""
        return low + int(self.rng.random() * (high - low + 1))

    def is_away(self, person_id: int, day: datetime.date) -> bool:
        return any(start <= day <= end for start, end, *_ in self.away.get(person_id, ()))
