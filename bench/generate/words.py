"""The generator's words: fictional places, streets and titles, and the short Norwegian texts the rows carry.

The people's names and the follow-up log's notes are the demo's (``demo.core``, ``demo.followup_log``: neither
registers anything on import); what the demo writes about Trondheim in particular is written here in general
terms, so a generated municipality reads as its own place.
"""

from __future__ import annotations

from demo.core import FIRST_NAMES, LAST_NAMES
from demo.followup_log import AGREED, DURATIONS, KIND_WEIGHTS, NOTES
from koordinator.models import FollowUpEntry, LifeArea

__all__ = ["AGREED", "DURATIONS", "FIRST_NAMES", "KIND_WEIGHTS", "LAST_NAMES", "NOTES"]

A = LifeArea
EntryKind = FollowUpEntry.Kind

# Municipality names: a prefix and a suffix, then the same with a direction when more are needed.
NAME_PREFIXES = (
    "Ås Berg Bjørk Dal Eik Elv Fjell Fjord Furu Grå Hav Holm Kvit Li Lyng Mo Nes Ny Ord Rogn Sand Sjø Skog Sol "
    "Stein"
).split()
NAME_SUFFIXES = "vik dal nes berg fjord stad øy land sund bygd haug mark vang heim aker li mo voll".split()
NAME_DIRECTIONS = ("", "Nord-", "Sør-", "Øst-", "Vest-", "Indre ", "Ytre ")

UNIT_AREAS = ("Sentrum", "Nord", "Sør", "Øst", "Vest", "Indre", "Ytre", "Midt")
STREETS = (
    "Storgata", "Kirkegata", "Skolevegen", "Fjordgata", "Elvegata", "Bakkevegen", "Solbakken", "Nyveien",
    "Havnegata", "Stasjonsvegen", "Granvegen", "Bjørkelia", "Furulund", "Myrvegen", "Torget",
)
STAFF_TITLES = {
    "leader": "Avdelingsleder",
    "trust_person": "Tillitsperson",
    "nav": "Veileder",
    "gp": "Fastlege",
    "housing": "Saksbehandler",
    "dps": "Psykologspesialist",
    "probation": "Konsulent",
    "emergency": "Lege",
}
INTERPRETER_LANGUAGES = ("arabisk", "somali", "tigrinja", "polsk", "dari", "ukrainsk")
KIN_RELATIONS = ("mor", "far", "bror", "søster", "datter", "sønn", "tante", "onkel", "venn")

# --- the follow-up log ----------------------------------------------------------------------------------------

PLACES = {
    EntryKind.CONVERSATION: ("Kafeen i sentrum", "Kontoret", "Kontoret", "Tur langs elva", "Benken ved torget"),
    EntryKind.HOME_VISIT: ("Hjemme hos brukeren",),
    EntryKind.OUTREACH: ("Gatekjøkkenet", "Torget", "Bymisjonen", "Utenfor butikken", "Stasjonen"),
    EntryKind.PHONE: ("",),
    EntryKind.SMS: ("",),
    EntryKind.PRISON_VISIT: ("Fengselet",),
    EntryKind.NOT_MET: ("Hjemme hos brukeren", "Hjemme hos brukeren", ""),
}
AREAS = {
    EntryKind.CONVERSATION: (A.MENTAL_HEALTH, A.SUBSTANCE_USE, A.FAMILY, A.WORK, A.LEISURE, A.ECONOMY),
    EntryKind.HOME_VISIT: (A.HOUSING, A.ECONOMY, A.MENTAL_HEALTH, A.PHYSICAL_HEALTH),
    EntryKind.OUTREACH: (A.SUBSTANCE_USE, A.SAFETY, A.MENTAL_HEALTH),
    EntryKind.PHONE: (A.PHYSICAL_HEALTH, A.MENTAL_HEALTH, A.ECONOMY),
    EntryKind.ACCOMPANIED: (A.ECONOMY, A.WORK, A.PHYSICAL_HEALTH, A.HOUSING),
    EntryKind.OTHER_SERVICE: (A.WORK, A.HOUSING, A.MENTAL_HEALTH),
    EntryKind.PRISON_VISIT: (A.LEGAL, A.HOUSING),
}
EDITED_NOTE = " (Rettet: riktig dato og sted.)"
ARCHIVED_REASON = "Skrevet på feil bruker."

# --- plans ----------------------------------------------------------------------------------------------------
# Goals by life area with the small steps towards them: (what, who) where who is "user", "tp" or a partner key.

GOALS = {
    A.HOUSING: (
        ("Jeg vil ha en egen leilighet", ("Fylle ut søknaden om kommunal bolig", "user"),
         ("Spørre boligkontoret hvordan det går med søknaden", "housing"), ("Se på leiligheter på nett", "user")),
        ("Beholde leiligheten min", ("Sette opp fast trekk for husleia", "user"),
         ("Snakke med huseier om husleia jeg skylder", "tp")),
    ),
    A.WORK: (
        ("Jobbe to dager i uka", ("Møte veilederen i NAV om arbeidspraksis", "nav"), ("Skrive en kort CV", "user"),
         ("Besøke en arbeidstreningsplass", "tp")),
        ("Komme meg ut av huset to ganger i uka", ("Bli med på turgruppa på tirsdag", "user"),
         ("Gå på aktivitetshuset en formiddag", "user")),
    ),
    A.ECONOMY: (
        ("Få oversikt over gjelda mi", ("Samle regningene i én mappe", "user"),
         ("Bestille time hos gjeldsrådgiveren i NAV", "tp"), ("Ta med mappa til gjeldsrådgiveren", "user")),
        ("Ha penger til mat hele måneden", ("Lage et enkelt budsjett", "user"), ("Handle for en uke av gangen", "user")),
    ),
    A.MENTAL_HEALTH: (
        ("Sove bedre og ha det roligere", ("Gå en tur hver kveld", "user"), ("Få time til samtale på DPS", "dps")),
        ("Ha noen å snakke med når det blir tungt", ("Lage en liste over hvem jeg kan ringe", "user"),),
    ),
    A.PHYSICAL_HEALTH: (
        ("Få sjekket helsa", ("Bestille time hos fastlegen", "user"), ("Ta blodprøvene", "gp")),
    ),
    A.SUBSTANCE_USE: (
        ("Holde meg rusfri", ("Gå på samtalegruppa på torsdager", "user"), ("Søke om LAR", "dps")),
    ),
    A.FAMILY: (
        ("Se barna mine oftere", ("Ringe barnevernet om samvær", "tp"), ("Kjøpe bursdagsgave til sønnen min", "user")),
    ),
}
OWN_WORDS = (
    "Jeg vil ha et vanlig liv, med et sted å bo og noe å gå til.",
    "Det viktigste for meg er å få orden på pengene og slippe brevene.",
    "Jeg vil klare meg selv, men trenger litt hjelp en stund til.",
    "Jeg vil at barna skal se at det går bra med meg.",
)
RESOURCES = ("Jeg er god på å prate med folk.", "Søsteren min stiller opp for meg.", "Jeg har hund, og den får meg ut.")
NEEDS = ("Hjelp med papirer og brev.", "Noen å ringe når det blir for mye.", "Hjelp til å få orden på økonomien.")
HOW_DONE = ("Det gikk fint.", "Gjort sammen med tillitspersonen.", "Tok litt tid, men nå er det gjort.")
HOW_NOT_DONE = ("Rakk det ikke.", "Ble syk den uka. Vi prøver igjen.")
DECLINED = ("Vil ikke ha plan nå, vil tenke på det.", "Synes det blir for mye papir.")
PLAN_ENDED = "Planen ble avsluttet da oppfølgingen sluttet."
# Measures: (partner key, service, extent, decision profiles).
MEASURES = (
    ("nav", "Økonomisk sosialhjelp", "Hver måned", ("granted", "applied")),
    ("nav", "Arbeidsforberedende trening", "Tre dager i uka", ("applied", "granted", "refused")),
    ("nav", "Gjeldsrådgivning", "Tre samtaler", ("none",)),
    ("housing", "Kommunal utleiebolig", "", ("applied", "refused", "appealed")),
    ("housing", "Boveiledning", "To timer i uka", ("flag", "granted")),
    ("dps", "Samtaler hos psykolog", "Annenhver uke", ("none", "granted")),
    ("gp", "Oppfølging hos fastlegen", "Kontroll hver tredje måned", ("none",)),
    ("unit", "Følge til timer", "Etter avtale", ("none",)),
)
PROGRESS_NOTES = ("Møtte til samtale og var godt forberedt.", "Ringte og purret. De lovet svar innen to uker.",
                  "Vi var på NAV sammen. Søknaden er levert.")
COMMENTS = ("Dette er viktig for meg.", "Jeg vil gjerne ha litt lengre tid på dette.", "Det gikk bedre enn jeg trodde.")

# --- crisis plans ---------------------------------------------------------------------------------------------

CRISIS_TEXTS = {
    "warning_signs": ("Jeg sover dårlig flere netter på rad og slutter å svare på telefonen.",
                      "Jeg trekker meg unna og lar posten ligge uåpnet."),
    "triggers": ("Når det blir for mye på en gang.", "Krangel med familien."),
    "self_help": ("Jeg går en tur og ringer søsteren min.", "Jeg hører på musikk og tar én ting om gangen."),
    "how_to_meet_me": ("Rolig og direkte. Ikke mange folk på en gang.", "Snakk til meg, ikke om meg."),
    "what_helps": ("At noen jeg kjenner, kommer.", "Å få sove."),
    "what_does_not_help": ("Mas og mange spørsmål.",),
}

# --- meetings -------------------------------------------------------------------------------------------------

SITUATIONS = (
    "{first} venter på svar på boligsøknaden. Har vært rusfri siden sommeren.",
    "{first} har hatt noen tunge uker, men møter på avtalene.",
    "{first} har begynt på arbeidstrening to dager i uka og trives.",
    "{first} har fått leilighet og trenger hjelp til å skaffe møbler.",
)
USER_WORDS = (
    "Jeg vil helst at vi møtes hjemme hos meg.",
    "Det viktigste for meg nå er å få orden på pengene.",
    "Jeg vil ha en jobb å gå til, ikke bare flere møter.",
)
DECISIONS = ("Vi møtes igjen om seks uker. {tp} kaller inn.", "Alle sender beskjed til {tp}, ikke hver for seg.")
USER_POINTS = ("Jeg vil snakke om hvor jeg skal bo", "Kan vi snakke om jobb?", "Jeg vil ha hjelp til brevene")
PROPOSED_POINTS = ("Status for søknaden", "Medisinene og neste kontroll", "Oppfølging etter utskrivning")
POINT_NOTE = "Gikk gjennom punktet sammen. Se det vi ble enige om."
ACTION_ITEMS = {
    "user": ("Samle regningene og brevene i én mappe", "Ringe fastlegen og bestille time"),
    "coordinator": ("Hjelpe {first} å fylle ut søknaden om bostøtte", "Sende referatet på papir til {first}"),
    "partner": ("Svare på søknaden", "Gi {first} ny time til samtale", "Sende oversikt over utbetalingene"),
}
ACTION_CLOSE_NOTES = {"done": "Gjort.", "not_done": "Rakk det ikke.", "cancelled": "Ikke aktuelt lenger."}
DISAGREEMENT = "Det står at jeg ikke vil søke jobb. Det har jeg ikke sagt."
APOLOGY = "Har en annen avtale den dagen."
GROUP_REASONS = {"paused": "Brukeren ønsker en pause fra møtene.", "closed": "Oppfølgingen er avsluttet."}
ROLES = {"nav": "veileder i NAV", "gp": "fastlege", "housing": "saksbehandler for bolig", "dps": "behandler"}
