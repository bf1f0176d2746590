"""The national identity number behind the gate (issue 13): masked on the person page for those who may change the
person, the whole number only in the answer to «Vis hele fødselsnummeret» (a POST) and then one line in the owner's
access log; nothing of it for partners; masked in the case timeline; not in the API, its schema or a URL.

Who may ask for it, persona by persona, is ``test_national_id_matrix.py``."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from koordinator.models import AccessEvent, ServiceUser
from koordinator.signin import national_id
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

KARI = "14838841385"
MASKED = "148388 *****"
READABLE = "148388 41385"
BUTTON = "Vis hele fødselsnummeret"


@pytest.fixture(autouse=True)
def _kari_has_a_number(world, settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    world.owner_su.refresh_from_db()


def detail(world) -> str:
    return reverse("service_user_detail", args=[world.owner_su.pk])


def reveal_url(world) -> str:
    return reverse("service_user_national_id", args=[world.owner_su.pk])


# --- the person page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "leader"])
def test_staff_of_the_person_see_it_masked_with_a_button_for_the_whole(client, world, persona):
    page = login(client, world.persona(persona)).get(detail(world)).content.decode()
    assert "Fødselsnummer" in page and MASKED in page
    assert KARI not in page and "41385" not in page
    # A plain form that posts to the reveal page: no JavaScript, nothing in the URL but the person's id.
    assert f'<form method="post" action="{reveal_url(world)}"' in page
    assert BUTTON in page


@pytest.mark.parametrize("persona", ["partner_valid", "partner_org_member", "partner_wrong_scope"])
def test_a_partner_sees_nothing_of_it(client, world, persona):
    page = login(client, world.persona(persona)).get(detail(world)).content.decode()
    assert "Fødselsnummer" not in page and "148388" not in page and BUTTON not in page


def test_a_person_without_a_number_says_so(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="")
    page = login(client, world.trust_person).get(detail(world)).content.decode()
    assert "Fødselsnummer" in page and BUTTON not in page


# --- «Vis hele fødselsnummeret» ---------------------------------------------------------------------------------


def test_revealing_shows_the_whole_number_once_and_writes_exactly_one_access_event(client, world):
    login(client, world.deputy)
    before = AccessEvent.objects.count()
    response = client.post(reveal_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert READABLE in page
    assert "no-store" in response["Cache-Control"]
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert (event.service_user_id, event.actor_id, event.what, event.channel) == (
        world.owner_su.pk,
        world.deputy.pk,
        "Fødselsnummer",
        AccessEvent.Channel.WEB,
    )
    assert KARI not in event.what + event.reason
    # Every time it is asked for, it is logged again; the person page itself never shows it.
    client.post(reveal_url(world))
    assert AccessEvent.objects.filter(what="Fødselsnummer").count() == 2
    assert KARI not in client.get(detail(world)).content.decode()


def test_an_error_report_of_a_failed_reveal_does_not_carry_the_number(client, world, monkeypatch):
    """The page failing after the number was read (a template error): the report's frames hide their variables."""
    from koordinator.views import service_users
    from tests.koordinator.error_report import breaks, error_report

    monkeypatch.setattr(service_users, "render", breaks)
    report = error_report(login(client, world.deputy), reveal_url(world), {})
    assert "41385" not in report and KARI not in report


def test_the_owner_sees_the_read_in_their_access_log(client, world):
    login(client, world.leader).post(reveal_url(world))
    page = login(client, world.owner).get(reverse("my_access_log")).content.decode()
    assert "Fødselsnummer" in page and world.leader.display_name in page
    assert KARI not in page


def test_it_is_a_post(client, world):
    login(client, world.trust_person)
    before = AccessEvent.objects.count()
    assert client.get(reveal_url(world)).status_code == 405
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("partner_valid", 403),
        ("partner_org_member", 403),
        ("partner_none", 404),
        ("other_trust_person", 404),
        ("other_leader", 404),
        ("other_owner", 404),
        ("admin", 404),
    ],
)
def test_partners_and_other_municipalities_cannot_reveal_and_nothing_is_logged(
    client, world, persona, status
):
    before = AccessEvent.objects.count()
    response = login(client, world.persona(persona)).post(reveal_url(world))
    assert response.status_code == status
    assert KARI not in response.content.decode() and "41385" not in response.content.decode()
    assert AccessEvent.objects.count() == before


def test_a_leader_of_another_municipality_with_a_person_there_cannot_reveal_kari(client, world):
    bergen_su = f.ServiceUserFactory(municipality=world.other_municipality)
    f.FollowUpFactory(service_user=bergen_su, unit=world.other_unit, trust_person=world.other_leader)
    assert login(client, world.other_leader).post(reveal_url(world)).status_code == 404
    assert (
        login(client, world.other_leader)
        .post(reverse("service_user_national_id", args=[bergen_su.pk]))
        .status_code
        == 200
    )


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.post(reveal_url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_revealing_a_person_without_a_number_logs_nothing(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="")
    before = AccessEvent.objects.count()
    response = login(client, world.trust_person).post(reveal_url(world))
    assert response.status_code == 200 and "Ingen fødselsnummer er registrert." in response.content.decode()
    assert AccessEvent.objects.count() == before


# --- histories -------------------------------------------------------------------------------------------------


def set_number_through_the_form(client, world, number: str) -> None:
    su = world.owner_su
    data = {
        "first_name": su.first_name,
        "last_name": su.last_name,
        "phone": su.phone,
        "preferred_channel": "sms",
        "language": "norsk",
        "national_id": number,
    }
    response = login(client, world.trust_person).post(reverse("service_user_edit", args=[su.pk]), data)
    assert response.status_code == 302


def test_the_case_timeline_shows_the_change_masked_to_staff(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="")
    set_number_through_the_form(client, world, KARI)
    timeline = reverse("followup_timeline", args=[world.case.pk])
    page = login(client, world.leader).get(timeline).content.decode()
    assert "Fødselsnummer" in page and MASKED in page
    assert KARI not in page and "41385" not in page


def test_the_case_timeline_shows_a_partner_nothing_of_it(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="")
    set_number_through_the_form(client, world, KARI)
    page = (
        login(client, world.partner_valid)
        .get(reverse("followup_timeline", args=[world.case.pk]))
        .content.decode()
    )
    assert "148388" not in page and KARI not in page


def test_the_selector_masks_every_value_it_shows(world):
    from koordinator import selectors

    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id="")
    world.owner_su.refresh_from_db()
    national_id.set_national_id(world.trust_person, world.owner_su, KARI)
    national_id.set_national_id(world.trust_person, world.owner_su, "14838841113")
    entries = selectors.case_timeline(world.trust_person, world.case)
    changes = [c for e in entries for c in e.changes if c.label == "Fødselsnummer"]
    assert [(c.old, c.new) for c in changes] == [(MASKED, MASKED), ("(tomt)", MASKED)]


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_never_returns_it(world):
    api = login(APIClient(), world.trust_person)
    responses = [
        api.get(f"/api/v1/service-users/{world.owner_su.pk}/"),
        api.get("/api/v1/service-users/"),
        login(APIClient(), world.owner).get("/api/v1/me/"),
    ]
    for response in responses:
        body = response.content.decode()
        assert response.status_code == 200 and "Kari" in body
        assert KARI not in body and "national_id" not in body and "148388" not in body


def test_the_api_does_not_take_it_either(world):
    api = login(APIClient(), world.trust_person)
    response = api.patch(
        f"/api/v1/service-users/{world.owner_su.pk}/", {"national_id": "14838841113"}, format="json"
    )
    assert response.status_code in (200, 400)
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == KARI


def test_the_schema_does_not_mention_it(client):
    response = client.get(reverse("api_schema"))
    schema = response.content.decode()
    assert response.status_code == 200 and "/api/v1/service-users/" in schema
    assert "national_id" not in schema and "fødselsnummer" not in schema.lower()
