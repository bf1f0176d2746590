"""The administrator places and lifts legal holds in the admin site, through the same services as the leader."""

from __future__ import annotations

import pytest

from retention.models import LegalHold
from tests.conftest import login
from tests.query_counts import clock  # noqa: F401 - the autouse Monday
from tests.retention.test_pages import _ended, _years_ago

pytestmark = pytest.mark.django_db

ADD = "/admin/retention/legalhold/add/"


def test_the_administrator_places_and_lifts_a_hold(client, world):
    case = _ended(world, _years_ago(5))
    login(client, world.admin)
    assert client.get(ADD).status_code == 200

    response = client.post(ADD, {"case": str(case.pk), "person": "", "reason": "Rettssak"})

    assert response.status_code == 302, response.content.decode()[:3000]
    hold = LegalHold.objects.get()
    assert (hold.follow_up, hold.placed_by, hold.municipality) == (case, world.admin, world.municipality)
    change = f"/admin/retention/legalhold/{hold.pk}/change/"
    assert client.get(change).status_code == 200
    response = client.post(change, {"lift": "Dommen er rettskraftig"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (world.admin, "Dommen er rettskraftig")
    assert hold.history.count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"case": "", "person": "", "reason": "Rettssak"}, "Velg enten saken eller hele personen."),
    ({"case": "12345678", "person": "", "reason": "Rettssak"}, "Fant ingen sak med dette nummeret."),
    ({"case": "x" * 19, "person": "", "reason": "Rettssak"}, "Fant ingen sak med dette nummeret."),
    ({"case": "", "person": "{person}", "reason": ""}, "Skriv hvorfor ingenting skal slettes"),
    ({"case": "{case}", "person": "", "reason": "Igjen"}, "Saken har allerede slettestopp."),
])
def test_bad_input_in_the_admin_is_a_clear_message(client, world, data, message):
    case = _ended(world, _years_ago(5))
    LegalHold.objects.create(follow_up=case, municipality=world.municipality, reason="Klage", placed_by=world.leader)
    login(client, world.admin)
    data = {key: value.format(case=case.pk, person=case.service_user_id) for key, value in data.items()}
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert LegalHold.objects.count() == 1


def test_a_hold_cannot_be_deleted_and_others_do_not_get_in(client, world):
    case = _ended(world, _years_ago(5))
    hold = LegalHold.objects.create(follow_up=case, municipality=world.municipality, reason="Klage",
                                    placed_by=world.leader)
    login(client, world.admin)
    assert client.post(f"/admin/retention/legalhold/{hold.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LegalHold.objects.filter(pk=hold.pk).exists()
    login(client, world.leader)
    assert client.get(ADD).status_code == 302  # to the log-in: the admin site is not the leader's
