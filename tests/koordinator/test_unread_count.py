"""The bell's unread count (``outbox.unread_count``, on every page): messages to the person and to their service-user
record, due and not cancelled; counted on two indexed columns without a join (issue 11: the join walked every
municipality's notifications)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koordinator import outbox
from koordinator.models import Notification

pytestmark = pytest.mark.django_db


def _note(subject: str, **fields) -> Notification:
    values = {"channel": Notification.Channel.IN_APP, "subject": subject, "body": "…", "due_at": timezone.now()}
    return Notification.objects.create(**(values | fields))


def test_the_count_is_the_persons_own_due_unread_messages(world):
    _note("Til brukeren", recipient_service_user=world.owner_su)
    _note("Til kontoen", recipient_user=world.owner)
    _note("Lest", recipient_user=world.owner, read_at=timezone.now())
    _note("Avlyst", recipient_user=world.owner, state=Notification.State.CANCELLED)
    _note("Senere", recipient_user=world.owner, due_at=timezone.now() + datetime.timedelta(days=1))
    _note("Til en annen", recipient_service_user=world.other_su)
    _note("Til tillitspersonen", recipient_user=world.trust_person)
    assert outbox.unread_count(world.owner) == 2
    assert outbox.unread_count(world.trust_person) == 1
    assert outbox.unread_count(world.other_owner) == 1


def test_it_is_one_query_without_a_join(world):
    _note("Til brukeren", recipient_service_user=world.owner_su)
    outbox.unread_count(world.owner)  # the roles, once per request
    with CaptureQueriesContext(connection) as queries:
        assert outbox.unread_count(world.owner) == 1
    [query] = queries.captured_queries
    assert "JOIN" not in query["sql"].upper()
