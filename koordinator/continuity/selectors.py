"""Continuity, the reads: who covers whom, «Kontakten din nå», gaps in cover, the deputy's handover list (with its
registry for the apps' sections), coverage for the leader, appointment lists and reminder times."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import access
from koordinator.models import (
    Absence,
    Appointment,
    DeputyArrangement,
    FollowUp,
    Membership,
    User,
)
from koordinator.phone import display_phone
from koordinator.timeutil import at, day_bounds, no_date, no_datetime, no_time

# --- who covers whom -------------------------------------------------------------------------------------------


def standing_deputies(trust_person_ids: Iterable[int]) -> dict[int, User]:
    arrangements = DeputyArrangement.objects.filter(trust_person_id__in=set(trust_person_ids)).select_related(
        "deputy"
    )
    return {a.trust_person_id: a.deputy for a in arrangements}


def effective_deputy(case: FollowUp, standing: dict[int, User] | None = None) -> User | None:
    """The case's own deputy, else the trust person's standing deputy."""
    if case.deputy_id:
        return case.deputy
    if standing is None:
        standing = standing_deputies([case.trust_person_id])
    return standing.get(case.trust_person_id)


def absences_on(user_ids: Iterable[int], day: datetime.date) -> dict[int, Absence]:
    """The absence covering ``day`` for each of ``user_ids`` who is away that day."""
    return {a.person_id: a for a in Absence.objects.covering(day).filter(person_id__in=set(user_ids))}


@dataclass
class Contact:
    """Who the user should contact right now."""

    role: str  # "primary", "deputy" or "duty"
    name: str
    phone: str
    person: User | None = None
    until: datetime.date | None = None  # when the primary is back, if they are away
    reason: str = ""

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)

    def as_dict(self) -> dict:
        return {
            "role": self.role,
            "name": self.name,
            "phone": self.phone,
            "user_id": self.person.pk if self.person else None,
            "until": self.until.isoformat() if self.until else None,
            "reason": self.reason,
        }


def contact_now(case: FollowUp, day: datetime.date | None = None, *,
                standing: dict[int, User] | None = None) -> Contact:
    """Primary → deputy → the unit's duty contact, right for ``day`` (today). ``standing``: the standing deputies
    (``standing_deputies``) of a set that holds the case's trust person, when the caller has read them already."""
    day = day or timezone.localdate()
    deputy = effective_deputy(case, standing)
    away = absences_on([case.trust_person_id] + ([deputy.pk] if deputy else []), day)
    return contact_while(case, away.get(case.trust_person_id), deputy, deputy is not None and deputy.pk in away)


def contact_while(case: FollowUp, primary_absence: Absence | None, deputy: User | None,
                  deputy_away: bool) -> Contact:
    """The one rule behind «Kontakten din nå»: the trust person when not away; else the deputy when not away too;
    else the duty phone of the case's unit. ``contact_now`` asks it for today, ``coming_contacts`` for a coming
    absence (the deputy counts as away if away on any day of it)."""
    if primary_absence is None:
        return Contact("primary", case.trust_person.display_name, case.trust_person.phone, case.trust_person)
    if deputy is not None and not deputy_away:
        return Contact(
            "deputy",
            deputy.display_name,
            deputy.phone,
            deputy,
            until=primary_absence.ends_on,
            reason=_("%(name)s er borte til og med %(date)s.")
            % {"name": case.trust_person.first_name or case.trust_person.display_name,
               "date": no_date(primary_absence.ends_on)},
        )
    unit = case.unit
    return Contact(
        "duty",
        _("Vakttelefonen, %(unit)s") % {"unit": unit.name},
        unit.duty_phone or unit.phone,
        None,
        until=primary_absence.ends_on,
        reason=_("Både kontaktpersonen din og stedfortrederen er borte nå."),
    )


def coming_contacts(cases: list[FollowUp], day: datetime.date | None = None,
                    horizon_days: int = 60, *, standing: dict[int, User] | None = None
                    ) -> dict[int, tuple[Absence, Contact]]:
    """For each case whose trust person has an absence that has not begun yet (within ``horizon_days``): that
    absence and who the user contacts then, by the rule of :func:`contact_while`. Two queries however many cases;
    one when given ``standing`` (``standing_deputies`` of the cases' trust persons, or of more)."""
    day = day or timezone.localdate()
    if not cases:
        return {}
    if standing is None:
        standing = standing_deputies({c.trust_person_id for c in cases})
    deputies = {c.pk: effective_deputy(c, standing) for c in cases}
    people = {c.trust_person_id for c in cases} | {d.pk for d in deputies.values() if d}
    by_person: dict[int, list[Absence]] = defaultdict(list)
    for absence in (Absence.objects.overlapping(day + datetime.timedelta(days=1),
                                                day + datetime.timedelta(days=horizon_days))
                    .filter(person_id__in=people).order_by("starts_on", "pk")):
        by_person[absence.person_id].append(absence)
    return _coming(cases, deputies, by_person, day)


def _coming(cases: list[FollowUp], deputies: dict[int, User | None], by_person: dict[int, list[Absence]],
            day: datetime.date) -> dict[int, tuple[Absence, Contact]]:
    coming = {}
    for case in cases:
        mine = next((a for a in by_person[case.trust_person_id] if a.starts_on > day), None)
        if mine is None:
            continue
        deputy = deputies[case.pk]
        deputy_away = deputy is not None and _overlap(by_person[deputy.pk], mine) is not None
        coming[case.pk] = (mine, contact_while(case, mine, deputy, deputy_away))
    return coming


def contacts_now_and_coming(cases: list[FollowUp], standing: dict[int, User], day: datetime.date | None = None,
                            horizon_days: int = 60) -> tuple[Contact | None, dict[int, tuple[Absence, Contact]]]:
    """``contact_now(cases[0], standing=standing)`` and ``coming_contacts(cases, standing=standing)`` (Min side: the
    newest open case first) with one query for the absences of both (from today to the horizon), not two.
    ``standing``: ``standing_deputies`` of the cases' trust persons (or of more)."""
    day = day or timezone.localdate()
    if not cases:
        return None, {}
    deputies = {c.pk: effective_deputy(c, standing) for c in cases}
    people = {c.trust_person_id for c in cases} | {d.pk for d in deputies.values() if d}
    absences = list(Absence.objects.overlapping(day, day + datetime.timedelta(days=horizon_days))
                    .filter(person_id__in=people).order_by("starts_on", "pk"))
    # Today's, as ``absences_on``: of two covering the day, the one that began first (then the lower pk).
    away: dict[int, Absence] = {}
    for absence in absences:
        if absence.starts_on <= day <= absence.ends_on:
            away.setdefault(absence.person_id, absence)
    case, deputy = cases[0], deputies[cases[0].pk]
    now = contact_while(case, away.get(case.trust_person_id), deputy, deputy is not None and deputy.pk in away)
    # The coming ones, as ``coming_contacts``: those that go on after today.
    by_person: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        if absence.ends_on > day:
            by_person[absence.person_id].append(absence)
    return now, _coming(cases, deputies, by_person, day)


@access.per_request
def owner_cases(user: User) -> list[FollowUp]:
    """The logged-in service user's own cases through the gate, newest first (``-started_on, -pk``), with the rows
    Min side and its sections show of them. Read once per request (``access.per_request``: each caller gets a copy
    of the list) by Min side, its sections and the owner's own questions («do I have an open case?»). Empty for
    anyone who is not a service user."""
    actor = access.actor_for(user)
    if actor.service_user_id is None:
        return []
    return list(
        FollowUp.objects.for_user(user)
        .filter(service_user_id=actor.service_user_id)
        .select_related("service_user", "trust_person", "deputy", "unit", "taken_over_by")
        .order_by("-started_on", "-pk")
    )


def my_contact_now(service_user) -> Contact | None:
    case = (
        FollowUp.objects.open()
        .filter(service_user=service_user)
        .select_related("trust_person", "deputy", "unit")
        .order_by("-started_on", "-pk")
        .first()
    )
    return contact_now(case) if case else None


# --- standing deputies -------------------------------------------------------------------------------------------


def leader_over(actor: User, person: User) -> bool:
    munis = access.actor_for(actor).leader_municipality_ids
    return Membership.objects.filter(user=person, organisation__municipality_id__in=munis).exists()


def is_today(appointment: Appointment) -> bool:
    return timezone.localtime(appointment.starts_at).date() == timezone.localdate()


# --- absences --------------------------------------------------------------------------------------------------


@dataclass
class Gap:
    """A case where neither the trust person nor the deputy is there, or where there is no deputy at all.

    ``absent``: the case's trust person's absence; ``deputy_absence``: the deputy's (``None`` when there is no
    deputy)."""

    case: FollowUp
    reason: str
    absent: Absence | None = None
    deputy_absence: Absence | None = None


def cases_of(person: User):
    return (
        FollowUp.objects.open()
        .filter(trust_person=person)
        .select_related("service_user", "trust_person", "deputy", "unit")
        .order_by("pk")
    )


def _overlap(absences: list[Absence], other: Absence) -> Absence | None:
    return next((a for a in absences if a.starts_on <= other.ends_on and a.ends_on >= other.starts_on), None)


def uncovered_cases(cases: Iterable[FollowUp], by_person: dict[int, list[Absence]],
                    standing: dict[int, User]) -> list[tuple[FollowUp, Absence, Absence]]:
    """The one rule for «uten dekning»: each case whose trust person and deputy are away at the same time, with the
    two absences. The coverage page (:func:`coverage_gaps`) and the absence form's step two
    (:func:`gaps_for_absence`, with the absence not yet saved among ``by_person``) both ask it, so they agree."""
    uncovered = []
    for case in cases:
        deputy = effective_deputy(case, standing)
        if deputy is None or deputy.pk == case.trust_person_id:
            continue
        for mine in by_person.get(case.trust_person_id, []):
            theirs = _overlap(by_person.get(deputy.pk, []), mine)
            if theirs is not None:
                uncovered.append((case, mine, theirs))
                break
    return uncovered


def gap_reason(case: FollowUp, mine: Absence, theirs: Absence, person: User | None = None) -> str:
    """In plain words, why nobody covers ``case``; ``person`` is the one being registered as away (named as the one
    who was to cover, not as «also» away, when it is the deputy)."""
    if person is not None and theirs.person_id == person.pk:
        return _("%(absent)s er borte, og %(deputy)s skulle dekke – %(first)s blir også borte.") % {
            "absent": case.trust_person.display_name, "deputy": person.display_name,
            "first": person.first_name or person.display_name,
        }
    return _("Stedfortrederen %(deputy)s er også borte i perioden.") % {"deputy": theirs.person.display_name}


def gaps_for_absence(person: User, starts_on: datetime.date, ends_on: datetime.date,
                     cases: list[FollowUp] | None = None) -> list[Gap]:
    """Every user left without cover if ``person`` is away from ``starts_on`` to ``ends_on``: ``person``'s own users
    whose deputy is away too (or who have none), and the users ``person`` was to cover for a colleague who is away
    then. The same rule as the coverage page (:func:`uncovered_cases`)."""
    own = list(cases if cases is not None else cases_of(person))
    covered = [
        c for c in _covered_cases(person).filter(trust_person_id__in=Absence.objects.overlapping(starts_on, ends_on)
                                                 .values("person_id"))
        .select_related("service_user", "trust_person", "deputy", "unit").order_by("pk")
        if c.trust_person_id != person.pk
    ]
    cases = own + covered
    standing = standing_deputies({c.trust_person_id for c in cases})
    people = {c.trust_person_id for c in covered} | {d.pk for d in (effective_deputy(c, standing) for c in own) if d}
    by_person: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.overlapping(starts_on, ends_on).filter(person_id__in=people - {person.pk}):
        by_person[absence.person_id].append(absence)
    # The absence being registered, not saved yet (or just saved: the same dates).
    planned = Absence(person=person, starts_on=starts_on, ends_on=ends_on)
    by_person[person.pk] = [planned]
    gaps = [
        Gap(case, _("%(user)s har ingen stedfortreder.") % {"user": case.service_user.full_name}, planned)
        for case in own if effective_deputy(case, standing) is None
    ]
    gaps += [
        Gap(case, gap_reason(case, mine, theirs, person), mine, theirs)
        for case, mine, theirs in uncovered_cases(cases, by_person, standing)
    ]
    return sorted(gaps, key=lambda gap: (gap.case.trust_person_id != person.pk, gap.case.pk))


def appointments_in_absence(person: User, starts_on: datetime.date, ends_on: datetime.date) -> list[Appointment]:
    """The live appointments ``person`` was to meet in the period: what registering the absence acts on."""
    return list(
        Appointment.objects.upcoming()
        .filter(trust_person=person)
        .between(starts_on, ends_on)
        .select_related("service_user", "follow_up__trust_person", "follow_up__deputy", "follow_up__unit",
                        "original_trust_person")
        .order_by("starts_at", "pk")
    )


def preview_absence(actor: User, person: User, starts_on: datetime.date, ends_on: datetime.date):
    """What registering would touch: the gaps and the appointments in the period (for the form's warning)."""
    check_absence_rights(actor, person)
    return gaps_for_absence(person, starts_on, ends_on), appointments_in_absence(person, starts_on, ends_on)


# What may happen to an appointment in an absence: the deputy takes it, a colleague who is at work takes it
# (``colleague_choice(user)``), or it is cancelled and the user gets the duty phone.
DEPUTY, CANCEL, COLLEAGUE = "deputy", "cancel", "colleague:"


def colleague_choice(user: User) -> str:
    return f"{COLLEAGUE}{user.pk}"


@dataclass
class Cover:
    """Who can take one appointment while its trust person is away, on the appointment's own day.

    The deputy if they are at work that day; otherwise the colleagues in the case's unit who are (the form offers
    them, and cancelling). ``default`` is what happens when nobody chooses: the deputy takes it if they can,
    else it is cancelled — never a promise that cannot be kept."""

    appointment: Appointment
    deputy: User | None
    deputy_free: bool
    colleagues: list[User] = field(default_factory=list)
    person: User | None = None  # the one being registered as away

    @property
    def default(self) -> str:
        return DEPUTY if self.deputy_free else CANCEL

    @property
    def preselected(self) -> str | None:
        """What the form pre-selects: only what happens whoever looks at it — the deputy who is at work, or
        cancelling when nobody can take it. With a colleague at work to choose, nothing: the leader chooses."""
        if self.deputy_free:
            return DEPUTY
        return None if self.colleagues else CANCEL

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.appointment.starts_at).date()

    @property
    def why_not_deputy(self) -> str:
        """In plain words, why the deputy cannot take it (empty when they can)."""
        if self.deputy_free:
            return ""
        if self.deputy is None:
            return _("Saken har ingen stedfortreder.")
        if self.person is not None and self.deputy.pk == self.person.pk:
            # She was covering this appointment for a colleague who is away: she is not «also» away.
            absent = self.appointment.original_trust_person or self.appointment.follow_up.trust_person
            return _("%(absent)s er borte, og %(deputy)s skulle dekke – %(first)s blir også borte.") % {
                "absent": absent.display_name, "deputy": self.person.display_name,
                "first": self.person.first_name or self.person.display_name,
            }
        return _("Stedfortrederen %(deputy)s er også borte denne dagen.") % {"deputy": self.deputy.display_name}

    def choices(self) -> list[tuple[str, str]]:
        """The choices the form offers, each one that will happen as it says."""
        if self.deputy_free:
            return [(DEPUTY, _("Stedfortreder tar avtalen (%(deputy)s)") % {"deputy": self.deputy.display_name}),
                    (CANCEL, _("Avlys avtalen"))]
        return [
            *((colleague_choice(c), _("%(name)s tar avtalen") % {"name": c.display_name}) for c in self.colleagues),
            (CANCEL, _("Avlys avtalen (brukeren får vakttelefonen som kontakt)")),
        ]

    def taker(self, decision: str) -> User | None:
        """Who takes the appointment for ``decision`` (``None``: it is cancelled). A choice that cannot happen is a
        ServiceError that says why, and nothing is saved."""
        from koordinator.toolkit import ServiceError

        if decision == CANCEL:
            return None
        what = {"when": no_datetime(self.appointment.starts_at), "user": self.appointment.service_user.full_name}
        if decision == DEPUTY:
            if not self.deputy_free:
                raise ServiceError(
                    _("Avtalen %(when)s med %(user)s kan ikke gis til stedfortrederen: %(why)s Velg en kollega som "
                      "er på jobb, eller avlys avtalen.") % {**what, "why": self.why_not_deputy}
                )
            return self.deputy
        for colleague in self.colleagues:
            if decision == colleague_choice(colleague):
                return colleague
        raise ServiceError(_("Avtalen %(when)s med %(user)s: velg en kollega som er på jobb den dagen, eller avlys "
                             "avtalen.") % what)


def absence_covers(person: User, starts_on: datetime.date, ends_on: datetime.date,
                   appointments: list[Appointment]) -> dict[int, Cover]:
    """For each appointment (from :func:`appointments_in_absence`), who can take it: the form offers exactly these
    choices and ``register_absence`` does exactly the one chosen. Three queries however many appointments."""
    if not appointments:
        return {}
    # The standing deputies of every case's trust person: an appointment she covers for a colleague has his deputy.
    standing = standing_deputies({person.pk} | {a.follow_up.trust_person_id for a in appointments})
    deputies = {a.pk: effective_deputy(a.follow_up, standing) for a in appointments}
    # The colleagues: the other trust persons of the case's unit who are active (the choices of a leader's or a
    # trust person's own form: people, not anyone's personal data).
    in_unit: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(role=Membership.Role.TRUST_PERSON, user__is_active=True,
                                  organisation_id__in={a.follow_up.unit_id for a in appointments})
        .exclude(user_id=person.pk)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    ):
        in_unit[membership.organisation_id].append(membership.user)
    people = {d.pk for d in deputies.values() if d} | {u.pk for users in in_unit.values() for u in users}
    away: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.overlapping(starts_on, ends_on).filter(person_id__in=people):
        away[absence.person_id].append(absence)

    def free(user: User, day: datetime.date) -> bool:
        return not any(a.covers(day) for a in away[user.pk])

    covers = {}
    for appointment in appointments:
        day = timezone.localtime(appointment.starts_at).date()
        deputy = deputies[appointment.pk]
        deputy_free = deputy is not None and deputy.pk != person.pk and free(deputy, day)
        colleagues = [] if deputy_free else [
            u for u in in_unit[appointment.follow_up.unit_id]
            if free(u, day) and (deputy is None or u.pk != deputy.pk)
        ]
        covers[appointment.pk] = Cover(appointment, deputy, deputy_free, colleagues, person)
    return covers


def check_absence_rights(actor: User, person: User) -> None:
    if actor.pk == person.pk and access.actor_for(actor).trust_person_unit_ids:
        return
    if leader_over(actor, person):
        return
    raise PermissionDenied


# --- the deputy's handover list -------------------------------------------------------------------------------


@dataclass
class HandoverItem:
    """Something due for a user during the absence: an appointment, a step, an action item, a meeting."""

    kind: str
    when: datetime.datetime | datetime.date | None
    text: str
    url: str = ""


@dataclass
class HandoverEntry:
    case: FollowUp
    contact_phone: str
    items: list[HandoverItem] = field(default_factory=list)


@dataclass
class Covers:
    """What a deputy covers: absences, each with the open cases it leaves to them. The handover sections read it
    once for all the absences, so the list costs the same queries for one absence or ten."""

    pairs: list[tuple[Absence, list[FollowUp]]]

    @property
    def cases(self) -> dict[int, FollowUp]:
        return {c.pk: c for _absence, cases in self.pairs for c in cases}

    @property
    def first_day(self) -> datetime.date:
        return min(a.starts_on for a, _cases in self.pairs)

    @property
    def last_day(self) -> datetime.date:
        return max(a.ends_on for a, _cases in self.pairs)

    @property
    def people(self) -> set[int]:
        return {a.person_id for a, _cases in self.pairs}

    def absences_for(self, case_id: int, day: datetime.date) -> list[Absence]:
        """The absences whose list shows something of ``case_id`` due on ``day``."""
        return [a for a, cases in self.pairs
                if a.starts_on <= day <= a.ends_on and any(c.pk == case_id for c in cases)]


# Later issues (plans, meetings) register functions here: fn(covers) -> {(absence id, case id): [HandoverItem]},
# each in a fixed number of queries.
HANDOVER_SECTIONS: list[Callable[[Covers], dict[tuple[int, int], list[HandoverItem]]]] = []


def register_handover_section(fn):
    HANDOVER_SECTIONS.append(fn)
    return fn


@register_handover_section
def _appointments_section(covers: Covers) -> dict[tuple[int, int], list[HandoverItem]]:
    items: dict[tuple[int, int], list[HandoverItem]] = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(follow_up_id__in=covers.cases)
        .filter(Q(original_trust_person_id__in=covers.people) | Q(trust_person_id__in=covers.people))
        .between(covers.first_day, covers.last_day)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("starts_at")
    ):
        item = HandoverItem(
            "appointment",
            appointment.starts_at,
            _("Avtale %(when)s, %(place)s: %(about)s")
            % {"when": no_datetime(appointment.starts_at), "place": appointment.place_text,
               "about": appointment.about or "–"},
        )
        for absence in covers.absences_for(appointment.follow_up_id, timezone.localdate(appointment.starts_at)):
            if absence.person_id in (appointment.original_trust_person_id, appointment.trust_person_id):
                items[absence.pk, appointment.follow_up_id].append(item)
    return items


def _covered_cases(deputy: User):
    """Open cases ``deputy`` covers: as the case's own deputy, or as the trust person's standing deputy (the
    trust persons read first, so the database looks them up on its index, ``access.standing_for``)."""
    standing = access.standing_for(access.actor_for(deputy))
    return FollowUp.objects.open().filter(Q(deputy=deputy) | Q(deputy__isnull=True, trust_person_id__in=standing))


def _handover_lists(covers: Covers) -> list[tuple[Absence, list[HandoverEntry]]]:
    entries = {(a.pk, c.pk): HandoverEntry(c, c.service_user.phone) for a, cases in covers.pairs for c in cases}
    if entries:
        for section in HANDOVER_SECTIONS:
            for key, items in section(covers).items():
                if key in entries:
                    entries[key].items.extend(items)
    return [(a, [entries[a.pk, c.pk] for c in cases]) for a, cases in covers.pairs]


def handover_list(deputy: User, absence: Absence) -> list[HandoverEntry]:
    """The deputy's list for one absence: the users they cover and what is due for each in the period."""
    cases = list(
        _covered_cases(deputy).filter(trust_person_id=absence.person_id)
        .select_related("service_user", "trust_person", "deputy", "unit").order_by("pk")
    )
    [(_absence, entries)] = _handover_lists(Covers([(absence, cases)]))
    return entries


def covered_absences(deputy: User, day: datetime.date | None = None, *,
                     cases: list[FollowUp] | None = None) -> Covers:
    """Every absence the deputy covers that is going on or starts within a week, with the cases it leaves to them
    (only absences that leave them at least one). Two queries, reading only the absent colleagues' cases that
    are the deputy's to cover; one when the caller has read those cases already (``cases``: every open case the
    deputy covers, as ``_covered_cases`` finds them, with the same related rows; the worklist's own list)."""
    day = day or timezone.localdate()
    # The covered cases first (tens), then the absences of their trust persons on the (person, dates) index:
    # filtering absences by a sub-query on cases read every absence in the window nationally.
    by_person: dict[int, list[FollowUp]] = defaultdict(list)
    if cases is None:
        cases = (_covered_cases(deputy).select_related("service_user", "trust_person", "deputy", "unit")
                 .order_by("pk"))
    else:
        cases = sorted(cases, key=lambda case: case.pk)
    for case in cases:
        by_person[case.trust_person_id].append(case)
    if not by_person:
        return Covers([])
    absences = (
        Absence.objects.active()
        .filter(person_id__in=list(by_person), ends_on__gte=day, starts_on__lte=day + datetime.timedelta(days=7))
        .select_related("person")
    )
    return Covers([(a, by_person[a.person_id]) for a in absences])


def handovers_for(deputy: User, day: datetime.date | None = None) -> list[tuple[Absence, list[HandoverEntry]]]:
    """Every absence the deputy covers that is going on or starts within a week, with what is due for each user
    in it. A fixed number of queries however many absences and cases."""
    covers = covered_absences(deputy, day)
    return _handover_lists(covers) if covers.pairs else []


# --- coverage gaps for the leader ------------------------------------------------------------------------------


@dataclass
class CoverageReport:
    uncovered: list[tuple[FollowUp, Absence, Absence]]  # case, trust person's absence, deputy's absence
    without_deputy: list[User]


def coverage_gaps(actor: User, day: datetime.date | None = None, horizon_days: int = 60) -> CoverageReport:
    """Users whose trust person and deputy are away at the same time; trust persons with no deputy at all."""
    day = day or timezone.localdate()
    munis = access.actor_for(actor).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    last = day + datetime.timedelta(days=horizon_days)
    # The municipality's staff as a sub-query (a semi-join on the absences' person index), not a join through
    # memberships with DISTINCT, which read every absence in the country in the window.
    staff = Membership.objects.filter(organisation__municipality_id__in=sorted(munis)).values("user_id")
    absences = list(Absence.objects.overlapping(day, last).filter(person_id__in=staff).select_related("person"))
    by_person = defaultdict(list)
    for a in absences:
        by_person[a.person_id].append(a)
    cases = list(
        FollowUp.objects.open()
        .filter(municipality_id__in=munis, trust_person_id__in=by_person)
        .select_related("service_user", "trust_person", "deputy", "unit")
    )
    standing = standing_deputies({c.trust_person_id for c in cases})
    uncovered = uncovered_cases(cases, by_person, standing)
    trust_persons = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            role=Membership.Role.TRUST_PERSON, organisation__municipality_id__in=sorted(munis)
        ).values("user_id"),
    )
    without = list(
        trust_persons.exclude(Exists(DeputyArrangement.objects.filter(trust_person_id=OuterRef("pk"))))
        .order_by("first_name", "last_name")
    )
    return CoverageReport(uncovered=uncovered, without_deputy=without)


# --- appointment lists ----------------------------------------------------------------------------------------


# «Mine avtaler» shows seven days from a first day (today unless ``?fra=`` says a later one); never a calendar week,
# which left a trust person with an empty list on a Sunday evening before a meeting on Monday at 10.
DAYS_SHOWN = 7
FURTHEST_AHEAD = 366  # days: a «fra» further ahead is not a week anyone is planning


def first_day_from(value, today: datetime.date | None = None) -> datetime.date:
    """The first of the seven days to show, from ``?fra=YYYY-MM-DD``. Missing, malformed, in the past or more
    than a year ahead: today (never an error page)."""
    today = today or timezone.localdate()
    try:
        day = datetime.date.fromisoformat(str(value).strip()) if value else today
    except ValueError:
        return today
    return day if today <= day <= today + datetime.timedelta(days=FURTHEST_AHEAD) else today


@dataclass
class AppointmentDays:
    """Seven days of appointments from ``first`` (inclusive) to ``last`` (inclusive), with the links on."""

    first: datetime.date
    today: datetime.date
    items: list[Appointment]

    @property
    def last(self) -> datetime.date:
        return self.first + datetime.timedelta(days=DAYS_SHOWN - 1)

    @property
    def starts_today(self) -> bool:
        return self.first == self.today

    @property
    def on_first_day(self) -> list[Appointment]:
        end = day_bounds(self.first)[1]
        return [a for a in self.items if a.starts_at < end]

    @property
    def after_first_day(self) -> list[Appointment]:
        end = day_bounds(self.first)[1]
        return [a for a in self.items if a.starts_at >= end]

    @property
    def next_first(self) -> datetime.date:
        return self.first + datetime.timedelta(days=DAYS_SHOWN)

    @property
    def has_next(self) -> bool:
        return self.next_first <= self.today + datetime.timedelta(days=FURTHEST_AHEAD)

    @property
    def previous_first(self) -> datetime.date | None:
        """The first day of the seven before (today at the earliest), or ``None`` when these start today."""
        if self.starts_today:
            return None
        return max(self.first - datetime.timedelta(days=DAYS_SHOWN), self.today)


def with_day_words(appointments: Iterable[Appointment], today: datetime.date) -> list[Appointment]:
    """Each appointment with ``day_word``: «I dag», «I morgen» or «mandag 07.12.2026», for short lists."""
    from django.utils import formats

    near = {today: _("I dag"), today + datetime.timedelta(days=1): _("I morgen")}
    items = list(appointments)
    for appointment in items:
        day = timezone.localtime(appointment.starts_at).date()
        appointment.day_word = near.get(day) or f"{formats.date_format(day, 'l')} {no_date(day)}"
    return items


def appointments_for_worker(user: User, first: datetime.date | None = None) -> AppointmentDays:
    """The live appointments where ``user`` is the one who meets, for seven days from ``first`` (today): today's
    all day, and the next six days' too, whatever the weekday. One query."""
    today = timezone.localdate()
    first = first or today
    last = first + datetime.timedelta(days=DAYS_SHOWN - 1)
    qs = (
        Appointment.objects.upcoming()
        .filter(trust_person=user)
        .between(first, last)
        .select_related("service_user", "original_trust_person")
        .order_by("starts_at", "pk")
    )
    return AppointmentDays(first, today, with_day_words(qs, today))


def reminder_due_at(appointment: Appointment) -> datetime.datetime:
    """By default the evening before at 18.00 (settings.APPOINTMENT_REMINDER_*), or at once if that has passed."""
    from django.conf import settings

    day = timezone.localtime(appointment.starts_at).date() - datetime.timedelta(
        days=settings.APPOINTMENT_REMINDER_DAYS_BEFORE
    )
    return max(at(day, settings.APPOINTMENT_REMINDER_HOUR), timezone.now())


def reminder_text(appointment: Appointment) -> tuple[str, str]:
    su = appointment.service_user
    return (
        _("Påminnelse: avtale %(when)s") % {"when": no_datetime(appointment.starts_at)},
        _("Hei %(name)s. Husk avtalen med %(worker)s %(day)s kl. %(time)s, %(place)s. Passer det ikke, ring "
          "%(phone)s.")
        % {"name": su.first_name, "worker": appointment.trust_person.display_name,
           "day": no_date(timezone.localtime(appointment.starts_at).date()), "time": no_time(appointment.starts_at),
           "place": appointment.place_for_user,
           "phone": display_phone(appointment.trust_person.phone or appointment.follow_up.unit.duty_phone)},
    )
