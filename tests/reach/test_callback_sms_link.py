"""The short link to «Ring meg» at the end of every SMS to a service user (issue 16, point 1): composed with the SMS,
signed, valid 60 days, usable without logging in; the page behind it shows only the question, and after the press
who will call. A bad or old link says so; nothing names the person.
"""

from __future__ import annotations

import datetime
import logging
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koordinator import outbox
from koordinator.models import FollowUp, Notification
from koordinator.outbox.links import app_html
from koordinator.timeutil import at
from reach import callbacks
from reach.models import CallbackRequest
from tests.conftest import login

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 11, 24)
SITE = "https://koordinator.example.no"
LINK = re.compile(re.escape(SITE) + r"/r/(\S+)$")


@pytest.fixture(autouse=True)
def clock(settings):
    settings.SITE_URL = SITE
    with time_machine.travel(at(TUESDAY, 10), tick=False) as traveller:
        yield traveller


def sms_to(world, body="Avtalen i morgen er flyttet til kl. 12.") -> Notification:
    return outbox.notify(world.owner_su, "Avtale", body, channel=outbox.Channel.SMS)


def token_in(notification: Notification) -> str:
    match = LINK.search(notification.body)
    assert match, notification.body
    return match.group(1)


def test_every_sms_to_a_user_ends_with_the_link_and_it_names_the_user(world):
    sms = sms_to(world)
    assert sms.body.startswith("Avtalen i morgen er flyttet til kl. 12.\nVil du at vi ringer deg? " + SITE + "/r/")
    token = token_in(sms)
    assert callbacks.read_link(token) == world.owner_su.pk
    assert len(token) <= 40  # an SMS is short
    assert "Kari" not in token and str(world.owner_su.phone) not in sms.body


def test_the_link_is_composed_with_the_sms_also_when_the_channel_is_chosen(world):
    note = outbox.notify(world.owner_su, "Beskjed", "Hei.")  # Kari prefers SMS
    assert note.channel == outbox.Channel.SMS and LINK.search(note.body)


@pytest.mark.parametrize("channel", [outbox.Channel.EMAIL, outbox.Channel.IN_APP, outbox.Channel.LETTER])
def test_other_channels_get_no_link(world, channel):
    world.owner_su.email = "kari@example.no"
    world.owner_su.save()
    note = outbox.notify(world.owner_su, "Beskjed", "Hei.", channel=channel)
    assert note.body == "Hei."


def test_staff_get_no_link(world):
    world.trust_person.phone = "+4790000111"
    world.trust_person.save()
    assert outbox.notify(world.trust_person, "Beskjed", "Hei.", channel=outbox.Channel.SMS).body == "Hei."


def test_in_the_app_the_link_reads_ring_meg(world):
    html = app_html(sms_to(world).body)
    assert '>Ring meg</a>' in html and 'href="/r/' in html and SITE not in html


def test_anyone_with_the_link_sees_only_the_question(client, world):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    assert url.startswith("/r/") and not url.endswith("/")
    page = client.get(url).content.decode()
    assert "Vil du at vi ringer deg?" in page and "Ja, ring meg" in page
    for personal in ("Kari", "Nordmann", world.trust_person.last_name, world.owner_su.phone):
        assert personal not in page


def test_pressing_it_asks_without_logging_in_and_says_who_calls(client, world):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url + "?takk=1"
    callback = CallbackRequest.objects.get()
    assert callback.via == CallbackRequest.Via.SMS_LINK and callback.assigned_to == world.trust_person
    assert callback.history.get().history_user == world.owner  # her log-in, though she did not log in
    page = client.get(response["Location"]).content.decode()
    assert f"Takk! {world.trust_person.display_name} ringer deg i dag." in page
    assert "Ja, ring meg" not in page
    # Again: the same request, and the page says it is asked already.
    client.post(url)
    assert CallbackRequest.objects.count() == 1
    assert Notification.objects.filter(recipient_service_user=world.owner_su,
                                       about_type__model="callbackrequest").count() == 1
    assert "Du har allerede bedt om å bli ringt." in client.get(url).content.decode()


def test_a_user_without_a_log_in_can_use_it(world):
    world.owner_su.user = None
    world.owner_su.save()
    callback, created = callbacks.request_callback(world.owner_su, by=None, via=CallbackRequest.Via.SMS_LINK)
    assert created and callback.history.get().history_user is None


def test_a_logged_in_staff_member_opening_it_changes_nothing_for_them(client, world):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    login(client, world.other_trust_person).post(url)
    assert CallbackRequest.objects.get().service_user == world.owner_su  # the link decides whose it is


@pytest.mark.parametrize("token", ["abc", "1:1xaZVi:AAAAAAAAAAAAAAAAAAAAAA", "", "%00", "a" * 500])
def test_a_bad_link_says_so_and_writes_nothing(client, world, token):
    url = "/r/" + token
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "Lenken er ikke gyldig" in response.content.decode() or not token
    assert not CallbackRequest.objects.exists()


def test_a_changed_link_is_refused(client, world):
    token = token_in(sms_to(world))
    other = callbacks.link_token(world.other_su.pk)
    forged = other.split(":")[0] + ":" + ":".join(token.split(":")[1:])  # Ola's id with Kari's signature
    assert client.post("/r/" + forged).status_code == 404
    assert not CallbackRequest.objects.exists()


def test_the_link_lasts_sixty_days(client, world, clock):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    clock.shift(datetime.timedelta(days=59))
    assert client.get(url).status_code == 200
    clock.shift(datetime.timedelta(days=2))
    response = client.post(url)
    assert response.status_code == 404 and "Lenken er for gammel" in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_an_archived_person_has_no_link(client, world):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    world.owner_su.archived_at = timezone.now()
    world.owner_su.save()
    assert client.get(url).status_code == 404


def test_without_an_open_case_the_link_says_so(client, world):
    url = reverse("callback_link", args=[token_in(sms_to(world))])
    FollowUp.objects.filter(service_user=world.owner_su).update(status=FollowUp.Status.ENDED)
    page = client.post(url).content.decode()
    assert "ingen åpen oppfølging" in page and "Ja, ring meg" not in page
    assert not CallbackRequest.objects.exists()


def test_the_link_is_hidden_in_the_request_logs(world):
    token = callbacks.link_token(world.owner_su.pk)
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/r/{token}",),
                               None)
    callbacks.HideLinks().filter(record)
    assert token not in record.getMessage() and "/r/…" in record.getMessage()
    assert any(isinstance(f, callbacks.HideLinks) for f in logging.getLogger("django.request").filters)
