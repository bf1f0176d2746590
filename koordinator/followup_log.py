"""The follow-up log (*kontaktlogg*): writing entries, reading them, quiet cases and activity figures.

Writes follow DESIGN.md rule 2 like ``koordinator/services.py`` and ``koordinator/continuity.py``: the acting
user is explicit, every rule is checked before anything is saved, the history user and reason are set, and
it all happens in one transaction (bad input raises :class:`~koordinator.services.ServiceError` and changes
nothing). Reads start from ``FollowUpEntry.objects.for_user`` and run a fixed number of queries.

Rules of the log, in plain words:

* The case's staff (trust person, deputy, leader) write, change and archive entries. The owner reads every
  live entry about them; a partner reads them only while a consent with the follow-up-log scope is in force.
* An entry is not written ahead of time (that is what the next appointment is for), and not after the case
  has ended, unless the contact happened before the ending.
* «Tried, but did not meet» (``not_met``) is recorded and shown, but it is **not contact**: it does not end a
  quiet spell and is not counted among the contacts in the figures (it has its own row).
* **Quiet cases**: an open case in intake or active follow-up with no contact logged for
  ``settings.FOLLOWUP_QUIET_DAYS`` days (default 14) is quiet, counted from the last contact or, when there
  has been none, from the day the case started. A paused (dormant) case is never quiet: the pause is agreed.
  The trust person gets one reminder per quiet spell; a new contact ends the spell (and cancels a reminder
  that has not gone out), and a later spell gets a new reminder.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_update_with_history

from koordinator import access, continuity, outbox
from koordinator.models import FollowUp, FollowUpEntry, LifeArea, Notification, Organisation, User
from koordinator.timeutil import day_bounds, no_date, no_datetime
from koordinator.toolkit import ServiceError, ensure_inside_gate, save_with_history

Kind = FollowUpEntry.Kind

# Fields the write services accept.
ENTRY_FIELDS = (
    "started_at",
    "duration_minutes",
    "kind",
    "place",
    "service",
    "service_text",
    "life_areas",
    "steps",
    "note",
    "agreed_next",
)
MAX_DURATION_MINUTES = 12 * 60
NOTE_MAX_LENGTH = 5000
# The cases that can go quiet: a paused case is paused by agreement, and an ended one is ended.
QUIET_STATUSES = (FollowUp.Status.INTAKE, FollowUp.Status.ACTIVE)
ACTIVITY_MONTHS = 6

# The messages of this module, kept together.
MESSAGES = {
    "kind": gettext_lazy("Velg hva slags kontakt det var."),
    "started_at": gettext_lazy("Skriv når kontakten var, for eksempel 23.11.2026 kl. 14.00."),
    "future": gettext_lazy("Tidspunktet er fram i tid. Skriv i loggen etter kontakten; en ny avtale lager du "
                           "under «Neste avtale»."),
    "ended": gettext_lazy("Oppfølgingen ble avsluttet %(date)s. Åpne saken igjen før du skriver nye kontakter "
                          "i loggen."),
    "duration": gettext_lazy("Skriv hvor mange minutter kontakten varte, fra 0 til %(max)s."),
    "service": gettext_lazy("Velg en tjeneste fra listen."),
    "service_both": gettext_lazy("Velg tjenesten fra listen, eller skriv navnet, ikke begge."),
    "service_needed": gettext_lazy("Skriv hvilken tjeneste dere var hos."),
    "life_area": gettext_lazy("Ukjent livsområde: %(value)s."),
    "step": gettext_lazy("Velg bare delmål fra planen i denne saken."),
    "text": gettext_lazy("Skriv tekst her."),
    "too_long": gettext_lazy("Teksten kan være høyst %(max)s tegn."),
    "unknown_fields": gettext_lazy("Ukjente felt: %(fields)s"),
    "archived": gettext_lazy("Loggføringen er arkivert og kan ikke endres."),
    "already_archived": gettext_lazy("Loggføringen er allerede arkivert."),
}


def quiet_days() -> int:
    """How many days without contact make a case quiet (settings.FOLLOWUP_QUIET_DAYS, default 14)."""
    return int(getattr(settings, "FOLLOWUP_QUIET_DAYS", 14))


# --- validation ----------------------------------------------------------------------------------------------


def _text(value, name: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(str(MESSAGES["text"]), name)
    value = value.strip()
    if len(value) > max_length:
        raise ServiceError(str(MESSAGES["too_long"]) % {"max": max_length}, name)
    return value


def _moment(value) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ServiceError(str(MESSAGES["started_at"]), "started_at")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _duration(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DURATION_MINUTES:
        raise ServiceError(str(MESSAGES["duration"]) % {"max": MAX_DURATION_MINUTES}, "duration_minutes")
    return value


def _life_areas(values) -> dict[str, bool]:
    if values is None:
        values = ()
    if isinstance(values, str):
        values = [values]
    chosen = set()
    for value in values:
        if value not in LifeArea.values:
            raise ServiceError(str(MESSAGES["life_area"]) % {"value": value}, "life_areas")
        chosen.add(value)
    return {name: area in chosen for area, name in FollowUpEntry.LIFE_AREA_FIELDS.items()}


def _steps(case: FollowUp, steps) -> list:
    """The plan steps an entry concerns: each must be a live step of the plan in this case."""
    step_model = apps.get_model("plans", "Step")
    steps = list(steps or ())
    if not steps:
        return []
    if not all(isinstance(step, step_model) for step in steps):
        raise ServiceError(str(MESSAGES["step"]), "steps")
    ids = {step.pk for step in steps}
    valid = set(
        step_model.objects.filter(pk__in=ids, goal__plan__follow_up_id=case.pk)
        .live()
        .values_list("pk", flat=True)
    )
    if valid != ids:
        raise ServiceError(str(MESSAGES["step"]), "steps")
    return steps


def _clean(case: FollowUp, data: dict) -> dict:
    """Every field checked; returns the model's own fields (life areas as booleans) and ``steps``."""
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise ServiceError(str(MESSAGES["unknown_fields"]) % {"fields": ", ".join(sorted(unknown))})
    kind = data.get("kind")
    if kind not in Kind.values:
        raise ServiceError(str(MESSAGES["kind"]), "kind")
    started_at = _moment(data.get("started_at"))
    if started_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ServiceError(str(MESSAGES["future"]), "started_at")
    if case.status == FollowUp.Status.ENDED and case.ended_on and timezone.localtime(started_at).date() > case.ended_on:
        raise ServiceError(str(MESSAGES["ended"]) % {"date": no_date(case.ended_on)}, "started_at")
    service = data.get("service")
    if service is not None and (not isinstance(service, Organisation) or not service.is_active):
        raise ServiceError(str(MESSAGES["service"]), "service")
    service_text = _text(data.get("service_text"), "service_text", 200)
    if service is not None and service_text:
        raise ServiceError(str(MESSAGES["service_both"]), "service_text")
    if kind == Kind.ACCOMPANIED and service is None and not service_text:
        raise ServiceError(str(MESSAGES["service_needed"]), "service")
    clean = {
        "kind": kind,
        "started_at": started_at,
        "duration_minutes": _duration(data.get("duration_minutes")),
        "place": _text(data.get("place"), "place", 200),
        "service": service,
        "service_text": service_text,
        "note": _text(data.get("note"), "note", NOTE_MAX_LENGTH),
        "agreed_next": _text(data.get("agreed_next"), "agreed_next", NOTE_MAX_LENGTH),
        **_life_areas(data.get("life_areas")),
    }
    clean["steps"] = _steps(case, data.get("steps"))
    return clean


def _case_for_writing(actor: User, case: FollowUp) -> FollowUp:
    access.require_change(actor, case)
    return FollowUp.objects.select_related("service_user", "trust_person", "unit").get(pk=case.pk)


# --- writing -----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_entry(
    actor: User,
    case: FollowUp,
    *,
    kind: str,
    started_at: datetime.datetime | None = None,
    duration_minutes: int = 30,
    place: str = "",
    service: Organisation | None = None,
    service_text: str = "",
    life_areas: Iterable[str] = (),
    steps: Iterable = (),
    note: str = "",
    agreed_next: str = "",
    next_appointment: dict | None = None,
) -> FollowUpEntry:
    """Log a contact (or an attempt). ``next_appointment`` (the keyword arguments of
    :func:`koordinator.continuity.create_appointment`: ``starts_at``, ``place``, …) books the next meeting in
    the same transaction; if it is refused, nothing is saved."""
    case = _case_for_writing(actor, case)
    data = _clean(case, {
        "kind": kind,
        "started_at": started_at if started_at is not None else timezone.now(),
        "duration_minutes": duration_minutes,
        "place": place,
        "service": service,
        "service_text": service_text,
        "life_areas": life_areas,
        "steps": steps,
        "note": note,
        "agreed_next": agreed_next,
    })
    chosen_steps = data.pop("steps")
    entry = FollowUpEntry(follow_up=case, written_by=actor, **data)
    if next_appointment:
        try:
            entry.next_appointment = continuity.create_appointment(actor, case, **next_appointment)
        except ServiceError as error:
            raise ServiceError(error.message, "next_appointment") from None
    save_with_history(entry, actor, _("Loggført: %(kind)s") % {"kind": entry.get_kind_display()})
    if chosen_steps:
        entry.steps.set(chosen_steps)
    if entry.is_contact:
        _end_quiet_spell(case)
    ensure_inside_gate(actor, entry)
    return entry


def _lock(entry: FollowUpEntry) -> FollowUpEntry:
    return (
        FollowUpEntry.objects.select_for_update(of=("self",))
        .select_related("follow_up", "service")
        .get(pk=entry.pk)
    )


@transaction.atomic
def update_entry(actor: User, entry: FollowUpEntry, **changes) -> FollowUpEntry:
    """Change an entry. Only what differs is saved; the history keeps every earlier version."""
    access.require_change(actor, entry)
    entry = _lock(entry)
    if entry.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived"]))
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ServiceError(str(MESSAGES["unknown_fields"]) % {"fields": ", ".join(sorted(unknown))})
    current_steps = list(entry.steps.all())
    merged = {
        "kind": entry.kind,
        "started_at": entry.started_at,
        "duration_minutes": entry.duration_minutes,
        "place": entry.place,
        "service": entry.service,
        "service_text": entry.service_text,
        "life_areas": entry.life_areas,
        "steps": current_steps,
        "note": entry.note,
        "agreed_next": entry.agreed_next,
        **changes,
    }
    data = _clean(entry.follow_up, merged)
    new_steps = data.pop("steps")
    changed = [name for name, value in data.items() if getattr(entry, name) != value]
    steps_changed = {s.pk for s in new_steps} != {s.pk for s in current_steps}
    if not changed and not steps_changed:
        return entry
    was_contact = entry.is_contact
    for name in changed:
        setattr(entry, name, data[name])
    labels = [_label(name) for name in changed if not name.startswith("area_")]
    if any(name.startswith("area_") for name in changed):
        labels.append(_("livsområder"))
    if steps_changed:
        labels.append(_("delmål"))
    save_with_history(entry, actor, _("Loggføringen er endret: %(fields)s") % {"fields": ", ".join(labels)})
    if steps_changed:
        entry.steps.set(new_steps)
    if entry.is_contact and not was_contact:
        _end_quiet_spell(entry.follow_up)
    ensure_inside_gate(actor, entry)
    return entry


def _label(name: str) -> str:
    return str(FollowUpEntry._meta.get_field(name).verbose_name)


@transaction.atomic
def archive_entry(actor: User, entry: FollowUpEntry, reason: str = "") -> FollowUpEntry:
    """Take an entry out of the log (written on the wrong person, a mistake). Nothing is deleted: staff still
    find it, with its history; the owner and partners no longer see it."""
    access.require_change(actor, entry)
    entry = _lock(entry)
    if entry.archived_at is not None:
        raise ServiceError(str(MESSAGES["already_archived"]))
    entry.archived_at = timezone.now()
    entry.archived_reason = _text(reason, "reason", 300)
    save_with_history(entry, actor, _("Loggføringen er arkivert"))
    return entry


def _end_quiet_spell(case: FollowUp) -> None:
    """A contact ends the quiet spell: a reminder about it that has not gone out yet is cancelled."""
    pending = list(
        Notification.objects.filter(
            dedupe_key__startswith=quiet_key_prefix(case.pk), state=Notification.State.PENDING
        )
    )
    for notification in pending:
        notification.state = Notification.State.CANCELLED
    if pending:
        bulk_update_with_history(pending, Notification, ["state"],
                                 default_change_reason="Kontakt er registrert i loggen")


# --- reading -------------------------------------------------------------------------------------------------


ENTRY_RELATED = ("written_by", "service", "next_appointment", "follow_up__service_user")


def visible_entries(user: User) -> QuerySet:
    """Live entries ``user`` may see, newest first, with the steps they may see (one extra query)."""
    step_model = apps.get_model("plans", "Step")
    return (
        FollowUpEntry.objects.for_user(user)
        .live()
        .select_related(*ENTRY_RELATED)
        .prefetch_related(
            Prefetch("steps", queryset=step_model.objects.for_user(user).order_by("due_on", "pk"),
                     to_attr="visible_steps")
        )
        .order_by("-started_at", "-pk")
    )


def entries_for_case(user: User, case: FollowUp) -> QuerySet:
    return visible_entries(user).filter(follow_up=case)


def entries_about_me(user: User) -> QuerySet:
    """*Innsyn*: every live entry about the logged-in service user, in all their cases."""
    service_user_id = access.actor_for(user).service_user_id
    if service_user_id is None:
        return FollowUpEntry.objects.none()
    return visible_entries(user).filter(follow_up__service_user_id=service_user_id)


def step_choices(user: User, case: FollowUp) -> QuerySet:
    """The steps of the case's plan an entry may name (for form choice fields and the API)."""
    step_model = apps.get_model("plans", "Step")
    return (
        step_model.objects.for_user(user)
        .live()
        .filter(goal__plan__follow_up=case)
        .select_related("goal")
        .order_by("goal__order", "goal__pk", "due_on", "pk")
    )


# --- quiet cases -----------------------------------------------------------------------------------------------


@dataclass
class Quiet:
    """How long it is since anyone had contact with the user: since ``since`` (the last contact, or the start
    of the case when there has been none), ``days`` days. ``last_attempt``: a later «tried, but did not meet»."""

    since: datetime.date
    days: int
    never: bool
    last_attempt: datetime.datetime | None = None

    @property
    def is_quiet(self) -> bool:
        return self.days >= quiet_days()


def quiet_key_prefix(case_id: int) -> str:
    return f"followup:{case_id}:quiet:"


def quiet_key(case_id: int, quiet: Quiet) -> str:
    """One reminder per quiet spell: the spell is known by the day it started."""
    return f"{quiet_key_prefix(case_id)}{quiet.since.isoformat()}"


def _quiet(case: FollowUp, last_contact, last_attempt, day: datetime.date) -> Quiet:
    since = timezone.localtime(last_contact).date() if last_contact else case.started_on
    attempt = last_attempt if last_attempt and (last_contact is None or last_attempt > last_contact) else None
    return Quiet(since=since, days=(day - since).days, never=last_contact is None, last_attempt=attempt)


def quiet_info(user: User | None, cases: Iterable[FollowUp], day: datetime.date | None = None) -> dict[int, Quiet]:
    """Time since the last contact for each case that can go quiet (intake, active). One query.

    With ``user`` the entries are read through the gate; ``None`` is for the system (reminders).
    """
    day = day or timezone.localdate()
    cases = [c for c in cases if c.status in QUIET_STATUSES]
    if not cases:
        return {}
    entries = FollowUpEntry.objects.for_user(user) if user is not None else FollowUpEntry.objects.all()
    rows = (
        entries.live()
        .filter(follow_up_id__in=[c.pk for c in cases])
        .order_by()
        .values("follow_up_id")
        .annotate(
            last_contact=Max("started_at", filter=~Q(kind=Kind.NOT_MET)),
            last_attempt=Max("started_at", filter=Q(kind=Kind.NOT_MET)),
        )
    )
    latest = {row["follow_up_id"]: (row["last_contact"], row["last_attempt"]) for row in rows}
    return {c.pk: _quiet(c, *latest.get(c.pk, (None, None)), day) for c in cases}


def mark_quiet(user: User, cases: Iterable[FollowUp], day: datetime.date | None = None) -> None:
    """Set ``case.quiet`` (a :class:`Quiet`, or ``None``) on each case, for *Min arbeidsliste*. One query."""
    cases = list(cases)
    info = quiet_info(user, cases, day)
    for case in cases:
        quiet = info.get(case.pk)
        case.quiet = quiet if quiet is not None and quiet.is_quiet else None


def quiet_cases(day: datetime.date | None = None) -> list[tuple[FollowUp, Quiet]]:
    """Every quiet case, system-wide (for the reminders). One query, filtered in the database."""
    day = day or timezone.localdate()
    threshold = day - datetime.timedelta(days=quiet_days())
    live = Q(log_entries__archived_at__isnull=True)
    cases = (
        FollowUp.objects.filter(status__in=QUIET_STATUSES)
        .annotate(
            last_contact=Max("log_entries__started_at", filter=live & ~Q(log_entries__kind=Kind.NOT_MET)),
            last_attempt=Max("log_entries__started_at", filter=live & Q(log_entries__kind=Kind.NOT_MET)),
        )
        .filter(
            Q(last_contact__lt=day_bounds(threshold)[1])
            | Q(last_contact__isnull=True, started_on__lte=threshold)
        )
        .select_related("service_user", "trust_person")
        .order_by("pk")
    )
    return [(case, _quiet(case, case.last_contact, case.last_attempt, day)) for case in cases]


def quiet_reminders(now: datetime.datetime) -> int:
    """One calm in-app reminder to the trust person per quiet spell (``run_reminders``). Idempotent: the
    dedupe key names the case and the day the spell began, so a rerun writes nothing and a new spell (after a
    new contact) gets a new reminder."""
    day = timezone.localdate(now)
    drafts = []
    for case, quiet in quiet_cases(day):
        su = case.service_user
        if quiet.never:
            body = ngettext(
                "Det er ikke registrert kontakt med %(name)s siden oppfølgingen startet %(date)s, for %(days)s dag "
                "siden.",
                "Det er ikke registrert kontakt med %(name)s siden oppfølgingen startet %(date)s, for %(days)s dager "
                "siden.",
                quiet.days,
            )
        else:
            body = ngettext(
                "Det er %(days)s dag siden det sist ble registrert kontakt med %(name)s (%(date)s).",
                "Det er %(days)s dager siden det sist ble registrert kontakt med %(name)s (%(date)s).",
                quiet.days,
            )
        body = body % {"name": su.full_name, "date": no_date(quiet.since), "days": quiet.days}
        if quiet.last_attempt:
            body += " " + _("Sist forsøkt: %(when)s.") % {"when": no_datetime(quiet.last_attempt)}
        body += " " + _("Kanskje en telefon, en SMS eller et besøk? Når du skriver kontakten i loggen, forsvinner "
                        "merket på arbeidslisten.")
        drafts.append(outbox.build(
            case.trust_person,
            _("Lenge siden kontakt med %(name)s") % {"name": su.full_name},
            body,
            about=case,
            channel=outbox.Channel.IN_APP,
            dedupe_key=quiet_key(case.pk, quiet),
        ))
    return len(outbox.notify_many(drafts))


# --- activity figures -------------------------------------------------------------------------------------------


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class KindRow:
    kind: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Activity:
    """Entries per month by kind. ``contacts`` per month leaves out «tried, but did not meet»."""

    months: list[datetime.date]
    rows: list[KindRow]
    contacts: list[int] = field(default_factory=list)

    @property
    def month_labels(self) -> list[str]:
        return [formats.date_format(m, "b Y") for m in self.months]

    @property
    def total_contacts(self) -> int:
        return sum(self.contacts)

    @property
    def has_any(self) -> bool:
        return any(row.total for row in self.rows)

    @property
    def used_rows(self) -> list[KindRow]:
        """Only the kinds that occur (a short table on a phone)."""
        return [row for row in self.rows if row.total]


def _activity(counts: dict[tuple[datetime.date, str], int], months: list[datetime.date]) -> Activity:
    rows = [KindRow(kind, str(label), [counts.get((m, kind), 0) for m in months]) for kind, label in Kind.choices]
    contacts = [sum(counts.get((m, kind), 0) for kind in Kind.values if kind != Kind.NOT_MET) for m in months]
    return Activity(months=months, rows=rows, contacts=contacts)


def _window(day: datetime.date | None, months: int) -> tuple[list[datetime.date], datetime.datetime]:
    day = day or timezone.localdate()
    starts = [_month_start(day, back) for back in range(months - 1, -1, -1)]
    return starts, day_bounds(starts[0])[0]


def _month_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def activity_for_case(user: User, case: FollowUp, *, months: int = ACTIVITY_MONTHS,
                      day: datetime.date | None = None) -> Activity:
    """Entries per month by kind for one case, the last ``months`` months (this one included). One query."""
    starts, first = _window(day, months)
    rows = (
        FollowUpEntry.objects.for_user(user)
        .live()
        .filter(follow_up=case, started_at__gte=first)
        .order_by()
        .annotate(month=TruncMonth("started_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict = defaultdict(int)
    for row in rows:
        counts[(_month_of(row["month"]), row["kind"])] += row["n"]
    return _activity(counts, starts)


@dataclass
class WorkerActivity:
    person: User
    activity: Activity


def activity_by_trust_person(user: User, *, months: int = ACTIVITY_MONTHS,
                             day: datetime.date | None = None) -> list[WorkerActivity]:
    """For the leader: entries per month by kind for each trust person in the leader's units (and anyone else
    who wrote in the log of a case in the leader's municipalities), by who wrote them. Two queries."""
    munis = access.actor_for(user).leader_municipality_ids
    if not munis:
        raise PermissionDenied
    from koordinator.selectors import trust_persons_for

    starts, first = _window(day, months)
    rows = (
        FollowUpEntry.objects.for_user(user)
        .live()
        .filter(follow_up__municipality_id__in=munis, started_at__gte=first)
        .order_by()
        .annotate(month=TruncMonth("started_at"))
        .values("written_by_id", "month", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["written_by_id"]][(_month_of(row["month"]), row["kind"])] += row["n"]
    people = User.objects.filter(
        Q(pk__in=trust_persons_for(user).values("pk")) | Q(pk__in=list(counts))
    ).order_by("first_name", "last_name", "username")
    return [WorkerActivity(person, _activity(counts.get(person.pk, {}), starts)) for person in people]


# --- the case page's «Logg» section ------------------------------------------------------------------------------

CASE_PAGE_ENTRIES = 3


@dataclass
class CaseLog:
    """What the case page shows of the log: the latest few entries, the figures, and whether it is quiet."""

    latest: list[FollowUpEntry]
    activity: Activity
    quiet: Quiet | None
    can_write: bool


def case_log(user: User, case: FollowUp, *, can_change: bool, day: datetime.date | None = None) -> CaseLog:
    """Four queries, however long the log."""
    latest = list(
        FollowUpEntry.objects.for_user(user)
        .live()
        .filter(follow_up=case)
        .select_related("written_by", "service")
        .order_by("-started_at", "-pk")[:CASE_PAGE_ENTRIES]
    )
    quiet = quiet_info(user, [case], day).get(case.pk)
    return CaseLog(
        latest=latest,
        activity=activity_for_case(user, case, day=day),
        quiet=quiet if quiet is not None and quiet.is_quiet else None,
        can_write=can_change,
    )
