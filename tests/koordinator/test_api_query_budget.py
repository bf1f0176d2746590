"""Query budget: the list endpoints use the same number of queries for 1 case as for 30 (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from koordinator.models import FollowUp, Membership, Organisation
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
