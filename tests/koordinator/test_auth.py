"""Log-in with throttling, log-out, password change and idle session expiry."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
WRONG_LOGIN_MESSAGE = "Brukernavnet eller passordet er feil"


def post_login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- log-in -------------------------------------------------------------------------------------------------


def test_login_page_is_norwegian_and_has_labelled_fields(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Logg inn" in html
    assert '<label class="ds-label" for="id_username">Brukernavn' in html
    assert '<label class="ds-label" for="id_password">Passord' in html
    assert 'autocomplete="current-password"' in html


def test_login_with_the_right_password_logs_in_and_goes_home(client, world):
    response = post_login(client, world.owner.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user_id(client) == str(world.owner.pk)


def test_login_follows_a_safe_next_url_but_not_a_foreign_one(client, world):
    response = client.post(
        LOGIN,
        {"username": world.owner.username, "password": PASSWORD, "next": "/min-side/"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.url == "/min-side/"
    client.post(reverse("logout"))
    response = client.post(
        LOGIN,
        {"username": world.owner.username, "password": PASSWORD, "next": "https://evil.example/"},
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.url == reverse("home")


def test_wrong_password_shows_an_error_summary_and_does_not_log_in(client, world):
    response = post_login(client, world.owner.username, "feil-passord")
    html = response.content.decode()
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert "ds-error-summary" in html
    assert WRONG_LOGIN_MESSAGE in html
    assert "<title>Feil: Logg inn" in html


def test_an_unknown_username_gets_the_same_message_as_a_wrong_password(client, world):
    wrong_password = post_login(client, world.owner.username, "feil-passord").content.decode()
    unknown_user = post_login(client, "finnes-ikke", "feil-passord", ip="10.0.0.9").content.decode()
    assert WRONG_LOGIN_MESSAGE in wrong_password
    assert WRONG_LOGIN_MESSAGE in unknown_user
    # Nothing on the page tells the two apart (apart from the echoed user name and the CSRF token).
    strip = lambda html, name: html.replace(name, "").split("csrfmiddlewaretoken")[0]  # noqa: E731
    assert strip(wrong_password, world.owner.username) == strip(unknown_user, "finnes-ikke")


def test_an_inactive_user_cannot_log_in_and_is_told_nothing_more(client, world):
    world.owner.is_active = False
    world.owner.save()
    response = post_login(client, world.owner.username, PASSWORD)
    assert logged_in_user_id(client) is None
    assert WRONG_LOGIN_MESSAGE in response.content.decode()


def test_empty_fields_get_plain_errors_next_to_each_field(client):
    html = client.post(LOGIN, {"username": "", "password": ""}, REMOTE_ADDR="10.0.0.3").content.decode()
    assert "Skriv brukernavnet ditt." in html
    assert "Skriv passordet ditt." in html
    assert 'aria-describedby="id_username-feil"' in html
    assert 'href="#id_username"' in html


def test_after_too_many_failures_even_the_right_password_is_refused(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, world.owner.username, "feil-passord")
    response = post_login(client, world.owner.username, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    assert "For mange forsøk" in html
    assert "15 minutter" in html


def test_the_lockout_ends_after_the_cool_off_period(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, world.owner.username, "feil-passord")
    assert post_login(client, world.owner.username, PASSWORD).status_code == 429
    with time_machine.travel(
        datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    ):
        response = post_login(client, world.owner.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(world.owner.pk)


def test_a_logged_in_user_visiting_the_login_page_is_sent_home(client, world):
    login(client, world.owner)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_logged_in_user_with_next_pointing_at_login_is_not_sent_in_a_loop(client, world):
    login(client, world.owner)
    response = client.get(LOGIN, {"next": LOGIN})
    assert response.status_code == 302
    assert response.url == reverse("home")


# --- log-out ------------------------------------------------------------------------------------------------


def test_logout_by_post_ends_the_session_and_says_so(client, world):
    login(client, world.owner)
    response = client.post(reverse("logout"), follow=True)
    assert logged_in_user_id(client) is None
    assert response.redirect_chain[0][0] == reverse("login")
    assert "Du er logget ut." in response.content.decode()
    assert client.get(reverse("my_page")).status_code == 302


def test_logout_by_get_only_asks_and_keeps_the_user_logged_in(client, world):
    login(client, world.owner)
    response = client.get(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vil du logge ut?" in html
    assert 'method="post" action="/logg-ut/"' in html
    assert logged_in_user_id(client) == str(world.owner.pk)


def test_logout_by_get_when_not_logged_in_goes_to_login(client):
    response = client.get(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_logout_refuses_other_methods(client, world):
    login(client, world.owner)
    assert client.put(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) == str(world.owner.pk)


# --- password change --------------------------------------------------------------------------------------


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_works_and_keeps_the_user_logged_in(client, world):
    login(client, world.owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Blaabaer-Syltetoy-42",
            "new_password2": "Blaabaer-Syltetoy-42",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    world.owner.refresh_from_db()
    assert world.owner.check_password("Blaabaer-Syltetoy-42")
    assert logged_in_user_id(client) == str(world.owner.pk)
    assert "Passordet er endret" in client.get(response.url).content.decode()


def test_password_change_with_a_wrong_old_password_errors_and_changes_nothing(client, world):
    login(client, world.owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "feil",
            "new_password1": "Blaabaer-Syltetoy-42",
            "new_password2": "Blaabaer-Syltetoy-42",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Det nåværende passordet er feil" in html
    assert 'href="#id_old_password"' in html
    world.owner.refresh_from_db()
    assert world.owner.check_password(PASSWORD)


def test_password_change_with_mismatched_new_passwords_errors(client, world):
    login(client, world.owner)
    html = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Blaabaer-Syltetoy-42",
            "new_password2": "Annet-Passord-43",
        },
    ).content.decode()
    assert "De to nye passordene er ikke like." in html
    world.owner.refresh_from_db()
    assert world.owner.check_password(PASSWORD)


# --- idle session expiry -------------------------------------------------------------------------------


def test_an_idle_session_ends_and_the_user_is_told_why(client, world):
    login(client, world.owner)
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("my_page")).status_code == 200
    later = start + datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 60)
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("my_page"), follow=True)
    assert logged_in_user_id(client) is None
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Du ble logget ut fordi du ikke hadde gjort noe på en stund." in response.content.decode()


def test_a_session_in_use_does_not_expire(client, world):
    login(client, world.owner)
    start = datetime.datetime.now(datetime.UTC)
    step = datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60)
    for n in range(3):
        with time_machine.travel(start + n * step, tick=False):
            assert client.get(reverse("my_page")).status_code == 200
    assert logged_in_user_id(client) == str(world.owner.pk)


def test_the_session_is_written_at_most_once_a_minute(client, world):
    """Noting the last request wrote the session (a database write) on every page; now once a minute."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.owner)
    start = datetime.datetime.now(datetime.UTC)

    def session_writes(at) -> int:
        with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_page")).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    session_writes(start)
    assert session_writes(start + datetime.timedelta(seconds=30)) == 0
    assert session_writes(start + datetime.timedelta(seconds=61)) == 1
