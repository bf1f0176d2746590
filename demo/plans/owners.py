"""The plans of the owners with a log-in, written by hand: ``bruker1`` (Kari Nordmann, five months of a plan
in use with progress month by month), ``bruker3`` (a draft waiting for her consent) and ``bruker4`` (a plan
declined); ``OWNER_SCRIPTS`` by username. ``bruker2`` has none on purpose.
"""

from __future__ import annotations

from demo.plans.section import Section
from demo.plans.shapes import (
    Area,
    Decision,
    GoalScript,
    MeasureScript,
    PlanScript,
    RevisionScript,
    StepScript,
    StepStatus,
    Who,
)
from demo.plans.words import DECLINED
from koordinator.models import Consent, FollowUp

# --- the scripts ----------------------------------------------------------------------------------------------


def _bruker1(section: Section, case: FollowUp) -> PlanScript:
    """Kari Nordmann: five months of a plan in use, with progress month by month."""
    S = StepScript
    done, not_done = StepStatus.DONE, StepStatus.NOT_DONE
    housing = GoalScript(
        Area.HOUSING,
        "Jeg vil ha en egen leilighet før jul",
        [
            S(
                "Fylle ut søknaden om kommunal bolig sammen med Sigrid",
                150,
                140,
                status=done,
                closed=138,
                how="Vi gjorde det på kafé. Det var mindre skummelt enn jeg trodde.",
            ),
            S(
                "Se på leiligheten i Lademoens gate",
                45,
                25,
                status=done,
                closed=24,
                how="Fin leilighet! Litt dyr, men vi søker bostøtte.",
            ),
            S(
                "Ringe boligkontoret og spørre hvordan det går med klagen",
                14,
                3,
                status=done,
                closed=2,
                by_owner=True,
                how="Det gikk fint! De sier jeg får svar i løpet av en måned.",
            ),
            S("Sende søknad om bostøtte", 10, -2, who=Who.TRUST_PERSON),
        ],
        comment=(1, "Jeg vil helst bo på Lademoen, nær søsteren min."),
        suggestion=(1, "Spørre Eva om hun vil bli med på visning", -14),
    )
    work = GoalScript(
        Area.WORK,
        "Komme meg ut av huset to ganger i uka",
        [
            S(
                "Bli med på turgruppa på tirsdag",
                146,
                110,
                status=not_done,
                closed=104,
                how="Orket ikke å gå dit alene. Vi prøver igjen sammen.",
            ),
            S(
                "Gå på turgruppa sammen med Sigrid",
                104,
                90,
                status=done,
                closed=90,
                how="Vi gikk i Estenstadmarka. Jeg var sliten, men glad.",
            ),
            S(
                "Møte Per i NAV om arbeidsforberedende trening",
                62,
                40,
                who=Who.PERSON,
                person="nav1",
                status=done,
                closed=38,
                how="Per var grei. Jeg søker om å få begynne på Fretex.",
            ),
            S("Prøve en dag med arbeidstrening på Fretex", 12, -18),
        ],
    )
    economy = GoalScript(
        Area.ECONOMY,
        "Få oversikt over gjelda mi",
        [
            S(
                "Samle alle regningene og brevene i én mappe",
                150,
                135,
                status=done,
                closed=128,
                how="Det ble en tjukk mappe, men nå ligger alt på ett sted.",
            ),
            S(
                "Bestille time hos gjeldsrådgiveren i NAV",
                128,
                100,
                who=Who.TRUST_PERSON,
                status=done,
                closed=97,
            ),
            S(
                "Møte gjeldsrådgiveren og ta med mappa",
                97,
                58,
                status=done,
                closed=55,
                how="Nå vet jeg hvor mye jeg skylder. Det er mye, men ikke umulig.",
            ),
        ],
    )
    dental = GoalScript(
        Area.DENTAL_HEALTH,
        "Få fikset tennene så jeg tør å smile igjen",
        [
            S(
                "Ringe tannhelsetjenesten og bestille første time",
                146,
                125,
                status=done,
                closed=118,
                how="Det gikk fint, damen i telefonen var hyggelig.",
            ),
            S(
                "Møte opp til første tannlegetime",
                118,
                80,
                status=done,
                closed=80,
                how="Gruet meg masse, men det gikk. Neste time er om noen uker.",
            ),
            # Gently overdue: four days past, not done yet.
            S("Gå til kontroll hos tannlegen", 20, 4),
        ],
    )
    sober = GoalScript(
        Area.SUBSTANCE_USE,
        "Bare det at jeg ikke drikker – det vil jeg holde på med",
        [
            S(
                "Gå på møte i A-larm på torsdag",
                100,
                70,
                status=done,
                closed=68,
                how="Det var godt å høre at andre har det som meg.",
            ),
            S(
                "Skrive ned hva som skjer før suget kommer, i to uker",
                30,
                14,
                status=done,
                closed=12,
                how="Det er ofte når jeg har fått brev. Godt å vite.",
            ),
        ],
    )
    nav_note = (
        3,
        "nav1",
        "Søknaden om arbeidsforberedende trening er mottatt og ligger til behandling. Kari får svar i løpet av "
        "tre uker.",
    )
    measures = [
        MeasureScript(
            "Økonomisk sosialhjelp",
            "nav",
            146,
            "Hver måned",
            needs_decision=True,
            applied=146,
            decided=140,
            outcome=Decision.GRANTED,
            decided_by="NAV Lerkendal",
        ),
        MeasureScript(
            "Kommunal utleiebolig",
            "housing",
            140,
            needs_decision=True,
            applied=140,
            decided=100,
            outcome=Decision.REFUSED,
            appealed=92,
            decided_by="Boligkontoret, Trondheim kommune",
            notes=[
                (92, "", "Vi har klaget på avslaget sammen. Kari har fått en god uttalelse fra fastlegen.")
            ],
        ),
        MeasureScript("Følge til timer hos tannlegen og NAV", "unit", 146, "Etter avtale"),
        MeasureScript("Gjeldsrådgivning", "nav", 128, "Tre samtaler", period=(128, 40)),
        MeasureScript(
            "Arbeidsforberedende trening",
            "nav",
            40,
            "Tre dager i uka",
            person="nav1",
            needs_decision=True,
            applied=35,
            decided_by="NAV Lerkendal",
            notes=[nav_note],
        ),
    ]
    return PlanScript(
        case=case,
        kind="active",
        created=150,
        texts={
            "own_words": "Jeg vil ha et sted å bo som er mitt eget, og en vanlig hverdag uten alkohol.",
            "resources": "Jeg er flink med hendene. Søsteren min Eva stiller opp for meg.",
            "needs": "Hjelp med papirer og brev fra NAV. Noen å ringe når det blir for mye.",
            "contributions": "Kari: møter på avtalene og sier fra hvis hun ikke orker. Sigrid (tillitsperson): "
            "koordinerer planen, hjelper med søknader og blir med til NAV. NAV Lerkendal: "
            "økonomi og arbeidstrening. Eva (søster): er med på visninger.",
            "how_carried_out": "Vi møtes hver uke, gjerne på kafé. Planen gås gjennom hver tredje måned.",
            "cooperation": "NAV Lerkendal, som Kari har gitt samtykke til å se planen.",
        },
        goals=[housing, work, economy, dental, sober],
        measures=measures,
        consent=(147, Consent.GivenHow.PORTAL),
        activated=146,
        period_days=365,
        next_revision=146 - 84,
        revisions=[
            RevisionScript(
                62,
                "Klagen på boligsøknaden er sendt. Kari vil fortsette i A-larm, og vi la til et delmål om "
                "arbeidstrening.",
                "Kari Nordmann, Sigrid Aune (tillitsperson), Per Olsen (NAV Lerkendal)",
                62 - 84,
            )
        ],
    )


def _bruker3(section: Section, case: FollowUp) -> PlanScript:
    """Lise Berg, just taken in: a draft that waits for her consent."""
    return PlanScript(
        case=case,
        kind="draft",
        created=6,
        texts={
            "own_words": "Jeg vil komme meg på beina igjen. Ta det litt etter litt.",
            "needs": "Noen å snakke med, og hjelp med brevene.",
        },
        goals=[
            GoalScript(
                Area.MENTAL_HEALTH, "Sove bedre om natta", [StepScript("Skrive søvndagbok i to uker", 6, -8)]
            ),
            GoalScript(
                Area.LEISURE,
                "Finne tilbake til noe jeg liker å gjøre",
                [StepScript("Bli med Sigrid på Aktivitetshuset en formiddag", 6, -15)],
            ),
        ],
    )


def _bruker4(section: Section, case: FollowUp) -> PlanScript:
    """Geir Solberg, on a break: he said no to a plan for now."""
    return PlanScript(case=case, kind="declined", created=34, declined=(30, DECLINED[0]))


# The owners with a log-in who have a plan. bruker2 is left without one: the browser test makes one with him.
OWNER_SCRIPTS = {"bruker1": _bruker1, "bruker3": _bruker3, "bruker4": _bruker4}
