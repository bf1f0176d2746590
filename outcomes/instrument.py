"""The quality-of-life instrument of the national trust-person trial, as it was used (OUTCOMES.md).

Objective items O1–O18: the trust person answers Ja / Nei / Vet ikke. «Vet ikke» is missing in every figure.
Subjective items S1–S14: the user answers on five steps (1 … 5) in words that fit the question. Reverse items are
scored so that higher is better (``score``) before anything is compared. The item codes are the model's field
names in lower case (``o1`` … ``o18``, ``s1`` … ``s14``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

YES, NO, DONT_KNOW = "ja", "nei", "vet_ikke"
OBJECTIVE_CHOICES = [(YES, _("Ja")), (NO, _("Nei")), (DONT_KNOW, _("Vet ikke"))]

SATISFACTION = (
    _("Veldig misfornøyd"),
    _("Lite fornøyd"),
    _("Sånn passe fornøyd"),
    _("Ganske fornøyd"),
    _("Veldig fornøyd"),
)
FREQUENCY = (_("Aldri"), _("Sjelden"), _("Av og til"), _("Ofte"), _("Hele tiden"))
AGREEMENT = (_("Nei, ikke i det hele tatt"), _("Lite"), _("Delvis"), _("Ganske mye"), _("Ja, helt"))


@dataclass(frozen=True)
class ObjectiveItem:
    code: str  # "O1"
    text: str
    # The answer that counts as better ("ja" or "nei"), or None for a descriptive item (not scored as change).
    better: str | None

    @property
    def field(self) -> str:
        return self.code.lower()


@dataclass(frozen=True)
class SubjectiveItem:
    code: str  # "S1"
    text: str
    # What the user reads: the question in plain words and the five steps' words (1 … 5).
    plain: str
    steps: tuple
    reverse: bool = False
    # How a change reads for the user: «Du er mer fornøyd med {topic} enn i mai».
    topic: str = ""

    @property
    def field(self) -> str:
        return self.code.lower()

    def score(self, raw: int | None) -> int | None:
        """The answer scored so that higher is better (reverse items recoded), or None when missing."""
        if raw is None:
            return None
        return 6 - raw if self.reverse else raw


OBJECTIVE = (
    ObjectiveItem(
        "O1", _("Er brukerens bolig etter ditt skjønn av en tilfredsstillende fysisk standard?"), YES
    ),
    ObjectiveItem("O2", _("Har brukeren en varig bolig?"), YES),
    ObjectiveItem("O3", _("Deltar brukeren for tiden i arbeidsrelatert eller arbeidsrettet aktivitet?"), YES),
    ObjectiveItem(
        "O4",
        _(
            "Vurderer du at brukeren nå har tilfredsstillende arbeidsevne til å stå i arbeidsrettet aktivitet?"
        ),
        YES,
    ),
    ObjectiveItem("O5", _("Bor brukeren sammen med en fast partner?"), None),
    ObjectiveItem("O6", _("Bor brukeren sammen med en eller flere kompiser?"), None),
    ObjectiveItem(
        "O7", _("Har brukeren etter din kjennskap hatt kontakt med familien det siste halvåret?"), YES
    ),
    ObjectiveItem("O8", _("Har brukeren deltatt i fritidsaktiviteter det siste halvåret?"), YES),
    ObjectiveItem("O9", _("Har brukeren en omgangskrets utenfor rusmiljøet?"), YES),
    ObjectiveItem("O10", _("Har brukeren en fast inntekt?"), YES),
    ObjectiveItem("O11", _("Vurderer du at brukeren har nok penger til å dekke sine basale behov?"), YES),
    ObjectiveItem("O12", _("Kjenner du til at brukeren daglig eller nesten daglig er i aktiv rus?"), NO),
    ObjectiveItem("O13", _("Har brukeren fysiske lidelser / somatisk sykdom?"), None),
    ObjectiveItem(
        "O14",
        _(
            "Dersom brukeren trenger oppfølging fra helsetjenesten, får brukeren den medisinske oppfølgingen "
            "hun/han trenger?"
        ),
        YES,
    ),
    ObjectiveItem(
        "O15", _("Har brukeren etter din kjennskap psykiske helseproblemer / en psykisk diagnose?"), None
    ),
    ObjectiveItem(
        "O16",
        _(
            "Dersom brukeren trenger oppfølging fra psykisk helsetjeneste, får brukeren den oppfølgingen hun/han trenger?"
        ),
        YES,
    ),
    ObjectiveItem("O17", _("Kjenner du til at brukeren utsettes for vold eller trusler i hverdagen?"), NO),
    ObjectiveItem("O18", _("Er brukeren pasient i legemiddelassistert rehabilitering (LAR)?"), None),
)

SUBJECTIVE = (
    SubjectiveItem(
        "S1",
        _("Er du fornøyd med boligen du bor i nå?"),
        _("Hvor fornøyd er du med boligen din nå?"),
        SATISFACTION,
        topic=_("boligen"),
    ),
    SubjectiveItem(
        "S2",
        _("Er du fornøyd med forholdet til familien din?"),
        _("Hvor fornøyd er du med forholdet til familien din?"),
        SATISFACTION,
        topic=_("forholdet til familien"),
    ),
    SubjectiveItem(
        "S3",
        _("Er du fornøyd med forholdet til venner og bekjente?"),
        _("Hvor fornøyd er du med forholdet til venner og bekjente?"),
        SATISFACTION,
        topic=_("forholdet til venner"),
    ),
    SubjectiveItem(
        "S4",
        _("Er du fornøyd med det du driver med på dagtid?"),
        _("Hvor fornøyd er du med det du gjør på dagtid?"),
        SATISFACTION,
        topic=_("dagene dine"),
    ),
    SubjectiveItem(
        "S5",
        _("Er du fornøyd med det du driver med på kvelder og i helgene?"),
        _("Hvor fornøyd er du med det du gjør på kvelder og i helgene?"),
        SATISFACTION,
        topic=_("kveldene og helgene"),
    ),
    SubjectiveItem(
        "S6",
        _("Er du fornøyd med økonomien din?"),
        _("Hvor fornøyd er du med økonomien din?"),
        SATISFACTION,
        topic=_("økonomien"),
    ),
    SubjectiveItem(
        "S7",
        _("Er du fornøyd med helsa for tiden?"),
        _("Hvor fornøyd er du med helsa di nå?"),
        SATISFACTION,
        topic=_("helsa"),
    ),
    SubjectiveItem(
        "S8",
        _("Vil du si at rusen styrer hverdagen din?"),
        _("Hvor ofte styrer rusen hverdagen din?"),
        FREQUENCY,
        reverse=True,
        topic=_("rusen"),
    ),
    SubjectiveItem(
        "S9",
        _("Føler du at du orker (ville orket) å jobbe nå?"),
        _("Føler du at du orker (ville orket) å jobbe nå?"),
        AGREEMENT,
        topic=_("å orke å jobbe"),
    ),
    SubjectiveItem(
        "S10",
        _("Føler du deg trygg i hverdagen?"),
        _("Hvor ofte føler du deg trygg i hverdagen?"),
        FREQUENCY,
        topic=_("å føle deg trygg"),
    ),
    SubjectiveItem(
        "S11",
        _("Opplever du å bli utsatt for vold eller trusler?"),
        _("Hvor ofte blir du utsatt for vold eller trusler?"),
        FREQUENCY,
        reverse=True,
        topic=_("vold og trusler"),
    ),
    SubjectiveItem(
        "S12",
        _("Opplever du å føle deg deprimert, redd eller oppgitt?"),
        _("Hvor ofte føler du deg deprimert, redd eller oppgitt?"),
        FREQUENCY,
        reverse=True,
        topic=_("humøret"),
    ),
    SubjectiveItem(
        "S13",
        _("Alt i alt, hvor fornøyd er du med livet ditt nå?"),
        _("Alt i alt, hvor fornøyd er du med livet ditt nå?"),
        SATISFACTION,
        topic=_("livet ditt"),
    ),
    SubjectiveItem(
        "S14",
        _("Føler du at du klarer å gjøre det du vil i hverdagen?"),
        _("Klarer du å gjøre det du vil i hverdagen?"),
        AGREEMENT,
        topic=_("å klare det du vil"),
    ),
)

OVERALL = "S13"
ITEMS = {item.code: item for item in (*OBJECTIVE, *SUBJECTIVE)}


def objective_score(item: ObjectiveItem, answer: str | None) -> int | None:
    """1 when the answer is the better one, 0 when not; None for «Vet ikke», no answer or a descriptive item."""
    if item.better is None or answer not in (YES, NO):
        return None
    return 1 if answer == item.better else 0
