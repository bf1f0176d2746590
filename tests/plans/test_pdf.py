"""The plan as a PDF: the whole plan in plain language, nine points in order, A4, page numbers, date and version
on every page, a large-print variant, extractable text, an access event, and a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from koordinator.models import AccessEvent
from koordinator.timeutil import no_date
from plans import selectors, services
from plans.models import LifeArea
from plans.pdf import render_plan_pdf
from tests.conftest import login
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(content: bytes) -> str:
    # Line breaks fall where the page width says; compare words, not layout.
    return " ".join(" ".join(pages(content)).split())


@pytest.fixture
def full_plan(world, plan, goal, users_step):
    plan.refresh_from_db()
    services.update_plan(world.trust_person, plan, plan.version, resources="Jeg er flink med dyr.",
                         needs="Hjelp med post fra NAV.", contributions="NAV betaler depositum.",
                         how_carried_out="Vi møtes hver tirsdag.", cooperation="Fastlegen og NAV snakker sammen.")
    plan.refresh_from_db()
    services.add_measure(world.trust_person, plan, service="Bostøtte", responsible_organisation=world.nav,
                         extent="Hver måned", needs_decision=True)
    done, _ = services.add_step(world.trust_person, goal, what="Åpne brevene sammen")
    services.close_step(world.owner, done, "done", "Det gikk fint, æøå!")
    plan.refresh_from_db()
    return plan


def test_the_pdf_has_the_whole_plan_in_the_nine_point_order_with_extractable_text(world, full_plan):
    filename, mimetype, content = render_plan_pdf(world.trust_person, full_plan)
    assert mimetype == "application/pdf"
    assert filename == f"plan-{full_plan.pk}-v{full_plan.version}.pdf"
    text = flat(content)
    positions = [text.find(f"{n}. {title}") for n, title in enumerate(selectors.section_titles(), start=1)]
    assert -1 not in positions and positions == sorted(positions)
    for expected in ("Kari Nordmann", "Jeg vil ha min egen leilighet.", "Egen leilighet", "Ringe boligkontoret",
                     "Det gikk fint, æøå!", "Jeg er flink med dyr.", "Bostøtte", "NAV Lerkendal",
                     "Vi møtes hver tirsdag.", "Fastlegen og NAV snakker sammen.", world.trust_person.display_name,
                     "Trenger vedtak – ikke søkt ennå"):
        assert expected in text, expected


def test_every_page_has_its_number_the_date_and_the_version(world, full_plan):
    goal = full_plan.goals.get()
    for i in range(40):
        pf.StepFactory(goal=goal, what=f"Et ganske langt delmål nummer {i} som tar litt plass på siden")
    full_plan.refresh_from_db()
    _, _, content = render_plan_pdf(world.trust_person, full_plan)
    texts = pages(content)
    assert len(texts) > 1
    reader = PdfReader(io.BytesIO(content))
    for number, (page_text, page) in enumerate(zip(texts, reader.pages, strict=True), start=1):
        assert f"Side {number} av {len(texts)}" in page_text
        assert f"versjon {full_plan.version}" in page_text
        assert no_date(timezone.localdate()) in page_text
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_the_large_print_variant_uses_bigger_text_and_so_more_pages(world, full_plan):
    normal = render_plan_pdf(world.trust_person, full_plan)
    large = render_plan_pdf(world.trust_person, full_plan, large=True)
    assert large[0].endswith("-stor-skrift.pdf")
    assert len(pages(large[2])) > len(pages(normal[2]))
    assert "Bostøtte" in flat(large[2])

    def body_size(content) -> float:
        sizes = []
        page = PdfReader(io.BytesIO(content)).pages[0]
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.append(size * tm[0]) if
                          "Kari Nordmann" in text else None)
        return max(sizes)

    # The body text is 11 pt, in large print 16 pt.
    assert body_size(large[2]) > body_size(normal[2]) * 1.3


def test_reading_the_pdf_is_an_access_event_except_for_the_owner(world, full_plan):
    render_plan_pdf(world.owner, full_plan)
    assert not AccessEvent.objects.filter(channel=AccessEvent.Channel.PDF).exists()
    render_plan_pdf(world.partner_valid, full_plan, large=True)
    event = AccessEvent.objects.get(channel=AccessEvent.Channel.PDF)
    assert event.service_user == world.owner_su and event.actor == world.partner_valid
    assert "stor skrift" in event.what


def test_the_pdf_view_works_for_readers_and_is_404_outside_the_gate(world, full_plan):
    url = reverse("plan_pdf", args=[full_plan.pk])
    large_url = reverse("plan_pdf_large", args=[full_plan.pk])
    assert url == f"/planer/{full_plan.pk}/plan.pdf"
    for persona in ("trust_person", "deputy", "leader", "owner", "partner_valid", "partner_wrong_scope"):
        client = login(Client(), world.persona(persona))
        response = client.get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert "Egen leilighet" in flat(response.content)
        assert client.get(large_url).status_code == 200
    for persona in ("other_trust_person", "other_leader", "partner_none", "partner_expired", "partner_withdrawn",
                    "other_owner", "admin"):
        assert login(Client(), world.persona(persona)).get(url).status_code == 404, persona
    assert login(Client(), world.trust_person).get(reverse("plan_pdf", args=[999999])).status_code == 404


def test_the_pdf_view_refuses_post_and_sends_anonymous_to_log_in(world, full_plan):
    url = reverse("plan_pdf", args=[full_plan.pk])
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(Client(), world.trust_person).post(url).status_code == 405


def test_a_partner_without_the_plan_scope_gets_404(world, full_plan):
    # partner_org_member's organisation consent includes the plan scope; take it away.
    world.consent_org.scope_plan = False
    world.consent_org.save()
    url = reverse("plan_pdf", args=[full_plan.pk])
    assert login(Client(), world.partner_org_member).get(url).status_code == 404


def test_the_pdf_of_a_draft_and_of_an_empty_plan_works(world, draft):
    _, _, content = render_plan_pdf(world.trust_person, draft)
    text = flat(content)
    assert "Utkast" in text and "Ingen mål ennå." in text and "Ingen tiltak ennå." in text


def _plan_with(world, n: int):
    plan = pf.PlanFactory(follow_up=world.case)
    for _ in range(n):
        goal = pf.GoalFactory(plan=plan, life_area=LifeArea.WORK)
        pf.StepFactory(goal=goal, who_kind="organisation", who_organisation=world.nav)
        pf.MeasureFactory(plan=plan, responsible_organisation=world.nav, responsible_person=world.partner_org_member)
        pf.CommentFactory(goal=goal, plan=plan, author=world.owner)
    return plan


def _queries(user, plan) -> int:
    render_plan_pdf(user, plan)  # warm up anything cached once per process
    with CaptureQueriesContext(connection) as captured:
        render_plan_pdf(user, plan)
    return len(captured.captured_queries)


def test_building_the_pdf_uses_the_same_number_of_queries_for_1_and_30_of_everything(world):
    one = _plan_with(world, 1)
    small = _queries(world.trust_person, one)
    one.status = "ended"
    one.ended_on = timezone.localdate()
    one.save()
    thirty = _plan_with(world, 30)
    assert _queries(world.trust_person, thirty) == small
