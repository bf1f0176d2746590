"""Query counts of the core's pages and API, 1 item against 30 (issue 11: every page the benchmark measures).

Each test opens the same page with 1 and with 30 of what it lists and asserts the same number of queries, then adds
30 of the same in another municipality (Bergen) and asserts that nothing changes: the page reads only what it serves.
Pages already counted elsewhere with 30 items are counted here only where that test left something out (the
other municipality, a part of the page it did not fill), and such a test names the one that counts the rest.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history

from koordinator import outbox
from koordinator.models import (
    Absence,
    AccessEvent,
    Appointment,
    Consent,
    DeputyArrangement,
    FollowUp,
    FollowUpEntry,
    Handover,
    Membership,
    NextOfKin,
    Notification,
)
from koordinator.timeutil import at
from meetings.models import Group, GroupMember, Meeting, Minutes
from plans.models import Step
from tests import factories as f
from tests import query_counts as qc
from tests.conftest import login
from tests.koordinator.conftest import many_entries
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db

MONDAY = qc.MONDAY
clock = qc.clock  # autouse: every test here starts on Monday morning


def trust_person_in(unit, username: str):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, organisation=unit, role=Membership.Role.TRUST_PERSON)
    return user


def away(person, registered_by, first=MONDAY, days=3) -> Absence:
    return Absence.objects.create(person=person, kind=Absence.Kind.SICK_LEAVE, starts_on=first,
                                  ends_on=first + datetime.timedelta(days=days - 1), registered_by=registered_by)


def appointments(case, n: int, first: datetime.date, *, trust_person=None, hour: int = 9) -> list[Appointment]:
    return Appointment.objects.bulk_create([
        Appointment(follow_up=case, service_user=case.service_user, trust_person=trust_person or case.trust_person,
                    starts_at=at(first + datetime.timedelta(days=i // 8), hour + i % 8), place=Appointment.Place.HOME,
                    created_by=case.trust_person)
        for i in range(n)
    ])


def notifications(recipient, n: int, about=None) -> None:
    outbox.notify_many([outbox.build(recipient, f"Beskjed {i}", "Tekst", about=about) for i in range(n)])


def consents(owner, n: int, grantee_organisation, recorded_by) -> None:
    today = timezone.localdate()
    bulk_create_with_history([
        Consent(owner=owner, grantee_organisation=grantee_organisation, recorded_by=recorded_by,
                valid_from=today - datetime.timedelta(days=i + 1), valid_until=today + datetime.timedelta(days=300),
                given_how=Consent.GivenHow.PAPER, scope_plan=True, scope_meetings=True)
        for i in range(n)
    ], Consent, default_user=recorded_by)


def next_of_kin(service_user, n: int) -> None:
    NextOfKin.objects.bulk_create([
        NextOfKin(service_user=service_user, name=f"Pårørende {i}", relation="venn", phone="+4790000001",
                  kind=NextOfKin.Kind.SUPPORTIVE)
        for i in range(n)
    ])


def access_events(service_user, actor, n: int) -> None:
    AccessEvent.objects.bulk_create([
        AccessEvent(service_user=service_user, actor=actor, actor_name=actor.display_name, actor_role="Tillitsperson",
                    what=f"Oppslag {i}", channel=AccessEvent.Channel.WEB)
        for i in range(n)
    ])


def handovers(case, n: int, by) -> None:
    Handover.objects.bulk_create([
        Handover(follow_up=case, from_person=case.trust_person, to_person=case.trust_person, note=f"Notat {i}",
                 created_by=by)
        for i in range(n)
    ])


def assert_flat_in_bergen(world, client, path: str, before: qc.Counted, what: str, params=None) -> qc.Counted:
    return qc.assert_flat_elsewhere(world, client, path, before, what, MONDAY, params)


# --- the trust person's pages ---------------------------------------------------------------------------------------


def test_the_worklist_with_every_section_full_is_flat_in_cases_and_other_municipalities(client, world):
    """Today's appointments, the plans' and the groups' sections all listing 1, then 30 cases (the caseload alone is
    counted in test_worklist.py; the sections separately in the apps' tests)."""
    tp = world.other_trust_person  # one case of their own (other_case) when the test starts
    world.other_case.delete()
    login(client, tp)
    url = reverse("worklist")
    qc.busy_cases(tp, world.unit, MONDAY, 1)
    one = qc.get(client, url)
    qc.busy_cases(tp, world.unit, MONDAY, 29, start=1)
    thirty = qc.get(client, url)
    worklist = thirty.context["worklist"]
    assert len(worklist.primary) == 30 and len(worklist.today) == 30
    sections = {s.key: s for s in thirty.context["sections"]}
    # Revision, overdue step, suggestion and measure per plan; meeting this week, no minutes, overdue item per group.
    assert len(sections["planer"].items) == 4 * 30
    assert len(sections["ansvarsgrupper"].items) == 3 * 30
    qc.assert_same(one, thirty, "worklist")
    assert_flat_in_bergen(world, client, url, thirty, "worklist")


@pytest.mark.parametrize("persona", ["trust_person", "leader", "owner"])
def test_the_case_page_is_flat_in_entries_appointments_and_handover_notes(client, world, persona):
    """test_followup_log_pages.py grows the log and test_case_pages.py the appointments (to 15); here all of it."""
    case = world.case
    path = reverse("followup_detail", args=[case.pk])

    def grow(n: int, days_back: int) -> None:
        many_entries(case, n, start=timezone.now() - datetime.timedelta(days=days_back), hours_apart=20)
        appointments(case, n, MONDAY + datetime.timedelta(days=1 + days_back))
        handovers(case, n, world.leader)

    login(client, world.persona(persona))
    grow(1, 0)
    one = qc.get(client, path)
    grow(29, 2)
    thirty = qc.get(client, path)
    assert len(thirty.context["continuity"].appointments) == 30
    assert len(thirty.context["continuity"].handovers) == 30
    assert thirty.context["log"].activity.total_contacts == 30
    qc.assert_same(one, thirty, f"case page ({persona})")
    assert_flat_in_bergen(world, client, path, thirty, f"case page ({persona})")


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid"])
def test_the_person_page_is_flat_in_cases_consents_and_next_of_kin(client, world, persona):
    su = world.owner_su
    path = reverse("service_user_detail", args=[su.pk])
    login(client, world.persona(persona))

    def grow(n: int) -> None:
        for _ in range(n):  # earlier cases, ended, each with a worker of its own
            f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person,
                              deputy=world.deputy, status=FollowUp.Status.ENDED,
                              ended_on=MONDAY - datetime.timedelta(days=10), taken_over_by=world.nav)
        consents(su, n, world.nav, world.trust_person)
        next_of_kin(su, n)

    one = qc.get(client, path)  # one case, five consents and two next of kin from ``world``
    grow(29)
    thirty = qc.get(client, path)
    page = thirty.context["page"]
    if persona != "partner_valid":  # a partner sees the person's name and contact details, not the rest
        assert len(page.cases) == 30
        assert len(page.consents) >= 30 and len(page.next_of_kin) >= 30
    qc.assert_same(one, thirty, f"person page ({persona})")
    assert_flat_in_bergen(world, client, path, thirty, f"person page ({persona})")


@pytest.mark.parametrize("persona", ["trust_person", "partner_valid", "owner"])
def test_the_log_page_reads_nothing_of_other_municipalities(client, world, persona):
    """1 vs 30 entries is test_followup_log_pages.py; here the other municipality's entries."""
    path = reverse("followup_log", args=[world.case.pk])
    many_entries(world.case, 30)
    login(client, world.persona(persona))
    before = qc.get(client, path)
    assert len(before.context["page"].object_list) == 25
    assert_flat_in_bergen(world, client, path, before, f"log page ({persona})")


def test_the_quick_entry_is_flat_in_the_log_and_the_caseload(client, world):
    path = reverse("followup_entry_quick", args=[world.case.pk])
    login(client, world.trust_person)
    many_entries(world.case, 1)
    one = qc.get(client, path)
    many_entries(world.case, 29, start=timezone.now() - datetime.timedelta(days=3))
    for _ in range(29):
        f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person,
                          service_user=f.ServiceUserFactory(municipality=world.municipality))
    thirty = qc.get(client, path)
    assert FollowUpEntry.objects.filter(follow_up=world.case).count() == 30
    qc.assert_same(one, thirty, "quick entry")
    assert_flat_in_bergen(world, client, path, thirty, "quick entry")


def test_the_appointments_page_is_flat_in_appointments(client, world):
    login(client, world.trust_person)
    path = reverse("appointments")
    cases = qc.busy_cases(world.trust_person, world.unit, MONDAY, 1)  # an appointment today
    appointments(world.case, 1, MONDAY + datetime.timedelta(days=2))  # and one later this week
    one = qc.get(client, path)
    cases += qc.busy_cases(world.trust_person, world.unit, MONDAY, 29, start=1)
    appointments(world.case, 29, MONDAY + datetime.timedelta(days=2), hour=8)
    Appointment.objects.filter(follow_up__in=cases[::2]).update(original_trust_person=world.deputy)
    thirty = qc.get(client, path)
    assert len(thirty.context["days"].on_first_day) == 30 and len(thirty.context["days"].after_first_day) == 30
    qc.assert_same(one, thirty, "appointments")
    assert_flat_in_bergen(world, client, path, thirty, "appointments")


@pytest.mark.parametrize("persona", ["trust_person", "leader"])
def test_the_absences_page_is_flat_in_absences(client, world, persona):
    login(client, world.persona(persona))
    path = reverse("absences")

    def grow(n: int) -> None:
        for i in range(n):
            colleague = trust_person_in(world.unit, f"borte_{len(Absence.objects.all())}")
            away(colleague, world.leader, first=MONDAY + datetime.timedelta(days=i % 10))
            if i % 2:
                DeputyArrangement.objects.create(trust_person=colleague, deputy=world.trust_person, unit=world.unit,
                                                 set_by=world.leader)

    away(world.trust_person, world.leader, first=MONDAY + datetime.timedelta(days=20))
    one = qc.get(client, path)
    grow(29)
    thirty = qc.get(client, path)
    assert len(thirty.context["absences"]) == 30  # a trust person sees the absences in the unit, as the leader
    qc.assert_same(one, thirty, f"absences ({persona})")
    assert_flat_in_bergen(world, client, path, thirty, f"absences ({persona})")


def test_the_handover_page_is_flat_in_the_absent_colleagues_cases(client, world):
    """test_worklist.py counts 2 against 7 absences; here one absence with 1, then 30 cases due something each
    (an appointment today, a plan step, a group meeting and an action item)."""
    world.other_case.delete()
    away(world.other_trust_person, world.leader)
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=world.deputy, unit=world.unit,
                                     set_by=world.leader)
    login(client, world.deputy)
    path = reverse("handover")
    qc.busy_cases(world.other_trust_person, world.unit, MONDAY, 1)
    one = qc.get(client, path)
    qc.busy_cases(world.other_trust_person, world.unit, MONDAY, 29, start=1)
    thirty = qc.get(client, path)
    [(absence, entries)] = thirty.context["handovers"]
    assert absence.person == world.other_trust_person and len(entries) == 30
    assert all(len(entry.items) >= 2 for entry in entries)
    qc.assert_same(one, thirty, "handover")
    assert_flat_in_bergen(world, client, path, thirty, "handover")


@pytest.mark.parametrize("persona", ["trust_person", "owner"])
def test_the_notifications_page_is_flat_in_messages(client, world, persona):
    user = world.persona(persona)
    recipient = world.owner_su if persona == "owner" else user
    login(client, user)
    path = reverse("notifications")
    cases = [world.case, *qc.busy_cases(world.trust_person, world.unit, MONDAY, 29)]
    notifications(recipient, 1, about=world.case)
    one = qc.get(client, path)
    outbox.notify_many([outbox.build(recipient, f"Om sak {case.pk}", "Tekst", about=case) for case in cases[1:]])
    thirty = qc.get(client, path)
    assert len(thirty.context["page"].object_list) == 30
    qc.assert_same(one, thirty, f"notifications ({persona})")
    assert_flat_in_bergen(world, client, path, thirty, f"notifications ({persona})")


def test_my_log_is_flat_in_entries(client, world):
    login(client, world.owner)
    path = reverse("my_log")
    many_entries(world.case, 1)
    one = qc.get(client, path)
    many_entries(world.case, 29, start=timezone.now() - datetime.timedelta(days=2), kind=FollowUpEntry.Kind.PHONE)
    thirty = qc.get(client, path)
    assert len(thirty.context["page"].object_list) == 25  # a page
    qc.assert_same(one, thirty, "my log")
    assert_flat_in_bergen(world, client, path, thirty, "my log")


def test_my_access_log_reads_nothing_of_other_municipalities(client, world):
    """1 vs 41 events is test_portal.py."""
    access_events(world.owner_su, world.trust_person, 30)
    login(client, world.owner)
    path = reverse("my_access_log")
    before = qc.get(client, path)
    assert len(before.context["page"].object_list) == 30
    assert_flat_in_bergen(world, client, path, before, "my access log")


def test_the_partner_home_is_flat_in_users_groups_and_items(client, world):
    """test_partner_home.py counts 1 against 20 users; here 30, each with a group the partner sits in and an
    action item of theirs (the groups' part of the page)."""
    gp = Membership.objects.get(user=world.partner_valid, role=Membership.Role.PARTNER).organisation
    login(client, world.partner_valid)
    path = reverse("partner_home")
    qc.partner_in_groups(world.partner_valid, gp, qc.busy_cases(world.trust_person, world.unit, MONDAY, 1), MONDAY,
                         world.trust_person)
    one = qc.get(client, path)
    one_cold = qc.first_visit(client, path, world.partner_valid)
    qc.partner_in_groups(world.partner_valid, gp, qc.busy_cases(world.trust_person, world.unit, MONDAY, 29, start=1),
                         MONDAY, world.trust_person)
    thirty = qc.get(client, path)
    qc.assert_same(one_cold, qc.first_visit(client, path, world.partner_valid), "partner home, first visit of the day")
    assert len(thirty.context["rows"]) == 31  # Kari Nordmann (world's consent) and the 30
    page = thirty.response.content.decode()
    assert page.count("?tilbake=mine") == 5  # the first five items; «Mine oppgaver» has them all
    qc.assert_same(one, thirty, "partner home")
    assert_flat_in_bergen(world, client, path, thirty, "partner home")


# --- the leader's pages ---------------------------------------------------------------------------------------------


def test_the_leader_overview_reads_nothing_of_other_municipalities(client, world):
    """1 vs 30 cases is test_leader_overview.py; here 30 cases in Trondheim, then 30 more in Bergen."""
    for i in range(28):
        f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person if i % 2 else world.other_trust_person,
                          deputy=world.deputy if i % 3 else None,
                          service_user=f.ServiceUserFactory(municipality=world.municipality))
    login(client, world.leader)
    path = reverse("leader_overview")
    before = qc.get(client, path)
    assert len(before.context["rows"]) == 30
    assert_flat_in_bergen(world, client, path, before, "leader overview")


def test_the_leader_overview_logs_30_people_in_as_many_queries_as_2(client, world):
    """The first visit of the day writes an access event per person on the list: in one go, not one by one."""
    login(client, world.leader)
    path = reverse("leader_overview")
    qc.get(client, path)
    two = qc.first_visit(client, path, world.leader)
    for _ in range(28):
        f.FollowUpFactory(unit=world.unit, trust_person=world.trust_person,
                          service_user=f.ServiceUserFactory(municipality=world.municipality))
    thirty = qc.first_visit(client, path, world.leader)
    assert AccessEvent.objects.filter(actor=world.leader).count() == 30
    qc.assert_same(two, thirty, "leader overview, first visit of the day", ("2", "30"))


def test_the_activity_page_is_flat_in_trust_persons(client, world):
    """The page has a row per trust person (test_followup_log_pages.py grows the entries of two of them)."""
    login(client, world.leader)
    path = reverse("leader_activity")

    def workers(n: int) -> None:
        for i in range(n):
            tp = trust_person_in(world.unit, f"tillit_{len(FollowUp.objects.all())}_{i}")
            case = f.FollowUpFactory(unit=world.unit, trust_person=tp,
                                     service_user=f.ServiceUserFactory(municipality=world.municipality))
            many_entries(case, 2, hours_apart=24 * 20)

    many_entries(world.case, 2, hours_apart=24 * 20)
    one = qc.get(client, path)
    # ``world`` has three trust persons in the unit; 27 more make 30 rows.
    workers(27)
    thirty = qc.get(client, path)
    assert len(thirty.context["workers"]) == 30
    assert sum(w.activity.total_contacts for w in thirty.context["workers"]) == 2 * 28
    qc.assert_same(one, thirty, "activity", ("3 trust persons", "30"))
    assert_flat_in_bergen(world, client, path, thirty, "activity")


def test_the_coverage_page_is_flat_in_uncovered_cases_and_trust_persons_without_a_deputy(client, world):
    login(client, world.leader)
    path = reverse("coverage")
    tp, deputy = world.other_trust_person, world.deputy
    away(tp, world.leader)
    away(deputy, world.leader, first=MONDAY + datetime.timedelta(days=1))
    world.other_case.deputy = deputy
    world.other_case.save()
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=deputy, unit=world.unit,
                                     set_by=world.leader)
    one = qc.get(client, path)
    assert len(one.context["report"].uncovered) == 1
    one_cold = qc.first_visit(client, path, world.leader)
    for i in range(29):
        f.FollowUpFactory(unit=world.unit, trust_person=tp, deputy=deputy,
                          service_user=f.ServiceUserFactory(municipality=world.municipality))
        trust_person_in(world.unit, f"uten_stedfortreder_{i}")
    thirty = qc.get(client, path)
    report = thirty.context["report"]
    assert len(report.uncovered) == 30
    assert len(report.without_deputy) == 2 + 29  # other_trust_person and deputy have none either
    qc.assert_same(one, thirty, "coverage")
    qc.assert_same(one_cold, qc.first_visit(client, path, world.leader), "coverage, first visit of the day")
    assert_flat_in_bergen(world, client, path, thirty, "coverage")


# --- Min side ---------------------------------------------------------------------------------------------------


def test_min_side_is_flat_in_everything_it_lists(client, world):
    """Consents, appointments, messages, handover notes, the plan's steps and the group's meetings and minutes
    waiting for an answer, 1 of each and then 30 (test_portal.py counts consents, appointments and messages up to
    ten or eleven; the plan's and the group's parts are not counted there)."""
    case, su = world.case, world.owner_su
    plan = pf.PlanFactory(follow_up=case)
    goal = pf.GoalFactory(plan=plan)
    group = Group.objects.create(follow_up=case, created_by=world.trust_person)
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, kind=kind, added_by=world.trust_person) for kind in GroupMember.ALWAYS])

    def grow(n: int) -> None:
        done = Step.objects.count()
        consents(su, n, world.nav, world.trust_person)
        appointments(case, n, MONDAY + datetime.timedelta(days=1 + done // 8))
        notifications(su, n)
        handovers(case, n, world.leader)
        Step.objects.bulk_create([
            Step(goal=goal, what=f"Delmål {done + i}", who_kind=Step.Who.USER,
                 due_on=MONDAY + datetime.timedelta(days=(done + i) % 9 - 2),
                 status=Step.Status.DONE if i % 3 == 0 else Step.Status.PLANNED,
                 closed_on=MONDAY if i % 3 == 0 else None)
            for i in range(n)
        ])
        meetings = Meeting.objects.bulk_create([
            Meeting(group=group, starts_at=at(MONDAY + datetime.timedelta(days=7 + done + i), 10),
                    place=Meeting.Place.USER_HOME, created_by=world.trust_person)
            for i in range(n)
        ] + [
            Meeting(group=group, starts_at=at(MONDAY - datetime.timedelta(days=7 + done + i), 10),
                    place=Meeting.Place.OFFICE, status=Meeting.Status.HELD, created_by=world.trust_person)
            for i in range(n)
        ])
        Minutes.objects.bulk_create([
            Minutes(meeting=m, situation="Stabil.", created_by=world.trust_person, status=Minutes.Status.READY,
                    ready_at=m.starts_at + datetime.timedelta(days=1), ready_by=world.trust_person)
            for m in meetings if m.status == Meeting.Status.HELD
        ])

    login(client, world.owner)
    path = reverse("my_page")
    grow(1)
    one = qc.get(client, path)
    grow(29)
    thirty = qc.get(client, path)
    assert len(thirty.context["appointments"]) == 30
    assert len(thirty.context["consents"]) >= 30
    assert len(thirty.context["cases"]) == 1 and thirty.context["cases"][0]["handover"] is not None
    assert "Et referat venter på svaret ditt" in one.response.content.decode()
    page = thirty.response.content.decode()
    assert "30 referater venter på svaret ditt" in page
    assert "Beskjed 28" in page and "Delmål" in page
    qc.assert_same(one, thirty, "Min side")
    assert_flat_in_bergen(world, client, path, thirty, "Min side")


# --- the API: the lists the other budget tests leave out, and the details --------------------------------------------


def api(user) -> APIClient:
    return login(APIClient(), user)


def test_api_me_is_flat_in_roles_messages_and_absences(world):
    """``/api/v1/me/`` for a worker in 1, then 30 units (roles), with 1, then 30 unread messages and absences."""
    user = world.trust_person
    client = api(user)
    path = reverse("api-me")

    def grow(n: int) -> None:
        for _ in range(n):
            f.MembershipFactory(user=user, organisation=f.OrganisationFactory(municipality=world.municipality),
                                role=Membership.Role.TRUST_PERSON)
        notifications(user, n)
        for i in range(n):
            away(user, world.leader, first=MONDAY + datetime.timedelta(days=3 * (len(Absence.objects.all()) + i)),
                 days=1)

    one = qc.get(client, path)
    grow(29)
    thirty = qc.get(client, path)
    assert len(thirty.json()["roles"]["trust_person_units"]) == 30
    assert thirty.json()["unread_notifications"] == 29
    qc.assert_same(one, thirty, "api me")
    assert_flat_in_bergen(world, client, path, thirty, "api me")


def test_api_me_for_a_service_user_is_flat_in_messages(world):
    client = api(world.owner)
    path = reverse("api-me")
    notifications(world.owner_su, 1)
    one = qc.get(client, path)
    notifications(world.owner_su, 29)
    handovers(world.case, 30, world.leader)
    thirty = qc.get(client, path)
    assert thirty.json()["unread_notifications"] == 30
    qc.assert_same(one, thirty, "api me (owner)")
    assert_flat_in_bergen(world, client, path, thirty, "api me (owner)")


def test_the_access_event_list_is_flat_in_events(world):
    client = api(world.owner)
    path = "/api/v1/access-events/"
    access_events(world.owner_su, world.trust_person, 1)
    one = qc.get(client, path)
    access_events(world.owner_su, world.partner_valid, 29)
    thirty = qc.get(client, path)
    assert thirty.json()["count"] == 30
    qc.assert_same(one, thirty, "access-event list")
    assert_flat_in_bergen(world, client, path, thirty, "access-event list")


@pytest.mark.parametrize("persona", ["leader", "trust_person"])
def test_the_absence_list_is_flat_in_absences(world, persona):
    client = api(world.persona(persona))
    path = "/api/v1/absences/"
    workers = [world.trust_person, world.other_trust_person, world.deputy]

    def grow(n: int) -> None:
        start = len(Absence.objects.all())
        for i in range(start, start + n):
            away(workers[i % 3], world.leader, first=MONDAY + datetime.timedelta(days=3 * i), days=2)

    grow(1)
    one = qc.get(client, path)
    grow(29)
    thirty = qc.get(client, path)
    assert thirty.json()["count"] >= 10  # a trust person sees their own and those they cover for
    qc.assert_same(one, thirty, f"absence list ({persona})")
    assert_flat_in_bergen(world, client, path, thirty, f"absence list ({persona})")


def test_the_deputy_list_is_flat_in_arrangements(world):
    client = api(world.leader)
    path = "/api/v1/deputies/"

    def grow(n: int) -> None:
        for i in range(n):
            tp = trust_person_in(world.unit, f"med_stedfortreder_{len(DeputyArrangement.objects.all())}")
            DeputyArrangement.objects.create(trust_person=tp, deputy=world.deputy if i % 2 else world.trust_person,
                                             unit=world.unit, set_by=world.leader)

    grow(1)
    one = qc.get(client, path)
    grow(29)
    thirty = qc.get(client, path)
    assert thirty.json()["count"] == 30
    qc.assert_same(one, thirty, "deputy list")
    assert_flat_in_bergen(world, client, path, thirty, "deputy list")


# The details: the same object read when the reader sees 1 and then 30 of its kind, with 30 related rows where the
# detail shows any (the service user's cases, the entry's steps).


def detail_rows(world, basename: str, n: int):
    """``n`` more objects of the kind behind ``basename`` that the trust person (or the owner, for their own
    things) sees, all about Kari Nordmann's case; returns the first one made."""
    case, su, tp = world.case, world.owner_su, world.trust_person
    if basename == "api-service-user":
        for _ in range(n):  # earlier cases of hers, ended
            f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=tp, status=FollowUp.Status.ENDED,
                              ended_on=MONDAY)
        return su
    if basename == "api-follow-up":
        qc.busy_cases(tp, world.unit, MONDAY, n, start=len(FollowUp.objects.all()))
        return case
    if basename == "api-consent":
        consents(su, n, world.nav, tp)
        return Consent.objects.filter(owner=su).order_by("pk").first()
    if basename == "api-next-of-kin":
        next_of_kin(su, n)
        return NextOfKin.objects.filter(service_user=su).order_by("pk").first()
    if basename == "api-access-event":
        access_events(su, world.partner_valid, n)
        return AccessEvent.objects.filter(service_user=su).order_by("pk").first()
    if basename == "api-appointment":
        appointments(case, n, MONDAY + datetime.timedelta(days=1 + len(Appointment.objects.all()) // 8))
        return Appointment.objects.order_by("pk").first()
    if basename == "api-absence":
        start = len(Absence.objects.all())
        for i in range(start, start + n):
            away(tp, world.leader, first=MONDAY + datetime.timedelta(days=3 * i), days=2)
        return Absence.objects.order_by("pk").first()
    if basename == "api-deputy":
        for _ in range(n):
            worker = trust_person_in(world.unit, f"dekket_{len(DeputyArrangement.objects.all())}")
            DeputyArrangement.objects.create(trust_person=worker, deputy=tp, unit=world.unit, set_by=world.leader)
        return DeputyArrangement.objects.order_by("pk").first()
    if basename == "api-notification":
        notifications(tp, n, about=case)
        return Notification.objects.filter(recipient_user=tp).order_by("pk").first()
    if basename == "api-followup-entry":
        entry = FollowUpEntry.objects.order_by("pk").first() or many_entries(case, 1)[0]
        goal = pf.GoalFactory(plan=pf.PlanFactory(follow_up=case)) if n == 1 else Step.objects.first().goal
        entry.steps.add(*Step.objects.bulk_create([Step(goal=goal, what=f"Delmål {i}") for i in range(n)]))
        many_entries(case, n, start=timezone.now() - datetime.timedelta(days=2))
        return entry
    raise AssertionError(basename)


DETAILS = {
    # basename: (who reads, what grows)
    "api-service-user": ("trust_person", "the person's cases"),
    "api-follow-up": ("trust_person", "the caseload"),
    "api-consent": ("owner", "the owner's consents"),
    "api-next-of-kin": ("trust_person", "the person's next of kin"),
    "api-access-event": ("owner", "the owner's access log"),
    "api-appointment": ("trust_person", "the case's appointments"),
    "api-absence": ("leader", "the absences"),
    "api-deputy": ("leader", "the standing deputies"),
    "api-notification": ("trust_person", "the worker's messages"),
    "api-followup-entry": ("trust_person", "the entry's steps and the log"),
}


@pytest.mark.parametrize("basename", sorted(DETAILS))
def test_an_api_detail_is_flat_in_its_related_rows_and_its_kind(world, basename):
    persona, _grows = DETAILS[basename]
    client = api(world.persona(persona))
    obj = detail_rows(world, basename, 1)
    path = reverse(f"{basename}-detail", args=[obj.pk])
    one = qc.get(client, path)
    detail_rows(world, basename, 29)
    thirty = qc.get(client, path)
    if basename == "api-service-user":
        assert len(thirty.json()["cases"]) == 31
    if basename == "api-followup-entry":
        assert len(thirty.json()["steps"]) == 30
    qc.assert_same(one, thirty, f"{basename} detail")
    assert_flat_in_bergen(world, client, path, thirty, f"{basename} detail")
