"""The leader's case overview: every case in the municipality, filters, caseload, links to assign."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koordinator.models import FollowUp
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("leader_overview")


def add_cases(world, n: int, **kwargs):
    for _ in range(n):
        f.FollowUpFactory(
            unit=world.unit,
            service_user=f.ServiceUserFactory(municipality=world.municipality),
            **{"trust_person": world.other_trust_person, "deputy": world.deputy, **kwargs},
        )


def test_it_lists_every_case_in_the_municipality_with_assign_links(client, world):
    response = login(client, world.leader).get(URL)
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {world.case, world.other_case}
    page = response.content.decode()
    assert reverse("followup_assign", args=[world.case.pk]) in page
    assert reverse("followup_assign", args=[world.other_case.pk]) in page


def test_it_leaves_out_another_municipalitys_cases(client, world):
    bergen_case = f.FollowUpFactory(unit=world.other_unit,
                                    service_user=f.ServiceUserFactory(municipality=world.other_municipality))
    response = login(client, world.leader).get(URL)
    assert bergen_case not in response.context["page"].object_list
    assert list(login(client, world.other_leader).get(URL).context["page"].object_list) == [bergen_case]


def test_it_counts_open_cases_per_trust_person(client, world):
    add_cases(world, 2)
    add_cases(world, 1, status=FollowUp.Status.ENDED)
    caseload = {u.username: u for u in login(client, world.leader).get(URL).context["caseload"]}
    assert caseload["tillit_annen"].open_cases == 3  # other_case + two new; the ended one does not count
    assert caseload["tillit"].open_cases == 1
    assert caseload["stedfortreder"].open_cases == 0
    assert caseload["stedfortreder"].open_deputy_cases == 3  # world.case + two open new ones


def test_it_filters_by_status_and_trust_person(client, world):
    add_cases(world, 1, status=FollowUp.Status.DORMANT)
    login(client, world.leader)
    dormant = client.get(URL, {"status": "dormant"}).context["page"].object_list
    assert [c.status for c in dormant] == ["dormant"]
    mine = client.get(URL, {"trust_person": world.trust_person.pk}).context["page"].object_list
    assert list(mine) == [world.case]


def test_trust_person_choices_are_limited_to_the_leaders_units(client, world):
    form = login(client, world.leader).get(URL).context["form"]
    choices = set(form.fields["trust_person"].queryset)
    assert choices == {world.trust_person, world.other_trust_person, world.deputy}


def test_bad_filter_values_are_ignored_not_a_500(client, world):
    response = login(client, world.leader).get(URL, {"status": "nonsense", "trust_person": "x", "side": "99"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


def test_a_trust_person_outside_the_leaders_units_is_not_a_filter_choice(client, world):
    stranger = f.UserFactory()
    f.MembershipFactory(user=stranger, organisation=world.other_unit)
    response = login(client, world.leader).get(URL, {"trust_person": stranger.pk})
    assert response.context["form"].errors
    assert len(response.context["page"].object_list) == 2  # the invalid filter is ignored


def test_it_paginates_fifty_per_page(client, world):
    add_cases(world, 50)
    login(client, world.leader)
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 50
    assert "side=2" in first.content.decode()
    assert len(client.get(URL, {"side": 2}).context["page"].object_list) == 2


@pytest.mark.parametrize("persona", ["trust_person", "partner_valid", "owner", "admin"])
def test_it_is_a_404_for_anyone_but_a_leader(client, world, persona):
    assert login(client, world.persona(persona)).get(URL).status_code == 404


def test_it_refuses_post(client, world):
    assert login(client, world.leader).post(URL).status_code == 405


def _queries(client, user) -> int:
    login(client, user)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_cases(client, world):
    world.other_case.delete()
    one = _queries(client, world.leader)
    add_cases(world, 29)
    thirty = _queries(client, world.leader)
    assert FollowUp.objects.filter(municipality=world.municipality).count() == 30
    assert one == thirty
