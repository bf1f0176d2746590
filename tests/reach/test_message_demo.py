"""The demo's thread (issue 16, ``demo/reach_messages.py``): bruker1 and tillit1 have written to each other over the
last days; one message was taken back, yesterday's is unread, so tillit1 sees it on the worklist and the case page.
A rerun of the demo adds no message."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.core import DemoBuilder
from koordinator.models import FollowUp, Notification
from reach.models import Message
from tests.conftest import login
from tests.shared_demo import clear_demo, load_demo


@pytest.fixture(scope="module", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


pytestmark = pytest.mark.django_db


def kari_case() -> FollowUp:
    return FollowUp.objects.get(service_user__user__username="bruker1")


def test_bruker1_and_tillit1_have_a_thread_with_history_in_the_past():
    thread = list(Message.objects.filter(case=kari_case()).order_by("sent_at"))
    assert len(thread) == 6
    assert {m.author.username for m in thread} == {"bruker1", "tillit1"}
    assert all(m.sent_at < timezone.now() for m in thread)
    assert sum(m.withdrawn_at is not None for m in thread) == 1
    unread = [m for m in thread if m.from_service_user and m.read_at is None and m.withdrawn_at is None]
    assert len(unread) == 1 and unread[0] == thread[-1]
    first = thread[0].history.order_by("history_date")
    assert [h.history_user.username for h in first] == ["tillit1", "bruker1"]  # written, then read by Kari


def test_tillit1_sees_the_new_message_on_the_worklist_the_case_and_the_bell(client):
    from koordinator.models import User

    tillit1 = User.objects.get(username="tillit1")
    login(client, tillit1)
    page = client.get(reverse("worklist")).content.decode()
    assert "Kari Nordmann: 1 ny melding" in page
    case = kari_case()
    page = client.get(reverse("followup_detail", args=[case.pk])).content.decode()
    assert "Meldinger (1 ny)" in page
    assert Notification.objects.filter(recipient_user=tillit1, subject="Ny melding fra Kari Nordmann").exists()
    page = client.get(reverse("reach_case_messages", args=[case.pk])).content.decode()
    assert "Meldingen ble trukket tilbake" in page and "Tusen takk for hjelpen!" in page


def test_bruker1_sees_the_thread_on_min_side(client):
    from koordinator.models import User

    login(client, User.objects.get(username="bruker1"))
    page = client.get(reverse("my_page")).content.decode()
    assert "Meldinger med kontaktpersonen din" in page and "Tusen takk for hjelpen!" in page


def test_a_rerun_adds_no_message():
    before = Message.objects.count()
    DemoBuilder().build()
    assert Message.objects.count() == before
