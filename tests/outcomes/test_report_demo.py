"""The half-year report for the demo's Trondheim reproduces the figures computed here, independently, from the raw
rows (issue 14, Done when): plain ORM reads and Python, written for this test, not the report's own code
(``outcomes/report/``).

The demo is seeded for this module as ``tests/demo/`` does (``tests/shared_demo.py``: committed, flushed after). For
the last completed half-year and the current one, every figure the API shows is checked against the count here; a
figure of 1–4 persons must be «under 5» with no value, and a hidden one («skjult») must be one of 5 or more persons
or 0 (hidden so another cannot be computed). Whatever the demo holds, the figures that describe many users must
actually be shown. The page and the CSV show the same as the API.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator.models import FollowUp, FollowUpEntry, Membership, Municipality, Organisation, User
from meetings.models import Attendance, Group, GroupMember, Meeting
from outcomes import instrument
from outcomes.models import QualityOfLifeRound
from plans.models import Measure, Plan
from tests.conftest import login
from tests.outcomes.report_helpers import api_cells, csv_rows, page_row
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db
LEAST = 5


@pytest.fixture(scope="module", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


# --- the period, written out here ------------------------------------------------------------------------------------


def periods(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """(code, first day, last day counted) for the last completed half-year and the current one."""
    if today.month <= 6:
        last = (f"{today.year - 1}-H2", datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31))
        current = (f"{today.year}-H1", datetime.date(today.year, 1, 1), today)
    else:
        last = (f"{today.year}-H1", datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30))
        current = (f"{today.year}-H2", datetime.date(today.year, 7, 1), today)
    return [last, current]


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=timezone.get_current_timezone())


# --- the figures, counted from the rows --------------------------------------------------------------------------------


class Expected:
    """(table, row) → (value, persons) for the count column, and the rates/shares where the test checks them."""

    def __init__(self):
        self.figures: dict[tuple[str, str, str], tuple[float | None, int]] = {}

    def put(self, table: str, row: str, value, persons: int, column: str = "value") -> None:
        self.figures[(table, row, column)] = (value, persons)


def expected_figures(start: datetime.date, end: datetime.date) -> Expected:
    e = Expected()
    trondheim = Municipality.objects.get(name="Trondheim kommune")
    start_at, end_at = moment(start), moment(end + datetime.timedelta(days=1))

    def within(day) -> bool:
        return day is not None and start <= day <= end

    # Cases of the half-year.
    cases = [c for c in FollowUp.objects.filter(municipality=trondheim)
             if c.started_on <= end and (c.ended_on is None or c.ended_on >= start)]
    served_persons = {c.service_user_id for c in cases}
    history = defaultdict(list)
    for row in FollowUp.history.filter(id__in=[c.pk for c in cases]).values(
            "id", "status", "trust_person_id", "history_date", "history_id"):
        history[row["id"]].append(row)
    at_end = {}
    for case in cases:
        rows = sorted(history[case.pk], key=lambda r: (r["history_date"], r["history_id"]))
        open_rows = [r for r in rows if r["status"] != "ended"]
        by_end = [r for r in open_rows if r["history_date"] < end_at]
        chosen = by_end[-1] if by_end else open_rows[-1] if open_rows else None
        at_end[case.pk] = (chosen["status"], chosen["trust_person_id"]) if chosen else (case.status,
                                                                                          case.trust_person_id)
    new = [c for c in cases if within(c.started_on)]
    ended = [c for c in cases if c.ended_on is not None and c.ended_on <= end]
    open_end = [c for c in cases if c not in ended]

    def persons(group) -> int:
        return len({c.service_user_id for c in group})

    e.put("cases", "users_served", len(served_persons), len(served_persons))
    e.put("cases", "cases", len(cases), persons(cases))
    e.put("cases", "new", len(new), persons(new))
    e.put("cases", "ended", len(ended), persons(ended))
    e.put("cases", "open_end", len(open_end), persons(open_end))
    for key, status in (("intake", "intake"), ("dormant", "dormant")):
        group = [c for c in open_end if at_end[c.pk][0] == status]
        e.put("cases", key, len(group), persons(group))
    group = [c for c in open_end if at_end[c.pk][0] not in ("intake", "dormant")]
    e.put("cases", "active", len(group), persons(group))
    for source in FollowUp.ReferralSource.values:
        group = [c for c in new if c.referral_source == source]
        e.put("referral", f"source_{source}", len(group), persons(group))
    for reason in FollowUp.EndingReason.values:
        group = [c for c in ended if c.ending_reason == reason]
        e.put("ending", f"reason_{reason}", len(group), persons(group))
    group = [c for c in ended if c.taken_over_by_id or c.taken_over_by_name.strip()]
    e.put("ending", "handed_over", len(group), persons(group))

    # Caseload per trust person, and per full-time equivalent.
    positions = defaultdict(int)
    for m in Membership.objects.filter(role=Membership.Role.TRUST_PERSON, organisation__municipality=trondheim,
                                       organisation__kind=Organisation.Kind.FOLLOW_UP_SERVICE):
        positions[m.user_id] += m.fte_percent
    load = defaultdict(list)
    for case in open_end:
        load[at_end[case.pk][1]].append(case)
    for user_id in set(positions) | set(load):
        e.put("caseload", f"trust_person_{user_id}", len(load[user_id]), persons(load[user_id]))
        if positions[user_id]:
            e.put("caseload", f"trust_person_{user_id}", round(len(load[user_id]) * 100 / positions[user_id], 1),
                  persons(load[user_id]), "rate")
    e.put("caseload", "total", round(len(open_end) * 100 / sum(positions.values()), 1), persons(open_end), "rate")

    # Individual plan and responsibility group, of the users served.
    served_ids = {c.pk for c in cases}
    active, declined, grouped = set(), set(), set()
    for plan in Plan.objects.filter(follow_up_id__in=served_ids).select_related("follow_up"):
        person = plan.follow_up.service_user_id
        if plan.status in ("active", "ended") and plan.consent_given_on and plan.consent_given_on <= end and (
                plan.ended_on is None or plan.ended_on >= start):
            active.add(person)
        if plan.declined_on and plan.declined_on <= end and (plan.status == "declined" or plan.declined_on >= start):
            declined.add(person)
    declined -= active
    for group in Group.objects.filter(follow_up_id__in=served_ids).select_related("follow_up"):
        if group.created_at < end_at and (group.status != "closed" or group.status_changed_at is None
                                          or group.status_changed_at >= start_at):
            grouped.add(group.follow_up.service_user_id)
    for key, people in (("plan_active", active), ("plan_declined", declined), ("group", grouped)):
        e.put("plans", key, len(people), len(people))
        e.put("plans", key, 100 * len(people) / len(served_persons), len(people), "share")

    # Contacts in the follow-up log.
    # Months elapsed: the days so far of the half-year's six months (6 when it is over).
    next_half = datetime.date(start.year + 1, 1, 1) if start.month == 7 else datetime.date(start.year, 7, 1)
    months = 6 * ((end - start).days + 1) / (next_half - start).days
    entries = FollowUpEntry.objects.filter(follow_up__municipality=trondheim, archived_at__isnull=True,
                                           started_at__gte=start_at, started_at__lt=end_at).select_related(
        "follow_up", "service")
    kinds, places, services = defaultdict(list), defaultdict(list), defaultdict(list)
    contacts = []
    for entry in entries:
        person = entry.follow_up.service_user_id
        if entry.kind == "not_met":
            kinds["not_met"].append(person)
            continue
        contacts.append(person)
        kinds[entry.kind].append(person)
        place = entry.place.lower()
        if entry.kind in ("phone", "sms"):
            where = "phone"
        elif entry.kind == "home_visit" or place.startswith("hjemme hos"):
            where = "home"
        elif place in ("kontoret", "på kontoret"):
            where = "office"
        elif not place:
            where = "unknown"
        else:
            where = "elsewhere"
        places[where].append(person)
        if entry.kind in ("other_service", "accompanied"):
            services[entry.service.kind if entry.service_id else ("free_text" if entry.service_text else "")].append(
                person)

    def contact_figures(table: str, key: str, people: list) -> None:
        e.put(table, key, len(people), len(set(people)))
        e.put(table, key, round(len(people) / len(served_persons) / months, 2), len(set(people)), "rate")

    contact_figures("contacts_kind", "total", contacts)
    for kind in FollowUpEntry.Kind.values:
        contact_figures("contacts_kind", "not_met" if kind == "not_met" else f"kind_{kind}", kinds[kind])
    for where in ("office", "home", "elsewhere", "phone", "unknown"):
        contact_figures("contacts_place", f"place_{where}", places[where])
    contact_figures("contacts_services", "total", [p for people in services.values() for p in people])
    for kind, people in services.items():
        contact_figures("contacts_services", f"service_{kind or 'none'}", people)

    # Responsibility-group meetings held, and attendance per partner service.
    meetings = list(Meeting.objects.filter(group__follow_up__municipality=trondheim, status="held",
                                           starts_at__gte=start_at, starts_at__lt=end_at).select_related(
        "group__follow_up"))
    e.put("meetings", "held", len(meetings), len({m.group.follow_up.service_user_id for m in meetings}))
    members = defaultdict(list)
    for member in GroupMember.objects.filter(group_id__in={m.group_id for m in meetings}, organisation__isnull=False):
        members[member.group_id].append(member)
    came = {(a.meeting_id, a.member_id): a.status for a in Attendance.objects.filter(meeting__in=meetings)}
    rank = {"present": 3, "apologies": 2, "absent": 1}
    per_org = defaultdict(lambda: defaultdict(list))
    for meeting in meetings:
        best = {}
        for member in members[meeting.group_id]:
            if member.added_at > meeting.starts_at or (member.removed_at and member.removed_at <= meeting.starts_at):
                continue
            status = came.get((meeting.pk, member.pk))
            if member.organisation_id not in best or rank.get(status, 0) > rank.get(best[member.organisation_id], 0):
                best[member.organisation_id] = status
        for org, status in best.items():
            person = meeting.group.follow_up.service_user_id
            per_org[org]["value"].append(person)
            per_org[org][status if status in rank else "none"].append(person)
    for org, columns in per_org.items():
        for column in ("value", "present", "apologies", "absent", "none"):
            e.put("meetings", f"organisation_{org}", len(columns[column]), len(set(columns[column])), column)

    # Measures in the plans.
    buckets = defaultdict(list)
    for measure in Measure.objects.filter(plan__follow_up__municipality=trondheim, archived_at__isnull=True) \
            .select_related("plan__follow_up"):
        person = measure.plan.follow_up.service_user_id
        if within(measure.applied_on):
            buckets["applied"].append(person)
        if within(measure.decided_on) and measure.decision_status == "granted":
            buckets["granted"].append(person)
        if within(measure.decided_on) and measure.decision_status in ("refused", "appealed"):
            buckets["refused"].append(person)
        if within(measure.appealed_on):
            buckets["appealed"].append(person)
        ran = (measure.period_from is None or measure.period_from <= end) and (
            measure.period_until is None or measure.period_until >= start)
        if measure.needs_decision and ran and measure.created_at < end_at and (
                measure.decided_on is None or measure.decided_on > end):
            buckets["without_decision"].append(person)
    for key in ("applied", "granted", "refused", "appealed", "without_decision"):
        e.put("measures", key, len(buckets[key]), len(set(buckets[key])))

    # Quality of life: each user's latest round in the half-year against the round before it.
    by_case = defaultdict(list)
    for r in QualityOfLifeRound.objects.filter(follow_up__municipality=trondheim, taken_on__lte=end) \
            .select_related("follow_up").order_by("taken_on", "pk"):
        by_case[r.follow_up_id].append(r)
    pairs, at_risk, started, with_round = {}, set(), set(), set()
    for rounds in by_case.values():
        for r in rounds:
            if within(r.taken_on):
                with_round.add(r.follow_up.service_user_id)
        for before, after in zip(rounds, rounds[1:], strict=False):
            if not within(after.taken_on):
                continue
            person = after.follow_up.service_user_id
            if before.o3 == "nei" and after.o3 in ("ja", "nei"):
                at_risk.add(person)
                if after.o3 == "ja":
                    started.add(person)
            if person not in pairs or pairs[person][1].taken_on <= after.taken_on:
                pairs[person] = (before, after)
    e.put("work", "with_round", len(with_round), len(with_round))
    e.put("work", "not_in_activity", len(at_risk), len(at_risk))
    e.put("work", "started", len(started), len(started))
    for item in instrument.SUBJECTIVE:
        changes = []
        for before, after in pairs.values():
            a, b = getattr(before, item.field), getattr(after, item.field)
            if a is not None and b is not None:
                a, b = (6 - a, 6 - b) if item.reverse else (a, b)
                changes.append(b - a)
        n = len(changes)
        e.put("quality_subjective", f"item_{item.code}", n, n)
        e.put("quality_subjective", f"item_{item.code}", round(sum(changes) / n, 2) if n else None, n, "mean")
        for column, test in (("better", lambda d: d > 0), ("same", lambda d: d == 0), ("worse", lambda d: d < 0)):
            k = sum(1 for d in changes if test(d))
            e.put("quality_subjective", f"item_{item.code}", 100 * k / n if n else None, k, column)
    for item in instrument.OBJECTIVE:
        if item.better is None:
            continue
        changes = []
        for before, after in pairs.values():
            a, b = getattr(before, item.field), getattr(after, item.field)
            if a in ("ja", "nei") and b in ("ja", "nei"):
                changes.append((b == item.better) - (a == item.better))
        e.put("quality_objective", f"item_{item.code}", len(changes), len(changes))
    return e


# --- the comparison ---------------------------------------------------------------------------------------------------


def compare(expected: Expected, cells: dict) -> tuple[list[str], int]:
    """What differs, and how many figures were shown and equal."""
    problems, shown = [], 0
    for key, (value, persons) in expected.figures.items():
        cell = cells.get(key)
        if cell is None:
            if value == 0 and key[0] in ("contacts_services",):
                continue  # a kind of service with no contact has no row
            problems.append(f"{key}: not in the report")
            continue
        if 0 < persons < LEAST:
            # «under 5» for a count; «–» for a share, rate or mean (with the table's footnote).
            text = "under 5" if key[2] in ("value", "present", "apologies", "absent", "none") else "–"
            if cell["status"] != "under_threshold" or cell["value"] is not None or cell["text"] != text:
                problems.append(f"{key}: {persons} persons, but {cell}")
        elif cell["status"] == "shown":
            if value is None:
                if cell["value"] is not None:
                    problems.append(f"{key}: expected nothing, got {cell['value']}")
            elif abs(cell["value"] - value) > 0.011:
                problems.append(f"{key}: expected {value}, got {cell['value']}")
            else:
                shown += 1
        elif cell["status"] == "hidden":
            # Nothing is hidden to protect a count of 0; a mean change of 0 may be hidden with its counts.
            if cell["value"] is not None or (not value and key[2] != "mean"):
                problems.append(f"{key}: hidden, but {cell} (expected {value})")
        elif not (cell["status"] == "not_available" and value is None):
            problems.append(f"{key}: expected {value} ({persons} persons), got {cell}")
    return problems, shown


@pytest.mark.parametrize("which", [0, 1], ids=["last_completed_half_year", "current_half_year"])
def test_the_report_for_trondheim_reproduces_the_figures_counted_from_the_rows(client, which):
    code, start, end = periods(timezone.localdate())[which]
    leader = User.objects.get(username="leder")
    login(client, leader)
    response = client.get(reverse("api-half-year-report"), {"periode": code})
    assert response.status_code == 200
    data = response.json()
    assert data["scope"]["municipality"]["name"] == "Trondheim kommune"
    assert data["period"]["code"] == code
    cells = api_cells(data)

    expected = expected_figures(start, end)
    problems, shown = compare(expected, cells)
    assert not problems, "\n".join(problems)

    # The demo has about 60 users in Trondheim: the main figures are shown, not suppressed.
    served = expected.figures[("cases", "users_served", "value")][0]
    assert served >= 20
    for key in (("cases", "users_served", "value"), ("cases", "cases", "value")):
        assert cells[key]["status"] == "shown", key
    # (The cases open at the end are hidden when fewer than five ended: the two would give the ended ones away.)
    assert shown >= 15

    # The page and the CSV show what the API shows.
    html = client.get(reverse("half_year_report"), {"periode": code}).content.decode()
    assert page_row(html, "cases", "users_served") == [cells[("cases", "users_served", "value")]["text"]]
    assert page_row(html, "cases", "open_end") == [cells[("cases", "open_end", "value")]["text"]]
    rows = {row[1]: row[2] for row in csv_rows(client.get(reverse("half_year_report_csv"), {"periode": code}))}
    assert rows["Saker i halvåret: Brukere som fikk oppfølging"] == str(served)
    # No user is named anywhere on the page.
    for person in FollowUp.objects.filter(municipality__name="Trondheim kommune").select_related("service_user"):
        assert person.service_user.full_name not in html
