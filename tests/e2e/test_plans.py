"""Individual plans in the browser (issue 4).

The story test plays the whole life of a plan on one case, in order: the trust person makes the plan with the
user (consent, a goal in the user's words, two steps, activation); the user comments, marks her own step done
and proposes a new one, and sees «Min fremgang» (also without JavaScript); a partner with the owner's plan
consent writes a progress note on the step they are responsible for, and a partner without it gets a 404.
The pages are checked with axe, at 375 px too, and the PDF is fetched.

The case is picked at test time (ORM): a case of a trust person whose user has a log-in and no plan yet, so the
test does not depend on the plans the demo data may hold. The conflict test makes its own plan on a case whose
user has no log-in. Both go through the pages; the ORM only looks up ids.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import axe_violations, describe, login

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
TRUST_PEOPLE = [f"tillit{i}" for i in range(1, 7)]
PARTNERS = ["dps1", "nav1", "lege1"]
NINE_POINTS = [
    "1. Mine mål, styrker og behov",
    "2. Hvem er med",
    "3. Hvem koordinerer",
    "4. Hva hver enkelt bidrar med",
    "5. Tiltak: tjenestene jeg får",
    "6. Hvordan tiltakene gjennomføres",
    "7. Planperiode og revisjon",
    "8. Samtykke",
    "9. Samarbeid med andre tjenester",
]

OWN_WORDS = "Jeg vil ha et trygt sted å bo, og komme meg på jobb igjen."
GOAL = "Egen leilighet før jul"
STEP_SOON = "Ringe boligkontoret"
STEP_FAR = "Søke om startlån"
COMMENT = "Jeg gleder meg til å få egen nøkkel."
HOW_IT_WENT = "Det gikk fint, de ringer tilbake neste uke."
SUGGESTION = "Se på leiligheter på nett med søsteren min"
PARTNER_NOTE = "Vi har sett på søknaden sammen, den sendes fredag."


# --- helpers ----------------------------------------------------------------------------------------------------


def main(page):
    return page.locator("main")


def status_messages(page) -> str:
    """The success and info messages at the top of the page (``role=status``)."""
    return " ".join(main(page).get_by_role("status").all_inner_texts())


def expect_h1(page, text: str) -> None:
    """Waits for the page with this heading (after a click that loads a new page)."""
    expect(main(page).locator("h1")).to_have_text(text)


def expect_message(page, text: str) -> None:
    """Waits for a success or info message containing ``text``."""
    expect(main(page).get_by_role("status").filter(has_text=text)).to_be_visible()


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe(violations)}"


def assert_fits_a_phone(page, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{what} is {width} px wide"


def heading_outline(page) -> list[tuple[int, str]]:
    """The headings in <main>, in document order, as (level, text)."""
    rows = (
        main(page)
        .locator("h1, h2, h3, h4, h5, h6")
        .evaluate_all("els => els.map(e => [Number(e.tagName.substring(1)), e.textContent])")
    )
    return [(level, " ".join(text.split())) for level, text in rows]


def assert_headings_in_order(page, what: str) -> None:
    outline = heading_outline(page)
    assert outline and outline[0][0] == 1, f"{what}: the first heading is not an h1: {outline[:3]}"
    for (before, _), (level, text) in zip(outline, outline[1:], strict=False):
        assert level <= before + 1, f"{what}: «{text}» is an h{level} right after an h{before}"


def plan_id(page) -> int:
    match = re.search(r"/planer/(\d+)/", page.url)
    assert match, f"not on a plan page: {page.url}"
    return int(match.group(1))


def goal_card(page, goal: str):
    return main(page).get_by_role("article", name=re.compile("^" + re.escape(goal)))


def step_item(page, what: str):
    return main(page).locator("li.plan-step").filter(has_text=what)


def assert_pdf(page, name: str) -> None:
    href = main(page).get_by_role("link", name=name).get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200, f"{name}: {response.status}"
    assert response.headers["content-type"].startswith("application/pdf"), response.headers["content-type"]
    assert response.body().startswith(b"%PDF"), f"{name}: not a PDF"


def plan_consent(username: str, owner_id: int):
    """The owner's consent in force with the plan scope that lets this partner in (to them or their service)."""
    from koordinator import access
    from koordinator.models import Consent, User

    actor = access.actor_for(User.objects.get(username=username))
    return (
        access.valid_consents_to(actor, Consent.Scope.PLAN)
        .filter(owner_id=owner_id)
        .select_related("grantee_user", "grantee_organisation")
        .order_by("-grantee_user_id")
        .first()
    )


def has_plan_consent(username: str, owner_id: int) -> bool:
    return plan_consent(username, owner_id) is not None


def cases_without_plan(*, with_login: bool):
    from koordinator.models import FollowUp

    return (
        FollowUp.objects.filter(
            trust_person__username__in=TRUST_PEOPLE,
            service_user__user__isnull=not with_login,
            plans__isnull=True,
        )
        .exclude(status=FollowUp.Status.ENDED)
        .select_related("service_user__user", "trust_person")
        .order_by("pk")
    )


def pick_story_case():
    """A case with a user who can log in and has no plan; one whose user let a partner person in, if any."""
    cases = list(cases_without_plan(with_login=True))
    if not cases:
        pytest.fail("the demo data has no case whose user has a log-in and no plan", pytrace=False)
    for case in cases:
        if any(has_plan_consent(p, case.service_user_id) for p in PARTNERS):
            return case
    return cases[0]


def create_plan(page, case_pk: int, own_words: str) -> int:
    """From the case page: «Individuell plan», then make the draft. Returns the plan's id."""
    page.goto(f"/saker/{case_pk}/")
    main(page).get_by_role("link", name="Individuell plan").click()
    expect_h1(page, "Individuell plan")
    main(page).get_by_label("Med mine ord: hva er viktig for meg").fill(own_words)
    main(page).get_by_role("button", name="Lag et utkast til plan").click()
    page.wait_for_url(re.compile(r"/planer/\d+/$"))
    expect_message(page, "Utkastet til planen er laget")
    return plan_id(page)


def give_plan_consent_to(page, case, partner) -> None:
    """The trust person records the owner's consent with the plan scope to one partner person."""
    owner = case.service_user
    page.goto(f"/saker/{case.pk}/")
    main(page).get_by_role("link", name=f"Se opplysninger om {owner.full_name}").click()
    main(page).get_by_role("link", name="Registrer samtykke").click()
    expect_h1(page, "Registrer samtykke")
    form = main(page)
    form.get_by_role("group", name="Hvordan ga personen samtykket?").get_by_label("Muntlig").check()
    person = form.get_by_label("Eller én person som får se")
    options = person.locator("option").all_inner_texts()
    label = next((o for o in options if o.startswith(partner.display_name)), None)
    assert label, f"{partner.display_name} is not offered as a person who may see: {options}"
    person.select_option(label=label)
    form.get_by_role("group", name="Hva får de se?").get_by_role("checkbox", name="Individuell plan").check()
    form.get_by_role("button", name="Registrer samtykket").click()
    expect_message(page, "Samtykket er registrert.")


# --- the story ----------------------------------------------------------------------------------------------------


def test_a_plan_is_made_with_the_user_followed_up_by_the_user_and_a_partner(new_page):
    from koordinator.models import User

    case = pick_story_case()
    owner = case.service_user
    trust_username = case.trust_person.username
    owner_username = owner.user.username
    partner_username = next((p for p in PARTNERS if has_plan_consent(p, owner.pk)), None)
    today = timezone.localdate()

    staff = new_page()
    login(staff, trust_username)
    if partner_username is None:
        partner_username = PARTNERS[0]
        give_plan_consent_to(staff, case, User.objects.get(username=partner_username))
        assert has_plan_consent(partner_username, owner.pk)
    outsider = next((p for p in PARTNERS if not has_plan_consent(p, owner.pk)), None)
    partner = User.objects.get(username=partner_username)

    # 1. The trust person makes the draft from the case page, in the user's own words.
    pk = create_plan(staff, case.pk, OWN_WORDS)
    expect_h1(staff, f"Individuell plan for {owner.full_name}")
    assert "Utkast" in main(staff).locator(".plan-meta").inner_text()
    assert OWN_WORDS in main(staff).locator("blockquote").inner_text()

    # The owner's consent to the plan, and how it was given.
    consent = main(staff).get_by_role("region", name="Hva skjer nå")
    consent.get_by_role("group", name="Hvordan samtykket brukeren til planen?").get_by_label(
        "Muntlig"
    ).check()
    consent.get_by_role("button", name="Registrer samtykket").click()
    expect_message(staff, "Samtykket til planen er registrert.")
    assert (
        f"Brukeren samtykket til planen {today:%d.%m.%Y} (muntlig)."
        in main(staff).get_by_role("region", name="8. Samtykke").inner_text()
    )

    # A goal in the user's words, with its life area.
    main(staff).get_by_role("link", name="Nytt mål").click()
    expect_h1(staff, "Nytt mål")
    main(staff).get_by_label("Livsområde").select_option(label="Bolig")
    main(staff).get_by_label("Målet", exact=True).fill(GOAL)
    assert main(staff).get_by_label("Skrevet med brukerens egne ord").is_checked()
    main(staff).get_by_role("button", name="Lagre målet").click()
    staff.wait_for_url(re.compile(rf"/planer/{pk}/#mal-\d+$"))
    expect_message(staff, "Målet er lagt til.")
    goal = goal_card(staff, GOAL)
    assert "med mine ord" in goal.inner_text()
    area = (
        main(staff)
        .locator(".plan-area")
        .filter(has=staff.get_by_role("article", name=re.compile("^" + GOAL)))
    )
    expect(area.get_by_role("heading", name="Bolig")).to_be_visible()

    # A step with the default due date: four weeks ahead, already filled in. The user does it herself.
    goal.get_by_role("link", name=f"Nytt delmål under {GOAL}").click()
    expect_h1(staff, "Nytt delmål")
    assert (
        main(staff).get_by_label("Frist").input_value() == (today + datetime.timedelta(weeks=4)).isoformat()
    )
    assert main(staff).get_by_role("group", name="Hvem gjør det?").get_by_label("Brukeren selv").is_checked()
    assert_accessible(staff, "the new step form")
    main(staff).get_by_label("Hva skal gjøres?").fill(STEP_SOON)
    main(staff).get_by_role("button", name="Lagre delmålet").click()
    staff.wait_for_url(re.compile(rf"/planer/{pk}/#delmal-\d+$"))
    expect_message(staff, "Delmålet er lagt til.")
    assert "kanskje delmålet kan deles" not in status_messages(staff)

    # A step far out, done by the partner person: saved, with the friendly suggestion to split it.
    far = today + datetime.timedelta(weeks=20)
    goal_card(staff, GOAL).get_by_role("link", name=f"Nytt delmål under {GOAL}").click()
    main(staff).get_by_label("Hva skal gjøres?").fill(STEP_FAR)
    # The partner's way in decides the step's «who»: them by name, or their service.
    way_in = plan_consent(partner_username, owner.pk)
    who = main(staff).get_by_role("group", name="Hvem gjør det?")
    if way_in.grantee_user_id:
        responsible = partner.display_name
        who.get_by_label("En person i en samarbeidstjeneste").check()
        main(staff).get_by_label("Hvilken person?").select_option(label=responsible)
    else:
        responsible = way_in.grantee_organisation.name
        who.get_by_label("En samarbeidstjeneste", exact=True).check()
        main(staff).get_by_label("Hvilken tjeneste?").select_option(label=responsible)
    main(staff).get_by_label("Frist").fill(far.isoformat())
    main(staff).get_by_role("button", name="Lagre delmålet").click()
    staff.wait_for_url(re.compile(rf"/planer/{pk}/#delmal-\d+$"))
    messages = status_messages(staff)
    assert "Delmålet er lagt til." in messages
    assert (
        "Fristen er mer enn 12 uker fram" in messages
        and "delmålet kan deles i to eller tre mindre" in messages
    )
    far_step = step_item(staff, STEP_FAR)
    assert responsible in far_step.inner_text()
    assert f"{far:%d.%m.%Y}" in far_step.inner_text()

    # Activate the plan.
    main(staff).get_by_role("region", name="Hva skjer nå").get_by_role(
        "link", name="Ta planen i bruk"
    ).click()
    expect_h1(staff, "Ta planen i bruk")
    main(staff).get_by_role("button", name="Ta planen i bruk").click()
    staff.wait_for_url(re.compile(rf"/planer/{pk}/$"))
    expect_message(staff, "Planen er tatt i bruk.")
    assert "I bruk" in main(staff).locator(".plan-meta").inner_text()

    # The nine points, in order, and headings without jumps.
    points = [text for level, text in heading_outline(staff) if level == 2 and re.match(r"\d\. ", text)]
    assert points == NINE_POINTS
    assert_headings_in_order(staff, "the plan page (trust person)")
    assert_accessible(staff, "the plan page (trust person)")
    assert_pdf(staff, "Last ned som PDF")
    assert_pdf(staff, "PDF med stor skrift")

    # 2. The user: Min side → «Se planen min».
    user = new_page()
    login(user, owner_username)
    expect_h1(user, "Min side")
    main(user).get_by_role("link", name="Se planen min").click()
    user.wait_for_url(re.compile(rf"/planer/{pk}/$"))
    expect_h1(user, "Min plan")
    assert "Du samtykket til planen" in main(user).get_by_role("region", name="8. Samtykke").inner_text()
    assert [t for lvl, t in heading_outline(user) if lvl == 2 and re.match(r"\d\. ", t)] == NINE_POINTS

    # A comment on the goal, in her own words.
    goal_card(user, GOAL).get_by_role("link", name=f"Skriv en kommentar om {GOAL}").click()
    expect_h1(user, "Skriv en kommentar")
    main(user).get_by_label("Kommentar").fill(COMMENT)
    main(user).get_by_role("button", name="Lagre kommentaren").click()
    user.wait_for_url(re.compile(rf"/planer/{pk}/#mal-\d+$"))
    expect_message(user, "Kommentaren er lagret")
    comments = goal_card(user, GOAL).get_by_role("list", name="Kommentarer")
    assert COMMENT in comments.inner_text() and "Din kommentar" in comments.inner_text()

    # Her own step: «Jeg har gjort det», with «Hvordan gikk det?». The partner's step has no such button.
    assert step_item(user, STEP_FAR).get_by_role("link", name=re.compile("^Jeg har gjort det")).count() == 0
    step_item(user, STEP_SOON).get_by_role("link", name=f"Jeg har gjort det – {STEP_SOON}").click()
    expect_h1(user, "Hvordan gikk det?")
    assert (
        main(user)
        .get_by_role("group", name="Hvordan endte det?")
        .get_by_label("Gjort", exact=True)
        .is_checked()
    )
    main(user).get_by_label("Hvordan gikk det?").fill(HOW_IT_WENT)
    main(user).get_by_role("button", name="Lagre").click()
    user.wait_for_url(re.compile(rf"/planer/{pk}/#mal-\d+$"))
    expect_message(user, "Bra jobba!")
    closed = goal_card(user, GOAL).locator("details")
    closed.locator("summary").click()
    done = step_item(user, STEP_SOON)
    expect(done).to_be_visible()
    expect(done).to_contain_text("Gjort")
    expect(done).to_contain_text(HOW_IT_WENT)

    # She proposes a new step; it waits for the coordinator.
    goal_card(user, GOAL).get_by_role("link", name=f"Foreslå et nytt delmål under {GOAL}").click()
    expect_h1(user, "Foreslå et nytt delmål")
    main(user).get_by_label("Hva vil du gjøre?").fill(SUGGESTION)
    main(user).get_by_role("button", name="Send forslaget").click()
    user.wait_for_url(re.compile(rf"/planer/{pk}/#mal-\d+$"))
    expect_message(user, "Forslaget er sendt")
    assert (
        SUGGESTION in main(user).get_by_role("region", name="Forslagene dine som venter på svar").inner_text()
    )
    assert_headings_in_order(user, "the plan page (owner)")
    assert_accessible(user, "the plan page (owner)")
    assert_pdf(user, "Last ned som PDF")

    # «Min fremgang» from Min side: the step she did this month.
    user.goto("/min-side/")
    main(user).get_by_role("link", name="Min fremgang").click()
    user.wait_for_url(re.compile(rf"/planer/{pk}/fremgang/$"))
    expect_h1(user, "Min fremgang")
    month = main(user).get_by_role("region", name="Dette har du fått til denne måneden").inner_text()
    assert STEP_SOON in month and "1 delmål er gjort denne måneden." in month
    assert_progress_chart(user)
    assert_headings_in_order(user, "Min fremgang")
    assert_accessible(user, "Min fremgang")

    # The same page without JavaScript: the chart is plain HTML and CSS.
    no_js = new_page(java_script_enabled=False, storage_state=user.context.storage_state())
    no_js.goto("/min-side/")
    main(no_js).get_by_role("link", name="Min fremgang").click()
    no_js.wait_for_url(re.compile(rf"/planer/{pk}/fremgang/$"))
    assert STEP_SOON in main(no_js).inner_text()
    assert_progress_chart(no_js)

    # 375 px: the owner's plan page and Min fremgang, and the trust person's plan page.
    phone = new_page(**PHONE, storage_state=user.context.storage_state())
    for path, what in (
        (f"/planer/{pk}/", "the owner's plan page"),
        (f"/planer/{pk}/fremgang/", "Min fremgang"),
    ):
        phone.goto(path)
        assert_accessible(phone, f"{what} at 375 px")
        assert_fits_a_phone(phone, what)
    staff_phone = new_page(**PHONE, storage_state=staff.context.storage_state())
    staff_phone.goto(f"/planer/{pk}/")
    assert_accessible(staff_phone, "the plan page (trust person) at 375 px")
    assert_fits_a_phone(staff_phone, "the plan page (trust person)")

    # The trust person sees the user's comment and her suggestion.
    staff.reload()
    suggestions = main(staff).get_by_role("region", name="Forslag fra brukeren som venter på svar")
    assert SUGGESTION in suggestions.inner_text()
    assert "Brukerens kommentar" in goal_card(staff, GOAL).inner_text()

    # 3. The partner with the owner's plan consent sees the plan (not the suggestion) and writes a progress note
    # on the step they are responsible for, and only there.
    helper = new_page()
    login(helper, partner_username)
    response = helper.goto(f"/planer/{pk}/")
    assert response.status == 200
    expect_h1(helper, f"Individuell plan for {owner.full_name}")
    assert SUGGESTION not in main(helper).inner_text()
    assert (
        step_item(helper, STEP_SOON).count() == 0
        or step_item(helper, STEP_SOON).get_by_role("link", name=re.compile("^Skriv et notat")).count() == 0
    )
    step_item(helper, STEP_FAR).get_by_role(
        "link", name=f"Skriv et notat om framdriften om {STEP_FAR}"
    ).click()
    expect_h1(helper, "Nytt notat om framdriften")
    main(helper).get_by_label("Notat").fill(PARTNER_NOTE)
    main(helper).get_by_role("button", name="Lagre notatet").click()
    helper.wait_for_url(re.compile(rf"/planer/{pk}/#delmal-\d+$"))
    expect_message(helper, "Notatet er lagret.")
    notes = step_item(helper, STEP_FAR).get_by_role("list", name="Notater om framdriften").inner_text()
    assert PARTNER_NOTE in notes and f"Notat fra {partner.display_name}" in notes
    assert_accessible(helper, "the plan page (partner)")

    # A partner without the consent: the plan is outside the gate.
    if outsider is None:
        pytest.fail(f"every partner has a plan consent from {owner_username}; none left to test the 404")
    stranger = new_page()
    login(stranger, outsider)
    assert stranger.goto(f"/planer/{pk}/").status == 404
    assert stranger.request.get(f"/planer/{pk}/plan.pdf").status == 404


def assert_progress_chart(page) -> None:
    """Twelve months as rows of a table; this month has one step done and a bar that is drawn."""
    chart = main(page).get_by_role("table", name="Antall delmål gjort hver måned de siste tolv månedene")
    expect(chart).to_be_visible()
    rows = chart.locator("tbody tr")
    assert rows.count() == 12
    counts = [int(c) for c in chart.locator(".bar-chart__count").all_inner_texts()]
    assert sum(counts) == 1, counts
    done_row = rows.nth(counts.index(1))
    box = done_row.locator(".bar-chart__bar").bounding_box()
    assert box and box["width"] > 10, f"the bar for the month with a step done is not drawn: {box}"


# --- the conflict page --------------------------------------------------------------------------------------------


def test_two_editors_at_once_get_the_conflict_page_with_both_texts(new_page):
    case = cases_without_plan(with_login=False).first()
    assert case is not None, "the demo data has no case without a plan"
    first = new_page()
    login(first, case.trust_person.username)
    pk = create_plan(first, case.pk, "Å ha det bra.")
    # The second window: the same person, logged in already.
    second = new_page(storage_state=first.context.storage_state())

    for page in (first, second):
        page.goto(f"/planer/{pk}/")
        main(page).get_by_role("link", name="Endre tekstene i planen").click()
        expect_h1(page, "Endre tekstene i planen")

    mine, theirs, need = "Flink med hender.", "God til å lage mat.", "Hjelp med å åpne brev fra NAV."
    first_form = main(first)
    first_form.get_by_label("Mine styrker og ressurser").fill(mine)
    first_form.get_by_role("button", name="Lagre").click()
    first.wait_for_url(re.compile(rf"/planer/{pk}/$"))
    expect_message(first, "Planen er lagret.")

    # The second editor started from the same version: both changed «Mine styrker og ressurser», only they
    # changed «Hva jeg trenger hjelp til».
    second_form = main(second)
    second_form.get_by_label("Mine styrker og ressurser").fill(theirs)
    second_form.get_by_label("Hva jeg trenger hjelp til").fill(need)
    second_form.get_by_role("button", name="Lagre").click()
    expect_h1(second, "Planen ble endret mens du skrev")
    expect(main(second).get_by_role("alert")).to_contain_text("Det du skrev er tatt vare på")

    both = main(second).get_by_role("region", name=re.compile("^Mine styrker og ressurser"))
    assert "endret av begge" in both.get_by_role("heading").inner_text()
    assert both.get_by_label("Din tekst").input_value() == theirs
    assert both.get_by_label("Den lagrede teksten").input_value() == mine
    # The form to save again: the stored text where both changed, theirs where only they did.
    again = main(second).get_by_role("region", name="Lagre på nytt")
    assert again.get_by_label("Mine styrker og ressurser").input_value() == mine
    assert again.get_by_label("Hva jeg trenger hjelp til").input_value() == need
    assert_accessible(second, "the conflict page")

    # They combine the two texts and save: now it goes through.
    again.get_by_label("Mine styrker og ressurser").fill(f"{mine} {theirs}")
    again.get_by_role("button", name="Lagre").click()
    second.wait_for_url(re.compile(rf"/planer/{pk}/$"))
    expect_message(second, "Planen er lagret.")
    section = main(second).get_by_role("region", name=NINE_POINTS[0]).inner_text()
    assert f"{mine} {theirs}" in section and need in section
