"""«Last ned alt om meg» in Chromium at 375 px (issue 15, point 2): bruker1 asks for everything about her on Min side,
the archive is built in the background (the command cron runs), she finds the message under «Varsler», follows it and
downloads the archive; the PDF's text holds her plan's goals and the names in her access log. The staff's page for a
person who asked on paper fits a phone too, and axe finds nothing serious on either page."""

from __future__ import annotations

import io
import zipfile

from django.core.management import call_command
from pypdf import PdfReader

from tests.e2e.browser import axe_violations, describe, h1_text, login, write_for_the_server

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}


def width_of(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def build_what_is_asked_for() -> None:
    """What cron does: ``manage.py build_archives --once`` (``run_reminders`` does the same)."""
    write_for_the_server(lambda: call_command("build_archives", "--once", stdout=io.StringIO()))


def what_she_should_find() -> tuple[list[str], set[str]]:
    """bruker1's goals in her plans, and the names in her access log, as the database has them."""
    from koordinator.models import AccessEvent, ServiceUser
    from plans.models import Goal

    su = ServiceUser.objects.get(user__username="bruker1")
    goals = list(Goal.objects.filter(plan__follow_up__service_user=su, archived_at__isnull=True)
                 .values_list("text", flat=True))
    names = set(AccessEvent.objects.filter(service_user=su).values_list("actor_name", flat=True))
    return goals, names


def test_bruker1_asks_for_everything_about_her_and_downloads_it(new_page):
    page = new_page(**PHONE)
    login(page, "bruker1")
    page.goto("/min-side/")
    page.get_by_role("link", name="Last ned alt om meg").click()
    page.wait_for_url("**/min-side/alt-om-meg/")
    assert h1_text(page) == "Last ned alt om meg"
    assert width_of(page) <= 375, f"{width_of(page)} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("button", name="Be om alt om meg").click()
    page.wait_for_url("**/min-side/alt-om-meg/")
    main = page.locator("main")
    assert "Vi lager arkivet ditt. Du får beskjed når det er klart." in main.inner_text()
    assert main.get_by_role("button", name="Be om alt om meg").count() == 0

    build_what_is_asked_for()

    page.goto("/varsler/")
    message = page.locator("main").get_by_text("Arkivet ditt er klart").first
    assert message.is_visible()
    page.locator("main").get_by_role("link", name="Last ned alt om meg").first.click()
    page.wait_for_url("**/min-side/alt-om-meg/")
    assert width_of(page) <= 375, f"{width_of(page)} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)

    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name="Last ned arkivet").click()
    download = download_info.value
    assert download.suggested_filename.startswith("alt-om-meg-") and download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as saved, zipfile.ZipFile(io.BytesIO(saved.read())) as archive:
        assert sorted(archive.namelist()) == ["LES-MEG.txt", "alt-om-meg.pdf", "annet.json", "fhir-bundle.json"]
        reader = PdfReader(io.BytesIO(archive.read("alt-om-meg.pdf")))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    goals, names = what_she_should_find()
    assert goals and names, "the demo gives bruker1 a plan and an access log"
    for goal in goals:
        assert " ".join(goal.split()) in text, goal
    for name in names:
        assert name in text, name


def test_the_staff_page_for_a_paper_request_fits_a_phone(new_page):
    from koordinator.models import ServiceUser

    su = ServiceUser.objects.get(user__username="bruker1")
    page = new_page(**PHONE)  # axe needs scripts; the form itself uses none
    login(page, "tillit1")
    page.goto(f"/brukere/{su.pk}/alt-om-personen/")
    assert h1_text(page) == f"Alt om {su.full_name}"
    main = page.locator("main")
    main.get_by_role("button", name="Lag arkivet").click()  # nothing filled in
    assert "Skriv når personen ba om det, for eksempel 23.11.2026." in main.inner_text()
    assert width_of(page) <= 375, f"{width_of(page)} px"
    violations = axe_violations(page)
    assert not violations, describe(violations)
