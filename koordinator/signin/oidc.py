"""OpenID Connect log-in: ID-porten for citizens, Ansattporten or the municipality's Entra ID for staff.

The protocol is mozilla-django-oidc's (authorization code flow, PKCE S256, ``state`` and ``nonce``, the ID
token's signature from the provider's JWKS); this module only makes it serve two providers and adds the rules:

- Each provider (``settings.OIDC_PROVIDERS["citizen"]`` / ``["staff"]``) is on when its issuer is set. Its
  endpoints come from the issuer's discovery document (``{issuer}/.well-known/openid-configuration``, cached for
  an hour; its ``issuer`` must be the configured one). The views and the backend read the provider's settings
  through ``get_settings`` (mozilla's hook), so mozilla's code runs unchanged.
- The ID token is checked on top of mozilla's signature and nonce check: the configured ``alg``, ``iss`` equal to
  the issuer, our client id in ``aud`` (and in ``azp`` when sent), ``exp`` in the future and ``iat`` present
  (60 seconds' leeway). The claims come from the ID token itself.
- Citizens: ``acr`` must be an accepted level (ID-porten's substantial or high); the ``pid`` claim is checked
  (python-stdnum) and matched to ``ServiceUser.national_id``. A known person's first log-in makes their account
  and links it (``SignInIdentity``); someone the service does not know gets a kind page and nothing is created.
- Staff: a second factor (``acr`` or ``amr``), and an identity the administrator has provisioned
  (``SignInIdentity(provider="staff", subject=<the subject claim>)``); nothing is created.
- Every refusal is a clear Norwegian page and one log line with the provider and a reason code: never the
  national identity number, never a token.

Log-out is RP-initiated: after ``koordinator.views.auth.LogoutView`` has ended our session, ``end_session`` and
``leave_for_end_session`` send the browser to the provider's ``end_session_endpoint`` with the ID token as hint
(a page that goes on at once: the CSP's ``form-action 'self'`` stops a log-out form redirected to another site),
and the provider sends it back to ``/logget-ut/``.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from koordinator.models import ServiceUser, SignIn, SignInIdentity
from koordinator.signin.events import record_sign_in
from koordinator.signin.second_factor import PENDING_KEY as PENDING_SECOND_FACTOR
from koordinator.toolkit.national_id import compact, validate_national_id
from koordinator.toolkit.services import save_with_history

logger = logging.getLogger(__name__)

CITIZEN = SignInIdentity.Provider.CITIZEN.value
STAFF = SignInIdentity.Provider.STAFF.value
PROVIDERS = (CITIZEN, STAFF)
METHODS = {CITIZEN: SignIn.Method.CITIZEN_OIDC, STAFF: SignIn.Method.STAFF_OIDC}

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 60 * 60
# Clock skew allowed between the provider and us when checking ``exp`` and ``iat``.
LEEWAY_SECONDS = 60
# What the session remembers of an OpenID log-in, for the log-out (``oidc_id_token`` is mozilla's own key).
SESSION_PROVIDER = "oidc_provider"
SESSION_ID_TOKEN = "oidc_id_token"

# The endpoints mozilla asks for by setting name, and where the discovery document has them.
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
_REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# mozilla's settings that come from the provider's own block of ``OIDC_PROVIDERS``.
_FROM_PROVIDER = {
    "OIDC_RP_CLIENT_ID": "client_id",
    "OIDC_RP_CLIENT_SECRET": "client_secret",
    "OIDC_RP_SCOPES": "scopes",
    "OIDC_RP_SIGN_ALGO": "sign_algo",
}
# mozilla's settings that are the same for both providers: what the issue requires, not left to defaults.
_FIXED = {
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_CREATE_USER": False,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_RP_IDP_SIGN_KEY": None,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched, or is not the configured issuer's."""


class Refused(Exception):
    """A log-in that must not succeed; ``reason`` is a key of ``REFUSALS`` (no personal data in it)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# --- the providers' settings ----------------------------------------------------------------------------------


def provider_config(name: str) -> dict:
    return (getattr(settings, "OIDC_PROVIDERS", {}) or {}).get(name) or {}


def is_enabled(name: str) -> bool:
    return name in PROVIDERS and bool(provider_config(name).get("issuer"))


def enabled_providers() -> list[dict]:
    """The providers that are on, for the log-in page: name, label and the start URL's name."""
    return [
        {"name": name, "label": provider_config(name).get("label") or name, "url_name": f"oidc_{name}_start"}
        for name in PROVIDERS
        if is_enabled(name)
    ]


def _cache_key(issuer: str) -> str:
    return "oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()


def discovery(name: str) -> dict:
    """The provider's discovery document (fetched once an hour), checked to be the configured issuer's."""
    issuer = provider_config(name).get("issuer") or ""
    if not issuer:
        raise ProviderUnavailable("off")
    key = _cache_key(issuer)
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(
            issuer.rstrip("/") + DISCOVERY_PATH,
            timeout=getattr(settings, "OIDC_TIMEOUT", 10),
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC %s: the discovery document could not be fetched (%s)", name, type(exc).__name__)
        raise ProviderUnavailable("fetch") from exc
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        logger.warning("OIDC %s: the discovery document names another issuer than the configured one", name)
        raise ProviderUnavailable("issuer")
    if not all(isinstance(document.get(field), str) and document[field] for field in _REQUIRED_ENDPOINTS):
        logger.warning("OIDC %s: the discovery document lacks an endpoint", name)
        raise ProviderUnavailable("endpoints")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def provider_setting(name: str, attr: str, *default):
    """mozilla's setting ``attr`` for provider ``name`` (its ``get_settings``): the provider's, else Django's."""
    config = provider_config(name)
    if attr in _FROM_PROVIDER:
        return config.get(_FROM_PROVIDER[attr]) or (default[0] if default else "")
    if attr in _ENDPOINTS:
        return discovery(name).get(_ENDPOINTS[attr]) or (default[0] if default else None)
    if attr in _FIXED:
        return _FIXED[attr]
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return f"oidc_{name}_callback"
    if attr == "OIDC_TIMEOUT":
        return getattr(settings, "OIDC_TIMEOUT", 10)
    return import_from_settings(attr, *default)


class ProviderSettingsMixin:
    """mozilla's ``get_settings`` (a static method there) answered from this provider's settings."""

    provider: str = ""

    def get_settings(self, attr, *args):
        return provider_setting(self.provider, attr, *args)


# --- the pages a refused log-in gets ----------------------------------------------------------------------------

_TRY_AGAIN = _("Prøv å logge inn på nytt. Skjer det igjen, kan du ta kontakt med tjenesten.")

REFUSALS: dict[str, dict] = {
    # A callback that is not the answer to a log-in started here: no state, an old or used one, no code.
    "bad_callback": {
        "status": 400,
        "title": _("Innloggingen kunne ikke fullføres"),
        "lead": _(
            "Svaret fra innloggingstjenesten var ufullstendig, for gammelt eller allerede brukt. Du er ikke logget inn."
        ),
        "text": _TRY_AGAIN,
        "retry": True,
    },
    # The provider sent ``error=`` (the person cancelled, or the provider refused).
    "provider_error": {
        "status": 403,
        "title": _("Innloggingen ble avbrutt"),
        "lead": _("Innloggingstjenesten fullførte ikke innloggingen. Du er ikke logget inn."),
        "text": _("Ville du logge inn, kan du prøve på nytt."),
        "retry": True,
    },
    # A forged, expired or wrong ID token, or a failed token exchange.
    "invalid_token": {
        "status": 403,
        "title": _("Innloggingen kunne ikke bekreftes"),
        "lead": _("Vi kunne ikke bekrefte svaret fra innloggingstjenesten. Du er ikke logget inn."),
        "text": _TRY_AGAIN,
        "retry": True,
    },
    "missing_claim": {
        "status": 403,
        "title": _("Innloggingen kunne ikke bekreftes"),
        "lead": _(
            "Innloggingstjenesten sendte ikke alt vi trenger for å vite hvem du er. Du er ikke logget inn."
        ),
        "text": _TRY_AGAIN,
        "retry": True,
    },
    "unavailable": {
        "status": 503,
        "title": _("Innloggingen virker ikke akkurat nå"),
        "lead": _("Vi får ikke kontakt med innloggingstjenesten. Du er ikke logget inn."),
        "text": _("Prøv igjen om litt. Haster det, kan du ringe tjenesten."),
        "retry": True,
    },
    "low_level": {
        "status": 403,
        "title": _("Du må logge inn med et høyere sikkerhetsnivå"),
        "lead": _(
            "Innloggingen må være på nivå betydelig eller høyt. Logg inn med MinID, BankID eller Buypass."
        ),
        "text": _(
            "Opplysningene her er helseopplysninger og andre personlige opplysninger, og de krever en sikker innlogging."
        ),
        "retry": True,
        "retry_label": _("Prøv igjen med MinID, BankID eller Buypass"),
    },
    "bad_national_id": {
        "status": 403,
        "title": _("Innloggingen kunne ikke bekreftes"),
        "lead": _("Fødselsnummeret vi fikk fra innloggingstjenesten er ikke gyldig. Du er ikke logget inn."),
        "text": _("Ta kontakt med oppfølgingstjenesten i kommunen din, så hjelper de deg."),
        "retry": False,
    },
    # Someone the service does not know: nothing is created.
    "unknown_person": {
        "status": 403,
        "title": _("Vi finner deg ikke hos oss"),
        "lead": _(
            "Du er logget inn hos ID-porten, men du er ikke registrert hos oppfølgingstjenesten her. Derfor kan du ikke logge inn ennå."
        ),
        "text": _(
            "Får du oppfølging, eller skal du få det? Ta kontakt med oppfølgingstjenesten i kommunen din, eller ring sentralbordet i kommunen og be om å få snakke med oppfølgingstjenesten. De kan registrere deg, og så kan du logge inn."
        ),
        "retry": False,
    },
    # The ``pid`` belongs to a person whose account is not the one this ID-porten identity is linked to.
    "identity_mismatch": {
        "status": 403,
        "title": _("Innloggingen kunne ikke kobles til kontoen din"),
        "lead": _(
            "ID-porten-innloggingen din er koblet til en annen konto enn den vi har registrert for deg. Du er ikke logget inn."
        ),
        "text": _("Ta kontakt med oppfølgingstjenesten i kommunen din, så retter de det."),
        "retry": False,
    },
    "inactive": {
        "status": 403,
        "title": _("Kontoen din er stengt"),
        "lead": _("Kontoen din kan ikke brukes til å logge inn nå. Du er ikke logget inn."),
        "text": _("Ta kontakt med lederen din eller tjenesten hvis du mener dette er feil."),
        "retry": False,
    },
    "no_second_factor": {
        "status": 403,
        "title": _("Innloggingen krever to faktorer"),
        "lead": _(
            "Innloggingen for ansatte krever to faktorer, for eksempel passord og en kode fra en app eller BankID. Du er ikke logget inn."
        ),
        "text": _(
            "Logg inn på nytt og bruk to faktorer. Har du ikke satt opp en andre faktor, spør systemansvarlig hvordan du gjør det."
        ),
        "retry": True,
    },
    "staff_unknown": {
        "status": 403,
        "title": _("Du har ikke tilgang ennå – be systemansvarlig om å koble kontoen din"),
        "lead": _(
            "Du er logget inn hos innloggingstjenesten, men kontoen din er ikke koblet til en konto her. Du er ikke logget inn."
        ),
        "text": _("Be systemansvarlig i kommunen om å koble kontoen din. Så kan du logge inn."),
        "retry": False,
    },
    # An account that belongs to a service user may not log in as staff.
    "staff_service_user": {
        "status": 403,
        "title": _("Denne kontoen kan ikke logge inn som ansatt"),
        "lead": _("Kontoen din hører til en som får oppfølging, ikke til en ansatt. Du er ikke logget inn."),
        "text": _(
            "Får du oppfølging, logg inn med ID-porten. Er du ansatt, be systemansvarlig om å koble riktig konto."
        ),
        "retry": False,
    },
    "failed": {
        "status": 403,
        "title": _("Innloggingen kunne ikke fullføres"),
        "lead": _("Du er ikke logget inn."),
        "text": _TRY_AGAIN,
        "retry": True,
    },
}


def refusal_page(request: HttpRequest, provider: str, reason: str):
    """The clear page for a refused log-in, and one log line with the provider and the reason (nothing else)."""
    refusal = REFUSALS.get(reason) or REFUSALS["failed"]
    return render(
        request,
        "registration/signin_refused.html",
        {
            "refusal": refusal,
            "reason": reason,
            "provider_label": provider_config(provider).get("label") or provider,
            "retry_url": reverse(f"oidc_{provider}_start")
            if refusal.get("retry") and is_enabled(provider)
            else "",
        },
        status=refusal["status"],
    )


def _log_refusal(provider: str, reason: str, detail: str = "") -> None:
    logger.warning("OIDC %s log-in refused: %s%s", provider, reason, f" ({detail})" if detail else "")


# --- the views --------------------------------------------------------------------------------------------------


class OIDCStartView(ProviderSettingsMixin, OIDCAuthenticationRequestView):
    """``/logg-inn/id-porten/`` and ``/logg-inn/ansatt/``: off → 404; else to the provider (mozilla's ``get``)."""

    def __init__(self, **kwargs):
        # mozilla reads the authorization endpoint here; ours comes from discovery, after the provider is known to
        # be on (in ``get``).
        View.__init__(self, **kwargs)

    def get(self, request):
        if not is_enabled(self.provider):
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            _log_refusal(self.provider, "unavailable", "discovery")
            return refusal_page(request, self.provider, "unavailable")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response = super().get(request)
        # The state is bound to this provider: a callback at the other provider's address does not accept it.
        state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
        states = request.session.get("oidc_states") or {}
        if state in states:
            states[state]["provider"] = self.provider
            request.session.modified = True
        return response

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request) or {})
        acr_values = provider_config(self.provider).get("acr_values")
        if acr_values:
            params["acr_values"] = acr_values
        return params


class OIDCCallbackView(ProviderSettingsMixin, OIDCAuthenticationCallbackView):
    """``…/tilbake/``: checks the callback itself, then mozilla's ``get`` (token, signature, nonce, the backend)."""

    def get(self, request):
        if not is_enabled(self.provider):
            raise Http404
        state = request.GET.get("state") or ""
        states = request.session.get("oidc_states")
        known = isinstance(states, dict) and state in states
        if request.GET.get("error"):
            if known:  # used up, as mozilla does, so it cannot be replayed
                del states[state]
                request.session.modified = True
            if request.user.is_authenticated:
                auth.logout(request)
            _log_refusal(self.provider, "provider_error", _error_code(request.GET.get("error")))
            return refusal_page(request, self.provider, "provider_error")
        if not request.GET.get("code") or not known:
            _log_refusal(self.provider, "bad_callback", "no code" if known else "unknown or used state")
            return refusal_page(request, self.provider, "bad_callback")
        if states[state].get("provider") != self.provider:
            del states[state]
            request.session.modified = True
            _log_refusal(self.provider, "bad_callback", "state from the other provider")
            return refusal_page(request, self.provider, "bad_callback")
        # The backend answers only for this request's provider (and never for a password log-in).
        request.oidc_provider = self.provider
        return super().get(request)

    def login_failure(self):
        return refusal_page(
            self.request, self.provider, getattr(self.request, "oidc_refusal", "") or "failed"
        )

    def login_success(self):
        request = self.request
        next_url = request.session.get("oidc_login_next")
        claims = getattr(request, "oidc_claims", {}) or {}
        # Always a fresh session key (django.contrib.auth.login); another user's session is flushed by it.
        auth.login(request, self.user)
        request.session.pop("oidc_login_next", None)
        # A password step on this browser waiting for its code (someone else's, perhaps) ends with this log-in.
        request.session.pop(PENDING_SECOND_FACTOR, None)
        request.session[SESSION_PROVIDER] = self.provider
        id_token = getattr(request, "oidc_id_token", None)
        if id_token:
            request.session[SESSION_ID_TOKEN] = id_token
        record_sign_in(
            self.user, METHODS[self.provider], level=claims.get("acr", ""), factors=claims.get("amr", ())
        )
        logger.info("OIDC %s log-in: user %s", self.provider, self.user.pk)
        if getattr(request, "oidc_linked", False):
            # The first log-in through ID-porten linked the account: say so on arrival.
            messages.success(
                request,
                _("Kontoen din er nå koblet til %(provider)s. Neste gang logger du inn på samme måte.")
                % {"provider": provider_config(self.provider).get("label") or self.provider},
            )
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def axes_whitelisted(request, credentials=None) -> bool:
    """django-axes's ``AXES_WHITELIST_CALLABLE``: the two OpenID callbacks are no password log-ins.

    Nothing is guessed at a callback (the provider has checked the person; the state, the nonce and the code are
    single-use), so a refused OpenID log-in (someone the service does not know, a level too low, a tampered
    callback …) is not counted as a failed log-in: five of them on a library computer or the municipality's shared
    network would otherwise lock everyone there out of the password log-in too. And a lock-out earned by wrong
    passwords does not stop a log-in through the provider. Wrong passwords and codes still count as before.
    ``request.oidc_provider`` is set only by ``OIDCCallbackView``, just before it asks the backends.
    """
    return getattr(request, "oidc_provider", None) in PROVIDERS


def _error_code(value: str | None) -> str:
    """The provider's ``error`` for the log, only if it is one of OAuth's and OpenID's own codes."""
    known = {
        "access_denied",
        "login_required",
        "consent_required",
        "interaction_required",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "account_selection_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
        "cancel",
    }
    return value if value in known else "other"


class LoggedOutView(TemplateView):
    """``/logget-ut/``: where the provider sends the browser after an RP-initiated log-out."""

    template_name = "registration/signin_logged_out.html"


# --- the backend ------------------------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def has_second_factor(claims: dict, config: dict) -> bool:
    """Staff: ``acr`` is a level that implies two factors, or ``amr`` names a second factor."""
    acr = claims.get("acr")
    if isinstance(acr, str) and acr in (config.get("accepted_acr") or []):
        return True
    return bool(set(_as_list(claims.get("amr"))) & set(config.get("second_factor_amr") or []))


class OIDCBackend(ProviderSettingsMixin, OIDCAuthenticationBackend):
    """Answers only a callback of one of our providers (``request.oidc_provider``); None for anything else."""

    def __init__(self, *args, **kwargs):
        # mozilla reads the endpoints here; ours depend on the request's provider (``authenticate``).
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        provider = getattr(request, "oidc_provider", None) if request is not None else None
        if provider not in PROVIDERS or not is_enabled(provider) or "nonce" not in kwargs:
            return None
        self.provider = provider
        try:
            self._load_provider()
            return super().authenticate(request, **kwargs)
        except Refused as exc:
            reason, detail = exc.reason, exc.detail
        except ProviderUnavailable:
            reason, detail = "unavailable", "discovery"
        except requests.HTTPError as exc:
            status = getattr(exc.response, "status_code", 0) or 0
            reason, detail = (
                ("invalid_token" if 400 <= status < 500 else "unavailable"),
                f"token endpoint {status}",
            )
        except requests.RequestException as exc:
            reason, detail = "unavailable", type(exc).__name__
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError, TypeError, AttributeError) as exc:
            reason, detail = "invalid_token", type(exc).__name__
        except IntegrityError:
            reason, detail = "failed", "linked at the same time elsewhere"
        request.oidc_refusal = reason
        _log_refusal(provider, reason, detail)
        return None

    def _load_provider(self) -> None:
        """What mozilla's ``__init__`` reads, for this request's provider."""
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT", None)
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = self.get_settings("OIDC_RP_IDP_SIGN_KEY", None)

    def _verify_jws(self, payload, key):
        """mozilla's check (the configured ``alg``, the signature) with the claims checked too, in one decode."""
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise Refused("invalid_token", "alg")
        config = provider_config(self.provider)
        claims = jwt.decode(
            payload,
            key,
            algorithms=[alg],
            audience=config["client_id"],
            issuer=config["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
        if "azp" in claims and claims["azp"] != config["client_id"]:
            raise Refused("invalid_token", "azp")
        return claims

    def store_tokens(self, access_token, id_token):
        # Kept on the request until the log-in succeeds (the view puts it in the new session), so a refused
        # log-in leaves no token in the session.
        if self.get_settings("OIDC_STORE_ID_TOKEN", False):
            self.request.oidc_id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        # The claims are the verified ID token's (ID-porten and Ansattporten put pid, acr and amr in it).
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.request.oidc_claims = {"acr": claims.get("acr") or "", "amr": _as_list(claims.get("amr"))}
        if self.provider == CITIZEN:
            return self._citizen(claims)
        return self._staff(claims)

    # Citizens -------------------------------------------------------------------------------------------------

    def _citizen(self, claims: dict):
        config = provider_config(CITIZEN)
        acr = claims.get("acr")
        if not isinstance(acr, str) or acr not in (config.get("accepted_acr") or []):
            raise Refused("low_level")
        pid = claims.get(config.get("subject_claim") or "pid")
        if not isinstance(pid, str) or not pid.strip():
            raise Refused("missing_claim", "subject claim")
        try:
            validate_national_id(pid)
        except ValidationError as exc:
            raise Refused("bad_national_id") from exc
        pid = compact(pid)
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise Refused("missing_claim", "sub")
        person = ServiceUser.objects.select_related("user").filter(national_id=pid).first()
        if person is None:
            raise Refused("unknown_person")
        identity = SignInIdentity.objects.filter(provider=CITIZEN, subject=subject).first()
        if person.user_id is None:
            if identity is not None:
                raise Refused("identity_mismatch")
            self.request.oidc_linked = True
            return link_citizen(person, subject)
        if identity is not None and identity.user_id != person.user_id:
            raise Refused("identity_mismatch")
        if not person.user.is_active:
            raise Refused("inactive")
        if identity is None:
            SignInIdentity.objects.create(user=person.user, provider=CITIZEN, subject=subject)
            self.request.oidc_linked = True
        return person.user

    # Staff ----------------------------------------------------------------------------------------------------

    def _staff(self, claims: dict):
        config = provider_config(STAFF)
        if not has_second_factor(claims, config):
            raise Refused("no_second_factor")
        subject = claims.get(config.get("subject_claim") or "sub")
        if not isinstance(subject, str) or not subject:
            raise Refused("missing_claim", "subject claim")
        identity = (
            SignInIdentity.objects.select_related("user").filter(provider=STAFF, subject=subject).first()
        )
        if identity is None:
            raise Refused("staff_unknown")
        user = identity.user
        if not user.is_active:
            raise Refused("inactive")
        if ServiceUser.objects.filter(user=user).exists():
            raise Refused("staff_service_user")
        return user

    # A log-in backend only: permissions stay ModelBackend's (no second round of permission queries).

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()


def _new_username(person: ServiceUser) -> str:
    """A user name from the person's name (never their number): ``kari.nordmann``, ``kari.nordmann2``, …"""
    User = get_user_model()
    base = ".".join(part for part in (slugify(person.first_name), slugify(person.last_name)) if part)[:140]
    base = base or "bruker"
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def link_citizen(person: ServiceUser, subject: str):
    """«First log-in links the account»: a new account for a known person, linked to them and to the identity."""
    User = get_user_model()
    user = User.objects.create_user(
        _new_username(person), password=None, first_name=person.first_name, last_name=person.last_name
    )
    person.user = user
    save_with_history(person, user, _("Koblet til innlogging med ID-porten"), update_fields=["user"])
    SignInIdentity.objects.create(user=user, provider=CITIZEN, subject=subject)
    return user


# --- log-out ----------------------------------------------------------------------------------------------------


def leave_for_end_session(request: HttpRequest, where: tuple[str, str]):
    """The page that sends the browser on to the provider's end-session address at once (after log-out).

    ``where`` is ``end_session(request)``, read before the log-out. A page, not a 302: the log-out is a form,
    and the Content-Security-Policy's ``form-action 'self'`` makes the browser refuse a form submission that
    is redirected to another site (Chromium does, whatever the hops in between); a refresh at once is no form
    submission.
    """
    url, label = where
    response = render(
        request, "registration/signin_logging_out.html", {"end_session_url": url, "provider_label": label}
    )
    response["Cache-Control"] = "no-store"
    return response


def end_session(request: HttpRequest) -> tuple[str, str] | None:
    """Where to send the browser to end the provider's session too (RP-initiated log-out), and the provider's label.

    None for a password session, a provider that has been turned off or has no ``end_session_endpoint``, or one
    whose discovery document cannot be fetched (then only our session ends).
    """
    provider = request.session.get(SESSION_PROVIDER)
    id_token = request.session.get(SESSION_ID_TOKEN)
    if provider not in PROVIDERS or not id_token or not is_enabled(provider):
        return None
    try:
        endpoint = discovery(provider).get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    config = provider_config(provider)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("logged_out")),
            "client_id": config.get("client_id") or "",
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", config.get("label") or provider
