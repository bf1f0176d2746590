"""The words of the meetings' demo: situations, the user's words and decisions for the minutes, points for
the agenda and notes on them, action items by who does them, apologies, disagreements and amendments,
places and the partners' roles.
"""

from __future__ import annotations

from demo.meetings.shapes import COORDINATOR, DEPUTY, USER, Cancelled, Done, Kind, NotDone, Place
from meetings.models import AgendaItem

# --- the words ------------------------------------------------------------------------------------------------
# ``{first}`` is the user's first name, ``{tp}`` the trust person's.

SITUATIONS = (
    "{first} bor fortsatt hos søsteren sin og venter på svar på boligsøknaden. Har vært rusfri siden sommeren.",
    "{first} har hatt noen tunge uker, men møter på avtalene. Sover bedre etter at medisinene ble justert.",
    "{first} har begynt på arbeidstrening to dager i uka og trives. Økonomien er stram, men under kontroll.",
    "{first} har fått leilighet og flyttet inn. Trenger hjelp til å skaffe møbler og få ordnet strøm og internett.",
    "{first} hadde et tilbakefall i forrige måned, men tok kontakt selv. Vil prøve igjen med tettere oppfølging.",
    "{first} har betalt husleia tre måneder på rad og er stolt av det. Gjelda er samlet hos gjeldsrådgiveren.",
    "{first} går på turgruppa hver tirsdag og har fått en venn der. Gruer seg til brevene fra NAV.",
)
USER_WORDS = (
    "Jeg vil helst at vi møtes hjemme hos meg. Det er lettere for meg.",
    "Det viktigste for meg nå er å få orden på pengene.",
    "Jeg er lei av å fortelle det samme til alle. Fint at vi sitter sammen.",
    "Jeg vil ha en jobb å gå til, ikke bare flere møter.",
    "Jeg trenger at noen svarer når jeg ringer.",
    "Det går bedre nå. Jeg vil at det skal stå i referatet.",
)
DECISIONS = (
    "Vi møtes igjen om fem-seks uker. {tp} kaller inn.",
    "{first} og {tp} fyller ut søknaden sammen. De andre sier fra til {tp} når de har svar.",
    "Alle sender beskjed til {tp}, ikke hver for seg til {first}.",
    "Neste møte blir hjemme hos {first}, som {first} ønsket.",
    "Vi tar opp igjen planen på neste møte. {first} tenker på hva som er viktigst.",
)
USER_POINTS = (
    "Jeg vil snakke om hvor jeg skal bo",
    "Jeg vil ha hjelp til brevene fra NAV",
    "Kan vi snakke om jobb?",
    "Jeg vil at møtene skal være kortere",
    "Jeg vil snakke om sønnen min",
)
PARTNER_POINTS = {
    Kind.NAV: "Status for søknaden om økonomisk sosialhjelp",
    Kind.SPECIALIST: "Oppfølging etter utskrivning fra DPS",
    Kind.GP: "Medisinene og neste kontroll",
    Kind.HOUSING: "Boligsøknaden",
}
POINT_NOTES = {
    AgendaItem.Kind.USER_WORDS: (
        "{first} fikk snakke først. Vi tok det med i det vi ble enige om.",
        "Vi brukte god tid på dette. {first} sa det selv best.",
    ),
    AgendaItem.Kind.ACTION_ITEM: (
        "Ikke ferdig ennå. Står på dagsorden til det er gjort.",
        "Er i gang. Sier fra til {tp} når det er gjort.",
        "Trenger litt mer tid. Vi ser på det igjen neste gang.",
        "Har startet på det. {tp} spør hvordan det går før neste møte.",
    ),
    AgendaItem.Kind.PLAN_STEP: (
        "Gikk gjennom delmålet sammen. {first} vil fortsette.",
        "{first} forteller at det gikk bedre enn ventet.",
    ),
    AgendaItem.Kind.PLAN_REVISION: ("Planen må revideres. {tp} setter av tid til det med {first}.",),
    AgendaItem.Kind.PROPOSED: ("Tatt opp. Se det vi ble enige om.",),
}
# The note on an action item that was done before the meeting it was on the agenda of.
DONE_POINT_NOTE = "Gjort før møtet. Bra! Tas av dagsorden."
# Action items by who does them: the user, the trust person, or a service (by kind).
ITEMS = {
    USER: (
        "Samle regningene og brevene i én mappe",
        "Ringe fastlegen og bestille time",
        "Gå på åpen dag på Aktivitetshuset",
        "Skrive ned spørsmålene til neste møte",
    ),
    COORDINATOR: (
        "Hjelpe {first} å fylle ut søknaden om bostøtte",
        "Bestille time hos tannlegen sammen med {first}",
        "Sende referatet på papir til {first}",
        "Spørre voksenopplæringen om kurs til høsten",
    ),
    DEPUTY: ("Være med på neste hjemmebesøk, så {first} blir kjent med meg",),
    Kind.NAV: (
        "Svare på søknaden om økonomisk sosialhjelp",
        "Kalle inn {first} til samtale om arbeidspraksis",
        "Sende {first} oversikt over utbetalingene",
    ),
    Kind.SPECIALIST: ("Gi {first} ny time til samtale", "Sende epikrisen til fastlegen"),
    Kind.GP: ("Fornye resepten og sende den elektronisk", "Skrive uttalelse til boligsøknaden"),
    Kind.HOUSING: (
        "Svare på søknaden om kommunal bolig",
        "Sende oversikt over husleia som skyldes",
        "Se på om {first} kan bytte til en mindre leilighet",
        "Sende vaktmesteren for å se på fukten på badet",
        "Gi beskjed om når {first} kan se på leiligheten",
        "Svare på klagen på husleieøkningen",
    ),
}
CLOSE_NOTES = {
    Done: ("Gjort.", "Ferdig. {first} har fått svar.", "Gjort sammen med {first}."),
    NotDone: ("Rakk det ikke. Tas opp igjen på neste møte.", "Ble syk den uka. Vi prøver igjen."),
    Cancelled: ("Ikke aktuelt lenger: {first} har fått hjelp et annet sted.",),
}
APOLOGIES = {
    USER: ("Orket ikke i dag. {tp} kommer innom etterpå.", "Var syk."),
    DEPUTY: ("Hadde en annen avtale.",),
    "partner": ("Har kurs den dagen.", "Ringte og meldte forfall: syk."),
    "service": ("Ringte og sa at de ikke rakk det.", "Sendte e-post om at ingen kunne komme."),
}
DISAGREEMENTS = (
    "Det står at jeg ikke vil søke jobb. Det har jeg ikke sagt. Jeg sa at jeg ikke er klar ennå.",
    "Jeg var ikke enig i at NAV skal styre pengene mine. Det må stå at jeg skal tenke på det.",
    "Det står at jeg drikker hver helg. Det stemmer ikke lenger.",
)
AMENDMENTS = (
    ("Lagt til det {first} sa om boligen, som manglet.", "{first} vil helst bo i nærheten av familien."),
    ("Rettet datoen for neste møte.", "Neste møte flyttes en uke, som avtalt på telefon."),
    ("Tjenesten ba om at det står riktig hva de har lovet.", "Svaret kommer innen tre uker, ikke to."),
)
PLACES = {
    Place.OTHER: ("Biblioteket på Moholt", "Kafé Ni Muser"),
    Place.VIDEO: ("Lenken kommer på e-post dagen før.",),
}
ROLES = {
    Kind.NAV: "veileder i NAV",
    Kind.SPECIALIST: "behandler",
    Kind.GP: "fastlege",
    Kind.HOUSING: "saksbehandler for bolig",
}
