"""Individual plans and crisis plans.

Plans: about three in four open cases in active follow-up have one (mostly in use, some drafts, some declined),
one in five intakes a draft, and three in ten ended cases an ended plan. A plan in use has one to three goals
by life area, each with small steps one after another (the earlier ones done or not done, the latest planned or
under way, some overdue), one or two measures in every decision state, revisions every twelve weeks (one in four
has slid past its revision date), progress notes and the owner's comments. Every change to the plan's content
raises its version, and each version is a history row, as ``plans.services`` writes them.

Crisis plans: about two in five users with an open case, mostly confirmed and in use, with contacts, sign-offs
(some for an earlier version), a few archived earlier plans and the odd emergency access by the out-of-hours
clinic.
"""

from __future__ import annotations

import datetime

from bench.generate import words
from bench.generate.cases import weighted
from bench.generate.context import DAY, Case, Ctx
from koordinator.models import Consent, FollowUp
from plans.models import (
    Comment,
    CrisisContact,
    CrisisPlan,
    CrisisSignOff,
    EmergencyAccess,
    Goal,
    Measure,
    Plan,
    PlanRevision,
    ProgressNote,
    Step,
)

PLAN = ("id", "follow_up_id", "status", "declined_on", "declined_reason", "consent_given_on", "consent_given_how",
        "consent_recorded_by_id", "period_from", "period_until", "next_revision_on", "own_words", "resources",
        "needs", "contributions", "how_carried_out", "cooperation", "ended_on", "end_note", "version",
        "created_by_id", "created_at", "updated_at")
GOAL = ("id", "plan_id", "life_area", "text", "in_users_words", "order", "created_by_id", "created_at")
STEP = ("id", "goal_id", "what", "who_kind", "who_organisation_id", "who_person_id", "due_on", "status",
        "how_it_went", "closed_on", "closed_by_id", "suggested_by_user", "accepted", "created_by_id", "created_at")
MEASURE = ("id", "plan_id", "service", "responsible_organisation_id", "responsible_person_id", "extent",
           "period_from", "needs_decision", "decision_status", "applied_on", "decided_on", "appealed_on",
           "decided_by", "created_by_id", "created_at")
REVISION = ("id", "plan_id", "revised_on", "participants", "what_changed", "next_revision_on", "plan_version",
            "created_by_id", "created_at")
PROGRESS_NOTE = ("id", "plan_id", "step_id", "measure_id", "author_id", "text", "created_at")
COMMENT = ("id", "plan_id", "goal_id", "step_id", "author_id", "by_owner", "text", "created_at")
CRISIS_PLAN = ("id", "service_user_id", "status", *CrisisPlan.TEXT_FIELDS, "review_on", "version", "created_by_id",
               "created_at", "updated_at", "archived_at")
CRISIS_CONTACT = ("id", "crisis_plan_id", "order", "name", "role", "phone", "reachable_office", "reachable_evening",
                  "reachable_night", "reachable_weekend", "created_at")
SIGN_OFF = ("id", "crisis_plan_id", "person_id", "name", "role", "by_owner", "how", "signed_on", "plan_version",
            "recorded_by_id", "created_at")
EMERGENCY = ("id", "person_id", "organisation_id", "service_user_id", "reason", "started_at", "expires_at")

PStatus = Plan.Status
SStatus = Step.Status
Decision = Measure.Decision
REVISION_DAYS = 84
PROFILE_STATUS = {"none": Decision.NOT_NEEDED, "flag": Decision.NOT_NEEDED, "applied": Decision.APPLIED,
                  "granted": Decision.GRANTED, "refused": Decision.REFUSED, "appealed": Decision.APPEALED}


def plan_kind(ctx: Ctx, case: Case) -> str | None:
    if case.status == FollowUp.Status.INTAKE:
        return "draft" if ctx.chance(0.2) else None
    if case.status == FollowUp.Status.ENDED:
        return "ended" if ctx.chance(0.3) else None
    if not ctx.chance(0.75):
        return None
    return weighted(ctx, (("active", 83), ("draft", 10), ("declined", 7)))


class PlanBuilder:
    """One plan: its parts are written as they are drawn; its own versions are collected and written at the end."""

    def __init__(self, ctx: Ctx, case: Case, kind: str):
        self.ctx, self.case, self.kind = ctx, case, kind
        self.table = ctx.sink.table(Plan, PLAN)
        self.id = self.table.new_id()
        self.tp = case.tp
        latest = case.ended_on - 2 * DAY if case.ended_on else ctx.ago(2)
        earliest = case.started_on + ctx.between(0, 30) * DAY
        self.created = min(earliest, latest) if kind != "draft" else max(min(earliest, latest), ctx.ago(40))
        self.created = max(self.created, case.started_on)
        self.end = case.ended_on if kind == "ended" else None
        self.until = self.end or ctx.ago(1)  # the last day anything happens
        self.events: list[tuple[datetime.datetime, str, dict]] = []

    def when(self, day: datetime.date) -> datetime.datetime:
        return self.ctx.past(self.ctx.office_time(min(max(day, self.created), self.until)))

    def build(self) -> None:
        ctx, case = self.ctx, self.case
        first = case.first
        texts = {"own_words": ctx.pick(words.OWN_WORDS), "resources": ctx.pick(words.RESOURCES),
                 "needs": ctx.pick(words.NEEDS),
                 "contributions": f"{first}: møter på avtalene. {case.tp.first} koordinerer planen.",
                 "how_carried_out": "Vi møtes hver uke eller annenhver uke.",
                 "cooperation": "Samarbeid med NAV og fastlegen."}
        if self.kind == "declined":
            texts = {"own_words": texts["own_words"]} if ctx.chance(0.4) else {}
        values = {"status": PStatus.DRAFT, **{name: "" for name in Plan.TEXT_FIELDS}, **texts}
        start = self.created
        if self.kind == "declined":
            declined = min(start + ctx.between(0, 7) * DAY, self.until)
            self.event(declined, "Brukeren takket nei til plan", status=PStatus.DECLINED, declined_on=declined,
                       declined_reason=ctx.pick(words.DECLINED))
            self.finish(values)
            return
        active = self.kind in ("active", "ended")
        activated = None
        if active:
            activated = min(start + ctx.between(3, 21) * DAY, self.until)
            self.event(activated, "Planen er tatt i bruk", status=PStatus.ACTIVE, consent_given_on=activated,
                       consent_given_how=ctx.pick((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL)),
                       consent_recorded_by_id=self.tp.id, period_from=activated,
                       period_until=activated + 365 * DAY, next_revision_on=activated + REVISION_DAYS * DAY)
        elif ctx.chance(0.3):
            self.event(start + DAY, "Samtykke til planen registrert", consent_given_on=min(start + DAY, self.until),
                       consent_given_how=Consent.GivenHow.ORAL, consent_recorded_by_id=self.tp.id)
        areas = ctx.rng.sample(sorted(words.GOALS), 1 if self.kind == "draft" else ctx.pick((1, 2, 2, 3)))
        for order, area in enumerate(areas):
            self.goal(order, area, start + order * ctx.between(0, 5) * DAY)
        for _ in range(ctx.pick((1, 1, 2))):
            self.measure(start + ctx.between(0, 10) * DAY)
        if activated is not None:
            self.revisions(activated)
        if self.end is not None:
            self.event(self.end, "Planen er avsluttet", status=PStatus.ENDED, ended_on=self.end,
                       end_note=words.PLAN_ENDED)
        self.finish(values)
        if self.kind != "ended":
            case.plan_id = self.id

    def event(self, day: datetime.date, reason: str, **changes) -> None:
        self.events.append((self.when(day), reason, changes))

    def finish(self, values: dict) -> None:
        """The plan's versions: created as a draft, then one version per change, in the order they happened."""
        created = self.when(self.created)
        row = {name: None for name in PLAN} | values | {
            "id": self.id, "follow_up_id": self.case.id, "declined_reason": "", "consent_given_how": "",
            "end_note": "", "version": 1, "created_by_id": self.tp.id, "created_at": created, "updated_at": created}
        versions = [(tuple(row[name] for name in PLAN), created, self.tp.id, "Plan opprettet")]
        for when, reason, changes in sorted(self.events, key=lambda e: e[0]):
            when = max(when, created)
            row |= changes | {"version": row["version"] + 1, "updated_at": when}
            versions.append((tuple(row[name] for name in PLAN), when, self.tp.id, reason))
        self.table.record(versions)

    # --- the parts

    def who(self, key: str) -> tuple[str, int | None, int | None]:
        ctx = self.ctx
        if key == "user":
            return Step.Who.USER, None, None
        if key == "tp" or key not in ctx.partners:
            return Step.Who.TRUST_PERSON, None, None
        people = ctx.partner_people.get(key)
        if people and ctx.chance(0.4):
            return Step.Who.PERSON, None, ctx.pick(people).id
        return Step.Who.ORGANISATION, ctx.pick(ctx.partners[key]).id, None

    def goal(self, order: int, area: str, day: datetime.date) -> None:
        ctx = self.ctx
        text, *steps = ctx.pick(words.GOALS[area])
        goals = ctx.sink.table(Goal, GOAL)
        goal_id = goals.new_id()
        goals.add((goal_id, self.id, area, text, True, order, self.tp.id, self.when(day)), self.when(day), self.tp.id,
                  "Mål lagt til")
        self.event(day, "Mål lagt til")
        count = 1 if self.kind == "draft" else ctx.between(1, len(steps))
        made = day
        for i, (what, who) in enumerate(steps[:count]):
            made = self.step(goal_id, what, who, made, last=i == count - 1)
        if self.case.login is not None and ctx.chance(0.2):
            comments = ctx.sink.table(Comment, COMMENT)
            when = self.when(day + ctx.between(1, 40) * DAY)
            comments.add((comments.new_id(), self.id, goal_id, None, self.case.login.id, True,
                          ctx.pick(words.COMMENTS), when), when, self.case.login.id, "Kommentar skrevet")

    def step(self, goal_id: int, what: str, who: str, day: datetime.date, *, last: bool) -> datetime.date:
        """One step made on ``day``; returns the day it was closed (the next one is made then)."""
        ctx, table = self.ctx, self.ctx.sink.table(Step, STEP)
        kind, org_id, person_id = self.who(who)
        step_id = table.new_id()
        if last and self.end is None:
            day = max(day, ctx.ago(ctx.between(0, 45)))  # the step being worked on now
        day = min(day, self.until)
        due = day + 28 * DAY
        made = self.when(day)
        values = (step_id, goal_id, what, kind, org_id, person_id, due, SStatus.PLANNED, "", None, None, False, True,
                  self.tp.id, made)
        versions = [(values, made, self.tp.id, "Delmål lagt til")]
        self.event(day, "Delmål lagt til")
        closed = None
        if not last or self.end is not None:
            closed = min(day + ctx.between(7, 50) * DAY, self.until)
            if last:
                status, how = SStatus.DROPPED, "Lagt bort da planen ble avsluttet."
            elif ctx.chance(0.8):
                status, how = SStatus.DONE, ctx.pick(words.HOW_DONE)
            else:
                status, how = SStatus.NOT_DONE, ctx.pick(words.HOW_NOT_DONE)
            values = table.version(values, status=status, how_it_went=how, closed_on=closed, closed_by_id=self.tp.id,
                                   due_on=min(due, closed + ctx.between(-3, 3) * DAY))
            versions.append((values, self.when(closed), self.tp.id, f"Delmål avsluttet: {SStatus(status).label}"))
            self.event(closed, "Delmål avsluttet")
        elif ctx.chance(0.4):
            values = table.version(values, status=SStatus.IN_PROGRESS)
            versions.append((values, self.when(day + ctx.between(1, 10) * DAY), self.tp.id, "Delmål endret"))
            self.event(day + DAY, "Delmål endret")
        table.record(versions)
        self.case.steps.append((step_id, day, closed))
        if self.kind == "active" and ctx.chance(0.25):
            notes = ctx.sink.table(ProgressNote, PROGRESS_NOTE)
            when = self.when(day + ctx.between(1, 20) * DAY)
            notes.add((notes.new_id(), self.id, step_id, None, self.tp.id, ctx.pick(words.PROGRESS_NOTES), when), when,
                      self.tp.id, "Framdriftsnotat skrevet")
        if last and self.kind == "active" and self.case.login is not None and ctx.chance(0.1):
            self.suggestion(goal_id)
        return closed or day

    def suggestion(self, goal_id: int) -> None:
        """The owner's proposal of a step, not answered yet."""
        table = self.ctx.sink.table(Step, STEP)
        when = self.ctx.past(self.ctx.office_time(self.ctx.ago(self.ctx.between(1, 10))))
        owner = self.case.login.id
        table.add((table.new_id(), goal_id, "Gå på svømming en gang i uka", Step.Who.USER, None, None,
                   self.ctx.today + 28 * DAY, SStatus.PLANNED, "", None, None, True, False, owner, when), when, owner,
                  "Forslag til delmål")

    def measure(self, day: datetime.date) -> None:
        ctx = self.ctx
        table = ctx.sink.table(Measure, MEASURE)
        key, service, extent, profiles = ctx.pick(words.MEASURES)
        org = self.case.unit if key == "unit" else ctx.pick(ctx.partners[key])
        person = ctx.pick(ctx.partner_people[key]).id if key in ctx.partner_people and ctx.chance(0.3) else None
        profile = "none" if self.kind == "draft" else ctx.pick(profiles)
        day = min(day, self.until)
        made = self.when(day)
        values = (table.new_id(), self.id, service, org.id, person, extent, day, profile != "none",
                  Decision.NOT_NEEDED, None, None, None, org.name if profile != "none" else "", self.tp.id, made)
        versions = [(values, made, self.tp.id, "Tiltak lagt til")]
        self.event(day, "Tiltak lagt til")
        status = PROFILE_STATUS[profile]
        if status != Decision.NOT_NEEDED:
            applied = min(day + ctx.between(0, 10) * DAY, self.until)
            values = table.version(values, decision_status=Decision.APPLIED, applied_on=applied)
            versions.append((values, self.when(applied), self.tp.id, "Tiltak endret"))
            decided = applied + ctx.between(10, 40) * DAY
            if status != Decision.APPLIED and decided <= self.until:
                outcome = Decision.GRANTED if status == Decision.GRANTED else Decision.REFUSED
                values = table.version(values, decision_status=outcome, decided_on=decided)
                versions.append((values, self.when(decided), self.tp.id, "Tiltak endret"))
                appealed = decided + ctx.between(3, 14) * DAY
                if status == Decision.APPEALED and appealed <= self.until:
                    values = table.version(values, decision_status=Decision.APPEALED, appealed_on=appealed)
                    versions.append((values, self.when(appealed), self.tp.id, "Tiltak endret"))
        table.record(versions)

    def revisions(self, activated: datetime.date) -> None:
        ctx = self.ctx
        count = min((self.until - activated).days // REVISION_DAYS, 8)
        if count and self.end is None and ctx.chance(0.25):
            count -= 1  # slid past its revision date
        table = ctx.sink.table(PlanRevision, REVISION)
        revised = activated
        for _ in range(count):
            revised = revised + REVISION_DAYS * DAY + ctx.between(-5, 5) * DAY
            revised = min(revised, self.until)
            next_on = revised + REVISION_DAYS * DAY
            when = self.when(revised)
            # The version the plan has after this revision: written once the plan's events are numbered.
            self.event(revised, "Planen er revidert", next_revision_on=next_on)
            version = 1 + sum(1 for w, *_ in self.events if w <= when)
            table.add((table.new_id(), self.id, revised, f"{self.case.name}, {self.tp.name} (tillitsperson)",
                       "Gikk gjennom delmålene. Noen er gjort, noen tar lengre tid.", next_on, version, self.tp.id,
                       when), when, self.tp.id, "Revisjon registrert")


def plans(ctx: Ctx, case: Case) -> None:
    kind = plan_kind(ctx, case)
    if kind is not None:
        PlanBuilder(ctx, case, kind).build()


# --- crisis plans ---------------------------------------------------------------------------------------------


def crisis_plans(ctx: Ctx, case: Case) -> None:
    if not case.is_open or not ctx.chance(0.42):
        return
    if ctx.chance(0.08):
        crisis_plan(ctx, case, archived=True)
    crisis_plan(ctx, case, archived=False)


def crisis_plan(ctx: Ctx, case: Case, *, archived: bool) -> None:
    table = ctx.sink.table(CrisisPlan, CRISIS_PLAN)
    plan_id = table.new_id()
    tp = case.tp
    day = max(case.started_on, ctx.ago(700)) + ctx.between(5, 60) * DAY
    day = min(day, ctx.ago(3 if not archived else 200))
    created = ctx.past(ctx.office_time(day))
    texts = tuple(ctx.pick(words.CRISIS_TEXTS[name]) if name in words.CRISIS_TEXTS and ctx.chance(0.8) else ""
                  for name in CrisisPlan.TEXT_FIELDS)
    values = (plan_id, case.su_id, CrisisPlan.Status.DRAFT, *texts, None, 1, tp.id, created, created, None)
    versions = [(values, created, tp.id, "Kriseplan opprettet")]
    contacts = ctx.sink.table(CrisisContact, CRISIS_CONTACT)
    for order in range(ctx.between(1, 3)):
        name, role = [(f"{ctx.pick(words.FIRST_NAMES)} {case.last}", "søster"), (tp.name, "tillitsperson"),
                      ("Fastlegen", "fastlege"), ("Akutteamet", "DPS-akutteam")][order + ctx.between(0, 1)]
        contacts.add((contacts.new_id(), plan_id, order, name, role, f"+4791{ctx.between(0, 999999):06d}",
                      True, ctx.chance(0.5), ctx.chance(0.2), ctx.chance(0.4), created), created, tp.id,
                     "Kontakt lagt til")
    version = 1 + ctx.between(0, 3)
    for v in range(2, version + 1):
        when = ctx.past(created + v * DAY)
        values = table.version(values, version=v, updated_at=when)
        versions.append((values, when, tp.id, "Kriseplanen er endret"))
    if archived or ctx.chance(0.8):
        signed = min(day + ctx.between(4, 20) * DAY, ctx.ago(1))
        when = ctx.past(ctx.office_time(signed))
        values = table.version(values, status=CrisisPlan.Status.ACTIVE, review_on=signed + 180 * DAY,
                               updated_at=max(when, values[table.index["updated_at"]]))
        versions.append((values, when, tp.id, "Kriseplanen er tatt i bruk: brukeren har bekreftet den"))
        sign_offs(ctx, case, plan_id, signed, version)
    if archived:
        gone = ctx.past(ctx.office_time(ctx.ago(ctx.between(30, 150))))
        values = table.version(values, status=CrisisPlan.Status.ARCHIVED, archived_at=gone, updated_at=gone)
        versions.append((values, gone, tp.id, "Kriseplanen er arkivert"))
    table.record(versions)
    if not archived:
        case.crisis_plan_id = plan_id
        emergency = ctx.partner_people.get("emergency")
        if emergency and ctx.chance(0.01):
            person = ctx.pick(emergency)
            started = ctx.past(ctx.at(ctx.ago(ctx.between(2, 300)), 23))
            access = ctx.sink.table(EmergencyAccess, EMERGENCY)
            access.add((access.new_id(), person.id, ctx.partners["emergency"][0].id, case.su_id,
                        "Innlagt på legevakten, trenger å vite hvem vi skal ringe.", started,
                        started + 12 * datetime.timedelta(hours=1)), started, person.id, "Nødtilgang")


def sign_offs(ctx: Ctx, case: Case, plan_id: int, signed: datetime.date, version: int) -> None:
    table = ctx.sink.table(CrisisSignOff, SIGN_OFF)
    HOW = CrisisSignOff.How
    signed_version = version if ctx.chance(0.75) else max(1, version - 1)
    when = ctx.past(ctx.office_time(signed))
    tp = case.tp
    owner_how = HOW.PORTAL if case.login is not None else HOW.PAPER
    rows = [(tp.id, tp.name, "Tillitsperson", False, HOW.APP, tp.id),
            (case.login.id if case.login else None, case.name, "", True, owner_how,
             case.login.id if case.login else tp.id)]
    partner = next((g.person for g in case.grants if g.person and g.in_force and "crisis_plan" in g.scopes), None)
    if partner is not None:
        rows.append((partner.id, partner.name, "Samarbeidspartner", False, HOW.APP, partner.id))
    for person_id, name, role, by_owner, how, recorder in rows:
        table.add((table.new_id(), plan_id, person_id, name, role, by_owner, how, signed, signed_version, recorder,
                   when), when, recorder, "Kriseplanen er bekreftet")
