"""The service users and their cases: every status (intake, active, dormant, ended; about one in twelve users also
has an earlier case that ended), referrals, endings with an open door, case deputies, next of kin and consents
(most in force, some expired, withdrawn or not yet begun), and how many follow-up log entries each case gets.

A case's history reads as the services write it: registered at intake by the trust person, taken into active
follow-up, paused, ended with a reason. Each user's consents name the municipality's own partner services and
their people, so partners see generated users only.
"""

from __future__ import annotations

from bench.generate import words
from bench.generate.context import DAY, Case, Ctx, Grant, Person
from bench.generate.people import account, phone
from bench.generate.plan import CASELOAD, apportion
from koordinator.models import Consent, FollowUp, NextOfKin, ServiceUser

Status = FollowUp.Status
Reason = FollowUp.EndingReason
Channel = ServiceUser.Channel
Scope = Consent.Scope

SERVICE_USER = ("id", "first_name", "last_name", "birth_date", "municipality_id", "user_id", "phone", "email",
                "preferred_channel", "language", "interpreter_needed", "interpreter_language", "address",
                "postal_code", "city", "archived_at", "created_at")
FOLLOW_UP = ("id", "service_user_id", "municipality_id", "unit_id", "trust_person_id", "deputy_id", "status",
             "started_on", "referral_source", "referral_agency_id", "referral_agency_name", "referral_note",
             "ended_on", "ending_reason", "ending_note", "taken_over_by_id", "taken_over_by_name", "open_door_until")
NEXT_OF_KIN = ("id", "service_user_id", "name", "relation", "kind", "is_guardian", "phone", "note")
CONSENT = ("id", "owner_id", "grantee_user_id", "grantee_organisation_id", "scope_plan", "scope_crisis_plan",
           "scope_meetings", "scope_followup_log", "valid_from", "valid_until", "given_how", "recorded_by_id",
           "created_at", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason")

STATUS_SHARES = {Status.INTAKE: 10, Status.ACTIVE: 55, Status.DORMANT: 13, Status.ENDED: 22}
# How busy a case's log is, per day of its life (an intake is met often, a paused case rarely).
LOG_INTENSITY = {Status.INTAKE: 2.0, Status.ACTIVE: 1.0, Status.DORMANT: 0.6, Status.ENDED: 0.8}
SOURCES = ((FollowUp.ReferralSource.AGENCY, 66), (FollowUp.ReferralSource.OUTREACH, 23),
           (FollowUp.ReferralSource.SELF, 8), (FollowUp.ReferralSource.RELATIVES, 3))
ENDINGS = ((Reason.NO_LONGER_NEEDED, 35), (Reason.HANDED_OVER, 20), (Reason.DROPPED_OUT, 15), (Reason.MOVED, 12),
           (Reason.PRISON, 6), (Reason.DEATH, 2), (Reason.OTHER, 10))
SCOPE_SETS = ((Scope.FOLLOWUP_LOG,), (Scope.CRISIS_PLAN,), (Scope.PLAN, Scope.MEETINGS), (Scope.MEETINGS,),
              tuple(Consent.SCOPE_FIELDS), (Scope.PLAN,), (Scope.FOLLOWUP_LOG, Scope.CRISIS_PLAN),
              (Scope.PLAN, Scope.MEETINGS, Scope.FOLLOWUP_LOG))
ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})  # an e-mail address's local part
CONSENT_STATES = (("valid", 65), ("expiring", 5), ("expired", 12), ("withdrawn", 10), ("future", 3))


def weighted(ctx: Ctx, pairs):
    total = sum(w for _, w in pairs)
    roll = ctx.rng.random() * total
    for value, weight in pairs:
        roll -= weight
        if roll < 0:
            return value
    return pairs[-1][0]


def plan_statuses(ctx: Ctx) -> None:
    """The status of each user's current case, in exact shares (so even a small municipality has every one)."""
    counts = apportion(ctx.plan.service_users, [float(w) for w in STATUS_SHARES.values()])
    statuses = [s for s, n in zip(STATUS_SHARES, counts, strict=True) for _ in range(n)]
    ctx.rng.shuffle(statuses)
    ctx.statuses = statuses


def build(ctx: Ctx) -> None:
    open_count = sum(1 for s in ctx.statuses if s != Status.ENDED)
    loads = even_out(apportion(open_count, [0.6 + 0.8 * ctx.rng.random() for _ in ctx.trust_people]))
    caseload = [p for p, n in zip(ctx.trust_people, loads, strict=True) for _ in range(n)]
    ctx.rng.shuffle(caseload)
    for j, status in enumerate(ctx.statuses):
        tp = caseload.pop() if status != Status.ENDED else ctx.pick(ctx.trust_people)
        person(ctx, j + 1, status, tp)
    weights = []
    for case in ctx.cases:
        last = case.last_contact or ctx.today
        days = max((last - max(case.started_on, ctx.ago(1100))).days, 3)
        weights.append(days * LOG_INTENSITY[case.status] * (0.5 + ctx.rng.random()))
    for case, entries in zip(ctx.cases, apportion(ctx.plan.log_entries, weights), strict=True):
        case.entries = entries


def even_out(loads: list[int]) -> list[int]:
    """Move cases from the fullest caseload to the emptiest until every one is within ``CASELOAD`` (as far as the
    total allows): the drawn shares vary, a leader would not let one drop to five or grow to forty."""
    low, high = CASELOAD
    loads = list(loads)
    while len(loads) > 1:
        small, big = loads.index(min(loads)), loads.index(max(loads))
        if loads[big] - loads[small] <= 1 or (loads[small] >= low and loads[big] <= high):
            break
        loads[big] -= 1
        loads[small] += 1
    return loads


def person(ctx: Ctx, j: int, status: str, tp: Person) -> None:
    """One service user (with a login for about one in eight), their case(s), next of kin and consents."""
    rng = ctx.rng
    first, last = ctx.pick(words.FIRST_NAMES), ctx.pick(words.LAST_NAMES)
    started = start_day(ctx, status)
    earlier = status != Status.ENDED and ctx.chance(0.08)
    first_started = started - ctx.between(250, 900) * DAY if earlier else started
    created = ctx.office_time(first_started)
    login = None
    if ctx.chance(0.12):
        login = account(ctx, f"k{ctx.plan.number}.bruker{j}", "", created)
    roll = rng.random()
    mobile, email, channel = phone(ctx), "", Channel.SMS
    if login is not None and roll < 0.5:
        channel = Channel.IN_APP
    elif roll < 0.13:
        email, channel = f"{first}.{last}.{ctx.plan.number}.{j}@example.com".lower().translate(ASCII), Channel.EMAIL
    elif roll > 0.88:
        mobile, channel = "", Channel.LETTER
    interpreter = ctx.pick(words.INTERPRETER_LANGUAGES) if ctx.chance(0.08) else ""
    street = f"{ctx.pick(words.STREETS)} {ctx.between(1, 120)}"
    postal = f"{ctx.between(1000, 9999)}"
    archived = ctx.past(ctx.at(ctx.today - 30 * DAY, 12)) if status == Status.ENDED and ctx.chance(0.03) else None
    table = ctx.sink.table(ServiceUser, SERVICE_USER)
    su_id = table.new_id()
    values = (su_id, first, last, ctx.ago(ctx.between(18 * 365, 70 * 365)), ctx.municipality_id, None, mobile, email,
              channel, "norsk", bool(interpreter), interpreter, street, postal, ctx.plan.short, None, created)
    versions = [(values, created, tp.id, "Registrert ved inntak")]
    if login is not None:
        values = table.version(values, user_id=login.id)
        versions.append((values, created, tp.id, "Innlogging koblet til"))
    if archived:
        values = table.version(values, archived_at=archived)
        versions.append((values, archived, tp.id, "Arkivert"))
    table.record(versions)
    address = {Channel.SMS: mobile, Channel.EMAIL: email, Channel.IN_APP: "",
               Channel.LETTER: f"{first} {last}\n{street}\n{postal} {ctx.plan.short}"}[channel]
    if earlier:
        ended = started - ctx.between(10, 120) * DAY
        old = case(ctx, su_id, first, last, login, channel, address, Status.ENDED, ctx.pick(ctx.trust_people),
                   first_started, ended)
        ctx.cases.append(old)
    current = case(ctx, su_id, first, last, login, channel, address, status, tp, started, None)
    ctx.cases.append(current)
    next_of_kin(ctx, su_id, last, tp)
    consents(ctx, current)


def start_day(ctx: Ctx, status: str):
    if status == Status.INTAKE:
        return ctx.ago(ctx.between(1, 30))
    if status == Status.ENDED:
        return ctx.ago(ctx.between(120, 1400))
    return ctx.ago(30 + int(ctx.rng.random() ** 1.5 * 970))


def case(ctx: Ctx, su_id: int, first: str, last: str, login: Person | None, channel: str, address: str,
         status: str, tp: Person, started, ended) -> Case:
    table = ctx.sink.table(FollowUp, FOLLOW_UP)
    unit = ctx.unit_of[tp.id]
    own_deputy = None
    colleagues = [p for p in ctx.trust_people if p is not tp and ctx.unit_of[p.id] is unit]
    if colleagues and ctx.chance(0.15):
        own_deputy = ctx.pick(colleagues)
    c = Case(id=table.new_id(), su_id=su_id, first=first, last=last, login=login, channel=channel, address=address,
             unit=unit, tp=tp, deputy=own_deputy or ctx.standing.get(tp.id), status=status, started_on=started)
    source = weighted(ctx, SOURCES)
    agency, agency_name, note = None, "", ""
    if source == FollowUp.ReferralSource.AGENCY:
        if ctx.chance(0.85):
            agency = ctx.pick([*ctx.partners["nav"], *ctx.partners["gp"], *ctx.partners["dps"],
                               *ctx.partners["probation"], *ctx.partners["housing"]]).id
        else:
            agency_name = "Legevakten"
        note = "Henvist med ønske om tett oppfølging i en periode."
    elif source == FollowUp.ReferralSource.OUTREACH:
        note = "Møtt på gatekjøkkenet."
    values = (c.id, su_id, ctx.municipality_id, unit.id, tp.id, own_deputy.id if own_deputy else None,
              Status.INTAKE, started, source, agency, agency_name, note, None, "", "", None, "", None)
    created = ctx.office_time(started)
    versions = [(values, created, tp.id, "Inntak")]
    dropped_at_intake = status == Status.ENDED and ctx.chance(0.1)
    if status != Status.INTAKE and not dropped_at_intake:
        activated = started + ctx.between(1, 14) * DAY
        values = table.version(values, status=Status.ACTIVE)
        versions.append((values, ctx.office_time(min(activated, ctx.ago(1))), tp.id, "Status endret til Aktiv"))
    if status == Status.DORMANT:
        paused = ctx.ago(ctx.between(14, 120))
        paused = max(paused, started + 15 * DAY)
        values = table.version(values, status=Status.DORMANT)
        versions.append((values, ctx.office_time(min(paused, ctx.ago(1))), tp.id, "Ønsker en pause fra oppfølgingen."))
        c.last_contact = min(paused, ctx.ago(1))
    elif status == Status.ENDED:
        if ended is None:
            span = max((ctx.ago(1) - started).days, 31)
            ended = started + ctx.between(30, span) * DAY
        ended = min(ended, ctx.ago(1))
        reason = Reason.DROPPED_OUT if dropped_at_intake else weighted(ctx, ENDINGS)
        values = table.version(values, status=Status.ENDED, ended_on=ended, ending_reason=reason,
                               **ending(ctx, reason, ended))
        versions.append((values, ctx.office_time(ended), tp.id,
                         f"Oppfølgingen avsluttet: {FollowUp.EndingReason(reason).label}"))
        c.ended_on = c.last_contact = ended
    else:
        quiet = ctx.chance(0.06)
        c.last_contact = ctx.ago(ctx.between(15, 45) if quiet else ctx.between(1, 6))
        c.last_contact = max(c.last_contact, min(started, ctx.ago(1)))
    table.record(versions)
    return c


def ending(ctx: Ctx, reason: str, ended) -> dict:
    fields: dict = {}
    if reason in (Reason.NO_LONGER_NEEDED, Reason.DROPPED_OUT, Reason.MOVED, Reason.HANDED_OVER):
        fields["open_door_until"] = ended + ctx.pick((90, 180, 365)) * DAY
    if reason == Reason.HANDED_OVER:
        if ctx.chance(0.5):
            fields["taken_over_by_id"] = ctx.partners["dps"][0].id
        else:
            fields["taken_over_by_name"] = "Psykisk helse og rus"
    elif reason == Reason.PRISON:
        fields["taken_over_by_id"] = ctx.partners["probation"][0].id
        fields["open_door_until"] = ended + 540 * DAY
    elif reason == Reason.OTHER:
        fields["ending_note"] = "Brukeren ønsket å prøve på egen hånd, med fastlegen som kontakt."
    return fields


def next_of_kin(ctx: Ctx, su_id: int, last: str, tp: Person) -> None:
    table = ctx.sink.table(NextOfKin, NEXT_OF_KIN)
    for _ in range(ctx.pick((0, 0, 0, 1, 1, 2))):
        restricted = ctx.chance(0.08)
        kind = NextOfKin.Kind.RESTRICTED if restricted else NextOfKin.Kind.SUPPORTIVE
        note = "Skal ikke kontaktes." if restricted else ""
        guardian = not restricted and ctx.chance(0.04)
        relation = "verge" if guardian else ctx.pick(words.KIN_RELATIONS)
        values = (table.new_id(), su_id, f"{ctx.pick(words.FIRST_NAMES)} {last}", relation, kind, guardian,
                  phone(ctx), note)
        table.add(values, ctx.past(ctx.office_time(ctx.ago(ctx.between(10, 600)))), tp.id, "Pårørende lagt til")


def consents(ctx: Ctx, c: Case) -> None:
    """None to three consents for the user, each to a partner service or one of its people."""
    table = ctx.sink.table(Consent, CONSENT)
    taken: set[tuple] = set()
    for _ in range(ctx.pick((0, 1, 1, 1, 2, 2, 2, 3))):
        if ctx.chance(0.6):
            org, grantee = ctx.pick(ctx.partners[ctx.pick(("nav", "gp", "dps", "housing", "user_org", "probation"))]), None
        else:
            org, grantee = None, ctx.pick(ctx.partner_people[ctx.pick(("nav", "gp", "dps", "housing"))])
        key = (org.id if org else None, grantee.id if grantee else None)
        if key in taken:
            continue
        taken.add(key)
        scopes = frozenset(ctx.pick(SCOPE_SETS))
        state = weighted(ctx, CONSENT_STATES)
        start = max(c.started_on, ctx.ago(700))
        if state == "expired":
            valid_until = ctx.ago(ctx.between(5, 60))
            valid_from = valid_until - ctx.between(60, 400) * DAY
        elif state == "future":
            valid_from = ctx.today + ctx.between(3, 30) * DAY
            valid_until = valid_from + 365 * DAY
        else:
            valid_from = start + ctx.between(0, 60) * DAY
            valid_until = max(valid_from + 365 * DAY, ctx.today + ctx.between(30, 300) * DAY)
            if state == "expiring":
                valid_until = ctx.today + ctx.between(1, 25) * DAY
        if state != "future":
            valid_from = min(max(valid_from, c.started_on), ctx.ago(1))
            valid_until = max(valid_until, valid_from)
        created = ctx.office_time(min(valid_from, ctx.ago(1)))
        by_owner = c.login is not None and ctx.chance(0.3)
        recorder = c.login if by_owner else c.tp
        how = Consent.GivenHow.PORTAL if by_owner else ctx.pick((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL))
        values = (table.new_id(), c.su_id, key[1], key[0], Scope.PLAN in scopes, Scope.CRISIS_PLAN in scopes,
                  Scope.MEETINGS in scopes, Scope.FOLLOWUP_LOG in scopes, valid_from, valid_until, how, recorder.id,
                  created, None, None, "")
        versions = [(values, created, recorder.id, "Samtykke gitt")]
        if state == "withdrawn":
            withdrawn = ctx.office_time(ctx.ago(ctx.between(1, max(1, (ctx.today - valid_from).days - 1))))
            values = table.version(values, withdrawn_at=withdrawn, withdrawn_by_id=recorder.id,
                                   withdrawn_reason="Brukeren vil ikke lenger at denne skal se opplysningene.")
            versions.append((values, withdrawn, recorder.id, "Samtykke trukket tilbake"))
        table.record(versions)
        in_force = state != "withdrawn" and valid_from <= ctx.today <= valid_until
        c.grants.append(Grant(grantee, org, scopes, in_force))
