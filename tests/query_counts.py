"""Counting the queries of one request, for the page budgets of issue 11: every page the benchmark measures runs
the same number of queries for 1 item as for 30 (``tests/<app>/test_page_query_counts.py``).

``get`` visits a page twice and counts the second visit, as a page is read on every later visit (the session is
warm, and a list has already written its once-a-day access events). ``assert_same`` compares two counts and, when
they differ, names the queries that repeat: the SQL with its numbers and strings taken out, and how many more times
it ran for the larger set.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

# The page-count tests run on a Monday morning in Oslo (tests/*/test_page_query_counts.py import ``clock``).
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    """Monday morning in Oslo, before ``world`` is made (autouse fixtures come first), so every date is in it."""
    from koordinator.timeutil import at

    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


@dataclass
class Counted:
    """One request: the SQL it ran and the response."""

    sql: list[str]
    response: object

    def __len__(self) -> int:
        return len(self.sql)

    def json(self):
        return self.response.json()

    @property
    def context(self):
        return self.response.context


def get(client, path: str, params: dict | None = None, *, status: int = 200) -> Counted:
    """GET ``path`` once to warm up, then again, counting the queries of the second visit."""
    client.get(path, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == status, f"{path}: {response.status_code}"
    return Counted([q["sql"] for q in ctx.captured_queries], response)


def first_visit(client, path: str, reader, params: dict | None = None) -> Counted:
    """The reader's first visit of the day to a list that names people: it writes their access events (one per
    person, at most once a day, ``access.record_access``). The day's events of ``reader`` are deleted first, so the
    visit writes them again. Call it after ``get`` (which has warmed the session up)."""
    from koordinator.models import AccessEvent

    AccessEvent.objects.filter(actor=reader).delete()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == 200, f"{path}: {response.status_code}"
    assert AccessEvent.objects.filter(actor=reader).exists(), "the first visit of the day names nobody"
    return Counted([q["sql"] for q in ctx.captured_queries], response)


_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
_STRING = re.compile(r"'(?:[^']|'')*'")
_SAVEPOINT = re.compile(r"\"s\d+_x\d+\"")
_LIST = re.compile(r"\((?:\s*(?:\?|%s|NULL)\s*,)+\s*(?:\?|%s|NULL)\s*\)")


def shape(sql: str) -> str:
    """The query without its values, so the same query for another row reads the same."""
    sql = _SAVEPOINT.sub("?", _STRING.sub("?", sql))
    sql = _NUMBER.sub("?", sql)
    return _LIST.sub("(…)", sql)


def repeated(small: Counted, large: Counted, limit: int = 4) -> list[str]:
    """The query shapes the larger request ran more often than the smaller one, most repeated first."""
    extra = Counter(map(shape, large.sql)) - Counter(map(shape, small.sql))
    return [f"+{n}× {sql[:400]}" for sql, n in extra.most_common(limit)]


def pdf_text(response) -> tuple[int, str]:
    """How many pages a PDF response has, and its text (to check that the larger document really is larger)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def counts_a_page(counted: Counted) -> bool:
    """An API list longer than its first page: the paginator asks the database for the count (one query more,
    however long the list is); a first page that holds the whole list is counted from its rows
    (``koordinator.api.pagination``)."""
    if "json" not in counted.response.get("Content-Type", ""):
        return False
    body = counted.json()
    return isinstance(body, dict) and "results" in body and body.get("count", 0) > len(body["results"])


def _counts(counted: Counted) -> int:
    return sum(1 for sql in counted.sql if sql.startswith("SELECT COUNT(*)"))


def assert_same(small: Counted, large: Counted, what: str, sizes: tuple[str, str] = ("1", "30")) -> None:
    """The same queries for both sizes, except the paginator's ``COUNT`` of a list longer than its first page (and
    only that: the allowance is a ``COUNT`` query, not any query)."""
    paged = int(counts_a_page(large)) - int(counts_a_page(small))
    if len(small) - _counts(small) == len(large) - _counts(large) and _counts(large) - _counts(small) == paged:
        return
    lines = [f"{what}: {len(small)} queries for {sizes[0]}, {len(large)} for {sizes[1]}", *repeated(small, large)]
    pytest.fail("\n".join(lines), pytrace=False)


# --- what the pages list: cases with something in every part of the trust person's and the user's pages ------------


def busy_cases(trust_person, unit, day, n: int, *, start: int = 0, deputy=None) -> list:
    """``n`` cases of ``trust_person`` in ``unit`` with something due in every part of *Min arbeidsliste*.

    Each has an appointment today; an active plan whose revision is overdue, with an overdue step, a suggestion
    waiting and a measure waiting for a decision; a responsibility group with a meeting later today, a meeting two
    days ago with no minutes, and an overdue action item. Written in bulk, with no history rows and no messages:
    set-up only, a few queries for any ``n``.
    """
    from koordinator.models import Appointment, FollowUp, ServiceUser
    from koordinator.timeutil import at
    from meetings.models import ActionItem, Group, GroupMember, Meeting
    from plans.models import Goal, LifeArea, Measure, Plan, Step

    def made(rows: list) -> list:
        return type(rows[0]).objects.bulk_create(rows) if rows else []

    numbers = range(start, start + n)
    people = made([ServiceUser(first_name=f"Bruker{i}", last_name=f"Travel{i}", municipality=unit.municipality,
                               phone="+4791234567") for i in numbers])
    cases = made([FollowUp(service_user=su, unit=unit, municipality=unit.municipality, trust_person=trust_person,
                           deputy=deputy, status=FollowUp.Status.ACTIVE, referral_source=FollowUp.ReferralSource.SELF)
                  for su in people])
    made([Appointment(follow_up=case, service_user=case.service_user, trust_person=trust_person,
                      starts_at=at(day, 8 + i % 10, 30 if i % 2 else 0), place=Appointment.Place.HOME,
                      created_by=trust_person) for i, case in zip(numbers, cases, strict=True)])
    plans = made([Plan(follow_up=case, status=Plan.Status.ACTIVE, consent_given_on=day, consent_given_how="paper",
                       period_from=day - datetime.timedelta(days=90), own_words="Egen bolig.",
                       next_revision_on=day - datetime.timedelta(days=2)) for case in cases])
    goals = made([Goal(plan=plan, life_area=LifeArea.HOUSING, text=f"Mål {i}", order=1)
                  for i, plan in zip(numbers, plans, strict=True)])
    made([Step(goal=goal, what=f"Delmål {i}", who_kind=Step.Who.USER, due_on=day - datetime.timedelta(days=2))
          for i, goal in zip(numbers, goals, strict=True)]
         + [Step(goal=goal, what=f"Forslag {i}", who_kind=Step.Who.USER, suggested_by_user=True, accepted=False)
            for i, goal in zip(numbers, goals, strict=True)])
    made([Measure(plan=plan, service=f"Tiltak {i}", responsible_organisation=unit, extent="2 timer i uka",
                  needs_decision=True) for i, plan in zip(numbers, plans, strict=True)])
    groups = made([Group(follow_up=case, created_by=trust_person) for case in cases])
    members = made([GroupMember(group=group, kind=kind, added_by=trust_person)
                    for group in groups for kind in GroupMember.ALWAYS])
    user_members = {m.group_id: m for m in members if m.kind == GroupMember.Kind.USER}
    meetings = made([Meeting(group=group, starts_at=at(day, 23), place=Meeting.Place.OFFICE, created_by=trust_person)
                     for group in groups]
                    + [Meeting(group=group, starts_at=at(day - datetime.timedelta(days=2), 10),
                               place=Meeting.Place.OFFICE, status=Meeting.Status.HELD, created_by=trust_person)
                       for group in groups])
    made([ActionItem(group_id=m.group_id, meeting=m, what=f"Oppgave {m.group_id}", responsible=user_members[m.group_id],
                     due_on=day - datetime.timedelta(days=1), created_by=trust_person)
          for m in meetings if m.status == Meeting.Status.HELD])
    return cases


def plan_content(plan, n: int, *, author, partner=None, start: int = 0) -> None:
    """``n`` goals in ``plan``, each with an open step (due by turns yesterday, today and later), a step done, a
    suggestion, a measure, a progress note on the step and on the measure, a comment by the owner on the goal and
    one by staff on the step, and a revision: what the plan page, its PDF and the API show (in bulk)."""
    from plans.models import Comment, Goal, LifeArea, Measure, PlanRevision, ProgressNote, Step

    today = plan.period_from or datetime.date.today()
    numbers = range(start, start + n)
    goals = Goal.objects.bulk_create([
        Goal(plan=plan, life_area=LifeArea.values[i % len(LifeArea.values)], text=f"Mål {i}", order=i)
        for i in numbers])
    steps = Step.objects.bulk_create([
        Step(goal=goal, what=f"Delmål {i}", due_on=today + datetime.timedelta(days=i % 3 - 1),
             who_kind=Step.Who.PERSON if partner else Step.Who.USER, who_person=partner)
        for i, goal in zip(numbers, goals, strict=True)])
    Step.objects.bulk_create(
        [Step(goal=goal, what=f"Gjort {i}", status=Step.Status.DONE, closed_on=today)
         for i, goal in zip(numbers, goals, strict=True)]
        + [Step(goal=goal, what=f"Forslag {i}", suggested_by_user=True, accepted=False)
           for i, goal in zip(numbers, goals, strict=True)])
    measures = Measure.objects.bulk_create([
        Measure(plan=plan, service=f"Tiltak {i}", responsible_organisation=plan.follow_up.unit,
                responsible_person=partner, extent="2 timer i uka", needs_decision=bool(i % 2))
        for i in numbers])
    ProgressNote.objects.bulk_create(
        [ProgressNote(plan=plan, step=step, author=partner or author, text="Går fint.") for step in steps]
        + [ProgressNote(plan=plan, measure=measure, author=author, text="I gang.") for measure in measures])
    Comment.objects.bulk_create(
        [Comment(plan=plan, goal=goal, author=author, text="Viktig for meg.", by_owner=True) for goal in goals]
        + [Comment(plan=plan, step=step, author=author, text="Husk dette.") for step in steps])
    PlanRevision.objects.bulk_create([
        PlanRevision(plan=plan, revised_on=today, what_changed=f"Revisjon {i}", plan_version=1, created_by=author,
                     next_revision_on=today + datetime.timedelta(weeks=8))
        for i in numbers])


def crisis_plan_for(service_user, n: int, *, by, start: int = 0):
    """A crisis plan (in use) for ``service_user`` with ``n`` contacts and ``n`` sign-offs, or ``n`` more of each
    on the plan it has already."""
    from plans.models import CrisisContact, CrisisPlan, CrisisSignOff

    plan = CrisisPlan.objects.filter(service_user=service_user).first() or CrisisPlan.objects.create(
        service_user=service_user, status=CrisisPlan.Status.ACTIVE, warning_signs="Sover dårlig.", created_by=by)
    CrisisContact.objects.bulk_create([
        CrisisContact(crisis_plan=plan, order=i, name=f"Kontakt {i}", phone="+4790000001", reachable_night=True)
        for i in range(start, start + n)])
    CrisisSignOff.objects.bulk_create([
        CrisisSignOff(crisis_plan=plan, person=by, name=f"Person {i}", role="Tillitsperson",
                      how=CrisisSignOff.How.APP, signed_on=plan.created_at.date(), plan_version=1, recorded_by=by)
        for i in range(start, start + n)])
    return plan


def partner_in_groups(partner, organisation, cases: list, day: datetime.date, recorded_by) -> None:
    """``partner`` (of ``organisation``) gets a consent in force from the user of each case, a seat in each case's
    responsibility group and an action item there that was due yesterday (the cases come from ``busy_cases``)."""
    from koordinator.models import Consent
    from meetings.models import ActionItem, GroupMember, Meeting

    Consent.objects.bulk_create([
        Consent(owner=case.service_user, grantee_user=partner, recorded_by=recorded_by,
                valid_from=day - datetime.timedelta(days=30), valid_until=day + datetime.timedelta(days=300),
                given_how=Consent.GivenHow.PAPER, scope_plan=True, scope_crisis_plan=True, scope_meetings=True,
                scope_followup_log=True)
        for case in cases])
    held = {m.group_id: m for m in Meeting.objects.filter(group__follow_up__in=cases, status=Meeting.Status.HELD)}
    members = GroupMember.objects.bulk_create([
        GroupMember(group_id=group_id, kind=GroupMember.Kind.PERSON, person=partner, organisation=organisation,
                    role="veileder") for group_id in held])
    ActionItem.objects.bulk_create([
        ActionItem(group_id=member.group_id, meeting=held[member.group_id], what=f"Oppgave for {partner.username}",
                   responsible=member, due_on=day - datetime.timedelta(days=1), created_by=recorded_by)
        for member in members])


# --- another municipality: what a page must not read ---------------------------------------------------------------


def in_another_municipality(world, day: datetime.date, n: int = 30) -> list:
    """``n`` cases in Bergen (``world.other_municipality``) with something in every part of every page.

    Their trust person (``tillit_bergen``) and her standing deputy are both away today. Each case has what
    ``busy_cases`` gives it (three of the plans also notes, comments and a revision); a crisis plan with a contact
    and a sign-off; a held meeting with minutes ready, an agenda point, the user present and a partner service (NAV
    Bergenhus) that sent apologies and has an overdue item; a log entry, a consent, a next of kin, an access event,
    and a message to the user and one to the worker. All in bulk.
    """
    from simple_history.utils import bulk_create_with_history

    from koordinator import outbox
    from koordinator.models import (
        Absence,
        AccessEvent,
        Consent,
        DeputyArrangement,
        FollowUpEntry,
        Membership,
        NextOfKin,
    )
    from koordinator.timeutil import at
    from meetings.models import ActionItem, AgendaItem, Attendance, GroupMember, Meeting, Minutes
    from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, Plan
    from tests import factories as f

    tp = f.UserFactory(username="tillit_bergen")
    deputy = f.UserFactory(username="stedfortreder_bergen")
    for user in (tp, deputy):
        f.MembershipFactory(user=user, organisation=world.other_unit, role=Membership.Role.TRUST_PERSON)
        Absence.objects.create(person=user, kind=Absence.Kind.SICK_LEAVE, starts_on=day,
                               ends_on=day + datetime.timedelta(days=2), registered_by=world.other_leader)
    DeputyArrangement.objects.create(trust_person=tp, deputy=deputy, unit=world.other_unit, set_by=world.other_leader)
    cases = busy_cases(tp, world.other_unit, day, n)
    people = [case.service_user for case in cases]
    for plan in Plan.objects.filter(follow_up__in=cases)[:3]:
        plan_content(plan, 1, author=tp)
    crisis = CrisisPlan.objects.bulk_create([
        CrisisPlan(service_user=su, status=CrisisPlan.Status.ACTIVE, warning_signs="Bergen", created_by=tp)
        for su in people])
    CrisisContact.objects.bulk_create([CrisisContact(crisis_plan=c, name="Kontakt", phone="+4790000001")
                                       for c in crisis])
    CrisisSignOff.objects.bulk_create([
        CrisisSignOff(crisis_plan=c, person=tp, name="Bergen", how=CrisisSignOff.How.APP, signed_on=day,
                      plan_version=1, recorded_by=tp) for c in crisis])
    members = {m.group_id: m for m in GroupMember.objects.filter(group__follow_up__in=cases,
                                                                 kind=GroupMember.Kind.USER)}
    held = Meeting.objects.bulk_create([
        Meeting(group_id=group_id, starts_at=at(day - datetime.timedelta(days=9), 10), place=Meeting.Place.OFFICE,
                status=Meeting.Status.HELD, held_at=at(day - datetime.timedelta(days=9), 11),
                agenda_frozen_at=at(day - datetime.timedelta(days=9), 9), created_by=tp)
        for group_id in members])
    AgendaItem.objects.bulk_create([AgendaItem(meeting=m, kind=AgendaItem.Kind.PROPOSED, title="Bergen",
                                               proposed_by_member=members[m.group_id]) for m in held])
    Attendance.objects.bulk_create([Attendance(meeting=m, member=members[m.group_id],
                                               status=Attendance.Status.PRESENT) for m in held])
    Minutes.objects.bulk_create([Minutes(meeting=m, situation="Bergen", created_by=tp, status=Minutes.Status.READY,
                                         ready_at=at(day - datetime.timedelta(days=8), 10), ready_by=tp)
                                 for m in held])
    bulk_create_with_history([
        FollowUpEntry(follow_up=case, written_by=tp, kind=FollowUpEntry.Kind.HOME_VISIT,
                      started_at=at(day - datetime.timedelta(days=i % 20 + 1), 10), duration_minutes=30, note="Bergen")
        for i, case in enumerate(cases)
    ], FollowUpEntry, default_user=tp)
    nav = f.OrganisationFactory(name="NAV Bergenhus", kind="nav", municipality=world.other_municipality)
    navs = GroupMember.objects.bulk_create([GroupMember(group_id=m.group_id, kind=GroupMember.Kind.ORGANISATION,
                                                        organisation=nav, role="veileder") for m in held])
    GroupMember.objects.filter(pk__in=[m.pk for m in navs]).update(added_at=at(day - datetime.timedelta(days=30), 9))
    Attendance.objects.bulk_create([Attendance(meeting=m, member=member, status=Attendance.Status.APOLOGIES)
                                    for m, member in zip(held, navs, strict=True)])
    ActionItem.objects.bulk_create([
        ActionItem(group_id=m.group_id, meeting=m, what="Bergen", responsible=member, created_by=tp,
                   due_on=day - datetime.timedelta(days=1)) for m, member in zip(held, navs, strict=True)])
    Consent.objects.bulk_create([
        Consent(owner=su, grantee_organisation=nav, recorded_by=tp, valid_from=day - datetime.timedelta(days=5),
                valid_until=day + datetime.timedelta(days=300), given_how=Consent.GivenHow.PAPER, scope_plan=True,
                scope_meetings=True, scope_crisis_plan=True, scope_followup_log=True)
        for su in people])
    NextOfKin.objects.bulk_create([NextOfKin(service_user=su, name="Pårørende", relation="venn") for su in people])
    AccessEvent.objects.bulk_create([AccessEvent(service_user=su, actor=tp, actor_name="Bergen", what="Oppslag",
                                                 channel=AccessEvent.Channel.WEB) for su in people])
    outbox.notify_many([outbox.build(su, "Bergen", "Tekst") for su in people]
                       + [outbox.build(tp, "Bergen", "Tekst", about=case) for case in cases])
    return cases


def assert_flat_elsewhere(world, client, path: str, before: Counted, what: str, day: datetime.date,
                          params: dict | None = None) -> Counted:
    """Add ``in_another_municipality`` and count ``path`` again: the same as ``before``."""
    in_another_municipality(world, day)
    after = get(client, path, params)
    assert_same(before, after, what, ("its own municipality", "30 more cases in another municipality"))
    return after
