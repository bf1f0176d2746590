"""OpenID Connect log-in (issue 13, item 1–3): ID-porten for citizens, Ansattporten/Entra ID for staff.

A small OpenID provider runs in the test process on loopback (tests/koordinator/fake_oidc_provider.py: discovery,
JWKS, a token endpoint that hands out the ID token the test prepared, signed with an RSA key). The tests drive the
real views with Django's test client: the start view's redirect gives ``state`` and ``nonce`` as a browser would
carry them to the provider; the callback is then called with that state and a code.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from koordinator.models import Membership, ServiceUser, SignIn, SignInIdentity, User
from koordinator.signin import oidc
from tests import factories as f
from tests.koordinator.fake_oidc_provider import CLIENTS, FakeProviderServer, new_key

pytestmark = pytest.mark.django_db

# Synthetic test persons (demo/sign_in_persons.json): month + 80, valid check digits, never a real person.
KARI = "14838841385"  # has an account (bruker1)
NINA = "05859022172"  # followed up, no account yet
UNKNOWN = "30898214474"  # the service does not know her
BAD_DIGITS = "14838841386"  # Kari's number with a wrong last check digit
STAFF_PID = "02917923372"
SUBSTANTIAL = "idporten-loa-substantial"

REFUSED_LEVEL = "Innloggingen må være på nivå betydelig eller høyt. Logg inn med MinID, BankID eller Buypass."
REFUSED_STAFF_FACTOR = "Innloggingen for ansatte krever to faktorer"
STAFF_NO_ACCESS = "Du har ikke tilgang ennå – be systemansvarlig om å koble kontoen din"


@pytest.fixture(scope="module")
def fake_provider():
    with FakeProviderServer() as provider:
        yield provider


@pytest.fixture
def provider(fake_provider, settings):
    settings.OIDC_PROVIDERS = {
        "citizen": fake_provider.settings_block("citizen"),
        "staff": fake_provider.settings_block("staff"),
    }
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True
    cache.clear()
    fake_provider.answers.clear()
    fake_provider.token_requests.clear()
    fake_provider.issued.clear()
    yield fake_provider
    cache.clear()


@pytest.fixture
def people(db):
    municipality = f.MunicipalityFactory(name="Trondheim", number="5001")
    unit = f.OrganisationFactory(name="Oppfølgingstjenesten Øst", municipality=municipality)
    kari_user = f.UserFactory(username="bruker1", first_name="Kari", last_name="Nordmann")
    kari = f.ServiceUserFactory(
        user=kari_user, municipality=municipality, first_name="Kari", last_name="Nordmann", national_id=KARI
    )
    nina = f.ServiceUserFactory(
        municipality=municipality, first_name="Nina", last_name="Ås", national_id=NINA
    )
    staff = f.UserFactory(username="tillit1", first_name="Tone", last_name="Tillit")
    f.MembershipFactory(user=staff, organisation=unit, role=Membership.Role.TRUST_PERSON)
    SignInIdentity.objects.create(user=staff, provider="staff", subject=STAFF_PID)
    return {"kari": kari, "nina": nina, "staff": staff, "unit": unit}


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        ServiceUser.objects.count(),
        SignInIdentity.objects.count(),
        SignIn.objects.count(),
    )


def start(client, name: str = "citizen", **query) -> dict:
    """The start view's redirect to the provider, as its query's fields."""
    response = client.get(reverse(f"oidc_{name}_start"), query)
    assert response.status_code == 302, response.status_code
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def callback(client, name: str, params: dict, code: str = "kode-1", **extra):
    query = {"state": params["state"], "code": code, **extra}
    return client.get(reverse(f"oidc_{name}_callback"), {k: v for k, v in query.items() if v is not None})


def sign_in(client, provider, name: str = "citizen", *, start_query=None, token_kwargs=None, **claims):
    """Start, prepare the provider's ID token for this log-in's nonce, call back: (response, start's params)."""
    params = start(client, name, **(start_query or {}))
    provider.answer_with(name, provider.id_token(name, params["nonce"], **(token_kwargs or {}), **claims))
    return callback(client, name, params), params


def logged_in_user(client):
    return client.session.get(SESSION_KEY)


def page(response) -> str:
    return response.content.decode()


# --- the start: the authorization request ------------------------------------------------------------------------


def test_start_sends_the_code_flow_with_pkce_state_nonce_and_the_level(client, provider, people):
    response = client.get(reverse("oidc_citizen_start"))
    location = urlsplit(response["Location"])
    params = {key: values[0] for key, values in parse_qs(location.query).items()}

    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == provider.issuer("citizen") + "/authorize"
    )
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENTS["citizen"][0]
    assert params["redirect_uri"] == "http://testserver/logg-inn/id-porten/tilbake/"
    assert params["scope"] == "openid profile"
    assert params["acr_values"] == SUBSTANTIAL
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32

    # The token request proves the PKCE verifier behind that challenge.
    provider.answer_with("citizen", provider.id_token("citizen", params["nonce"], pid=KARI))
    callback(client, "citizen", params)
    token_request = provider.token_requests[-1]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(token_request["code_verifier"].encode()).digest())
    assert challenge.rstrip(b"=").decode() == params["code_challenge"]
    assert token_request["client_id"] == CLIENTS["citizen"][0]
    assert token_request["redirect_uri"] == "http://testserver/logg-inn/id-porten/tilbake/"


def test_the_staff_start_sends_no_level_when_none_is_set(client, provider, people):
    params = start(client, "staff")
    assert "acr_values" not in params
    assert params["redirect_uri"] == "http://testserver/logg-inn/ansatt/tilbake/"


def test_the_discovery_document_is_fetched_once_an_hour(client, provider, people):
    before = provider.discovery_requests
    start(client)
    start(client)
    assert provider.discovery_requests == before + 1


# --- citizens -----------------------------------------------------------------------------------------------------


def test_citizen_with_an_account_is_logged_in_and_the_log_in_recorded(client, provider, people):
    kari = people["kari"]
    response, _ = sign_in(client, provider, start_query={"next": "/min-side/"}, pid=KARI, amr=["BankID"])

    assert response.status_code == 302
    assert response["Location"] == "/min-side/"
    assert str(logged_in_user(client)) == str(kari.user.pk)
    assert client.session[oidc.SESSION_PROVIDER] == "citizen"
    assert client.session[oidc.SESSION_ID_TOKEN]
    sign_in_row = SignIn.objects.get(user=kari.user)
    assert (sign_in_row.method, sign_in_row.level, sign_in_row.factors) == (
        "citizen_oidc",
        SUBSTANTIAL,
        "BankID",
    )
    assert SignInIdentity.objects.filter(user=kari.user, provider="citizen", subject="sub-citizen").exists()
    assert client.get(reverse("my_page")).status_code == 200


def test_first_log_in_links_the_account(client, provider, people):
    nina = people["nina"]
    users, service_users, identities, sign_ins = counts()

    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub", acr="idporten-loa-high")

    assert response.status_code == 302
    nina.refresh_from_db()
    user = nina.user
    assert user is not None
    assert str(logged_in_user(client)) == str(user.pk)
    assert (user.first_name, user.last_name) == ("Nina", "Ås")
    assert user.username == "nina.as"
    assert not any(digit in user.username for digit in "0123456789")
    assert not user.has_usable_password()
    assert SignInIdentity.objects.get(provider="citizen", subject="nina-sub").user == user
    assert counts() == (users + 1, service_users, identities + 1, sign_ins + 1)
    assert SignIn.objects.get(user=user).level == "idporten-loa-high"
    assert nina.history.first().history_change_reason == "Koblet til innlogging med ID-porten"
    assert client.get(reverse("my_page")).status_code == 200


def test_second_log_in_reuses_the_linked_account(client, provider, people, django_user_model):
    sign_in(client, provider, pid=NINA, sub="nina-sub")
    user = ServiceUser.objects.get(pk=people["nina"].pk).user
    client.logout()
    users, service_users, identities, sign_ins = counts()

    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub")

    assert response.status_code == 302
    assert str(logged_in_user(client)) == str(user.pk)
    assert counts() == (users, service_users, identities, sign_ins + 1)


def test_a_log_in_through_id_porten_forgets_a_pending_password_step(client, provider, people, settings):
    """Tone typed her password (her code next) and walked away; Kari logs in through ID-porten on the same browser.
    Tone's pending step goes with Kari's log-in: Kari's session offers no code form for Tone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from koordinator.signin import second_factor
    from tests.factories import PASSWORD

    settings.DEMO_LOGIN = False
    TOTPDevice.objects.create(user=people["staff"], name="Autentiseringsapp", confirmed=True)
    client.post(reverse("login"), {"username": "tillit1", "password": PASSWORD})
    assert second_factor.PENDING_KEY in client.session

    sign_in(client, provider, pid=KARI)

    assert str(logged_in_user(client)) == str(people["kari"].user.pk)
    assert second_factor.PENDING_KEY not in client.session
    assert client.get(reverse("second_factor_verify")).url == reverse("home")


def test_a_second_person_with_the_same_name_gets_another_user_name(client, provider, people):
    f.UserFactory(username="nina.as")
    sign_in(client, provider, pid=NINA, sub="nina-sub")
    assert ServiceUser.objects.get(pk=people["nina"].pk).user.username == "nina.as2"


def test_unknown_person_gets_a_kind_page_and_nothing_is_created(client, provider, people):
    before = counts()
    response, _ = sign_in(client, provider, pid=UNKNOWN)

    assert response.status_code == 403
    text = page(response)
    assert "Vi finner deg ikke hos oss" in text
    assert "oppfølgingstjenesten i kommunen din" in text and "sentralbordet" in text
    assert UNKNOWN not in text
    assert logged_in_user(client) is None
    assert counts() == before


def test_a_national_id_with_bad_check_digits_is_refused(client, provider, people):
    before = counts()
    response, _ = sign_in(client, provider, pid=BAD_DIGITS)

    assert response.status_code == 403
    assert "Fødselsnummeret vi fikk fra innloggingstjenesten er ikke gyldig" in page(response)
    assert BAD_DIGITS not in page(response)
    assert logged_in_user(client) is None
    assert counts() == before


def test_synthetic_numbers_are_refused_where_they_are_not_accepted(client, provider, people, settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = False
    before = counts()
    response, _ = sign_in(client, provider, pid=KARI)
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


@pytest.mark.parametrize("acr", ["idporten-loa-low", "", None])
def test_a_low_level_is_refused_with_a_clear_page(client, provider, people, acr):
    before = counts()
    response, _ = sign_in(
        client,
        provider,
        pid=KARI,
        **({"acr": acr} if acr is not None else {}),
        token_kwargs={} if acr is not None else {"drop": ["acr"]},
    )

    assert response.status_code == 403
    text = page(response)
    assert REFUSED_LEVEL in text
    assert f'href="{reverse("oidc_citizen_start")}"' in text  # try again
    assert logged_in_user(client) is None
    assert counts() == before


def test_a_missing_pid_is_refused(client, provider, people):
    before = counts()
    response, _ = sign_in(client, provider, token_kwargs={"drop": ["pid"]})

    assert response.status_code == 403
    assert "sendte ikke alt vi trenger" in page(response)
    assert logged_in_user(client) is None
    assert counts() == before


def test_a_pid_whose_person_has_another_account_than_the_identity_is_refused(client, provider, people):
    other = f.UserFactory(username="en_annen")
    SignInIdentity.objects.create(user=other, provider="citizen", subject="kari-sub")
    before = counts()

    response, _ = sign_in(client, provider, pid=KARI, sub="kari-sub")

    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


def test_an_identity_linked_to_someone_else_does_not_link_a_person_without_account(client, provider, people):
    other = f.UserFactory(username="en_annen")
    SignInIdentity.objects.create(user=other, provider="citizen", subject="nina-sub")
    before = counts()

    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub")

    assert response.status_code == 403
    assert ServiceUser.objects.get(pk=people["nina"].pk).user is None
    assert counts() == before


def test_an_inactive_citizen_account_is_refused(client, provider, people):
    User.objects.filter(pk=people["kari"].user_id).update(is_active=False)
    before = counts()
    response, _ = sign_in(client, provider, pid=KARI)
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


# --- tokens that must not be believed -----------------------------------------------------------------------------


def _refused_token(client, provider, **token_kwargs):
    before = counts()
    response, _ = sign_in(client, provider, pid=KARI, **token_kwargs)
    assert response.status_code == 403
    assert "Innloggingen kunne ikke bekreftes" in page(response)
    assert logged_in_user(client) is None
    assert counts() == before
    return response


def test_a_forged_signature_is_refused(client, provider, people):
    _refused_token(client, provider, token_kwargs={"key": new_key()})


def test_a_token_signed_with_another_algorithm_is_refused(client, provider, people):
    params = start(client)
    import jwt

    token = jwt.decode(
        provider.id_token("citizen", params["nonce"], pid=KARI), options={"verify_signature": False}
    )
    provider.answer_with(
        "citizen", jwt.encode(token, provider.key, algorithm="RS512", headers={"kid": "test-key-1"})
    )
    before = counts()
    response = callback(client, "citizen", params)
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


def test_an_expired_token_is_refused(client, provider, people):
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        now = int(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC).timestamp())
        _refused_token(client, provider, iat=now - 600, exp=now - 61)


def test_a_token_just_expired_within_the_leeway_is_accepted(client, provider, people):
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        now = int(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC).timestamp())
        response, _ = sign_in(client, provider, pid=KARI, iat=now - 300, exp=now - 30)
        # Asked while the clock is still 10:00: the session's expiry is counted from then (at 22:55 the same day,
        # after the session's age, the check outside the block found no one logged in).
        assert response.status_code == 302
        assert str(logged_in_user(client)) == str(people["kari"].user_id)


def test_a_token_for_another_client_is_refused(client, provider, people):
    _refused_token(client, provider, aud="en-annen-klient")


def test_a_token_authorised_for_another_party_is_refused(client, provider, people):
    _refused_token(client, provider, aud=[CLIENTS["citizen"][0], "en-annen"], azp="en-annen")


def test_a_token_from_another_issuer_is_refused(client, provider, people):
    _refused_token(client, provider, iss=provider.issuer("staff"))


@pytest.mark.parametrize("claim", ["iat", "exp", "aud", "iss", "sub"])
def test_a_token_without_a_required_claim_is_refused(client, provider, people, claim):
    _refused_token(client, provider, token_kwargs={"drop": [claim]})


def test_a_token_for_another_log_in_is_refused_by_its_nonce(client, provider, people):
    params = start(client)
    provider.answer_with("citizen", provider.id_token("citizen", "en-annen-nonce", pid=KARI))
    before = counts()
    response = callback(client, "citizen", params)
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


@pytest.mark.parametrize(("status", "expected"), [(400, 403), (500, 503)])
def test_a_failed_token_exchange_is_a_clear_page(client, provider, people, status, expected):
    params = start(client)
    provider.answers["citizen"] = status
    before = counts()
    response = callback(client, "citizen", params)
    assert response.status_code == expected
    assert "Du er ikke logget inn" in page(response)
    assert counts() == before


# --- tampered callbacks -------------------------------------------------------------------------------------------


def test_a_replayed_state_is_refused(client, provider, people):
    response, params = sign_in(client, provider, pid=KARI)
    assert response.status_code == 302
    after_first = counts()
    client.logout()

    provider.answer_with("citizen", provider.id_token("citizen", params["nonce"], pid=KARI))
    replay = callback(client, "citizen", params)

    assert replay.status_code == 400
    assert "Innloggingen kunne ikke fullføres" in page(replay)
    assert logged_in_user(client) is None
    assert counts() == after_first
    assert provider.answers  # the token endpoint was never asked


@pytest.mark.parametrize(
    "query",
    [
        {"code": "kode-1"},  # no state
        {"state": "ukjent-tilstand", "code": "kode-1"},  # a state we never issued
        {"state": "STATE"},  # no code
        {},
    ],
)
def test_a_tampered_callback_is_refused(client, provider, people, query):
    params = start(client)
    query = {key: (params["state"] if value == "STATE" else value) for key, value in query.items()}
    before = counts()
    response = client.get(reverse("oidc_citizen_callback"), query)
    assert response.status_code == 400
    assert "Innloggingen kunne ikke fullføres" in page(response)
    assert logged_in_user(client) is None
    assert counts() == before
    assert not provider.token_requests


def test_an_error_from_the_provider_is_a_clear_page_and_uses_up_the_state(client, provider, people):
    params = start(client)
    before = counts()
    response = client.get(
        reverse("oidc_citizen_callback"), {"state": params["state"], "error": "access_denied"}
    )
    assert response.status_code == 403
    assert "Innloggingen ble avbrutt" in page(response)
    assert params["state"] not in client.session.get("oidc_states", {})
    provider.answer_with("citizen", provider.id_token("citizen", params["nonce"], pid=KARI))
    assert callback(client, "citizen", params).status_code == 400
    assert counts() == before


def test_a_state_from_one_provider_is_not_accepted_by_the_other(client, provider, people):
    params = start(client, "citizen")
    provider.answer_with(
        "staff", provider.id_token("staff", params["nonce"], pid=STAFF_PID, amr=["pwd", "otp"])
    )
    before = counts()
    response = callback(client, "staff", params)
    assert response.status_code == 400
    assert logged_in_user(client) is None
    assert counts() == before


def test_the_provider_being_unreachable_is_a_clear_page(client, provider, people, settings):
    settings.OIDC_PROVIDERS = {
        **settings.OIDC_PROVIDERS,
        "citizen": provider.settings_block("citizen", issuer="http://127.0.0.1:9/citizen"),
    }
    response = client.get(reverse("oidc_citizen_start"))
    assert response.status_code == 503
    assert "Innloggingen virker ikke akkurat nå" in page(response)


def test_a_discovery_document_for_another_issuer_is_not_used(client, provider, people, settings):
    # Configured with a trailing slash: the document's ``issuer`` is not exactly the configured one.
    settings.OIDC_PROVIDERS = {
        **settings.OIDC_PROVIDERS,
        "citizen": provider.settings_block("citizen", issuer=provider.issuer("citizen") + "/"),
    }
    response = client.get(reverse("oidc_citizen_start"))
    assert response.status_code == 503


# --- staff ----------------------------------------------------------------------------------------------------------


def test_staff_with_a_second_factor_is_logged_in(client, provider, people):
    staff = people["staff"]
    response, _ = sign_in(
        client, provider, "staff", pid=STAFF_PID, acr="idporten-loa-low", amr=["pwd", "otp"]
    )

    assert response.status_code == 302
    assert str(logged_in_user(client)) == str(staff.pk)
    assert client.session[oidc.SESSION_PROVIDER] == "staff"
    row = SignIn.objects.get(user=staff)
    assert (row.method, row.level, row.factors) == ("staff_oidc", "idporten-loa-low", "pwd otp")
    assert client.get(reverse("worklist")).status_code == 200


def test_staff_with_a_level_that_implies_two_factors_is_logged_in(client, provider, people):
    response, _ = sign_in(client, provider, "staff", pid=STAFF_PID, acr=SUBSTANTIAL, amr=["Minid-PIN"])
    assert response.status_code == 302
    assert str(logged_in_user(client)) == str(people["staff"].pk)


def test_staff_matched_on_another_claim_as_configured(client, provider, people, settings):
    settings.OIDC_PROVIDERS["staff"]["subject_claim"] = "oid"
    SignInIdentity.objects.create(user=f.UserFactory(username="entra"), provider="staff", subject="oid-123")
    response, _ = sign_in(client, provider, "staff", oid="oid-123", amr=["pwd", "mfa"], acr="")
    assert response.status_code == 302
    assert User.objects.get(pk=logged_in_user(client)).username == "entra"


def test_staff_without_a_second_factor_is_refused(client, provider, people):
    before = counts()
    response, _ = sign_in(client, provider, "staff", pid=STAFF_PID, acr="idporten-loa-low", amr=["pwd"])

    assert response.status_code == 403
    assert REFUSED_STAFF_FACTOR in page(response)
    assert logged_in_user(client) is None
    assert counts() == before


def test_staff_with_an_unknown_subject_is_refused_and_nothing_is_created(client, provider, people):
    before = counts()
    response, _ = sign_in(client, provider, "staff", pid="09817130760", amr=["pwd", "otp"])

    assert response.status_code == 403
    assert STAFF_NO_ACCESS in page(response)
    assert logged_in_user(client) is None
    assert counts() == before


def test_a_service_users_account_is_refused_on_the_staff_provider(client, provider, people):
    SignInIdentity.objects.create(user=people["kari"].user, provider="staff", subject="kari-ansatt")
    before = counts()
    response, _ = sign_in(client, provider, "staff", pid="kari-ansatt", amr=["pwd", "otp"])

    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


def test_an_inactive_staff_account_is_refused(client, provider, people):
    User.objects.filter(pk=people["staff"].pk).update(is_active=False)
    before = counts()
    response, _ = sign_in(client, provider, "staff", pid=STAFF_PID, amr=["pwd", "otp"])
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert counts() == before


def test_the_backend_never_answers_a_password_log_in(provider, people):
    request = RequestFactory().post("/logg-inn/")
    assert oidc.OIDCBackend().authenticate(request, username="tillit1", password="x") is None
    assert oidc.OIDCBackend().authenticate(request, nonce="n", code_verifier="v") is None  # no provider
    request.oidc_provider = "citizen"
    assert oidc.OIDCBackend().authenticate(request, username="tillit1", password="x") is None  # no nonce


def test_a_corrected_number_unlinks_the_id_porten_identity_that_came_with_the_wrong_one(client, provider, world):
    """Kari's record had Nina's number by mistake, so Nina's ID-porten log-in was linked to Kari's account. Staff put
    it right; Nina's identity no longer belongs to Kari's account, and Nina, once registered, gets in to her own."""
    from koordinator.signin import national_id

    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=NINA)
    sign_in(client, provider, pid=NINA, sub="nina-sub")
    assert str(logged_in_user(client)) == str(world.owner.pk)  # the mistake: Nina in Kari's account
    client.logout()

    world.owner_su.refresh_from_db()
    national_id.set_national_id(world.trust_person, world.owner_su, KARI)
    assert not SignInIdentity.objects.filter(user=world.owner, provider="citizen").exists()
    nina = f.ServiceUserFactory(municipality=world.municipality, first_name="Nina", last_name="Ås", national_id=NINA)

    response, _ = sign_in(client, provider, pid=NINA, sub="nina-sub")
    assert response.status_code == 302
    nina.refresh_from_db()
    assert nina.user_id is not None and str(logged_in_user(client)) == str(nina.user_id) != str(world.owner.pk)
    client.logout()
    # Kari's own ID-porten identity is linked at her next log-in.
    response, _ = sign_in(client, provider, pid=KARI, sub="kari-sub")
    assert str(logged_in_user(client)) == str(world.owner.pk)


# --- django-axes: a refused OpenID log-in is no password guessed --------------------------------------------------


def refuse_five_times(client, provider):
    """Five refusals of every kind from one address: unknown person, level too low, staff without a second factor,
    a forged token, a token for another log-in."""
    sign_in(client, provider, pid=UNKNOWN)
    sign_in(client, provider, pid=KARI, acr="idporten-loa-low")
    sign_in(client, provider, "staff", pid=STAFF_PID, acr="idporten-loa-low", amr=["pwd"])
    sign_in(client, provider, pid=KARI, token_kwargs={"key": new_key()})
    params = start(client)
    provider.answer_with("citizen", provider.id_token("citizen", "en-annen-nonce", pid=KARI))
    callback(client, "citizen", params)


def test_refused_openid_log_ins_do_not_lock_out_the_address(client, provider, people, settings):
    """A shared computer (a library, the municipality's network): five people the service does not know, or who
    chose too low a level, must not lock everyone there out of the password log-in for a quarter of an hour."""
    from axes.models import AccessAttempt

    from tests.factories import PASSWORD

    assert settings.AXES_FAILURE_LIMIT <= 5
    refuse_five_times(client, provider)
    assert logged_in_user(client) is None
    assert not AccessAttempt.objects.exists()

    response = client.post(reverse("login"), {"username": "bruker1", "password": PASSWORD})
    assert response.status_code == 302
    assert str(logged_in_user(client)) == str(people["kari"].user.pk)


def test_openid_log_in_works_from_an_address_locked_out_by_wrong_passwords(client, provider, people, settings):
    """The lock-out guards passwords; at the callback there is none to guess."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "tillit1", "password": "feil-passord"})
    assert client.post(reverse("login"), {"username": "bruker1", "password": "feil"}).status_code == 429

    response, _ = sign_in(client, provider, pid=KARI)
    assert response.status_code == 302
    assert str(logged_in_user(client)) == str(people["kari"].user.pk)


def test_wrong_passwords_still_count_after_refused_openid_log_ins(client, provider, people, settings):
    from tests.factories import PASSWORD

    refuse_five_times(client, provider)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bruker1", "password": "feil-passord"})
    assert client.post(reverse("login"), {"username": "bruker1", "password": PASSWORD}).status_code == 429
    assert logged_in_user(client) is None


# --- log-out ------------------------------------------------------------------------------------------------------


def test_log_out_ends_the_providers_session_too(client, provider, people):
    """RP-initiated log-out: our session ends, then the browser goes on at once to the provider's end-session
    address with the ID token as hint, our «Du er logget ut» as the way back, and our client id.

    A page that refreshes at once, not a 302: the log-out is a form, and the CSP's form-action 'self' makes
    Chromium refuse a form submission redirected to another site.
    """
    sign_in(client, provider, pid=KARI)
    id_token = client.session[oidc.SESSION_ID_TOKEN]

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "form-action 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    text = page(response)
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', text)
    assert refresh, text
    url = html.unescape(refresh.group(1))
    assert (
        f'href="{refresh.group(1)}"' in text
    )  # the same address as a link, for a browser that does not refresh
    location = urlsplit(url)
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == provider.issuer("citizen") + "/endsession"
    )
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver/logget-ut/",
        "client_id": CLIENTS["citizen"][0],
    }
    assert "ID-porten" in text
    assert logged_in_user(client) is None
    assert client.get(reverse("my_page")).status_code == 302  # asked to log in again

    logged_out = client.get(reverse("logged_out"))
    assert logged_out.status_code == 200
    assert "Du er logget ut" in page(logged_out)
    assert f'href="{reverse("login")}"' in page(logged_out)


def test_log_out_without_the_providers_end_session_only_ends_ours(client, provider, people, settings):
    sign_in(client, provider, pid=KARI)
    settings.OIDC_PROVIDERS = {
        **settings.OIDC_PROVIDERS,
        "citizen": provider.settings_block("citizen", issuer=""),
    }
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None


def test_log_out_of_a_password_session_is_as_before(client, provider, people):
    client.force_login(people["staff"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None


# --- a provider that is off; the log-in page ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["citizen", "staff"])
def test_a_provider_that_is_off_is_a_404_and_nothing_happens(client, provider, people, settings, name):
    settings.OIDC_PROVIDERS = {**settings.OIDC_PROVIDERS, name: provider.settings_block(name, issuer="")}
    before = (provider.discovery_requests, counts())
    for url_name in (f"oidc_{name}_start", f"oidc_{name}_callback"):
        response = client.get(reverse(url_name), {"state": "x", "code": "y"})
        assert response.status_code == 404
        assert "Du har ikke tilgang til dette, eller det finnes ikke" in page(response)
    assert "oidc_states" not in client.session
    assert (provider.discovery_requests, counts()) == before


def test_the_log_in_page_offers_the_providers_that_are_on(client, provider, people, settings):
    text = page(client.get(reverse("login"), {"next": "/min-side/"}))
    assert "Logg inn med ID-porten" in text
    assert f'href="{reverse("oidc_citizen_start")}?next=/min-side/"' in text
    assert "Ansatt? Logg inn med Ansattporten" in text
    assert f'href="{reverse("oidc_staff_start")}?next=/min-side/"' in text
    assert "Logg inn med brukernavn og passord" in text
    assert (
        text.index("Logg inn med ID-porten") < text.index("Ansatt? Logg inn") < text.index('name="username"')
    )

    settings.OIDC_PROVIDERS = {
        name: provider.settings_block(name, issuer="") for name in ("citizen", "staff")
    }
    text = page(client.get(reverse("login")))
    assert "ID-porten" not in text and "Ansattporten" not in text
    assert 'name="username"' in text and 'name="password"' in text


# --- the log says what happened, never who ------------------------------------------------------------------------


def test_the_log_never_has_the_national_id_or_a_token(client, provider, people, caplog):
    caplog.set_level(logging.DEBUG)
    for pid, claims in [(UNKNOWN, {}), (BAD_DIGITS, {}), (KARI, {"acr": "idporten-loa-low"}), (NINA, {})]:
        sign_in(client, provider, pid=pid, **claims)
        client.logout()
    response, _ = sign_in(client, provider, pid=KARI, token_kwargs={"key": new_key()})
    assert response.status_code == 403
    response, _ = sign_in(client, provider, pid=KARI, aud="en-annen-klient")
    assert response.status_code == 403

    text = caplog.text
    assert "refused: unknown_person" in text
    assert "refused: bad_national_id" in text
    assert "refused: low_level" in text
    assert "refused: invalid_token" in text
    for number in (KARI, NINA, UNKNOWN, BAD_DIGITS):
        assert number not in text
        assert f"{number[:6]} {number[6:]}" not in text
    assert len(provider.issued) == 6
    for token in provider.issued:
        header, payload, signature = token.split(".")
        assert payload not in text and signature not in text
