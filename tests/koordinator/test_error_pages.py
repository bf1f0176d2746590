"""Error pages with ``DEBUG=0``: Norwegian, in the app's layout, the same words for 403 and 404 (nothing says whether
the thing exists), JSON under ``/api/``, and a 500 page that needs neither the user nor the database."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import path, reverse

import koordinator.urls
from koordinator.views import errors
from tests.conftest import login

pytestmark = pytest.mark.django_db

NOT_AVAILABLE = "Du har ikke tilgang til dette, eller det finnes ikke"
CONSENT = "Du har ikke tilgang til dette lenger – samtykket kan være trukket tilbake eller utløpt."


# --- a URL conf with views that fail, and the project's own handlers -------------------------------------------


def _boom(request):
    raise RuntimeError("noe i koden feilet")


def _suspicious(request):
    raise SuspiciousOperation("rart")


urlpatterns = [
    path("test-feil/", _boom),
    path("test-ugyldig/", _suspicious),
    path("api/test-feil/", _boom),
    *koordinator.urls.urlpatterns,
]
# What the project sets (missing there, Django's English defaults apply: the tests below then fail).
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(koordinator.urls, _name):
        globals()[_name] = getattr(koordinator.urls, _name)


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


def html(response) -> str:
    return response.content.decode()


def assert_in_layout(page: str) -> None:
    assert '<html lang="nb"' in page
    assert '<header class="site-header">' in page
    assert '<main id="main"' in page
    assert "Hopp til hovedinnholdet" in page


def without_tokens(page: str) -> str:
    """The page without what differs from request to request anyway: the masked CSRF token and the path the
    footer's language switch returns to."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "", page)


# --- 404 and 403 -----------------------------------------------------------------------------------------------


def test_a_page_that_does_not_exist_is_norwegian_in_the_layout_with_the_menu(client, world):
    login(client, world.trust_person)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = html(response)
    assert_in_layout(page)
    assert 'aria-label="Hovedmeny"' in page  # the app's navigation landmark, for the person's roles
    assert NOT_AVAILABLE in page and CONSENT in page
    assert "Nødtilgangen" in page and "Lenken kan være gammel" in page
    # How to go on: the trust person's home, and whom to ask.
    assert f'href="{reverse("worklist")}"' in page and "kontakt lederen din" in page
    assert "Not Found" not in page


def test_the_service_user_is_sent_to_min_side_and_told_to_ask_the_trust_person(client, world):
    login(client, world.owner)
    page = html(client.get("/saker/999999/"))
    assert f'href="{reverse("my_page")}"' in page and "kontakt tillitspersonen din" in page


def test_a_partner_is_told_that_a_new_consent_is_needed(client, world):
    login(client, world.partner_expired)
    response = client.get(reverse("followup_detail", args=[world.case.pk]))
    assert response.status_code == 404
    page = html(response)
    assert CONSENT in page and "nytt samtykke" in page
    assert f'href="{reverse("partner_home")}"' in page


def test_someone_not_logged_in_gets_the_page_and_a_way_to_log_in(client, db):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    page = html(response)
    assert_in_layout(page)
    assert NOT_AVAILABLE in page
    assert f'href="{reverse("login")}?next=%2Ffinnes-ikke%2F"' in page
    assert 'aria-label="Hovedmeny"' not in page


def test_a_hidden_case_and_a_case_that_does_not_exist_look_the_same(client, world):
    login(client, world.partner_none)  # no consent: Kari's case is outside the gate
    hidden = client.get(reverse("followup_detail", args=[world.case.pk]))
    missing = client.get(reverse("followup_detail", args=[world.case.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert NOT_AVAILABLE in html(hidden)
    assert without_tokens(html(hidden)) == without_tokens(html(missing))
    assert "Kari" not in html(hidden)


def test_a_403_from_the_gate_says_the_same_as_a_404(client, world):
    # A partner with consent may read Kari's case but not write in its log: the gate answers 403.
    login(client, world.partner_valid)
    forbidden = client.get(reverse("followup_entry_quick", args=[world.case.pk]))
    missing = client.get(reverse("followup_entry_quick", args=[world.case.pk + 1000]))
    assert (forbidden.status_code, missing.status_code) == (403, 404)
    assert NOT_AVAILABLE in html(forbidden)
    assert without_tokens(html(forbidden)) == without_tokens(html(missing))


# --- /api/ answers JSON ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/plans/abc/", "/api/v1/finnes-ikke/", "/api/v1/plans/1/abc/", "/api/finnes-ikke/",
                                 "/api/v2/plans/1/"])
def test_an_api_address_that_matches_nothing_is_a_json_404(client, world, url):
    login(client, world.trust_person)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body == {"detail": "Finnes ikke, eller du har ikke tilgang.", "errors": {}}


def test_an_api_crash_is_a_json_500(failing_urls, world):
    client = login(Client(raise_request_exception=False), world.trust_person)
    response = client.get("/api/test-feil/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Noe gikk galt hos oss. Prøv igjen om litt.", "errors": {}}


def test_the_api_handlers_answer_json_for_400_and_403(rf):
    for handler, status in ((errors.bad_request, 400), (errors.permission_denied, 403)):
        response = handler(rf.get("/api/v1/plans/"), exception=None)
        assert response.status_code == status and response["Content-Type"] == "application/json"
        assert set(json.loads(response.content)) == {"detail", "errors"}


# --- 500 and 400 --------------------------------------------------------------------------------------------------


def test_a_crash_is_a_norwegian_500_page_in_the_layout(failing_urls, world):
    client = login(Client(raise_request_exception=False), world.trust_person)
    response = client.get("/test-feil/")
    assert response.status_code == 500
    page = html(response)
    assert_in_layout(page)
    assert "Noe gikk galt hos oss" in page and "Det var ikke noe du gjorde" in page
    assert f'href="{reverse("home")}"' in page
    assert "Server Error" not in page


def test_the_500_page_renders_without_a_database(failing_urls, world):
    client = login(Client(raise_request_exception=False), world.trust_person)

    def database_down(execute, sql, params, many, context):
        raise OperationalError("the database is down")

    with connection.execute_wrapper(database_down):
        response = client.get(reverse("worklist"))
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in html(response)


def test_the_500_handler_asks_the_database_nothing(django_assert_num_queries, world):
    request = RequestFactory().get("/saker/1/")
    request.user = world.trust_person
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500 and "Noe gikk galt hos oss" in html(response)


def test_a_bad_request_is_a_norwegian_400_page(failing_urls, client, db):
    response = client.get("/test-ugyldig/")
    assert response.status_code == 400
    page = html(response)
    assert_in_layout(page)
    assert "Noe var galt med forespørselen" in page and "Ingenting er lagret" in page


def test_a_host_not_allowed_is_a_norwegian_400_page(client, db):
    response = client.get("/", HTTP_HOST="angriper.example")
    assert response.status_code == 400
    assert "Noe var galt med forespørselen" in html(response)


# --- CSRF ----------------------------------------------------------------------------------------------------------


def test_a_form_with_an_old_token_gets_a_norwegian_page_that_says_what_to_do(world):
    client = login(Client(enforce_csrf_checks=True), world.trust_person)
    form = "http://testserver" + reverse("followup_entry_quick", args=[world.case.pk])
    response = client.post(reverse("notifications_mark_read"), {"all": "1"}, HTTP_REFERER=form)
    assert response.status_code == 403
    page = html(response)
    assert_in_layout(page)
    assert 'aria-label="Hovedmeny"' in page
    assert "Skjemaet var for gammelt – last siden på nytt" in page and "ingenting er lagret" in page
    assert f'href="{form}">Tilbake til skjemaet' in page
    assert "CSRF" not in page


def test_the_csrf_page_links_back_only_to_this_site(world):
    client = login(Client(enforce_csrf_checks=True), world.trust_person)
    response = client.post(reverse("notifications_mark_read"), {"all": "1"}, HTTP_REFERER="https://angriper.example/")
    assert response.status_code == 403
    page = html(response)
    assert "angriper.example" not in page and "Tilbake til skjemaet" not in page
    assert f'href="{reverse("home")}"' in page


# --- the demo (`make run`: DEBUG on, PLAIN_NOT_FOUND=1) shows the same Norwegian page --------------------------------


@pytest.mark.parametrize("plain", [True, False])
def test_the_demo_shows_the_norwegian_not_found_page_although_debug_is_on(client, world, settings, plain):
    settings.DEBUG, settings.PLAIN_NOT_FOUND = True, plain
    login(client, world.partner_none)
    hidden = client.get(reverse("followup_detail", args=[world.case.pk]))  # the gate's 404, raised in the view
    nowhere = client.get("/saker/abc/")  # no view answers
    api = client.get("/api/v1/finnes-ikke/")
    assert (hidden.status_code, nowhere.status_code, api.status_code) == (404, 404, 404)
    for response in (hidden, nowhere):
        page = response.content.decode()
        # With the setting: the app's page, in Norwegian, with no list of the site's addresses; without it, Django's.
        assert (NOT_AVAILABLE in page) is plain
        assert ("DEBUG = True" in page) is not plain
        assert "Kari" not in page
    if plain:  # and JSON under /api/, as with DEBUG off
        assert api.json() == {"detail": "Finnes ikke, eller du har ikke tilgang.", "errors": {}}
