"""The minutes as a PDF: attendance, the agenda with the notes, the sections, decisions and action items, the user's
answer; A4, «Side N av M», the meeting date and the version on every page; extractable text; escaped free text; an
access event; and a fixed number of queries however many members, points and items there are."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from koordinator import access
from koordinator.models import AccessEvent
from koordinator.timeutil import no_date
from meetings import services
from meetings.models import ActionItem, AgendaItem, Attendance, GroupMember, Minutes
from meetings.pdf import render_minutes_pdf
from tests import factories as f
from tests.conftest import login
from tests.meetings.conftest import days, past_meeting
from tests.meetings.page_helpers import url

pytestmark = pytest.mark.django_db


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(content: bytes) -> str:
    # Line breaks fall where the page width says; compare words, not layout.
    return " ".join(" ".join(pages(content)).split())


@pytest.fixture
def written(world, held_meeting, gp_member, nav_member, user_member) -> Minutes:
    tp = world.trust_person
    point = AgendaItem.objects.create(meeting=held_meeting, kind="proposed", title="Resepter og medisiner",
                                      position=1, proposed_by_member=gp_member)
    services.record_attendance(tp, held_meeting, {user_member: "present", gp_member: "present",
                                                  nav_member: "apologies"})
    minutes = services.start_minutes(tp, held_meeting)
    services.write_minutes(tp, minutes, 1, situation="Bor i egen leilighet, æøå.", user_words="Jeg vil <b>jobbe</b>.",
                           decisions="Søke bostøtte & ta kontakt med NAV.",
                           point_notes={point.pk: "Legen fornyer reseptene."})
    services.add_action_item(tp, held_meeting, what="Søke bostøtte", responsible=nav_member, due_on=days(14))
    minutes.refresh_from_db()
    services.mark_minutes_ready(tp, minutes)
    services.disagree_with_minutes(world.owner, minutes, "Jeg sa deltid, ikke heltid.")
    minutes.refresh_from_db()
    return minutes


def test_the_pdf_has_attendance_agenda_sections_decisions_items_and_the_answer(world, written):
    filename, mimetype, content = render_minutes_pdf(world.trust_person, written)
    meeting = written.meeting
    assert mimetype == "application/pdf"
    assert filename == f"referat-{meeting.local_date:%Y-%m-%d}-v{written.version}.pdf"
    text = flat(content)
    order = ["Referat fra møte i ansvarsgruppen", "Til stede og forfall", "Situasjonen nå", "Brukerens ord",
             "Dagsorden", "Dette ble vi enige om", "Oppgaver: hvem gjør hva", "Brukerens svar på referatet"]
    positions = [text.find(title) for title in order]
    assert -1 not in positions and positions == sorted(positions)
    for expected in ("Kari Nordmann", "Til stede", "Meldt forfall", "NAV Lerkendal", "Legesenteret",
                     "Bor i egen leilighet, æøå.", "Resepter og medisiner", "Legen fornyer reseptene.",
                     "Søke bostøtte & ta kontakt med NAV.", "Frist: " + no_date(days(14)),
                     "Jeg sa deltid, ikke heltid.", world.trust_person.display_name):
        assert expected in text, expected
    # Free text is escaped, not read as markup.
    assert "Jeg vil <b>jobbe</b>." in text


def test_every_page_is_a4_with_page_numbers_the_meeting_date_and_the_version(world, written):
    for _ in range(12):
        AgendaItem.objects.create(meeting=written.meeting, kind="proposed", title="Et langt punkt " * 20, position=9)
    _, _, content = render_minutes_pdf(world.trust_person, written)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    total = len(reader.pages)
    today = no_date(timezone.localdate())
    for n, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (round(A4[0]),
                                                                                             round(A4[1]))
        words = " ".join(page.extract_text().split())
        assert f"Side {n} av {total}" in words
        assert f"møtet {no_date(written.meeting.local_date)}, versjon {written.version}" in words
        assert f"skrevet ut {today}" in words


LONG = " ".join(f"Linje {n}: Kari forteller om uka si, om NAV, om leiligheten og om søsteren." for n in range(1, 41))


def test_a_long_section_starts_on_page_1_and_flows_on_instead_of_leaving_it_half_empty(world, written):
    # Kept together whole, the situation moved to page 2 and left half of page 1 empty.
    services.write_minutes(world.trust_person, written, written.version, reason="Mer utfyllende",
                           situation="Situasjonen er slik. " + LONG)
    first, second, *_ = pages(render_minutes_pdf(world.trust_person, written)[2])
    first, second = " ".join(first.split()), " ".join(second.split())
    assert "Situasjonen nå" in first and "Situasjonen er slik. Linje 1:" in first
    assert "Linje 40" in second  # and the rest of it on the next page


def test_the_first_agenda_point_starts_on_page_1_however_long_its_note(world, written):
    point = AgendaItem.objects.get(meeting=written.meeting, title="Resepter og medisiner")
    services.write_minutes(world.trust_person, written, written.version, reason="Mer fra legen",
                           point_notes={point.pk: "Legen sier: " + LONG + " " + LONG})
    first = " ".join(pages(render_minutes_pdf(world.trust_person, written)[2])[0].split())
    assert "Dagsorden" in first and "1. Resepter og medisiner" in first and "Legen sier: Linje 1:" in first


def test_opening_the_pdf_is_an_access_event_for_others_but_not_the_owner(client, world, written):
    response = login(client, world.partner_valid).get(url("minutes_pdf", written.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    events = list(AccessEvent.objects.filter(service_user=world.owner_su, channel=AccessEvent.Channel.PDF))
    assert [(e.actor_id, e.what) for e in events] == [(world.partner_valid.pk, "Referat fra ansvarsgruppemøte (PDF)")]
    client.logout()
    assert login(client, world.owner).get(url("minutes_pdf", written.pk)).status_code == 200
    assert AccessEvent.objects.filter(service_user=world.owner_su, channel=AccessEvent.Channel.PDF).count() == 1


def test_the_pdf_is_404_outside_the_gate(client, world, written):
    for user in (world.other_trust_person, world.partner_none, world.partner_expired):
        client.logout()
        assert login(client, user).get(url("minutes_pdf", written.pk)).status_code == 404
    assert not AccessEvent.objects.filter(channel=AccessEvent.Channel.PDF).exists()


def test_the_meeting_page_links_to_the_pdf(client, world, written):
    page = login(client, world.owner).get(url("meeting_detail", written.meeting_id)).content.decode()
    assert url("minutes_pdf", written.pk) in page


# --- a fixed number of queries ----------------------------------------------------------------------------------------


def grow(world, group, gp, n: int) -> Minutes:
    """A held meeting with ``n`` extra members (attendance each), ``n`` proposals with notes, ``n`` items."""
    tp = world.trust_person
    meeting = past_meeting(tp, group, 3)
    members = []
    for i in range(n):
        person = f.UserFactory(username=f"pdf_{n}_{i}")
        f.MembershipFactory(user=person, organisation=gp, role="partner")
        f.ConsentFactory(owner=world.owner_su, grantee_user=person, recorded_by=tp)
        member = GroupMember.objects.create(group=group, kind="person", person=person, organisation=gp, role="lege")
        members.append(member)
        AgendaItem.objects.create(meeting=meeting, kind="proposed", title=f"Punkt {i}", position=i,
                                  proposed_by_member=member)
        Attendance.objects.create(meeting=meeting, member=member, status="present")
        ActionItem.objects.create(group=group, meeting=meeting, what=f"Oppgave {i}", responsible=member,
                                  due_on=days(10))
    minutes = services.start_minutes(tp, meeting)
    services.write_minutes(tp, minutes, 1, situation="Stabil.", point_notes={
        item.pk: f"Notat {item.pk}" for item in AgendaItem.objects.filter(meeting=meeting)})
    return Minutes.objects.get(pk=minutes.pk)


def count(user, minutes) -> int:
    access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        render_minutes_pdf(user, minutes)
    return len(ctx.captured_queries)


def test_the_pdf_runs_a_fixed_number_of_queries(world, group, gp, gp_member):
    one = grow(world, group, gp, 1)
    counts_one = [count(u, one) for u in (world.trust_person, world.partner_valid, world.owner)]
    services.change_group_status(world.trust_person, group, "closed", "Ny gruppe")
    group30 = services.create_group(world.trust_person, world.case)
    services.add_member(world.trust_person, group30, person=world.partner_valid, organisation=gp)
    thirty = grow(world, group30, gp, 30)
    counts_thirty = [count(u, thirty) for u in (world.trust_person, world.partner_valid, world.owner)]
    assert len(pages(render_minutes_pdf(world.trust_person, thirty)[2])) > 1  # the document really is bigger …
    assert counts_thirty == counts_one  # … and costs the same number of queries
