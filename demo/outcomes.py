"""Demo data for outcomes (issue 14), called from ``DemoBuilder.build`` in ``demo/core.py`` after the other sections.

What it makes
-------------
* **Quality-of-life rounds** for most users with a case over the past year: a start round when the case started
  (if that was within about 14 months), then a round about every six months (a little less, 160–178 days, so a
  round is only due where the demo means it to be), and an end round when a case ended in the past year for a
  reason where the user was still there. Change from the first round to the latest follows the national trial:
  on S13 (overall satisfaction) about 40 % better, 22 % worse, the rest the same, with economy (S6), somatic health
  (S7) and mental health (S12) moving most; now and then a «Vet ikke» in the trust person's part and a question the
  user skipped, and once in a while a round where the user did not take part.
* **bruker1** (Kari Nordmann, ``tillit1``) has three rounds by hand, so «Slik har det gått» tells a story: more
  satisfied with the economy, the days and life as a whole, work training started (O3 nei → ja), still waiting
  for a flat of her own. Her latest round is a few weeks old, so a round can be taken with her today.
* **A round due now**: one of ``tillit1``'s other users had the last round more than six months ago, so *Min
  arbeidsliste* lists it. **bruker3** (a new case) has no round yet, so her Min side asks her to answer.
* **bruker5**'s ended case (handed over to DPS Nidaros) has its end round and its end-of-follow-up evaluation; other
  cases ended in the past year have theirs too (a user who dropped out: «Fikk ikke tak i brukeren»).
* **Anonymous feedback** for Oppfølgingstjenesten Øst: 9 answers in the last completed half-year and 6 in this one
  (above the threshold of 5), some free texts checked for names and one not yet checked; for Oppfølgingstjenesten
  Malvik 3 (below it, so nothing is shown). Answers from demo users on Min side have their receipt (the keyed token
  of ``outcomes.feedback``), so they are not invited again that half-year; the rest came on paper and have none.
  ``bruker1`` has not answered this half-year, so she can try it.
* ``tillit5`` works 80 % and ``tillit6`` 50 %, so the caseload per full-time equivalent differs from per person.

Rounds and evaluations are written through the models with their history rows (``bulk_create_with_history``), each
history row naming the trust person and dated the day the round was taken. The feedback has no history, on purpose.

Everything here draws from its own random generators (one per case, keyed by the person's name), so the other demo
data does not change, and a rerun draws the same. A rerun adds nothing: a case that has any round keeps its rounds,
a case with an evaluation keeps it, and a unit's half-year that has any answer gets no more.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simple_history.utils import bulk_create_with_history

from koordinator.models import FollowUp, Membership, Organisation, ServiceUser
from koordinator.timeutil import at, no_date
from koordinator.toolkit import record_text
from outcomes import instrument
from outcomes.feedback import half_year_of, receipt_token
from outcomes.models import EndEvaluation, FeedbackAnswer, FeedbackReceipt, QualityOfLifeRound

if TYPE_CHECKING:  # pragma: no cover
    from demo.core import DemoBuilder

Kind = QualityOfLifeRound.Kind
By = QualityOfLifeRound.AnsweredBy
Status = FollowUp.Status
Reason = FollowUp.EndingReason
YES, NO, DONT_KNOW = instrument.YES, instrument.NO, instrument.DONT_KNOW

# A case that started within this many days has its start round (about 14 months).
START_WINDOW_DAYS = 425
# Rounds come about every six months: 160–178 days apart, never the full six, so only the chosen case is due.
SPACING_DAYS = (160, 178)
# The case chosen to be due had its last round at least this long ago (six months are at most 184 days).
DUE_AFTER_DAYS = 195
# An end round is taken when a case ended in the past year for one of these reasons (the user was still there).
END_ROUND_REASONS = (Reason.NO_LONGER_NEEDED, Reason.HANDED_OVER, Reason.OTHER, Reason.MOVED)
# Of the users with at least two rounds, S13 from the first round to the latest: the trial's shares.
SHARE_BETTER, SHARE_WORSE = 0.40, 0.22
# The items that move most (economy, somatic health, mental health), and the objective items that go with them.
DRIVERS = ("S6", "S7", "S12")
OBJECTIVE_DRIVERS = ("O10", "O11", "O14", "O16")
# How likely the trust person answers «Ja» at the first round (better or not is in the instrument).
OBJECTIVE_YES = {
    "O1": 0.6, "O2": 0.5, "O3": 0.25, "O4": 0.3, "O5": 0.15, "O6": 0.15, "O7": 0.6, "O8": 0.35, "O9": 0.45,
    "O10": 0.55, "O11": 0.45, "O12": 0.45, "O13": 0.4, "O14": 0.6, "O15": 0.55, "O16": 0.5, "O17": 0.2,
    "O18": 0.25,
}  # fmt: skip
# What the trust person often does not know.
OFTEN_UNKNOWN = ("O7", "O9", "O12", "O17")
# The users' starting point, on the scored scale (higher is better): most are not doing well when a case starts.
START_WEIGHTS = (15, 30, 33, 16, 6)

# --- bruker1, by hand ------------------------------------------------------------------------------------------

# (days ago, the user's part answered by, S1…S14 as the user answered them (raw, reverse items as asked; None =
# skipped), O1…O18). Kari's case started long before the past year, so none is a start round.
BRUKER1_ROUNDS = (
    (
        340,
        By.WITH_TRUST_PERSON,
        (2, 4, 2, 2, 2, 1, 2, 3, None, 3, 2, 4, 2, 2),
        "nei nei nei nei nei nei ja nei nei ja nei vet_ikke ja nei ja ja ja nei",
    ),
    (
        165,
        By.WITH_TRUST_PERSON,
        (2, 4, 3, 3, 2, 2, 3, 2, 3, 3, 1, 3, 3, 3),
        "nei nei nei vet_ikke nei nei ja ja ja ja nei nei ja ja ja ja nei nei",
    ),
    (
        24,
        By.USER_ALONE,
        (3, 3, 3, 4, 3, 3, 3, 1, 4, 4, 1, 3, 4, 3),
        "nei nei ja ja nei nei ja ja ja ja ja nei ja ja ja ja nei nei",
    ),
)

# --- end-of-follow-up evaluations ---------------------------------------------------------------------------------

BRUKER5_EVALUATION = {
    "achieved": (
        "Hanne har fått en fast leilighet og en fastlege hun stoler på. Hun har vært i arbeidspraksis tre dager "
        "i uka siden i vinter, og gjelda er samlet i én avtale med namsmannen."
    ),
    "what_helped": (
        "At Thomas ringte dagen før hver avtale og ble med til NAV de første gangene. At hun selv fikk bestemme "
        "hva vi skulle ta først."
    ),
    "needs_to_manage": (
        "En fast behandler på DPS Nidaros, som tar over koordineringen, og noen å ringe de første ukene når "
        "regningene kommer."
    ),
}
EVALUATION_TEXTS = {
    Reason.NO_LONGER_NEEDED: (
        "Har egen bolig, fast inntekt og en hverdag med faste gjøremål. Trenger ikke lenger tett oppfølging.",
        "At noen var der hele tiden, også når det gikk dårlig. At vi tok én ting om gangen.",
        "Fastlegen og NAV-veilederen som faste kontakter. Vet at døra står åpen hvis det trengs igjen.",
    ),
    Reason.HANDED_OVER: (
        "Oppfølgingen er overført til en tjeneste som kan følge opp over lang tid. Ansvarsgruppa er på plass.",
        "At vi møttes der brukeren ville, og at samme person fulgte opp hele veien.",
        "At den nye tjenesten har én fast kontakt, og at overgangen ikke skjer over natta.",
    ),
    Reason.MOVED: (
        "Fikk ordnet bolig og papirer før flyttingen. Kontakt med tjenesten i den nye kommunen er opprettet.",
        "Hjelp til å skrive søknader og til å rydde i økonomien.",
        "En kontaktperson i den nye kommunen fra første dag.",
    ),
    Reason.OTHER: (
        "Har kommet seg i jobb og ønsker å prøve på egen hånd, med fastlegen som kontakt.",
        "At tillitspersonen hadde tid, og at det var lett å få tak i henne.",
        "Å vite hvem hen kan ringe hvis det blir tungt igjen.",
    ),
}
NOT_REACHED = "Brukeren sluttet å svare på telefon og brev. Vi har forsøkt i to måneder. Døra står åpen."

# --- anonymous feedback ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """One answer: q1…q7 (None = skipped) and the free text. A checked text is stored as the leader left it (names
    removed), as ``outcomes.feedback.check_text`` does; a withheld one is not kept at all; an unchecked one as written."""

    answers: tuple
    text: str = ""
    status: str = FeedbackAnswer.TextStatus.NONE


T = FeedbackAnswer.TextStatus
# Oppfølgingstjenesten Øst, the last completed half-year: 9 answers; 3 of them from demo users on Min side.
TRONDHEIM_LAST = (
    Feedback(
        (5, 5, 4, 4, 4, 4, 5),
        "[navn] har vært der for meg hele veien. Hun ringer tilbake samme dag.",
        T.CHECKED,
    ),
    Feedback((4, 4, 4, 3, 4, 4, 4)),
    Feedback(
        (4, 5, 3, 2, 4, 3, 4),
        "Det beste er at de kommer hjem til meg. Jeg får ikke alltid beskjed når kontakten min er borte.",
        T.CHECKED,
    ),
    Feedback((5, 4, 5, 4, 5, 4, 5)),
    Feedback((3, 3, 2, 2, 3, 3, 3), "", T.WITHHELD),
    Feedback((4, 4, 4, None, 4, 5, 4)),
    Feedback(
        (5, 5, 4, 4, 3, 4, 5),
        "Har fått hjelp med gjelda og boligen. Trenger fortsatt hjelp med å komme i jobb.",
        T.CHECKED,
    ),
    Feedback((2, 3, 3, 3, 2, 3, 3)),
    Feedback((4, 4, 5, 4, 4, 4, 4)),
)
# This half-year: 6 answers; 1 from a demo user on Min side; one free text not checked yet (it names someone).
TRONDHEIM_NOW = (
    Feedback(
        (5, 4, 4, 4, 4, 4, 5),
        "[navn] hører på meg og mener det han sier. Det har aldri skjedd før i et system.",
        T.CHECKED,
    ),
    Feedback((4, 4, 3, 3, 4, 4, 4)),
    Feedback(
        (3, 4, 2, 2, 3, 3, 4),
        "Vanskelig å få tak i noen på fredager. Ellers bra. Hilsen Ola på Lade",
        T.UNCHECKED,
    ),
    Feedback((5, 5, 5, 4, 4, 5, 5)),
    Feedback((4, None, 4, 4, 3, 4, 4)),
    Feedback((4, 4, 4, 3, 4, 3, 4)),
)
# Oppfølgingstjenesten Malvik, the last completed half-year: 3 answers, below the threshold.
MALVIK_LAST = (
    Feedback((4, 4, 4, 4, 3, 4, 4)),
    Feedback((5, 4, 3, 3, 4, 4, 5), "Godt å ha noen som kjenner meg.", T.CHECKED),
    Feedback((3, 3, 4, 2, 3, 3, 3)),
)
# Who answered on Min side (each has a receipt): in the last completed half-year, and in this one.
MY_PAGE_LAST = ("bruker1", "bruker4", "bruker5")
MY_PAGE_NOW = ("bruker2",)

# Positions smaller than a full one (the half-year report: caseload per full-time equivalent).
FTE_PERCENT = {"tillit5": 80, "tillit6": 50}


def add_outcomes(builder: DemoBuilder) -> None:
    cases = _cases()
    _rounds(builder, cases)
    _end_evaluations(builder, cases)
    _feedback(builder)
    _positions(builder)


def _cases() -> list[FollowUp]:
    """Every case, in an order that does not depend on the database's keys."""
    cases = FollowUp.objects.select_related("service_user__user", "trust_person", "unit", "municipality")
    return sorted(
        cases, key=lambda c: (c.municipality.number, c.service_user.last_name, c.service_user.first_name)
    )


def _name(case: FollowUp) -> str:
    return f"{case.service_user.first_name} {case.service_user.last_name}"


def _login(case: FollowUp) -> str:
    user = case.service_user.user
    return user.username if user is not None else ""


def _rng(case: FollowUp, what: str) -> random.Random:
    return random.Random(f"demo-outcomes-{what}-{case.municipality.number}-{_name(case)}")


# --- when ---------------------------------------------------------------------------------------------------------


@dataclass
class Planned:
    case: FollowUp
    dates: list[tuple[datetime.date, str]] = field(default_factory=list)  # (taken on, kind)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _due_case(cases: list[FollowUp], today: datetime.date) -> FollowUp | None:
    """The user on tillit1's list whose round is due now: an active case of long enough, not a demo log-in's."""
    from demo.sign_in import FIRST_LOG_IN

    for case in cases:
        if (
            case.trust_person.username == "tillit1"
            and case.status == Status.ACTIVE
            and not _login(case)
            and (case.service_user.first_name, case.service_user.last_name) != FIRST_LOG_IN
            and case.started_on <= today - _days(DUE_AFTER_DAYS + 30)
        ):
            return case
    return None


def _when(case: FollowUp, today: datetime.date, due: bool) -> list[tuple[datetime.date, str]]:
    """The days a case's rounds were taken, and their kinds."""
    rng = _rng(case, "when")
    login = _login(case)
    if login == "bruker1":
        return [(today - _days(ago), Kind.FOLLOW_UP) for ago, *_ in BRUKER1_ROUNDS]
    if login == "bruker3":
        return []  # a new case: her Min side asks her to answer (a round is due)
    yesterday = today - _days(1)
    if case.status == Status.INTAKE:
        # Half of the new cases have had their start round.
        if rng.random() < 0.5:
            return [(min(case.started_on + _days(rng.randint(0, 2)), yesterday), Kind.START)]
        return []
    # Most users, not all: a few have no round at all (every demo log-in has some).
    if not login and not due and rng.random() < 0.1:
        return []
    last = case.ended_on if case.status == Status.ENDED and case.ended_on else yesterday
    if due:
        last = min(last, today - _days(DUE_AFTER_DAYS + rng.randint(0, 12)))
    if case.started_on >= today - _days(START_WINDOW_DAYS):
        dates = [(min(case.started_on + _days(rng.randint(0, 10)), last), Kind.START)]
    else:
        first = today - _days(rng.randint(330, 364))
        if first > last:
            return []  # ended before the past year
        dates = [(first, Kind.FOLLOW_UP)]
    while True:
        following = dates[-1][0] + _days(rng.randint(*SPACING_DAYS))
        if following > last:
            break
        dates.append((following, Kind.FOLLOW_UP))
    ended = case.status == Status.ENDED and case.ended_on
    if ended and case.ending_reason in END_ROUND_REASONS and case.ended_on >= today - _days(365):
        if login == "bruker5" or rng.random() < 0.8:
            # The end round on the day the case ended; a round in the weeks before it is not taken again.
            dates = [(day, kind) for day, kind in dates if day < case.ended_on - _days(45)]
            dates.append((case.ended_on, Kind.END))
    return dates


# --- what -----------------------------------------------------------------------------------------------------


def _directions(planned: list[Planned]) -> dict[int, str]:
    """S13 from the first round to the latest, for the users with two rounds or more: the trial's shares."""
    several = [p.case for p in planned if len(p.dates) > 1 and _login(p.case) != "bruker1"]
    better = round(len(several) * SHARE_BETTER)
    worse = round(len(several) * SHARE_WORSE)
    directions = ["better"] * better + ["worse"] * worse + ["same"] * (len(several) - better - worse)
    random.Random("demo-outcomes-directions").shuffle(directions)
    return {case.pk: direction for case, direction in zip(several, directions, strict=True)}


def _spread(rng: random.Random, change: int, transitions: int) -> list[int]:
    """A change from the first round to the latest, in steps of one over the rounds between."""
    steps = [0] * transitions
    for _ in range(abs(change)):
        steps[rng.randrange(transitions)] += 1 if change > 0 else -1
    return steps


def _subjective(rng: random.Random, direction: str, rounds: int) -> list[dict]:
    """Scores (higher is better) per round, as the user answered them (reverse items back as asked)."""
    sign = {"better": 1, "worse": -1, "same": 0}[direction]
    scores: dict[str, list[int]] = {}
    for item in instrument.SUBJECTIVE:
        if item.code == instrument.OVERALL:
            change = sign * (1 if rng.random() < 0.7 else 2)
            low, high = (1, 5 - change) if change > 0 else (1 - change, 5)
            start = rng.choices(range(low, high + 1), weights=START_WEIGHTS[low - 1 : high])[0]
        else:
            if item.code in DRIVERS:
                moves = rng.random() < 0.75
                size = 1 if rng.random() < 0.6 else 2
            else:
                moves = rng.random() < 0.3
                size = 1
            towards = sign if sign and rng.random() < 0.8 else rng.choice((-1, 1))
            change = towards * size if moves and rounds > 1 else 0
            start = rng.choices(range(1, 6), weights=START_WEIGHTS)[0]
        steps = _spread(rng, change, max(rounds - 1, 1))
        values = [start]
        for step in steps[: rounds - 1]:
            values.append(values[-1] + step)
        scores[item.code] = [max(1, min(5, v)) for v in values]
    answers = []
    for k in range(rounds):
        answer = {}
        for item in instrument.SUBJECTIVE:
            skipped = rng.random() < (0.02 if item.code == instrument.OVERALL else 0.045)
            score = scores[item.code][k]
            answer[item.field] = None if skipped else (6 - score if item.reverse else score)
        answers.append(answer)
    return answers


def _objective(rng: random.Random, direction: str, rounds: int) -> list[dict]:
    better, worse = {"better": (0.25, 0.04), "worse": (0.05, 0.2), "same": (0.08, 0.08)}[direction]
    state = {item.code: rng.random() < OBJECTIVE_YES[item.code] for item in instrument.OBJECTIVE}
    answers = []
    for k in range(rounds):
        if k:
            for item in instrument.OBJECTIVE:
                weight = 1.6 if item.code in OBJECTIVE_DRIVERS else 1.0
                is_better = item.better is not None and state[item.code] == (item.better == YES)
                if item.better is None:
                    flip = rng.random() < 0.03
                elif is_better:
                    flip = rng.random() < worse * weight
                else:
                    flip = rng.random() < better * weight
                if flip:
                    state[item.code] = not state[item.code]
        answer = {}
        for item in instrument.OBJECTIVE:
            unknown = rng.random() < (0.1 if item.code in OFTEN_UNKNOWN else 0.03)
            answer[item.field] = DONT_KNOW if unknown else (YES if state[item.code] else NO)
        answers.append(answer)
    return answers


def _bruker1() -> list[dict]:
    answers = []
    for _ago, by, subjective, objective in BRUKER1_ROUNDS:
        answer = {"subjective_by": by}
        answer.update({item.field: raw for item, raw in zip(instrument.SUBJECTIVE, subjective, strict=True)})
        answer.update(
            {item.field: value for item, value in zip(instrument.OBJECTIVE, objective.split(), strict=True)}
        )
        answers.append(answer)
    return answers


def _rounds(builder: DemoBuilder, cases: list[FollowUp]) -> None:
    today = builder.today
    due = _due_case(cases, today)
    planned = [Planned(case, _when(case, today, case == due)) for case in cases]
    directions = _directions(planned)
    taken = set(QualityOfLifeRound.objects.values_list("follow_up_id", flat=True).distinct())
    rows: list[QualityOfLifeRound] = []
    for plan in planned:
        case = plan.case
        if not plan.dates or case.pk in taken:
            continue
        if _login(case) == "bruker1":
            answers = _bruker1()
        else:
            rng = _rng(case, "answers")
            direction = directions.get(case.pk, "same")
            subjective = _subjective(rng, direction, len(plan.dates))
            objective = _objective(rng, direction, len(plan.dates))
            answers = []
            for k, (s, o) in enumerate(zip(subjective, objective, strict=True)):
                # Now and then the user did not take part in a later round.
                if k and rng.random() < 0.06:
                    s = dict.fromkeys(s)
                    by = By.NOT_ANSWERED
                elif k and _login(case) and rng.random() < 0.35:
                    by = By.USER_ALONE
                else:
                    by = By.WITH_TRUST_PERSON
                answers.append({**o, **s, "subjective_by": by})
        writer = case.trust_person
        for (day, kind), answer in zip(plan.dates, answers, strict=True):
            row = QualityOfLifeRound(follow_up=case, taken_on=day, kind=kind, recorded_by=writer, **answer)
            row._history_user = writer
            row._history_date = at(day, 14, 30)
            # The reason the rounds' service writes (``outcomes.rounds.start_round``), in the history's language.
            row._change_reason = record_text(
                lambda kind=kind, day=day: f"Livskvalitetsrunde registrert: {Kind(kind).label} {no_date(day)}"
            )
            rows.append(row)
    if rows:
        bulk_create_with_history(rows, QualityOfLifeRound, batch_size=500)
        _date_back(QualityOfLifeRound, {row.pk: row._history_date for row in rows})
        builder.summary.created[QualityOfLifeRound._meta.verbose_name_plural] += len(rows)


def _date_back(model, moments: dict) -> None:
    """``created_at`` and ``updated_at`` are set to now on insert: date them, and their history rows, to when."""
    rows = list(model.objects.filter(pk__in=moments))
    for row in rows:
        row.created_at = row.updated_at = moments[row.pk]
    model.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
    history = list(model.history.filter(id__in=moments))
    for row in history:
        row.created_at = row.updated_at = moments[row.id]
    model.history.model.objects.bulk_update(history, ["created_at", "updated_at"], batch_size=500)


# --- end-of-follow-up evaluations ---------------------------------------------------------------------------------


def _end_evaluations(builder: DemoBuilder, cases: list[FollowUp]) -> None:
    """bruker5's, and one for every case ended in the past year with an end round (or that the user dropped out of)."""
    today = builder.today
    done = set(EndEvaluation.objects.values_list("follow_up_id", flat=True))
    end_rounds = set(QualityOfLifeRound.objects.filter(kind=Kind.END).values_list("follow_up_id", flat=True))
    rows = []
    for case in cases:
        if case.status != Status.ENDED or not case.ended_on or case.pk in done:
            continue
        recent = case.ended_on >= today - _days(365)
        if _login(case) == "bruker5":
            values = {**BRUKER5_EVALUATION, "user_part": EndEvaluation.UserPart.TOGETHER}
        elif recent and case.pk in end_rounds and case.ending_reason in EVALUATION_TEXTS:
            achieved, helped, needs = EVALUATION_TEXTS[case.ending_reason]
            values = {
                "achieved": achieved,
                "what_helped": helped,
                "needs_to_manage": needs,
                "user_part": EndEvaluation.UserPart.TOGETHER,
            }
        elif recent and case.ending_reason == Reason.DROPPED_OUT:
            values = {"achieved": NOT_REACHED, "user_part": EndEvaluation.UserPart.NOT_REACHED}
        else:
            continue
        row = EndEvaluation(follow_up=case, written_by=case.trust_person, **values)
        row._history_user = case.trust_person
        row._history_date = at(case.ended_on, 15)
        row._change_reason = "Sluttevaluering skrevet"
        rows.append(row)
    if rows:
        bulk_create_with_history(rows, EndEvaluation)
        _date_back(EndEvaluation, {row.pk: row._history_date for row in rows})
        builder.summary.created[EndEvaluation._meta.verbose_name_plural] += len(rows)


# --- anonymous feedback -------------------------------------------------------------------------------------------


def half_year_before(day: datetime.date) -> tuple[str, datetime.date]:
    """The last completed half-year, and its first day."""
    if day.month <= 6:
        return f"{day.year - 1}-H2", datetime.date(day.year - 1, 7, 1)
    return f"{day.year}-H1", datetime.date(day.year, 1, 1)


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    months = []
    for k in range(count):
        month = first.month - 1 + k
        months.append(datetime.date(first.year + month // 12, month % 12 + 1, 1))
    return months


def _answers(
    unit: Organisation, period: str, months: list[datetime.date], feedback: tuple, on_my_page: int
) -> list[FeedbackAnswer]:
    rng = random.Random(f"demo-outcomes-feedback-{unit.name}-{period}")
    rows = []
    for k, answer in enumerate(feedback):
        rows.append(
            FeedbackAnswer(
                unit=unit,
                half_year=period,
                # The half-year's first month, as ``outcomes.feedback`` stores it (a month of its own would order
                # the answers).
                month=months[0],
                channel=FeedbackAnswer.Channel.MY_PAGE if k < on_my_page else FeedbackAnswer.Channel.PAPER,
                free_text=answer.text,
                free_text_shown=answer.text if answer.status == T.CHECKED else "",
                text_status=answer.status,
                **{f"q{n}": value for n, value in enumerate(answer.answers, start=1)},
            )
        )
    # Stored in no order that could tell which answer came from whom (the primary keys are random anyway).
    rng.shuffle(rows)
    return rows


def _feedback(builder: DemoBuilder) -> None:
    today = builder.today
    now = half_year_of(today)
    last, last_first = half_year_before(today)
    now_first = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    last_months = _months(last_first, 6)
    now_months = _months(now_first, today.month - now_first.month + 1)
    batches = (
        (builder.unit, last, last_months, TRONDHEIM_LAST, MY_PAGE_LAST),
        (builder.unit, now, now_months, TRONDHEIM_NOW, MY_PAGE_NOW),
        (builder.malvik_unit, last, last_months, MALVIK_LAST, ()),
    )
    answers: list[FeedbackAnswer] = []
    receipts: list[FeedbackReceipt] = []
    for unit, period, months, feedback, on_my_page in batches:
        if FeedbackAnswer.objects.filter(unit=unit, half_year=period).exists():
            continue
        answers += _answers(unit, period, months, feedback, len(on_my_page))
        for username in on_my_page:
            su = ServiceUser.objects.get(user__username=username)
            key = receipt_token(su.pk, period)
            if not FeedbackReceipt.objects.filter(token=key).exists():
                receipts.append(FeedbackReceipt(token=key, half_year=period))
    if answers:
        FeedbackAnswer.objects.bulk_create(answers)
        builder.summary.created[FeedbackAnswer._meta.verbose_name_plural] += len(answers)
    if receipts:
        FeedbackReceipt.objects.bulk_create(receipts)
        builder.summary.created[FeedbackReceipt._meta.verbose_name_plural] += len(receipts)


# --- positions --------------------------------------------------------------------------------------------------


def _positions(builder: DemoBuilder) -> None:
    for username, percent in FTE_PERCENT.items():
        builder.ensure(
            Membership,
            {
                "user": builder.users[username],
                "organisation": builder.unit,
                "role": Membership.Role.TRUST_PERSON,
            },
            {"fte_percent": percent},
        )
