"""One access-log policy for every page and API list (``access.record_access``): opening one person's data is logged
every time; a list that names people logs each person once per reader, list and day, the same on a page and in the
API. Written by the view that decides what is shown, never while a template renders."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import access
from koordinator.models import AccessEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _events(world, actor, **filters) -> int:
    return AccessEvent.objects.filter(service_user=world.owner_su, actor=actor, **filters).count()


@pytest.fixture
def monday_morning():
    # A fixed Monday 09:00 in Oslo: «the same day» and «the next day» hold whatever the hour the suite runs.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=timezone.get_current_timezone()),
                             tick=True) as traveller:
        yield traveller


@pytest.mark.parametrize(("persona", "url", "what"), [
    ("leader", lambda w: reverse("leader_overview"), "Navnet ditt i lederens oversikt over saker"),
    ("trust_person", lambda w: reverse("worklist"), "Navnet ditt i arbeidslisten til tillitspersonen"),
    ("partner_valid", lambda w: reverse("partner_home"), "Navnet ditt og samtykket i listen «Mine brukere»"),
])
def test_a_page_that_lists_people_logs_each_once_a_day(monday_morning, client, world, persona, url, what):
    reader = world.persona(persona)
    login(client, reader)
    for _ in range(3):
        assert client.get(url(world)).status_code == 200
    assert _events(world, reader, what=what, channel=AccessEvent.Channel.WEB) == 1
    monday_morning.shift(datetime.timedelta(days=1))
    login(client, reader)  # a new day, a new session
    assert client.get(url(world)).status_code == 200
    assert _events(world, reader, what=what, channel=AccessEvent.Channel.WEB) == 2


def test_an_api_list_follows_the_same_policy_as_the_leaders_page(monday_morning, world):
    client = login(APIClient(), world.leader)
    for _ in range(2):
        assert client.get("/api/v1/follow-ups/").status_code == 200
    assert _events(world, world.leader, channel=AccessEvent.Channel.API) == 1
    monday_morning.shift(datetime.timedelta(days=1))
    assert login(APIClient(), world.leader).get("/api/v1/follow-ups/").status_code == 200
    assert _events(world, world.leader, channel=AccessEvent.Channel.API) == 2


def test_opening_one_persons_data_is_logged_every_time(monday_morning, client, world):
    login(client, world.leader)
    for _ in range(2):
        assert client.get(reverse("followup_detail", args=[world.case.pk])).status_code == 200
    assert _events(world, world.leader, what="Oppfølgingssak") == 2
    api = login(APIClient(), world.leader)
    for _ in range(2):
        assert api.get(f"/api/v1/follow-ups/{world.case.pk}/").status_code == 200
    assert _events(world, world.leader, channel=AccessEvent.Channel.API) == 2


def test_the_owner_and_anonymous_readers_are_never_logged(world):
    anonymous = AnonymousUser()
    for listing in (True, False):
        assert access.record_access(world.owner, [world.owner_su], "Min side", AccessEvent.Channel.WEB,
                                    listing=listing) == 0
        assert access.record_access(anonymous, [world.owner_su], "Liste", AccessEvent.Channel.WEB, listing=listing) == 0
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()
    # Someone else reading the same is logged: the two above are refused for who they are, not by accident.
    assert access.record_access(world.leader, [world.owner_su], "Liste", AccessEvent.Channel.WEB, listing=True) == 1


def test_each_list_and_channel_counts_on_its_own(monday_morning, world):
    record = access.record_access
    assert record(world.leader, [world.owner_su, world.other_su], "Liste A", AccessEvent.Channel.WEB, listing=True) \
        == 2
    assert record(world.leader, [world.owner_su], "Liste A", AccessEvent.Channel.WEB, listing=True) == 0
    assert record(world.leader, [world.owner_su], "Liste B", AccessEvent.Channel.WEB, listing=True) == 1
    assert record(world.leader, [world.owner_su], "Liste A", AccessEvent.Channel.API, listing=True) == 1
    # Someone else reading the same list is their own row.
    assert record(world.trust_person, [world.owner_su], "Liste A", AccessEvent.Channel.WEB, listing=True) == 1


def test_the_coverage_page_logs_the_users_it_names_as_the_api_does(monday_morning, client, world):
    from koordinator.models import Absence

    today = timezone.localdate()
    Absence.objects.create(person=world.trust_person, kind="sykmelding", starts_on=today, ends_on=today,
                           registered_by=world.leader)
    Absence.objects.create(person=world.deputy, kind="sykmelding", starts_on=today, ends_on=today,
                           registered_by=world.leader)
    login(client, world.leader)
    for _ in range(2):
        page = client.get(reverse("coverage"))
        assert page.status_code == 200 and "Kari Nordmann" in page.content.decode()
    assert _events(world, world.leader, what="Dekningsoversikt", channel=AccessEvent.Channel.WEB) == 1
    assert login(APIClient(), world.leader).get("/api/v1/deputies/coverage/").status_code == 200
    assert _events(world, world.leader, what="Dekningsoversikt", channel=AccessEvent.Channel.API) == 1
