"""Outcomes in the browser at 375 px (issue 14, «Done when»).

The story: ``tillit1`` sees the round that is due on *Min arbeidsliste*, then fills in a quality-of-life round
together with ``bruker1`` (Kari Nordmann) on her case — both parts, a «Vet ikke» and a skipped question; Kari sees
«Slik har det gått» with its charts, with and without JavaScript; the leader opens the half-year report from the
overview and downloads the PDF and the CSV, which say the same as the page and name no user.

The demo (``demo/outcomes.py``) gives Kari three earlier rounds, so the new one is her fourth, and one of tillit1's
users a round more than six months old. The ORM only looks up ids and checks what the pages saved.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from koordinator.models import FollowUp, ServiceUser, User
from outcomes import instrument
from outcomes.models import QualityOfLifeRound
from tests.e2e.browser import axe_violations, describe, h1_text, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}

# What tillit1 and Kari answer today. O18 «Vet ikke»; S14 skipped (left without an answer).
OBJECTIVE = {
    "O1": "Nei", "O2": "Nei", "O3": "Ja", "O4": "Ja", "O5": "Nei", "O6": "Nei", "O7": "Ja", "O8": "Ja", "O9": "Ja",
    "O10": "Ja", "O11": "Ja", "O12": "Nei", "O13": "Ja", "O14": "Ja", "O15": "Ja", "O16": "Ja", "O17": "Nei",
    "O18": "Vet ikke",
}  # fmt: skip
SUBJECTIVE = {
    "S1": 4, "S2": 3, "S3": 4, "S4": 4, "S5": 3, "S6": 4, "S7": 4, "S8": 1, "S9": 4, "S10": 4, "S11": 1, "S12": 2,
    "S13": 5,
}  # fmt: skip
SKIPPED = "S14"


def main(page):
    return page.locator("main")


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8).map(e => `${e.tagName}.${e.className}: ${(e.textContent || "").trim().slice(0, 40)}`)"""


def assert_fits_a_phone(page, what: str) -> None:
    # With the style sheets applied: measured before them (once, right after a redirect), a reflowing table's hidden
    # head stuck out.
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide: {page.evaluate(WIDER_THAN_THE_SCREEN)}"


def karis_case() -> FollowUp:
    return FollowUp.objects.get(service_user__user__username="bruker1")


def due_case_of_tillit1() -> FollowUp:
    """tillit1's active case whose last round is more than six months old (date arithmetic, not the app's rule)."""
    cutoff = timezone.localdate() - relativedelta(months=6)
    cases = FollowUp.objects.filter(trust_person__username="tillit1", status=FollowUp.Status.ACTIVE)
    due = [
        case
        for case in cases.prefetch_related("quality_of_life_rounds")
        if case.quality_of_life_rounds.exists()
        and max(r.taken_on for r in case.quality_of_life_rounds.all()) <= cutoff
    ]
    assert len(due) == 1, due
    return due[0]


def test_tillit1_and_bruker1_fill_in_a_round_together_and_bruker1_sees_how_it_has_gone(new_page):
    case = karis_case()
    before = QualityOfLifeRound.objects.filter(follow_up=case).count()
    assert before == 3

    page = new_page(**PHONE)
    login(page, "tillit1")
    # Min arbeidsliste: the round that is due, with a link straight to «Ny runde».
    due = due_case_of_tillit1()
    worklist = main(page).text_content()
    assert "Livskvalitet: runde som skal tas" in worklist
    assert f"{due.service_user.full_name}: ny livskvalitetsrunde (forrige var" in worklist
    expect(main(page).locator(f'a[href="{reverse("qol_round_create", args=[due.pk])}"]')).to_have_count(1)

    # Kari's case → «Livskvalitet» → «Ny runde».
    page.goto(reverse("followup_detail", args=[case.pk]))
    main(page).get_by_role("link", name="Livskvalitet", exact=True).click()
    expect(main(page).locator("h1")).to_have_text("Livskvalitet for Kari Nordmann")
    expect(main(page).get_by_role("heading", name="Runder (3)")).to_be_visible()
    main(page).get_by_role("link", name="Ny runde").click()
    expect(main(page).locator("h1")).to_have_text("Ny livskvalitetsrunde")
    assert_accessible(page, "Ny livskvalitetsrunde")
    assert_fits_a_phone(page, "Ny livskvalitetsrunde")

    form = main(page).locator("form[method=post]")
    # The trust person's part: one group per question (fieldset and legend), Ja / Nei / Vet ikke.
    for item in instrument.OBJECTIVE:
        group = form.get_by_role("group", name=str(item.text), exact=True)
        group.get_by_label(OBJECTIVE[item.code], exact=True).check()
    # Kari's part, together: each question in plain words with its own five steps.
    form.get_by_role("group", name="Brukerens del besvart av").get_by_label(
        "Brukeren sammen med tillitspersonen", exact=True
    ).check()
    for item in instrument.SUBJECTIVE:
        if item.code == SKIPPED:
            continue
        group = form.get_by_role("group", name=str(item.plain), exact=True)
        group.get_by_label(str(item.steps[SUBJECTIVE[item.code] - 1]), exact=True).check()
    form.get_by_role("button", name="Lagre runden").click()

    expect(main(page).locator("h1")).to_have_text("Livskvalitet for Kari Nordmann")
    expect(main(page).get_by_role("status").filter(has_text="Livskvalitetsrunden er lagret.")).to_be_visible()
    expect(main(page).get_by_role("heading", name="Runder (4)")).to_be_visible()
    assert_fits_a_phone(page, "Livskvalitet for Kari Nordmann")

    # Saved as typed: today, by tillit1, «Vet ikke» kept as such, the skipped question left empty.
    saved = QualityOfLifeRound.objects.get(follow_up=case, taken_on=timezone.localdate())
    assert QualityOfLifeRound.objects.filter(follow_up=case).count() == before + 1
    assert saved.recorded_by == User.objects.get(username="tillit1")
    assert saved.kind == QualityOfLifeRound.Kind.FOLLOW_UP
    assert saved.subjective_by == QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON
    assert saved.o3 == "ja" and saved.o12 == "nei" and saved.o18 == "vet_ikke"
    assert saved.s13 == 5 and saved.s8 == 1 and saved.s14 is None
    assert saved.history.get().history_user.username == "tillit1"

    # bruker1: Min side → «Slik har det gått», a chart per question and the words.
    kari = new_page(**PHONE)
    login(kari, "bruker1")
    main(kari).get_by_role("link", name="Se hvordan det har gått").click()
    expect(main(kari).locator("h1")).to_have_text("Slik har det gått")
    overall = (
        main(kari)
        .locator("section")
        .filter(has=kari.get_by_role("heading", name=str(instrument.ITEMS["S13"].plain), exact=True))
    )
    expect(overall).to_contain_text("Du er mer fornøyd med livet ditt")
    chart = overall.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    assert chart.locator("title").text_content().strip()
    # The economy went up since the first round (1 → 4), the skipped question says so.
    economy = (
        main(kari)
        .locator("section")
        .filter(has=kari.get_by_role("heading", name=str(instrument.ITEMS["S6"].plain), exact=True))
    )
    expect(economy).to_contain_text("mer fornøyd med økonomien")
    skipped = (
        main(kari)
        .locator("section")
        .filter(has=kari.get_by_role("heading", name=str(instrument.ITEMS[SKIPPED].plain), exact=True))
    )
    expect(skipped).to_contain_text("Du svarte ikke på dette")
    assert main(kari).locator("svg[role=img]").count() >= 13
    assert_accessible(kari, "Slik har det gått")
    assert_fits_a_phone(kari, "Slik har det gått")

    # Without JavaScript the charts are the same: drawn by the server.
    plain = new_page(java_script_enabled=False, **PHONE)
    login(plain, "bruker1")
    plain.goto(reverse("my_qol_change"))
    assert h1_text(plain) == "Slik har det gått"
    assert main(plain).locator("svg[role=img]").count() == main(kari).locator("svg[role=img]").count()
    assert "Du er mer fornøyd med livet ditt" in main(plain).inner_text()


def user_names() -> list[str]:
    return [f"{first} {last}" for first, last in ServiceUser.objects.values_list("first_name", "last_name")]


def test_the_leader_opens_the_half_year_report_and_downloads_the_pdf_and_the_csv(new_page, tmp_path):
    page = new_page(accept_downloads=True, **PHONE)
    login(page, "leder")
    main(page).get_by_role("link", name="Halvårsrapport").click()
    expect(main(page).locator("h1")).to_have_text("Halvårsrapport")
    title = " ".join(
        main(page).locator("#rapport-tittel").inner_text().split()
    )  # «Trondheim kommune: 1. halvår …»
    scope, period = title.split(": ", 1)
    sections = [
        " ".join(text.split()) for text in main(page).locator("section.report-section > h2").all_inner_texts()
    ]
    assert len(sections) >= 5
    assert any("Livskvalitet" in section for section in sections), sections
    assert main(page).locator("svg[role=img]").count() >= 3
    assert_accessible(page, "Halvårsrapport")
    assert_fits_a_phone(page, "Halvårsrapport")
    # Each caption wraps inside its table's scrolling box; the question column has room for some words a line.
    tables = page.evaluate("""() => [...document.querySelectorAll('main .report-table table')].map(table => ({
        caption: table.caption.innerText,
        inside: table.caption.getBoundingClientRect().right
                <= table.closest('.table-scroll').getBoundingClientRect().right + 1,
        question: table.querySelector('tbody th').getBoundingClientRect().width,
    }))""")
    assert tables and all(t["inside"] for t in tables), [t["caption"] for t in tables if not t["inside"]]
    assert min(t["question"] for t in tables) >= 128, tables

    # The PDF, downloaded as a person would.
    with page.expect_download() as pdf_download:
        main(page).get_by_role("link", name="Last ned som PDF").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename.endswith(".pdf")
    pdf_path = tmp_path / pdf.suggested_filename
    pdf.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(Path(pdf_path).read_bytes()))
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Halvårsrapport" in pdf_text and scope in pdf_text and period in pdf_text
    for section in sections:
        assert section in pdf_text, section

    # The CSV, for Norwegian Excel: UTF-8 with BOM, «;», one line per figure.
    with page.expect_download() as csv_download:
        main(page).get_by_role("link", name="Last ned som CSV (for Excel)").click()
    sheet = csv_download.value
    assert sheet.suggested_filename.endswith(".csv")
    csv_path = tmp_path / sheet.suggested_filename
    sheet.save_as(csv_path)
    raw = Path(csv_path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Del", "Tall", "Verdi"]
    assert all(len(row) == 3 for row in rows)
    about = {figure: value for part, figure, value in rows if part == "Om rapporten"}
    assert (about["Gjelder"], about["Halvår"]) == (scope, period)
    assert set(sections) <= {part for part, _figure, _value in rows[1:]}
    assert len(rows) > 30

    # The report never names a user, in the PDF or the CSV.
    csv_text = raw.decode("utf-8-sig")
    for name in user_names():
        assert name not in pdf_text, name
        assert name not in csv_text, name
