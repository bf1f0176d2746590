"""A date far outside the calendar the service works in (year 1, year 9999) is a clear Norwegian error next to the
field and changes nothing, on every form and in the services — never a 500 (found by a new user trying the demo:
the quick log with year 1, an absence to 31.12.9999, and the calendar file of a meeting planned in year 9999)."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from rest_framework.test import APIClient

from koordinator import continuity, services
from koordinator.form_fields import DayField, MomentField
from koordinator.models import Absence, Appointment, FollowUp, FollowUpEntry
from koordinator.timeutil import at
from koordinator.toolkit.services import ServiceError, clean_date
from meetings.services.common import as_datetime
from tests.conftest import login
from tests.koordinator import test_followup_log_pages as log_pages

pytestmark = pytest.mark.django_db

MONDAY = log_pages.MONDAY
clock = log_pages.clock  # the fixture: Monday 23 November 2026 at 14:07
main = log_pages.main
MESSAGE = "Velg en dato mellom 1900 og 9000."
PROJECT = ("koordinator", "plans", "meetings", "reach", "outcomes", "exchange", "retention")


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1899-12-31T23:59", "9999-12-31T23:59"])
def test_the_quick_log_refuses_a_time_outside_the_calendar(client, world, clock, when):
    login(client, world.trust_person)
    response = client.post(reverse("followup_entry_quick", args=[world.case.pk]),
                           {"kind": "phone", "started_at": when, "duration_minutes": "30", "note": "Ringte."})
    assert response.status_code == 200
    assert MESSAGE in main(response) and 'id="id_started_at-feil"' in main(response)
    assert not FollowUpEntry.objects.exists()


@pytest.mark.parametrize("field, value", [("ends_on", "9999-12-31"), ("starts_on", "0001-01-01")])
def test_an_absence_outside_the_calendar_is_refused_at_the_first_step(client, world, clock, field, value):
    login(client, world.leader)
    data = {"person": world.trust_person.pk, "kind": "ferie", "starts_on": "2026-11-25", "ends_on": "2026-11-27",
            "note": "", field: value}
    response = client.post(reverse("absence_register"), data)
    assert response.status_code == 200
    assert MESSAGE in main(response)
    assert not Absence.objects.filter(person=world.trust_person).exists()


def test_the_services_refuse_dates_outside_the_calendar(world, clock):
    for value in ("9999-12-31", "0001-01-01", datetime.date(9001, 1, 1), datetime.datetime(1, 1, 1, 0, 0)):
        with pytest.raises(ServiceError) as error:
            clean_date(value, "due_on")
        assert (error.value.message, error.value.field) == (MESSAGE, "due_on")
    assert clean_date("2026-11-23", "due_on") == MONDAY  # inside: as before
    for value in ("9999-12-31T10:00", "31.12.9999 10.00", datetime.datetime(1, 1, 1, 10)):
        with pytest.raises(ServiceError) as error:
            as_datetime(value, "starts_at")
        assert error.value.message == MESSAGE
    with pytest.raises(ServiceError) as error:
        continuity.create_appointment(world.trust_person, world.case, starts_at=at(datetime.date(9999, 12, 31), 10),
                                      place=Appointment.Place.OFFICE)
    assert (error.value.message, error.value.field) == (MESSAGE, "starts_at")
    with pytest.raises(ServiceError) as error:
        continuity.register_absence(world.leader, world.trust_person, kind=Absence.Kind.HOLIDAY,
                                    starts_on=MONDAY, ends_on=datetime.date(9999, 12, 31))
    assert error.value.message == MESSAGE
    assert not Appointment.objects.exists() and not Absence.objects.exists()


def _project_forms():
    for package in PROJECT:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if any(part in module.name for part in (".migrations", ".management", "tests")):
                continue
            importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in PROJECT]


def test_every_date_field_of_every_form_is_bounded():
    """A new form with Django's plain DateField would let year 9999 through again."""
    found, plain = 0, []
    for cls in _project_forms():
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DateTimeField):
                found += 1
                if not isinstance(field, MomentField):
                    plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
            elif isinstance(field, forms.DateField):
                found += 1
                if not isinstance(field, DayField):
                    plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert found >= 30
    assert plain == []


def test_no_template_comment_spans_lines():
    """``{# … #}`` is one line only: a comment over two lines is printed on the page (it was, on «Registrer
    fravær»)."""
    root = Path(__file__).resolve().parents[2]
    broken = []
    paths = [p for p in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
             if ".venv" not in p.parts and "node_modules" not in p.parts]
    assert len(paths) > 100  # the project's templates were read
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.count("{#") != line.count("#}"):
                broken.append(f"{path.relative_to(root)}:{number}")
    assert broken == []


@pytest.mark.parametrize("payload, field", [
    ({"reason": "moved", "ended_on": "9999-12-31"}, "ended_on"),
    ({"reason": "moved", "open_door_until": "9999-12-31"}, "open_door_until"),
])
def test_ending_a_case_over_the_api_refuses_a_date_outside_the_calendar(world, payload, field):
    """A case ended «31.12.9999» was stored, and every later retention pass failed on it (found in review)."""
    response = login(APIClient(), world.trust_person).post(f"/api/v1/follow-ups/{world.case.pk}/end/", payload,
                                                           format="json")
    assert response.status_code == 400 and response.json()["errors"][field] == [MESSAGE]
    world.case.refresh_from_db()
    assert world.case.status != FollowUp.Status.ENDED and world.case.ended_on is None


def test_the_case_and_consent_services_refuse_dates_outside_the_calendar(world, clock):
    far = datetime.date(9999, 12, 31)
    with pytest.raises(ServiceError) as error:
        services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.MOVED, ended_on=far)
    assert (error.value.message, error.value.field) == (MESSAGE, "ended_on")
    with pytest.raises(ServiceError) as error:
        services.give_consent(world.trust_person, world.owner_su, grantee_organisation=world.nav, scopes=["plan"], given_how="paper",
                              valid_from=far, valid_until=far)
    assert (error.value.message, error.value.field) == (MESSAGE, "valid_from")
    with pytest.raises(ServiceError) as error:
        services.update_service_user(world.trust_person, world.owner_su, birth_date=datetime.date(1, 1, 1))
    assert error.value.field == "birth_date"
    world.case.refresh_from_db()
    assert world.case.ended_on is None
