"""The leader's case overview: every case in the municipality, filters, caseload, who is away today, the
effective deputy, and links to the case's deputy, a new trust person, absences, coverage and standing deputies."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator.models import Absence, DeputyArrangement, FollowUp
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("leader_overview")


def away(world, person, *, starts_in: int = 0, days: int = 3, kind: str = "sykmelding") -> Absence:
    first = timezone.localdate() + datetime.timedelta(days=starts_in)
    return Absence.objects.create(person=person, kind=kind, starts_on=first,
                                  ends_on=first + datetime.timedelta(days=days - 1), registered_by=world.leader)


def row_for(response, case):
    return next(r for r in response.context["rows"] if r.case == case)


def add_cases(world, n: int, **kwargs):
    for _ in range(n):
        f.FollowUpFactory(
            unit=world.unit,
            service_user=f.ServiceUserFactory(municipality=world.municipality),
            **{"trust_person": world.other_trust_person, "deputy": world.deputy, **kwargs},
        )


def test_it_lists_every_case_in_the_municipality_with_deputy_and_trust_person_links(client, world):
    response = login(client, world.leader).get(URL)
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {world.case, world.other_case}
    page = response.content.decode()
    for case in (world.case, world.other_case):
        assert reverse("followup_assign", args=[case.pk]) in page
        assert reverse("change_trust_person", args=[case.pk]) in page


def test_an_ended_case_has_no_change_of_trust_person_link(client, world):
    world.other_case.status = FollowUp.Status.ENDED
    world.other_case.save()
    page = login(client, world.leader).get(URL).content.decode()
    assert reverse("change_trust_person", args=[world.other_case.pk]) not in page
    assert reverse("followup_assign", args=[world.other_case.pk]) in page


def test_it_links_to_absences_coverage_and_standing_deputies(client, world):
    page = login(client, world.leader).get(URL).content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    for name in ("absences", "coverage", "deputies"):
        assert reverse(name) in main


def test_it_marks_cases_whose_trust_person_is_away_today(client, world):
    away(world, world.trust_person, days=3)
    away(world, world.other_trust_person, starts_in=1, kind="ferie")  # tomorrow: not away today
    response = login(client, world.leader).get(URL)
    assert row_for(response, world.case).absence.person == world.trust_person
    assert row_for(response, world.other_case).absence is None
    until = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d.%m.%Y")
    page = response.content.decode()
    assert f"Borte i dag (sykmelding) til og med {until}" in page
    assert page.count("Borte i dag") == 1


def test_a_cancelled_absence_is_not_marked(client, world):
    absence = away(world, world.trust_person)
    absence.cancelled_at = timezone.now()
    absence.save()
    assert row_for(login(client, world.leader).get(URL), world.case).absence is None


def test_the_deputy_column_shows_the_standing_deputy_when_the_case_has_none(client, world):
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=world.deputy, unit=world.unit,
                                     set_by=world.leader)
    response = login(client, world.leader).get(URL)
    standing = row_for(response, world.other_case)
    assert (standing.deputy, standing.deputy_is_standing) == (world.deputy, True)
    own = row_for(response, world.case)
    assert (own.deputy, own.deputy_is_standing) == (world.deputy, False)
    assert "Mangler" not in response.content.decode()


def test_the_standing_deputy_is_named_in_words_not_a_bare_fast(client, world):
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=world.deputy, unit=world.unit,
                                     set_by=world.leader)
    html = login(client, world.leader).get(URL).content.decode()
    assert 'data-color="neutral">fast stedfortreder</span>' in html
    assert 'data-color="neutral">fast</span>' not in html


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
    # Some trust persons away today and some with a standing deputy, so both look-ups run for every row.
    world.other_case.delete()
    away(world, world.other_trust_person)
    away(world, world.deputy, kind="kurs")
    DeputyArrangement.objects.create(trust_person=world.other_trust_person, deputy=world.trust_person,
                                     unit=world.unit, set_by=world.leader)
    one = _queries(client, world.leader)
    add_cases(world, 14)
    add_cases(world, 15, deputy=None)
    thirty = _queries(client, world.leader)
    assert FollowUp.objects.filter(municipality=world.municipality).count() == 30
    rows = client.get(URL).context["rows"]
    assert sum(1 for r in rows if r.absence) == 29 and sum(1 for r in rows if r.deputy_is_standing) == 15
    assert one == thirty
