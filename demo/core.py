"""Demo data: Trondheim kommune's Oppfølgingstjenesten Øst, its partners and about 60 service users.

Used by ``manage.py seed_demo`` (``make run``) and by the browser tests. Running it again changes nothing:
every object is looked up by a stable natural key (a user name, an organisation's name, a person's name,
an owner and a grantee) and only created when missing, so no new rows and no new history rows appear.

Cases, consents and next of kin are made through ``koordinator.services`` by the trust person who works on
the case, so the history and the case timeline read as they would in real use. What the services do not
cover (municipalities, organisations, accounts, memberships) is saved directly with the ``system`` user as
history user. Names are fictional; a seeded random generator keeps them the same on every run.

Continuity (issue 3) is relative to the day the seed runs: standing deputies, appointments this week and
next, ``tillit3`` off sick today (their 10:00 home visit with ``bruker4`` handed to the deputy ``tillit4``,
every user told at once) and ``tillit2`` on holiday from next Monday for two weeks (announced by
``run_reminders`` the day before). These go through ``koordinator.continuity`` as a leader or the trust
person would, so the outbox holds the notifications those events write. They are left *pending*: in-app
ones show under the bell at once; ``manage.py send_notifications --once`` delivers the SMS and e-mail.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from demo import outcomes as demo_outcomes
from demo import reach_callbacks as demo_reach_callbacks
from demo import reach_messages as demo_reach_messages
from demo import sign_in
from koordinator import access, continuity, services
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    Membership,
    Municipality,
    NextOfKin,
    Notification,
    Organisation,
    ServiceUser,
    User,
)
from koordinator.timeutil import at
from koordinator.toolkit import save_with_history

PASSWORD = "demo-passord"
SYSTEM_USERNAME = "system"
SEED = 5001

Status = FollowUp.Status
Source = FollowUp.ReferralSource
Reason = FollowUp.EndingReason
Scope = Consent.Scope
Role = Membership.Role
Kind = Organisation.Kind

# --- who can log in ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    first_name: str
    last_name: str
    title: str
    what: str  # one line for the printed list and the README
    # A fictional Norwegian mobile number (the users are told to call their contact on it).
    phone: str = ""


STAFF = (
    Login(
        "leder",
        "Hilde",
        "Sandvik",
        "Avdelingsleder",
        "Leder: saksoversikt, fravær, dekning og faste stedfortredere",
        "+4791000100",
    ),
    Login(
        "tillit1",
        "Sigrid",
        "Aune",
        "Tillitsperson",
        "Tillitsperson: Min arbeidsliste (har bruker1, og én bruker uten kontakt på tre uker), dekker for tillit2",
        "+4791000111",
    ),
    Login(
        "tillit2",
        "Jonas",
        "Lie",
        "Tillitsperson",
        "Tillitsperson: ferie i to uker fra neste mandag",
        "+4791000112",
    ),
    Login("tillit3", "Ingrid", "Moe", "Tillitsperson", "Tillitsperson: sykmeldt i dag", "+4791000113"),
    Login(
        "tillit4",
        "Thomas",
        "Bakken",
        "Tillitsperson",
        "Tillitsperson: dekker for tillit3 i dag (Overføringsliste)",
        "+4791000114",
    ),
    Login("tillit5", "Amina", "Hussein", "Tillitsperson", "Tillitsperson: Min arbeidsliste", "+4791000115"),
    Login(
        "tillit6",
        "Erik",
        "Strand",
        "Tillitsperson",
        "Tillitsperson: har ingen fast stedfortreder",
        "+4791000116",
    ),
)
PARTNERS = (
    Login("nav1", "Per", "Olsen", "Veileder", "NAV Lerkendal: brukerne som har samtykket"),
    Login("dps1", "Marte", "Nilsen", "Psykologspesialist", "DPS Nidaros: brukerne som har samtykket"),
    Login("lege1", "Knut", "Haugen", "Fastlege", "Lerkendal legesenter: brukerne som har samtykket"),
    # Made with its organisation and membership by the crisis-plan section (demo/crisis.py).
    Login("legevakt1", "Line", "Øien", "Lege", "Trondheim legevakt: kriseplan med nødtilgang (oppgi grunn)"),
)
ADMIN = Login("admin", "Silje", "Dahl", "Systemansvarlig", "Administrator: brukerkontoer og Django-admin")
MALVIK_STAFF = (
    Login("leder_malvik", "Randi", "Lund", "Avdelingsleder", "Leder i Malvik: ser ingen saker i Trondheim"),
    Login("tillit_malvik", "Ole", "Vik", "Tillitsperson", "Tillitsperson i Malvik"),
)

# The five service users with a login: (username, first, last, trust person, deputy, status, source)
OWNERS = (
    ("bruker1", "Kari", "Nordmann", "tillit1", "tillit2", Status.ACTIVE, Source.AGENCY),
    ("bruker2", "Ola", "Hansen", "tillit2", "tillit1", Status.ACTIVE, Source.OUTREACH),
    ("bruker3", "Lise", "Berg", "tillit1", "tillit3", Status.INTAKE, Source.SELF),
    ("bruker4", "Geir", "Solberg", "tillit3", None, Status.DORMANT, Source.RELATIVES),
    ("bruker5", "Hanne", "Johansen", "tillit4", "tillit5", Status.ENDED, Source.AGENCY),
)
OWNER_NOTES = {"bruker4": ", som er syk i dag: se beskjeden og «Kontakten din nå»"}
OWNER_LOGINS = tuple(
    Login(u, f, last, "", f"Tjenestemottaker: Min side (tillitsperson {tp}{OWNER_NOTES.get(u, '')})")
    for u, f, last, tp, *_ in OWNERS
)


def all_logins() -> tuple[Login, ...]:
    return (*STAFF, *OWNER_LOGINS, *PARTNERS, ADMIN, *MALVIK_STAFF)


# --- fictional people -------------------------------------------------------------------------------------

FIRST_NAMES = tuple(
    (
        "Anders Anne Arild Astrid Bjørn Camilla Dag Elin Espen Frode Gunn Hans Heidi Ivar Janne Jørgen "
        "Kjersti Kristian Linn Magnus Marit Morten Nina Odd Petter Ragnhild Rune Siri Stian Terje Tone "
        "Trond Turid Vegard Wenche Øystein Åse Mohammed Fatima Ahmed Tomasz Agnieszka Yonas Hodan"
    ).split()
)
LAST_NAMES = tuple(
    (
        "Andersen Berntsen Dahle Eide Fossum Gundersen Halvorsen Iversen Jakobsen Karlsen Knutsen Larsen "
        "Martinsen Moen Nygård Pedersen Rasmussen Sæther Tangen Ulvik Vold Wold Østby Aasen Brekke Hovde "
        "Lyng Rønning Sletten Skjærvø Tiller Haugan Ali Kowalski Tesfay Warsame"
    ).split()
)
STREETS = (
    ("Innherredsveien", "7042"),
    ("Lademoens gate", "7042"),
    ("Strindveien", "7034"),
    ("Jonsvannsveien", "7051"),
    ("Bromstadveien", "7047"),
    ("Kong Øysteins vei", "7045"),
    ("Lerkendalsveien", "7031"),
    ("Valøyvegen", "7054"),
    ("Ranheimsvegen", "7054"),
)
INTERPRETER_LANGUAGES = ("arabisk", "somali", "tigrinja", "polsk")

GENERATED_TRONDHEIM = 55  # + the five with a login = 60 service users in Trondheim
# How the generated cases spread over the statuses (sums to GENERATED_TRONDHEIM).
STATUS_SPREAD = {Status.INTAKE: 7, Status.ACTIVE: 28, Status.DORMANT: 8, Status.ENDED: 12}


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)

    def count(self, model: type[models.Model]) -> None:
        self.created[model._meta.verbose_name_plural] += 1


# Other apps add their demo data here: ``fn(builder)`` runs at the end of ``DemoBuilder.build`` inside the same
# transaction, with ``builder.users``, ``builder.today``, ``builder.ensure`` and ``builder.system`` at hand.
DEMO_SECTIONS: list[Callable[[DemoBuilder], None]] = []


def register_demo_section(fn):
    DEMO_SECTIONS.append(fn)
    return fn


class DemoBuilder:
    """Builds the demo world step by step; every step is safe to repeat."""

    def __init__(self, today: datetime.date | None = None, log: Callable[[str], None] | None = None):
        self.today = today or timezone.localdate()
        # Two kinds of randomness. ``plan_rng(section)`` decides names and who gets what: it is drawn the
        # same way on every run, so a rerun finds the same natural keys. ``self.rng`` fills in details
        # (phone numbers, dates) and is only drawn when something is created.
        self.rng = random.Random(SEED)
        self.summary = Summary()
        self.log = log or (lambda message: None)
        # One hash for every demo account: hashing costs a noticeable fraction of a second each time.
        self.password_hash = make_password(PASSWORD)
        self.users: dict[str, User] = {}

    # --- low-level helpers -------------------------------------------------------------------------------

    def ensure(self, model: type[models.Model], lookup: dict, values: dict | None = None) -> models.Model:
        """Get by ``lookup``; create when missing; save only if a value differs (so reruns add no history)."""
        values = values or {}
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, "Demodata")
            self.summary.count(model)
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self._save(obj, "Demodata oppdatert")
        return obj

    def _save(self, obj: models.Model, reason: str) -> None:
        obj._history_user = self.system
        obj._change_reason = reason
        obj.save()

    def account(self, login: Login, *, is_staff: bool = False, is_superuser: bool = False) -> User:
        user = User.objects.filter(username=login.username).first()
        values = {
            "first_name": login.first_name,
            "last_name": login.last_name,
            "title": login.title,
            "email": f"{login.username}@example.com",
            "phone": login.phone,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "is_active": True,
        }
        if user is None:
            # The password is set once, at creation: a demo user who changed it keeps the new one.
            user = self.ensure(User, {"username": login.username}, {**values, "password": self.password_hash})
        else:
            user = self.ensure(User, {"username": login.username}, values)
        self.users[login.username] = user
        return user

    def member(self, username: str, organisation: Organisation, role: str) -> Membership:
        return self.ensure(
            Membership, {"user": self.users[username], "organisation": organisation, "role": role}
        )

    @staticmethod
    def plan_rng(section: str) -> random.Random:
        return random.Random(f"{SEED}-{section}")

    def phone(self) -> str:
        # Norwegian mobile numbers start with 4 or 9, but 42, 43, 44 and 49 are not mobile series.
        prefix = self.rng.choice(
            ("40", "41", "45", "46", "47", "48", "90", "91", "92", "93", "94", "95", "97", "98")
        )
        return f"+47{prefix}{self.rng.randrange(10**6):06d}"

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    # --- the world ---------------------------------------------------------------------------------------

    @transaction.atomic
    def build(self) -> Summary:
        self.system = User.objects.filter(username=SYSTEM_USERNAME).first()
        if self.system is None:
            self.system = User(username=SYSTEM_USERNAME, first_name="System", is_active=False)
            self.system.set_unusable_password()
            self.system._change_reason = "Demodata"
            self.system.save()
            self.summary.count(User)
        self.organisations()
        self.accounts()
        self.trondheim_cases()
        self.malvik_cases()
        # Nina Ås (no account until her first log-in through ID-porten) and everyone's national identity number,
        # before the sections that draw on the cases; then the staff log-ins and past log-ins (demo/sign_in.py).
        sign_in.add_people(self)
        self.consents()
        self.next_of_kin()
        self.access_events()
        sign_in.add_sign_ins(self)
        self.standing_deputies()
        self.appointments()
        self.absences()
        self.followup_log()
        # Other apps' demo data (plans, meetings), in the order they registered; each must be safe to repeat.
        for section in DEMO_SECTIONS:
            section(self)
        # Outcomes (issue 14): quality-of-life rounds, end-of-follow-up evaluations, feedback (demo/outcomes.py).
        demo_outcomes.add_outcomes(self)
        # Messages between bruker1 and tillit1 (issue 16, demo/reach_messages.py).
        demo_reach_messages.add_messages(self)
        # «Ring meg» (issue 16, demo/reach_callbacks.py): bruker1 asked today; tillit3's user got the deputy.
        demo_reach_callbacks.add_callbacks(self)
        return self.summary

    def organisations(self) -> None:
        self.trondheim = self.ensure(Municipality, {"number": "5001"}, {"name": "Trondheim kommune"})
        self.malvik = self.ensure(Municipality, {"number": "5031"}, {"name": "Malvik kommune"})

        def org(name: str, kind: str, municipality: Municipality | None, phone: str = "", duty: str = ""):
            return self.ensure(
                Organisation,
                {"name": name, "kind": kind},
                {"municipality": municipality, "phone": phone, "duty_phone": duty, "is_active": True},
            )

        self.unit = org(
            "Oppfølgingstjenesten Øst", Kind.FOLLOW_UP_SERVICE, self.trondheim, "+4772540000", "+4791500100"
        )
        self.malvik_unit = org(
            "Oppfølgingstjenesten Malvik", Kind.FOLLOW_UP_SERVICE, self.malvik, "+4773980000", "+4791500200"
        )
        self.nav = org("NAV Lerkendal", Kind.NAV, self.trondheim, "+4755553333")
        self.dps = org("DPS Nidaros", Kind.SPECIALIST, None, "+4772820000")
        self.gp = org("Lerkendal legesenter", Kind.GP, self.trondheim, "+4773500000")
        self.housing = org("Boligkontoret", Kind.HOUSING, self.trondheim, "+4772541000")
        self.probation = org("Friomsorgen", Kind.CORRECTIONAL, None, "+4773900000")
        self.user_org = org("A-larm", Kind.USER_ORG, None, "+4722000000")
        self.agencies = [self.nav, self.nav, self.nav, self.dps, self.gp, self.probation, self.housing]

    def accounts(self) -> None:
        for login in STAFF:
            self.account(login)
        self.member("leder", self.unit, Role.LEADER)
        for login in STAFF[1:]:
            self.member(login.username, self.unit, Role.TRUST_PERSON)
        for login, org in zip(PARTNERS[:3], (self.nav, self.dps, self.gp), strict=True):
            self.account(login)
            self.member(login.username, org, Role.PARTNER)
        self.account(ADMIN, is_staff=True, is_superuser=True)
        self.member("admin", self.unit, Role.ADMIN)
        for login in MALVIK_STAFF:
            self.account(login)
        self.member("leder_malvik", self.malvik_unit, Role.LEADER)
        self.member("tillit_malvik", self.malvik_unit, Role.TRUST_PERSON)
        for login in OWNER_LOGINS:
            self.account(login)
        # Memberships were just written: drop any roles cached on these user objects.
        for user in self.users.values():
            access.forget(user)

    # --- cases -------------------------------------------------------------------------------------------

    def person(self, first: str, last: str) -> dict:
        street, postal_code = self.rng.choice(STREETS)
        data = {
            "first_name": first,
            "last_name": last,
            "birth_date": datetime.date(
                self.rng.randint(1962, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28)
            ),
            "address": f"{street} {self.rng.randint(1, 120)}",
            "postal_code": postal_code,
            "city": "Trondheim",
        }
        roll = self.rng.random()
        if roll < 0.75:
            data.update(phone=self.phone(), preferred_channel=ServiceUser.Channel.SMS)
        elif roll < 0.88:
            data.update(
                phone=self.phone(),
                email=f"{first}.{last}@example.com".lower()
                .replace("ø", "o")
                .replace("æ", "ae")
                .replace("å", "a"),
                preferred_channel=ServiceUser.Channel.EMAIL,
            )
        else:
            data.update(preferred_channel=ServiceUser.Channel.LETTER)  # no phone: letters reach them
        if self.rng.random() < 0.08:
            data.update(interpreter_needed=True, interpreter_language=self.rng.choice(INTERPRETER_LANGUAGES))
        return data

    def follow_up(
        self,
        *,
        unit: Organisation,
        municipality: Municipality,
        first: str,
        last: str,
        trust_person: str,
        deputy: str | None,
        status: str,
        source: str,
        ending: str | None = None,
    ) -> FollowUp:
        """One service user and their case, taken through intake and on to ``status`` by the trust person."""
        existing = FollowUp.objects.filter(
            service_user__municipality=municipality,
            service_user__first_name=first,
            service_user__last_name=last,
        ).first()
        if existing is not None:
            return existing
        actor = self.users[trust_person]
        person = self.person(first, last)
        if municipality == self.malvik:
            person["city"] = "Hommelvik"
            person["postal_code"] = "7550"
        started_on = self.days_ago(2, 20) if status == Status.INTAKE else self.days_ago(60, 700)
        referral: dict = {"referral_source": source}
        if source == Source.AGENCY:
            if self.rng.random() < 0.85:
                referral["referral_agency"] = self.rng.choice(self.agencies)
            else:
                referral["referral_agency_name"] = "Legevakten i Trondheim"
            referral["referral_note"] = "Henvist med ønske om tett oppfølging i en periode."
        elif source == Source.OUTREACH:
            referral["referral_note"] = "Møtt på Gatekjøkkenet."
        case = services.register_service_user(
            actor,
            unit=unit,
            trust_person=actor,
            deputy=self.users[deputy] if deputy else None,
            started_on=started_on,
            **referral,
            **person,
        )
        if status in (Status.ACTIVE, Status.DORMANT) or (
            status == Status.ENDED and ending != Reason.DROPPED_OUT
        ):
            case = services.change_status(actor, case, Status.ACTIVE)
        if status == Status.DORMANT:
            case = services.change_status(actor, case, Status.DORMANT, "Ønsker en pause fra oppfølgingen.")
        if status == Status.ENDED:
            case = self.end(actor, case, ending or Reason.NO_LONGER_NEEDED)
        self.summary.count(FollowUp)
        return case

    def end(self, actor: User, case: FollowUp, reason: str) -> FollowUp:
        span = max((self.today - case.started_on).days - 1, 1)
        ended_on = case.started_on + datetime.timedelta(days=self.rng.randint(min(30, span), span))
        kwargs: dict = {"reason": reason, "ended_on": ended_on}
        if reason in (Reason.NO_LONGER_NEEDED, Reason.DROPPED_OUT, Reason.MOVED, Reason.HANDED_OVER):
            # Some doors are still open today, some have closed.
            kwargs["open_door_until"] = ended_on + datetime.timedelta(days=self.rng.choice((90, 180, 365)))
        if reason == Reason.HANDED_OVER:
            if self.rng.random() < 0.5:
                kwargs["taken_over_by"] = self.dps
            else:
                kwargs["taken_over_by_name"] = "Psykisk helse og rus, Midtbyen"
        if reason == Reason.PRISON:
            kwargs["taken_over_by"] = self.probation
            kwargs["open_door_until"] = ended_on + datetime.timedelta(days=540)
        if reason == Reason.OTHER:
            kwargs["note"] = "Brukeren ønsket å prøve på egen hånd, med fastlegen som kontakt."
        return services.end_follow_up(actor, case, **kwargs)

    def trondheim_cases(self) -> None:
        for username, first, last, trust_person, deputy, status, source in OWNERS:
            ending = Reason.HANDED_OVER if status == Status.ENDED else None
            case = self.follow_up(
                unit=self.unit,
                municipality=self.trondheim,
                first=first,
                last=last,
                trust_person=trust_person,
                deputy=deputy,
                status=status,
                source=source,
                ending=ending,
            )
            su = case.service_user
            if su.user_id != self.users[username].pk:
                su.user = self.users[username]
                self._save(su, "Innlogging koblet til")

        rng = self.plan_rng("cases")
        taken = {(first, last) for _, first, last, *_ in OWNERS}
        names: list[tuple[str, str]] = []
        while len(names) < GENERATED_TRONDHEIM:
            name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if name not in taken:
                taken.add(name)
                names.append(name)
        statuses = [status for status, n in STATUS_SPREAD.items() for _ in range(n)]
        rng.shuffle(statuses)
        # Every referral source appears; after that, roughly the trial's shares (66/23/8/3 %).
        sources = list(Source.values) + rng.choices(
            [Source.AGENCY, Source.OUTREACH, Source.SELF, Source.RELATIVES],
            weights=(66, 23, 8, 3),
            k=GENERATED_TRONDHEIM - len(Source.values),
        )
        reasons = list(Reason.values)
        trust_people = [login.username for login in STAFF[1:]]
        ended = 0
        self.generated: list[FollowUp] = []
        for i, ((first, last), status, source) in enumerate(zip(names, statuses, sources, strict=True)):
            trust_person = trust_people[i % len(trust_people)]
            deputy = None
            if rng.random() < 0.8:
                deputy = rng.choice([u for u in trust_people if u != trust_person])
            ending = None
            if status == Status.ENDED:
                ending = reasons[ended % len(reasons)]
                ended += 1
            self.generated.append(
                self.follow_up(
                    unit=self.unit,
                    municipality=self.trondheim,
                    first=first,
                    last=last,
                    trust_person=trust_person,
                    deputy=deputy,
                    status=status,
                    source=source,
                    ending=ending,
                )
            )

    def malvik_cases(self) -> None:
        for first, last, status, source in (
            ("Jan", "Fjeldstad", Status.ACTIVE, Source.AGENCY),
            ("Mari", "Hegge", Status.ACTIVE, Source.SELF),
            ("Svein", "Kvål", Status.INTAKE, Source.OUTREACH),
            ("Tove", "Reitan", Status.DORMANT, Source.RELATIVES),
        ):
            self.follow_up(
                unit=self.malvik_unit,
                municipality=self.malvik,
                first=first,
                last=last,
                trust_person="tillit_malvik",
                deputy=None,
                status=status,
                source=source,
            )

    # --- consent, next of kin, access log ----------------------------------------------------------------

    def consent(
        self,
        case: FollowUp,
        *,
        scopes: list[str],
        state: str,
        grantee_user: str | None = None,
        grantee_organisation: Organisation | None = None,
        given_by_owner: bool = False,
    ) -> Consent:
        owner = case.service_user
        grantee = self.users[grantee_user] if grantee_user else None
        existing = Consent.objects.filter(
            owner=owner, grantee_user=grantee, grantee_organisation=grantee_organisation
        ).first()
        if existing is not None:
            return existing
        if state == "expired":
            valid_from = self.today - datetime.timedelta(days=400)
            valid_until = self.today - datetime.timedelta(days=35)
        elif state == "future":
            valid_from = self.today + datetime.timedelta(days=14)
            valid_until = valid_from + datetime.timedelta(days=365)
        else:
            valid_from = self.days_ago(10, 200)
            valid_until = valid_from + datetime.timedelta(days=365)
        actor = owner.user if given_by_owner else case.trust_person
        consent = services.give_consent(
            actor,
            owner,
            scopes=scopes,
            valid_from=valid_from,
            valid_until=valid_until,
            given_how=self.rng.choice((Consent.GivenHow.PAPER, Consent.GivenHow.ORAL)),
            grantee_user=grantee,
            grantee_organisation=grantee_organisation,
        )
        if state == "withdrawn":
            consent = services.withdraw_consent(
                actor, consent, "Brukeren vil ikke lenger at denne skal se opplysningene."
            )
        self.summary.count(Consent)
        return consent

    def consents(self) -> None:
        by_name = {
            (c.service_user.first_name, c.service_user.last_name): c
            for c in FollowUp.objects.filter(municipality=self.trondheim).select_related(
                "service_user", "trust_person", "service_user__user"
            )
        }
        owner_cases = [by_name[(first, last)] for _, first, last, *_ in OWNERS]
        b1, b2, b3, b4, b5 = owner_cases
        # bruker1 gave NAV Lerkendal (nav1's office) a consent herself, in the portal.
        self.consent(
            b1,
            scopes=[Scope.FOLLOWUP_LOG, Scope.MEETINGS, Scope.PLAN],
            state="valid",
            grantee_organisation=self.nav,
            given_by_owner=True,
        )
        self.consent(b1, scopes=[Scope.CRISIS_PLAN], state="valid", grantee_user="lege1")
        self.consent(b1, scopes=[Scope.PLAN, Scope.MEETINGS], state="withdrawn", grantee_user="dps1")
        self.consent(b1, scopes=[Scope.MEETINGS], state="expired", grantee_organisation=self.housing)
        self.consent(b2, scopes=[Scope.PLAN, Scope.CRISIS_PLAN], state="valid", grantee_user="dps1")
        self.consent(b2, scopes=[Scope.FOLLOWUP_LOG], state="expired", grantee_organisation=self.nav)
        self.consent(b3, scopes=[Scope.CRISIS_PLAN, Scope.MEETINGS], state="future", grantee_user="lege1")
        self.consent(b4, scopes=[Scope.FOLLOWUP_LOG], state="valid", grantee_organisation=self.user_org)
        self.consent(
            b5, scopes=[Scope.PLAN, Scope.FOLLOWUP_LOG], state="valid", grantee_organisation=self.dps
        )

        # The generated users: every kind of grantee, state and scope, one consent each.
        plan = (
            ("org", self.nav, "valid"),
            ("user", "lege1", "valid"),
            ("org", self.dps, "valid"),
            ("user", "dps1", "expired"),
            ("org", self.housing, "valid"),
            ("user", "nav1", "withdrawn"),
            ("org", self.probation, "future"),
            ("org", self.user_org, "valid"),
            ("user", "lege1", "expired"),
            ("org", self.nav, "withdrawn"),
            ("user", "dps1", "valid"),
            ("org", self.gp, "valid"),
        )
        scope_sets = (
            [Scope.FOLLOWUP_LOG],
            [Scope.CRISIS_PLAN],
            [Scope.PLAN, Scope.MEETINGS],
            [Scope.MEETINGS],
            list(Consent.SCOPE_FIELDS),
            [Scope.PLAN],
            [Scope.FOLLOWUP_LOG, Scope.CRISIS_PLAN],
        )
        for i, case in enumerate(self.generated[:24]):
            kind, grantee, state = plan[i % len(plan)]
            self.consent(
                case,
                scopes=scope_sets[i % len(scope_sets)],
                state=state,
                grantee_user=grantee if kind == "user" else None,
                grantee_organisation=grantee if kind == "org" else None,
            )

    def kin(self, case: FollowUp, name: str, relation: str, **extra) -> NextOfKin:
        existing = NextOfKin.objects.filter(service_user=case.service_user, name=name).first()
        if existing is not None:
            return existing
        self.summary.count(NextOfKin)
        return services.add_next_of_kin(
            case.trust_person, case.service_user, name=name, relation=relation, **extra
        )

    def next_of_kin(self) -> None:
        b1 = FollowUp.objects.select_related("service_user", "trust_person").get(
            service_user__user__username="bruker1"
        )
        self.kin(
            b1, "Eva Nordmann", "søster", phone="+4790011223", note="Støtter Kari, kan ringes ved krise."
        )
        self.kin(
            b1,
            "Tor Eriksen",
            "tidligere samboer",
            kind=NextOfKin.Kind.RESTRICTED,
            note="Skal ikke kontaktes. Kari ønsker ikke at han får vite noe om henne.",
        )
        rng = self.plan_rng("kin")
        relations = ("mor", "far", "bror", "søster", "datter", "sønn", "tante")
        for i, case in enumerate(self.generated):
            if i % 3 == 0:
                name = f"{rng.choice(FIRST_NAMES)} {case.service_user.last_name}"
                self.kin(case, name, rng.choice(relations), phone=self.phone())
        self.kin(self.generated[1], "Advokat Nina Krogh", "verge", is_guardian=True, phone="+4773112233")
        self.kin(
            self.generated[2],
            "Rolf Strøm",
            "far",
            kind=NextOfKin.Kind.RESTRICTED,
            note="Skal ikke kontaktes.",
        )

    def access_events(self) -> None:
        """A few reads of bruker1's data, so «Hvem har sett opplysningene mine» has something to show."""
        su = ServiceUser.objects.get(user__username="bruker1")
        reads = (
            ("tillit1", "Oppfølgingssaken", AccessEvent.Channel.WEB, 20),
            ("tillit2", "Oppfølgingssaken", AccessEvent.Channel.WEB, 12),
            ("leder", "Personopplysninger og sak", AccessEvent.Channel.WEB, 9),
            ("nav1", "Oppfølgingssaken", AccessEvent.Channel.WEB, 5),
            ("nav1", "Oppfølgingssaken", AccessEvent.Channel.API, 2),
            # What lege1 may see: Kari's consent to him covers the crisis plan only (issue 12).
            ("lege1", "Kriseplan", AccessEvent.Channel.WEB, 1),
        )
        for username, what, channel, days in reads:
            actor = self.users[username]
            if AccessEvent.objects.filter(service_user=su, actor=actor, what=what).exists():
                continue
            access.record_access(actor, [su], what, channel)
            event = AccessEvent.objects.filter(service_user=su, actor=actor, what=what).get()
            # ``at`` is set on insert; spread the demo reads over the last weeks, in working hours (a read at
            # three in the night would alarm the user for nothing). The rows are never changed later, so this
            # one-time correction of the timestamp (row and history) is safe.
            day = timezone.localdate() - datetime.timedelta(days=days)
            when = at(day, self.rng.randint(9, 14), 5 + 7 * days % 50)
            AccessEvent.objects.filter(pk=event.pk).update(at=when)
            AccessEvent.history.filter(id=event.pk).update(at=when)
            self.summary.count(AccessEvent)

    # --- continuity: standing deputies, appointments, absences (issue 3) ---------------------------------

    def standing_deputies(self) -> None:
        """Set by the leader. ``tillit6`` is left without one, so «Dekning» has something to show."""
        leader = self.users["leder"]
        for trust_person, deputy in STANDING_DEPUTIES:
            tp, dep = self.users[trust_person], self.users[deputy]
            if DeputyArrangement.objects.filter(trust_person=tp, deputy=dep).exists():
                continue
            continuity.set_standing_deputy(leader, tp, dep)
            self.summary.count(DeputyArrangement)

    def _case_of(self, username: str) -> FollowUp:
        return FollowUp.objects.select_related("service_user", "trust_person").get(
            service_user__user__username=username
        )

    def _generated_case(self, trust_person: str, nth: int = 0) -> FollowUp:
        """The ``nth`` active generated case of a trust person (the same one on every run)."""
        cases = [
            c
            for c in self.generated
            if c.trust_person_id == self.users[trust_person].pk and c.status == Status.ACTIVE
        ]
        return cases[nth]

    def appointment(
        self,
        case: FollowUp,
        day: datetime.date,
        hour: int,
        *,
        place: str,
        place_detail: str = "",
        about: str = "",
        duration_minutes: int = 60,
    ) -> Appointment:
        """An appointment booked by the case's trust person; looked up by user and time on a rerun."""
        starts_at = at(day, hour)
        existing = Appointment.objects.filter(service_user=case.service_user, starts_at=starts_at).first()
        if existing is not None:
            return existing
        actor = case.trust_person
        fields = {
            "place": place,
            "place_detail": place_detail,
            "about": about,
            "duration_minutes": duration_minutes,
        }
        if starts_at > timezone.now():
            appointment = continuity.create_appointment(actor, case, starts_at=starts_at, **fields)
        else:
            # Today's 10:00 home visit when the seed runs after 10:00: create_appointment refuses a time that
            # has passed, so it is saved as the trust person would have booked it earlier — the same fields,
            # with the trust person as history user. register_absence still hands it to the deputy (it acts
            # on every live appointment of the day) and tells the user.
            appointment = Appointment(
                follow_up=case,
                service_user=case.service_user,
                trust_person=actor,
                starts_at=starts_at,
                created_by=actor,
                **fields,
            )
            save_with_history(appointment, actor, "Avtale opprettet")
        self.summary.count(Appointment)
        return appointment

    def appointments(self) -> None:
        today = self.today
        day = datetime.timedelta(days=1)
        next_monday = self.next_monday()
        Place = Appointment.Place
        b1, b2, b4 = self._case_of("bruker1"), self._case_of("bruker2"), self._case_of("bruker4")
        # tillit3's day: the home visit at 10:00 with bruker4 (who has a log-in) and a call tomorrow.
        self.home_visit = self.appointment(
            b4, today, 10, place=Place.HOME, about="Hvordan går pausen? Kort besøk, som avtalt sist."
        )
        self.tillit3_call = self.appointment(
            self._generated_case("tillit3"),
            today + day,
            13,
            place=Place.PHONE,
            duration_minutes=30,
            about="Høre hvordan det gikk hos NAV.",
        )
        self.appointment(
            b1,
            today + day,
            10,
            place=Place.CAFE,
            place_detail="Dromedar Kaffebar, Bakklandet",
            about="Prate om boligsøknaden.",
        )
        self.appointment(
            b1, today + 3 * day, 13, place=Place.OFFICE, about="Gå gjennom brevet fra NAV sammen."
        )
        # bruker2's is in tillit2's holiday: registering it hands the meeting to the case's deputy, tillit1.
        self.appointment(b2, next_monday + day, 11, place=Place.OFFICE, about="Plan for jobbpraksis.")
        self.appointment(
            self._generated_case("tillit4"), today + 2 * day, 9, place=Place.HOME, about="Hjemmebesøk."
        )
        self.appointment(
            self._generated_case("tillit5"),
            next_monday + 2 * day,
            14,
            place=Place.OFFICE,
            about="Søknad om bostøtte.",
        )
        self.appointment(
            self._generated_case("tillit6"),
            today + 4 * day,
            11,
            place=Place.OTHER,
            place_detail="Biblioteket på Moholt",
            about="Øve til intervju.",
        )
        self.cancelled_by_letter(today + 2 * day)

    def cancelled_by_letter(self, day: datetime.date) -> None:
        """A meeting tillit2 cancels with a user who has no phone: the notice waits in «Brev til utskrift»."""
        tillit2 = self.users["tillit2"]
        case = next(
            (
                c
                for c in self.generated
                if c.trust_person_id == tillit2.pk
                and c.status != Status.ENDED
                and c.service_user.preferred_channel == ServiceUser.Channel.LETTER
            ),
            None,
        )
        if case is None:
            return
        meeting = self.appointment(case, day, 12, place=Appointment.Place.OFFICE, about="Søknad om bostøtte.")
        if meeting.status in Appointment.LIVE_STATUSES:
            continuity.cancel_appointment(tillit2, meeting, "Jonas må i et møte som ikke kan flyttes.")
            self.summary.count(Notification)

    def next_monday(self) -> datetime.date:
        return self.today + datetime.timedelta(days=7 - self.today.weekday())

    def absences(self) -> None:
        """tillit3 off sick today (users told at once); tillit2 on holiday from next Monday for two weeks."""
        tillit2, tillit3 = self.users["tillit2"], self.users["tillit3"]
        sick_until = self.today + datetime.timedelta(days=2)
        if not Absence.objects.overlapping(self.today, sick_until).filter(person=tillit3).exists():
            self._register(
                self.users["leder"],
                tillit3,
                kind=Absence.Kind.SICK_LEAVE,
                starts_on=self.today,
                ends_on=sick_until,
                note="Ringte inn syk i dag tidlig.",
                # The home visit goes to the deputy; tomorrow's phone call is cancelled (a new time is agreed).
                decisions={self.home_visit.pk: continuity.DEPUTY, self.tillit3_call.pk: continuity.CANCEL},
            )
        first, last = self.next_monday(), self.next_monday() + datetime.timedelta(days=13)
        if not Absence.objects.overlapping(first, last).filter(person=tillit2).exists():
            self._register(
                tillit2,
                tillit2,
                kind=Absence.Kind.HOLIDAY,
                starts_on=first,
                ends_on=last,
                note="Ferie.",
                announce_return=True,
            )

    # --- the follow-up log (issue 5) --------------------------------------------------------------------------

    def followup_log(self) -> None:
        """About five months of log entries for every caseload, and one user on tillit1's list nobody has had
        contact with for three weeks (``demo/followup_log.py``)."""
        from demo.followup_log import add_log_entries

        add_log_entries(self)

    def _register(self, actor: User, person: User, **kwargs) -> None:
        before = Notification.objects.count()
        continuity.register_absence(actor, person, **kwargs)
        self.summary.count(Absence)
        for _ in range(Notification.objects.count() - before):
            self.summary.count(Notification)


# Trust person → standing deputy, set by the leader. tillit6 has none (a gap on «Dekning»).
STANDING_DEPUTIES = (
    ("tillit1", "tillit2"),
    ("tillit2", "tillit1"),
    ("tillit3", "tillit4"),
    ("tillit4", "tillit3"),
    ("tillit5", "tillit6"),
)


def waiting_to_be_sent() -> int:
    """SMS and e-mail in the outbox that ``send_notifications`` has not delivered yet (for seed_demo's output)."""
    return Notification.objects.filter(
        state=Notification.State.PENDING,
        channel__in=[Notification.Channel.SMS, Notification.Channel.EMAIL],
        due_at__lte=timezone.now(),
    ).count()


def seed(today: datetime.date | None = None) -> Summary:
    return DemoBuilder(today=today).build()
