"""«Last ned alt om meg» holds the user's messages and «Ring meg» requests (issues 15 and 16): the thread of each case
(who wrote, when, the text; a message taken back as «trukket tilbake», without its text) and each request (when she
asked, who called, how it went), in the PDF and in annet.json, read in chunks, as the owner sees them and nothing of
anyone else's."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import archive, archive_content, archive_pdf
from koordinator.followup_log import services as log_services
from koordinator.timeutil import at
from reach import callbacks, messages, sms_inbound
from reach.models import CallbackRequest
from tests import factories as f
from tests.exchange.archive_helpers import make_history, other_json, pdf_text

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
LAST_MONDAY = datetime.date(2026, 11, 16)
NOW = at(MONDAY, 10)
ASKED = "Kan vi møtes på torsdag?"
ANSWER = "Ja, klokka tolv på kontoret."
DEPUTY_ANSWER = "Tillitspersonen din er syk i dag, jeg svarer for henne."
TAKEN_BACK = "Glem det jeg skrev om Per."
BY_SMS = "Ok, vi ses"
NOTE = "Helst etter lunsj"
OLAS = "Ola sin melding til tillitspersonen"  # someone else's: never in Kari's archive


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _at(day: datetime.date, hour: int, minute: int = 0):
    return time_machine.travel(at(day, hour, minute), tick=False)


@pytest.fixture
def thread(world):
    """Kari writes, her trust person answers, the deputy answers too, she takes a message back before it is read and
    answers an SMS; she asked to be called last Monday (no answer at first, then called) and again this morning
    (waiting). Ola writes to his own trust person and asks to be called."""
    tp, owner, su = world.trust_person, world.owner, world.owner_su
    world.other_su.phone = "+4790000009"
    world.other_su.save()
    with _at(MONDAY, 8):
        messages.send_as_user(owner, world.case, ASKED)
    with _at(MONDAY, 8, 15):
        messages.send_as_staff(tp, world.case, ANSWER)
    with _at(MONDAY, 8, 20):
        messages.send_as_staff(world.deputy, world.case, DEPUTY_ANSWER)
    with _at(MONDAY, 8, 30):
        taken_back = messages.send_as_user(owner, world.case, TAKEN_BACK)
        messages.withdraw(owner, taken_back)
    with _at(MONDAY, 8, 45):
        sms_inbound.receive(sms_inbound.Incoming("gw-kari", su.phone, "", BY_SMS, None))
    with _at(MONDAY, 9):
        messages.send_as_user(world.other_owner, world.other_case, OLAS)
    with _at(LAST_MONDAY, 9):
        first, _new = callbacks.request_callback(su, by=owner, when=CallbackRequest.When.TODAY, note=NOTE)
    with _at(LAST_MONDAY, 10):
        callbacks.mark_callback(tp, first, CallbackRequest.Outcome.NO_ANSWER)
    with _at(LAST_MONDAY, 11):
        callbacks.mark_callback(tp, first, CallbackRequest.Outcome.CALLED)
    with _at(MONDAY, 9, 30):
        second, _new = callbacks.request_callback(su, by=owner)
        callbacks.request_callback(world.other_su, by=world.other_owner, note="Ola vil bli ringt")
    return first, second


def test_the_pdf_has_the_thread_and_the_requests_in_their_own_sections(world, thread):
    tp = world.trust_person
    text = pdf_text(archive.build_zip(world.owner_su))
    assert archive_pdf.section_titles()[3:5] == ["Meldinger", "Ring meg"]
    messages_part = text[text.index("Meldinger i oppfølgingen fra"):text.index("Hver gang du har bedt oss ringe")]
    assert f"23.11.2026 kl. 08.00 – Du {ASKED}" in messages_part
    assert f"23.11.2026 kl. 08.15 – {tp.display_name} (tillitsperson) {ANSWER}" in messages_part
    assert f"23.11.2026 kl. 08.20 – {world.deputy.display_name} (stedfortreder) {DEPUTY_ANSWER}" in messages_part
    assert "23.11.2026 kl. 08.30 – Du «trukket tilbake»" in messages_part
    assert f"23.11.2026 kl. 08.45 – Du (på SMS) {BY_SMS}" in messages_part
    positions = [messages_part.index(words) for words in (ASKED, ANSWER, DEPUTY_ANSWER, "trukket tilbake", BY_SMS)]
    assert positions == sorted(positions), "oldest first"
    assert f"16.11.2026 kl. 09.00: Du ba oss ringe deg (i dag). Du skrev: {NOTE} {tp.display_name} ringte deg " \
           "16.11.2026 kl. 11.00." in text
    assert "23.11.2026 kl. 09.30: Du ba oss ringe deg (så snart som mulig). Venter på å bli ringt." in text
    # What she took back, and everything of Ola's, is nowhere.
    assert TAKEN_BACK not in text and OLAS not in text and "Ola vil bli ringt" not in text


def test_annet_json_has_the_thread_and_the_requests(world, thread):
    first, second = thread
    data = other_json(archive.build_zip(world.owner_su))
    rows = data["case_messages"]
    assert [(m["writer"], m["writer_role"], m["text"]) for m in rows] == [
        ("Du", None, ASKED),
        (world.trust_person.display_name, "tillitsperson", ANSWER),
        (world.deputy.display_name, "stedfortreder", DEPUTY_ANSWER),
        ("Du", None, None),
        ("Du", "på SMS", BY_SMS),
    ]
    assert {m["case"] for m in rows} == {world.case.pk}
    assert rows[0]["sent_at"] == "2026-11-23T08:00:00+01:00" and rows[0]["from_me"] is True
    assert rows[3]["withdrawn"] is True and rows[3]["withdrawn_at"] == "2026-11-23T08:30:00+01:00"
    assert rows[4]["via_display"] == "Svar på SMS"
    assert data["callbacks"] == [
        {"id": first.pk, "case": world.case.pk, "requested_at": "2026-11-16T09:00:00+01:00", "when": "today",
         "when_display": "I dag", "note": NOTE, "via": "my_page", "via_display": "Min side", "state": "done",
         "state_display": "Ferdig", "outcome": "called", "outcome_display": "Ringt", "attempts": 2,
         "called_by": world.trust_person.display_name, "called_at": "2026-11-16T11:00:00+01:00",
         "done_at": "2026-11-16T11:00:00+01:00"},
        {"id": second.pk, "case": world.case.pk, "requested_at": "2026-11-23T09:30:00+01:00", "when": "soon",
         "when_display": "Så snart som mulig", "note": "", "via": "my_page", "via_display": "Min side",
         "state": "open", "state_display": "Venter på å bli ringt", "outcome": None, "outcome_display": None,
         "attempts": 0, "called_by": None, "called_at": None, "done_at": None},
    ]
    raw = str(data)
    assert TAKEN_BACK not in raw and OLAS not in raw and "Ola vil bli ringt" not in raw


def test_a_consent_from_someone_else_brings_none_of_their_messages(world, thread):
    """Ola has let Kari's account see all of his (make_history): his thread is still not in her archive."""
    make_history(world)
    content = archive.build_zip(world.owner_su)
    assert OLAS not in pdf_text(content)
    assert all(m["case"] == world.case.pk for m in other_json(content)["case_messages"])
    assert all(c["case"] == world.case.pk for c in other_json(content)["callbacks"])


def test_without_messages_or_requests_the_sections_say_so(world):
    text = pdf_text(archive.build_zip(world.owner_su))
    assert "Du har ingen meldinger." in text and "Du har ikke bedt oss ringe deg." in text
    data = other_json(archive.build_zip(world.owner_su))
    assert data["case_messages"] == [] and data["callbacks"] == []


def test_a_person_without_a_log_in_gets_her_sms_replies(world):
    su = f.ServiceUserFactory(municipality=world.municipality, first_name="Per", last_name="Uten", user=None,
                              phone="+4790000077")
    case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
    log_services.create_entry(world.trust_person, case, kind="phone", started_at=at(MONDAY, 8), note="Ringte.")
    with _at(MONDAY, 9):
        sms_inbound.receive(sms_inbound.Incoming("gw-per", su.phone, "", "Takk for praten", None))
    text = pdf_text(archive.build_zip(su))
    assert "23.11.2026 kl. 09.00 – Du (på SMS) Takk for praten" in text
    assert other_json(archive.build_zip(su))["case_messages"][0]["text"] == "Takk for praten"


def test_the_thread_is_read_in_chunks_in_order(world, thread, monkeypatch):
    monkeypatch.setattr(archive_content, "CHUNK", 2)
    reader = archive_content.owner_reader(world.owner_su)
    shown = list(archive_content.thread(reader, world.case))
    assert [s.message.body if not s.withdrawn else None for s in shown] == \
        [ASKED, ANSWER, DEPUTY_ANSWER, None, BY_SMS]
    assert [s.writer for s in shown][:2] == ["Du", world.trust_person.display_name]
    assert len(other_json(archive.build_zip(world.owner_su))["case_messages"]) == 5


def _queries(world) -> int:
    reader = archive_content.owner_reader(world.owner_su)
    with CaptureQueriesContext(connection) as captured:
        list(archive_content.thread_rows(reader, world.owner_su))
        [archive_content.callback_json(c) for c in archive_content.chunked(
            archive_content.callbacks(reader, world.owner_su))]
    return len(captured)


def test_the_reads_cost_the_same_for_a_long_thread(world, thread):
    few = _queries(world)
    for n in range(30):
        with _at(MONDAY, 9, n):
            messages.send_as_user(world.owner, world.case, f"Melding {n}")
    with _at(MONDAY, 10):
        second = CallbackRequest.objects.get(case=world.case, state="open")
        callbacks.mark_callback(world.trust_person, second, CallbackRequest.Outcome.SMS_SENT)
        for _n in range(10):
            callbacks.request_callback(world.owner_su, by=world.owner)
            open_one = CallbackRequest.objects.get(case=world.case, state="open")
            callbacks.mark_callback(world.trust_person, open_one, CallbackRequest.Outcome.CALLED)
    assert _queries(world) == few
