"""The leader's inbox of SMS that could not be put in a user's thread (``/leder/sms/``): only the municipality's
leader sees it, marks one handled with a short note, and the page runs the same queries for 1 SMS as for 25."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koordinator.models import Notification
from koordinator.timeutil import at
from reach import sms_inbound
from reach.models import InboundSms
from tests.conftest import login
from tests.reach.sms_helpers import incoming, reply, webhook_secret  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
TEXT = "Hei, dette er Per. Kan noen ringe meg?"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 14, 6), tick=False) as traveller:
        yield traveller


def waiting(world, n: int = 1, *, municipality=None, start: int = 0) -> list[InboundSms]:
    return [
        InboundSms.objects.create(provider_message_id=f"gw-{start + i}", from_number=f"+479900{start + i:04d}",
                                  to_number="", text=f"{TEXT} ({start + i})", received_at=at(MONDAY, 9, 0),
                                  state=InboundSms.State.UNKNOWN, municipality=municipality or world.municipality)
        for i in range(n)
    ]


def test_the_leader_sees_the_number_the_text_and_when(client, world):
    sms = waiting(world)[0]
    bergen = waiting(world, municipality=world.other_municipality, start=100)[0]
    matched = InboundSms.objects.create(provider_message_id="gw-m", from_number="+4791111111", text="Til tråden",
                                        received_at=at(MONDAY, 9, 0), state=InboundSms.State.MATCHED,
                                        municipality=world.municipality)
    response = login(client, world.leader).get(reverse("reach_sms_inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert sms.text in page and "99 00 00 00" in page and "23.11.2026 kl. 09.00" in page and "Ukjent nummer" in page
    assert bergen.text not in page and matched.text not in page
    other = login(client, world.other_leader).get(reverse("reach_sms_inbox")).content.decode()
    assert bergen.text in other and sms.text not in other


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "partner_valid", "owner", "admin"])
def test_anyone_but_a_leader_gets_404(client, world, persona):
    sms = waiting(world)[0]
    login(client, getattr(world, persona))
    assert client.get(reverse("reach_sms_inbox")).status_code == 404
    assert client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "Ringte"}).status_code == 404
    sms.refresh_from_db()
    assert sms.state == InboundSms.State.UNKNOWN


def test_the_leader_marks_one_handled_with_a_note(client, world):
    sms = waiting(world)[0]
    login(client, world.leader)
    response = client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "  Ringte tilbake, var Per  "})
    assert response.status_code == 302 and response["Location"] == reverse("reach_sms_inbox")
    sms.refresh_from_db()
    assert sms.state == InboundSms.State.HANDLED and sms.handled_by == world.leader
    assert sms.handled_note == "Ringte tilbake, var Per" and sms.handled_at == at(MONDAY, 14, 6)
    assert sms.history.latest().history_user == world.leader
    assert TEXT not in client.get(reverse("reach_sms_inbox")).content.decode()
    handled = client.get(reverse("reach_sms_inbox"), {"behandlet": "1"}).content.decode()
    assert TEXT in handled and "Ringte tilbake, var Per" in handled


def test_a_nul_in_the_note_is_taken_out(client, world):
    """A form posted by hand may hold a NUL, which PostgreSQL cannot store (a 500): taken out."""
    sms = waiting(world)[0]
    login(client, world.leader)
    response = client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "Ringte\x00 tilbake"})
    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.state == InboundSms.State.HANDLED and sms.handled_note == "Ringte tilbake"


def test_without_a_note_it_says_so_and_nothing_changes(client, world):
    sms = waiting(world)[0]
    login(client, world.leader)
    response = client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv kort hva du gjorde" in page and 'aria-invalid="true"' in page
    sms.refresh_from_db()
    assert sms.state == InboundSms.State.UNKNOWN and sms.history.count() == 1


def test_a_note_too_long_and_one_already_handled_are_refused(client, world):
    sms = waiting(world)[0]
    login(client, world.leader)
    too_long = client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "x" * 301})
    assert too_long.status_code == 200 and "300" in too_long.content.decode()
    client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "Ringte"})
    again = client.post(reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "Ringte igjen"}, follow=True)
    assert "allerede behandlet" in again.content.decode()
    sms.refresh_from_db()
    assert sms.handled_note == "Ringte"


def test_another_municipalitys_leader_and_a_matched_sms_are_404(client, world):
    sms = waiting(world)[0]
    matched = InboundSms.objects.create(provider_message_id="gw-m", from_number="+4791111111", text="Til tråden",
                                        received_at=at(MONDAY, 9, 0), state=InboundSms.State.MATCHED,
                                        municipality=world.municipality)
    assert login(client, world.other_leader).post(
        reverse("reach_sms_inbox_handle", args=[sms.pk]), {"notat": "Ringte"}).status_code == 404
    assert login(client, world.leader).post(
        reverse("reach_sms_inbox_handle", args=[matched.pk]), {"notat": "Ringte"}).status_code == 404
    assert login(client, world.leader).post(
        reverse("reach_sms_inbox_handle", args=[999999]), {"notat": "Ringte"}).status_code == 404
    sms.refresh_from_db()
    matched.refresh_from_db()
    assert sms.state == InboundSms.State.UNKNOWN and matched.state == InboundSms.State.MATCHED


def test_the_leaders_overview_links_to_it(client, world):
    page = login(client, world.leader).get(reverse("leader_overview")).content.decode()
    assert reverse("reach_sms_inbox") in page


def test_the_leader_is_told_once_a_day_with_a_link_and_nothing_of_the_sms(world, webhook_secret, clock):  # noqa: F811
    world.unit.phone = "+4773500000"
    world.unit.save()
    for i in range(3):
        incoming(reply("+4799999999", f"Hemmelig {i}", f"gw-{i}", to="+4773500000"))
    notes = Notification.objects.filter(recipient_user=world.leader)
    assert notes.count() == 1
    note = notes.get()
    assert "Hemmelig" not in note.body and "99999999" not in note.body and "/leder/sms/" in note.body
    clock.shift(datetime.timedelta(days=1))
    incoming(reply("+4799999999", "Hemmelig 4", "gw-4", to="+4773500000"))
    assert notes.count() == 2


def _count(client, **params) -> tuple[int, str]:
    client.get(reverse("reach_sms_inbox"), params)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reach_sms_inbox"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_page_runs_the_same_queries_for_1_sms_as_for_25(client, world):
    waiting(world, 1)
    login(client, world.leader)
    one, _page = _count(client)
    waiting(world, 24, start=1)
    waiting(world, 30, municipality=world.other_municipality, start=100)
    many, page = _count(client)
    assert one == many
    assert page.count("Merk som behandlet") == 25
    for sms in InboundSms.objects.filter(municipality=world.municipality)[:10]:
        sms_inbound.mark_handled(world.leader, sms.pk, "Ringte")
    handled_many, _page = _count(client, behandlet="1")
    assert handled_many == many


def test_the_inbox_reads_on_its_index(world):
    """Bounded by the leader's municipalities, and (on PostgreSQL) on the partial index ``inbound_sms_inbox``."""
    sql = str(sms_inbound.inbox(world.leader).query)
    assert "municipality_id" in sql
    if connection.vendor == "postgresql":
        waiting(world, 3)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            assert "inbound_sms_inbox" in sms_inbound.inbox(world.leader)[:30].explain()
