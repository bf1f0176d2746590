"""Demo data for responsibility groups (issue 6): about half of the open demo cases have a group.

Registered with ``koordinator.demo.register_demo_section`` (imported from ``MeetingsConfig.ready``), so it runs
at the end of ``DemoBuilder.build`` after the plans, in the same transaction: ``manage.py seed_demo``,
``make run`` and the browser tests.

What it makes
-------------
* ``bruker1`` (Kari Nordmann): a group chaired by ``tillit1`` with ``nav1`` (Per Olsen, NAV Lerkendal) as a
  member: her consent to NAV Lerkendal has the meetings scope. ``lege1`` is not a member: her consent to him
  covers the crisis plan only, so the add-member form explains what is missing. Four meetings over three months:
  minutes she approved in the portal; minutes changed after she approved them (with a reason: she sees what
  changed since she read them); minutes she disagreed with, that were corrected and then approved; and last
  week's minutes, marked ready and waiting for her answer. ``nav1`` has an action item more than a week overdue
  and sent apologies to the last meeting. The next meeting is at her home within the week, with a point she
  proposed herself.
* ``bruker3`` (intake) chairs her own new group: she scheduled the first meeting herself. ``bruker4`` (on a
  break) has a group on pause since he asked for one. ``bruker2`` has no group on purpose: ``tillit2`` can make
  one (his consent to ``dps1`` lacks the meetings scope, so adding her explains why not).
* Other open cases in Trondheim and Malvik, chosen with ``plan_rng("meetings")``, until about half of the open
  cases have a group: two or three past meetings with attendance recorded, minutes in every state (draft, ready,
  approved, disputed, changed after approval), action items open, overdue, done, not done and no longer
  relevant, and most with a meeting ahead (one moved, one cancelled and planned again, one with apologies sent
  from the page, one with the link from the invitation). A partner joins a group only where the owner's
  meetings-scope consent to them is in force (``nav1``, ``dps1``, ``lege1`` for their services; Boligkontoret,
  which has no log-in, as a service), and never before the consent began. Boligkontoret is the partner that
  often does not turn up: its two groups meet every two or three weeks, it came to its first meeting in each
  and not since, and its action items are overdue (the leader's *«Boligkontoret: 2 av 7 møter»*). A meeting
  ``tillit3`` (sick today) chairs tomorrow and one in ``tillit2``'s holiday are flagged for the leader.

How
---
Every write goes through ``meetings.services``, by the one who would do it: the chair (the trust person)
schedules, records attendance, writes the minutes and the action items; the owners with a log-in propose points,
approve or disagree and close their own items; partners close their items, comment and send apologies. Staff
record the answer of a user without a log-in as given on paper or orally. Each group is played as a timeline of
events in time order, months back, with the plans' :class:`plans.demo.Clock` dating the history rows (and the
notifications) each event writes. What the services can only do as of today is moved back in two places, and
nowhere else:

1. *A past meeting's time*. ``schedule_meeting`` refuses a time that has passed, so a past meeting is scheduled
   (weeks before it) at a placeholder time ahead, and its ``starts_at`` is corrected on the row and its history
   row at once (:func:`plans.demo.correct`). Its invitations, dated weeks back, are removed with the other old
   messages. Apologies to a past meeting are recorded by the chair with the attendance (*«ringte og meldte
   forfall»*); apologies from the page or the link are sent to meetings that are still ahead.
2. *When*, in the rows. The services stamp ``held_at``, ``ready_at``, ``user_response_at``, ``created_at``,
   ``closed_on`` and the like with the real time. As each history row is written, the clock (:class:`_Clock`)
   sets such a value, written in this run, to the moment of the event that first wrote it; at the end of the
   section the rows get the values of their latest history rows. No service decides anything by these stamps.

Messages are settled as in the plans (:func:`plans.demo.settle_messages`): this week's in-app ones stay under the
bell, dated to their event; older ones and every SMS, e-mail and letter were delivered back then and are removed.

Running it again adds nothing: a case that has a group (open or closed) is left as it is, and which cases get a
group and what happens in it is drawn from ``plan_rng`` the same way on every run; dates are relative to
``builder.today``. Seeding time grows with every service call (each passes the gate), so the volume is kept to
what the story needs (``MAX_PAST_MEETINGS``, ``SHARE_WITH_GROUP``).
"""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from demo.core import DemoBuilder, register_demo_section
from demo.plans import PARTNER_LOGINS, Clock, correct, partner_services, settle_messages
from koordinator.models import Consent, FollowUp, Membership, Notification, Organisation, User
from koordinator.timeutil import at
from meetings import services, tokens
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Comment,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)

MEETING_MODELS = (
    Group,
    GroupMember,
    Meeting,
    Attendance,
    AgendaItem,
    Minutes,
    MinutesRead,
    Comment,
    ActionItem,
)
# The fields the services set to the real time (or today) when an event happens: dated back at the end.
STAMPED = {
    Group: ("created_at", "status_changed_at"),
    GroupMember: ("added_at", "removed_at"),
    Meeting: ("created_at", "held_at", "cancelled_at", "agenda_frozen_at"),
    Attendance: ("recorded_at",),
    AgendaItem: ("created_at", "archived_at"),
    Minutes: ("created_at", "updated_at", "ready_at", "user_response_at"),
    MinutesRead: ("read_at",),
    Comment: ("created_at", "archived_at"),
    ActionItem: ("created_at", "updated_at", "closed_on"),
}
SHARE_WITH_GROUP = 0.5
# Seeding time grows with every service call: a generated group keeps its latest two or three past meetings.
MAX_PAST_MEETINGS = 3

Place = Meeting.Place
Present, Apologies, Absent = Attendance.Status.PRESENT, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT
Done, NotDone, Cancelled = ActionItem.Status.DONE, ActionItem.Status.NOT_DONE, ActionItem.Status.CANCELLED
Kind = Organisation.Kind

USER, COORDINATOR, DEPUTY = "user", "coordinator", "deputy"
# The minutes' story: how far they got. ``amended``: approved, then changed with a reason; ``corrected``: the user
# disagreed, the chair corrected them, and the user approved the corrected version.
DRAFT, READY, APPROVED, DISPUTED, AMENDED, CORRECTED = (
    "draft",
    "ready",
    "approved",
    "disputed",
    "amended",
    "corrected",
)


# --- what a group is made of, as a script --------------------------------------------------------------------
# Days are counted back from today: ``ago=30`` is thirty days ago, ``ago=-4`` in four days.


@dataclass(eq=False)
class MemberScript:
    key: str  # a username, or an organisation key (see MeetingsSection.orgs) for a whole service
    role: str
    added: int
    organisation: str = ""  # the service a person comes from (an organisation key)


@dataclass(eq=False)
class ItemScript:
    what: str
    who: str  # a member key: USER, COORDINATOR, or a MemberScript key
    due: int
    closed: tuple[int, str, str] | None = None  # (ago, status, note)


@dataclass(eq=False)
class MeetingScript:
    ago: int
    hour: int
    place: str
    detail: str = ""
    scheduled: int = 0  # when it was scheduled (days ago)
    note: str = ""
    # Past meetings: who came (member key → status, message); the minutes and what was decided.
    attendance: dict[str, tuple[str, str]] = field(default_factory=dict)
    minutes: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # situation, user_words, decisions
    ready: int | None = None
    response: tuple[int, str] = (0, "")  # (ago, disagreement or amendment reason) for the minutes' story
    amended: tuple[int, str, str] | None = None  # (ago, reason, text added to the decisions)
    items: list[ItemScript] = field(default_factory=list)
    # Anyone's doings: (ago, member key, text).
    proposals: list[tuple[int, str, str]] = field(default_factory=list)
    comments: list[tuple[int, str, str]] = field(default_factory=list)
    reads: list[tuple[int, str]] = field(default_factory=list)
    # Meetings ahead: apologies (ago, member key, message, "page"|"link"); moved (ago, days later, reason);
    # cancelled (ago, reason) — a new meeting is then planned the same day (``replacement``).
    apologies: list[tuple[int, str, str, str]] = field(default_factory=list)
    moved: tuple[int, int, str] | None = None
    cancelled: tuple[int, str] | None = None
    replacement: MeetingScript | None = None

    @property
    def is_past(self) -> bool:
        return self.ago > 0


@dataclass(eq=False)
class GroupScript:
    case: FollowUp
    created: int
    members: list[MemberScript] = field(default_factory=list)
    meetings: list[MeetingScript] = field(default_factory=list)
    chair_by_user: int | None = None  # the day the user took the chair themselves
    status: tuple[int, str, str] | None = None  # (ago, paused/closed, reason)


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
    ),
    AgendaItem.Kind.PLAN_STEP: (
        "Gikk gjennom delmålet sammen. {first} vil fortsette.",
        "{first} forteller at det gikk bedre enn ventet.",
    ),
    AgendaItem.Kind.PLAN_REVISION: ("Planen må revideres. {tp} setter av tid til det med {first}.",),
    AgendaItem.Kind.PROPOSED: ("Tatt opp. Se det vi ble enige om.",),
}
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


# --- the section ----------------------------------------------------------------------------------------------


class MeetingsSection:
    def __init__(self, builder: DemoBuilder):
        self.builder = builder
        self.today = builder.today
        self.real_today = timezone.localdate()
        self.started = timezone.now()
        self.clock = _Clock(self)
        self.marks = {model: _last(model.history.model, "history_id") for model in MEETING_MODELS}
        self.row_marks = {model: _last(model, "pk") for model in MEETING_MODELS}
        self.messages_mark = _last(Notification, "pk")
        self.orgs = partner_services(builder)
        # The partner with a log-in who acts for each service in the demo (a service without one joins as itself).
        self.login_of = {self.orgs[key].pk: username for key, username in PARTNER_LOGINS.items()}
        self.login_of_key = PARTNER_LOGINS

    def day(self, ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=ago)

    def moment(self, ago: int, hour: int, minute: int = 0) -> datetime.datetime:
        return at(self.day(ago), hour, minute)

    def user(self, username: str) -> User:
        return self.builder.users.get(username) or User.objects.get(username=username)

    def org_key(self, organisation: Organisation) -> str:
        return next(k for k, o in self.orgs.items() if o.pk == organisation.pk)

    def consented(self, case: FollowUp) -> list[tuple[str, str, int]]:
        """Who the owner's meetings-scope consents in force let join: (member key, organisation key, days since the
        consent began). A service with a partner who logs in joins as that person; one without, as the service."""
        found = []
        consents = (
            Consent.objects.valid_on(self.today)
            .filter(owner=case.service_user, scope_meetings=True)
            .select_related("grantee_user", "grantee_organisation")
            .order_by("pk")
        )
        for consent in consents:
            since = (self.today - consent.valid_from).days
            if consent.grantee_user_id:
                membership = Membership.objects.filter(
                    user=consent.grantee_user,
                    role=Membership.Role.PARTNER,
                    organisation__in=self.orgs.values(),
                ).first()
                org = self.org_key(membership.organisation) if membership else ""
                found.append((consent.grantee_user.username, org, since))
            elif consent.grantee_organisation_id in self.login_of:
                org = self.org_key(consent.grantee_organisation)
                found.append((self.login_of[consent.grantee_organisation_id], org, since))
            elif consent.grantee_organisation in self.orgs.values():
                org = self.org_key(consent.grantee_organisation)
                found.append((org, org, since))
        return found

    def settle(self) -> None:
        self.clock.settle_rows(self.marks)
        for model in MEETING_MODELS:
            made = model._default_manager.filter(pk__gt=self.row_marks[model]).count()
            if made:
                self.builder.summary.created[model._meta.verbose_name_plural] += made
        settle_messages(self.builder, self.messages_mark)


def _last(model, field_name: str) -> int:
    return model._default_manager.aggregate(m=Max(field_name))["m"] or 0


class _Clock(Clock):
    """The plans' clock, which also dates what the services stamp with the real time (the module docstring, point 2).

    A stamped value set in this run (a time from the section's start on, or today's date) becomes the moment of the
    event that first wrote it, on every history row that carries it: ``created_at`` keeps its first event's moment,
    ``updated_at`` gets each event's own, ``held_at`` the event that held the meeting. :meth:`settle_rows` then gives
    each row its latest history row's values.
    """

    def __init__(self, section: MeetingsSection) -> None:
        super().__init__(MEETING_MODELS, uid="meetings-demo-clock")
        self.started, self.real_today = section.started, section.real_today
        self.stamped = {model.history.model: names for model, names in STAMPED.items()}
        self.moments: dict[tuple, datetime.date] = {}

    def __call__(self, sender, history_instance, **kwargs) -> None:
        super().__call__(sender, history_instance, **kwargs)
        if self.moment is None or sender not in self.stamped or threading.get_ident() != self.thread:
            return
        for name in self.stamped[sender]:
            value = getattr(history_instance, name)
            if isinstance(value, datetime.datetime):
                moment = self.moment if value >= self.started else None
            else:
                moment = self.moment.date() if value == self.real_today else None
            if moment is not None:
                key = (sender, history_instance.id, name, value)
                setattr(history_instance, name, self.moments.setdefault(key, moment))

    @staticmethod
    def settle_rows(marks: dict) -> None:
        """Each row written in this run gets the stamped values of its latest history row."""
        for model, names in STAMPED.items():
            history = model.history.model
            written = history.objects.filter(history_id__gt=marks[model]).values("id")
            latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_id")
            model._default_manager.filter(pk__in=written).update(
                **{name: Subquery(latest.values(name)[:1]) for name in names}
            )


# --- playing one group ----------------------------------------------------------------------------------------


class _Play:
    """One group's events in time order: by the chair (the trust person), the owner and the partners."""

    def __init__(self, section: MeetingsSection, script: GroupScript):
        self.s = section
        self.script = script
        self.case = script.case
        self.tp = section.user(script.case.trust_person.username)
        self.owner: User | None = script.case.service_user.user
        self.rng = section.builder.plan_rng(f"meetings-play:{_key(script.case)}")
        self.words = {"first": self.case.service_user.first_name, "tp": self.tp.first_name}
        self.group: Group | None = None
        self.members: dict[str, GroupMember] = {}
        self.meetings: dict[MeetingScript, Meeting] = {}
        self.items: dict[ItemScript, ActionItem] = {}
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []

    def at(self, ago: int, hour: int, minute: int, fn: Callable[[], None]) -> None:
        self.events.append((self.s.moment(ago, hour, minute), len(self.events), fn))

    def text(self, template: str) -> str:
        return template.format(**self.words)

    def actor(self, key: str) -> User | None:
        """Who acts as the member ``key`` (``None``: a service, or a user without a log-in)."""
        if key == USER:
            return self.owner
        if key == COORDINATOR:
            return self.tp
        if key in self.s.orgs:
            return None
        return self.s.user(key)

    # --- the script as events

    def run(self) -> None:
        sc = self.script
        self.at(sc.created, 9, 0, self.make_group)
        if sc.chair_by_user is not None:
            self.at(sc.chair_by_user, 19, 0, self.take_chair)
        for member in sc.members:
            self.at(member.added, 9, 30, lambda m=member: self.add_member(m))
        for meeting in sc.meetings:
            self.plan(meeting)
        if sc.status:
            self.at(sc.status[0], 15, 0, self.set_status)
        for moment, _, event in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.s.clock.moment = moment
            event()
        self.s.clock.moment = None

    def plan(self, ms: MeetingScript) -> None:
        self.at(ms.scheduled, 11, 0, lambda: self.schedule(ms))
        for ago, key, title in ms.proposals:
            self.at(ago, 18, 0, lambda k=key, t=title: self.propose(ms, k, t))
        for ago, key, message, via in ms.apologies:
            self.at(ago, 17, 0, lambda k=key, m=message, v=via: self.apologise(ms, k, m, v))
        if ms.moved:
            self.at(ms.moved[0], 12, 0, lambda: self.move(ms))
        if ms.cancelled:
            self.at(ms.cancelled[0], 12, 0, lambda: self.cancel(ms))
            self.plan(ms.replacement)
        if not ms.is_past:
            return
        self.at(ms.ago, ms.hour + 1, 10, lambda: self.hold(ms))
        if ms.ready is not None:
            self.at(ms.ready, 15, 30, lambda: self.mark_ready(ms))
        story = {
            APPROVED: [(ms.response[0], 19, 0, self.approve)],
            DISPUTED: [(ms.response[0], 19, 0, self.disagree)],
            AMENDED: [
                (ms.response[0], 19, 0, self.approve),
                (ms.amended and ms.amended[0], 21, 0, self.amend),
            ],
            CORRECTED: [
                (ms.response[0], 19, 0, self.disagree),
                (ms.amended and ms.amended[0], 21, 0, self.amend),
                (ms.amended and ms.amended[0], 21, 30, self.approve),
            ],
        }
        for ago, hour, minute, step in story.get(ms.minutes, []):
            self.at(ago, hour, minute, lambda s=step: s(ms))
        for item in ms.items:
            if item.closed:
                self.at(item.closed[0], 16, 0, lambda i=item: self.close(i))
        for ago, key, text in ms.comments:
            self.at(ago, 20, 0, lambda k=key, t=text: self.comment(ms, k, t))
        for ago, key in ms.reads:
            self.at(ago, 20, 30, lambda k=key: self.read(ms, k))

    # --- the group and its members

    def make_group(self) -> None:
        self.group = services.create_group(self.tp, self.case)
        for member in GroupMember.objects.filter(group=self.group):
            self.members[member.kind] = member  # USER and COORDINATOR are the kinds' values

    def take_chair(self) -> None:
        services.set_group_chair(self.owner, self.group, Group.Chair.USER)

    def add_member(self, script: MemberScript) -> None:
        if script.key in self.s.orgs:
            fields = {"organisation": self.s.orgs[script.key]}
        else:
            org = self.s.orgs.get(script.organisation)
            fields = {"person": self.s.user(script.key), "organisation": org}
        self.members[script.key] = services.add_member(self.tp, self.group, role=script.role, **fields)

    def set_status(self) -> None:
        _ago, status, reason = self.script.status
        services.change_group_status(self.tp, self.group, status, self.text(reason))

    @property
    def chair(self) -> User:
        return self.owner if self.script.chair_by_user is not None else self.tp

    # --- meetings

    def schedule(self, ms: MeetingScript) -> None:
        starts_at = self.s.moment(ms.ago, ms.hour)
        # A past meeting was scheduled weeks before it, when it was still ahead: a placeholder time, corrected at once.
        ahead = at(self.s.real_today + datetime.timedelta(days=60), ms.hour) if ms.is_past else starts_at
        meeting = services.schedule_meeting(
            self.chair,
            self.group,
            starts_at=ahead,
            place=ms.place,
            place_detail=ms.detail,
            note=self.text(ms.note),
        )
        if ms.is_past:
            correct(meeting, starts_at=starts_at)
        self.meetings[ms] = meeting

    def move(self, ms: MeetingScript) -> None:
        _ago, days, reason = ms.moved
        meeting = self.meetings[ms]
        services.change_meeting(
            self.chair,
            meeting,
            starts_at=meeting.starts_at + datetime.timedelta(days=days),
            reason=self.text(reason),
        )

    def cancel(self, ms: MeetingScript) -> None:
        services.cancel_meeting(self.chair, self.meetings[ms], self.text(ms.cancelled[1]))

    def propose(self, ms: MeetingScript, key: str, title: str) -> None:
        actor = self.actor(key)
        if key not in self.members or (actor is None and key != USER):
            return
        if actor is None:  # the trust person writes down the user's point
            services.propose_agenda_item(self.tp, self.meetings[ms], title=self.text(title), for_user=True)
        else:
            services.propose_agenda_item(actor, self.meetings[ms], title=self.text(title))

    def apologise(self, ms: MeetingScript, key: str, message: str, via: str) -> None:
        if key not in self.members:
            return
        if via == "link":
            token = tokens.apology_token(self.meetings[ms].pk, self.members[key].pk)
            services.send_apologies_by_link(token, self.text(message))
        else:
            services.send_apologies(self.actor(key), self.meetings[ms], message=self.text(message))

    def hold(self, ms: MeetingScript) -> None:
        """After the meeting: attendance, the minutes written, the action items decided."""
        meeting = self.meetings[ms]
        there = {key: value for key, value in ms.attendance.items() if key in self.members}
        services.record_attendance(
            self.tp,
            meeting,
            {self.members[key]: status for key, (status, _message) in there.items()},
            {self.members[key]: self.text(message) for key, (_status, message) in there.items() if message},
        )
        minutes = services.start_minutes(self.tp, meeting)
        notes = {}
        for point in AgendaItem.objects.filter(meeting=meeting).live():
            notes[str(point.pk)] = self.text(self.rng.choice(POINT_NOTES[point.kind]))
        sections = {name: self.text(value) for name, value in ms.texts.items()}
        services.write_minutes(self.tp, minutes, minutes.version, point_notes=notes, **sections)
        for item in ms.items:
            if item.who in self.members:
                self.items[item] = services.add_action_item(
                    self.tp,
                    meeting,
                    what=self.text(item.what),
                    responsible=self.members[item.who],
                    due_on=self.s.day(item.due),
                )

    def minutes(self, ms: MeetingScript) -> Minutes:
        return Minutes.objects.get(meeting=self.meetings[ms])

    def mark_ready(self, ms: MeetingScript) -> None:
        services.mark_minutes_ready(self.tp, self.minutes(ms))

    def respond_as(self) -> tuple[User, str]:
        """The owner in the portal; for a user without a log-in, the trust person records the answer."""
        if self.owner is not None:
            return self.owner, ""
        return self.tp, self.rng.choice((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL))

    def approve(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        actor, how = self.respond_as()
        services.approve_minutes(actor, minutes, based_on_version=minutes.version, how=how)
        if self.owner is not None:
            services.mark_minutes_read(self.owner, minutes)

    def disagree(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        actor, how = self.respond_as()
        services.disagree_with_minutes(
            actor, minutes, self.text(ms.response[1]), based_on_version=minutes.version, how=how
        )
        if self.owner is not None:
            services.mark_minutes_read(self.owner, minutes)

    def amend(self, ms: MeetingScript) -> None:
        minutes = self.minutes(ms)
        _ago, reason, added = ms.amended
        services.write_minutes(
            self.tp,
            minutes,
            minutes.version,
            reason=self.text(reason),
            decisions=f"{minutes.decisions}\n\n{self.text(added)}".strip(),
        )

    def comment(self, ms: MeetingScript, key: str, text: str) -> None:
        actor = self.actor(key)
        if actor is not None and key in self.members:
            services.add_comment(actor, self.minutes(ms), self.text(text))

    def read(self, ms: MeetingScript, key: str) -> None:
        actor = self.actor(key)
        if actor is not None and key in self.members:
            services.mark_minutes_read(actor, self.minutes(ms))

    def close(self, script: ItemScript) -> None:
        item = self.items.get(script)
        if item is None:
            return
        _ago, status, note = script.closed
        actor = self.actor(script.who) or self.tp
        services.set_action_item_status(actor, item, status, self.text(note))


def _key(case: FollowUp) -> str:
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
    rng = section.builder.plan_rng(f"meetings:{_key(case)}")
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
                    section.builder.plan_rng(f"meetings-cover:{_key(found.case)}"), last_past(found), story
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
    pool = [c for c in cases if not c.service_user.user_id]
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


@register_demo_section
def meetings_demo(builder: DemoBuilder) -> None:
    section = MeetingsSection(builder)
    have = set(Group.objects.values_list("follow_up_id", flat=True))
    todo = [script for script in scripts(section) if script.case.pk not in have]
    if not todo:
        return
    with section.clock:
        for script in todo:
            _Play(section, script).run()
    section.settle()
