"""Demo data for the follow-up log (issue 5), called from ``DemoBuilder.followup_log`` in ``demo/core.py``.

About five months of entries for every caseload: mostly short Norwegian notes, written by the trust person (now
and then the deputy) just after each contact, mostly outside the office (home visits, cafés, outreach, going
along to NAV or the GP), a few phone calls and text messages, and the odd «tried, but did not meet». One of
``tillit6``'s users was in prison until a month ago (prison visits then). Kari Nordmann (``bruker1``) has a
hand-written recent log so her own page (*innsyn*) reads well.

Exactly one user is quiet: the first active user on ``tillit1``'s list has had no entry at all for 21 days, so
*Min arbeidsliste* shows «Ingen kontakt på 21 dager» and ``run_reminders`` writes tillit1 one reminder. Every other
open case (intake, active) had contact in the last few days.

The entries are bulk-created with their history rows (``bulk_create_with_history``): each history row names
the writer and is dated just after the contact. A case that already has entries is left alone, so running the
seed again adds nothing.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from koordinator import continuity
from koordinator.models import FollowUp, FollowUpEntry, LifeArea, Organisation
from koordinator.timeutil import at

if TYPE_CHECKING:  # pragma: no cover
    from demo.core import DemoBuilder

Kind = FollowUpEntry.Kind
Status = FollowUp.Status
A = LifeArea

LOG_DAYS = 150  # about five months
QUIET_FOR_DAYS = 21
# How often a kind of contact happens (prison visits only for the user who went to prison).
KIND_WEIGHTS = {
    Kind.CONVERSATION: 20,
    Kind.HOME_VISIT: 18,
    Kind.OUTREACH: 9,
    Kind.PHONE: 19,
    Kind.SMS: 12,
    Kind.ACCOMPANIED: 8,
    Kind.OTHER_SERVICE: 6,
    Kind.PRISON_VISIT: 0,
    Kind.NOT_MET: 8,
}
DURATIONS = {
    Kind.CONVERSATION: (30, 75),
    Kind.HOME_VISIT: (40, 90),
    Kind.OUTREACH: (10, 40),
    Kind.PHONE: (5, 25),
    Kind.SMS: (1, 5),
    Kind.ACCOMPANIED: (60, 180),
    Kind.OTHER_SERVICE: (45, 90),
    Kind.PRISON_VISIT: (90, 150),
    Kind.NOT_MET: (5, 20),
}
CAFES = ("Dromedar Kaffebar, Bakklandet", "Kafé Ni Muser", "Bakklandet Skydsstation", "Kaffebrenneriet, Solsiden")
PLACES = {
    Kind.CONVERSATION: (*CAFES, "Kontoret", "Kontoret", "Tur langs Nidelva", "Benken ved Solsiden"),
    Kind.HOME_VISIT: ("Hjemme hos brukeren",),
    Kind.OUTREACH: ("Gatekjøkkenet", "Torget", "Kirkens bymisjon", "Utenfor Rema på Lade", "Jernbanestasjonen"),
    Kind.PHONE: ("",),
    Kind.SMS: ("",),
    Kind.PRISON_VISIT: ("Trondheim fengsel",),
    Kind.NOT_MET: ("Hjemme hos brukeren", "Hjemme hos brukeren", ""),
}
NOTES = {
    Kind.CONVERSATION: (
        "Prat om uka som har gått. Sover bedre nå.",
        "Snakket om regningene som har hopet seg opp. Vil gjerne ha hjelp til å lage en oversikt.",
        "God samtale. Har vært på trening to ganger denne uka.",
        "Snakket om familien. Gleder seg til å se datteren i helgen.",
        "Litt nedfor i dag. Vi snakket om hva som hjelper når det blir for mye.",
        "Gikk en tur og snakket om jobbpraksis. Motivert.",
        "Har ikke drukket siden forrige uke. Stolt av det.",
        "Snakket om boligsøknaden og hva som skjer videre.",
    ),
    Kind.HOME_VISIT: (
        "Hjemmebesøk. Ryddig og fint, kaffe på bordet.",
        "Gikk gjennom posten sammen. To brev fra NAV.",
        "Hjemmebesøk. Kjøleskapet var tomt; vi handlet sammen etterpå.",
        "Hjalp til med å fylle ut søknad om bostøtte.",
        "Hjemmebesøk. Hadde hatt en tung helg, men var i bedre form i dag.",
        "Satt opp en ukeplan på kjøleskapet sammen.",
    ),
    Kind.OUTREACH: (
        "Traff hen ved Gatekjøkkenet. Kort prat, virket sliten.",
        "Møttes tilfeldig på Torget. Ville gjerne ha en kaffe neste uke.",
        "Traff hen i byen. Fortalte at det går greit for tiden.",
        "Kort prat utenfor butikken. Hadde fått time hos fastlegen.",
    ),
    Kind.PHONE: (
        "Ringte for å høre hvordan det gikk etter legetimen.",
        "Ringte og minnet om møtet med NAV på torsdag.",
        "Hen ringte meg. Trengte å prate litt etter en vanskelig dag.",
        "Kort telefon om timen hos tannlegen.",
        "Ringte for å avtale ny tid. Passet bedre på mandag.",
    ),
    Kind.SMS: (
        "Sendte påminnelse om timen hos fastlegen i morgen.",
        "SMS: «Går det bra? Ring meg om du vil.» Fikk svar med en tommel opp.",
        "Sendte adressen til boligkontoret.",
        "Fikk SMS om at hen ikke kunne komme i dag. Ny tid avtalt.",
    ),
    Kind.ACCOMPANIED: (
        "Fulgte til avtalen. Gikk fint, fikk svar på det vi lurte på.",
        "Var med på møtet. Søknaden er levert.",
        "Fulgte til timen. Hen ville ikke gå alene, og det gikk bra.",
    ),
    Kind.OTHER_SERVICE: (
        "Møte med veilederen om arbeidspraksis. Brukeren har samtykket.",
        "Telefonmøte om boligsituasjonen.",
        "Samarbeidsmøte om medisinering og oppfølging fremover.",
    ),
    Kind.PRISON_VISIT: (
        "Besøk i fengselet. Snakket om bolig etter løslatelse.",
        "Besøk i fengselet. Ønsker å fortsette oppfølgingen etterpå.",
    ),
    Kind.NOT_MET: (
        "Ikke hjemme. La igjen en lapp i postkassen.",
        "Ringte to ganger, ikke svar.",
        "Kom ikke til avtalen på kafeen. Sendte SMS etterpå.",
    ),
}
AGREED = (
    "Ses på kafé neste uke.",
    "Jeg ringer på fredag.",
    "Hen ringer NAV selv, så snakkes vi etterpå.",
    "Hjemmebesøk igjen om fjorten dager.",
    "Ta med brevet fra NAV neste gang.",
)
AREAS = {
    Kind.CONVERSATION: (A.MENTAL_HEALTH, A.SUBSTANCE_USE, A.FAMILY, A.WORK, A.LEISURE, A.ECONOMY),
    Kind.HOME_VISIT: (A.HOUSING, A.ECONOMY, A.MENTAL_HEALTH, A.PHYSICAL_HEALTH),
    Kind.OUTREACH: (A.SUBSTANCE_USE, A.SAFETY, A.MENTAL_HEALTH),
    Kind.PHONE: (A.PHYSICAL_HEALTH, A.MENTAL_HEALTH, A.ECONOMY),
    Kind.SMS: (),
    Kind.OTHER_SERVICE: (A.WORK, A.HOUSING, A.MENTAL_HEALTH),
    Kind.PRISON_VISIT: (A.LEGAL, A.HOUSING),
    Kind.NOT_MET: (),
}
# Where the user was accompanied to: a service in the list, with the life area it is about, or free text.
FREE_TEXT_SERVICES = (("Tannlegen på Lade", A.DENTAL_HEALTH), ("Banken", A.ECONOMY), ("Namsmannen", A.ECONOMY))

# Kari's own recent log: (days ago, hour, kind, minutes, place, service attribute, areas, note, agreed next).
KARI = (
    (2, 11, Kind.ACCOMPANIED, 120, "NAV Lerkendal", "nav", (A.ECONOMY, A.WORK),
     "Fulgte Kari til NAV. Vi leverte søknaden om bostøtte og snakket med veilederen om arbeidspraksis.",
     "Kari ringer veilederen selv på mandag. Vi tar en kaffe etterpå."),
    (5, 13, Kind.CONVERSATION, 60, CAFES[0], "", (A.HOUSING,),
     "Snakket om boligsøknaden. Kari har sett på en leilighet på Lademoen og vil gjerne på visning.",
     "Jeg sjekker med boligkontoret om visningen."),
    (8, 10, Kind.HOME_VISIT, 45, "Hjemme hos Kari", "", (A.ECONOMY,),
     "Gikk gjennom posten sammen. To purringer som kan ordnes med en nedbetalingsavtale.",
     "Ringe kreditor sammen neste uke."),
    (10, 9, Kind.NOT_MET, 10, "Hjemme hos Kari", "", (),
     "Ikke hjemme. La igjen en lapp med telefonnummeret mitt.", ""),
    (11, 15, Kind.SMS, 2, "", "", (), "Kari svarte på SMS: hun var hos søsteren sin og har det bra.", ""),
    (13, 14, Kind.PHONE, 15, "", "", (A.MENTAL_HEALTH,),
     "Kari ringte. Hun har sovet dårlig, men er glad for at timen hos fastlegen er bestilt.", ""),
)


class _Log:
    """Entries for one case, drawn from a generator seeded by the person's name (the same on every fresh seed)."""

    def __init__(self, builder: DemoBuilder, case: FollowUp, deputy, services: list[tuple[Organisation, str]]):
        self.builder = builder
        self.case = case
        self.deputy = deputy
        self.services = services
        su = case.service_user
        self.rng: random.Random = builder.plan_rng(f"logg-{su.first_name}-{su.last_name}")
        self.rows: list[FollowUpEntry] = []
        self.weights = dict(KIND_WEIGHTS)
        if case.ending_reason == FollowUp.EndingReason.PRISON:
            self.weights[Kind.PRISON_VISIT] = 10
        # A spell in prison (set by ``add_log_entries`` for one user): the contacts then are prison visits.
        self.prison: tuple[datetime.date, datetime.date] | None = None

    def in_prison(self, day: datetime.date) -> bool:
        return self.prison is not None and self.prison[0] <= day <= self.prison[1]

    def entry(self, day: datetime.date, *, kind: str | None = None, hour: int | None = None, minutes: int = 0,
              duration: int | None = None, place: str | None = None, service: Organisation | None = None,
              service_text: str = "", areas=None, note: str | None = None, agreed: str | None = None) -> None:
        rng = self.rng
        if kind is None and self.in_prison(day):
            kind = Kind.PRISON_VISIT
        if kind is None:
            kind = rng.choices(list(self.weights), weights=list(self.weights.values()))[0]
        if hour is None:
            hour = rng.choice((18, 19)) if rng.random() < 0.05 else rng.randint(8, 15)
            minutes = rng.choice((0, 15, 30, 45))
        started_at = at(day, hour, minutes)
        if kind in (Kind.ACCOMPANIED, Kind.OTHER_SERVICE) and service is None and not service_text:
            if kind == Kind.ACCOMPANIED and rng.random() < 0.25:
                service_text, area = rng.choice(FREE_TEXT_SERVICES)
            else:
                service, area = rng.choice(self.services)
            areas = (area,) if areas is None else areas
        if areas is None:
            options = AREAS.get(kind, ())
            areas = rng.sample(options, k=min(len(options), rng.choice((0, 1, 1, 2)))) if options else ()
        if place is None:
            if kind == Kind.ACCOMPANIED:
                place = service.name if service else service_text
            elif kind == Kind.OTHER_SERVICE:
                place = rng.choice((service.name if service else "", "Kontoret", "Telefonmøte"))
            else:
                place = rng.choice(PLACES.get(kind, ("Kontoret",)))
        if note is None:
            note = rng.choice(NOTES[kind])
        if agreed is None:
            agreed = rng.choice(AGREED) if kind != Kind.NOT_MET and rng.random() < 0.25 else ""
        low, high = DURATIONS[kind]
        writer = self.deputy if (self.deputy is not None and rng.random() < 0.08) else self.case.trust_person
        row = FollowUpEntry(
            follow_up=self.case,
            started_at=started_at,
            duration_minutes=duration if duration is not None else rng.randint(low, high),
            kind=kind,
            place=place,
            service=service,
            service_text=service_text,
            note=note,
            agreed_next=agreed,
            written_by=writer,
            **{FollowUpEntry.LIFE_AREA_FIELDS[area]: True for area in areas},
        )
        # The history row: written by whoever made the contact, a little after it.
        row._history_user = writer
        row._history_date = started_at + datetime.timedelta(minutes=row.duration_minutes + rng.randint(5, 90))
        row._change_reason = f"Loggført: {row.get_kind_display()}"
        self.rows.append(row)

    def spread(self, first: datetime.date, last: datetime.date) -> None:
        """About two contacts a week on weekdays, now and then at the weekend, from ``first`` to ``last``
        (inclusive). The last day always has a contact, so it is the last contact."""
        day = first
        while day < last:
            chance = 0.36 if day.weekday() < 5 else 0.04
            if self.in_prison(day):
                chance = 0.15 if day.weekday() < 5 else 0
            if self.rng.random() < chance:
                self.entry(day)
            day += datetime.timedelta(days=1)
        if last >= first:
            kind = self.rng.choice((Kind.CONVERSATION, Kind.HOME_VISIT, Kind.PHONE, Kind.OUTREACH))
            self.entry(last, kind=kind)


def add_log_entries(builder: DemoBuilder) -> int:
    """Write the demo log (see the module's docstring). Returns how many entries were made."""
    today = builder.today
    cases = list(
        FollowUp.objects.select_related("service_user", "service_user__user", "trust_person", "deputy")
        .order_by("pk")
    )
    has_entries = set(FollowUpEntry.objects.values_list("follow_up_id", flat=True).distinct())
    quiet = builder._generated_case("tillit1")
    # Out of prison a month ago, now practising for a job interview (an appointment at the library).
    prisoner = builder._generated_case("tillit6")
    standing = continuity.standing_deputies({case.trust_person_id for case in cases})
    services = [(builder.nav, A.ECONOMY), (builder.nav, A.WORK), (builder.gp, A.PHYSICAL_HEALTH),
                (builder.housing, A.HOUSING), (builder.dps, A.MENTAL_HEALTH)]
    earliest = today - datetime.timedelta(days=LOG_DAYS)
    rows: list[FollowUpEntry] = []
    for case in cases:
        if case.pk in has_entries:
            continue
        log = _Log(builder, case, continuity.effective_deputy(case, standing), services)
        if case.pk == prisoner.pk:
            log.prison = (today - datetime.timedelta(days=100), today - datetime.timedelta(days=30))
        first = max(case.started_on, earliest)
        if case.status == Status.ENDED:
            last = min(case.ended_on or today, today - datetime.timedelta(days=1))
        elif case.status == Status.DORMANT:
            # Paused by agreement some weeks ago: a paused case is never «quiet».
            last = today - datetime.timedelta(days=log.rng.randint(25, 60))
        elif case.pk == quiet.pk:
            last = today - datetime.timedelta(days=QUIET_FOR_DAYS)
        else:
            last = max(today - datetime.timedelta(days=log.rng.randint(1, 4)), min(first, today))
        if case.service_user.user_id and case.service_user.user.username == "bruker1":
            kari_last = today - datetime.timedelta(days=max(days for days, *_ in KARI) + 1)
            log.spread(first, kari_last)
            for days, hour, kind, minutes, place, service, areas, note, agreed in KARI:
                log.entry(today - datetime.timedelta(days=days), kind=kind, hour=hour, duration=minutes,
                          place=place, service=getattr(builder, service) if service else None, areas=areas,
                          note=note, agreed=agreed)
        else:
            log.spread(first, last)
        rows.extend(log.rows)
    # Never in the future, whatever hour the seed runs.
    now = timezone.now()
    rows = [row for row in rows if row.started_at <= now]
    if rows:
        bulk_create_with_history(rows, FollowUpEntry, batch_size=500)
        builder.summary.created[FollowUpEntry._meta.verbose_name_plural] += len(rows)
    return len(rows)
