"""Query budget: the list endpoints use the same number of queries for 1 row as for 30 (no N+1)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import outbox
from koordinator.models import Appointment, FollowUp, Membership, Organisation
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db


def trust_person_with(n: int):
    """A trust person with ``n`` cases, each with a deputy, a referring agency, a consent and a next of kin."""
    municipality = f.MunicipalityFactory(name=f"Kommune med {n}", number=f"{8000 + n}")
    unit = f.OrganisationFactory(municipality=municipality)
    nav = f.OrganisationFactory(municipality=municipality, kind=Organisation.Kind.NAV)
    worker = f.UserFactory(username=f"tillit_{n}")
    deputy = f.UserFactory(username=f"stedfortreder_{n}")
    for user in (worker, deputy):
        f.MembershipFactory(user=user, organisation=unit, role=Membership.Role.TRUST_PERSON)
    for _ in range(n):
        person = f.ServiceUserFactory(municipality=municipality)
        f.FollowUpFactory(
            service_user=person,
            unit=unit,
            trust_person=worker,
            deputy=deputy,
            referral_source=FollowUp.ReferralSource.AGENCY,
            referral_agency=nav,
        )
        f.ConsentFactory(owner=person, grantee_organisation=nav, recorded_by=worker)
        f.NextOfKinFactory(service_user=person)
    return worker


def trust_person_with_appointments(n: int):
    """A trust person with ``n`` users, one appointment each; every other one taken over from a colleague."""
    worker = trust_person_with(n)
    colleague = f.UserFactory(username=f"kollega_{n}")
    start = timezone.now() + datetime.timedelta(days=1)
    for i, case in enumerate(FollowUp.objects.filter(trust_person=worker).select_related("service_user")):
        Appointment.objects.create(
            follow_up=case,
            service_user=case.service_user,
            trust_person=worker,
            original_trust_person=colleague if i % 2 else None,
            starts_at=start + datetime.timedelta(hours=i),
            place=Appointment.Place.HOME,
            created_by=worker,
        )
    return worker


def user_with_notifications(n: int):
    """A staff member with ``n`` messages, each about a different case (so ``about`` differs row by row)."""
    worker = trust_person_with(n)
    for case in FollowUp.objects.filter(trust_person=worker):
        outbox.notify(worker, "Ny sak", "Du har fått en ny sak.", about=case)
    return worker


def queries_for(worker, url: str, expected_count: int) -> int:
    client = login(APIClient(), worker)
    client.get(url)  # warm up: the session and anything cached once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == expected_count
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url", ["/api/v1/follow-ups/", "/api/v1/service-users/", "/api/v1/consents/", "/api/v1/next-of-kin/"]
)
def test_a_list_costs_the_same_for_1_and_30_cases(url):
    small, large = trust_person_with(1), trust_person_with(30)
    assert queries_for(small, url, 1) == queries_for(large, url, 30)


def test_the_appointment_list_costs_the_same_for_1_and_30_appointments():
    small, large = trust_person_with_appointments(1), trust_person_with_appointments(30)
    url = "/api/v1/appointments/"
    assert queries_for(small, url, 1) == queries_for(large, url, 30)


def test_the_notification_list_costs_the_same_for_1_and_30_messages():
    small, large = user_with_notifications(1), user_with_notifications(30)
    url = "/api/v1/notifications/"
    assert queries_for(small, url, 1) == queries_for(large, url, 30)
