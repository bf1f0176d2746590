"""Service users, staff side: intake (register), the person's page (with «Kontakt nå»), and editing contact
details."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from koordinator.models import Absence, AccessEvent, DeputyArrangement, FollowUp, ServiceUser
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
REGISTER = reverse("service_user_register")


def detail_url(world):
    return reverse("service_user_detail", args=[world.owner_su.pk])


def edit_url(world):
    return reverse("service_user_edit", args=[world.owner_su.pk])


def intake_data(world, **overrides):
    data = {
        "first_name": "Geir",
        "last_name": "Lien",
        "phone": "912 34 567",
        "preferred_channel": "sms",
        "language": "norsk",
        "unit": world.unit.pk,
        "trust_person": world.trust_person.pk,
        "referral_source": "self",
    }
    data.update(overrides)
    return data


# --- register ---------------------------------------------------------------------------------------------


def test_register_form_defaults_to_me_as_trust_person(client, world):
    response = login(client, world.trust_person).get(REGISTER)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["trust_person"] == world.trust_person.pk
    assert form.initial["unit"] == world.unit.pk
    assert set(form.fields["unit"].queryset) == {world.unit}


def test_register_lists_only_trust_persons_in_my_units(client, world):
    stranger = f.UserFactory()
    f.MembershipFactory(user=stranger, organisation=world.other_unit)
    form = login(client, world.trust_person).get(REGISTER).context["form"]
    workers = set(form.fields["trust_person"].queryset)
    assert workers == {world.trust_person, world.other_trust_person, world.deputy}
    assert stranger not in workers
    # Partner services only; never the follow-up units themselves.
    assert world.nav in form.fields["referral_agency"].queryset
    assert world.unit not in form.fields["referral_agency"].queryset


def test_register_creates_person_and_case_and_goes_to_the_case(client, world):
    response = login(client, world.trust_person).post(
        REGISTER, intake_data(world, referral_source="agency", referral_agency=world.nav.pk,
                              deputy=world.deputy.pk)
    )
    case = FollowUp.objects.get(service_user__first_name="Geir")
    assert response.status_code == 302
    assert response["Location"] == reverse("followup_detail", args=[case.pk])
    assert case.referral_agency == world.nav
    assert case.deputy == world.deputy
    assert case.status == FollowUp.Status.INTAKE


def test_register_shows_a_service_error_next_to_its_field(client, world):
    response = login(client, world.trust_person).post(
        REGISTER, intake_data(world, deputy=world.trust_person.pk)
    )
    assert response.status_code == 200
    assert "Stedfortrederen må være en annen" in response.context["form"].errors["deputy"][0]
    page = response.content.decode()
    assert "ds-error-summary" in page
    assert 'href="#id_deputy"' in page
    assert not ServiceUser.objects.filter(first_name="Geir").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"phone": "123"}, "phone"),
        ({"phone": "", "preferred_channel": "sms"}, "preferred_channel"),
        ({"referral_source": "agency"}, "referral_agency"),
        ({"unit": "other"}, "unit"),
        ({"birth_date": "31.02.1990"}, "birth_date"),
    ],
    ids=["no-name", "bad-phone", "sms-without-phone", "agency-without-agency", "foreign-unit", "bad-date"],
)
def test_register_bad_input_gives_an_error_and_saves_nothing(client, world, overrides, field):
    if overrides.get("unit") == "other":
        overrides = {"unit": world.other_unit.pk}
    before = ServiceUser.objects.count()
    response = login(client, world.trust_person).post(REGISTER, intake_data(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ServiceUser.objects.count() == before


@pytest.mark.parametrize("persona", ["partner_valid", "owner", "admin"])
def test_register_is_a_404_for_non_staff(client, world, persona):
    assert login(client, world.persona(persona)).get(REGISTER).status_code == 404
    assert login(client, world.persona(persona)).post(REGISTER, intake_data(world)).status_code == 404


def test_register_refuses_put(client, world):
    assert login(client, world.trust_person).put(REGISTER).status_code == 405


# --- detail -----------------------------------------------------------------------------------------------


def test_detail_shows_contact_cases_consents_and_next_of_kin_to_staff(client, world):
    response = login(client, world.trust_person).get(detail_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kari Nordmann" in page
    assert reverse("followup_detail", args=[world.case.pk]) in page
    assert "NAV Lerkendal" in page  # an organisation consent
    assert "Eva Nordmann" in page
    assert "Per Farlig" in page and "Skal ikke kontaktes" in page
    assert reverse("service_user_edit", args=[world.owner_su.pk]) in page
    assert reverse("consent_create", args=[world.owner_su.pk]) in page
    assert reverse("consent_withdraw", args=[world.consent_valid.pk]) in page


def test_detail_hides_archived_next_of_kin(client, world):
    world.next_of_kin.archived_at = timezone.now()
    world.next_of_kin.save()
    page = login(client, world.trust_person).get(detail_url(world)).content.decode()
    assert "Eva Nordmann" not in page


def test_detail_records_an_access_event_for_staff(client, world):
    login(client, world.leader).get(detail_url(world))
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert event.actor == world.leader
    assert event.channel == AccessEvent.Channel.WEB
    assert event.what == "Personopplysninger og sak"


def test_detail_by_the_owner_records_no_access_event(client, world):
    assert login(client, world.owner).get(detail_url(world)).status_code == 200
    assert not AccessEvent.objects.exists()


def test_a_partner_sees_only_what_the_gate_gives_and_no_edit_buttons(client, world):
    response = login(client, world.partner_wrong_scope).get(detail_url(world))
    assert response.status_code == 200
    page_data = response.context["page"]
    assert page_data.cases is None  # no follow-up-log scope: no case section at all
    assert page_data.next_of_kin is None  # no crisis-plan scope: no next of kin
    assert page_data.consents == [world.consent_wrong_scope]
    page = response.content.decode()
    assert "Eva Nordmann" not in page and "Per Farlig" not in page
    assert reverse("service_user_edit", args=[world.owner_su.pk]) not in page
    assert reverse("consent_withdraw", args=[world.consent_wrong_scope.pk]) not in page
    assert AccessEvent.objects.filter(actor=world.partner_wrong_scope).count() == 1


def test_a_partner_with_every_scope_sees_supportive_next_of_kin_only(client, world):
    page = login(client, world.partner_valid).get(detail_url(world)).content.decode()
    assert "Eva Nordmann" in page
    assert "Per Farlig" not in page
    assert reverse("next_of_kin_edit", args=[world.next_of_kin.pk]) not in page


@pytest.mark.parametrize(
    "persona", ["other_trust_person", "other_leader", "partner_none", "partner_expired", "partner_withdrawn",
                "other_owner", "admin"],
)
def test_detail_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(detail_url(world)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_detail_refuses_post(client, world):
    assert login(client, world.trust_person).post(detail_url(world)).status_code == 405


# --- «Kontakt nå» and the effective deputy on the person's page ---------------------------------------------


def _away(world, person, days: int = 2) -> Absence:
    today = timezone.localdate()
    return Absence.objects.create(person=person, kind="sykmelding", starts_on=today,
                                  ends_on=today + datetime.timedelta(days=days - 1), registered_by=world.leader)


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "leader"])
def test_detail_shows_contact_now_to_staff(client, world, persona):
    world.trust_person.phone = "+4790000010"
    world.trust_person.save()
    response = login(client, world.persona(persona)).get(detail_url(world))
    contact = response.context["page"].contact
    assert (contact.role, contact.person) == ("primary", world.trust_person)
    page = response.content.decode()
    assert "Kontakt nå" in page and 'href="tel:+4790000010"' in page


def test_contact_now_on_the_person_page_names_the_deputy_while_the_trust_person_is_away(client, world):
    _away(world, world.trust_person, days=3)
    response = login(client, world.leader).get(detail_url(world))
    assert response.context["page"].contact.person == world.deputy
    until = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d.%m.%Y")
    assert f"{world.trust_person.display_name} er borte til og med {until}." in response.content.decode()


def test_contact_now_follows_the_newest_open_case(client, world):
    world.case.status = FollowUp.Status.ENDED
    world.case.save()
    newer = f.FollowUpFactory(service_user=world.owner_su, unit=world.unit, trust_person=world.other_trust_person,
                              deputy=None)
    response = login(client, world.leader).get(detail_url(world))
    assert response.context["page"].contact_case == newer
    assert response.context["page"].contact.person == world.other_trust_person


def test_no_contact_now_without_an_open_case(client, world):
    world.case.status = FollowUp.Status.ENDED
    world.case.save()
    response = login(client, world.trust_person).get(detail_url(world))
    assert response.context["page"].contact is None
    assert "Kontakt nå" not in response.content.decode()


def test_a_partner_gets_no_contact_now_on_the_person_page(client, world):
    response = login(client, world.partner_valid).get(detail_url(world))
    assert response.context["page"].contact is None
    assert "Kontakt nå" not in response.content.decode()


def test_the_person_page_labels_a_standing_deputy(client, world):
    world.case.deputy = None
    world.case.save()
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=world.other_trust_person,
                                     unit=world.unit, set_by=world.leader)
    response = login(client, world.trust_person).get(detail_url(world))
    [row] = response.context["page"].case_rows
    assert (row.deputy, row.deputy_is_standing) == (world.other_trust_person, True)
    assert "fast stedfortreder" in response.content.decode()


# --- edit -------------------------------------------------------------------------------------------------


def edit_data(world, **overrides):
    su = world.owner_su
    data = {
        "first_name": su.first_name,
        "last_name": su.last_name,
        "phone": su.phone,
        "email": su.email,
        "preferred_channel": su.preferred_channel,
        "language": su.language,
        "address": "Storgata 1",
        "postal_code": "7010",
        "city": "Trondheim",
    }
    data.update(overrides)
    return data


def test_staff_edit_saves_through_the_service_with_history(client, world):
    response = login(client, world.trust_person).post(edit_url(world), edit_data(world, first_name="Karianne"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(world)
    world.owner_su.refresh_from_db()
    assert world.owner_su.first_name == "Karianne"
    assert world.owner_su.address == "Storgata 1"
    assert world.owner_su.history.latest().history_user == world.trust_person


def test_edit_bad_input_shows_errors_and_changes_nothing(client, world):
    response = login(client, world.trust_person).post(
        edit_url(world), edit_data(world, phone="", preferred_channel="sms", postal_code="70")
    )
    assert response.status_code == 200
    assert "postal_code" in response.context["form"].errors
    response = login(client, world.trust_person).post(edit_url(world), edit_data(world, phone=""))
    assert "preferred_channel" in response.context["form"].errors
    world.owner_su.refresh_from_db()
    assert world.owner_su.phone == "+4791234567"
    assert world.owner_su.address == ""


def test_the_owner_may_only_edit_contact_details_here(client, world):
    form = login(client, world.owner).get(edit_url(world)).context["form"]
    assert "first_name" not in form.fields
    assert "phone" in form.fields


@pytest.mark.parametrize("persona", ["partner_valid", "partner_org_member"])
def test_edit_is_a_403_for_a_partner_who_can_see_the_person(client, world, persona):
    login(client, world.persona(persona))
    assert client.get(edit_url(world)).status_code == 403
    assert client.post(edit_url(world), edit_data(world, first_name="X")).status_code == 403
    world.owner_su.refresh_from_db()
    assert world.owner_su.first_name == "Kari"


@pytest.mark.parametrize("persona", ["other_trust_person", "partner_none", "other_leader"])
def test_edit_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(edit_url(world)).status_code == 404


def test_edit_refuses_delete(client, world):
    assert login(client, world.trust_person).delete(edit_url(world)).status_code == 405
