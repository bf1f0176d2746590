"""The figures: one query per kind of row, whatever the number of cases, built as raw cells and their relations,
then suppressed (``cells.suppress``) and published before anything leaves (see the package's docstring)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator.models import FollowUp, FollowUpEntry, Membership, Organisation, User
from koordinator.timeutil import at
from meetings.models import Attendance, Group, GroupMember, Meeting
from outcomes import instrument
from outcomes.models import QualityOfLifeRound
from outcomes.report.cells import (
    COUNT,
    PERCENT,
    RATE,
    SIGNED,
    SMALL,
    Cells,
    Chart,
    Column,
    RawCell,
    Report,
    Row,
    Section,
    Table,
    cell_text,
    minimum,
    number,
    publish,
    small_footnote,
    suppress,
)
from outcomes.report.period import HalfYear
from outcomes.report.scope import Scope, may_read
from plans.models import Measure, Plan

Status = FollowUp.Status
Kind = FollowUpEntry.Kind

# --- building the tables -------------------------------------------------------------------------------------------


@dataclass
class _RawTable:
    key: str
    title: str
    caption: str
    columns: tuple[Column, ...]
    rows: list[tuple[str, str, tuple, int, str]] = field(default_factory=list)  # key, label, raw cells, level, note
    note: str = ""
    chart: tuple | None = None  # (kind, label, the cells' attribute, the rows' keys or None for every row)

    def row(self, key: str, label, *cells: RawCell, level: int = 0, note: str = "") -> None:
        """A row: one cell per column, or one cell whose numbers (count, share, rate) every column picks from."""
        if len(cells) == 1:
            cells = cells * len(self.columns)
        assert len(cells) == len(self.columns), key
        self.rows.append((key, str(label), cells, level, str(note)))


def _share(part: float, whole: float) -> float | None:
    """Per cent, unrounded (the page rounds to whole per cent, the API and the CSV to one decimal)."""
    return 100 * part / whole if whole else None


def _count_columns() -> tuple[Column, ...]:
    return (Column("value", _("Antall")),)


def _share_columns(of: str) -> tuple[Column, ...]:
    return (Column("value", _("Antall")), Column("share", _("Andel av %(of)s") % {"of": of}, "share", PERCENT))


@dataclass
class _Window:
    period: HalfYear
    today: datetime.date

    @property
    def start(self) -> datetime.date:
        return self.period.start

    @property
    def end(self) -> datetime.date:
        return self.period.last_day(self.today)

    @property
    def start_at(self) -> datetime.datetime:
        return at(self.start, 0)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the window."""
        return at(self.end + datetime.timedelta(days=1), 0)

    def has(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def _cases(user, scope: Scope, window: _Window):
    """The scope's cases through the gate, narrowed to the municipality or unit first."""
    return FollowUp.objects.for_user(user).filter(scope.cases())


def _served(cases, window: _Window):
    return cases.filter(started_on__lte=window.end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window.start))


@dataclass
class _CaseRow:
    pk: int
    person: int
    started_on: datetime.date
    ended_on: datetime.date | None
    status_at_end: str
    trust_person_at_end: int
    referral_source: str
    referral_kind: str | None
    referral_name: str
    ending_reason: str
    handed_over: bool


def _case_rows(served, window: _Window) -> list[_CaseRow]:
    """One query: every case of the half-year with its status and trust person at the end of it (from history)."""
    history = FollowUp.history.model
    open_rows = history.objects.filter(id=OuterRef("pk")).exclude(status=Status.ENDED) \
        .order_by("-history_date", "-history_id")
    by_end = open_rows.filter(history_date__lt=window.end_at)
    rows = served.annotate(
        status_at_end=Coalesce(Subquery(by_end.values("status")[:1]), Subquery(open_rows.values("status")[:1]),
                               F("status"), output_field=CharField()),
        trust_person_at_end=Coalesce(Subquery(by_end.values("trust_person_id")[:1]),
                                     Subquery(open_rows.values("trust_person_id")[:1]), F("trust_person_id"),
                                     output_field=IntegerField()),
    ).order_by().values_list(
        "pk", "service_user_id", "started_on", "ended_on", "status_at_end", "trust_person_at_end", "referral_source",
        "referral_agency__kind", "referral_agency_name", "ending_reason", "taken_over_by_id", "taken_over_by_name",
    )
    return [
        _CaseRow(pk, person, started, ended, status, tp, source or "", kind, name or "", reason or "",
                 bool(taken_id or (taken_name or "").strip()))
        for pk, person, started, ended, status, tp, source, kind, name, reason, taken_id, taken_name in rows
    ]


def _persons(rows) -> int:
    return len({row.person for row in rows})


class _Builder:
    def __init__(self, user, scope: Scope, period: HalfYear, today: datetime.date):
        self.user = user
        self.scope = scope
        self.window = _Window(period, today)
        self.cells = Cells()
        self.least = minimum()
        self.cases = _cases(user, scope, self.window)
        self.served_qs = _served(self.cases, self.window)
        self.served_ids = self.served_qs.values("pk")

    # --- cases ----------------------------------------------------------------------------------------------------

    def case_tables(self) -> list[_RawTable]:
        w, c = self.window, self.cells
        rows = _case_rows(self.served_qs, w)
        self.rows = rows
        new = [r for r in rows if w.has(r.started_on)]
        ended = [r for r in rows if r.ended_on is not None and r.ended_on <= w.end]
        open_end = [r for r in rows if not (r.ended_on is not None and r.ended_on <= w.end)]
        by_status = defaultdict(list)
        for r in open_end:
            status = r.status_at_end if r.status_at_end in (Status.INTAKE, Status.DORMANT) else Status.ACTIVE
            by_status[status].append(r)
        self.open_end_rows = open_end
        self.persons_served = _persons(rows)
        persons = c.add(self.persons_served, self.persons_served)
        self.persons_cell = persons
        served = c.add(len(rows), _persons(rows))
        new_cell = c.add(len(new), _persons(new))
        ended_cell = c.add(len(ended), _persons(ended))
        open_cell = c.add(len(open_end), _persons(open_end))
        self.open_cell = open_cell
        statuses = {s: c.add(len(by_status[s]), _persons(by_status[s]))
                    for s in (Status.INTAKE, Status.ACTIVE, Status.DORMANT)}
        c.relate(served, [open_cell, ended_cell])
        c.relate(open_cell, list(statuses.values()))

        cases = _RawTable(
            "cases", _("Saker i halvåret"), _("Saker og brukere i halvåret"), _count_columns(),
            note=_("En sak hører til halvåret når den startet før halvåret var over og ikke var avsluttet før det "
                   "begynte. Status ved utgangen av halvåret er den siste statusen saken hadde da, etter historikken."),
            chart=("bars", _("Saker i halvåret"), "value", ("new", "ended", "intake", "active", "dormant")),
        )
        cases.row("users_served", _("Brukere som fikk oppfølging"), persons)
        cases.row("cases", _("Saker i halvåret"), served)
        cases.row("new", _("Nye saker"), new_cell, level=1)
        cases.row("ended", _("Avsluttet i halvåret"), ended_cell, level=1)
        cases.row("open_end", _("Åpne ved utgangen av halvåret"), open_cell, level=1)
        cases.row("intake", _("Inntak"), statuses[Status.INTAKE], level=2)
        cases.row("active", _("Aktive"), statuses[Status.ACTIVE], level=2)
        cases.row("dormant", _("Hvilende"), statuses[Status.DORMANT], level=2)

        # Referral sources, of the new cases; those from another service by the kind of service.
        referral = _RawTable(
            "referral", _("Hvem henviste"), _("Nye saker etter hvem som henviste"), _share_columns(_("nye saker")),
            chart=("bars", _("Nye saker etter hvem som henviste"), "value",
                   tuple(f"source_{key}" for key in FollowUp.ReferralSource.values)),
            note=_("Til sammenligning i forsøket (2011): 66 % fra andre tjenester, oftest NAV; 23 % oppsøkende; "
                   "8 % tok selv kontakt; 3 % pårørende."),
        )
        sources = defaultdict(list)
        for r in new:
            sources[r.referral_source].append(r)
        members = []
        agency_cell = None
        labels = dict(FollowUp.ReferralSource.choices)
        keys = list(FollowUp.ReferralSource.values) + [k for k in sources if k not in labels]
        for key in keys:
            part = sources.get(key, [])
            if key not in labels and not part:
                continue
            cell = c.add(len(part), _persons(part), share=_share(len(part), len(new)))
            members.append(cell)
            referral.row(f"source_{key or 'none'}", labels.get(key, _("Ikke oppgitt")), cell)
            if key == FollowUp.ReferralSource.AGENCY:
                agency_cell = cell
                kinds = defaultdict(list)
                for a in part:
                    kinds[a.referral_kind or ("free_text" if a.referral_name.strip() else "")].append(a)
                kind_labels = dict(Organisation.Kind.choices)
                kind_members = []
                for kind in sorted(kinds, key=lambda k: (k not in kind_labels, str(kind_labels.get(k, k)))):
                    sub = kinds[kind]
                    sub_cell = c.add(len(sub), _persons(sub), share=_share(len(sub), len(new)))
                    kind_members.append(sub_cell)
                    label = kind_labels.get(kind) or (_("Annen tjeneste (skrevet inn)") if kind == "free_text"
                                                      else _("Tjeneste ikke oppgitt"))
                    referral.row(f"agency_{kind or 'none'}", label, sub_cell, level=1)
                c.relate(agency_cell, kind_members)
        c.relate(new_cell, members)

        ending = _RawTable(
            "ending", _("Avslutninger"), _("Avsluttede saker etter grunn"), _share_columns(_("avsluttede")),
            chart=("bars", _("Avsluttede saker etter grunn"), "value",
                   tuple(f"reason_{key}" for key in FollowUp.EndingReason.values)),
        )
        reasons = defaultdict(list)
        for r in ended:
            reasons[r.ending_reason].append(r)
        reason_labels = dict(FollowUp.EndingReason.choices)
        members = []
        for key in list(FollowUp.EndingReason.values) + [k for k in reasons if k not in reason_labels]:
            part = reasons.get(key, [])
            cell = c.add(len(part), _persons(part), share=_share(len(part), len(ended)))
            members.append(cell)
            ending.row(f"reason_{key or 'none'}", reason_labels.get(key, _("Ikke oppgitt")), cell)
        c.relate(ended_cell, members)
        handed = [r for r in ended if r.handed_over]
        handed_cell = c.add(len(handed), _persons(handed), share=_share(len(handed), len(ended)))
        c.relate(ended_cell, [handed_cell], closed=False)
        ending.row("handed_over", _("Koordineringen ble overført til en annen tjeneste"), handed_cell,
                   note=_("Uansett grunn: en tjeneste er ført opp under «hvem tar over»."))
        return [cases, referral, ending]

    # --- caseload ---------------------------------------------------------------------------------------------------

    def caseload_table(self) -> _RawTable:
        c = self.cells
        positions: dict[int, int] = defaultdict(int)
        names: dict[int, str] = {}
        for user_id, fte, first, last, username in Membership.objects.filter(self.scope.units(),
                                                                               role=Membership.Role.TRUST_PERSON) \
                .values_list("user_id", "fte_percent", "user__first_name", "user__last_name", "user__username"):
            positions[user_id] += fte
            names[user_id] = f"{first} {last}".strip() or username
        by_person = defaultdict(list)
        for r in self.open_end_rows:
            by_person[r.trust_person_at_end].append(r)
        missing = [pk for pk in by_person if pk not in names]
        if missing:
            for user in User.objects.filter(pk__in=missing).only("first_name", "last_name", "username"):
                names[user.pk] = user.display_name
        table = _RawTable(
            "caseload", _("Saker per tillitsperson"), _("Åpne saker ved utgangen av halvåret per tillitsperson"),
            (Column("value", _("Saker")), Column("fte", _("Stilling"), "value", PERCENT),
             Column("rate", _("Saker per årsverk"), "rate", RATE)),
            note=_("Saker per årsverk: sakene delt på stillingsprosenten. Tillitspersoner er ansatte og kan nevnes "
                   "ved navn; antall saker under %(n)s vises som «under %(n)s». I forsøket: 6–10 brukere per "
                   "årsverk.") % {"n": self.least},
        )
        members = []
        people = sorted(set(positions) | set(by_person), key=lambda pk: (names.get(pk, ""), pk))
        for pk in people:
            cases = by_person.get(pk, [])
            fte = positions.get(pk)
            cell = c.add(len(cases), _persons(cases), rate=round(len(cases) / (fte / 100), 1) if fte else None)
            members.append(cell)
            # The position is about the member of staff, not about the users: never suppressed.
            table.row(f"trust_person_{pk}", names.get(pk, "–"), cell, c.add(fte, 0) if fte else c.none(), cell)
        c.relate(self.open_cell, members)
        total_fte = sum(positions.values())
        self.open_cell.rate = round(self.open_cell.value / (total_fte / 100), 1) if total_fte else None
        table.row("total", _("Alle tillitspersoner"), self.open_cell, c.add(total_fte, 0) if total_fte else c.none(),
                  self.open_cell)
        return table

    # --- individual plan and responsibility group ------------------------------------------------------------------

    def plan_table(self) -> _RawTable:
        w, c = self.window, self.cells
        active, declined, grouped = set(), set(), set()
        for person, status, consent_on, ended_on, declined_on in Plan.objects.filter(
            follow_up__in=self.served_ids
        ).order_by().values_list("follow_up__service_user_id", "status", "consent_given_on", "ended_on",
                                 "declined_on"):
            if (status in (Plan.Status.ACTIVE, Plan.Status.ENDED) and consent_on is not None and consent_on <= w.end
                    and (ended_on is None or ended_on >= w.start)):
                active.add(person)
            if declined_on is not None and declined_on <= w.end and (
                status == Plan.Status.DECLINED or declined_on >= w.start
            ):
                declined.add(person)
        declined -= active
        for person, created_at, status, changed_at in Group.objects.filter(follow_up__in=self.served_ids) \
                .order_by().values_list("follow_up__service_user_id", "created_at", "status", "status_changed_at"):
            if created_at < w.end_at and (status != Group.Status.CLOSED or changed_at is None
                                          or changed_at >= w.start_at):
                grouped.add(person)
        served = self.persons_served
        table = _RawTable(
            "plans", _("Individuell plan og ansvarsgruppe"), _("Brukere med individuell plan og ansvarsgruppe"),
            _share_columns(_("brukerne")),
            note=_("Av brukerne som fikk oppfølging i halvåret. «I bruk»: planen var i bruk (samtykket til) en del "
                   "av halvåret. «Takket nei»: brukeren hadde sagt nei til plan og hadde ingen plan i bruk. I "
                   "forsøket hadde om lag 40 % individuell plan i 2011, mot 12–19 % nasjonalt."),
            chart=("bars", _("Andel av brukerne"), "share", None),
        )
        cells = {}
        for key, label, people in (("plan_active", _("Individuell plan i bruk"), active),
                                   ("plan_declined", _("Takket nei til individuell plan"), declined),
                                   ("group", _("Ansvarsgruppe"), grouped)):
            cells[key] = c.add(len(people), len(people), share=_share(len(people), served))
            c.relate(self.persons_cell, [cells[key]], closed=False)
            table.row(key, label, cells[key])
        c.relate(self.persons_cell, [cells["plan_active"], cells["plan_declined"]], closed=False)
        return table

    # --- contacts ---------------------------------------------------------------------------------------------------

    def contact_tables(self) -> list[_RawTable]:
        w, c = self.window, self.cells
        home = "hjemme hos"
        place = Case(
            When(kind__in=[Kind.PHONE, Kind.SMS], then=Value("phone")),
            When(kind=Kind.HOME_VISIT, then=Value("home")),
            When(place__istartswith=home, then=Value("home")),
            When(Q(place__iexact="kontoret") | Q(place__iexact="på kontoret"), then=Value("office")),
            When(place="", then=Value("unknown")),
            default=Value("elsewhere"),
            output_field=CharField(),
        )
        rows = (
            FollowUpEntry.objects.filter(follow_up__in=self.cases.values("pk"), archived_at__isnull=True,
                                         started_at__gte=w.start_at, started_at__lt=w.end_at)
            .annotate(place_group=place, service_kind=F("service__kind"),
                      has_service_text=Case(When(service_text="", then=Value("")), default=Value("text"),
                                            output_field=CharField()))
            .order_by()
            .values_list("kind", "place_group", "service_kind", "has_service_text", "follow_up__service_user_id")
            .annotate(n=Count("id"))
        )
        kinds: dict[str, list] = defaultdict(lambda: [0, set()])
        places: dict[str, list] = defaultdict(lambda: [0, set()])
        services: dict[str, list] = defaultdict(lambda: [0, set()])
        total = [0, set()]
        not_met = [0, set()]
        for kind, place_group, service_kind, service_text, person, n in rows:
            if kind == Kind.NOT_MET:
                not_met[0] += n
                not_met[1].add(person)
                continue
            for bucket in (kinds[kind], places[place_group], total):
                bucket[0] += n
                bucket[1].add(person)
            if kind in (Kind.OTHER_SERVICE, Kind.ACCOMPANIED):
                key = service_kind or ("free_text" if service_text else "")
                services[key][0] += n
                services[key][1].add(person)
        months = w.period.months(w.today)
        served = self.persons_served

        def rate(n: int) -> float | None:
            return round(n / served / months, 2) if served and months else None

        columns = (Column("value", _("Kontakter")), Column("rate", _("Per bruker per måned"), "rate", RATE))
        if months == 6:
            per_month = _("%(months)s måneder") % {"months": 6}
        else:
            per_month = _("%(months)s måneder så langt: dagene hittil av halvårets seks måneder") % {
                "months": number(months, RATE)}
        note = _("Kontakter i kontaktloggen i halvåret, per bruker som fikk oppfølging og per måned (%(months)s). "
                 "«Forsøkt, men ikke truffet» er ikke kontakt og telles for seg.") % {"months": per_month}
        total_cell = c.add(total[0], len(total[1]), rate=rate(total[0]))
        by_kind = _RawTable("contacts_kind", _("Kontakt med brukerne"), _("Kontakter etter type"), columns,
                            note=note, chart=("bars", _("Kontakter per bruker per måned etter type"), "rate",
                                              tuple(f"kind_{k}" for k in Kind.values if k != Kind.NOT_MET)))
        by_kind.row("total", _("Kontakter i alt"), total_cell)
        kind_cells = {}
        for key, label in Kind.choices:
            if key == Kind.NOT_MET:
                continue
            n, people = kinds.get(key, (0, set()))
            kind_cells[key] = c.add(n, len(people), rate=rate(n))
            by_kind.row(f"kind_{key}", label, kind_cells[key], level=1)
        c.relate(total_cell, list(kind_cells.values()), disjoint=False)
        by_kind.row("not_met", Kind.NOT_MET.label, c.add(not_met[0], len(not_met[1]), rate=rate(not_met[0])))

        place_labels = (
            ("office", _("På kontoret")),
            ("home", _("Hjemme hos brukeren")),
            ("elsewhere", _("Ute og andre steder (kafé, tur, hos andre tjenester, fengsel …)")),
            ("phone", _("På telefon eller SMS")),
            ("unknown", _("Sted ikke oppgitt")),
        )
        by_place = _RawTable("contacts_place", _("Hvor kontakten skjedde"), _("Kontakter etter sted"), columns,
                             note=_("Stedene er gruppert; det som er skrevet inn som sted, vises ikke."),
                             chart=("bars", _("Kontakter etter sted"), "value", None))
        place_cells = {}
        for key, label in place_labels:
            n, people = places.get(key, (0, set()))
            place_cells[key] = c.add(n, len(people), rate=rate(n))
            by_place.row(f"place_{key}", label, place_cells[key])
        c.relate(total_cell, list(place_cells.values()), disjoint=False)
        # «På telefon eller SMS» is exactly the kinds «Telefon» and «SMS».
        c.relate(place_cells["phone"], [kind_cells[Kind.PHONE], kind_cells[Kind.SMS]], disjoint=False)

        services_table = _RawTable(
            "contacts_services", _("Samarbeid med andre tjenester"),
            _("Møter med andre tjenester og følge til avtaler, etter type tjeneste"), columns,
            note=_("Loggføringene «Møte med annen tjeneste» og «Fulgt til avtale»."),
        )
        coop = [sum(v[0] for v in services.values()), set().union(*[v[1] for v in services.values()])]
        coop_cell = c.add(coop[0], len(coop[1]), rate=rate(coop[0]))
        # The cooperation's total is exactly the kinds «Møte med annen tjeneste» and «Fulgt til avtale».
        c.relate(coop_cell, [kind_cells[Kind.OTHER_SERVICE], kind_cells[Kind.ACCOMPANIED]], disjoint=False)
        services_table.row("total", _("I alt"), coop_cell)
        kind_labels = dict(Organisation.Kind.choices)
        members = []
        for key in sorted(services, key=lambda k: (k not in kind_labels, str(kind_labels.get(k, k)))):
            n, people = services[key]
            cell = c.add(n, len(people), rate=rate(n))
            members.append(cell)
            label = kind_labels.get(key) or (_("Annen tjeneste (skrevet inn)") if key == "free_text"
                                             else _("Tjeneste ikke oppgitt"))
            services_table.row(f"service_{key or 'none'}", label, cell, level=1)
        c.relate(coop_cell, members, disjoint=False)
        return [by_kind, by_place, services_table]

    # --- responsibility-group meetings ------------------------------------------------------------------------------

    def meeting_table(self) -> _RawTable:
        w, c = self.window, self.cells
        meetings_qs = Meeting.objects.filter(group__follow_up__in=self.cases.values("pk"), status=Meeting.Status.HELD,
                                             starts_at__gte=w.start_at, starts_at__lt=w.end_at)
        meetings = list(meetings_qs.order_by().values_list("pk", "group_id", "starts_at",
                                                           "group__follow_up__service_user_id"))
        members = list(
            GroupMember.objects.filter(group__in=meetings_qs.values("group_id"), organisation__isnull=False)
            .order_by().values_list("pk", "group_id", "organisation_id", "organisation__name", "added_at",
                                    "removed_at")
        )
        statuses = {
            (meeting_id, member_id): status
            for meeting_id, member_id, status in Attendance.objects.filter(
                meeting__in=meetings_qs.values("pk"), member__organisation__isnull=False
            ).order_by().values_list("meeting_id", "member_id", "status")
        }
        by_group = defaultdict(list)
        org_names = {}
        for member in members:
            by_group[member[1]].append(member)
            org_names[member[2]] = member[3]
        rank = {Attendance.Status.PRESENT: 3, Attendance.Status.APOLOGIES: 2, Attendance.Status.ABSENT: 1}
        keys = ("present", "apologies", "absent", "none")
        counts: dict[int, dict[str, list]] = {}
        for meeting_id, group_id, starts_at, person in meetings:
            best: dict[int, str | None] = {}
            for member_id, _group, org_id, _name, added_at, removed_at in by_group[group_id]:
                if added_at > starts_at or (removed_at is not None and removed_at <= starts_at):
                    continue
                status = statuses.get((meeting_id, member_id))
                if org_id not in best or rank.get(status, 0) > rank.get(best[org_id], 0):
                    best[org_id] = status
            for org_id, status in best.items():
                row = counts.setdefault(org_id, {k: [0, set()] for k in ("expected", *keys)})
                key = {Attendance.Status.PRESENT: "present", Attendance.Status.APOLOGIES: "apologies",
                       Attendance.Status.ABSENT: "absent"}.get(status, "none")
                for bucket in (row["expected"], row[key]):
                    bucket[0] += 1
                    bucket[1].add(person)
        table = _RawTable(
            "meetings", _("Ansvarsgruppemøter"), _("Møter holdt, og oppmøte per samarbeidstjeneste"),
            (Column("value", _("Møter")), Column("present", _("Til stede")),
             Column("share", _("Andel til stede"), "share", PERCENT),
             Column("apologies", _("Meldt forfall")), Column("absent", _("Ikke møtt")),
             Column("none", _("Ikke registrert"))),
            note=_("En tjeneste er ventet på et møte når den hadde et medlem i gruppen da. Antall møter for en "
                   "tjeneste gjelder brukerne møtene var for; under %(n)s brukere vises som «under %(n)s».")
            % {"n": self.least},
        )
        held = c.add(len(meetings), len({m[3] for m in meetings}))
        table.row("held", _("Møter holdt"), held, c.none(), c.none(), c.none(), c.none(), c.none())
        for org_id in sorted(counts, key=lambda pk: (org_names[pk], pk)):
            row = counts[org_id]
            expected = c.add(row["expected"][0], len(row["expected"][1]))
            parts = [c.add(row[k][0], len(row[k][1])) for k in keys]
            # The share present goes with the «present» count (hidden with it).
            parts[0].share = _share(row["present"][0], row["expected"][0])
            c.relate(expected, parts, disjoint=False)
            table.row(f"organisation_{org_id}", org_names[org_id], expected, parts[0], parts[0], *parts[1:])
        return table

    # --- measures ---------------------------------------------------------------------------------------------------

    def measure_table(self) -> _RawTable:
        w, c = self.window, self.cells
        D = Measure.Decision
        buckets = {k: [] for k in ("applied", "granted", "refused", "appealed", "without_decision")}
        undecided = Q(needs_decision=True, created_at__lt=w.end_at) & (Q(decided_on__isnull=True)
                                                                        | Q(decided_on__gt=w.end))
        period = (Q(applied_on__range=(w.start, w.end)) | Q(decided_on__range=(w.start, w.end))
                  | Q(appealed_on__range=(w.start, w.end)) | undecided)
        for person, status, applied_on, decided_on, appealed_on, needs, p_from, p_until, created_at in (
            Measure.objects.filter(plan__follow_up__in=self.cases.values("pk"), archived_at__isnull=True)
            .filter(period).order_by()
            .values_list("plan__follow_up__service_user_id", "decision_status", "applied_on", "decided_on",
                         "appealed_on", "needs_decision", "period_from", "period_until", "created_at")
        ):
            if w.has(applied_on):
                buckets["applied"].append(person)
            if w.has(decided_on) and status == D.GRANTED:
                buckets["granted"].append(person)
            if w.has(decided_on) and status in (D.REFUSED, D.APPEALED):
                buckets["refused"].append(person)
            if w.has(appealed_on):
                buckets["appealed"].append(person)
            ran = (p_from is None or p_from <= w.end) and (p_until is None or p_until >= w.start)
            if needs and ran and created_at < w.end_at and (decided_on is None or decided_on > w.end):
                buckets["without_decision"].append(person)
        table = _RawTable(
            "measures", _("Tiltak og vedtak"), _("Tiltak i de individuelle planene"), _count_columns(),
            note=_("Søkt, innvilget, avslått og klaget på: etter datoene i halvåret. «Uten vedtak»: tiltaket trenger "
                   "vedtak, pågikk i halvåret og hadde ikke fått vedtak da det var over — uten vedtak er det ingen "
                   "klagerett."),
            chart=("bars", _("Tiltak i halvåret"), "value", None),
        )
        labels = {"applied": _("Søkt"), "granted": _("Innvilget"), "refused": _("Avslått"),
                  "appealed": _("Klaget på"), "without_decision": _("Gitt uten vedtak")}
        for key, people in buckets.items():
            table.row(key, labels[key], c.add(len(people), len(set(people))))
        return table

    # --- quality of life -------------------------------------------------------------------------------------------

    def quality_tables(self) -> list[_RawTable]:
        w, c = self.window, self.cells
        fields = [item.field for item in (*instrument.OBJECTIVE, *instrument.SUBJECTIVE)]
        in_window = QualityOfLifeRound.objects.filter(follow_up__in=self.cases.values("pk"),
                                                      taken_on__range=(w.start, w.end))
        rounds = defaultdict(list)
        for values in (
            QualityOfLifeRound.objects.filter(follow_up__in=in_window.values("follow_up_id"), taken_on__lte=w.end)
            .order_by("follow_up_id", "taken_on", "pk")
            .values("follow_up_id", "follow_up__service_user_id", "taken_on", *fields)
        ):
            rounds[values["follow_up_id"]].append(values)
        # Per person: the latest round in the half-year (across their cases) and the round before it in its case.
        pairs: dict[int, tuple[dict, dict]] = {}
        at_risk, started = set(), set()
        for case_rounds in rounds.values():
            for earlier, later in zip(case_rounds, case_rounds[1:], strict=False):
                if not w.has(later["taken_on"]):
                    continue
                person = later["follow_up__service_user_id"]
                if earlier["o3"] == instrument.NO and later["o3"] in (instrument.YES, instrument.NO):
                    at_risk.add(person)
                    if later["o3"] == instrument.YES:
                        started.add(person)
                if person not in pairs or pairs[person][1]["taken_on"] <= later["taken_on"]:
                    pairs[person] = (earlier, later)
        with_round = {r["follow_up__service_user_id"] for rs in rounds.values() for r in rs if w.has(r["taken_on"])}

        columns = (
            Column("value", _("Svarte i begge")),
            Column("better", _("Bedre"), "share", PERCENT),
            Column("same", _("Som før"), "share", PERCENT),
            Column("worse", _("Dårligere"), "share", PERCENT),
            Column("mean", _("Gjennomsnittlig endring"), "value", SIGNED),
        )
        note = _("Den siste runden i halvåret mot runden før, for hver bruker. Bare de som svarte på spørsmålet i "
                 "begge rundene telles; «Vet ikke» regnes som ikke svart. Svarene er regnet om slik at høyere er "
                 "bedre. Andelene er av dem som svarte i begge.")
        objective = _RawTable("quality_objective", _("Livskvalitet: tillitspersonens del (O1–O18)"),
                              _("Endring fra runden før, tillitspersonens del"), columns, note=note)
        subjective = _RawTable("quality_subjective", _("Livskvalitet: brukerens del (S1–S14)"),
                               _("Endring fra runden før, brukerens del"), columns, note=note)
        overall_chart = None
        for item in (*instrument.OBJECTIVE, *instrument.SUBJECTIVE):
            is_subjective = isinstance(item, instrument.SubjectiveItem)
            table = subjective if is_subjective else objective
            if not is_subjective and item.better is None:
                continue  # descriptive: not compared
            changes = []
            groups = {"better": set(), "same": set(), "worse": set()}
            for person, (earlier, later) in pairs.items():
                if is_subjective:
                    before, after = item.score(earlier[item.field]), item.score(later[item.field])
                else:
                    before = instrument.objective_score(item, earlier[item.field] or None)
                    after = instrument.objective_score(item, later[item.field] or None)
                if before is None or after is None:
                    continue
                change = after - before
                changes.append(change)
                groups["better" if change > 0 else "worse" if change < 0 else "same"].add(person)
            n = len(changes)
            answered = c.add(n, n)
            parts = [c.add(len(groups[k]), len(groups[k]), share=_share(len(groups[k]), n))
                     for k in ("better", "same", "worse")]
            c.relate(answered, parts)
            mean = c.add(round(sum(changes) / n, 2), n) if n else c.none()
            # With the number who answered and the counts of better and worse, the mean change can give a hidden
            # count away (for O1–O18 exactly: each change is +1 or -1); it is shown only with both counts.
            c.depend(mean, [parts[0], parts[2]])
            label = f"{item.code} {item.text}"
            table.row(f"item_{item.code}", label, answered, *parts, mean)
            if item.code == "O3":
                o3_better = parts[0]
            if item.code == instrument.OVERALL:
                overall_chart = (label, answered, parts)
        self.overall = overall_chart

        work = _RawTable(
            "work", _("Arbeidsrettet aktivitet"), _("Brukere som begynte i arbeidsrettet aktivitet"),
            _count_columns(),
            note=_("O3 «Deltar brukeren for tiden i arbeidsrelatert eller arbeidsrettet aktivitet?»: «Nei» i én "
                   "runde og «Ja» i den neste, tatt i halvåret."),
        )
        rounds_cell = c.add(len(with_round), len(with_round))
        work.row("with_round", _("Brukere med en livskvalitetsrunde i halvåret"), rounds_cell)
        risk_cell = c.add(len(at_risk), len(at_risk))
        started_cell = c.add(len(started), len(started))
        work.row("not_in_activity", _("Var ikke i aktivitet i runden før (O3 «Nei»)"), risk_cell)
        work.row("started", _("Begynte i arbeidsrettet aktivitet (O3 fra «Nei» til «Ja»)"), started_cell, level=1)
        c.relate(risk_cell, [started_cell], closed=False)
        # Those who started are, with one pair of rounds each in the half-year, the users whose O3 got better: the
        # one shown would give the other away when it is hidden.
        c.depend(started_cell, [o3_better])
        c.depend(o3_better, [started_cell])
        return [subjective, objective, work]


def _finish(table: _RawTable) -> Table:
    rows = tuple(Row(key, label, tuple(publish(cell) for cell in cells), level, note)
                 for key, label, cells, level, note in table.rows)
    chart = None
    if table.chart:
        kind, label, attr, keys = table.chart
        column = next((col for col in table.columns if col.attr == attr), table.columns[0])
        index = table.columns.index(column)
        bars = tuple((row.label, getattr(row.cells[index], attr), cell_text(row.cells[index], column))
                     for row in rows if (keys is None and row.level == 0) or (keys is not None and row.key in keys))
        chart = Chart(kind, str(label), bars)
    note = str(table.note)
    if any(raw.status == SMALL and column.format != COUNT
           for _key, _label, cells, _level, _note in table.rows for column, raw in zip(table.columns, cells, strict=True)):
        note = f"{note} {small_footnote()}".strip()
    return Table(table.key, str(table.title), str(table.caption), table.columns, rows, note, chart)


def _overall_chart(rows: Row) -> Chart:
    columns = ("better", "same", "worse")
    labels = {"better": _("Mer fornøyd"), "same": _("Like fornøyd"), "worse": _("Mindre fornøyd")}
    answered = rows.cells[0]
    bars = []
    for key, cell in zip(columns, rows.cells[1:4], strict=True):
        bars.append((str(labels[key]), cell.share, cell_text(cell, Column(key, "", "share", PERCENT))))
    shown = [share for _label, share, _text in bars if share is not None]
    if answered.shown and answered.value and len(shown) < len(bars):
        # The parts not shown take their room together, so the bar does not look as if the shown ones were all;
        # what they add up to follows from the shown ones anyway.
        rest = max(100 - sum(shown), 0)
        bars.append((_("Ikke vist (under %(n)s eller skjult)") % {"n": minimum()}, rest, number(rest, PERCENT) + " %"))
    label = _("Alt i alt, hvor fornøyd med livet (S13): %(n)s svarte i begge rundene") % {
        "n": cell_text(answered)}
    return Chart("shares", label, tuple(bars))


def build(user, scope: Scope, period: HalfYear, *, today: datetime.date | None = None, notice: str = "") -> Report:
    """The report for ``scope`` (checked against ``user`` by :func:`scope_for`) and ``period``. A fixed number of
    queries; suppression applied (:func:`suppress`) before anything leaves this module."""
    if not may_read(user):
        raise PermissionDenied
    today = today or timezone.localdate()
    b = _Builder(user, scope, period, today)
    case_tables = b.case_tables()
    caseload = b.caseload_table()
    plans = b.plan_table()
    contacts = b.contact_tables()
    meetings = b.meeting_table()
    measures = b.measure_table()
    quality = b.quality_tables()
    suppress(b.cells, b.least)

    finished = {t.key: _finish(t) for t in (*case_tables, caseload, plans, *contacts, meetings, *quality, measures)}
    subjective = finished["quality_subjective"]
    overall_row = next(row for row in subjective.rows if row.key == f"item_{instrument.OVERALL}")
    subjective = Table(subjective.key, subjective.title, subjective.caption, subjective.columns, subjective.rows,
                       subjective.note, _overall_chart(overall_row))
    finished["quality_subjective"] = subjective
    not_registered = _("Ikke registrert i systemet")
    sections = (
        Section("cases", _("Saker og brukere"), (finished["cases"], finished["referral"], finished["ending"]),
                (_("Behov dekket: registreres ikke som tall. Sluttevalueringen er fritekst; se avslutningsgrunnen "
                   "«Trenger ikke lenger oppfølging». (%(nr)s)") % {"nr": not_registered},)),
        Section("caseload", _("Saksmengde"), (finished["caseload"],)),
        Section("plans", _("Individuell plan og ansvarsgruppe"), (finished["plans"],)),
        Section("contacts", _("Kontakt og samarbeid"),
                (finished["contacts_kind"], finished["contacts_place"], finished["contacts_services"])),
        Section("meetings", _("Ansvarsgruppemøter"), (finished["meetings"],)),
        Section("measures", _("Tiltak og vedtak"), (finished["measures"],)),
        Section("quality", _("Livskvalitet"), (subjective, finished["quality_objective"], finished["work"]),
                (_("O5, O6, O13, O15 og O18 beskriver situasjonen og sammenlignes ikke."),
                 _("Til sammenligning i forsøket: av 77 som svarte i alle rundene, var om lag 40 % mer fornøyd med "
                   "livet alt i alt (S13), 22 % mindre fornøyd og resten like fornøyd."))),
    )
    return Report(
        period=period,
        scope=scope,
        made_at=timezone.localtime(),
        complete=period.is_complete(today),
        last_day=period.last_day(today),
        has_data=bool(b.rows),
        min_persons=b.least,
        sections=sections,
        notice=notice,
    )
