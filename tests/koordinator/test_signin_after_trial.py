"""Sign-in after a new user's trial at 375 px (issue 13): what the pages say must be true for the person reading them.

* A right code used a second time within its 30 seconds (logged out and in again after setting up the app) is
  called used, not wrong; the throttle after one wrong code does not say «flere ganger».
* Someone who logs in only through ID-porten (no password) is not told to use or change a password; staff who log
  in through the staff provider are told they have two factors there.
* «Innlogging og sikkerhet» is reachable by clicking: the account menu, the Django admin's user links, and the
  message after a log-in with a recovery code.
* Levels in words without Commfides; the first ID-porten log-in that links an account says so on arrival.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from koordinator.models import SignInIdentity
from koordinator.signin import mine, second_factor
from tests.conftest import login
from tests.factories import PASSWORD
from tests.koordinator.test_signin_oidc import (  # noqa: F401 - fixtures
    KARI,
    NINA,
    fake_provider,
    logged_in_user,
    people,
    provider,
    sign_in,
)

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
VERIFY = reverse("second_factor_verify")
RECOVERY = reverse("second_factor_recovery")
ENROL = reverse("second_factor_enrol")
MANAGE = reverse("second_factor_manage")
REMOVE = reverse("second_factor_remove")
START = datetime.datetime(2026, 3, 10, 9, 0, 5, tzinfo=datetime.UTC)

USED = "Denne koden er allerede brukt. Vent til appen viser en ny kode (den skifter hvert 30. sekund), og skriv den."
WRONG = "Koden stemmer ikke"
MANY = "Du har skrevet feil kode flere ganger på rad"
SECURITY_LINK = f'href="{MANAGE}"'


@pytest.fixture(autouse=True)
def _no_demo_login(settings):
    settings.DEMO_LOGIN = False


@pytest.fixture
def labels(settings):
    """The providers' names as the settings give them (their own addresses do not matter on these pages)."""
    settings.OIDC_PROVIDERS = {"citizen": {"label": "ID-porten"}, "staff": {"label": "Ansattporten"}}


def post_login(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def page(response) -> str:
    return response.content.decode()


def passwordless(user):
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


# --- 1. a code used before ----------------------------------------------------------------------------------------


def test_the_same_code_again_within_its_30_seconds_is_called_used_not_wrong(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False) as clock:
        post_login(client, world.trust_person)
        code = code_now(device)
        assert client.post(VERIFY, {"otp_token": code}).status_code == 302
        client.post(reverse("logout"))

        clock.shift(datetime.timedelta(seconds=10))  # the same 30-second step: the app shows the same code
        post_login(client, world.trust_person)
        html = page(client.post(VERIFY, {"otp_token": code}))
        assert USED in html and WRONG not in html and "klokka" not in html
        assert logged_in_user(client) is None

        # A code that is simply wrong is still called wrong.
        clock.shift(datetime.timedelta(seconds=2))
        wrong = "000000" if code != "000000" else "111111"
        html = page(client.post(VERIFY, {"otp_token": wrong}))
        assert WRONG in html and USED not in html

        clock.shift(datetime.timedelta(seconds=30))  # the app's next code
        assert client.post(VERIFY, {"otp_token": code_now(device)}).status_code == 302
        assert str(logged_in_user(client)) == str(world.trust_person.pk)


def test_right_after_setting_up_the_app_the_enrolment_code_is_called_used(client, world):
    with time_machine.travel(START, tick=False):
        post_login(client, world.leader)
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=world.leader)
        code = code_now(device)
        assert client.post(ENROL, {"otp_token": code}).status_code == 302
        client.post(reverse("logout"))
        post_login(client, world.leader)
        html = page(client.post(VERIFY, {"otp_token": code}))
        assert USED in html and WRONG not in html


def test_turning_it_off_with_the_code_just_used_is_called_used(client, world):
    device = app_for(world.owner)
    with time_machine.travel(START, tick=False):
        post_login(client, world.owner)
        code = code_now(device)
        client.post(VERIFY, {"otp_token": code})
        html = page(client.post(REMOVE, {"otp_token": code}))
        assert USED in html and WRONG not in html
        assert TOTPDevice.objects.filter(user=world.owner).exists()


def test_new_recovery_codes_with_the_code_just_used_is_called_used(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False):
        post_login(client, world.trust_person)
        code = code_now(device)
        client.post(VERIFY, {"otp_token": code})
        html = page(client.post(reverse("second_factor_new_codes"), {"otp_token": code}))
        assert USED in html and WRONG not in html


# --- 2. the throttle after one wrong code -------------------------------------------------------------------------


def test_one_wrong_code_at_enrolment_then_the_right_one_does_not_say_many_times(client, world):
    with time_machine.travel(START, tick=False) as clock:
        post_login(client, world.leader)
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=world.leader)
        wrong = "000000" if code_now(device) != "000000" else "111111"
        assert WRONG in page(client.post(ENROL, {"otp_token": wrong}))
        clock.shift(datetime.timedelta(milliseconds=500))
        html = page(client.post(ENROL, {"otp_token": code_now(device)}))
        assert "Vent litt før du prøver igjen: 1 sekund." in html
        assert MANY not in html
        clock.shift(datetime.timedelta(seconds=1))
        assert client.post(ENROL, {"otp_token": code_now(device)}).status_code == 302


def test_more_than_one_wrong_code_in_a_row_says_many_times(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False) as clock:
        post_login(client, world.trust_person)
        wrong = "000000" if code_now(device) != "000000" else "111111"
        client.post(VERIFY, {"otp_token": wrong})
        clock.shift(datetime.timedelta(seconds=2))
        client.post(VERIFY, {"otp_token": wrong})
        html = page(client.post(VERIFY, {"otp_token": code_now(device)}))
        assert re.search(MANY + r"\. Vent 2 sekunder, og prøv igjen\.", html)


# --- 3 and 4. how the person logs in ------------------------------------------------------------------------------


def test_someone_without_a_password_is_not_offered_a_password_change_in_the_menu(client, world):
    login(client, passwordless(world.owner))
    html = page(client.get(reverse("my_page")))
    assert reverse("password_change") not in html and "Endre passord" not in html
    assert 'href="/konto/innlogginger/"' in html
    assert SECURITY_LINK in html and "Innlogging og sikkerhet" in html


def test_someone_with_a_password_keeps_endre_passord_in_the_menu_next_to_the_security_page(client, world):
    html = page(login(client, world.trust_person).get(reverse("account_sign_ins")))
    nav = html.split('aria-label="Hovedmeny"')[1].split("</nav>")[0]
    assert f'href="{reverse("password_change")}"' in nav
    links = re.findall(r'href="([^"]+)"', nav.split('class="site-nav__account"')[1])
    assert links[:3] == [reverse("password_change"), reverse("account_sign_ins"), MANAGE]
    assert '<a class="site-nav__link" href="/konto/sikkerhet/" aria-current="page">' in page(
        client.get(MANAGE)
    )


def test_the_security_page_says_id_porten_to_someone_who_logs_in_only_there(client, world, labels):
    passwordless(world.owner)
    SignInIdentity.objects.create(user=world.owner, provider="citizen", subject="sub-kari")
    html = page(login(client, world.owner).get(MANAGE))
    assert "Du logger inn med ID-porten, som har to faktorer." in html
    assert "Av." not in html and "passordet alene" not in html
    assert "Ta i bruk engangskode" not in html  # a code is for a password log-in: they have none


def test_the_security_page_with_id_porten_and_a_password(client, world, labels):
    SignInIdentity.objects.create(user=world.owner, provider="citizen", subject="sub-kari")
    html = page(login(client, world.owner).get(MANAGE))
    assert "Av når du logger inn med passordet. Logger du inn med ID-porten, har du to faktorer." in html
    assert "Ta i bruk engangskode" in html


def test_the_security_page_says_the_staff_provider_to_staff_who_log_in_there(client, world, labels):
    passwordless(world.trust_person)
    SignInIdentity.objects.create(user=world.trust_person, provider="staff", subject="ansatt-1")
    html = page(login(client, world.trust_person).get(MANAGE))
    assert "Du logger inn med Ansattporten, med to faktorer." in html
    assert "Av." not in html
    # With an app for the password log-in too, both are said.
    world.trust_person.set_password(PASSWORD)
    world.trust_person.save()
    app_for(world.trust_person)
    html = page(login(client, world.trust_person).get(MANAGE))
    assert "Når du logger inn med passord, skriver du også en kode fra autentiseringsappen." in html
    assert "Du kan også logge inn med Ansattporten, med to faktorer." in html


def test_the_security_page_for_a_password_alone_still_says_off(client, world, labels):
    html = page(login(client, world.owner).get(MANAGE))
    assert "Av. Du logger inn med passordet alene." in html
    assert "Ta i bruk engangskode" in html


def test_mine_innlogginger_suggests_a_new_password_only_to_those_who_have_one(client, world):
    html = page(login(client, passwordless(world.owner)).get(reverse("my_sign_ins")))
    assert "Kjenner du ikke igjen en innlogging? Ring tjenesten." in html
    assert "Endre passord" not in html
    staff = passwordless(world.trust_person)
    html = page(login(client, staff).get(reverse("account_sign_ins")))
    assert "Kjenner du ikke igjen en innlogging? Kontakt systemansvarlig." in html
    assert "Endre passord" not in html


# --- 5. «Innlogging og sikkerhet» by clicking ---------------------------------------------------------------------


def test_the_admin_links_innlogging_og_sikkerhet(client, world):
    app_for(world.admin)
    html = page(login(client, world.admin).get(reverse("admin:index")))
    tools = html.split('id="user-tools"')[1].split("</div>")[0]
    assert f'<a href="{MANAGE}">Innlogging og sikkerhet</a>' in tools


def test_after_a_recovery_code_the_message_links_the_security_page(client, world):
    app_for(world.leader)
    codes = second_factor.new_recovery_codes(world.leader)
    post_login(client, world.leader)
    response = client.post(RECOVERY, {"recovery_code": codes[0]}, follow=True)
    message = page(response).split('class="messages"')[1].split("</div></div>")[0]
    assert "Du logget inn med en reservekode. Du har 9 igjen." in message
    assert (
        f'Under <a class="ds-link" href="{MANAGE}">«Innlogging og sikkerhet»</a> kan du lage nye.' in message
    )


# --- 6. levels in words -------------------------------------------------------------------------------------------


def test_levels_in_words_without_commfides():
    assert mine.level_words("idporten-loa-low") == "Lavt"
    assert mine.level_words("idporten-loa-substantial") == "Betydelig (for eksempel MinID)"
    assert mine.level_words("Level3") == "Betydelig (for eksempel MinID)"
    assert mine.level_words("idporten-loa-high") == "Høyt (for eksempel BankID)"
    assert mine.level_words("Level4") == "Høyt (for eksempel BankID)"
    assert not any("Commfides" in str(words) for words in mine.LEVELS.values())


# --- 7. the first ID-porten log-in that links an account --------------------------------------------------------


LINKED = "Kontoen din er nå koblet til ID-porten. Neste gang logger du inn på samme måte."


def test_the_first_log_in_that_links_an_account_says_so_on_arrival(client, provider, people, settings):  # noqa: F811
    settings.OIDC_PROVIDERS["citizen"]["label"] = "ID-porten"
    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub")
    assert response.status_code == 302
    assert LINKED in page(client.get(response["Location"], follow=True))
    # The next log-in links nothing: no message.
    client.post(reverse("logout"))
    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub")
    assert LINKED not in page(client.get(response["Location"], follow=True))


def test_an_account_linked_at_its_first_id_porten_log_in_says_so(client, provider, people, settings):  # noqa: F811
    settings.OIDC_PROVIDERS["citizen"]["label"] = "ID-porten"
    response, _ = sign_in(client, provider, pid=KARI, sub="kari-sub")
    assert LINKED in page(client.get(response["Location"], follow=True))


# --- 8. contact wording -------------------------------------------------------------------------------------------


def test_the_recovery_page_names_systemansvarlig(client, world):
    app_for(world.leader)
    post_login(client, world.leader)
    html = page(client.get(RECOVERY))
    assert "Ta kontakt med systemansvarlig, så hjelper de deg." in html
    assert "administratoren" not in html
