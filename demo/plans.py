"""Demo data for individual plans (issue 4): about two thirds of the open demo cases have a plan.

Registered with ``koordinator.demo.register_demo_section`` (imported from ``PlansConfig.ready``), so it runs at the
end of ``DemoBuilder.build``, in the same transaction: ``manage.py seed_demo``, ``make run`` and the browser tests.

What it makes
-------------
* ``bruker1`` (Kari Nordmann, ``tillit1``): a plan in use for five months. Goals in five life areas in her own
  words; steps done month by month (so «Min fremgang» draws several months), one not done, one due in two days,
  one a few days overdue, and a step she proposed yesterday waiting for ``tillit1``'s answer. Measures:
  arbeidsforberedende trening from NAV Lerkendal with ``nav1`` responsible (applied, no decision yet, so it is
  flagged) and his progress note on it (her consent to NAV Lerkendal has the plan scope); a council flat refused
  and appealed; social assistance granted; debt counselling. She gave her consent to the plan in the portal
  before ``tillit1`` took it into use, and the plan was revised on time two months ago. This week she marked a
  step done and commented on a goal, and ``nav1`` wrote his note: ``tillit1`` has all three under the bell.
* ``bruker3`` (intake): a draft waiting for her consent. ``bruker4`` (dormant): declined, «Vil ikke ha plan nå,
  vil tenke på det.» ``bruker2`` has no plan on purpose: the browser test makes one with him.
* Other open cases in Trondheim and Malvik, chosen with ``plan_rng("plans")``: mostly plans in use, some drafts,
  some declined (date and the reason in the user's words), a few ended because the user wanted a break (dormant
  cases), and some that have slid: revised once, then the next revision date passed. Steps done, not done and
  overdue; measures in every decision state (some applied or needing a decision with none: flagged); progress
  notes by the trust person and, where the owner's consent with the plan scope lets them, by ``nav1``, ``dps1``
  or ``lege1``. Ended cases get no plan: the services refuse a plan for an ended case.

How
---
Everything is written through ``plans.services`` by the case's trust person (the owner for her own consent,
comment, suggestion and step; the partner for their notes), so the gate, the version numbers, the history users
and reasons are those of real use. Each plan is played as a timeline of events, in time order, months back.
What the services can only do as of today is moved back in three places, and nowhere else:

1. *When*, in the history. While an event plays, a ``pre_create_historical_record`` receiver (simple-history's
   own hook, connected only while this section runs and only in its thread) dates the history rows the event
   writes to the event's moment, so the plan's timeline reads as months of use. At the end of the section
   ``created_at`` (auto_now_add) and ``Plan.updated_at`` (auto_now) are set from those history dates, on the
   rows and on their history rows (:meth:`_Section.settle`).
2. *Dates the services refuse in the past, or set to today*: a step's due date before today (done and overdue
   steps), a step's ``closed_on`` (``close_step`` sets today) and a revision date already passed (plans that
   have slid). The service is given today (or tomorrow), and right after the call the date is corrected on the
   row and on the history row that call wrote (:func:`correct`). Nothing has read those rows in between.
3. *Messages*. Notifications the services wrote about events back then would have been delivered back then.
   In-app ones from the last week (the owner's step and comment, a partner's note: news for the trust person)
   are kept and dated to their event; the rest (SMS, e-mail and letters about a plan made months ago) are removed
   in the same transaction, so the outbox holds only today's news.

time-machine is a test dependency only, so it is not used here.

Running it again adds nothing. A case's plan is found by its case. In a plan that was there already, goals are
found by their text and measures by their service, and only missing ones are added (with their steps, decisions
and notes), and only while the plan is a draft or in use. What exists is left as it is: a found plan is not
taken into use, declined, revised or ended again, and a step is closed, a measure decided or noted on, only in
the run that made it. Who gets which kind of plan is drawn from ``plan_rng`` the same way on every run (the users
without a log-in in one shuffled order; each plan's content from its case's own generator, keyed by municipality
and name); dates are relative to ``builder.today``.
"""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery
from django.db.models.signals import post_init
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from demo.core import DemoBuilder, register_demo_section
from koordinator.models import Consent, FollowUp, FollowUpEntry, Notification, Organisation, User
from koordinator.timeutil import at
from plans import logged_steps, services
from plans.models import Comment, Goal, LifeArea, Measure, Plan, PlanRevision, ProgressNote, Step

Area = LifeArea
Who = Step.Who
StepStatus = Step.Status
Decision = Measure.Decision
Kind = Organisation.Kind

PLAN_MODELS = (Plan, Goal, Step, Measure, ProgressNote, Comment, PlanRevision)
# In-app messages from events this recent stay under the bell; older messages were delivered back then.
KEEP_MESSAGES_DAYS = 7
SHARE_WITH_PLAN = 2 / 3


# --- what a plan is made of, as a script ---------------------------------------------------------------------
# Days are counted back from today: ``ago=30`` is thirty days ago, ``ago=-2`` the day after tomorrow.


@dataclass(eq=False)
class StepScript:
    what: str
    created: int
    due: int
    who: str = Who.USER
    org: str = ""  # an organisation key (see _Section.orgs) when who is «a partner service»
    person: str = ""  # a username when who is «a person in a partner service»
    status: str = StepStatus.PLANNED
    closed: int | None = None
    how: str = ""
    by_owner: bool = False  # closed by the owner herself, in the portal


@dataclass(eq=False)
class GoalScript:
    area: str
    text: str
    steps: list[StepScript] = field(default_factory=list)
    in_users_words: bool = True
    # The owner's own voice: (ago, text) for a comment; (ago, what, due) for a proposed step.
    comment: tuple[int, str] | None = None
    suggestion: tuple[int, str, int] | None = None


@dataclass(eq=False)
class MeasureScript:
    service: str
    org: str
    created: int
    extent: str = ""
    person: str = ""
    needs_decision: bool = False
    applied: int | None = None
    decided: int | None = None
    outcome: str = ""  # granted or refused, on ``decided``
    appealed: int | None = None
    decided_by: str = ""
    period: tuple[int, int | None] | None = None  # (from, until), days ago
    # (ago, author username or "" for the trust person, text)
    notes: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class RevisionScript:
    ago: int
    what_changed: str
    participants: str
    next_revision: int


@dataclass(eq=False)
class PlanScript:
    case: FollowUp
    kind: str  # active, slid (active, revision overdue), draft, declined, ended
    created: int
    texts: dict = field(default_factory=dict)
    goals: list[GoalScript] = field(default_factory=list)
    measures: list[MeasureScript] = field(default_factory=list)
    consent: tuple[int, str] | None = None  # (ago, how); Consent.GivenHow.PORTAL: the owner gives it herself
    activated: int | None = None
    period_days: int | None = None
    next_revision: int | None = None  # as set when the plan was taken into use
    revisions: list[RevisionScript] = field(default_factory=list)
    declined: tuple[int, str] | None = None
    ended: tuple[int, str] | None = None


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


# --- dating things back ---------------------------------------------------------------------------------------


class Clock:
    """Dates the history rows an event writes to the event's moment (simple-history's documented hook).

    ``models``: whose history rows (and the notifications') it dates; other demo sections pass their own
    (``demo/meetings.py``), with their own ``uid``.
    """

    def __init__(self, models=PLAN_MODELS, uid: str = "plans-demo-clock") -> None:
        self.moment: datetime.datetime | None = None
        self.thread = threading.get_ident()
        self.senders = {model.history.model for model in models} | {Notification.history.model}
        self.uid = uid

    def __call__(self, sender, history_instance, **kwargs) -> None:
        if self.moment is not None and sender in self.senders and threading.get_ident() == self.thread:
            history_instance.history_date = self.moment

    def date_bulk(self, sender, instance, **kwargs) -> None:
        """Notifications written in bulk (``outbox.notify_many``) get no signal: simple-history takes their
        history date from ``_history_date``, set here as they are made."""
        if self.moment is not None and threading.get_ident() == self.thread:
            instance._history_date = self.moment

    def __enter__(self) -> Clock:
        pre_create_historical_record.connect(self, weak=False, dispatch_uid=self.uid)
        post_init.connect(self.date_bulk, sender=Notification, weak=False, dispatch_uid=self.uid)
        return self

    def __exit__(self, *exc) -> None:
        pre_create_historical_record.disconnect(dispatch_uid=self.uid)
        post_init.disconnect(sender=Notification, dispatch_uid=self.uid)
        self.moment = None


def correct(obj, **values) -> None:
    """Set dates the service would only take as today or later: on the row and the history row just written."""
    model = type(obj)
    model._default_manager.filter(pk=obj.pk).update(**values)
    last = (
        model.history.filter(id=obj.pk).order_by("-history_id").values_list("history_id", flat=True).first()
    )
    model.history.filter(history_id=last).update(**values)


# --- the section ----------------------------------------------------------------------------------------------

# The partner who logs in for a service in the demo (``koordinator.demo.PARTNERS``), by the scripts' keys.
PARTNER_LOGINS = {"nav": "nav1", "dps": "dps1", "gp": "lege1"}


def partner_services(builder: DemoBuilder) -> dict[str, Organisation]:
    """The partner services by the keys the scripts use (the meetings' demo uses them too)."""
    return {
        "nav": builder.nav,
        "dps": builder.dps,
        "gp": builder.gp,
        "housing": builder.housing,
        "probation": builder.probation,
        "user_org": builder.user_org,
    }


class _Section:
    def __init__(self, builder: DemoBuilder):
        self.builder = builder
        self.today = builder.today
        self.real_today = timezone.localdate()
        self.marks = {
            model: model.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
            for model in PLAN_MODELS
        }
        self.marks[Notification] = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        self.clock = Clock()
        self.orgs = partner_services(builder)
        self.org_of_partner = {username: self.orgs[key] for key, username in PARTNER_LOGINS.items()}
        self.partner_orgs = {org.pk: username for username, org in self.org_of_partner.items()}

    # --- time

    def day(self, ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=ago)

    def moment(self, ago: int, hour: int, minute: int = 0) -> datetime.datetime:
        return at(self.day(ago), hour, minute)

    def not_before_today(self, day: datetime.date, days: int = 0) -> datetime.date:
        """What a service accepts: the day itself, or today (+ ``days``) if the day has passed."""
        return max(day, self.real_today + datetime.timedelta(days=days))

    # --- people

    def user(self, username: str) -> User:
        return self.builder.users[username]

    def staff(self, case: FollowUp) -> User:
        return self.builder.users.get(case.trust_person.username, case.trust_person)

    def org(self, key: str, case: FollowUp) -> Organisation:
        return case.unit if key == "unit" else self.orgs[key]

    def plan_partner(self, case: FollowUp) -> tuple[str, Organisation] | None:
        """A partner who logs in and may see this owner's plan (consent with the plan scope in force)."""
        consents = (
            Consent.objects.valid_on(self.today)
            .filter(owner=case.service_user, scope_plan=True)
            .select_related("grantee_user")
            .order_by("pk")
        )
        for consent in consents:
            if consent.grantee_user_id and consent.grantee_user.username in self.org_of_partner:
                username = consent.grantee_user.username
                return username, self.org_of_partner[username]
            if consent.grantee_organisation_id in self.partner_orgs:
                username = self.partner_orgs[consent.grantee_organisation_id]
                return username, self.org_of_partner[username]
        return None

    # --- the end

    def settle(self) -> None:
        """``created_at`` and ``updated_at`` from the history dates; old messages out (see the module docstring)."""
        for model in PLAN_MODELS:
            history = model.history.model
            born = history.objects.filter(history_id__gt=self.marks[model], history_type="+").values("id")
            first = (
                history.objects.filter(id=OuterRef("pk"), history_type="+")
                .order_by("history_id")
                .values("history_date")[:1]
            )
            model._default_manager.filter(pk__in=born).update(created_at=Subquery(first))
            history.objects.filter(id__in=born).update(
                created_at=Subquery(model._default_manager.filter(pk=OuterRef("id")).values("created_at")[:1])
            )
        plan_history = Plan.history.model
        changed = plan_history.objects.filter(history_id__gt=self.marks[Plan])
        changed.update(updated_at=F("history_date"))
        latest = (
            plan_history.objects.filter(id=OuterRef("pk"))
            .order_by("-history_date", "-history_id")
            .values("history_date")[:1]
        )
        Plan._default_manager.filter(pk__in=changed.values("id")).update(updated_at=Subquery(latest))
        settle_messages(self.builder, self.marks[Notification])


def settle_messages(builder: DemoBuilder, after_pk: int) -> None:
    """The notifications written since ``after_pk``: this week's in-app ones are kept and dated to their event
    (their history date, set by :class:`Clock`); the rest were delivered back then and are removed."""
    written = list(Notification.objects.filter(pk__gt=after_pk).values_list("pk", "channel"))
    if not written:
        return
    when = dict(
        Notification.history.filter(id__in=[pk for pk, _ in written], history_type="+").values_list(
            "id", "history_date"
        )
    )
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_MESSAGES_DAYS)
    keep = [
        pk
        for pk, channel in written
        if channel == Notification.Channel.IN_APP and pk in when and when[pk] >= cutoff
    ]
    drop = [pk for pk, _ in written if pk not in keep]
    Notification.history.filter(id__in=drop).delete()
    Notification.objects.filter(pk__in=drop).delete()
    for pk in keep:
        Notification.objects.filter(pk=pk).update(due_at=when[pk], created_at=when[pk])
        Notification.history.filter(id=pk).update(due_at=when[pk], created_at=when[pk])
        builder.summary.count(Notification)


# --- playing one plan -----------------------------------------------------------------------------------------


class _Play:
    """One plan's events in time order, by the trust person (and the owner, and partners)."""

    def __init__(self, section: _Section, script: PlanScript):
        self.s = section
        self.script = script
        self.case = script.case
        self.tp = section.staff(script.case)
        self.plan: Plan | None = None
        self.new: set = set()  # the scripts (plan, goals, steps, measures) whose objects this run made
        self.goals: dict[GoalScript, Goal] = {}
        self.steps: dict[StepScript, Step] = {}
        self.measures: dict[MeasureScript, Measure] = {}
        self.events: list[tuple[datetime.datetime, int, Callable[[], None]]] = []

    def at(self, ago: int, hour: int, minute: int, fn: Callable[[], None]) -> None:
        self.events.append((self.s.moment(ago, hour, minute), len(self.events), fn))

    def count(self, model) -> None:
        self.s.builder.summary.count(model)

    @property
    def owner(self) -> User | None:
        return self.case.service_user.user

    # --- the script as events

    def run(self) -> None:
        sc = self.script
        self.at(sc.created, 9, 0, self.make_plan)
        for i, goal in enumerate(sc.goals):
            self.at(sc.created, 9, 5 + i, lambda g=goal: self.add_goal(g))
            for step in goal.steps:
                hour, minute = (9, 30) if step.created == sc.created else (13, 30)
                self.at(step.created, hour, minute, lambda g=goal, s=step: self.add_step(g, s))
                if step.closed is not None:
                    self.at(step.closed, 13, 0, lambda s=step: self.close_step(s))
                elif step.status == StepStatus.IN_PROGRESS:
                    self.at(step.created, hour, minute + 5, lambda s=step: self.start_step(s))
            if goal.comment:
                self.at(goal.comment[0], 19, 30, lambda g=goal: self.comment(g))
            if goal.suggestion:
                self.at(goal.suggestion[0], 20, 0, lambda g=goal: self.suggest(g))
        if sc.consent:
            ago, how = sc.consent
            self.at(ago, 19 if how == Consent.GivenHow.PORTAL else 10, 0, self.record_consent)
        if sc.activated is not None:
            self.at(sc.activated, 10, 30, self.activate)
        for measure in sc.measures:
            self.at(measure.created, 11, 0, lambda m=measure: self.add_measure(m))
            if measure.decided is not None:
                self.at(measure.decided, 11, 15, lambda m=measure: self.decide(m))
            if measure.appealed is not None:
                self.at(measure.appealed, 11, 30, lambda m=measure: self.appeal(m))
            for ago, author, text in measure.notes:
                self.at(ago, 14, 0, lambda m=measure, a=author, t=text: self.note(m, a, t))
        for revision in sc.revisions:
            self.at(revision.ago, 12, 0, lambda r=revision: self.revise(r))
        if sc.declined:
            self.at(sc.declined[0], 10, 0, self.decline)
        if sc.ended:
            self.at(sc.ended[0], 10, 0, self.end)
        for moment, _, event in sorted(self.events, key=lambda e: (e[0], e[1])):
            self.s.clock.moment = moment
            event()
        self.s.clock.moment = None

    # --- the plan

    def make_plan(self) -> None:
        self.plan = Plan._default_manager.filter(follow_up=self.case).order_by("-pk").first()
        if self.plan is None:
            self.plan = services.create_plan(self.tp, self.case, **self.script.texts)
            self.new.add(self.script)
            self.count(Plan)

    @property
    def plan_is_new(self) -> bool:
        return self.script in self.new

    def can_fill(self) -> bool:
        """Goals and measures may be added to a plan that is new, or that is still a draft or in use."""
        if self.plan_is_new:
            return True
        self.plan.refresh_from_db()
        return self.plan.is_editable

    def record_consent(self) -> None:
        if not self.plan_is_new:
            return
        ago, how = self.script.consent
        if how == Consent.GivenHow.PORTAL:
            services.record_plan_consent(self.owner, self.plan, given_on=self.s.day(ago))
        else:
            services.record_plan_consent(self.tp, self.plan, given_how=how, given_on=self.s.day(ago))

    def activate(self) -> None:
        if not self.plan_is_new:
            return
        sc = self.script
        start = self.s.day(sc.activated)
        next_revision = self.s.day(sc.next_revision)
        plan = services.activate_plan(
            self.tp,
            self.plan,
            period_from=start,
            period_until=start + datetime.timedelta(days=sc.period_days) if sc.period_days else None,
            next_revision_on=self.s.not_before_today(next_revision),
        )
        if plan.next_revision_on != next_revision:
            correct(plan, next_revision_on=next_revision)

    def revise(self, script: RevisionScript) -> None:
        if not self.plan_is_new:
            return
        next_revision = self.s.day(script.next_revision)
        revision = services.revise_plan(
            self.tp,
            self.plan,
            what_changed=script.what_changed,
            participants=script.participants,
            revised_on=self.s.day(script.ago),
            next_revision_on=self.s.not_before_today(next_revision, days=1),
        )
        if revision.next_revision_on != next_revision:
            correct(revision, next_revision_on=next_revision)
            correct(revision.plan, next_revision_on=next_revision)
        self.count(PlanRevision)

    def decline(self) -> None:
        if not self.plan_is_new:
            return
        ago, reason = self.script.declined
        services.decline_plan(self.tp, self.plan, reason=reason, declined_on=self.s.day(ago))

    def end(self) -> None:
        if not self.plan_is_new:
            return
        ago, note = self.script.ended
        services.end_plan(self.tp, self.plan, note=note, ended_on=self.s.day(ago))

    # --- goals and steps

    # Goals and measures are looked up in a plan that was there already (by text, by service); what is made
    # under a goal or a measure only in the run that made it, so nothing else needs looking up.

    def add_goal(self, script: GoalScript) -> None:
        goal = None
        if not self.plan_is_new:
            goal = Goal._default_manager.filter(plan=self.plan, text=script.text).first()
        if goal is None and self.can_fill():
            goal = services.add_goal(
                self.tp,
                self.plan,
                life_area=script.area,
                text=script.text,
                in_users_words=script.in_users_words,
            )
            self.goals[script] = goal
            self.new.add(script)
            self.count(Goal)

    def add_step(self, goal_script: GoalScript, script: StepScript) -> None:
        if goal_script not in self.new:
            return  # the steps of a goal that was there already are left as they are
        due = self.s.day(script.due)
        step, _warnings = services.add_step(
            self.tp,
            self.goals[goal_script],
            what=script.what,
            who_kind=script.who,
            who_organisation=self.s.org(script.org, self.case) if script.org else None,
            who_person=self.s.user(script.person) if script.person else None,
            due_on=self.s.not_before_today(due),
        )
        if step.due_on != due:
            correct(step, due_on=due)
        self.steps[script] = step
        self.new.add(script)
        self.count(Step)

    def start_step(self, script: StepScript) -> None:
        if script in self.new:
            services.update_step(self.tp, self.steps[script], status=StepStatus.IN_PROGRESS)

    def close_step(self, script: StepScript) -> None:
        if script not in self.new:
            return
        actor = self.owner if script.by_owner else self.tp
        step = services.close_step(actor, self.steps[script], script.status, script.how)
        correct(step, closed_on=self.s.day(script.closed))

    def comment(self, script: GoalScript) -> None:
        if script in self.new and self.owner is not None:
            services.add_comment(self.owner, text=script.comment[1], goal=self.goals[script])
            self.count(Comment)

    def suggest(self, script: GoalScript) -> None:
        if script in self.new and self.owner is not None:
            _ago, what, due = script.suggestion
            services.suggest_step(self.owner, self.goals[script], what=what, due_on=self.s.day(due))
            self.count(Step)

    # --- measures

    def add_measure(self, script: MeasureScript) -> None:
        if not self.plan_is_new and (
            Measure._default_manager.filter(plan=self.plan, service=script.service).exists()
            or not self.can_fill()
        ):
            return
        fields = {
            "service": script.service,
            "responsible_organisation": self.s.org(script.org, self.case),
            "responsible_person": self.s.user(script.person) if script.person else None,
            "extent": script.extent,
            "needs_decision": script.needs_decision,
            "decided_by": script.decided_by,
        }
        if script.period:
            start, until = script.period
            fields["period_from"] = self.s.day(start)
            fields["period_until"] = self.s.day(until) if until is not None else None
        if script.applied is not None:
            fields.update(decision_status=Decision.APPLIED, applied_on=self.s.day(script.applied))
        self.measures[script] = services.add_measure(self.tp, self.plan, **fields)
        self.new.add(script)
        self.count(Measure)

    def decide(self, script: MeasureScript) -> None:
        if script in self.new:
            services.update_measure(
                self.tp,
                self.measures[script],
                decision_status=script.outcome,
                decided_on=self.s.day(script.decided),
            )

    def appeal(self, script: MeasureScript) -> None:
        if script in self.new:
            services.update_measure(
                self.tp,
                self.measures[script],
                decision_status=Decision.APPEALED,
                appealed_on=self.s.day(script.appealed),
            )

    def note(self, script: MeasureScript, author: str, text: str) -> None:
        if script not in self.new:
            return
        measure = self.measures[script]
        writer = self.s.user(author) if author else self.tp
        # A partner writes only while the owner's consent with the plan scope is in force.
        if services.may_add_progress_note(writer, measure, self.plan):
            services.add_progress_note(writer, text=text, measure=measure)
            self.count(ProgressNote)


# --- the scripts ----------------------------------------------------------------------------------------------


def _bruker1(section: _Section, case: FollowUp) -> PlanScript:
    """Kari Nordmann: five months of a plan in use, with progress month by month."""
    S = StepScript
    done, not_done = StepStatus.DONE, StepStatus.NOT_DONE
    housing = GoalScript(
        Area.HOUSING,
        "Jeg vil ha en egen leilighet før jul",
        [
            S(
                "Fylle ut søknaden om kommunal bolig sammen med Sigrid",
                150,
                140,
                status=done,
                closed=138,
                how="Vi gjorde det på kafé. Det var mindre skummelt enn jeg trodde.",
            ),
            S(
                "Se på leiligheten i Lademoens gate",
                45,
                25,
                status=done,
                closed=24,
                how="Fin leilighet! Litt dyr, men vi søker bostøtte.",
            ),
            S(
                "Ringe boligkontoret og spørre hvordan det går med klagen",
                14,
                3,
                status=done,
                closed=2,
                by_owner=True,
                how="Det gikk fint! De sier jeg får svar i løpet av en måned.",
            ),
            S("Sende søknad om bostøtte", 10, -2, who=Who.TRUST_PERSON),
        ],
        comment=(1, "Jeg vil helst bo på Lademoen, nær søsteren min."),
        suggestion=(1, "Spørre Eva om hun vil bli med på visning", -14),
    )
    work = GoalScript(
        Area.WORK,
        "Komme meg ut av huset to ganger i uka",
        [
            S(
                "Bli med på turgruppa på tirsdag",
                146,
                110,
                status=not_done,
                closed=104,
                how="Orket ikke å gå dit alene. Vi prøver igjen sammen.",
            ),
            S(
                "Gå på turgruppa sammen med Sigrid",
                104,
                90,
                status=done,
                closed=90,
                how="Vi gikk i Estenstadmarka. Jeg var sliten, men glad.",
            ),
            S(
                "Møte Per i NAV om arbeidsforberedende trening",
                62,
                40,
                who=Who.PERSON,
                person="nav1",
                status=done,
                closed=38,
                how="Per var grei. Jeg søker om å få begynne på Fretex.",
            ),
            S("Prøve en dag med arbeidstrening på Fretex", 12, -18),
        ],
    )
    economy = GoalScript(
        Area.ECONOMY,
        "Få oversikt over gjelda mi",
        [
            S(
                "Samle alle regningene og brevene i én mappe",
                150,
                135,
                status=done,
                closed=128,
                how="Det ble en tjukk mappe, men nå ligger alt på ett sted.",
            ),
            S(
                "Bestille time hos gjeldsrådgiveren i NAV",
                128,
                100,
                who=Who.TRUST_PERSON,
                status=done,
                closed=97,
            ),
            S(
                "Møte gjeldsrådgiveren og ta med mappa",
                97,
                58,
                status=done,
                closed=55,
                how="Nå vet jeg hvor mye jeg skylder. Det er mye, men ikke umulig.",
            ),
        ],
    )
    dental = GoalScript(
        Area.DENTAL_HEALTH,
        "Få fikset tennene så jeg tør å smile igjen",
        [
            S(
                "Ringe tannhelsetjenesten og bestille første time",
                146,
                125,
                status=done,
                closed=118,
                how="Det gikk fint, damen i telefonen var hyggelig.",
            ),
            S(
                "Møte opp til første tannlegetime",
                118,
                80,
                status=done,
                closed=80,
                how="Gruet meg masse, men det gikk. Neste time er om noen uker.",
            ),
            # Gently overdue: four days past, not done yet.
            S("Gå til kontroll hos tannlegen", 20, 4),
        ],
    )
    sober = GoalScript(
        Area.SUBSTANCE_USE,
        "Bare det at jeg ikke drikker – det vil jeg holde på med",
        [
            S(
                "Gå på møte i A-larm på torsdag",
                100,
                70,
                status=done,
                closed=68,
                how="Det var godt å høre at andre har det som meg.",
            ),
            S(
                "Skrive ned hva som skjer før suget kommer, i to uker",
                30,
                14,
                status=done,
                closed=12,
                how="Det er ofte når jeg har fått brev. Godt å vite.",
            ),
        ],
    )
    nav_note = (
        3,
        "nav1",
        "Søknaden om arbeidsforberedende trening er mottatt og ligger til behandling. Kari får svar i løpet av "
        "tre uker.",
    )
    measures = [
        MeasureScript(
            "Økonomisk sosialhjelp",
            "nav",
            146,
            "Hver måned",
            needs_decision=True,
            applied=146,
            decided=140,
            outcome=Decision.GRANTED,
            decided_by="NAV Lerkendal",
        ),
        MeasureScript(
            "Kommunal utleiebolig",
            "housing",
            140,
            needs_decision=True,
            applied=140,
            decided=100,
            outcome=Decision.REFUSED,
            appealed=92,
            decided_by="Boligkontoret, Trondheim kommune",
            notes=[
                (92, "", "Vi har klaget på avslaget sammen. Kari har fått en god uttalelse fra fastlegen.")
            ],
        ),
        MeasureScript("Følge til timer hos tannlegen og NAV", "unit", 146, "Etter avtale"),
        MeasureScript("Gjeldsrådgivning", "nav", 128, "Tre samtaler", period=(128, 40)),
        MeasureScript(
            "Arbeidsforberedende trening",
            "nav",
            40,
            "Tre dager i uka",
            person="nav1",
            needs_decision=True,
            applied=35,
            decided_by="NAV Lerkendal",
            notes=[nav_note],
        ),
    ]
    return PlanScript(
        case=case,
        kind="active",
        created=150,
        texts={
            "own_words": "Jeg vil ha et sted å bo som er mitt eget, og en vanlig hverdag uten alkohol.",
            "resources": "Jeg er flink med hendene. Søsteren min Eva stiller opp for meg.",
            "needs": "Hjelp med papirer og brev fra NAV. Noen å ringe når det blir for mye.",
            "contributions": "Kari: møter på avtalene og sier fra hvis hun ikke orker. Sigrid (tillitsperson): "
            "koordinerer planen, hjelper med søknader og blir med til NAV. NAV Lerkendal: "
            "økonomi og arbeidstrening. Eva (søster): er med på visninger.",
            "how_carried_out": "Vi møtes hver uke, gjerne på kafé. Planen gås gjennom hver tredje måned.",
            "cooperation": "NAV Lerkendal, som Kari har gitt samtykke til å se planen.",
        },
        goals=[housing, work, economy, dental, sober],
        measures=measures,
        consent=(147, Consent.GivenHow.PORTAL),
        activated=146,
        period_days=365,
        next_revision=146 - 84,
        revisions=[
            RevisionScript(
                62,
                "Klagen på boligsøknaden er sendt. Kari vil fortsette i A-larm, og vi la til et delmål om "
                "arbeidstrening.",
                "Kari Nordmann, Sigrid Aune (tillitsperson), Per Olsen (NAV Lerkendal)",
                62 - 84,
            )
        ],
    )


def _bruker3(section: _Section, case: FollowUp) -> PlanScript:
    """Lise Berg, just taken in: a draft that waits for her consent."""
    return PlanScript(
        case=case,
        kind="draft",
        created=6,
        texts={
            "own_words": "Jeg vil komme meg på beina igjen. Ta det litt etter litt.",
            "needs": "Noen å snakke med, og hjelp med brevene.",
        },
        goals=[
            GoalScript(
                Area.MENTAL_HEALTH, "Sove bedre om natta", [StepScript("Skrive søvndagbok i to uker", 6, -8)]
            ),
            GoalScript(
                Area.LEISURE,
                "Finne tilbake til noe jeg liker å gjøre",
                [StepScript("Bli med Sigrid på Aktivitetshuset en formiddag", 6, -15)],
            ),
        ],
    )


def _bruker4(section: _Section, case: FollowUp) -> PlanScript:
    """Geir Solberg, on a break: he said no to a plan for now."""
    return PlanScript(case=case, kind="declined", created=34, declined=(30, DECLINED[0]))


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


def _generated(section: _Section, case: FollowUp, kind: str) -> PlanScript:
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


# The owners with a log-in who have a plan. bruker2 is left without one: the browser test makes one with him.
OWNER_SCRIPTS = {"bruker1": _bruker1, "bruker3": _bruker3, "bruker4": _bruker4}


def scripts(section: _Section) -> list[PlanScript]:
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
    pool = [c for c in cases if not c.service_user.user_id]
    builder.plan_rng("plans").shuffle(pool)
    wanted = round(SHARE_WITH_PLAN * len(open_cases)) - len(made)
    chosen = [c for c in pool if c.status != FollowUp.Status.ENDED][: max(wanted, 0)]
    chosen.sort(key=lambda c: (c.municipality.number, c.service_user.last_name, c.service_user.first_name))
    for case, kind in zip(chosen, _kinds(builder, chosen), strict=True):
        made.append(_generated(section, case, kind))
    return made


@register_demo_section
def plans_demo(builder: DemoBuilder) -> None:
    section = _Section(builder)
    with section.clock:
        for script in scripts(section):
            _Play(section, script).run()
    section.settle()
    log_on_steps(builder)


def log_on_steps(builder: DemoBuilder) -> None:
    """Kari's latest contacts name the open step of their life area they were about: her log shows «Delmål: …»."""
    case = FollowUp.objects.filter(service_user__user=builder.users["bruker1"]).order_by("-pk").first()
    steps = list(
        Step.objects.filter(goal__plan__follow_up=case).live().open().select_related("goal").order_by("due_on", "pk")
    )
    entries = (
        FollowUpEntry.objects.filter(follow_up=case, archived_at__isnull=True)
        .exclude(kind=FollowUpEntry.Kind.NOT_MET)
        .order_by("-started_at")[:6]
    )
    for entry in entries:
        about = [step for step in steps if step.goal.life_area in entry.life_areas][:1]
        if about:
            logged_steps.save(entry.written_by, entry, about)
