"""Ids too large for the database never give a 500 (issue 12): an ``OverflowError`` on SQLite and a ``DataError`` on
PostgreSQL are answered as «not found» or «not a valid choice» before the query, and nothing changes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from koordinator import followup_log, outbox
from koordinator.models import FollowUpEntry, Notification
from koordinator.toolkit.ids import clean_id, clean_ids, max_id
from plans import services as plan_services
from plans.models import LoggedStep, Plan
from tests.conftest import login

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
JUST_TOO_BIG = str(2**63)  # one past PostgreSQL's bigint
NOT_AVAILABLE = "Du har ikke tilgang til dette, eller det finnes ikke"
Kind = FollowUpEntry.Kind


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def client_for():
    """A test client that answers as the server would (a 500 is a response, not an exception in the test)."""
    return lambda user: login(Client(raise_request_exception=False), user)


# --- the one check ------------------------------------------------------------------------------------------------


def test_clean_id_accepts_only_what_the_database_can_hold():
    assert clean_id("42") == clean_id(42) == clean_id(" 42 ") == 42
    assert clean_id(str(2**63 - 1)) == 2**63 - 1
    for bad in (HUGE, JUST_TOO_BIG, "0", "-1", "", " ", "abc", "4.2", "1e3", "²", "٣", None, True, 4.0, [1], "9" * 5000):
        assert clean_id(bad) is None, bad
    # A history table's id is 32 bits on PostgreSQL: the bound is the model's.
    assert clean_id(str(2**31), Plan.history.model) is None
    assert clean_id(str(2**31 - 1), Plan.history.model) == 2**31 - 1
    assert max_id(Plan) == 2**63 - 1
    assert clean_ids(["3", HUGE, "x", "3", 5]) == [3, 5]


# --- messages and letters -----------------------------------------------------------------------------------------


@pytest.fixture
def letter(world):
    su = world.owner_su
    su.phone, su.email, su.address, su.postal_code, su.city = "", "", "Storgata 1", "7010", "Trondheim"
    su.preferred_channel = "letter"
    su.save()
    return outbox.notify(su, "Kontaktpersonen din er borte", "Ring Dag på 900 00 020.", channel="letter")


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "²"])
def test_the_letters_pdf_with_an_id_too_large_is_not_found(client_for, world, letter, value):
    response = client_for(world.trust_person).get(reverse("letters_pdf"), {"id": value})
    assert response.status_code == 404
    assert NOT_AVAILABLE in response.content.decode()


def test_the_letters_pdf_prints_the_letters_asked_for_and_ignores_an_id_too_large(client_for, world, letter):
    response = client_for(world.trust_person).get(reverse("letters_pdf"), {"id": [str(letter.pk), HUGE]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "²"])
def test_marking_letters_printed_with_an_id_too_large_changes_nothing(client_for, world, letter, value):
    client = client_for(world.trust_person)
    response = client.post(reverse("mark_printed"), {"id": [value]})
    assert response.status_code == 302 and response["Location"] == reverse("print_queue")
    letter.refresh_from_db()
    assert letter.state == Notification.State.PENDING
    assert "Kryss av brevene som er skrevet ut." in client.get(reverse("print_queue")).content.decode()
    # With a real id beside it, that one is marked.
    client.post(reverse("mark_printed"), {"id": [HUGE, str(letter.pk)]})
    letter.refresh_from_db()
    assert letter.state == Notification.State.SENT


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "²"])
def test_marking_messages_read_with_an_id_too_large_changes_nothing(client_for, world, value):
    message = outbox.notify(world.owner, "Ny kontaktperson", "Hei", channel="in_app")
    client = client_for(world.owner)
    response = client.post(reverse("notifications_mark_read"), {"id": [value]})
    assert response.status_code == 302 and response["Location"] == reverse("notifications")
    message.refresh_from_db()
    assert message.read_at is None
    client.post(reverse("notifications_mark_read"), {"id": [value, str(message.pk)]})
    message.refresh_from_db()
    assert message.read_at is not None


# --- the plan's steps on a log entry ------------------------------------------------------------------------------


@pytest.fixture
def step(world):
    plan = plan_services.create_plan(world.trust_person, world.case)
    goal = plan_services.add_goal(world.trust_person, plan, life_area="bolig", text="Egen leilighet")
    step, _ = plan_services.add_step(world.trust_person, goal, what="Ringe boligkontoret")
    return step


def _entry_data(**extra) -> dict:
    started = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": Kind.PHONE, "started_at": started, "duration_minutes": "10", "note": "Ringte", **extra}


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG, "0"])
def test_a_step_id_too_large_on_the_detailed_entry_is_a_form_error(client_for, world, step, value):
    client = client_for(world.trust_person)
    url = reverse("followup_entry_create", args=[world.case.pk])
    response = client.post(url, _entry_data(steps=[str(step.pk), value]))
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not FollowUpEntry.objects.exists()


@pytest.mark.parametrize("value", [HUGE, JUST_TOO_BIG])
def test_a_step_id_too_large_when_editing_an_entry_is_a_form_error(client_for, world, step, value):
    entry = followup_log.create_entry(world.trust_person, world.case, kind=Kind.PHONE, note="Før", steps=[step])
    client = client_for(world.trust_person)
    response = client.post(reverse("followup_entry_edit", args=[entry.pk]), _entry_data(note="Etter", steps=[value]))
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    entry.refresh_from_db()
    assert entry.note == "Før" and list(LoggedStep.objects.values_list("step_id", flat=True)) == [step.pk]


def test_a_service_id_too_large_on_the_detailed_entry_is_a_form_error(client_for, world, step):
    client = client_for(world.trust_person)
    response = client.post(reverse("followup_entry_create", args=[world.case.pk]), _entry_data(service=HUGE))
    assert response.status_code == 200 and "Velg et av alternativene i listen." in response.content.decode()
    assert not FollowUpEntry.objects.exists()


def test_the_step_ids_that_are_good_are_still_saved(client_for, world, step):
    client = client_for(world.trust_person)
    response = client.post(reverse("followup_entry_create", args=[world.case.pk]), _entry_data(steps=[str(step.pk)]))
    assert response.status_code == 302
    assert list(FollowUpEntry.objects.get().steps.all()) == [step]


# --- ids in the path ----------------------------------------------------------------------------------------------


def _int_routes(resolver=None, prefix: str = ""):
    """Every page route with an ``<int:…>`` in it (the API and the admin answer for themselves)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(("api/", "admin/")):
                yield from _int_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and "<int:" in route:
            yield route


def _url(route: str, number: str) -> str:
    url = re.sub(r"<int:\w+>", number, route)
    return "/" + re.sub(r"<str:(\w+)>", "x", url)


INT_ROUTES = sorted(_int_routes())


def test_there_are_routes_to_try():
    assert len(INT_ROUTES) > 50 and "saker/<int:pk>/" in INT_ROUTES


@pytest.mark.parametrize(("persona", "number"), [("trust_person", JUST_TOO_BIG), ("owner", HUGE),
                                                 ("partner_valid", HUGE)])
def test_an_id_in_the_path_too_large_for_the_database_is_the_404_page(client_for, world, persona, number):
    """Every route, GET and POST: Django's ``<int:>`` takes any number of digits; the lookups must answer «not
    found» (Django ≥ 5.0 turns an out-of-range ``pk=`` into no rows), never a 500."""
    client = client_for(world.persona(persona))
    failures = []
    for route in INT_ROUTES:
        url = _url(route, number)
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code == 405:
                continue  # the wrong method is refused before the id is used
            if response.status_code != 404 or NOT_AVAILABLE not in response.content.decode():
                failures.append((method.__name__, url, response.status_code))
    assert failures == []


def test_a_path_id_with_thousands_of_digits_is_the_404_page(client_for, world):
    response = client_for(world.trust_person).get(f"/saker/{'9' * 5000}/")
    assert response.status_code == 404 and NOT_AVAILABLE in response.content.decode()


def test_a_history_id_too_large_for_the_history_table_is_not_found(client_for, world, step):
    """History ids are 32-bit on PostgreSQL: 2**31 fits a Python int and SQLite, not the column."""
    plan = Plan.objects.get(follow_up=world.case)
    version = plan.version
    client = client_for(world.trust_person)
    for history_id in (2**31, 10**30):
        url = reverse("plan_restore", args=[plan.pk, history_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": plan.version}).status_code in (302, 404)
    plan.refresh_from_db()
    assert plan.version == version
