"""The demo's «Ring meg» (issue 16, point 7; ``demo/reach_callbacks.py``): bruker1 asked today, tillit3's user asked
while tillit3 is off sick and the deputy got it, and months of calls back behind the leader's figures. The demo is
loaded once for the module (``tests/shared_demo.py``); each test runs in its own transaction."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from demo import core as demo
from koordinator.models import Absence, FollowUpEntry, Notification, User
from reach import callbacks, figures
from reach.models import CallbackRequest
from tests.shared_demo import clear_demo, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(request)
    yield
    with django_db_blocker.unblock():
        clear_demo()


def open_requests():
    return CallbackRequest.objects.open().select_related("service_user__user", "assigned_to", "case__trust_person")


def test_bruker1_asked_to_be_called_today_and_is_on_top_of_tillit1s_list():
    kari = open_requests().get(service_user__user__username="bruker1")
    assert timezone.localtime(kari.requested_at).date() == timezone.localdate()
    assert kari.requested_at <= timezone.now()
    assert kari.assigned_to.username == "tillit1" and kari.assigned_role == "primary" and kari.when == "today"
    state = callbacks.my_callback(User.objects.get(username="bruker1"))
    assert state.open == kari and state.promise.startswith("Sigrid Aune ringer deg ")
    rows = callbacks.worklist_rows(User.objects.get(username="tillit1"))
    assert [row.callback for row in rows] == [kari]
    told = Notification.objects.filter(about_type__model="callbackrequest", about_id=kari.pk)
    assert {n.recipient_user.username if n.recipient_user else "bruker1" for n in told} == {"tillit1", "bruker1"}


def test_tillit3s_user_asked_while_tillit3_is_sick_and_the_deputy_got_it():
    assert Absence.objects.covering(timezone.localdate()).filter(person__username="tillit3").exists()
    [request] = open_requests().filter(case__trust_person__username="tillit3")
    assert request.assigned_role == "deputy" and request.assigned_to.username == "tillit4"
    assert request.service_user.user is None  # one of tillit3's users without a log-in
    assert request in [row.callback for row in callbacks.worklist_rows(User.objects.get(username="tillit4"))]


def test_months_of_calls_back_behind_the_figures():
    done = list(CallbackRequest.objects.filter(state="done").select_related("log_entry", "case"))
    assert len(done) >= 20
    assert all(c.handled_at <= timezone.now() and c.requested_at < c.handled_at for c in done)
    assert all(c.log_entry.follow_up_id == c.case_id and c.log_entry.started_at == c.handled_at for c in done)
    assert {c.log_entry.kind for c in done} == {FollowUpEntry.Kind.PHONE, FollowUpEntry.Kind.SMS}
    escalated = [c for c in done if c.escalation_level]
    assert escalated and all(c.handled_by == c.assigned_to and c.assigned_role == "deputy" for c in escalated)
    assert all(c.history.count() == (3 if c.escalation_level else 2) for c in done)
    data = figures.leader_figures(User.objects.get(username="leder"), figures.parse_last_month(None)[0])
    assert data.total.asked >= 20 and data.total.median is not None and data.total.escalated
    assert sum(row.figures.asked for row in data.people) == data.total.asked


def test_the_other_users_with_a_log_in_have_asked_for_nothing():
    assert not CallbackRequest.objects.filter(
        service_user__user__username__in=["bruker2", "bruker3", "bruker4", "bruker5"]).exists()


def test_seeding_again_adds_nothing():
    before = (CallbackRequest.objects.count(), CallbackRequest.history.count(), Notification.objects.count())
    demo.seed()
    assert (CallbackRequest.objects.count(), CallbackRequest.history.count(),
            Notification.objects.count()) == before


def test_nothing_is_due_to_escalate_yet_in_working_hours_terms():
    """The open ones were asked less than an hour before the seed: due later (four working hours)."""
    for request in open_requests():
        assert request.due_by > request.requested_at + datetime.timedelta(hours=1)
