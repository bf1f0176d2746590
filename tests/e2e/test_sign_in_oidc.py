"""The real log-in, in Chromium on a phone (375 px), through the local OpenID provider (issue 13, points 5 and 6).

The provider is ``deploy/oidc-provider/server.mjs`` (npm oidc-provider), started on loopback for this module
(``tests/e2e/oidc_provider.py``): one issuer like ID-porten, one like Ansattporten, its test persons from
``demo/sign_in_persons.json``. Nothing is faked on the way: the browser goes to the provider, picks a person and a
level on its log-in page, comes back with a code, and the server exchanges it, checks the signed ID token against
the provider's JWKS and reads ``pid``, ``acr`` and ``amr`` from it.

* bruker1 (Kari Nordmann) logs in at level substantial and reaches Min side; the log-in is recorded.
* Nina Ås is followed up but has no account: her first log-in makes it, links it, and she reaches Min side.
* Level low is refused with the clear page, and nobody is logged in.
* A number the service does not know (typed on the provider's page) gets the kind page, and nothing is created.
* tillit1 (Sigrid Aune) through the staff provider with a second factor reaches Min arbeidsliste; without one
  she is refused.
* Log-out goes through the provider's end of session and back to «Du er logget ut»; Min side then asks for a
  log-in again.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e.browser import axe_violations, describe, h1_text, write_for_the_server
from tests.e2e.oidc_provider import CLIENTS, oidc_provider, oidc_provider_process, person  # noqa: F401 - fixtures

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
KARI = person("Kari Nordmann")  # bruker1
NINA = person("Nina Ås")  # followed up, no account yet
UNKNOWN = person("Ukjent Person")  # nobody here
SIGRID = person("Sigrid Aune")  # tillit1


@pytest.fixture(scope="module")
def sign_in_data(server, django_db_blocker):
    """What the log-ins need in the demo: bruker1's number, Nina Ås and her case, tillit1's staff identity.

    The demo has them (demo/sign_in.py); each is made here only if it is missing, with the file's numbers.
    """
    from koordinator.models import FollowUp, ServiceUser, SignInIdentity, User
    from tests.factories import FollowUpFactory, ServiceUserFactory

    def ensure() -> None:
        kari = ServiceUser.objects.get(user__username=KARI["username"])
        if kari.national_id != KARI["pid"]:
            kari.national_id = KARI["pid"]
            kari.save(update_fields=["national_id"])
        tillit1 = User.objects.get(username=SIGRID["username"])
        if not ServiceUser.objects.filter(national_id=NINA["pid"]).exists():
            case = FollowUp.objects.filter(trust_person=tillit1).select_related("unit").first()
            FollowUpFactory(
                service_user=ServiceUserFactory(
                    first_name="Nina",
                    last_name="Ås",
                    national_id=NINA["pid"],
                    municipality=case.unit.municipality,
                ),
                unit=case.unit,
                trust_person=tillit1,
                status=FollowUp.Status.ACTIVE,
            )
        SignInIdentity.objects.get_or_create(
            provider=SignInIdentity.Provider.STAFF, subject=SIGRID["pid"], defaults={"user": tillit1}
        )

    with django_db_blocker.unblock():
        write_for_the_server(ensure)


@pytest.fixture
def issuers(oidc_provider, sign_in_data) -> dict[str, str]:  # noqa: F811 - the fixture imported above
    """The local provider's issuers (``citizen``, ``staff``); the live server is pointed at them for the test."""
    return oidc_provider.issuers


@pytest.fixture
def phone(new_page, issuers):
    """A phone-sized page in a browser of its own (no session, here or at the provider)."""
    return new_page(**PHONE)


def provider_log_in(
    page, name: str = "", *, pid: str = "", level: str = "Betydelig", factor: str = ""
) -> None:
    """On the provider's log-in page: a test person (or a typed number), a level, a second factor, «Logg inn»."""
    main = page.locator("main")
    if name:
        main.get_by_label(name, exact=True).check()
    if pid:
        main.get_by_label("Eller skriv fødselsnummer eller D-nummer").fill(pid)
    main.get_by_label(level, exact=True).check()
    if factor:
        main.get_by_label(factor, exact=True).check()
    main.get_by_role("button", name="Logg inn").click()


def start_citizen_log_in(page, issuer: str) -> None:
    """From our log-in page, «Logg inn med ID-porten», to the provider's page."""
    page.goto("/logg-inn/")
    page.locator("main").get_by_role("link", name="Logg inn med ID-porten").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    assert h1_text(page) == "Logg inn med test-ID-porten"


def start_staff_log_in(page, issuer: str) -> None:
    page.goto("/logg-inn/")
    page.locator("main").get_by_role("link", name="Ansatt? Logg inn med Ansattporten").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    assert h1_text(page) == "Logg inn med test-Ansattporten"


def back_on_our_server(page, server: str) -> None:
    page.wait_for_url(f"{server}/**")
    page.wait_for_load_state()


def assert_logged_out(page, server: str) -> None:
    page.goto("/min-side/")
    assert page.url.startswith(f"{server}/logg-inn/"), page.url
    assert h1_text(page) == "Logg inn"


def fits_a_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_bruker1_logs_in_through_id_porten_and_reaches_min_side(phone, server, issuers):
    from koordinator.models import SignIn

    before = SignIn.objects.filter(user__username="bruker1", method=SignIn.Method.CITIZEN_OIDC).count()
    start_citizen_log_in(phone, issuers["citizen"])
    assert fits_a_phone(phone), "the provider's log-in page is wider than the phone"
    provider_log_in(phone, KARI["name"], level="Betydelig")
    back_on_our_server(phone, server)

    assert phone.url == f"{server}/min-side/"
    assert h1_text(phone) == "Min side"
    assert fits_a_phone(phone)
    signed_in = SignIn.objects.filter(user__username="bruker1", method=SignIn.Method.CITIZEN_OIDC)
    assert signed_in.count() == before + 1
    assert signed_in.order_by("-at", "-pk").first().level == "idporten-loa-substantial"


def test_nina_aas_has_no_account_and_her_first_log_in_links_one(phone, server, issuers):
    from koordinator.models import ServiceUser, SignInIdentity

    nina = ServiceUser.objects.get(national_id=NINA["pid"])
    assert nina.user_id is None

    start_citizen_log_in(phone, issuers["citizen"])
    provider_log_in(phone, NINA["name"], level="Høyt")
    back_on_our_server(phone, server)

    assert phone.url == f"{server}/min-side/"
    assert h1_text(phone) == "Min side"
    nina.refresh_from_db()
    assert nina.user_id is not None
    assert (
        SignInIdentity.objects.filter(user_id=nina.user_id, provider=SignInIdentity.Provider.CITIZEN).count()
        == 1
    )
    assert not nina.user.has_usable_password()
    # She is told on arrival, and nothing asks her for a password she does not have.
    main = phone.locator("main")
    assert (
        "Kontoen din er nå koblet til ID-porten. Neste gang logger du inn på samme måte."
        in main.get_by_role("status").first.inner_text()
    )
    nav = phone.get_by_role("navigation", name="Hovedmeny")
    nav.locator("summary", has_text="Meny").click()
    assert nav.get_by_role("link", name="Endre passord").count() == 0
    nav.get_by_role("link", name="Innlogging og sikkerhet").click()
    phone.wait_for_url("**/konto/sikkerhet/")
    assert "Du logger inn med ID-porten, som har to faktorer." in main.inner_text()
    assert "passordet alene" not in main.inner_text()
    assert fits_a_phone(phone)


def test_level_low_is_refused_with_a_clear_page(phone, server, issuers):
    from koordinator.models import SignIn

    before = SignIn.objects.count()
    start_citizen_log_in(phone, issuers["citizen"])
    provider_log_in(phone, KARI["name"], level="Lavt")
    back_on_our_server(phone, server)

    assert h1_text(phone) == "Du må logge inn med et høyere sikkerhetsnivå"
    assert "/logg-inn/id-porten/tilbake/" in phone.url
    assert (
        phone.locator("main")
        .get_by_role("link", name="Prøv igjen med MinID, BankID eller Buypass")
        .is_visible()
    )
    assert fits_a_phone(phone)
    assert SignIn.objects.count() == before
    assert_logged_out(phone, server)


def test_a_number_the_service_does_not_know_gets_the_kind_page_and_nothing_is_created(phone, server, issuers):
    from koordinator.models import ServiceUser, SignIn, SignInIdentity, User

    counts = [model.objects.count() for model in (User, ServiceUser, SignInIdentity, SignIn)]
    start_citizen_log_in(phone, issuers["citizen"])
    # Typed on the provider's page, as on ID-porten's test log-in; it goes before the person picked in the list.
    provider_log_in(phone, pid=UNKNOWN["pid"], level="Betydelig")
    back_on_our_server(phone, server)

    assert h1_text(phone) == "Vi finner deg ikke hos oss"
    assert "oppfølgingstjenesten" in phone.locator("main").inner_text()
    assert UNKNOWN["pid"] not in phone.content()
    assert [model.objects.count() for model in (User, ServiceUser, SignInIdentity, SignIn)] == counts
    assert_logged_out(phone, server)


def test_staff_with_a_second_factor_reach_their_worklist(phone, server, issuers):
    from koordinator.models import SignIn

    start_staff_log_in(phone, issuers["staff"])
    provider_log_in(phone, SIGRID["name"], level="Betydelig", factor="Med andre faktor")
    back_on_our_server(phone, server)

    assert phone.url == f"{server}/arbeidsliste/"
    assert h1_text(phone) == "Min arbeidsliste"
    latest = SignIn.objects.filter(user__username="tillit1").order_by("-at", "-pk").first()
    assert (latest.method, latest.factors) == (SignIn.Method.STAFF_OIDC, "pwd otp")


def test_staff_without_a_second_factor_are_refused(phone, server, issuers):
    from koordinator.models import SignIn

    before = SignIn.objects.filter(user__username="tillit1").count()
    start_staff_log_in(phone, issuers["staff"])
    provider_log_in(phone, SIGRID["name"], level="Betydelig", factor="Uten andre faktor")
    back_on_our_server(phone, server)

    assert h1_text(phone) == "Innloggingen krever to faktorer"
    assert SignIn.objects.filter(user__username="tillit1").count() == before
    assert_logged_out(phone, server)


def test_log_out_ends_the_session_at_the_provider_too(phone, server, issuers):
    issuer = issuers["citizen"]
    start_citizen_log_in(phone, issuer)
    provider_log_in(phone, KARI["name"])
    back_on_our_server(phone, server)
    assert h1_text(phone) == "Min side"

    nav = phone.get_by_role("navigation", name="Hovedmeny")
    nav.locator("summary", has_text="Meny").click()  # on a phone the account's links are in «Meny»
    nav.get_by_role("button", name="Logg ut").click()
    phone.wait_for_url(f"{issuer}/session/end**")
    assert h1_text(phone) == "Vil du logge ut av ID-porten?"
    phone.locator("main").get_by_role("button", name="Logg ut").click()
    back_on_our_server(phone, server)

    assert phone.url.startswith(f"{server}/logget-ut/")
    assert h1_text(phone) == "Du er logget ut"
    assert_logged_out(phone, server)
    # The provider's session has ended too: ID-porten asks who is logging in again.
    phone.locator("main").get_by_role("link", name="Logg inn med ID-porten").click()
    phone.wait_for_url(f"{issuer}/interaction/**")
    assert h1_text(phone) == "Logg inn med test-ID-porten"


def test_the_providers_error_page_explains_an_unregistered_return_address_in_norwegian(phone, issuers):
    """koordinator on another port than `make oidc` was started for: the provider refuses the return address, and
    its page says what to do in Norwegian, not only the library's English."""
    query = urlencode(
        {
            "client_id": CLIENTS["citizen"][0],
            "redirect_uri": "http://127.0.0.1:1/logg-inn/id-porten/tilbake/",
            "response_type": "code",
            "scope": "openid",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        }
    )
    phone.goto(f"{issuers['citizen']}/auth?{query}")
    text = phone.locator("main").inner_text()
    assert h1_text(phone) == "Noe gikk galt"
    assert (
        "Adressen koordinator sendte deg tilbake til, er ikke registrert hos denne testleverandøren. "
        "Start make oidc med samme PORT som make run"
    ) in text
    assert "invalid_redirect_uri" in text  # the technical reason stays, after the explanation
    assert fits_a_phone(phone)


def test_the_providers_pages_can_be_used_by_label_and_pass_axe(new_page, issuers):
    """The local provider's log-in page: every choice has its label, errors are linked to their field, axe finds
    nothing serious (its CSP forbids scripts, so axe runs with the CSP bypassed)."""
    page = new_page(bypass_csp=True, **PHONE)
    start_staff_log_in(page, issuers["staff"])
    assert not (violations := axe_violations(page)), describe(violations)
    main = page.locator("main")
    main.get_by_label("Eller skriv fødselsnummer eller D-nummer").fill("123")
    main.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()
    field = main.get_by_label("Eller skriv fødselsnummer eller D-nummer")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Skriv fødselsnummeret eller D-nummeret med 11 siffer." in main.get_by_role("alert").inner_text()
    assert not (violations := axe_violations(page)), describe(violations)
