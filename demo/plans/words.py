"""The words of the plans' demo: goals in the users' own words by life area with the small steps towards them,
how steps went, the plans' texts, reasons for declining and ending, notes, and the measures each partner
service offers (with the decision states they are drawn from).
"""

from __future__ import annotations

from demo.plans.shapes import Area, Kind, Who

# --- the words ------------------------------------------------------------------------------------------------
# Goals in the users' own words, by life area, each with the small steps towards it: (what, who, organisation).
# ``{tp}`` is the trust person's first name.

U, TP, ORG = Who.USER, Who.TRUST_PERSON, Who.ORGANISATION

GOALS: dict[str, list[tuple[str, list[tuple[str, str, str]]]]] = {
    Area.HOUSING: [
        (
            "Jeg vil ha en egen leilighet før jul",
            [
                ("Fylle ut søknaden om kommunal bolig sammen med {tp}", U, ""),
                ("Ringe boligkontoret og spørre hvordan det går med søknaden", U, ""),
                ("Se på leiligheter på nett sammen med {tp}", U, ""),
            ],
        ),
        (
            "Bo et sted der sønnen min kan komme på besøk",
            [
                ("Spørre boligkontoret om en leilighet med to soverom", TP, ""),
                ("Kjøpe en seng til gjesterommet på Fretex", U, ""),
            ],
        ),
        (
            "Beholde leiligheten min – betale husleia hver måned",
            [
                ("Sette opp fast trekk for husleia i nettbanken", U, ""),
                ("Snakke med huseier om husleia jeg skylder", TP, ""),
                ("Rydde kjøkkenet før vaktmesteren kommer", U, ""),
            ],
        ),
    ],
    Area.WORK: [
        (
            "Komme meg ut av huset to ganger i uka",
            [
                ("Bli med på turgruppa på tirsdag", U, ""),
                ("Møte {tp} på kafé i stedet for hjemme", U, ""),
                ("Gå på Aktivitetshuset en formiddag", U, ""),
            ],
        ),
        (
            "Jobbe to dager i uka innen sommeren",
            [
                ("Besøke Fretex sammen med {tp} og se på arbeidstrening", U, ""),
                ("Møte veilederen i NAV om arbeidspraksis", ORG, "nav"),
                ("Skrive en kort CV med hjelp fra {tp}", U, ""),
            ],
        ),
        (
            "Begynne på et kurs, kanskje matlaging",
            [
                ("Spørre voksenopplæringen om kurs til høsten", U, ""),
                ("Gå på åpen dag på voksenopplæringen", U, ""),
            ],
        ),
    ],
    Area.ECONOMY: [
        (
            "Få oversikt over gjelda mi",
            [
                ("Samle alle regningene og brevene i én mappe", U, ""),
                ("Bestille time hos gjeldsrådgiveren i NAV", TP, ""),
                ("Ta med mappa til gjeldsrådgiveren", U, ""),
            ],
        ),
        (
            "Ha penger til mat hele måneden",
            [
                ("Lage et enkelt budsjett sammen med {tp}", U, ""),
                ("Handle for en uke av gangen", U, ""),
            ],
        ),
    ],
    Area.PHYSICAL_HEALTH: [
        (
            "Gå en tur hver dag, selv om det bare er rundt kvartalet",
            [
                ("Gå tur tre dager denne uka og skrive det ned", U, ""),
                ("Kjøpe gode sko til vinteren", U, ""),
            ],
        ),
        (
            "Få sjekket lungene mine",
            [
                ("Bestille time hos fastlegen", U, ""),
                ("Ta blodprøver på legekontoret", U, ""),
            ],
        ),
    ],
    Area.MENTAL_HEALTH: [
        (
            "Sove bedre om natta",
            [
                ("Skrive søvndagbok i to uker", U, ""),
                ("Snakke med fastlegen om søvnen", U, ""),
            ],
        ),
        (
            "Ha noen å snakke med når tankene blir for mye",
            [
                ("Lagre nummeret til legevakten, 116 117, på telefonen", U, ""),
                ("Møte til første samtale på DPS", U, ""),
            ],
        ),
    ],
    Area.DENTAL_HEALTH: [
        (
            "Få fikset tennene så jeg tør å smile igjen",
            [
                ("Ringe tannhelsetjenesten og bestille første time", U, ""),
                ("Møte opp til tannlegetimen", U, ""),
            ],
        ),
    ],
    Area.SUBSTANCE_USE: [
        (
            "Bare det at jeg ikke drikker – det vil jeg holde på med",
            [
                ("Gå på møte i A-larm på torsdag", U, ""),
                ("Skrive ned hva som skjer før suget kommer", U, ""),
            ],
        ),
        (
            "Drikke mindre i helgene",
            [
                ("Avtale med broren min at vi gjør noe lørdag formiddag", U, ""),
                ("Ikke ha øl i kjøleskapet denne helga", U, ""),
            ],
        ),
        (
            "Komme inn i LAR igjen",
            [
                ("Be fastlegen om henvisning til LAR", U, ""),
                ("Følge opp henvisningen til LAR", TP, ""),
            ],
        ),
    ],
    Area.FAMILY: [
        (
            "Se datteren min oftere",
            [
                ("Ringe barnevernet og spørre om samvær", TP, ""),
                ("Sende bursdagskort til datteren min", U, ""),
            ],
        ),
        (
            "Ringe mamma hver søndag",
            [
                ("Ringe mamma på søndag", U, ""),
                ("Besøke mamma på Heimdal", U, ""),
            ],
        ),
    ],
    Area.LEISURE: [
        (
            "Finne noe å gjøre på kveldene som ikke handler om rus",
            [
                ("Bli med på fotballtreningen til Gatelaget", U, ""),
                ("Prøve bingokvelden på Aktivitetshuset", U, ""),
            ],
        ),
        (
            "Begynne å fiske igjen",
            [
                ("Låne fiskestang av broren min", U, ""),
                ("Kjøpe fiskekort for Jonsvatnet", U, ""),
            ],
        ),
    ],
    Area.SAFETY: [
        (
            "Føle meg trygg hjemme",
            [
                ("Bytte lås på døra", ORG, "housing"),
                ("Avtale med {tp} hvem jeg ringer hvis noen står på døra", U, ""),
            ],
        ),
    ],
    Area.LEGAL: [
        (
            "Bli ferdig med samfunnsstraffen",
            [
                ("Møte hos friomsorgen på onsdag", ORG, "probation"),
                ("Skrive ned timene jeg har gjort", U, ""),
            ],
        ),
        (
            "Få ordnet opp i bøtene mine",
            [
                ("Ringe Statens innkrevingssentral om en nedbetalingsavtale", U, ""),
                ("Sende inn avtalen om nedbetaling", TP, ""),
            ],
        ),
    ],
}

HOW_DONE = (
    "Det gikk fint, de var hyggelige i telefonen.",
    "Gikk bedre enn jeg trodde.",
    "Vi gjorde det sammen, og det tok bare en halvtime.",
    "Var der i en halvtime. Det var nok for første gang.",
    "Endelig! Det har jeg utsatt lenge.",
    "Det var skummelt, men jeg gjorde det.",
)
HOW_NOT_DONE = (
    "Orket ikke denne gangen. Vi prøver igjen.",
    "Glemte det. Trenger en påminnelse på SMS.",
    "Ble syk den uka.",
)
OWN_WORDS = (
    "Jeg vil ha en vanlig hverdag, med et sted å bo og noe å gjøre på dagtid.",
    "Jeg vil klare meg mer selv, og slippe å være redd for brevene fra NAV.",
    "Det viktigste for meg er å se ungene mine og holde meg rusfri.",
    "Jeg vil ha ro i hodet og sove om natta.",
    "Jeg vil ha det litt bedre enn i dag. Små steg.",
    "Jeg vil ha noe å stå opp til om morgenen.",
)
RESOURCES = (
    "Jeg er flink med hendene og liker å fikse ting.",
    "Søsteren min stiller opp for meg.",
    "Jeg har klart å holde meg rusfri før, så jeg vet at jeg kan.",
    "Jeg er god på å prate med folk.",
    "Jeg har hund, og den får meg ut hver dag.",
)
NEEDS = (
    "Hjelp med papirer og brev.",
    "Noen å ringe når det blir for mye.",
    "Noen som blir med på timer jeg gruer meg til.",
    "Hjelp til å få orden på økonomien.",
)
DECLINED = (
    "Vil ikke ha plan nå, vil tenke på det.",
    "Synes det blir for mye papir. Vil heller prate når vi møtes.",
    "Har hatt plan før, og det ble ikke noe av det. Vil vente og se.",
    "Orker ikke å tenke på mål akkurat nå. Spør meg igjen om en måned.",
)
ENDED = (
    "{first} ville ha en pause fra oppfølgingen. Planen kan lages på nytt når {first} vil.",
    "{first} har det bra nå og ville avslutte planen. Døra står åpen.",
)
STAFF_NOTES = (
    "Vi var på NAV sammen. Søknaden er levert.",
    "Snakket om dette på kafé i dag. {first} vil fortsette.",
    "Ringte og purret. De lovet svar innen to uker.",
)
PARTNER_NOTES = {
    Kind.NAV: "{first} møtte til samtale og var godt forberedt. Vi ser på en praksisplass.",
    Kind.SPECIALIST: "{first} har møtt til fire av fem samtaler. Vi jobber videre med søvn og uro.",
    Kind.GP: "Blodprøvene var fine. Ny kontroll om tre måneder.",
}
PARTNER_MEASURES = {
    Kind.NAV: ("Arbeidsrettet oppfølging", "Samtale hver fjortende dag"),
    Kind.SPECIALIST: ("Samtaler hos psykolog", "Annenhver uke"),
    Kind.GP: ("Oppfølging hos fastlegen", "Kontroll hver tredje måned"),
}

# Measures: (organisation key, service, extent, life area or "" for any, decision profiles, who decides).
MEASURES = (
    (
        "nav",
        "Økonomisk sosialhjelp",
        "Hver måned, vurderes hver tredje måned",
        Area.ECONOMY,
        ("granted", "applied"),
        "NAV Lerkendal",
    ),
    ("nav", "Frivillig forvaltning av økonomien", "", Area.ECONOMY, ("flag", "applied"), "NAV Lerkendal"),
    ("nav", "Gjeldsrådgivning", "Tre samtaler", Area.ECONOMY, ("none",), ""),
    (
        "nav",
        "Arbeidsforberedende trening",
        "Tre dager i uka",
        Area.WORK,
        ("applied", "granted", "refused"),
        "NAV Lerkendal",
    ),
    (
        "housing",
        "Kommunal utleiebolig",
        "",
        Area.HOUSING,
        ("applied", "refused", "appealed"),
        "Boligkontoret, Trondheim kommune",
    ),
    ("housing", "Bostøtte", "", Area.HOUSING, ("granted", "applied"), "Husbanken"),
    ("housing", "Boveiledning", "To timer i uka", Area.HOUSING, ("flag", "granted"), "Boligkontoret"),
    (
        "dps",
        "Legemiddelassistert rehabilitering (LAR)",
        "",
        Area.SUBSTANCE_USE,
        ("applied", "granted"),
        "TSB, St. Olavs hospital",
    ),
    ("user_org", "Samtalegruppe i A-larm", "Torsdager kl. 18", Area.SUBSTANCE_USE, ("none",), ""),
    ("probation", "Samfunnsstraff", "60 timer", Area.LEGAL, ("none",), ""),
    ("unit", "Følge til timer hos tannlegen og NAV", "Etter avtale", "", ("none",), ""),
    (
        "unit",
        "Praktisk bistand og opplæring i egen bolig",
        "Fire timer i uka",
        "",
        ("flag", "granted"),
        "Helse og velferd i kommunen",
    ),
)
# Organisations that are Trondheim's own: a Malvik plan does not use them.
TRONDHEIM_ONLY = ("nav", "housing", "probation", "gp")
