"""On the demo data (issue 16, Done when): a signed reply from bruker1's number appears in her thread, where tillit1
reads it; a wrong signature changes nothing; a number nobody has, sent to Oppfølgingstjenesten Øst's number, waits in
`leder`'s inbox and not in Malvik's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator.models import FollowUp, User
from reach.models import InboundSms, Message
from tests.conftest import login
from tests.reach.sms_helpers import incoming, reply, webhook_secret  # noqa: F401 (fixture)
from tests.shared_demo import clear_demo, load_demo


@pytest.fixture(scope="module", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


pytestmark = pytest.mark.django_db

TEXT = "Ja, det passer fint å ringe i morgen formiddag."


def bruker1_case() -> FollowUp:
    return FollowUp.objects.open().get(service_user__user__username="bruker1")


def test_a_signed_reply_from_bruker1s_number_appears_in_her_thread(client, webhook_secret):  # noqa: F811
    case = bruker1_case()
    before = Message.objects.filter(case=case).count()
    response = incoming(reply(case.service_user.phone, TEXT, "demo-gw-1", received_at=None))
    assert response.status_code == 200 and response.json()["result"] == "matched"
    message = Message.objects.filter(case=case).latest("pk")
    assert Message.objects.filter(case=case).count() == before + 1
    assert message.body == TEXT and message.via == Message.Via.SMS and message.from_service_user
    page = login(client, User.objects.get(username="tillit1")).get(
        reverse("reach_case_messages", args=[case.pk])).content.decode()
    assert TEXT in page


def test_a_wrong_signature_changes_nothing(webhook_secret):  # noqa: F811
    case = bruker1_case()
    messages, stored = Message.objects.count(), InboundSms.objects.count()
    response = incoming(reply(case.service_user.phone, TEXT, "demo-gw-2"), secret="ikke-hemmeligheten")
    assert response.status_code == 403
    assert Message.objects.count() == messages and InboundSms.objects.count() == stored


def test_a_number_nobody_has_waits_in_leders_inbox(client, webhook_secret):  # noqa: F811
    response = incoming(reply("+4740000001", "Hei, dette er Per.", "demo-gw-3", to="+4772540000"))
    assert response.json()["result"] == "inbox"
    assert "Hei, dette er Per." in login(client, User.objects.get(username="leder")).get(
        reverse("reach_sms_inbox")).content.decode()
    assert "Hei, dette er Per." not in login(client, User.objects.get(username="leder_malvik")).get(
        reverse("reach_sms_inbox")).content.decode()
