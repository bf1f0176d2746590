"""Next of kin: add, edit, archive (with a confirm page). Archived entries leave the lists but stay in history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator import selectors, services
from koordinator.models import NextOfKin
from tests.conftest import login

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_trust_person", "other_leader", "partner_none", "partner_expired", "other_owner", "admin"]


def create_url(world):
    return reverse("next_of_kin_create", args=[world.owner_su.pk])


def edit_url(kin):
    return reverse("next_of_kin_edit", args=[kin.pk])


def archive_url(kin):
    return reverse("next_of_kin_archive", args=[kin.pk])


def kin_data(**overrides):
    data = {"name": "Anne Berg", "relation": "mor", "kind": "supportive", "phone": "90 00 00 02",
            "email": "", "note": ""}
    data.update(overrides)
    return data


# --- create -----------------------------------------------------------------------------------------------


def test_create_form_renders_for_staff(client, world):
    response = login(client, world.trust_person).get(create_url(world))
    assert response.status_code == 200
    assert 'id="id_kind_0"' in response.content.decode()


def test_create_adds_the_person_through_the_service(client, world):
    response = login(client, world.trust_person).post(create_url(world), kin_data(kind="restricted",
                                                                                 is_guardian="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("service_user_detail", args=[world.owner_su.pk])
    kin = NextOfKin.objects.get(name="Anne Berg")
    assert (kin.kind, kin.is_guardian, kin.phone) == ("restricted", True, "+4790000002")
    assert kin.history.latest().history_user == world.trust_person


def test_the_owner_adds_next_of_kin_and_returns_to_my_page(client, world):
    response = login(client, world.owner).post(create_url(world), kin_data())
    assert response["Location"] == reverse("my_page")
    assert NextOfKin.objects.filter(name="Anne Berg", service_user=world.owner_su).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"name": ""}, "name"), ({"relation": ""}, "relation"), ({"kind": "enemy"}, "kind"),
     ({"phone": "12"}, "phone"), ({"email": "not-an-address"}, "email")],
    ids=["no-name", "no-relation", "bad-kind", "bad-phone", "bad-email"],
)
def test_create_bad_input_shows_an_error_and_saves_nothing(client, world, overrides, field):
    before = NextOfKin.objects.count()
    response = login(client, world.trust_person).post(create_url(world), kin_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "ds-error-summary" in response.content.decode()
    assert NextOfKin.objects.count() == before


def test_create_is_a_403_for_a_partner_who_sees_the_person(client, world):
    login(client, world.partner_valid)
    assert client.get(create_url(world)).status_code == 403
    assert client.post(create_url(world), kin_data()).status_code == 403


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_create_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).post(create_url(world), kin_data()).status_code == 404
    assert not NextOfKin.objects.filter(name="Anne Berg").exists()


def test_create_refuses_put(client, world):
    assert login(client, world.trust_person).put(create_url(world)).status_code == 405


# --- edit -------------------------------------------------------------------------------------------------


def test_edit_shows_current_values_and_saves_changes(client, world):
    login(client, world.trust_person)
    form = client.get(edit_url(world.next_of_kin)).context["form"]
    assert form.initial["name"] == "Eva Nordmann"
    data = kin_data(name="Eva Nordmann", relation="storesøster", phone=world.next_of_kin.phone)
    assert client.post(edit_url(world.next_of_kin), data).status_code == 302
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.relation == "storesøster"
    assert world.next_of_kin.history.latest().history_change_reason == "Pårørende endret"


def test_edit_bad_input_changes_nothing(client, world):
    response = login(client, world.trust_person).post(edit_url(world.next_of_kin), kin_data(phone="abc"))
    assert "phone" in response.context["form"].errors
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.name == "Eva Nordmann"


def test_edit_is_a_403_for_a_partner_who_sees_the_entry(client, world):
    assert login(client, world.partner_valid).get(edit_url(world.next_of_kin)).status_code == 403


@pytest.mark.parametrize("persona", [*OUTSIDERS, "partner_valid"])
def test_edit_of_someone_to_keep_away_is_a_404_for_outsiders_and_partners(client, world, persona):
    kin = world.restricted_next_of_kin
    assert login(client, world.persona(persona)).get(edit_url(kin)).status_code == 404


def test_edit_refuses_put(client, world):
    assert login(client, world.trust_person).put(edit_url(world.next_of_kin)).status_code == 405


# --- archive ----------------------------------------------------------------------------------------------


def test_archive_asks_first(client, world):
    response = login(client, world.trust_person).get(archive_url(world.next_of_kin))
    assert response.status_code == 200
    assert "Fjerne Eva Nordmann fra listen?" in response.content.decode()
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.archived_at is None


def test_archive_hides_the_entry_but_keeps_it_in_history(client, world):
    login(client, world.trust_person)
    assert client.post(archive_url(world.next_of_kin)).status_code == 302
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.archived_at is not None
    assert world.next_of_kin.history.count() == 2
    detail = client.get(reverse("service_user_detail", args=[world.owner_su.pk]))
    assert world.next_of_kin not in detail.context["page"].next_of_kin
    # Gone from the user's point of view: editing or archiving again is a 404.
    assert client.get(edit_url(world.next_of_kin)).status_code == 404
    assert client.post(archive_url(world.next_of_kin)).status_code == 404
    timeline = client.get(reverse("followup_timeline", args=[world.case.pk])).content.decode()
    assert "Pårørende fjernet fra listen" in timeline


def test_archive_is_a_403_for_a_partner_who_sees_the_entry(client, world):
    assert login(client, world.partner_valid).post(archive_url(world.next_of_kin)).status_code == 403
    world.next_of_kin.refresh_from_db()
    assert world.next_of_kin.archived_at is None


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_archive_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).post(archive_url(world.next_of_kin)).status_code == 404


def test_archive_refuses_put(client, world):
    assert login(client, world.trust_person).put(archive_url(world.next_of_kin)).status_code == 405


def test_archived_entries_are_left_out_of_the_persons_page(world):
    services.archive_next_of_kin(world.trust_person, world.restricted_next_of_kin)
    page = selectors.person_page(world.trust_person, world.owner_su)
    assert page.next_of_kin == [world.next_of_kin]
