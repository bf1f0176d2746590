"""Which groups are made, and what happens in them: the owners' groups written by hand (``bruker1``,
``bruker3``), the generated ones drawn from each case's own seeded generator (members, meetings,
attendance, minutes' stories, action items), the cover that makes sure every state is shown whatever the
draw, and ``scripts``: every group to make, until about half of the open cases have one. ``case_key`` is a
case's natural key, which the groups' generators (and the play's) are keyed by.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from demo.meetings.section import MeetingsSection
from demo.meetings.shapes import (
    AMENDED,
    APPROVED,
    COORDINATOR,
    CORRECTED,
    DEPUTY,
    DISPUTED,
    DRAFT,
    READY,
    USER,
    Absent,
    Apologies,
    Cancelled,
    Done,
    GroupScript,
    ItemScript,
    MeetingScript,
    MemberScript,
    NotDone,
    Place,
    Present,
)
from demo.meetings.words import (
    AMENDMENTS,
    APOLOGIES,
    CLOSE_NOTES,
    DECISIONS,
    DISAGREEMENTS,
    ITEMS,
    PLACES,
    ROLES,
    SITUATIONS,
    USER_POINTS,
    USER_WORDS,
)
from demo.sign_in import links_at_first_log_in
from koordinator.models import Consent, FollowUp

SHARE_WITH_GROUP = 0.5
# Seeding time grows with every service call: a generated group keeps its latest two or three past meetings.
MAX_PAST_MEETINGS = 3


def case_key(case: FollowUp) -> str:
    """A case's natural key: municipality and name (as the core and the plans' demo find their people)."""
    su = case.service_user
    return f"{case.municipality.number}:{su.first_name} {su.last_name}"


# --- the scripts ----------------------------------------------------------------------------------------------


def _weekday(section: MeetingsSection, ago: int) -> int:
    """``ago`` moved off a weekend: back to Friday for a past day, on to Monday for a day ahead."""
    weekday = section.day(ago).weekday()
    if weekday < 5:
        return ago
    return ago + (weekday - 4) if ago > 0 else ago - (7 - weekday)


def _bruker1(section: MeetingsSection, case: FollowUp) -> GroupScript:
    """Kari Nordmann: three months of meetings with tillit1 (chair) and nav1 from NAV Lerkendal."""
    nav = next((since for key, _org, since in section.consented(case) if key == "nav1"), None)
    members = [MemberScript("nav1", "veileder i NAV", min(95, nav), "nav")] if nav is not None else []
    m1, m2, m3, m4 = (_weekday(section, ago) for ago in (90, 62, 27, 6))
    everyone = {USER: (Present, ""), COORDINATOR: (Present, ""), "nav1": (Present, "")}
    first = MeetingScript(
        m1,
        10,
        Place.OFFICE,
        scheduled=m1 + 5,
        attendance=everyone,
        minutes=APPROVED,
        ready=m1 - 1,
        response=(m1 - 2, ""),
        texts={
            "situation": "Kari bor hos søsteren sin, Eva, og har klaget på avslaget på kommunal bolig. Hun har "
            "ikke drukket siden juni.",
            "user_words": "Jeg vil ha et sted å bo som er mitt eget. Og jeg vil slippe å fortelle alt på nytt til "
            "hver og en.",
            "decisions": "Vi møtes hver fjerde til sjette uke. Sigrid kaller inn og skriver referatet. Per ser på "
            "om Kari kan få arbeidstrening.",
        },
        items=[
            ItemScript(
                "Samle regningene og brevene i én mappe",
                USER,
                m1 - 10,
                (m1 - 8, Done, "Ferdig! Mappa ligger hos Sigrid."),
            ),
            ItemScript(
                "Kalle inn Kari til samtale om arbeidstrening",
                "nav1",
                m1 - 20,
                (m1 - 24, Done, "Samtale holdt. Vi snakket om arbeidstrening på Fretex."),
            ),
            ItemScript(
                "Purre på svaret på klagen på boligen",
                COORDINATOR,
                m1 - 30,
                (m1 - 27, Done, "Boligkontoret sier at klagen er til behandling."),
            ),
        ],
        reads=[(m1 - 2, "nav1")],
    )
    second = MeetingScript(
        m2,
        10,
        Place.OFFICE,
        scheduled=m2 + 12,
        attendance=everyone,
        minutes=AMENDED,
        ready=m2 - 1,
        response=(m2 - 2, ""),
        amended=(
            m2 - 7,
            "Per Olsen i NAV ba om at det står «arbeidsforberedende trening», ikke «arbeidspraksis».",
            "Rettelse: NAV vurderer arbeidsforberedende trening, ikke arbeidspraksis.",
        ),
        texts={
            "situation": "Kari har vært på turgruppa med Sigrid og var glad etterpå. Hun vet nå hvor mye hun "
            "skylder, og det er ikke umulig. Planen ble revidert i dag.",
            "user_words": "Jeg vil gjerne jobbe litt. Ikke mye, men noe.",
            "decisions": "Per sender Kari søknadsskjemaet for arbeidspraksis. Kari bestiller time til kontroll hos "
            "tannlegen.",
        },
        items=[
            ItemScript(
                "Sende Kari søknadsskjemaet for arbeidsforberedende trening",
                "nav1",
                m2 - 20,
                (m2 - 25, Done, "Sendt. Kari fyller det ut sammen med Sigrid."),
            ),
            ItemScript(
                "Bestille time hos tannlegen til kontroll",
                USER,
                m2 - 30,
                (m2 - 32, NotDone, "Glemte det. Vi tar det på neste møte."),
            ),
        ],
        proposals=[(m2 + 3, USER, "Jeg vil snakke om jobb")],
        comments=[(m2 - 1, "nav1", "Takk for et godt møte. Jeg sender skjemaet i posten i dag.")],
        reads=[(m2 - 1, "nav1")],
    )
    third = MeetingScript(
        m3,
        13,
        Place.PARTNER,
        "NAV Lerkendal, møterom 2",
        scheduled=m3 + 20,
        attendance=everyone,
        minutes=CORRECTED,
        ready=m3 - 1,
        response=(
            m3 - 2,
            "Det står at jeg ikke ville gå på turgruppa. Jeg sa at jeg ikke orket å gå dit alene.",
        ),
        amended=(
            m3 - 3,
            "Rettet det Kari sa om turgruppa.",
            "Kari vil gjerne gå på turgruppa, men ikke alene. Sigrid blir med de første gangene.",
        ),
        texts={
            "situation": "Kari har søkt om arbeidsforberedende trening og venter på svar. Klagen på boligen er "
            "ikke avgjort. Hun har vært hos tannlegen.",
            "user_words": "Jeg gruer meg til svaret fra boligkontoret. Jeg vil ikke gå på turgruppa.",
            "decisions": "Per gir svar på søknaden så snart den er behandlet. Kari ringer boligkontoret selv.",
        },
        items=[
            ItemScript("Gi Kari svar på søknaden om arbeidsforberedende trening", "nav1", m3 - 18),
            ItemScript(
                "Ringe boligkontoret og spørre hvordan det går med klagen",
                USER,
                m3 - 24,
                (m3 - 25, Done, "Det gikk fint! De sier jeg får svar i løpet av en måned."),
            ),
            ItemScript("Sende søknad om bostøtte sammen med Kari", COORDINATOR, m3 - 29),
        ],
        reads=[(m3 - 4, "nav1")],
    )
    fourth = MeetingScript(
        m4,
        10,
        Place.USER_HOME,
        scheduled=m4 + 21,
        attendance={
            USER: (Present, ""),
            COORDINATOR: (Present, ""),
            "nav1": (Apologies, "Per er på kurs. Han svarer på søknaden så snart han kan."),
        },
        minutes=READY,
        ready=m4 - 1,
        texts={
            "situation": "Kari venter fortsatt på svar fra NAV om arbeidstreningen. Hun har ringt boligkontoret "
            "selv, og svaret på klagen kommer i løpet av en måned.",
            "user_words": "Det er slitsomt å vente. Men jeg ringte boligkontoret selv, og det gikk fint.",
            "decisions": "Sigrid purrer på NAV. Neste møte er hjemme hos Kari.",
        },
        items=[
            ItemScript("Purre på svaret fra NAV om arbeidstreningen", COORDINATOR, m4 - 7),
            ItemScript("Skrive ned spørsmålene til neste møte", USER, m4 - 8),
        ],
        proposals=[(m4 + 2, USER, "Jeg vil snakke om arbeidstreningen. Jeg venter på svar.")],
    )
    ahead = _weekday(section, -4)
    nxt = MeetingScript(
        ahead,
        12,
        Place.USER_HOME,
        scheduled=m4 - 1,
        note="Vi går gjennom det som står igjen fra sist.",
        proposals=[(2, USER, "Jeg vil snakke om å flytte nærmere Eva")],
    )
    return GroupScript(case, max(96, m1 + 6), members, [first, second, third, fourth, nxt])


def _bruker3(section: MeetingsSection, case: FollowUp) -> GroupScript:
    """Lise Berg, just taken in: she chairs her own new group and scheduled the first meeting herself."""
    age = (section.today - case.started_on).days
    created = max(2, min(age, 4))
    first = MeetingScript(
        _weekday(section, -9),
        12,
        Place.OFFICE,
        scheduled=max(created - 1, 1),
        note="Første møte. Vi blir kjent og snakker om hva jeg trenger hjelp til.",
        proposals=[(1, USER, "Jeg vil at vi snakker om hvordan jeg kan sove bedre")],
    )
    return GroupScript(case, created, meetings=[first], chair_by_user=created)


def _attendance(
    rng: random.Random, members: list[MemberScript], ago: int, no_show: str, first_for: set[str]
) -> dict[str, tuple[str, str]]:
    """Who came to the meeting ``ago`` days ago, of the members who had joined by then."""
    found = {COORDINATOR: (Present, "")}
    status = rng.choices((Present, Apologies, Absent), weights=(16, 3, 1))[0]
    found[USER] = (status, rng.choice(APOLOGIES[USER]) if status == Apologies else "")
    for member in members:
        if member.added <= ago:
            continue
        if member.key == no_show:
            # Came to its first meeting in the group, and not since.
            weights = (1, 0, 0) if member.key not in first_for else (0, 2, 3)
            first_for.add(member.key)
            status = rng.choices((Present, Apologies, Absent), weights=weights)[0]
            message = rng.choice(APOLOGIES["service"]) if status == Apologies else ""
        elif member.role == "stedfortreder":
            status = rng.choice((Present, Apologies))
            message = rng.choice(APOLOGIES[DEPUTY]) if status == Apologies else ""
        else:
            status = rng.choices((Present, Apologies, Absent), weights=(15, 4, 1))[0]
            message = rng.choice(APOLOGIES["partner"]) if status == Apologies else ""
        found[member.key] = (status, message)
    return found


def _items(
    section: MeetingsSection,
    rng: random.Random,
    script: GroupScript,
    ago: int,
    *,
    last: bool,
    used: set[str],
    no_show: str,
) -> list[ItemScript]:
    """One to three things to do, decided at the meeting ``ago`` days ago; closed around their due date, mostly."""
    who = [(USER, USER), (COORDINATOR, COORDINATOR)]
    for member in script.members:
        if member.added > ago:
            kind = DEPUTY if member.role == "stedfortreder" else section.orgs[member.organisation].kind
            who.append((member.key, kind))
    made = []
    # The service that often does not turn up gets something to do at every meeting, and seldom does it.
    picks = [w for w in who if w[0] == no_show] + [
        rng.choice(who) for _ in range(rng.choice((1, 1, 2, 2, 3)))
    ]
    for key, kind in picks[:3]:
        options = [w for w in ITEMS.get(kind, ITEMS[COORDINATOR]) if w not in used]
        if not options:
            continue
        what = rng.choice(options)
        used.add(what)
        due = ago - rng.randint(10, 35)
        item = ItemScript(what, key, due)
        low, high = max(due - 4, 1), ago - 1
        closes = key != no_show and low <= high and rng.random() < (0.5 if last else 0.85)
        if closes:
            status = rng.choices((Done, NotDone, Cancelled), weights=(8, 2, 1))[0] if not last else Done
            item.closed = (rng.randint(low, high), status, rng.choice(CLOSE_NOTES[status]))
        made.append(item)
    return made


def _minutes_story(rng: random.Random, ms: MeetingScript, story: str) -> None:
    ms.minutes = story
    if story == DRAFT:
        ms.texts.pop("decisions", None)
        return
    ms.ready = max(ms.ago - rng.randint(0, 2), 1)
    if story == READY:
        return
    response = max(ms.ready - rng.randint(0, 3), 1)
    ms.response = (response, rng.choice(DISAGREEMENTS) if story in (DISPUTED, CORRECTED) else "")
    if story in (AMENDED, CORRECTED):
        reason, added = rng.choice(AMENDMENTS)
        if story == CORRECTED:
            reason, added = "Rettet etter det {first} skrev.", "Rettelse etter innspill fra {first}."
        ms.amended = (max(response - rng.randint(1, 6), 1), reason, added)


def _generated(section: MeetingsSection, case: FollowUp, kind: str, no_show: str) -> GroupScript:
    """A group for one of the generated cases (or bruker4), drawn from the case's own generator."""
    rng = section.builder.plan_rng(f"meetings:{case_key(case)}")
    age = (section.today - case.started_on).days
    if kind == "new":
        created = max(1, min(age - 1, rng.randint(3, 10)))
    else:
        created = max(30, min(age - 2, rng.randint(100, 210)))
    script = GroupScript(case, created)
    consented = section.consented(case)

    def place() -> tuple[str, str]:
        where = rng.choices((Place.USER_HOME, Place.OFFICE, Place.OTHER, Place.VIDEO), weights=(5, 5, 1, 1))[
            0
        ]
        return where, rng.choice(PLACES[where]) if where in PLACES else ""

    agos, stop = [], 3
    if kind == "new":
        where, detail = place()
        first = MeetingScript(
            _weekday(section, -rng.randint(4, 16)),
            rng.choice((10, 12, 13)),
            where,
            detail,
            scheduled=max(1, created - rng.randint(0, 2)),
        )
        script.meetings.append(first)
    else:
        if kind in ("paused", "closed"):
            reason = (
                "{first} ønsker en pause fra oppfølgingen. Vi tar opp igjen gruppen når {first} vil."
                if kind == "paused"
                else "{first} ville ikke ha flere møter. Vi følger opp to og to i stedet."
            )
            script.status = (rng.randint(10, 40), kind, reason)
            stop = script.status[0] + 3
        # A group with the service that often does not turn up meets every few weeks: the leader's figures need
        # meetings. The latest meetings are kept; the group was made a week or two before the first of them.
        often = any(key == no_show for key, _org, _since in consented)
        spacing, most = ((14, 21), 6) if often else ((35, 63), MAX_PAST_MEETINGS)
        ago = _weekday(section, created - rng.randint(7, 14))
        while ago >= stop:
            agos.append(ago)
            ago = _weekday(section, ago - rng.randint(*spacing))
        agos = agos[-most:]
        if agos:
            script.created = min(created, agos[0] + rng.randint(7, 14))
        else:  # a young group: one meeting all the same
            agos.append(max(stop, _weekday(section, created - 1)))
            script.created = max(created, agos[0] + 1)
    created = script.created
    deputy = case.deputy
    if deputy is not None and kind != "new" and rng.random() < 0.4:
        script.members.append(MemberScript(deputy.username, "stedfortreder", created))
    for key, org, since in consented:
        role = ROLES.get(section.orgs[org].kind, "samarbeidspartner") if org else "samarbeidspartner"
        script.members.append(MemberScript(key, role, max(1, min(created - rng.randint(0, 14), since)), org))
    partners = [m.key for m in script.members if m.key not in section.orgs and m.role != "stedfortreder"]
    if kind == "new":
        return script
    used: set[str] = set()
    first_for: set[str] = set()
    for i, ago in enumerate(agos):
        last = i == len(agos) - 1
        where, detail = place()
        ms = MeetingScript(
            ago, rng.choice((9, 10, 12, 13, 14)), where, detail, scheduled=ago + rng.randint(12, 25)
        )
        # Scheduled after the group was made, and after the meeting before it.
        ms.scheduled = min(ms.scheduled, agos[i - 1] - 1 if i else script.created)
        ms.attendance = _attendance(rng, script.members, ago, no_show, first_for)
        ms.texts = {
            "situation": rng.choice(SITUATIONS),
            "user_words": rng.choice(USER_WORDS),
            "decisions": rng.choice(DECISIONS),
        }
        if kind == "active" and last:
            story = rng.choices((DRAFT, READY, APPROVED, DISPUTED, AMENDED), weights=(2, 3, 3, 1, 1))[0]
        else:
            story = rng.choices((APPROVED, AMENDED, CORRECTED), weights=(7, 2, 1))[0]
        _minutes_story(rng, ms, story)
        ms.items = _items(section, rng, script, ago, last=last, used=used, no_show=no_show)
        if script.status:  # what was still open when the group was paused or closed is no longer relevant
            for item in ms.items:
                note = "Gruppen er satt på pause." if kind == "paused" else "Gruppen er avsluttet."
                item.closed = item.closed or (script.status[0], Cancelled, note)
        if rng.random() < 0.35:
            ms.proposals.append((ago + rng.randint(1, 4), USER, rng.choice(USER_POINTS)))
        joined = [k for k in partners if next(m for m in script.members if m.key == k).added > ago]
        if joined and ms.ready is not None and rng.random() < 0.5:
            ms.reads.append((ms.ready, rng.choice(joined)))
        if joined and ms.ready is not None and rng.random() < 0.2:
            ms.comments.append(
                (ms.ready, rng.choice(joined), "Takk for møtet. Jeg følger opp det jeg lovet.")
            )
        script.meetings.append(ms)
    if kind == "active" and (partners or rng.random() < 0.85):
        where, detail = place()
        ahead = MeetingScript(
            _weekday(section, -rng.randint(2, 35)),
            rng.choice((9, 10, 12, 13)),
            where,
            detail,
            scheduled=max(1, min(agos[-1] - 1, rng.randint(1, 14))),
        )
        if rng.random() < 0.4:
            ahead.proposals.append((rng.randint(1, ahead.scheduled), USER, rng.choice(USER_POINTS)))
        if partners and rng.random() < 0.25:
            ahead.apologies.append(
                (
                    rng.randint(1, ahead.scheduled),
                    rng.choice(partners),
                    rng.choice(APOLOGIES["partner"]),
                    "page",
                )
            )
        script.meetings.append(ahead)
    return script


def _cover(section: MeetingsSection, scripts: list[GroupScript]) -> None:
    """Whatever the draw: minutes in every state, a meeting moved, one cancelled and planned again, apologies with
    the link, a meeting tomorrow chaired by tillit3 (sick today) and one in tillit2's holiday."""
    generated = [
        s for s in scripts if not s.case.service_user.user_id and s.status is None and len(s.meetings) > 1
    ]
    taken: set[int] = set()

    def pick(test: Callable[[GroupScript], bool]) -> GroupScript | None:
        found = next((s for s in generated if id(s) not in taken and test(s)), None)
        if found is not None:
            taken.add(id(found))
        return found

    def last_past(s: GroupScript) -> MeetingScript:
        return [m for m in s.meetings if m.is_past][-1]

    def ahead(s: GroupScript) -> MeetingScript | None:
        return s.meetings[-1] if not s.meetings[-1].is_past else None

    # The most particular first: apologies need a partner who logs in (the link to one group, the page to another).
    for via, message in (
        ("link", "Beklager, jeg har fått et kurs den dagen."),
        ("page", "Jeg er syk den uka."),
    ):
        found = pick(
            lambda s: ahead(s) is not None and any(m.organisation in section.login_of_key for m in s.members)
        )
        if found is not None:
            partner = next(m.key for m in found.members if m.organisation in section.login_of_key)
            ahead(found).apologies = [(1, partner, message, via)]
    next_monday = section.builder.next_monday()
    holiday = -(next_monday - section.today).days - 2
    for trust_person, day in (("tillit3", _weekday(section, -1)), ("tillit2", holiday)):
        found = pick(lambda s, tp=trust_person: s.case.trust_person.username == tp and ahead(s) is not None)
        if found is not None:
            ahead(found).ago, ahead(found).hour = day, 11
    moved = pick(lambda s: ahead(s) is not None and ahead(s).ago <= -7)
    if moved is not None:
        ms = ahead(moved)
        ms.moved = (
            max(ms.scheduled - 1, 1),
            7,
            "{tp} har fått en annen avtale den dagen. Møtet er utsatt en uke.",
        )
    cancelled = pick(lambda s: ahead(s) is not None and ahead(s).scheduled >= 3)
    if cancelled is not None:
        ms = ahead(cancelled)
        ms.cancelled = (ms.scheduled - 1, "{first} er syk. Vi finner en ny tid.")
        ms.proposals = [p for p in ms.proposals if p[0] > ms.cancelled[0]]
        ms.apologies = [a for a in ms.apologies if a[0] > ms.cancelled[0]]
        ms.replacement = MeetingScript(
            _weekday(section, ms.ago - 14), ms.hour, ms.place, ms.detail, scheduled=ms.scheduled - 2
        )
    stories = [last_past(s).minutes for s in generated]
    for story in (DRAFT, READY, DISPUTED, AMENDED):
        if story not in stories:
            found = pick(lambda s: last_past(s).minutes == APPROVED)
            if found is not None:
                _minutes_story(
                    section.builder.plan_rng(f"meetings-cover:{case_key(found.case)}"), last_past(found), story
                )


# The owners with a log-in who have a group made by hand; bruker4's is drawn like the others' (and paused).
# bruker2 has none on purpose: tillit2 can make one.
OWNER_SCRIPTS = {"bruker1": _bruker1, "bruker3": _bruker3}
NO_SHOW = "housing"  # Boligkontoret: the partner that often does not turn up


def scripts(section: MeetingsSection) -> list[GroupScript]:
    """Every group to make: the owners' with a log-in, every open case whose owner lets a partner join, then others
    until about half of the open cases have a group (natural order)."""
    builder = section.builder
    ended = FollowUp.Status.ENDED
    cases = list(
        FollowUp.objects.filter(municipality__in=[builder.trondheim, builder.malvik])
        .select_related("service_user__user", "trust_person", "deputy", "municipality")
        .order_by("municipality__number", "service_user__last_name", "service_user__first_name")
    )
    open_cases = [c for c in cases if c.status != ended]
    by_owner = {c.service_user.user.username: c for c in open_cases if c.service_user.user_id}
    made = [
        script(section, by_owner[username])
        for username, script in OWNER_SCRIPTS.items()
        if username in by_owner
    ]
    if "bruker4" in by_owner:
        made.append(_generated(section, by_owner["bruker4"], "paused", NO_SHOW))
    # The users without a log-in in a fixed shuffled order (drawn from all of them, so a case ended later moves only
    # the tail); those whose consents let a partner join come first.
    # Nina Ås (demo/sign_in.py) is left out before and after her first log-in gives her an account: the same draw.
    pool = [c for c in cases if not c.service_user.user_id and not links_at_first_log_in(c.service_user)]
    builder.plan_rng("meetings").shuffle(pool)
    consenting = set(
        Consent.objects.valid_on(section.today).filter(scope_meetings=True).values_list("owner_id", flat=True)
    )
    candidates = [c for c in pool if c.status != ended]
    chosen = [c for c in candidates if c.service_user_id in consenting]
    wanted = round(SHARE_WITH_GROUP * len(open_cases)) - len(made)
    chosen += [c for c in candidates if c not in chosen][: max(wanted - len(chosen), 0)]
    chosen.sort(key=lambda c: (c.municipality.number, c.service_user.last_name, c.service_user.first_name))
    closed = False
    for case in chosen:
        kind = {FollowUp.Status.INTAKE: "new", FollowUp.Status.DORMANT: "paused"}.get(case.status, "active")
        if kind == "paused" and not closed:
            kind, closed = "closed", True
        made.append(_generated(section, case, kind, NO_SHOW))
    _cover(section, made)
    return made
