"""The follow-up log and the appointments: the bulk of the data (10 million entries at the national size).

Each case gets the number of entries ``cases.build`` gave it, spread over its life from the start to the last
contact (which is always an entry): mostly weekdays in office hours, the kinds of contact in the demo's shares
(home visits, cafés, phone calls, going along to NAV …), short notes, life areas, now and then written by the
deputy, a few edited afterwards and a few archived. About one entry in ten made while a plan step was open is
logged on that step (``plans.LoggedStep``). Every entry has its history row, by the writer, a little after the
contact, as the quick entry writes it.

Open cases also have appointments: a few in the last weeks (done), some today and in the next two weeks (planned,
or handed to the deputy when the trust person is away), and some moved or cancelled.
"""

from __future__ import annotations

import datetime
import itertools

from bench.generate import words
from bench.generate.context import DAY, OSLO, Case, Ctx
from koordinator.models import Appointment, FollowUpEntry, LifeArea
from plans.models import LoggedStep

Kind = FollowUpEntry.Kind
A = LifeArea
AREA_FIELDS = tuple(FollowUpEntry.LIFE_AREA_FIELDS.values())
AREA_POSITION = {area: i for i, area in enumerate(FollowUpEntry.LIFE_AREA_FIELDS)}

ENTRY = ("id", "follow_up_id", "started_at", "duration_minutes", "kind", "place", "service_id", "service_text",
         *AREA_FIELDS, "note", "agreed_next", "next_appointment_id", "written_by_id", "created_at", "updated_at",
         "archived_at", "archived_reason")
LOGGED_STEP = ("id", "entry_id", "step_id")
APPOINTMENT = ("id", "follow_up_id", "service_user_id", "trust_person_id", "original_trust_person_id", "starts_at",
               "duration_minutes", "place", "place_detail", "about", "status", "status_note", "created_by_id",
               "created_at")

NO_AREAS = (False,) * len(AREA_FIELDS)
FREE_TEXT_SERVICES = (("Tannlegen", A.DENTAL_HEALTH), ("Banken", A.ECONOMY), ("Namsmannen", A.ECONOMY))
PARTNER_AREAS = {"nav": A.ECONOMY, "gp": A.PHYSICAL_HEALTH, "housing": A.HOUSING, "dps": A.MENTAL_HEALTH}
APPOINTMENT_ABOUT = ("Prate om boligsøknaden.", "Gå gjennom brevet fra NAV sammen.", "Hjemmebesøk.",
                     "Øve til intervju.", "Høre hvordan det gikk hos legen.", "Søknad om bostøtte.")


def areas(*chosen: str) -> tuple[bool, ...]:
    flags = list(NO_AREAS)
    for area in chosen:
        flags[AREA_POSITION[area]] = True
    return tuple(flags)


class KindShape:
    """What the generator draws for one kind of contact, prepared once."""

    def __init__(self, kind: str):
        self.kind = kind
        self.reason = f"Loggført: {Kind(kind).label}"
        self.notes = words.NOTES[kind]
        self.places = words.PLACES.get(kind, ("Kontoret",))
        self.low, self.high = words.DURATIONS[kind]
        options = words.AREAS.get(kind, ())
        self.singles = [areas(a) for a in options]
        self.pairs = [areas(a, b) for a, b in itertools.combinations(options, 2)]
        self.with_service = kind in (Kind.ACCOMPANIED, Kind.OTHER_SERVICE)

    def areas(self, roll: float) -> tuple[bool, ...]:
        """No area a quarter of the time, one half the time, two a quarter (as the demo)."""
        if roll < 0.25 or not self.singles:
            return NO_AREAS
        if roll < 0.75 or not self.pairs:
            return self.singles[int((roll - 0.25) * 2 * len(self.singles))]
        return self.pairs[int((roll - 0.75) * 4 * len(self.pairs))]


SHAPES = {kind: KindShape(kind) for kind in Kind.values}
# A hundred slots in the demo's shares: drawing a kind is one random number.
KIND_SLOTS: list[KindShape] = []
for _kind, _weight in words.KIND_WEIGHTS.items():
    KIND_SLOTS.extend([SHAPES[_kind]] * _weight)


def entries(ctx: Ctx, case: Case) -> None:
    count = case.entries
    if count <= 0 or case.last_contact is None:
        return
    rng = ctx.rng
    random = rng.random
    table = ctx.sink.table(FollowUpEntry, ENTRY)
    links = ctx.sink.table(LoggedStep, LOGGED_STEP) if case.steps else None
    first = max(case.started_on, ctx.ago(1100))
    last = case.last_contact
    span = max((last - first).days, 0)
    days = sorted(first + int(random() * (span + 1)) * DAY for _ in range(count - 1))
    days.append(last)
    services = [(org, PARTNER_AREAS[key]) for key in ("nav", "gp", "housing", "dps") for org in ctx.partners[key]]
    slots = len(KIND_SLOTS)
    for day in days:
        weekday = day.weekday()
        if weekday >= 5 and random() < 0.9 and day - (weekday - 4) * DAY >= first:
            day -= (weekday - 4) * DAY
        shape = KIND_SLOTS[int(random() * slots)]
        hour = 18 if random() < 0.04 else 8 + int(random() * 8)
        started = datetime.datetime(day.year, day.month, day.day, hour, int(random() * 4) * 15, tzinfo=OSLO)
        duration = shape.low + int(random() * (shape.high - shape.low + 1))
        service_id, service_text, flags = None, "", shape.areas(random())
        if shape.with_service:
            if shape.kind == Kind.ACCOMPANIED and random() < 0.25:
                service_text, area = FREE_TEXT_SERVICES[int(random() * 3)]
                place = service_text
            else:
                org, area = services[int(random() * len(services))]
                service_id = org.id
                place = org.name if shape.kind == Kind.ACCOMPANIED or random() < 0.5 else "Kontoret"
            flags = areas(area)
        else:
            place = shape.places[int(random() * len(shape.places))]
        note = shape.notes[int(random() * len(shape.notes))]
        agreed = words.AGREED[int(random() * len(words.AGREED))] if shape.kind != Kind.NOT_MET and random() < 0.25 \
            else ""
        writer = case.deputy if case.deputy is not None and random() < 0.08 else case.tp
        created = started + datetime.timedelta(minutes=duration + 5 + int(random() * 85))
        created = min(created, ctx.now)
        entry_id = table.new_id()
        row = (entry_id, case.id, started, duration, shape.kind, place, service_id, service_text, *flags, note, agreed,
               None, writer.id, created, created, None, "")
        roll = random()
        if roll < 0.02:  # edited afterwards, or archived (written on the wrong user)
            later = ctx.past(created + datetime.timedelta(hours=1 + int(random() * 60)))
            if roll < 0.003:
                final = table.version(row, updated_at=later, archived_at=later, archived_reason=words.ARCHIVED_REASON)
                reason = "Loggføringen er arkivert"
            else:
                final = table.version(row, note=note + words.EDITED_NOTE, updated_at=later)
                reason = "Loggføringen er endret: Notat"
            table.record([(row, created, writer.id, shape.reason), (final, later, writer.id, reason)])
        else:
            table.add(row, created, writer.id, shape.reason)
        if links is not None and random() < 0.1:
            open_steps = [s for s, made, closed in case.steps if made <= day and (closed is None or day <= closed)]
            if open_steps:
                links.add((links.new_id(), entry_id, open_steps[int(random() * len(open_steps))]), created, writer.id,
                          "Loggført på delmålet")


def appointments(ctx: Ctx, case: Case) -> None:
    """Recent (done), today's and coming appointments of an open case; some moved or cancelled; one on a day the
    trust person is away goes to the deputy, or is cancelled when there is none."""
    if not case.is_open:
        return
    table = ctx.sink.table(Appointment, APPOINTMENT)
    Place, Status = Appointment.Place, Appointment.Status
    days = [-ctx.between(1, 21) for _ in range(ctx.pick((0, 1, 1, 2)))]
    days += [ctx.between(0, 14) for _ in range(ctx.pick((0, 1, 1, 2)))]
    for offset in days:
        day = ctx.today + offset * DAY
        if day < case.started_on:
            continue
        starts = ctx.at(day, 9 + int(ctx.rng.random() * 6), int(ctx.rng.random() * 2) * 30)
        created = ctx.past(ctx.office_time(max(day - ctx.between(2, 14) * DAY, case.started_on)))
        if created >= starts:
            continue
        place = ctx.pick(Place.values)
        detail = "Kafeen i sentrum" if place == Place.CAFE else ""
        values = (table.new_id(), case.id, case.su_id, case.tp.id, None, starts, ctx.pick((30, 45, 60, 60, 90)), place,
                  detail, ctx.pick(APPOINTMENT_ABOUT), Status.PLANNED, "", case.tp.id, created)
        versions = [(values, created, case.tp.id, "Avtale opprettet")]
        roll = ctx.rng.random()
        changed = ctx.past(created + ctx.between(1, 3) * DAY)
        if roll < 0.05:
            values = table.version(values, status=Status.CANCELLED, status_note="Brukeren var syk.")
            versions.append((values, changed, case.tp.id, "Avtale avlyst"))
        elif roll < 0.08:
            values = table.version(values, status=Status.MOVED, status_note="Passet bedre en annen dag.")
            versions.append((values, changed, case.tp.id, "Avtale flyttet"))
        elif offset < 0:
            values = table.version(values, status=Status.DONE)
            versions.append((values, ctx.past(starts + 2 * DAY / 24), case.tp.id, "Kontakt er registrert i loggen"))
        elif ctx.is_away(case.tp.id, day):
            if case.deputy is not None:
                values = table.version(values, status=Status.COVERED, trust_person_id=case.deputy.id,
                                       original_trust_person_id=case.tp.id)
            else:
                values = table.version(values, status=Status.CANCELLED, status_note="Tillitspersonen er borte.")
            versions.append((values, changed, None, "Endret på grunn av fravær"))
        table.record(versions)
        if offset >= 0 and values[table.index["status"]] in Appointment.LIVE_STATUSES:
            case.appointments.append((values[0], starts))
