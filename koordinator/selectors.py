"""Reads for the staff pages: worklists, the leader's overview, the service user's page and the case timeline.

Every function starts from a gated queryset (``Model.objects.for_user``), so nothing here can hand a page
more than the access gate allows. Each one runs a fixed number of queries, however many rows come back:
the pages built on them have query budgets asserted in tests.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, continuity, followup_log, services
from koordinator.models import (
    Absence,
    Appointment,
    Consent,
    FollowUp,
    Handover,
    Membership,
    Municipality,
    NextOfKin,
    Organisation,
    ServiceUser,
    User,
)
from koordinator.timeutil import day_bounds
from koordinator.toolkit.national_id import masked as national_id_masked

CASE_RELATED = ("service_user", "unit", "trust_person", "deputy")


# --- who stands in: the effective deputy and today's absences, for a list of cases ---------------------------


@dataclass
class CaseRow:
    """A case with its effective deputy (the case's own, else the trust person's standing deputy) and, when
    asked for, the trust person's absence today."""

    case: FollowUp
    deputy: User | None
    deputy_is_standing: bool
    absence: Absence | None = None


def case_rows(user: User, cases: list[FollowUp], *, with_absences: bool = False,
              day: datetime.date | None = None) -> list[CaseRow]:
    """One query for the standing deputies and (optionally) one for today's absences, however many cases."""
    if not cases:
        return []
    trust_person_ids = {c.trust_person_id for c in cases}
    standing = continuity.standing_deputies(trust_person_ids)
    away: dict[int, Absence] = {}
    if with_absences:
        day = day or timezone.localdate()
        away = {
            a.person_id: a
            for a in Absence.objects.for_user(user).covering(day).filter(person_id__in=trust_person_ids)
        }
    return [
        CaseRow(
            case=c,
            deputy=continuity.effective_deputy(c, standing),
            deputy_is_standing=not c.deputy_id and c.trust_person_id in standing,
            absence=away.get(c.trust_person_id),
        )
        for c in cases
    ]


# --- the trust person's worklist ---------------------------------------------------------------------------


@dataclass
class Worklist:
    primary: list[FollowUp]
    as_deputy: list[FollowUp]
    include_ended: bool
    # Today's appointments where the user is the one who meets (also those taken over for a colleague).
    today: list[Appointment] = field(default_factory=list)
    # The same for the next seven days, today included (``day_word`` on each: «I dag», «I morgen», «mandag …»).
    coming: list[Appointment] = field(default_factory=list)
    # The first day after them, for «Neste uke» (the appointments page from that day).
    coming_next: datetime.date | None = None
    # Colleagues' absences the user covers as deputy, going on or starting within a week.
    covering: list[Absence] = field(default_factory=list)
    # The cases the user covers today, their trust person being away.
    covered_now: set[int] = field(default_factory=set)

    # On a phone the list stays short: the most urgent cases (see ``by_urgency``) are shown, the rest folded.
    @property
    def primary_shown(self) -> list[FollowUp]:
        return self.primary[:WORKLIST_SHOWN]

    @property
    def primary_folded(self) -> list[FollowUp]:
        return self.primary[WORKLIST_SHOWN:]

    @property
    def deputy_shown(self) -> list[FollowUp]:
        """As deputy, the cases of a colleague who is away today: those are the user's to follow up now."""
        return [case for case in self.as_deputy if case.pk in self.covered_now]

    @property
    def deputy_folded(self) -> list[FollowUp]:
        return [case for case in self.as_deputy if case.pk not in self.covered_now]


# *Min arbeidsliste* shows this many of the user's own cases; the others are one tap away (``<details>``).
WORKLIST_SHOWN = 5


def by_urgency(cases: list[FollowUp], covered_now: set[int] | frozenset = frozenset()) -> list[FollowUp]:
    """The most urgent first: cases covered today for an absent colleague; then those nobody has had contact with
    for a while (``case.quiet``, the longest first); then new ones (intake); then the rest. Ended cases last. The
    order within each kind is kept (by name)."""

    def key(case: FollowUp):
        quiet = getattr(case, "quiet", None)
        return (
            case.status == FollowUp.Status.ENDED,
            case.pk not in covered_now,
            quiet is None,
            -quiet.days if quiet is not None else 0,
            case.status != FollowUp.Status.INTAKE,
        )

    return sorted(cases, key=key)


@access.per_request
def worked_cases(user: User, *, include_ended: bool = False) -> list[FollowUp]:
    """The cases ``user`` follows up as trust person or deputy (the case's own, or the standing deputy of its trust
    person), through the gate, by the user's name; the open ones unless ``include_ended``. One query, read once per
    request (``access.per_request``: each caller gets a copy of the list): *Min arbeidsliste* and its sections."""
    standing_for = access.standing_for(access.actor_for(user))
    base = FollowUp.objects.for_user(user).select_related(*CASE_RELATED).order_by(
        "service_user__last_name", "service_user__first_name", "pk"
    )
    if not include_ended:
        base = base.open()
    return list(base.filter(Q(trust_person=user) | Q(deputy=user)
                            | Q(deputy__isnull=True, trust_person_id__in=standing_for)))


def worklist(user: User, *, include_ended: bool = False) -> Worklist:
    """The cases ``user`` follows up: as primary trust person and, separately, as deputy (the case's own deputy
    or the standing deputy of its trust person); today's appointments; absences the user covers.

    A fixed number of queries, however many cases and appointments.
    """
    standing_for = access.standing_for(access.actor_for(user))
    days = continuity.appointments_for_worker(user)
    # Both lists in one query (the same order), parted here by the same conditions.
    standing = set(standing_for)
    primary, as_deputy = [], []
    for case in worked_cases(user, include_ended=include_ended):
        if case.trust_person_id == user.pk:
            primary.append(case)
        if case.deputy_id == user.pk or (case.deputy_id is None and case.trust_person_id in standing):
            as_deputy.append(case)
    # «Ingen kontakt på N dager»: ``case.quiet`` on every case in both lists, in one query.
    followup_log.mark_quiet(user, primary + as_deputy)
    # The open cases of ``as_deputy`` are those the user covers (the gate lets a deputy see every one of them).
    covers = continuity.covered_absences(
        user, cases=[case for case in as_deputy if case.status != FollowUp.Status.ENDED])
    today = timezone.localdate()
    covered_now = {case.pk for absence, cases in covers.pairs if absence.starts_on <= today <= absence.ends_on
                   for case in cases}
    return Worklist(
        primary=by_urgency(primary),
        as_deputy=by_urgency(as_deputy, covered_now),
        include_ended=include_ended,
        today=days.on_first_day,
        coming=days.items,
        coming_next=days.next_first,
        covering=[absence for absence, _cases in covers.pairs],
        covered_now=covered_now,
    )


# Other apps put what needs the trust person's attention on *Min arbeidsliste* (plan steps overdue, revisions
# due, …): ``fn(user, day) -> WorklistSection | None``. Each must run a fixed number of queries.


@dataclass
class WorklistItem:
    text: str
    url: str = ""
    # Past its date: shown with a warning tag (and the word, not only the colour).
    overdue: bool = False


@dataclass
class WorklistSection:
    key: str
    title: str
    items: list[WorklistItem]
    empty_text: str = ""
    # An app's own way of showing the section (a template given ``section``) instead of the list of links; its items
    # need only ``overdue``. ``top``: shown first on the page, above the appointments (someone waiting: «Ring meg»).
    template: str = ""
    top: bool = False

    @property
    def items_shown(self) -> list[WorklistItem]:
        return self.items[:WORKLIST_SHOWN]

    @property
    def items_folded(self) -> list[WorklistItem]:
        return self.items[WORKLIST_SHOWN:]


WORKLIST_SECTIONS: list = []


def register_worklist_section(fn):
    WORKLIST_SECTIONS.append(fn)
    return fn


def worklist_sections(user: User, day: datetime.date | None = None) -> list[WorklistSection]:
    """Each app's section, its items past their date first (the page shows the first few and folds the rest)."""
    day = day or timezone.localdate()
    sections = [section for fn in WORKLIST_SECTIONS if (section := fn(user, day)) is not None]
    for section in sections:
        section.items.sort(key=lambda item: not item.overdue)
    sections.sort(key=lambda section: not section.top)  # stable: the top ones first, each in its order
    return sections


# --- the leader's overview ---------------------------------------------------------------------------------


def trust_persons_for(user: User) -> QuerySet:
    """Trust persons working in the follow-up units ``user`` may staff cases in (their choice lists)."""
    units = services.units_for(user)
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Membership.Role.TRUST_PERSON, organisation__in=units).values(
            "user_id"
        ),
    ).order_by("first_name", "last_name", "username")


def leader_cases(user: User, *, status: str = "", trust_person_id: int | None = None) -> QuerySet:
    """Every case in the leader's municipalities, optionally narrowed by status and trust person."""
    munis = access.actor_for(user).leader_municipality_ids
    qs = (
        FollowUp.objects.for_user(user)
        .filter(municipality_id__in=munis)
        .select_related(*CASE_RELATED)
        .order_by("service_user__last_name", "service_user__first_name", "pk")
    )
    if status:
        qs = qs.filter(status=status)
    if trust_person_id:
        qs = qs.filter(trust_person_id=trust_person_id)
    return qs


def caseload(user: User) -> list[User]:
    """Trust persons in the leader's units with ``open_cases`` and ``open_deputy_cases`` counts. One query.

    Counts are limited to the leader's municipalities, so a worker who also helps elsewhere is not
    shown someone else's numbers. Each count is its own subquery on the (trust person / deputy) index: one join
    of both relations would count primary × deputy rows before ``distinct`` (issue 11).
    """
    munis = access.actor_for(user).leader_municipality_ids

    def open_count(field: str):
        cases = (
            FollowUp.objects.filter(**{field: OuterRef("pk")}, municipality_id__in=munis)
            .exclude(status=FollowUp.Status.ENDED)
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(cases, output_field=IntegerField()), 0)

    return list(
        trust_persons_for(user).annotate(
            open_cases=open_count("trust_person"), open_deputy_cases=open_count("deputy")
        )
    )


# --- the service user's page --------------------------------------------------------------------------------


@dataclass
class PersonPage:
    """What one viewer may see on a service user's page. ``None`` means the section is not shown at all."""

    service_user: ServiceUser
    can_change: bool
    cases: list[FollowUp] | None
    consents: list[Consent] | None
    next_of_kin: list[NextOfKin] | None
    case_rows: list[CaseRow] = field(default_factory=list)
    # Who the person should contact right now, for the newest open case (staff and the owner only).
    contact: continuity.Contact | None = None
    contact_case: FollowUp | None = None
    # Phone, e-mail, address, language and birth date: staff, the owner, and a partner with the follow-up scope
    # (``access.sees_contact_details``); a partner with another scope sees the name only.
    shows_contact: bool = True


def person_page(user: User, service_user: ServiceUser) -> PersonPage:
    can_change = access.can_change(user, service_user)
    cases = list(
        FollowUp.objects.for_user(user)
        .filter(service_user=service_user)
        .select_related("unit", "trust_person", "deputy", "referral_agency", "taken_over_by")
    )
    consents = list(
        Consent.objects.for_user(user)
        .filter(owner=service_user)
        .select_related("grantee_user", "grantee_organisation")
    )
    kin = list(
        NextOfKin.objects.for_user(user)
        .filter(service_user=service_user, archived_at__isnull=True)
        .order_by("-kind", "name", "pk")  # supportive first, then those to keep away
    )
    open_cases = sorted((c for c in cases if c.status != FollowUp.Status.ENDED),
                        key=lambda c: (c.started_on, c.pk), reverse=True)
    # Staff and the owner see every section, empty or not (so they can add to it). A read-only viewer sees
    # only what the gate gave them: an empty section would hint at data they may not know about.
    return PersonPage(
        service_user=service_user,
        can_change=can_change,
        cases=cases if (can_change or cases) else None,
        consents=consents if (can_change or consents) else None,
        next_of_kin=kin if (can_change or kin) else None,
        case_rows=case_rows(user, cases),
        # The newest open case decides, as on the user's own page.
        contact=continuity.contact_now(open_cases[0]) if (can_change and open_cases) else None,
        contact_case=open_cases[0] if (can_change and open_cases) else None,
        shows_contact=access.sees_contact_details(user, service_user, changes=can_change),
    )


# --- the case page ------------------------------------------------------------------------------------------


@dataclass
class CaseContinuity:
    """Continuity on the case page. ``None`` means the section is not shown to this viewer."""

    row: CaseRow
    contact: continuity.Contact | None
    appointments: list[Appointment] | None
    handovers: list[Handover] | None


def case_continuity(user: User, case: FollowUp, *, can_change: bool) -> CaseContinuity:
    """Who to contact now, the effective deputy, upcoming appointments and handover notes. Fixed queries.

    Staff who work on the case and the owner see the contact and the handover notes (the owner may read
    the note by design). Appointments come through the gate, so a partner who sees the case sees none.
    """
    is_owner = access.actor_for(user).service_user_id == case.service_user_id
    insider = can_change or is_owner
    is_open = case.status != FollowUp.Status.ENDED
    start_of_today = day_bounds(timezone.localdate())[0]
    appointments = list(
        Appointment.objects.for_user(user)
        .upcoming()
        .filter(follow_up=case, starts_at__gte=start_of_today)
        .select_related("trust_person", "original_trust_person")
        .order_by("starts_at", "pk")
    )
    return CaseContinuity(
        row=case_rows(user, [case])[0],
        contact=continuity.contact_now(case) if (insider and is_open) else None,
        appointments=appointments if (appointments or can_change) else None,
        handovers=(
            list(case.handovers.select_related("from_person", "to_person", "created_by")) if insider else None
        ),
    )


# --- the case timeline ------------------------------------------------------------------------------------

HISTORY_TYPES = {
    "+": gettext_lazy("opprettet"),
    "~": gettext_lazy("endret"),
    "-": gettext_lazy("slettet"),
}
# Bookkeeping fields that say nothing a reader needs.
TIMELINE_HIDDEN_FIELDS = {"id", "created_at", "user_notice_at", "original_trust_person"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    subject: str
    action: str
    history_type: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _history_rows(model: type[Model], **lookup) -> list:
    return list(
        model.history.filter(**lookup).select_related("history_user").order_by("history_date", "history_id")
    )


def _format_value(model_field, value, names: dict) -> str:
    if value is None or value == "":
        return _("(tomt)")
    if model_field.model is ServiceUser and model_field.name == "national_id":
        # Never in clear in a history: masked, as on the person page (koordinator.signin.national_id).
        return national_id_masked(value)
    if model_field.is_relation:
        return names.get((model_field.related_model, value), _("(ukjent, nr. %(pk)s)") % {"pk": value})
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), r"d.m.Y \k\l. H.i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d.m.Y")
    return str(value)


# Related models whose display name a timeline may show, and how to read it cheaply.
_NAME_LOOKUPS: dict[type[Model], tuple[tuple[str, ...], object]] = {
    User: (("first_name", "last_name", "username"), lambda r: f"{r[1]} {r[2]}".strip() or r[3]),
    Organisation: (("name",), lambda r: r[1]),
    Municipality: (("name",), lambda r: r[1]),
    ServiceUser: (("first_name", "last_name"), lambda r: f"{r[1]} {r[2]}".strip()),
}


def _resolve_names(wanted: dict[type[Model], set]) -> dict:
    """One query per related model (not per row) for the names of people and organisations in the diffs."""
    names: dict = {}
    for model, pks in wanted.items():
        if not pks or model not in _NAME_LOOKUPS:
            continue
        columns, label = _NAME_LOOKUPS[model]
        for row in model._default_manager.filter(pk__in=pks).values_list("pk", *columns):
            names[(model, row[0])] = label(row)
    return names


def case_timeline(user: User, case: FollowUp) -> list[TimelineEntry]:
    """Every historical record of the case, the person, their consents and next of kin, newest first.

    Runs a fixed number of queries: one per model for the history rows (with the history user joined),
    one per related model for names in the changes. Previous records are paired in memory by walking each
    object's rows in order, instead of asking simple-history for ``prev_record`` (a query per row).
    Consents, next of kin and appointments are limited to those the viewer may see through the gate.
    A change of trust person shows as an «Overføring» (the note itself is on the case page, not here).
    """
    su_id = case.service_user_id
    sources = [
        (FollowUp, _history_rows(FollowUp, id=case.pk)),
        (ServiceUser, _history_rows(ServiceUser, id=su_id)),
        (
            Consent,
            _history_rows(Consent, id__in=Consent.objects.for_user(user).filter(owner_id=su_id).values("pk")),
        ),
        (
            NextOfKin,
            _history_rows(
                NextOfKin, id__in=NextOfKin.objects.for_user(user).filter(service_user_id=su_id).values("pk")
            ),
        ),
        (
            Appointment,
            _history_rows(
                Appointment, id__in=Appointment.objects.for_user(user).filter(follow_up_id=case.pk).values("pk")
            ),
        ),
        (Handover, _history_rows(Handover, follow_up_id=case.pk)),
    ]

    pending: list[tuple[type[Model], object, object]] = []  # (model, record, delta or None)
    wanted: dict[type[Model], set] = defaultdict(set)
    # The national identity number: masked for those who may change the person (``_format_value``), left out for
    # everyone else (a partner sees nothing of it).
    hidden = {ServiceUser: TIMELINE_HIDDEN_FIELDS | (
        set() if access.can_change(user, case.service_user) else {"national_id"})}
    for model, rows in sources:
        previous: dict[int, object] = {}
        for record in rows:
            prev = previous.get(record.id)
            delta = None
            if prev is not None and record.history_type == "~":
                delta = record.diff_against(prev, excluded_fields=hidden.get(model, TIMELINE_HIDDEN_FIELDS))
                for change in delta.changes:
                    model_field = model._meta.get_field(change.field)
                    if model_field.is_relation:
                        for value in (change.old, change.new):
                            if value is not None:
                                wanted[model_field.related_model].add(value)
            if model is Consent:
                # Which consent: named by whom it lets in.
                if record.grantee_user_id:
                    wanted[User].add(record.grantee_user_id)
                if record.grantee_organisation_id:
                    wanted[Organisation].add(record.grantee_organisation_id)
            elif model is Handover:
                wanted[User].add(record.to_person_id)
            pending.append((model, record, delta))
            previous[record.id] = record

    names = _resolve_names(wanted)
    entries: list[TimelineEntry] = []
    for model, record, delta in pending:
        changes = []
        if delta is not None:
            # In the order the fields are declared (the form's order), not simple-history's alphabetical one.
            order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
            for change in sorted(delta.changes, key=lambda c: order.get(c.field, len(order))):
                model_field = model._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=str(model_field.verbose_name).capitalize(),
                        old=_format_value(model_field, change.old, names),
                        new=_format_value(model_field, change.new, names),
                    )
                )
        who = record.history_user.display_name if record.history_user_id else _("System")
        if model is Consent:
            grantee = (User, record.grantee_user_id) if record.grantee_user_id else (
                Organisation, record.grantee_organisation_id)
            subject = _("til %(grantee)s") % {"grantee": names.get(grantee, "")}
        elif model is NextOfKin:
            subject = record.name
        elif model is Appointment:
            local = timezone.localtime(record.starts_at)
            subject = _("%(day)s kl. %(time)s") % {"day": f"{local:%d.%m.%Y}", "time": f"{local:%H.%M}"}
        elif model is Handover:
            subject = _("til %(name)s") % {"name": names.get((User, record.to_person_id), "")}
        else:
            subject = ""
        entries.append(
            TimelineEntry(
                when=record.history_date,
                who=who,
                what=str(model._meta.verbose_name).capitalize(),
                subject=subject,
                action=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                history_type=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
