"""The crisis plan's two PDFs: the full plan on A4 (page numbers, version and date) and the pocket card (one A4
folded to A6) with the warning signs and the whole call list; extractable text, access events, the owner can
always print, and a fixed number of queries however many contacts and sign-offs."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from koordinator.models import AccessEvent
from koordinator.phone import display_phone
from koordinator.timeutil import no_date
from plans.crisis import services
from plans.crisis.pdf import FULL, POCKET, render_crisis_pdf
from tests.conftest import login
from tests.plans.conftest import grow_crisis_plan

pytestmark = pytest.mark.django_db


def flat(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_full_pdf_has_the_call_list_first_then_every_part_on_a4_with_version_and_date(world, crisis_plan):
    services.sign_off(world.trust_person, crisis_plan)
    filename, mimetype, content = render_crisis_pdf(world.trust_person, crisis_plan, FULL)
    assert mimetype == "application/pdf" and filename == f"kriseplan-{crisis_plan.pk}-v{crisis_plan.version}.pdf"
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = flat(content)
    today = no_date(timezone.localdate())
    assert f"Kriseplan, versjon {crisis_plan.version} · skrevet ut {today}" in text
    assert f"Side 1 av {len(reader.pages)}" in text
    order = [text.find(s) for s in ("Ring i denne rekkefølgen", "Eva Nordmann", "116 117", "Nødnummer for helse (AMK)",
                                    "Varseltegn", "Jeg sover dårlig", "Barn, dyr og nøkler",
                                    "Hvem har bekreftet planen")]
    assert -1 not in order and order == sorted(order)
    assert display_phone("+4790000001") in text and "Kveld, helg" in text
    assert f"{world.trust_person.display_name} (Tillitsperson" in text


def test_the_pocket_card_is_one_a4_with_the_warning_signs_and_the_call_list_with_the_fixed_numbers(world,
                                                                                                    crisis_plan):
    filename, _, content = render_crisis_pdf(world.owner, crisis_plan, POCKET)
    assert filename == f"lommekort-{crisis_plan.pk}-v{crisis_plan.version}.pdf"
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = flat(content)
    for expected in ("Varseltegn", "Jeg sover dårlig og slutter å svare på telefonen.", "Ring i denne rekkefølgen",
                     "Eva Nordmann", display_phone("+4790000001"), "DPS akutteam", display_phone("+4773000111"), "Legevakten", "116 117",
                     "Nødnummer for helse (AMK)", "113", "Kontakten min nå", "Kari Nordmann"):
        assert expected in text, expected


def test_the_call_list_on_the_card_is_current_the_deputy_while_the_trust_person_is_away(world, crisis_plan):
    import datetime

    from koordinator import continuity
    from koordinator.models import Absence

    world.deputy.phone = "+4791000222"
    world.deputy.save()
    continuity.register_absence(world.leader, world.trust_person, kind=Absence.Kind.SICK_LEAVE,
                                starts_on=timezone.localdate(),
                                ends_on=timezone.localdate() + datetime.timedelta(days=1))
    text = flat(render_crisis_pdf(world.owner, crisis_plan, POCKET)[2])
    assert world.deputy.display_name in text and display_phone("+4791000222") in text


def deepest_parenthesis(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def sizes_of(content: bytes) -> dict[str, float]:
    """Each line of text on the card and the size of its type (points)."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = size * abs(tm[0] or tm[1] or 1)

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return sizes


def test_the_pocket_card_has_no_parenthesis_inside_another(world, crisis_plan):
    # «Ellen Strand (Kontaktpersonen min (tillitsperson), …)» was hard to read; a role follows a dash.
    text = flat(render_crisis_pdf(world.owner, crisis_plan, POCKET)[2])
    assert deepest_parenthesis(text) <= 1, text
    assert "Eva Nordmann – søster" in text


def test_the_pocket_card_sets_each_panel_as_large_as_its_text_fits(world, crisis_plan):
    """Short text is set large instead of leaving the panels mostly empty (it was 10 pt everywhere); long text
    shrinks so all of it stays on its panel."""
    sizes = sizes_of(render_crisis_pdf(world.owner, crisis_plan, POCKET)[2])
    assert sizes["Rolig, uten mange folk."] >= 14  # the back cover
    assert sizes["Jeg ringer Eva."] >= 14  # the warning signs, inside left
    assert min(size for line, size in sizes.items() if "Eva Nordmann" in line) >= 12  # the call list
    long = " ".join(f"Varseltegn nummer {n}: jeg trekker meg unna og svarer ikke." for n in range(1, 31))
    services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version, warning_signs=long)
    content = render_crisis_pdf(world.owner, crisis_plan, POCKET)[2]
    assert "Varseltegn nummer 30" in flat(content)  # all of it, on its panel
    assert max(size for line, size in sizes_of(content).items() if "Varseltegn nummer" in line) < 11


def test_free_text_is_escaped(world, crisis_plan):
    services.update_crisis_plan(world.trust_person, crisis_plan, crisis_plan.version,
                                warning_signs="<b>ikke fet</b> & «sånn»")
    text = flat(render_crisis_pdf(world.trust_person, crisis_plan, FULL)[2])
    assert "<b>ikke fet</b> & «sånn»" in text


def test_opening_a_pdf_is_an_access_event_for_others_but_not_for_the_owner(client, world, crisis_plan):
    login(client, world.owner)
    for name in ("crisis_plan_pdf", "crisis_pocket_pdf"):
        response = client.get(reverse(name, args=[crisis_plan.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
    assert not AccessEvent.objects.exists()
    login(client, world.partner_valid)
    assert client.get(reverse("crisis_pocket_pdf", args=[crisis_plan.pk])).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.actor, event.channel, event.what) == (
        world.partner_valid, AccessEvent.Channel.PDF, "Kriseplan (lommekort, PDF)")
    login(client, world.partner_wrong_scope)
    assert client.get(reverse("crisis_plan_pdf", args=[crisis_plan.pk])).status_code == 404


@pytest.mark.parametrize("kind", [FULL, POCKET])
def test_the_pdfs_take_the_same_number_of_queries_for_1_or_30_contacts_and_sign_offs(world, crisis_plan, kind):
    def count(n: int) -> int:
        grow_crisis_plan(world, crisis_plan, n)
        with CaptureQueriesContext(connection) as ctx:
            render_crisis_pdf(world.trust_person, crisis_plan.pk, kind)
        return len(ctx)

    assert count(1) == count(30)
