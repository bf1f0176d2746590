"""The plans of the generated cases, and which cases get one: each plan's texts, goals, steps and measures
drawn from its case's own seeded generator, the kind of plan each chosen case gets (``_kinds``), and
``scripts``: every plan to make, the owners' first, until two thirds of the open cases have a plan.
"""

from __future__ import annotations

import random

from demo.core import DemoBuilder
from demo.plans.owners import OWNER_SCRIPTS
from demo.plans.section import Section
from demo.plans.shapes import (
    Decision,
    GoalScript,
    MeasureScript,
    PlanScript,
    RevisionScript,
    StepScript,
    StepStatus,
)
from demo.plans.words import (
    DECLINED,
    ENDED,
    GOALS,
    HOW_DONE,
    HOW_NOT_DONE,
    MEASURES,
    NEEDS,
    ORG,
    OWN_WORDS,
    PARTNER_MEASURES,
    PARTNER_NOTES,
    RESOURCES,
    STAFF_NOTES,
    TP,
    TRONDHEIM_ONLY,
)
from demo.sign_in import links_at_first_log_in
from koordinator.models import Consent, FollowUp, Organisation

SHARE_WITH_PLAN = 2 / 3


def _texts(rng: random.Random, case: FollowUp, orgs: list[Organisation]) -> dict:
    first = case.service_user.first_name
    tp = case.trust_person.first_name
    others = ", ".join(sorted({o.name for o in orgs if o.pk != case.unit_id}))
    return {
        "own_words": rng.choice(OWN_WORDS),
        "resources": rng.choice(RESOURCES),
        "needs": rng.choice(NEEDS),
        "contributions": f"{first}: møter på avtalene og sier fra hvis noe ikke passer. {tp} (tillitsperson): "
        f"koordinerer planen og hjelper med søknader.",
        "how_carried_out": f"Vi møtes hver uke eller annenhver uke. Planen gås gjennom hver tredje måned, eller "
        f"oftere hvis {first} vil.",
        "cooperation": f"Samarbeid med {others}." if others else "Ingen andre tjenester er med ennå.",
    }


def _steps(
    rng: random.Random,
    case: FollowUp,
    steps: list[tuple[str, str, str]],
    *,
    start: int,
    kind: str,
    stall: int | None = None,
    ended: int | None = None,
) -> list[StepScript]:
    """A goal's steps one after another from ``start``: each made the day the one before was closed.

    All but the last are closed (mostly done, some not) on days spread between ``start`` and the last day things
    happened: yesterday, ``stall`` for a plan that slid after its revision, or the day before ``ended``. The last
    is the step being worked on: due soon (now and then a few days late) in a plan in use, long overdue in one
    that slid, and dropped the day before the end in one that ended.
    """
    malvik = case.municipality.number != "5001"
    tp = case.trust_person.first_name
    latest = ended + 1 if ended is not None else stall if stall is not None else 1
    count = min(rng.randint(1, len(steps)), max(start - latest, 1))
    closes = sorted(rng.sample(range(latest + 1, start), count - 1), reverse=True) if count > 1 else []
    made = []
    created = start
    for i, (what, who, org) in enumerate(steps[:count]):
        if who == ORG and malvik:
            who, org = TP, ""  # Trondheim's services do not work in Malvik: the trust person does it
        step = StepScript(what.format(tp=tp), created, 0, who=who, org=org)
        made.append(step)
        if i < len(closes):
            step.closed = closes[i]
            step.due = min(step.closed + rng.randint(-2, 3), created - 1)
            if rng.random() < 0.8:
                step.status, step.how = StepStatus.DONE, rng.choice((*HOW_DONE, ""))
            else:
                step.status, step.how = StepStatus.NOT_DONE, rng.choice(HOW_NOT_DONE)
            created = step.closed
        elif ended is not None:
            step.due = min(ended + rng.randint(0, 10), created - 1)
            step.status, step.closed = StepStatus.DROPPED, ended + 1
            step.how = "Lagt bort da planen ble avsluttet."
        else:
            if kind == "slid":
                step.due = created - rng.randint(10, 24)
            else:
                step.due = min(rng.randint(-25, 4), created - 1)  # mostly ahead, now and then a few days late
            if rng.random() < 0.4:
                step.status = StepStatus.IN_PROGRESS
    return made


def _measures(
    rng: random.Random, case: FollowUp, areas: list[str], *, start: int, kind: str, floor: int = 1
) -> list[MeasureScript]:
    """One or two measures that fit the plan's life areas, each in a decision state drawn from its profiles.

    ``floor``: the most recent day anything may happen (the day before a plan ends).
    """
    malvik = case.municipality.number != "5001"
    first = case.service_user.first_name
    fitting = [m for m in MEASURES if (not m[3] or m[3] in areas) and not (malvik and m[0] in TRONDHEIM_ONLY)]
    made = []
    for org, service, extent, _area, profiles, decided_by in rng.sample(
        fitting, min(len(fitting), rng.randint(1, 2))
    ):
        created = start if kind == "draft" else start - rng.randint(0, min(start - floor, 20))
        measure = MeasureScript(service, org, created, extent, decided_by=decided_by)
        profile = "none" if kind == "draft" else rng.choice(profiles)
        measure.needs_decision = profile != "none"
        if profile in ("applied", "granted", "refused", "appealed"):
            measure.applied = created
        if profile in ("granted", "refused", "appealed"):
            decided = created - rng.randint(10, 40)
            if decided >= floor:
                measure.decided = decided
                measure.outcome = Decision.GRANTED if profile == "granted" else Decision.REFUSED
                appealed = decided - rng.randint(3, 14)
                if profile == "appealed" and appealed >= floor:
                    measure.appealed = appealed
        if kind in ("active", "slid") and created > 2 and rng.random() < 0.35:
            measure.notes.append(
                (rng.randint(1, created - 1), "", rng.choice(STAFF_NOTES).format(first=first))
            )
        made.append(measure)
    return made


def _generated(section: Section, case: FollowUp, kind: str) -> PlanScript:
    """A plan for one of the generated cases, drawn from its own seeded generator."""
    su = case.service_user
    rng = section.builder.plan_rng(f"plan:{_key(case)}")
    first = su.first_name
    partner = section.plan_partner(case) if kind in ("active", "slid") else None
    n_goals = {"draft": rng.randint(1, 2), "declined": 0}.get(kind, rng.choice((2, 2, 3)))
    areas = rng.sample(sorted(GOALS), n_goals)

    if kind == "declined":
        created = rng.randint(10, 150)
        return PlanScript(
            case=case,
            kind=kind,
            created=created,
            texts={"own_words": rng.choice(OWN_WORDS)} if rng.random() < 0.4 else {},
            declined=(created - rng.randint(0, min(7, created - 1)), rng.choice(DECLINED)),
        )
    if kind == "draft":
        created = rng.randint(2, 30)
        goals = []
        for area in areas:
            text, steps = rng.choice(GOALS[area])
            first_step = StepScript(
                steps[0][0].format(tp=case.trust_person.first_name), created, -rng.randint(7, 25)
            )
            goals.append(GoalScript(area, text, [first_step]))
        script = PlanScript(case=case, kind=kind, created=created, goals=goals)
        script.texts = _texts(rng, case, [])
        script.measures = _measures(rng, case, areas, start=created, kind=kind)
        if rng.random() < 0.3:
            script.consent = (created - rng.randint(0, min(3, created - 1)), Consent.GivenHow.ORAL)
        return script

    # In use (active), in use but slid past its revision date (slid), or ended after a while (ended).
    if kind == "slid":
        activated = rng.randint(190, 260)
    elif kind == "ended":
        activated = rng.randint(100, 160)
    else:
        activated = rng.randint(14, 160)
    created = activated + rng.randint(0, 5)
    consent = activated + rng.randint(0, created - activated)
    revisions, ended, stall = [], None, None
    if kind == "slid":
        revised = activated - 84 - rng.randint(0, 15)
        revisions.append(
            RevisionScript(
                revised,
                f"Gikk gjennom delmålene med {first}. Noen er gjort, noen tar lengre tid.",
                f"{su.full_name}, {case.trust_person.display_name} (tillitsperson)",
                revised - 84,
            )
        )
        stall = revised
    elif kind == "active" and activated - 84 >= 1:
        revised = activated - 84
        revisions.append(
            RevisionScript(
                revised,
                "Nye delmål for de neste ukene. Det som er gjort, er krysset av.",
                f"{su.full_name}, {case.trust_person.display_name} (tillitsperson)",
                revised - 84,
            )
        )
    elif kind == "ended":
        ended = rng.randint(max(activated - 80, 15), activated - 20)
    goals = []
    for area in areas:
        text, steps = rng.choice(GOALS[area])
        goals.append(
            GoalScript(
                area, text, _steps(rng, case, steps, start=created, kind=kind, stall=stall, ended=ended)
            )
        )
    measures = _measures(rng, case, areas, start=activated, kind=kind, floor=ended + 1 if ended else 1)
    if partner is not None:
        username, org = partner
        service, extent = PARTNER_MEASURES[org.kind]
        key = next(k for k, o in section.orgs.items() if o.pk == org.pk)
        note_day = rng.randint(1, 9)
        measures.append(
            MeasureScript(
                service,
                key,
                rng.randint(note_day + 1, activated),
                extent,
                person=username,
                notes=[(note_day, username, PARTNER_NOTES[org.kind].format(first=first))],
            )
        )
    orgs = [section.org(m.org, case) for m in measures]
    script = PlanScript(
        case=case,
        kind=kind,
        created=created,
        texts=_texts(rng, case, orgs),
        goals=goals,
        measures=measures,
        consent=(consent, rng.choice((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL))),
        activated=activated,
        period_days=rng.choice((None, 365)),
        next_revision=activated - 84,
        revisions=revisions,
    )
    if ended is not None:
        script.ended = (ended, rng.choice(ENDED).format(first=first))
    return script


def _key(case: FollowUp) -> str:
    """A case's natural key: municipality and name (the core demo finds its people the same way)."""
    su = case.service_user
    return f"{case.municipality.number}:{su.first_name} {su.last_name}"


def _kinds(builder: DemoBuilder, cases: list[FollowUp]) -> list[str]:
    """What kind of plan each chosen case gets; at least two that slid and one ended, whatever the draw.

    Each case draws from its own generator, so a change to one case (a demo user ends it) changes no other.
    """
    Status = FollowUp.Status
    weights = {
        Status.INTAKE: {"draft": 3, "declined": 1},
        Status.DORMANT: {"declined": 1, "ended": 1, "slid": 1},
        Status.ACTIVE: {"active": 14, "slid": 3, "draft": 2, "declined": 2},
    }
    kinds = []
    for case in cases:
        options = weights[case.status]
        rng = builder.plan_rng(f"plan-kind:{_key(case)}")
        kinds.append(rng.choices(list(options), weights=list(options.values()))[0])
    for wanted, count, allowed in (("slid", 2, Status.ACTIVE), ("ended", 1, Status.DORMANT)):
        for i, case in enumerate(cases):
            if kinds.count(wanted) >= count:
                break
            if kinds[i] in ("active", "declined") and case.status == allowed:
                kinds[i] = wanted
    return kinds


def scripts(section: Section) -> list[PlanScript]:
    """Every plan to make: the owners' with a log-in, then two thirds of the open cases in all (natural order)."""
    builder = section.builder
    cases = list(
        FollowUp.objects.filter(municipality__in=[builder.trondheim, builder.malvik])
        .select_related("service_user__user", "trust_person", "unit", "municipality")
        .order_by("municipality__number", "service_user__last_name", "service_user__first_name")
    )
    open_cases = [c for c in cases if c.status != FollowUp.Status.ENDED]
    by_owner = {c.service_user.user.username: c for c in open_cases if c.service_user.user_id}
    made = [
        script(section, by_owner[username])
        for username, script in OWNER_SCRIPTS.items()
        if username in by_owner
    ]
    # The users without a log-in in a fixed shuffled order (drawn from all of them, so a case that is ended or
    # reopened later moves only the tail); the open ones are taken until two thirds of the open cases have a plan.
    # Nina Ås (demo/sign_in.py) is left out before and after her first log-in gives her an account: the same draw.
    pool = [c for c in cases if not c.service_user.user_id and not links_at_first_log_in(c.service_user)]
    builder.plan_rng("plans").shuffle(pool)
    wanted = round(SHARE_WITH_PLAN * len(open_cases)) - len(made)
    chosen = [c for c in pool if c.status != FollowUp.Status.ENDED][: max(wanted, 0)]
    chosen.sort(key=lambda c: (c.municipality.number, c.service_user.last_name, c.service_user.first_name))
    for case, kind in zip(chosen, _kinds(builder, chosen), strict=True):
        made.append(_generated(section, case, kind))
    return made
