"""The inbound SMS webhook (issue 16, point 4): a signed reply from the user's number lands in their case's thread;
a wrong signature, a replay, a shared or unknown number, a user without an open case, and bad input.

Kari (the world's owner) gets her own number; Kari and Ola otherwise share the factories' +47 912 34 567.
"""

from __future__ import annotations

import datetime
import time

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from koordinator.models import FollowUp, Notification
from koordinator.timeutil import at
from reach import sms_inbound
from reach.models import InboundSms, Message
from tests.conftest import login
from tests.reach.sms_helpers import SECRET, incoming, reply, webhook_secret  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
KARI = "+4791111111"
SHARED = "+4791234567"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(MONDAY, 14, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def kari(world, webhook_secret):  # noqa: F811 - the fixture
    world.owner_su.phone = KARI
    world.owner_su.save()
    return world.owner_su


def nothing_stored() -> bool:
    return not InboundSms.objects.exists() and not Message.objects.exists()


def test_a_signed_reply_from_karis_number_appears_in_her_thread(world, kari):
    response = incoming(reply(KARI, "Ja, det passer fint i morgen."))
    assert response.status_code == 200
    assert response.json() == {"id": "gw-1", "result": "matched"}
    sms = InboundSms.objects.get()
    message = Message.objects.get()
    assert sms.state == InboundSms.State.MATCHED and sms.message == message
    assert message.case == world.case and message.service_user == kari
    assert message.from_service_user and message.author is None and message.via == Message.Via.SMS
    assert message.body == "Ja, det passer fint i morgen."
    assert message.sent_at == at(MONDAY, 14, 5)
    # The staff are told, as for any message from the user; the leader's inbox is not.
    assert Notification.objects.filter(recipient_user=world.trust_person).exists()
    assert not Notification.objects.filter(recipient_user=world.leader).exists()
    assert sms.history.count() >= 1 and message.history.count() == 1


def test_the_number_is_matched_whatever_way_the_gateway_writes_it(world, kari):
    assert incoming(reply("911 11 111", "Hei", "gw-a")).json()["result"] == "matched"
    assert incoming(reply("004791111111", "Hei igjen", "gw-b")).json()["result"] == "matched"
    assert InboundSms.objects.filter(from_number=KARI).count() == 2
    assert Message.objects.filter(case=world.case).count() == 2


def test_it_goes_to_her_newest_open_case(world, kari):
    newer = FollowUp.objects.create(service_user=kari, municipality=world.municipality, unit=world.unit,
                                    trust_person=world.other_trust_person, status=FollowUp.Status.ACTIVE,
                                    referral_source=FollowUp.ReferralSource.SELF,
                                    started_on=world.case.started_on + datetime.timedelta(days=1))
    incoming(reply(KARI, "Hei"))
    assert Message.objects.get().case == newer


@pytest.mark.parametrize("headers", [
    {},
    {sms_inbound.TIMESTAMP_HEADER: "1"},
    {sms_inbound.SIGNATURE_HEADER: "sha256=00"},
    {sms_inbound.TIMESTAMP_HEADER: "i dag", sms_inbound.SIGNATURE_HEADER: "sha256=00"},
    {sms_inbound.TIMESTAMP_HEADER: "1", sms_inbound.SIGNATURE_HEADER: "md5=00"},
])
def test_without_a_signature_it_is_401_and_nothing_is_stored(kari, headers):
    response = incoming(reply(KARI, "Hei"), headers=headers)
    assert response.status_code == 401 and "signatur" in response.json()["detail"]
    assert nothing_stored()


def test_a_wrong_signature_changes_nothing(kari):
    response = incoming(reply(KARI, "Hei"), secret="en-annen-hemmelighet")
    assert response.status_code == 403
    assert response.json() == {"detail": "Signaturen stemmer ikke."}
    # A body changed after signing: the signature no longer fits.
    body = sms_inbound.sign(b'{"id": "gw-1"}', secret=SECRET)
    tampered = incoming(reply(KARI, "Hei"), headers=body)
    assert tampered.status_code == 403
    assert nothing_stored() and not Notification.objects.exists()


def test_a_signature_older_than_five_minutes_is_refused(kari):
    old = incoming(reply(KARI, "Hei"), timestamp=int(time.time()) - 301)
    future = incoming(reply(KARI, "Hei"), timestamp=int(time.time()) + 301)
    assert old.status_code == future.status_code == 403
    assert "fem minutter" in old.json()["detail"]
    assert incoming(reply(KARI, "Hei"), timestamp=int(time.time()) - 299).status_code == 200


def test_without_a_secret_configured_everything_is_refused(kari, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    response = incoming(reply(KARI, "Hei"), secret="")
    assert response.status_code == 503 and "SMS_WEBHOOK_SECRET" in response.json()["detail"]
    assert nothing_stored()


def test_a_replayed_id_stores_nothing_twice_and_answers_the_same(world, kari):
    first = incoming(reply(KARI, "Ja, det passer."))
    notices = Notification.objects.count()
    again = incoming(reply(KARI, "Ja, det passer."))
    changed = incoming(reply(KARI, "Noe annet", received_at="2026-11-23T14:06:00+01:00"))
    assert first.status_code == again.status_code == changed.status_code == 200
    assert first.json() == again.json() == changed.json()
    assert InboundSms.objects.count() == 1 and Message.objects.count() == 1
    assert Notification.objects.count() == notices


def test_the_same_id_at_the_same_moment_is_stored_once(world, kari, monkeypatch):
    """Two copies at once: both find nothing, both insert; the unique index lets one through, and the other's
    message and notices are rolled back with it."""
    incoming(reply(KARI, "Ja"))
    assert Message.objects.count() == 1
    real_filter = InboundSms.objects.filter
    calls = []

    def not_seen_yet(*args, **kwargs):  # the first look happens before the other copy is stored
        calls.append(kwargs)
        return InboundSms.objects.none() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(InboundSms.objects, "filter", not_seen_yet)
    notices = Notification.objects.count()
    sms, created = sms_inbound.receive(sms_inbound.parse_incoming(
        b'{"id": "gw-1", "from": "+4791111111", "text": "Ja"}'))
    assert not created and sms.provider_message_id == "gw-1"
    assert Message.objects.count() == 1 and Notification.objects.count() == notices
    with pytest.raises(IntegrityError):  # the index is what decides
        InboundSms.objects.create(provider_message_id="gw-1", from_number=KARI, text="x", received_at=sms.received_at,
                                  state=InboundSms.State.UNKNOWN)


def test_a_shared_number_goes_to_the_leaders_inbox_not_to_either_user(world, webhook_secret):  # noqa: F811
    assert world.owner_su.phone == world.other_su.phone == SHARED
    response = incoming(reply(SHARED, "Hvem er dette?"))
    assert response.status_code == 200 and response.json()["result"] == "inbox"
    sms = InboundSms.objects.get()
    assert sms.state == InboundSms.State.AMBIGUOUS and sms.message is None
    assert sms.municipality == world.municipality  # both are in Trondheim
    assert not Message.objects.exists()
    assert list(sms_inbound.inbox(world.leader)) == [sms]
    assert not list(sms_inbound.inbox(world.other_leader))
    # The leader is told there is something (no number, no text); the users' staff are not.
    note = Notification.objects.get(recipient_user=world.leader)
    assert note.channel == Notification.Channel.IN_APP and "Hvem er dette" not in note.body and SHARED not in note.body
    assert not Notification.objects.filter(recipient_user__in=[world.trust_person, world.other_trust_person]).exists()


def test_a_number_shared_across_municipalities_goes_where_it_was_sent_or_to_no_one(world, webhook_secret):  # noqa: F811
    world.other_su.municipality = world.other_municipality
    world.other_su.save()
    incoming(reply(SHARED, "Hei", "gw-1", to="+4700000000"))
    nowhere = InboundSms.objects.get(provider_message_id="gw-1")
    assert nowhere.state == InboundSms.State.AMBIGUOUS and nowhere.municipality is None
    assert not list(sms_inbound.inbox(world.leader)) and not list(sms_inbound.inbox(world.other_leader))
    world.other_unit.phone = "+4755000000"
    world.other_unit.save()
    incoming(reply(SHARED, "Hei", "gw-2", to="55 00 00 00"))
    assert InboundSms.objects.get(provider_message_id="gw-2").municipality == world.other_municipality
    assert not Message.objects.exists()


def test_an_unknown_number_goes_to_the_inbox_of_the_municipality_it_was_sent_to(world, webhook_secret):  # noqa: F811
    world.unit.phone = "+4773500000"
    world.unit.save()
    response = incoming(reply("+4799999999", "Hei, dette er Per", to="+4773500000"))
    assert response.json()["result"] == "inbox"
    sms = InboundSms.objects.get()
    assert sms.state == InboundSms.State.UNKNOWN and sms.municipality == world.municipality
    assert list(sms_inbound.inbox(world.leader)) == [sms] and not Message.objects.exists()


def test_an_unknown_number_in_a_single_municipality_goes_to_its_leader(world, webhook_secret):  # noqa: F811
    world.other_unit.delete()  # now only Trondheim has a follow-up service
    incoming(reply("+4799999999", "Hei", to=""))
    assert InboundSms.objects.get().municipality == world.municipality


def test_an_unknown_number_with_nowhere_to_go_is_held_for_the_administrator(client, world, webhook_secret):  # noqa: F811
    """No leader sees it, so the answer is not «inbox» but «held»; the administrator finds it in the admin site."""
    response = incoming(reply("+4799999999", "Hei fra ingen", to="+4700000000"))
    assert response.status_code == 200 and response.json() == {"id": "gw-1", "result": "held"}
    sms = InboundSms.objects.get()
    assert sms.municipality is None and sms.text == "Hei fra ingen"
    assert not list(sms_inbound.inbox(world.leader)) and not list(sms_inbound.inbox(world.other_leader))
    assert incoming(reply("+4799999999", "Hei fra ingen", to="+4700000000")).json()["result"] == "held"  # a replay
    # Without a «to» at all (two municipalities here, so none can be told): held too.
    assert incoming(reply("+4799999998", "Uten mottaker", "gw-2", to=None)).json()["result"] == "held"
    assert list(sms_inbound.held()) == [InboundSms.objects.get(provider_message_id="gw-2"), sms]


def test_the_administrator_sees_held_sms_read_only_and_nothing_else(client, world, kari):
    incoming(reply("+4799999999", "Hei fra ingen", to="+4700000000"))  # held
    incoming(reply(KARI, "Til tråden min", "gw-2"))  # matched: in Kari's thread
    world.unit.phone = "+4773500000"
    world.unit.save()
    incoming(reply("+4799999998", "Til lederen", "gw-3", to="+4773500000"))  # the leader's inbox
    held = InboundSms.objects.get(provider_message_id="gw-1")
    login(client, world.admin)
    page = client.get(reverse("admin:reach_inboundsms_changelist")).content.decode()
    assert "Innkommende SMS uten kommune" in page and "Hei fra ingen" in page
    assert "Til tråden min" not in page and "Til lederen" not in page
    detail = client.get(reverse("admin:reach_inboundsms_change", args=[held.pk]))
    assert detail.status_code == 200 and "Hei fra ingen" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()  # read-only
    matched = InboundSms.objects.get(provider_message_id="gw-2")
    assert client.get(reverse("admin:reach_inboundsms_change", args=[matched.pk])).status_code in (302, 404)
    assert client.post(reverse("admin:reach_inboundsms_change", args=[held.pk]),
                       {"text": "endret"}).status_code == 403
    assert client.post(reverse("admin:reach_inboundsms_delete", args=[held.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:reach_inboundsms_add")).status_code == 403
    assert InboundSms.objects.get(pk=held.pk).text == "Hei fra ingen"
    # Not for staff without the administrator role.
    login(client, world.leader)
    assert client.get(reverse("admin:reach_inboundsms_changelist")).status_code == 302


@pytest.mark.parametrize(("field", "value"), [
    ("from", "not-a-number"), ("from", "Kari"), ("from", "+47 abc"), ("from", "12"), ("from", "+"),
    ("from", "1234567890123456"), ("from", "٩١٢٣٤٥٦٧٨"), ("to", "Koordinator"),
])
def test_a_number_that_is_no_number_is_a_400_naming_the_field(kari, field, value):
    payload = reply(KARI, "Hei")
    payload[field] = value
    response = incoming(payload)
    assert response.status_code == 400
    assert response.json() == {"detail": "Skriv telefonnummeret med sifre, for eksempel +4791234567.", "field": field}
    assert nothing_stored()


@pytest.mark.parametrize("value", ["+47 911 11 111", "004791111111", "91111111", "+47 (911) 11-111", 4791111111])
def test_numbers_as_gateways_write_them_are_taken(world, kari, value):
    assert incoming(reply(value, "Hei")).json()["result"] == "matched"


def test_a_short_code_sender_is_taken(world, webhook_secret):  # noqa: F811
    response = incoming(reply("2222", "Kode", to=None))
    assert response.status_code == 200 and response.json()["result"] == "held"


def test_a_user_without_an_open_case_goes_to_the_inbox_of_her_municipality(world, kari):
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED)
    incoming(reply(KARI, "Hei, kan dere ringe?"))
    sms = InboundSms.objects.get()
    assert sms.state == InboundSms.State.NO_OPEN_CASE and sms.municipality == world.municipality
    assert not Message.objects.exists()


def test_an_archived_user_is_not_matched(world, kari):
    kari.archived_at = at(MONDAY, 9)
    kari.save()
    incoming(reply(KARI, "Hei"))
    assert InboundSms.objects.get().state == InboundSms.State.UNKNOWN and not Message.objects.exists()


def test_a_text_of_10000_characters_is_a_clear_400_and_nothing_is_stored(kari):
    response = incoming(reply(KARI, "a" * 10_000))
    assert response.status_code == 400
    assert response.json() == {"detail": "Teksten er for lang: 10000 tegn, høyst 4000.", "field": "text"}
    assert nothing_stored()


def test_a_long_text_within_the_limit_is_kept_whole(world, kari):
    text = "ord " * 998 + "slutt"
    assert len(text) <= sms_inbound.TEXT_MAX_LENGTH
    assert incoming(reply(KARI, text)).status_code == 200
    assert Message.objects.get().body == text.strip() and InboundSms.objects.get().text == text.strip()


@pytest.mark.parametrize(("payload", "field"), [
    (b"ikke json", ""),
    (b"\xff\xfe", ""),
    (b"[1, 2]", ""),
    ({"from": KARI, "text": "Hei"}, "id"),
    ({"id": "gw-1", "text": "Hei"}, "from"),
    ({"id": "gw-1", "from": KARI}, "text"),
    ({"id": "gw-1", "from": KARI, "text": "   "}, "text"),
    ({"id": "gw-1", "from": KARI, "text": 12}, "text"),
    ({"id": ["gw-1"], "from": KARI, "text": "Hei"}, "id"),
    ({"id": "x" * 201, "from": KARI, "text": "Hei"}, "id"),
    ({"id": "gw-1", "from": "1" * 40, "text": "Hei"}, "from"),
    ({"id": "gw-1", "from": KARI, "text": "Hei", "received_at": "i går"}, "received_at"),
    ({"id": "gw\u0000-1", "from": KARI, "text": "Hei"}, "id"),
    ({"id": "gw-1", "from": KARI, "to": "+47\u0000", "text": "Hei"}, "to"),
    # A time that is no time, or that leaves the calendar in UTC (the database's): a 400, not a 500.
    ({"id": "gw-1", "from": KARI, "text": "Hei", "received_at": "2026-02-30T10:00:00+01:00"}, "received_at"),
    ({"id": "gw-1", "from": KARI, "text": "Hei", "received_at": "2026-11-23T25:00:00"}, "received_at"),
    ({"id": "gw-1", "from": KARI, "text": "Hei", "received_at": "0001-01-01T00:00:00+14:00"}, "received_at"),
    ({"id": "gw-1", "from": KARI, "text": "Hei", "received_at": "9999-12-31T23:59:59-14:00"}, "received_at"),
    # A lone surrogate is valid JSON (\ud800) but no text a database stores (UTF-8).
    (b'{"id": "gw-1", "from": "+4791111111", "text": "Hei \\ud800"}', "text"),
    (b'{"id": "gw-\\udfff", "from": "+4791111111", "text": "Hei"}', "id"),
    (b'{"id": "gw-1", "from": "+47\\ud800", "text": "Hei"}', "from"),
])
def test_bad_input_is_a_400_with_the_field_and_nothing_is_stored(kari, payload, field):
    response = incoming(payload)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body.get("field", "") == field
    assert nothing_stored()


def test_a_nul_in_the_text_is_taken_out(world, kari):
    assert incoming(reply(KARI, "Hei\u0000 der")).status_code == 200
    assert Message.objects.get().body == "Hei der"


def test_get_is_405_in_json(kari):
    from django.test import Client

    response = Client().get("/sms/innkommende/")
    assert response.status_code == 405 and response["Allow"] == "POST" and response.json()["detail"]


def test_no_session_and_no_csrf_token_needed(world, kari):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = incoming(reply(KARI, "Hei"), client=client)
    assert response.status_code == 200 and "sessionid" not in response.cookies
