"""The municipality itself, its services and its staff: the follow-up units with their leaders and trust persons
(caseloads of 10–30), standing deputies, absences past, present and coming, and the partner services with the
people who log in for them.

Partner services are the municipality's own (NAV, a GP office, the housing office, a user organisation), except
the ones that cover a region of municipalities (a DPS, the probation service, the out-of-hours clinic): those are
shared by ``REGION_SIZE`` municipalities, made by the first of them that is built and found by name after that.
Nothing here points at the demo's people or services, so the demo's pages see none of it.
"""

from __future__ import annotations

import datetime
import math

from bench.generate import words
from bench.generate.context import DAY, Ctx, Org, Person
from bench.generate.plan import CASELOAD
from koordinator.models import Absence, DeputyArrangement, Membership, Municipality, Organisation, User

Kind = Organisation.Kind
Role = Membership.Role

MUNICIPALITY = ("id", "name", "number")
ORGANISATION = ("id", "name", "kind", "municipality_id", "phone", "duty_phone", "is_active")
USER = ("id", "username", "first_name", "last_name", "email", "phone", "title", "password", "date_joined")
MEMBERSHIP = ("id", "user_id", "organisation_id", "role")
DEPUTY = ("id", "trust_person_id", "deputy_id", "unit_id", "set_by_id", "updated_at")
ABSENCE = ("id", "person_id", "kind", "starts_on", "ends_on", "note", "announce_return", "registered_by_id",
           "registered_at", "announced_at", "return_announced_at", "cancelled_at")

GENERATED = "Generert (ytelsesmåling)"
PHONE_PREFIXES = ("40", "41", "45", "46", "47", "48", "90", "91", "92", "93", "94", "95", "97", "98")
# The municipality's own partner services: key -> (kind, name pattern, people per this many service users).
LOCAL_SERVICES = {
    "nav": (Kind.NAV, "NAV {short}", 400),
    "gp": (Kind.GP, "{short} legesenter", 500),
    "housing": (Kind.HOUSING, "Boligkontoret i {short}", 1000),
    "user_org": (Kind.USER_ORG, "Brukerforeningen i {short}", 0),
}
REGIONAL_SERVICES = {
    "dps": (Kind.SPECIALIST, "DPS {region}", 800),
    "probation": (Kind.CORRECTIONAL, "Friomsorgen {region}", 3000),
    "emergency": (Kind.EMERGENCY, "{region} interkommunale legevakt", 3000),
}
ROLE_LABELS = {Role.TRUST_PERSON: "Tillitsperson", Role.LEADER: "Leder", Role.PARTNER: "Samarbeidspartner"}


def phone(ctx: Ctx) -> str:
    return f"+47{ctx.pick(PHONE_PREFIXES)}{int(ctx.rng.random() * 1_000_000):06d}"


def build(ctx: Ctx) -> None:
    """The municipality, its services and staff (``cases.plan_statuses`` has set ``ctx.statuses``)."""
    plan = ctx.plan
    municipalities = ctx.sink.table(Municipality, MUNICIPALITY)
    ctx.municipality_id = municipalities.new_id()
    municipalities.add((ctx.municipality_id, plan.name, plan.number), ctx.past(ctx.at(ctx.ago(900), 9)),
                       ctx.system_id, GENERATED)
    services(ctx)
    staff(ctx)
    standing_deputies(ctx)
    absences(ctx)


# --- services -------------------------------------------------------------------------------------------------


def organisation(ctx: Ctx, name: str, kind: str, key: str, municipality_id: int | None) -> Org:
    table = ctx.sink.table(Organisation, ORGANISATION)
    org = Org(table.new_id(), name, key)
    duty = phone(ctx) if kind in (Kind.FOLLOW_UP_SERVICE, Kind.EMERGENCY) else ""
    table.add((org.id, name, kind, municipality_id, phone(ctx), duty, True), ctx.past(ctx.at(ctx.ago(1000), 9)),
              ctx.system_id, GENERATED)
    return org


def regional(ctx: Ctx, name: str, kind: str, key: str) -> Org:
    """A service shared by the region: made by the first municipality of the region that is built."""
    existing = Organisation.objects.filter(name=name, kind=kind, municipality__isnull=True).values_list(
        "pk", flat=True).first()
    if existing is not None:
        return Org(existing, name, key)
    rng, ctx.rng = ctx.rng, ctx.plan.rng(ctx.seed, f"region-{key}")  # the same row whoever makes it
    try:
        return organisation(ctx, name, kind, key, None)
    finally:
        ctx.rng = rng


def services(ctx: Ctx) -> None:
    plan = ctx.plan
    n = plan.service_users
    units = 1 + n // 1500
    for i in range(units):
        name = f"Oppfølgingstjenesten {plan.short}"
        if units > 1:
            name += f" {words.UNIT_AREAS[i % len(words.UNIT_AREAS)]}"
        ctx.units.append(organisation(ctx, name, Kind.FOLLOW_UP_SERVICE, "unit", ctx.municipality_id))
    for key, (kind, pattern, _per) in LOCAL_SERVICES.items():
        offices = 1 + n // 1500 if key == "gp" else 1
        ctx.partners[key] = [
            organisation(ctx, pattern.format(short=plan.short) + (f" {i + 1}" if i else ""), kind, key,
                         ctx.municipality_id)
            for i in range(offices)
        ]
    for key, (kind, pattern, _per) in REGIONAL_SERVICES.items():
        ctx.partners[key] = [regional(ctx, pattern.format(region=plan.region_name), kind, key)]


# --- people ---------------------------------------------------------------------------------------------------


def account(ctx: Ctx, username: str, title: str, joined: datetime.datetime) -> Person:
    table = ctx.sink.table(User, USER)
    person = Person(table.new_id(), ctx.pick(words.FIRST_NAMES), ctx.pick(words.LAST_NAMES), username)
    table.add((person.id, username, person.first, person.last, f"{username}@example.com", phone(ctx), title,
               ctx.password, joined), joined, ctx.system_id, GENERATED)
    return person


def member(ctx: Ctx, person: Person, org: Org, role: str, joined: datetime.datetime) -> None:
    table = ctx.sink.table(Membership, MEMBERSHIP)
    table.add((table.new_id(), person.id, org.id, role), joined, ctx.system_id, GENERATED)
    label = f"{ROLE_LABELS[role]}, {org.name}"
    person.role_label = f"{person.role_label}; {label}" if person.role_label else label


def staff_member(ctx: Ctx, username: str, title_key: str, org: Org, role: str) -> Person:
    joined = ctx.past(ctx.at(ctx.ago(ctx.between(200, 2500)), 9))
    person = account(ctx, f"k{ctx.plan.number}.{username}", words.STAFF_TITLES[title_key], joined)
    member(ctx, person, org, role, joined)
    return person


def staff(ctx: Ctx) -> None:
    """Leaders, trust persons (so many that the open cases make caseloads of about 20) and partners."""
    open_cases = sum(1 for status in ctx.statuses if status != "ended")
    mean_caseload = 16 + ctx.rng.random() * 8
    # About 20 open cases each, never more than 30 (``cases.build`` evens the loads out).
    count = max(1, round(open_cases / mean_caseload), math.ceil(open_cases / CASELOAD[1]))
    for i, unit in enumerate(ctx.units):
        ctx.leaders[unit.id] = staff_member(ctx, f"leder{i + 1}", "leader", unit, Role.LEADER)
    for j in range(count):
        unit = ctx.units[j % len(ctx.units)]
        person = staff_member(ctx, f"tillit{j + 1}", "trust_person", unit, Role.TRUST_PERSON)
        ctx.trust_people.append(person)
        ctx.unit_of[person.id] = unit
    n = ctx.plan.service_users
    for key, (_kind, _pattern, per) in {**LOCAL_SERVICES, **REGIONAL_SERVICES}.items():
        if not per:
            continue
        people = ctx.partner_people[key] = []
        for j in range(1 + n // per):
            org = ctx.partners[key][j % len(ctx.partners[key])]
            people.append(staff_member(ctx, f"{key}{j + 1}", key, org, Role.PARTNER))


def standing_deputies(ctx: Ctx) -> None:
    """Within a unit, each trust person's standing deputy is the next one on the list; about one in ten has none
    (a gap on the leader's «Dekning»)."""
    table = ctx.sink.table(DeputyArrangement, DEPUTY)
    for unit in ctx.units:
        people = [p for p in ctx.trust_people if ctx.unit_of[p.id] is unit]
        if len(people) < 2:
            continue
        leader = ctx.leaders[unit.id]
        for j, person in enumerate(people):
            if ctx.chance(0.1):
                continue
            deputy = people[(j + 1) % len(people)]
            when = ctx.past(ctx.office_time(ctx.ago(ctx.between(20, 700))))
            table.add((table.new_id(), person.id, deputy.id, unit.id, leader.id, when), when, leader.id,
                      "Fast stedfortreder satt")
            ctx.standing[person.id] = deputy


# --- absences -------------------------------------------------------------------------------------------------

PAST_ABSENCES = ((Absence.Kind.HOLIDAY, 5, 20), (Absence.Kind.SICK_LEAVE, 1, 5), (Absence.Kind.COURSE, 1, 3),
                 (Absence.Kind.HOLIDAY, 3, 10), (Absence.Kind.OTHER, 1, 2))
NOTES = {Absence.Kind.HOLIDAY: "Ferie.", Absence.Kind.SICK_LEAVE: "Ringte inn syk.", Absence.Kind.COURSE: "Kurs.",
         Absence.Kind.LEAVE: "Permisjon.", Absence.Kind.OTHER: ""}


def absences(ctx: Ctx) -> None:
    """Two to four past absences a year per trust person; about one in twelve is away today (mostly sick) and as
    many have a holiday coming up (not yet announced); now and then one was cancelled."""
    for person in ctx.trust_people:
        leader = ctx.leaders[ctx.unit_of[person.id].id]
        day = ctx.ago(ctx.between(330, 365))
        for _ in range(ctx.between(2, 4)):
            kind, low, high = ctx.pick(PAST_ABSENCES)
            start = day + ctx.between(20, 90) * DAY
            end = start + (ctx.between(low, high) - 1) * DAY
            if end >= ctx.ago(10):
                break
            absence(ctx, person, leader, kind, start, end)
            day = end
        roll = ctx.rng.random()
        if roll < 0.08:
            start = ctx.ago(ctx.between(0, 3))
            absence(ctx, person, leader, Absence.Kind.SICK_LEAVE, start, ctx.today + ctx.between(0, 5) * DAY)
        elif roll < 0.16:
            start = ctx.today + ctx.between(3, 20) * DAY
            absence(ctx, person, person, Absence.Kind.HOLIDAY, start, start + ctx.between(6, 20) * DAY,
                    announce_return=True)


def absence(ctx: Ctx, person: Person, leader: Person, kind: str, start: datetime.date, end: datetime.date, *,
            announce_return: bool | None = None) -> None:
    table = ctx.sink.table(Absence, ABSENCE)
    registered_by = leader if kind == Absence.Kind.SICK_LEAVE else person
    registered = ctx.past(ctx.office_time(start - ctx.between(0, 2 if kind == Absence.Kind.SICK_LEAVE else 30) * DAY))
    if announce_return is None:
        announce_return = ctx.chance(0.3)
    cancelled = ctx.past(registered + ctx.between(1, 5) * DAY) if start > ctx.today and ctx.chance(0.05) else None
    # Users are told when it begins (the day before for one registered ahead), and when it is over if asked.
    announced = ctx.past(min(registered, ctx.at(start - DAY, 18))) if start <= ctx.today and not cancelled else None
    returned = ctx.at(end + DAY, 7) if announce_return and end < ctx.today and announced else None
    values = (table.new_id(), person.id, kind, start, end, NOTES[kind], announce_return, registered_by.id,
              registered, None, None, cancelled)
    versions = [(table.version(values, cancelled_at=None), registered, registered_by.id, "Fravær registrert")]
    if announced:
        values = table.version(values, announced_at=announced)
        versions.append((table.version(values, cancelled_at=None), announced, None, "Brukerne er varslet om fraværet"))
    if returned:
        values = table.version(values, return_announced_at=returned)
        versions.append((values, returned, None, "Brukerne er varslet om at fraværet er over"))
    if cancelled:
        versions.append((values, cancelled, registered_by.id, "Fravær slettet"))
    table.record(versions)
    if not cancelled:
        ctx.away.setdefault(person.id, []).append((start, end, values[0], announced))
