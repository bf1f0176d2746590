"""«Varsle meg også på SMS» (``User.sms_alerts``, issue 16): staff switch it on or off on ``/konto/varsler/`` (linked
from «Innlogging og sikkerhet»), with history; without a phone number it is a clear message and nothing changes; the
administrator sets it on the account in the admin site. Once on, a «Ring meg» reaches them by SMS too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator.models import Notification, User
from reach import alert_settings, callbacks
from tests.conftest import login

pytestmark = pytest.mark.django_db

PAGE = reverse("staff_alert_settings")
SECURITY = reverse("second_factor_manage")


def text(response) -> str:
    return " ".join(response.content.decode().split())


def with_phone(user: User, phone: str = "+4799887766") -> User:
    User.objects.filter(pk=user.pk).update(phone=phone)
    user.refresh_from_db()
    return user


def test_the_security_page_links_to_it_for_staff_only(client, world):
    page = text(login(client, world.trust_person).get(SECURITY))
    assert f'href="{PAGE}">Varsle meg også på SMS</a>' in page and "Du får varsler i Koordinator, ikke på SMS." in page
    assert PAGE not in text(login(client, world.owner).get(SECURITY))


def test_staff_switch_it_on_and_off_with_history(client, world):
    person = with_phone(world.trust_person)
    login(client, person)
    page = text(client.get(PAGE))
    assert "SMS-ene går til 99 88 77 66, nummeret på kontoen din." in page
    assert 'name="sms_alerts"' in page and "checked" not in page
    response = client.post(PAGE, {"sms_alerts": "on"})
    assert response.status_code == 302 and response["Location"] == PAGE
    person.refresh_from_db()
    assert person.sms_alerts
    latest = person.history.first()
    assert latest.history_change_reason == "SMS-varsler slått på" and latest.history_user == person
    page = text(client.get(PAGE))
    assert "Lagret. Du får også SMS til 99 88 77 66." in page and "checked" in page
    assert "Du får varsler i Koordinator og på SMS." in text(client.get(SECURITY))
    # Saving the same choice again writes nothing; unticking switches it off.
    versions = person.history.count()
    client.post(PAGE, {"sms_alerts": "on"})
    assert person.history.count() == versions
    client.post(PAGE, {})
    person.refresh_from_db()
    assert not person.sms_alerts and person.history.first().history_change_reason == "SMS-varsler slått av"


def test_without_a_phone_number_it_is_a_clear_message_and_nothing_changes(client, world):
    person = world.trust_person
    assert not person.phone
    login(client, person)
    page = text(client.get(PAGE))
    assert "Vi har ikke telefonnummeret ditt, så vi kan ikke sende deg SMS." in page
    versions = person.history.count()
    response = client.post(PAGE, {"sms_alerts": "on"})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Feil: Varsler" in page and "Be administratoren legge inn mobilnummeret ditt" in page
    person.refresh_from_db()
    assert not person.sms_alerts and person.history.count() == versions


@pytest.mark.parametrize("who", ["owner", "other_owner"])
def test_the_page_is_not_for_service_users(client, world, who):
    login(client, getattr(world, who))
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"sms_alerts": "on"}).status_code == 404
    assert not User.objects.filter(sms_alerts=True).exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(PAGE, {"sms_alerts": "on"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_service_refuses_a_choice_that_is_no_yes_or_no(world):
    with pytest.raises(alert_settings.ServiceError):
        alert_settings.set_sms_alerts(with_phone(world.trust_person), "ja")


def test_the_administrator_sets_it_on_the_account(client, world):
    login(client, world.admin)
    url = reverse("admin:koordinator_user_change", args=[world.trust_person.pk])
    assert 'name="sms_alerts"' in client.get(url).content.decode()


def test_once_on_a_ring_meg_reaches_them_by_sms_too(world):
    person = with_phone(world.trust_person)
    alert_settings.set_sms_alerts(person, True)
    callbacks.request_callback(world.owner_su, by=world.owner)
    sms = Notification.objects.get(recipient_user=person, channel=Notification.Channel.SMS)
    assert "Kari" not in sms.body and "Nordmann" not in sms.body
