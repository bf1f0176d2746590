"""The sick day in the browser (issue 3): the leader registers sick leave for a trust person who has a home
visit today, through the two-step form; the user then sees the notice and who to contact now.

The live server holds the demo data (conftest.py): ``tillit3`` is already off sick today, ``tillit4`` covers
for them, and ``bruker4`` has been told. The end-to-end test plays a fresh sick day for ``tillit1``, whose
user ``bruker1`` has a deputy (``tillit2``) on her case; the module fixture below gives them a home visit
today at 10:00. The other tests only read, so they may run in any order after it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
BELL = re.compile(r"^Varsler")


@pytest.fixture(scope="module")
def home_visit_today(server, django_db_blocker) -> int:
    """bruker1's home visit with tillit1 today at 10:00, committed so the live server sees it.

    Saved with the model rather than ``create_appointment``, which refuses a time that has passed: the test
    may run after 10:00, and registering the absence must still hand the visit over (it does, for the
    whole day). The history user is the trust person, as if she had booked it.
    """
    from koordinator.models import Appointment, FollowUp
    from koordinator.timeutil import at
    from koordinator.toolkit import save_with_history

    with django_db_blocker.unblock():
        case = FollowUp.objects.select_related("service_user", "trust_person").get(
            service_user__user__username="bruker1"
        )
        visit = Appointment(
            follow_up=case,
            service_user=case.service_user,
            trust_person=case.trust_person,
            starts_at=at(timezone.localdate(), 10),
            place=Appointment.Place.HOME,
            about="Hjemmebesøk: se på søknaden om bostøtte sammen.",
            created_by=case.trust_person,
        )
        save_with_history(visit, case.trust_person, "Avtale opprettet")
        return visit.pk


def unread(page) -> int:
    """The bell's count of unread messages (none shown means 0)."""
    count = page.locator(".site-bell__count")
    if not count.count():
        return 0
    return int(re.search(r"\d+", count.inner_text()).group())


def section(page, heading: str):
    """The <section> labelled by ``heading``."""
    return page.get_by_role("region", name=heading)


def assert_fits_a_phone(page, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide"


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def fill_absence(
    page,
    *,
    person: str,
    kind: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> None:
    page.goto("/fravaer/ny/")
    main = page.locator("main")
    main.get_by_label("Hvem er borte?").select_option(label=person)
    main.get_by_label(kind, exact=True).check()
    if starts_on:
        main.get_by_label("Fra og med").fill(starts_on.isoformat())
    if ends_on:
        main.get_by_label("Til og med").fill(ends_on.isoformat())
    main.get_by_role("button", name="Se hvem som blir berørt").click()
    page.wait_for_load_state()


def test_the_leader_registers_sick_leave_and_the_user_sees_the_notice_and_the_deputy(
    new_page, home_visit_today
):
    # Before: bruker1 has tillit1 as her contact, and no message about an absence.
    user_page = new_page()
    login(user_page, "bruker1")
    assert h1_text(user_page) == "Min side"
    assert "Sigrid Aune" in section(user_page, "Kontakten din nå").inner_text()
    unread_before = unread(user_page)

    # Step 1: the leader fills in the sick leave for tillit1, today only (the form's default dates).
    leader = new_page()
    login(leader, "leder")
    fill_absence(leader, person="Sigrid Aune", kind="Sykmelding")
    assert h1_text(leader) == "Registrer fravær"

    # Step 2: who is affected. The home visit is listed with its two choices; the leader lets the deputy take it.
    affected = section(leader, "Dette skjer når du lagrer")
    visit = affected.get_by_role(
        "group", name=re.compile(r"kl\. 10\.00 – Kari Nordmann, Hjemme hos brukeren")
    )
    visit.get_by_label("Stedfortreder tar avtalen").check()
    assert visit.get_by_label("Avlys avtalen").is_visible()
    # bruker3's case has tillit3 as deputy, who is off sick too (demo data): the leader is warned.
    warning = affected.get_by_role("alert")
    assert "Lise Berg" in warning.inner_text()
    assert_accessible(leader)

    leader.locator("main").get_by_role("button", name="Lagre fraværet og varsle").click()
    leader.wait_for_url(re.compile(r"/fravaer/$"))
    assert "Brukerne får beskjed nå" in leader.locator("body").inner_text()
    assert "1 avtale er gitt til stedfortreder eller en kollega, 0 er avlyst" in leader.locator("body").inner_text()
    assert "Sigrid Aune" in leader.locator("main").inner_text()

    # The user: the bell counts the new messages; Min side shows the notice and the deputy as contact now.
    user_page.reload()
    assert unread(user_page) >= unread_before + 2
    contact = section(user_page, "Kontakten din nå").inner_text()
    assert "Jonas Lie" in contact and "91 00 01 12" in contact
    assert "Sigrid er borte til og med" in contact
    notes = section(user_page, "Beskjeder til deg").inner_text()
    assert "Endring: Jonas Lie kommer i stedet" in notes
    assert "Sigrid Aune er borte – dette er kontakten din" in notes
    assert_accessible(user_page)

    # The deputy finds the visit on the handover list.
    deputy = new_page()
    login(deputy, "tillit2")
    deputy.goto("/overforing/")
    handover = deputy.locator("main").inner_text()
    assert "Sigrid Aune: Sykmelding" in handover
    assert "Kari Nordmann" in handover and "kl. 10.00" in handover


def test_both_steps_of_the_absence_form_are_accessible_and_fit_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "leder")
    page.goto("/fravaer/ny/")
    assert h1_text(page) == "Registrer fravær"
    assert_accessible(page)
    assert_fits_a_phone(page, "step 1")

    # Step 1 with a mistake: the error summary links to the field.
    page.locator("main").get_by_role("button", name="Se hvem som blir berørt").click()
    page.wait_for_load_state()
    summary = page.locator(".ds-error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").count() >= 1
    assert_accessible(page)
    assert_fits_a_phone(page, "step 1 with errors")

    # Step 2 for tillit5, a course next week over their appointment (demo data), not confirmed.
    monday, friday = next_week()
    fill_absence(page, person="Amina Hussein", kind="Kurs", starts_on=monday, ends_on=friday)
    affected = section(page, "Dette skjer når du lagrer")
    # Step two is brought into view on the phone (the form posts to #steg-2), with step one summed up.
    assert page.url.endswith("#steg-2")
    top = page.evaluate("() => document.getElementById('steg-2').getBoundingClientRect().top")
    assert -2 <= top < page.viewport_size["height"], top
    assert "Amina Hussein" in affected.locator("dl").first.inner_text()
    assert affected.get_by_role("group").count() >= 1
    assert affected.get_by_label("Stedfortreder tar avtalen").first.is_visible()
    assert_accessible(page)
    assert_fits_a_phone(page, "step 2")


def test_the_two_step_absence_form_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    login(page, "leder")
    fill_absence(page, person="Erik Strand", kind="Ferie")
    affected = section(page, "Dette skjer når du lagrer")
    # tillit6 has no standing deputy in the demo data: the form warns before anything is saved.
    assert "står uten dekning" in affected.inner_text()
    assert page.locator("main").get_by_role("button", name="Lagre fraværet og varsle").is_visible()


def test_the_deputys_handover_page_is_accessible_and_fits_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "tillit4")
    page.goto("/overforing/")
    assert h1_text(page) == "Overføringsliste"
    main = page.locator("main").inner_text()
    assert "Ingrid Moe: Sykmelding" in main  # the demo's sick day
    assert "Geir Solberg" in main
    assert_accessible(page)
    assert_fits_a_phone(page, "the handover page")


def test_min_side_of_the_sick_workers_user_shows_the_notice_and_fits_a_phone(new_page):
    page = new_page(**PHONE)
    login(page, "bruker4")
    assert h1_text(page) == "Min side"
    assert unread(page) >= 2
    contact = section(page, "Kontakten din nå").inner_text()
    assert "Thomas Bakken" in contact
    assert "Endring: Thomas Bakken kommer i stedet" in section(page, "Beskjeder til deg").inner_text()
    assert_accessible(page)
    assert_fits_a_phone(page, "Min side")


def next_week() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return monday, monday + datetime.timedelta(days=4)


def test_step_two_has_the_deputy_taking_the_appointment_selected_already(new_page):
    page = new_page()
    login(page, "leder")
    monday, friday = next_week()
    fill_absence(page, person="Amina Hussein", kind="Kurs", starts_on=monday, ends_on=friday)
    assert (
        section(page, "Dette skjer når du lagrer")
        .get_by_label("Stedfortreder tar avtalen")
        .first.is_checked()
    )


# Last in the module: it saves an absence for tillit5 (the tests above only preview one).
def test_choosing_to_cancel_an_appointment_cancels_it(new_page):
    from koordinator.models import Appointment

    page = new_page()
    login(page, "leder")
    monday, friday = next_week()
    fill_absence(page, person="Amina Hussein", kind="Kurs", starts_on=monday, ends_on=friday)
    group = section(page, "Dette skjer når du lagrer").get_by_role("group").first
    group.get_by_label("Avlys avtalen").check()
    page.locator("main").get_by_role("button", name="Lagre fraværet og varsle").click()
    page.wait_for_url(re.compile(r"/fravaer/$"))
    assert "0 avtaler er gitt til stedfortreder eller en kollega, 1 er avlyst" in page.locator("body").inner_text()
    appointment = Appointment.objects.get(
        original_trust_person__isnull=True, trust_person__username="tillit5", starts_at__date__gte=monday
    )
    assert appointment.status == Appointment.Status.CANCELLED
