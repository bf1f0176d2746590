"""A second factor for log-ins with a password: TOTP from an authenticator app, and recovery codes (django-otp).

Who needs one (``needs_second_factor``): every account that is more than a service user (a membership, ``is_staff``
or ``is_superuser``: staff, partners, leaders, administrators), and anyone who has enrolled one. ``DEMO_LOGIN``
(``make run``) lets accounts without a confirmed device in with the password alone.

Nobody is logged in before the second factor. The password step (``LoginView``) checks the password and, when a
second factor is needed, keeps a *pending* state in the session (the user's id, the backend, where to go next, the
time; five minutes) and sends the person on to the code (``verify``), a recovery code (``recovery``) or, without a
confirmed device, to setting one up (``enrol``). Only then is ``django.contrib.auth.login`` called; until then every
other page sees an anonymous visitor. Wrong codes are throttled by django-otp (1, 2, 4 … seconds between tries) and
counted by django-axes as failed log-ins (its lock-out page after ``AXES_FAILURE_LIMIT``).

No ``OTPMiddleware``: it would cost a query on every page, and nothing here needs to ask on a later page whether
the session was verified (a session only exists after the second factor, or without one where none is needed).
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from koordinator.models import Membership, SignIn, SignInIdentity, User
from koordinator.signin.events import record_sign_in
from koordinator.views import auth as auth_views

logger = logging.getLogger(__name__)

# The pending log-in: user, backend, next, at (and the enrolment's device).
PENDING_KEY = "koordinator_second_factor"
ENROL_KEY = "koordinator_second_factor_enrol"  # a logged-in person's enrolment: the unconfirmed device's id
CODES_KEY = "koordinator_recovery_codes"  # new recovery codes and where to go on, shown once
PENDING_SECONDS = 5 * 60
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Autentiseringsapp"
RECOVERY_NAME = "Reservekoder"
# An enrolment that was never confirmed is thrown away when the person starts another, after a day.
STALE_ENROLMENT_SECONDS = 24 * 60 * 60


# --- the rule ---------------------------------------------------------------------------------------------------


def is_staff_account(user: User) -> bool:
    """More than a service user: a role in an organisation, Django staff or a superuser."""
    return bool(user.is_staff or user.is_superuser or Membership.objects.filter(user_id=user.pk).exists())


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    """Has the person set up an authenticator app (a confirmed TOTP device)? Recovery codes back it up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_second_factor(user: User) -> bool:
    """Must this person's password log-in go through a second factor (the code, or setting one up first)?

    Anyone with a confirmed device uses it, always. Without one: staff, partners, leaders and administrators must
    set one up, unless ``DEMO_LOGIN`` is on; a service user logs in with the password alone.
    """
    if has_second_factor(user):
        return True
    if settings.DEMO_LOGIN:
        return False
    return is_staff_account(user)


def provider_label(provider: SignInIdentity.Provider) -> str:
    """The name people know the OpenID provider by (``OIDC_PROVIDERS[…]["label"]``: «ID-porten», «Ansattporten»)."""
    config = (getattr(settings, "OIDC_PROVIDERS", {}) or {}).get(provider.value) or {}
    return config.get("label") or str(provider.label)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with ``RECOVERY_CODE_COUNT`` new ones (the old ones stop working)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered


def show_code(code: str) -> str:
    """A code or key in groups of four, easier to read and to type: «abcd efgh»."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").lower()


# --- the pending log-in -------------------------------------------------------------------------------------------


def start_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """The password was right and a second factor is needed: remember who, for five minutes, without logging in."""
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "") or settings.AUTHENTICATION_BACKENDS[-1],
        "next": next_url,
        "at": int(time.time()),
    }


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    """The person between the password and the second factor, or ``None`` (none, expired, or gone meanwhile)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        clear_pending(request)
        messages.info(request, _("Det tok mer enn 5 minutter, så du må logge inn på nytt."))
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        clear_pending(request)
        return None
    return user, pending


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


def _complete(request: HttpRequest, user: User, pending: dict, device, method: str) -> str:
    """Log the person in after the second factor (or without one, in the demo); returns where to go next."""
    clear_pending(request)
    auth_login(request, user, backend=pending["backend"])
    if device is not None:
        django_otp.login(request, device)
    factors = ("pwd", "otp") if device is not None else ("pwd",)
    record_sign_in(user, method, factors=factors)
    return _safe_next(request, pending.get("next", ""))


def _axes_failure(request: HttpRequest, user: User, field: str) -> None:
    """A wrong code counts as a failed log-in for django-axes (never with the code itself in its records)."""
    without_code = request.POST.copy()
    without_code.pop(field, None)
    request.POST = without_code
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        # That was one too many: axes's middleware shows its lock-out page, and the password comes first again.
        clear_pending(request)


def _axes_locked(request: HttpRequest, user: User) -> bool:
    """Locked out by django-axes: its middleware answers with the lock-out page (``request.axes_locked_out``)."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True
        request.axes_credentials = credentials
        clear_pending(request)
        return True
    return False


# --- forms ----------------------------------------------------------------------------------------------------


class TOTPForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Kode fra appen"),
        help_text=gettext_lazy("6 sifre. Koden skifter hvert 30. sekund."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Skriv koden fra appen.")},
    )

    def clean_otp_token(self) -> str:
        token = re.sub(r"\s", "", self.cleaned_data["otp_token"])
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError(_("Koden er 6 sifre. Skriv de 6 sifrene appen viser."))
        return token


class RecoveryForm(forms.Form):
    recovery_code = forms.CharField(
        label=gettext_lazy("Reservekode"),
        help_text=gettext_lazy("8 tegn, bokstaver og tall. Mellomrom spiller ingen rolle."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": gettext_lazy("Skriv en av reservekodene dine.")},
    )

    def clean_recovery_code(self) -> str:
        return _normalise(self.cleaned_data["recovery_code"])


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    if (data or {}).get("failure_count", 0) <= 1:
        # One wrong code (a second later the right one): no «flere ganger».
        return ngettext(
            "Vent litt før du prøver igjen: %(seconds)s sekund.",
            "Vent litt før du prøver igjen: %(seconds)s sekunder.",
            seconds,
        ) % {"seconds": seconds}
    return ngettext(
        "Du har skrevet feil kode flere ganger på rad. Vent %(seconds)s sekund, og prøv igjen.",
        "Du har skrevet feil kode flere ganger på rad. Vent %(seconds)s sekunder, og prøv igjen.",
        seconds,
    ) % {"seconds": seconds}


def _reused_code(device: TOTPDevice, token: str) -> bool:
    """Was this refused code right, but used before? django-otp accepts each time step once (``last_t``): logged out
    and in again within the same 30 seconds, the app still shows the code that was just used."""
    if device.last_t < 0:
        return False
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    # Refused by django-otp, yet right within its tolerance: then its step is one it has accepted already.
    return clock.verify(int(token), device.tolerance)


REUSED_CODE = gettext_lazy(
    "Denne koden er allerede brukt. Vent til appen viser en ny kode (den skifter hvert 30. sekund), og skriv den."
)


# --- the password step ------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """The password log-in: the same form and words, but a second factor before anyone is logged in."""

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_success_url()
        if needs_second_factor(user):
            start_pending(self.request, user, next_url)
            logger.info("Password right, second factor next (user %s)", user.pk)
            return redirect("second_factor_verify" if has_second_factor(user) else "second_factor_enrol")
        # Someone else's password step on this browser (their code next) ends with this log-in.
        clear_pending(self.request)
        auth_login(self.request, user)
        record_sign_in(user, SignIn.Method.PASSWORD, factors=("pwd",))
        return HttpResponseRedirect(next_url)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The Django admin's log-in page: the service's own log-in (with its second factor), never a password alone."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


# --- the second step: a code, or a recovery code ------------------------------------------------------------------


def _start_over(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return redirect("login")


@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables()
def verify(request: HttpRequest) -> HttpResponse:
    """«Skriv koden fra autentiseringsappen»: the code from the app, then the person is logged in."""
    found = pending_user(request)
    if found is None:
        return _start_over(request)
    user, pending = found
    device = confirmed_totp(user)
    if device is None:
        return redirect("second_factor_enrol")
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _axes_locked(request, user):
            return HttpResponse(status=429)
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("otp_token", throttled)
            _axes_failure(request, user, "otp_token")
        elif django_otp.verify_token(user, device.persistent_id, form.cleaned_data["otp_token"]):
            return HttpResponseRedirect(
                _complete(request, user, pending, device, SignIn.Method.PASSWORD_TOTP)
            )
        elif _reused_code(device, form.cleaned_data["otp_token"]):
            logger.info("One-time code used before (user %s)", user.pk)
            form.add_error("otp_token", REUSED_CODE)
            _axes_failure(request, user, "otp_token")
        else:
            logger.info("Wrong one-time code (user %s)", user.pk)
            form.add_error(
                "otp_token",
                _(
                    "Koden stemmer ikke. Skriv koden appen viser nå, og prøv igjen. Sjekk at klokka på telefonen "
                    "går riktig."
                ),
            )
            _axes_failure(request, user, "otp_token")
    return render(request, "registration/second_factor_verify.html", {"form": form})


@never_cache
@sensitive_post_parameters("recovery_code")
@sensitive_variables()
def recovery(request: HttpRequest) -> HttpResponse:
    """«Bruk en reservekode»: one of the ten codes instead of the app; each works once."""
    found = pending_user(request)
    if found is None:
        return _start_over(request)
    user, pending = found
    if not has_second_factor(user):
        return redirect("second_factor_enrol")
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _axes_locked(request, user):
            return HttpResponse(status=429)
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        throttled = _throttled_message(device) if device is not None else None
        if throttled:
            form.add_error("recovery_code", throttled)
            _axes_failure(request, user, "recovery_code")
        elif device is not None and django_otp.verify_token(
            user, device.persistent_id, form.cleaned_data["recovery_code"]
        ):
            url = _complete(request, user, pending, device, SignIn.Method.PASSWORD_RECOVERY)
            left = recovery_codes_left(user)
            messages.warning(
                request,
                format_html(
                    _("Du logget inn med en reservekode. Du har {left} igjen. Under {link} kan du lage nye."),
                    left=left,
                    link=format_html(
                        '<a class="ds-link" href="{}">{}</a>',
                        reverse("second_factor_manage"),
                        _("«Innlogging og sikkerhet»"),
                    ),
                ),
            )
            return HttpResponseRedirect(url)
        else:
            logger.info("Wrong recovery code (user %s)", user.pk)
            form.add_error(
                "recovery_code",
                _(
                    "Reservekoden stemmer ikke, eller den er brukt før. Sjekk at du har skrevet riktig, og prøv igjen."
                ),
            )
            _axes_failure(request, user, "recovery_code")
    return render(request, "registration/second_factor_recovery.html", {"form": form})


@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    """«Avbryt»: forget the pending log-in."""
    clear_pending(request)
    return redirect("login")


# --- setting up the app -----------------------------------------------------------------------------------------


def _enrolment_device(request: HttpRequest, user: User, state: dict) -> TOTPDevice:
    """This session's unconfirmed device: a new key for every enrolment, never one another session has seen."""
    device = TOTPDevice.objects.filter(pk=state.get("device"), user=user, confirmed=False).first()
    if device is None:
        stale = timezone.now() - datetime.timedelta(seconds=STALE_ENROLMENT_SECONDS)
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
        state["device"] = device.pk
    return device


def _qr_svg(device: TOTPDevice) -> str:
    alt = _(
        "QR-kode som legger Koordinator til i autentiseringsappen. Kan du ikke skanne den, skriv inn nøkkelen."
    )
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    # segno's markup carries no text of ours; the accessible name goes on the <svg> as an image's alt text.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1))  # noqa: S308


@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables()
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app before a log-in (``/logg-inn/ta-i-bruk-engangskode/``): an account that must
    have a second factor and has none. It ends with the person logged in and ten recovery codes shown once."""
    if request.user.is_authenticated:
        return redirect("second_factor_enrol_account")
    found = pending_user(request)
    if found is None:
        return redirect("login")
    user, pending = found
    if has_second_factor(user):
        return redirect("second_factor_verify")
    return _enrol(request, user, pending)


@login_required
@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables()
def enrol_account(request: HttpRequest) -> HttpResponse:
    """«Ta i bruk engangskode» for someone logged in (``/konto/sikkerhet/ta-i-bruk-engangskode/``): a service user,
    or a demo account; it turns the second factor on and shows ten recovery codes once."""
    if has_second_factor(request.user):
        return redirect("second_factor_manage")
    return _enrol(request, request.user, None)


def _enrol(request: HttpRequest, user: User, pending: dict | None) -> HttpResponse:
    """Scan the QR code or type the key, then confirm with a code from the app."""
    state = pending if pending is not None else (request.session.get(ENROL_KEY) or {})
    device = _enrolment_device(request, user, state)
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = False
        with transaction.atomic():
            locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            throttled = _throttled_message(locked)
            if throttled:
                form.add_error("otp_token", throttled)
            elif locked.verify_token(form.cleaned_data["otp_token"]):
                # «On since»: when it was confirmed, not when the page first showed the key.
                locked.confirmed = True
                locked.created_at = timezone.now()
                locked.save(update_fields=["confirmed", "created_at"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=locked.pk).delete()
                recovery_list = new_recovery_codes(user)
                confirmed = True
            else:
                form.add_error(
                    "otp_token",
                    _(
                        "Koden stemmer ikke. Sjekk at du skannet QR-koden på denne siden, og skriv koden appen viser "
                        "nå."
                    ),
                )
        if confirmed:
            logger.info("Second factor set up (user %s)", user.pk)
            if pending is not None:
                next_url = _complete(request, user, pending, locked, SignIn.Method.PASSWORD_TOTP)
            else:
                request.session.pop(ENROL_KEY, None)
                django_otp.login(request, locked)
                next_url = reverse("second_factor_manage")
            request.session[CODES_KEY] = {"codes": recovery_list, "next": next_url}
            return redirect("second_factor_codes")
    if pending is None:
        request.session[ENROL_KEY] = state
    else:
        request.session[PENDING_KEY] = state
    context = {
        "form": form,
        "pending": pending is not None,
        "action": reverse("second_factor_enrol" if pending is not None else "second_factor_enrol_account"),
        "qr": _qr_svg(device),
        "key": show_code(b32encode(device.bin_key).decode()),
        "issuer": settings.OTP_TOTP_ISSUER,
        "username": user.get_username(),
        "minutes": PENDING_SECONDS // 60,
    }
    return render(request, "registration/second_factor_enrol.html", context)


# --- the person's own page: «Innlogging og sikkerhet» ------------------------------------------------------------


@login_required
@never_cache
def codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the session forgets them as the page is shown."""
    shown = request.session.pop(CODES_KEY, None)
    if not shown:
        messages.info(request, _("Reservekodene vises bare én gang. Trenger du nye, kan du lage nye her."))
        return redirect("second_factor_manage")
    next_url = _safe_next(request, shown.get("next", ""))
    context = {"codes": [show_code(code) for code in shown["codes"]], "next": next_url}
    return render(request, "registration/second_factor_codes.html", context)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = confirmed_totp(user)
    # How else the person logs in: a provider's log-in has two factors of its own.
    providers = set(SignInIdentity.objects.filter(user_id=user.pk).values_list("provider", flat=True))
    context = {
        "device": device,
        "codes_left": recovery_codes_left(user) if device is not None else 0,
        "required": is_staff_account(user),
        "has_password": user.has_usable_password(),
        "citizen_provider": provider_label(SignInIdentity.Provider.CITIZEN) if "citizen" in providers else "",
        "staff_provider": provider_label(SignInIdentity.Provider.STAFF) if "staff" in providers else "",
    }
    return render(request, "registration/second_factor_manage.html", context)


@login_required
@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables()
def new_codes(request: HttpRequest) -> HttpResponse:
    """«Lag nye reservekoder», with a code from the app: a session left open (or taken over) does not make codes that
    log in without the phone. The old ones stop working; the new ones are shown once."""
    user = request.user
    device = confirmed_totp(user)
    if device is None:
        return redirect("second_factor_manage")
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("otp_token", throttled)
        elif django_otp.verify_token(user, device.persistent_id, form.cleaned_data["otp_token"]):
            with transaction.atomic():
                recovery_list = new_recovery_codes(user)
            logger.info("New recovery codes (user %s)", user.pk)
            request.session[CODES_KEY] = {"codes": recovery_list, "next": reverse("second_factor_manage")}
            return redirect("second_factor_codes")
        elif _reused_code(device, form.cleaned_data["otp_token"]):
            form.add_error("otp_token", REUSED_CODE)
        else:
            form.add_error("otp_token", _("Koden stemmer ikke. Skriv koden appen viser nå, og prøv igjen."))
    return render(request, "registration/second_factor_new_codes.html", {"form": form})


@login_required
@never_cache
@sensitive_post_parameters("otp_token")
@sensitive_variables()
def remove(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off: only for a service user (nobody who must have one), with a code from the app."""
    user = request.user
    device = confirmed_totp(user)
    if device is None or is_staff_account(user):
        return redirect("second_factor_manage")
    form = TOTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("otp_token", throttled)
        elif django_otp.verify_token(user, device.persistent_id, form.cleaned_data["otp_token"]):
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            logger.info("Second factor turned off (user %s)", user.pk)
            messages.success(
                request, _("Innlogging med to faktorer er slått av. Du logger inn med passordet.")
            )
            return redirect("second_factor_manage")
        elif _reused_code(device, form.cleaned_data["otp_token"]):
            form.add_error("otp_token", REUSED_CODE)
        else:
            form.add_error("otp_token", _("Koden stemmer ikke. Skriv koden appen viser nå, og prøv igjen."))
    return render(request, "registration/second_factor_remove.html", {"form": form})
