"""Min arbeidsliste: the trust person's open cases, as primary and as deputy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koordinator.models import FollowUp
from koordinator.phone import display_phone
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("worklist")


def test_it_lists_my_cases_with_name_phone_status_and_start(client, world):
    response = login(client, world.trust_person).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kari Nordmann" in page
    assert reverse("service_user_detail", args=[world.owner_su.pk]) in page
    assert display_phone(world.owner_su.phone) in page
    assert "Aktiv" in page
    assert world.case.started_on.strftime("%d.%m.%Y") in page
    # A colleague's case is not on my list.
    assert "Ola Hansen" not in page


def test_it_lists_cases_where_i_am_deputy_separately(client, world):
    response = login(client, world.deputy).get(URL)
    worklist = response.context["worklist"]
    assert worklist.primary == []
    assert worklist.as_deputy == [world.case]
    assert "Kari Nordmann" in response.content.decode()


def test_it_hides_ended_cases_unless_asked(client, world):
    world.case.status = FollowUp.Status.ENDED
    world.case.save()
    login(client, world.trust_person)
    assert client.get(URL).context["worklist"].primary == []
    assert client.get(URL, {"avsluttede": "1"}).context["worklist"].primary == [world.case]


@pytest.mark.parametrize("persona", ["leader", "partner_valid", "owner", "admin"])
def test_it_is_a_404_for_anyone_but_a_trust_person(client, world, persona):
    assert login(client, world.persona(persona)).get(URL).status_code == 404


def test_it_sends_anonymous_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_post(client, world):
    assert login(client, world.trust_person).post(URL).status_code == 405


def _queries_for(client, user) -> int:
    login(client, user)
    client.get(URL)  # warm up the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_caseload(client, world):
    def add_cases(n: int):
        for _ in range(n):
            f.FollowUpFactory(unit=world.unit, trust_person=world.other_trust_person, deputy=world.trust_person,
                              service_user=f.ServiceUserFactory(municipality=world.municipality))

    one = _queries_for(client, world.other_trust_person)  # one case: other_case
    add_cases(29)
    thirty = _queries_for(client, world.other_trust_person)
    assert FollowUp.objects.filter(trust_person=world.other_trust_person).count() == 30
    assert one == thirty
