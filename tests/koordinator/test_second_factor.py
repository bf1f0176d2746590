"""A second factor for password log-ins (koordinator.signin.second_factor): TOTP and recovery codes.

Nobody who needs a second factor is logged in by the password alone; the pending state between the two steps
lasts five minutes; wrong codes are refused, throttled and counted by django-axes; every log-in is a SignIn row.
"""

from __future__ import annotations

import datetime
import io
import re
from base64 import b32decode

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from koordinator.models import SignIn
from koordinator.signin import second_factor
from tests import factories as f
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
VERIFY = reverse("second_factor_verify")
RECOVERY = reverse("second_factor_recovery")
ENROL = reverse("second_factor_enrol")
ENROL_ACCOUNT = reverse("second_factor_enrol_account")
MANAGE = reverse("second_factor_manage")
CODES = reverse("second_factor_codes")
NEW_CODES = reverse("second_factor_new_codes")
START = datetime.datetime(2026, 3, 10, 9, 0, 5, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _no_demo_login(settings):
    settings.DEMO_LOGIN = False


def post_login(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def logged_in(client) -> str | None:
    return client.session.get("_auth_user_id")


def app_for(user) -> TOTPDevice:
    """An authenticator app the person has set up already."""
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """What the app shows now (the clock is time-machine's)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def key_on_page(html: str) -> bytes:
    shown = re.search(r'<code id="totp-nokkel">([A-Z2-7 ]+)</code>', html).group(1)
    return b32decode(shown.replace(" ", ""))


# --- the rule -----------------------------------------------------------------------------------------------------


def test_who_needs_a_second_factor(world, settings):
    staff = [world.trust_person, world.leader, world.partner_valid, world.admin]
    superuser = f.UserFactory(username="rot", is_superuser=True, is_staff=True)
    assert all(second_factor.needs_second_factor(user) for user in [*staff, superuser])
    assert not second_factor.needs_second_factor(world.owner)  # a service user: a choice
    app_for(world.owner)
    assert second_factor.needs_second_factor(world.owner)  # … until they have one
    settings.DEMO_LOGIN = True
    assert not second_factor.needs_second_factor(world.trust_person)  # the demo: no device, no second factor
    app_for(world.trust_person)
    assert second_factor.needs_second_factor(world.trust_person)  # a device is always used


# --- the password step ----------------------------------------------------------------------------------------------


def test_staff_with_the_right_password_is_not_logged_in_before_the_code(client, world):
    app_for(world.trust_person)
    response = post_login(client, world.trust_person, next_url="/arbeidsliste/")
    assert response.status_code == 302 and response.url == VERIFY
    assert logged_in(client) is None
    # Every other page sees a visitor who has not logged in.
    page = client.get("/arbeidsliste/")
    assert page.status_code == 302 and page.url.startswith(LOGIN)
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))
    assert not SignIn.objects.exists()
    html = client.get(VERIFY).content.decode()
    assert "Skriv koden fra autentiseringsappen" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert f'href="{RECOVERY}"' in html and "Bruk en reservekode" in html


def test_staff_without_a_device_must_set_one_up_first(client, world):
    response = post_login(client, world.leader)
    assert response.status_code == 302 and response.url == ENROL
    assert logged_in(client) is None
    assert client.get("/leder/").url.startswith(LOGIN)
    # The code page sends them on to setting one up.
    assert client.get(VERIFY).url == ENROL


def test_a_wrong_password_never_reaches_the_second_step(client, world):
    client.post(LOGIN, {"username": world.trust_person.username, "password": "feil"})
    assert client.get(VERIFY).url == LOGIN
    assert client.get(ENROL).url == LOGIN


# --- enrolment ---------------------------------------------------------------------------------------------------


def test_enrolment_with_a_code_from_the_app_logs_in_and_shows_ten_recovery_codes_once(client, world):
    with time_machine.travel(START, tick=False):
        post_login(client, world.admin, next_url="/admin/")
        page = client.get(ENROL)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Du må sette opp innlogging med to faktorer før du kan fortsette." in html
        for app in ("Microsoft Authenticator", "Google Authenticator", "FreeOTP"):
            assert app in html
        assert '<svg role="img" aria-label="QR-kode' in html
        assert "<script" not in html.split("<main")[1]
        key = key_on_page(html)
        device = TOTPDevice.objects.get(user=world.admin)
        assert not device.confirmed and device.bin_key == key
        assert re.search(r'<code id="totp-nokkel">(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', html)
        # The same page again (a reload) shows the same key: the app already holds it.
        assert key_on_page(client.get(ENROL).content.decode()) == key
        assert logged_in(client) is None

        code = f"{totp(key):06d}"  # what the app shows
        response = client.post(ENROL, {"otp_token": code})
        assert response.status_code == 302 and response.url == CODES
        assert logged_in(client) == str(world.admin.pk)
        device.refresh_from_db()
        assert device.confirmed
        assert client.session["otp_device_id"] == device.persistent_id
        assert SignIn.objects.get(user=world.admin).method == SignIn.Method.PASSWORD_TOTP

        html = client.get(CODES).content.decode()
        tokens = list(StaticToken.objects.filter(device__user=world.admin).values_list("token", flat=True))
        assert len(tokens) == 10
        for token in tokens:
            assert second_factor.show_code(token) in html
        assert "Skriv dem ned eller skriv dem ut. Hver kode virker én gang." in html
        assert 'href="/admin/"' in html and "Fortsett" in html
        # Once: the page does not show them again.
        again = client.get(CODES, follow=True)
        assert again.redirect_chain[-1][0] == MANAGE
        assert not any(second_factor.show_code(token) in again.content.decode() for token in tokens)
        assert client.get("/admin/").status_code == 200


def test_a_wrong_code_at_enrolment_confirms_nothing(client, world):
    post_login(client, world.trust_person)
    client.get(ENROL)
    html = client.post(ENROL, {"otp_token": "000000"}).content.decode()
    assert "Koden stemmer ikke" in html
    assert 'href="#id_otp_token"' in html
    assert logged_in(client) is None
    assert not TOTPDevice.objects.filter(user=world.trust_person, confirmed=True).exists()
    assert not StaticToken.objects.exists()


def test_every_enrolment_gets_a_new_key(client, world):
    post_login(client, world.trust_person)
    first = key_on_page(client.get(ENROL).content.decode())
    other = type(client)()
    post_login(other, world.trust_person)
    assert key_on_page(other.get(ENROL).content.decode()) != first


# --- the code -----------------------------------------------------------------------------------------------------


def test_the_right_code_logs_in_and_goes_on_to_next(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False):
        post_login(client, world.trust_person, next_url="/arbeidsliste/")
        response = client.post(VERIFY, {"otp_token": code_now(device)})
        assert response.status_code == 302 and response.url == "/arbeidsliste/"
        assert logged_in(client) == str(world.trust_person.pk)
        assert client.get("/arbeidsliste/").status_code == 200
        assert second_factor.PENDING_KEY not in client.session
        sign_in = SignIn.objects.get(user=world.trust_person)
        assert sign_in.method == SignIn.Method.PASSWORD_TOTP and sign_in.factors == "pwd otp"


def test_a_wrong_code_is_refused_with_a_clear_error_and_throttled(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False) as clock:
        post_login(client, world.trust_person)
        response = client.post(VERIFY, {"otp_token": "000000" if code_now(device) != "000000" else "111111"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Koden stemmer ikke" in html and "<title>Feil: " in html
        assert 'aria-describedby="id_otp_token-beskrivelse id_otp_token-feil"' in html
        assert logged_in(client) is None
        # Right away, even the right code waits: django-otp's throttle.
        html = client.post(VERIFY, {"otp_token": code_now(device)}).content.decode()
        assert re.search(r"Vent litt før du prøver igjen: [12] sekunde?r?\.", html)  # once: no «flere ganger»
        assert logged_in(client) is None
        clock.shift(datetime.timedelta(seconds=5))
        response = client.post(VERIFY, {"otp_token": code_now(device)})
        assert response.status_code == 302
        assert logged_in(client) == str(world.trust_person.pk)


def test_a_code_that_is_not_six_digits_gets_a_plain_error(client, world):
    app_for(world.trust_person)
    post_login(client, world.trust_person)
    html = client.post(VERIFY, {"otp_token": "12ab"}).content.decode()
    assert "Koden er 6 sifre" in html
    html = client.post(VERIFY, {"otp_token": ""}).content.decode()
    assert "Skriv koden fra appen." in html
    assert logged_in(client) is None


def test_wrong_codes_count_as_failed_log_ins_for_axes_without_the_code(client, world):
    app_for(world.trust_person)
    post_login(client, world.trust_person)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"otp_token": "999999"}).status_code == 200
    response = client.post(VERIFY, {"otp_token": "999999"})
    assert response.status_code == 429
    assert "For mange forsøk" in response.content.decode()
    assert second_factor.PENDING_KEY not in client.session  # the password first, again
    attempt = AccessAttempt.objects.get(username=world.trust_person.username)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT
    assert "999999" not in attempt.post_data
    # Locked out: the right password does not get through either.
    assert post_login(client, world.trust_person).status_code == 429


def test_the_pending_state_expires_after_five_minutes(client, world):
    device = app_for(world.trust_person)
    with time_machine.travel(START, tick=False) as clock:
        post_login(client, world.trust_person)
        clock.shift(datetime.timedelta(minutes=4, seconds=50))
        assert client.get(VERIFY).status_code == 200
        clock.shift(datetime.timedelta(seconds=20))
        response = client.post(VERIFY, {"otp_token": code_now(device)}, follow=True)
        assert response.redirect_chain[0][0] == LOGIN
        assert "Det tok mer enn 5 minutter" in response.content.decode()
        assert logged_in(client) is None
        assert second_factor.PENDING_KEY not in client.session


def test_cancel_forgets_the_pending_log_in(client, world):
    app_for(world.trust_person)
    post_login(client, world.trust_person)
    response = client.post(reverse("second_factor_cancel"))
    assert response.url == LOGIN
    assert client.get(VERIFY).url == LOGIN
    assert logged_in(client) is None


def test_a_log_in_by_someone_else_forgets_a_pending_one(client, world):
    """Tone typed her password and walked away; Kari logs in on the same browser with hers alone. Tone's pending
    step is gone with it: Kari's session offers no code form for Tone."""
    app_for(world.trust_person)
    post_login(client, world.trust_person)
    assert second_factor.PENDING_KEY in client.session
    post_login(client, world.owner)  # a service user: the password alone
    assert logged_in(client) == str(world.owner.pk)
    assert second_factor.PENDING_KEY not in client.session
    assert client.get(VERIFY).url == reverse("home")
    assert client.get(RECOVERY).url == reverse("home")


# --- recovery codes ---------------------------------------------------------------------------------------------


def test_a_recovery_code_works_once(client, world):
    app_for(world.leader)
    codes = second_factor.new_recovery_codes(world.leader)
    post_login(client, world.leader)
    response = client.post(RECOVERY, {"recovery_code": second_factor.show_code(codes[0]).upper()})
    assert response.status_code == 302
    assert logged_in(client) == str(world.leader.pk)
    assert SignIn.objects.get(user=world.leader).method == SignIn.Method.PASSWORD_RECOVERY
    assert "Du har 9 igjen" in client.get(response.url, follow=True).content.decode()
    client.post(reverse("logout"))

    post_login(client, world.leader)
    html = client.post(RECOVERY, {"recovery_code": codes[0]}).content.decode()
    assert "Reservekoden stemmer ikke, eller den er brukt før." in html
    assert logged_in(client) is None
    assert SignIn.objects.filter(user=world.leader).count() == 1


# --- DEMO_LOGIN and service users -----------------------------------------------------------------------------------


def test_demo_login_lets_staff_without_a_device_in_with_the_password(client, world, settings):
    settings.DEMO_LOGIN = True
    response = post_login(client, world.trust_person)
    assert response.url == reverse("home")
    assert logged_in(client) == str(world.trust_person.pk)
    assert SignIn.objects.get(user=world.trust_person).method == SignIn.Method.PASSWORD


def test_demo_login_does_not_skip_a_device_that_is_set_up(client, world, settings):
    settings.DEMO_LOGIN = True
    app_for(world.trust_person)
    assert post_login(client, world.trust_person).url == VERIFY
    assert logged_in(client) is None


def test_a_service_user_without_a_device_logs_in_with_the_password(client, world):
    response = post_login(client, world.owner, next_url="/min-side/")
    assert response.url == "/min-side/"
    assert logged_in(client) == str(world.owner.pk)
    assert SignIn.objects.get(user=world.owner).method == SignIn.Method.PASSWORD


def test_a_service_user_with_a_device_needs_it(client, world):
    device = app_for(world.owner)
    with time_machine.travel(START, tick=False):
        assert post_login(client, world.owner).url == VERIFY
        assert logged_in(client) is None
        client.post(VERIFY, {"otp_token": code_now(device)})
        assert logged_in(client) == str(world.owner.pk)


# --- the admin -------------------------------------------------------------------------------------------------------


def test_the_admin_log_in_page_sends_people_to_the_service_log_in(client, world):
    response = client.get(reverse("admin:login"), {"next": "/admin/koordinator/user/"})
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fadmin%2Fkoordinator%2Fuser%2F"
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2F"
    # Its form posts nowhere: a password sent to it logs nobody in.
    client.post(reverse("admin:login"), {"username": world.admin.username, "password": PASSWORD})
    assert logged_in(client) is None


def test_the_admin_log_in_page_for_someone_logged_in(client, world):
    login(client, world.admin)
    assert client.get(reverse("admin:login")).url == reverse("admin:index")
    client.logout()
    login(client, world.trust_person)
    assert client.get(reverse("admin:login")).status_code == 403


# --- «Innlogging og sikkerhet» ---------------------------------------------------------------------------------------


def test_the_security_page_needs_a_log_in(client):
    assert client.get(MANAGE).url.startswith(LOGIN)


def test_a_service_user_turns_the_second_factor_on_while_logged_in(client, world):
    with time_machine.travel(START, tick=False):
        login(client, world.owner)
        html = client.get(MANAGE).content.decode()
        assert "Innlogging og sikkerhet" in html and "Av." in html
        assert f'href="{ENROL_ACCOUNT}"' in html and "Ta i bruk engangskode" in html
        # Logged in, the log-in's enrolment page sends them to their own (not a log-in page).
        assert client.get(ENROL).url == ENROL_ACCOUNT
        page = client.get(ENROL_ACCOUNT).content.decode()
        assert f'action="{ENROL_ACCOUNT}"' in page
        assert "Du må sette opp" not in page  # a choice here, not a demand
        key = key_on_page(page)
        response = client.post(ENROL_ACCOUNT, {"otp_token": f"{totp(key):06d}"})
        assert response.url == CODES
        assert "Reservekodene dine" in client.get(CODES).content.decode()
        html = client.get(MANAGE).content.decode()
        assert "På siden 10.03.2026" in html
        assert "Du har 10 ubrukte reservekoder." in html
        assert "Slå av innlogging med to faktorer" in html  # a service user may turn it off again
        assert not SignIn.objects.exists()  # not a log-in


def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(client, world):
    device = app_for(world.trust_person)
    old = second_factor.new_recovery_codes(world.trust_person)
    with time_machine.travel(START, tick=False):
        login(client, world.trust_person)
        html = client.get(MANAGE).content.decode()
        assert "Lag nye reservekoder" in html and f'href="{NEW_CODES}"' in html
        assert "Slå av" not in html  # staff must keep it
        page = client.get(NEW_CODES).content.decode()
        assert "Kode fra appen" in page and f'action="{NEW_CODES}"' in page
        assert 'autocomplete="one-time-code"' in page
        response = client.post(NEW_CODES, {"otp_token": code_now(device)})
        assert response.url == CODES
        new = set(StaticToken.objects.filter(device__user=world.trust_person).values_list("token", flat=True))
        assert len(new) == 10 and not new & set(old)
        html = client.get(CODES).content.decode()
        assert all(second_factor.show_code(code) in html for code in new)
        assert f'href="{MANAGE}"' in html


def test_new_recovery_codes_need_a_code_from_the_app(client, world):
    """A session left open (or taken over) does not make new recovery codes: they would let whoever holds them log
    in without the phone. As turning the second factor off, it asks for the code the app shows now."""
    device = app_for(world.trust_person)
    old = set(second_factor.new_recovery_codes(world.trust_person))

    def codes_now() -> set[str]:
        return set(StaticToken.objects.filter(device__user=world.trust_person).values_list("token", flat=True))

    with time_machine.travel(START, tick=False):
        login(client, world.trust_person)
        assert client.post(NEW_CODES).status_code == 200  # nothing typed
        response = client.post(NEW_CODES, {"otp_token": ""})
        assert response.status_code == 200 and "Skriv koden fra appen." in response.content.decode()
        response = client.post(NEW_CODES, {"otp_token": "000000"})
        assert response.status_code == 200 and "Koden stemmer ikke" in response.content.decode()
        assert codes_now() == old
        # A recovery code is no code from the app.
        response = client.post(NEW_CODES, {"otp_token": sorted(old)[0]})
        assert response.status_code == 200 and codes_now() == old
        assert second_factor.CODES_KEY not in client.session
    with time_machine.travel(START + datetime.timedelta(seconds=40), tick=False):
        assert client.post(NEW_CODES, {"otp_token": code_now(device)}).url == CODES
        assert codes_now() and not codes_now() & old


def test_new_recovery_codes_without_an_app_go_back_to_the_security_page(client, world):
    login(client, world.owner)
    assert client.get(NEW_CODES).url == MANAGE
    assert client.post(NEW_CODES, {"otp_token": "123456"}).url == MANAGE
    assert not StaticToken.objects.exists()


def test_staff_cannot_turn_the_second_factor_off(client, world):
    device = app_for(world.trust_person)
    login(client, world.trust_person)
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("second_factor_remove"), {"otp_token": code_now(device)})
        assert response.url == MANAGE
        assert TOTPDevice.objects.filter(user=world.trust_person).exists()


def test_a_service_user_turns_it_off_with_a_code(client, world):
    device = app_for(world.owner)
    second_factor.new_recovery_codes(world.owner)
    login(client, world.owner)
    with time_machine.travel(START, tick=False):
        html = client.post(reverse("second_factor_remove"), {"otp_token": "000000"}).content.decode()
        assert "Koden stemmer ikke" in html
        assert TOTPDevice.objects.filter(user=world.owner).exists()
    with time_machine.travel(START + datetime.timedelta(seconds=40), tick=False):
        response = client.post(reverse("second_factor_remove"), {"otp_token": code_now(device)})
    assert response.url == MANAGE
    assert not TOTPDevice.objects.filter(user=world.owner).exists()
    assert not StaticToken.objects.exists()
    assert not second_factor.needs_second_factor(world.owner)


def test_an_account_with_a_device_is_not_offered_another(client, world):
    app_for(world.owner)
    login(client, world.owner)
    assert client.get(ENROL_ACCOUNT).url == MANAGE
    assert not TOTPDevice.objects.filter(user=world.owner, confirmed=False).exists()


def test_enrolment_while_logged_in_needs_a_log_in(client):
    assert client.get(ENROL_ACCOUNT).url.startswith(LOGIN)


# --- error reports ---------------------------------------------------------------------------------------------------

SECRET_CODE = "493817"
SECRET_RECOVERY_CODE = "qx7kz2mw"


def _pending_with_app(client, world):
    app_for(world.trust_person)
    second_factor.new_recovery_codes(world.trust_person)
    post_login(client, world.trust_person)


def _pending_without_app(client, world):
    post_login(client, world.leader)


def _owner_with_app(client, world):
    app_for(world.owner)
    login(client, world.owner)


def _staff_with_app(client, world):
    app_for(world.trust_person)
    login(client, world.trust_person)


@pytest.mark.parametrize(
    ("url", "setup", "field", "secret"),
    [
        (VERIFY, _pending_with_app, "otp_token", SECRET_CODE),
        (RECOVERY, _pending_with_app, "recovery_code", SECRET_RECOVERY_CODE),
        (ENROL, _pending_without_app, "otp_token", SECRET_CODE),
        (ENROL_ACCOUNT, lambda client, world: login(client, world.owner), "otp_token", SECRET_CODE),
        (reverse("second_factor_remove"), _owner_with_app, "otp_token", SECRET_CODE),
        (NEW_CODES, _staff_with_app, "otp_token", SECRET_CODE),
    ],
)
def test_an_error_report_never_carries_a_code(client, world, monkeypatch, url, setup, field, secret):
    """A code typed into a form is not in the report of a failure that happens while it is checked: not in the
    POST the report shows, not in any variable of the frames (sensitive_post_parameters, sensitive_variables)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    from tests.koordinator.error_report import breaks, error_report

    setup(client, world)
    monkeypatch.setattr(TOTPDevice, "verify_token", breaks)
    monkeypatch.setattr(StaticDevice, "verify_token", breaks)
    report = error_report(client, url, {field: secret})
    assert field in report  # the POST is there, its value hidden
    assert secret not in report


# --- no keys in the admin; the reset for a lost phone -----------------------------------------------------------------


def test_the_admin_shows_no_ones_totp_key():
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_reset_second_factor_removes_the_app_and_the_codes(client, world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    app_for(world.trust_person)
    second_factor.new_recovery_codes(world.trust_person)
    app_for(world.owner)
    call_command("reset_second_factor", world.trust_person.username, stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=world.trust_person).exists()
    assert not StaticToken.objects.filter(device__user=world.trust_person).exists()
    assert TOTPDevice.objects.filter(user=world.owner).exists()  # nobody else's
    assert post_login(client, world.trust_person).url == ENROL  # set up again at the next log-in
    with pytest.raises(CommandError):
        call_command("reset_second_factor", "finnes-ikke", stdout=io.StringIO())
