"""Settings for koordinator, read from the environment (12-factor).

Defaults are for development: SQLite under ``var/``, DEBUG on. Production sets
``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``; with those set,
``manage.py check --deploy`` reports nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET = "dev-only-insecure-key-change-me-" + "x" * 32
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG=0")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    # A second factor for log-ins with a password (koordinator.signin.second_factor): TOTP and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "koordinator",
    "plans",
    "meetings",
    # Quality of life over time, the end-of-follow-up evaluation, the half-year report, anonymous feedback.
    "outcomes",
    # Data that leaves safely (issue 15): the FHIR R4 read API under /fhir/ and «Last ned alt om meg».
    "exchange",
    # Personal data kept no longer than needed (issue 15): retention per kind, legal holds, the scheduled command.
    "retention",
    # Reaching each other (issue 16): «Ring meg» callbacks, messages per case, SMS replies.
    "reach",
    # The demo data and ``seed_demo``; depends on every app, and nothing depends on it.
    "demo",
    # The national-size data generator and the benchmark (bench/README.md); depends on every app, nothing on it.
    "bench",
]

MIDDLEWARE = [
    # Each access policy is built once per request (koordinator.access.request_scope).
    "koordinator.middleware.GateScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Only the footer's language cookie chooses English, never the browser's Accept-Language.
    "koordinator.middleware.IgnoreBrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "koordinator.middleware.IdleSessionTimeoutMiddleware",
    # The Norwegian 404 page with DEBUG on, in the demo only (PLAIN_NOT_FOUND below).
    "koordinator.middleware.PlainNotFoundMiddleware",
    # Axes must be last: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]
# `make run` sets it: the demo answers «not found» with the Norwegian page, not Django's technical one (which
# DEBUG shows otherwise). Development without it keeps Django's page; production (DEBUG=0) has handler404 anyway.
PLAIN_NOT_FOUND = env.bool("PLAIN_NOT_FOUND", default=False)

ROOT_URLCONF = "koordinator.urls"
WSGI_APPLICATION = "koordinator.wsgi.application"
ASGI_APPLICATION = "koordinator.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "koordinator.context_processors.navigation",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'koordinator.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "koordinator.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # ID-porten and the staff provider: answers only their callbacks (koordinator.signin.oidc).
    "koordinator.signin.oidc.OIDCBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in (README, «Sign-in»; koordinator.signin) --------------------------
# The demo: password log-ins without a second factor for accounts that have not enrolled one. `make run` turns it
# on; it refuses to be on with DEBUG=0 unless DEMO_LOGIN_FORCE=1.
DEMO_LOGIN = env.bool("DEMO_LOGIN", default=False)
if DEMO_LOGIN and not DEBUG and not env.bool("DEMO_LOGIN_FORCE", default=False):
    raise RuntimeError("DEMO_LOGIN=1 lets staff log in without a second factor: not with DEBUG=0 (DEMO_LOGIN_FORCE=1)")
# Test persons' synthetic national identity numbers (month + 80): the demo and test environments only.
NATIONAL_ID_ACCEPT_SYNTHETIC = env.bool("NATIONAL_ID_ACCEPT_SYNTHETIC", default=DEBUG)
# django-axes counts no refused OpenID log-in, nor locks anyone out of one (koordinator.signin.oidc).
AXES_WHITELIST_CALLABLE = "koordinator.signin.oidc.axes_whitelisted"
# The issuer of TOTP codes, as authenticator apps show it.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Koordinator")


def _oidc_provider(prefix: str, **defaults) -> dict:
    """One OpenID provider's settings from the environment (``OIDC_CITIZEN_*`` or ``OIDC_STAFF_*``).

    The provider is on when its issuer is set; the endpoints and keys come from the issuer's discovery document.
    """
    return {
        "issuer": env.str(f"{prefix}_ISSUER", default=""),
        "client_id": env.str(f"{prefix}_CLIENT_ID", default=""),
        "client_secret": env.str(f"{prefix}_CLIENT_SECRET", default=""),
        "scopes": env.str(f"{prefix}_SCOPES", default=defaults["scopes"]),
        "acr_values": env.str(f"{prefix}_ACR_VALUES", default=defaults.get("acr_values", "")),
        "accepted_acr": env.list(f"{prefix}_ACCEPTED_ACR", default=defaults.get("accepted_acr", [])),
        "second_factor_amr": env.list(f"{prefix}_SECOND_FACTOR_AMR", default=defaults.get("second_factor_amr", [])),
        "subject_claim": env.str(f"{prefix}_SUBJECT_CLAIM", default=defaults.get("subject_claim", "sub")),
        "sign_algo": env.str(f"{prefix}_SIGN_ALGO", default="RS256"),
        "label": env.str(f"{prefix}_LABEL", default=defaults["label"]),
    }


OIDC_PROVIDERS = {
    # ID-porten: the national identity number in ``pid``, the level in ``acr``.
    "citizen": _oidc_provider(
        "OIDC_CITIZEN",
        scopes="openid profile",
        acr_values="idporten-loa-substantial",
        accepted_acr=["idporten-loa-substantial", "idporten-loa-high"],
        subject_claim="pid",
        label="ID-porten",
    ),
    # Ansattporten, or the municipality's own provider (Entra ID): staff are matched on ``subject_claim`` and
    # must show a second factor, by ``acr`` (a level that implies one) or ``amr``.
    "staff": _oidc_provider(
        "OIDC_STAFF",
        scopes="openid profile",
        acr_values="",
        accepted_acr=["idporten-loa-substantial", "idporten-loa-high"],
        second_factor_amr=["mfa", "otp", "hwk", "swk", "sms", "TOTP", "BankID", "Minid-app"],
        subject_claim="pid",
        label="Ansattporten",
    ),
}
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)

# --- Language and time (DESIGN.md rule 7) ---------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Norwegian dates: 23.11.2026 and 23.11.2026 kl. 14.00 (koordinator/formats/nb/formats.py).
FORMAT_MODULE_PATH = ["koordinator.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Sessions and log-in ---------------------------------------------------
# Idle expiry: the session ends after this many seconds without a request.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A form sent with an old or missing token gets a Norwegian page that says what to do (JSON under /api/).
CSRF_FAILURE_VIEW = "koordinator.views.errors.csrf_failure"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Wrong passwords and codes are failed log-ins (refused OpenID callbacks are not: AXES_WHITELIST_CALLABLE under
# «Sign-in»); an OpenID callback's one-time code and state are never kept in an attempt's record.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "state"]

# --- Security (manage.py check --deploy is clean with DEBUG=0) --------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "koordinator.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "koordinator API",
    "DESCRIPTION": "Oppfølging, individuelle planer og ansvarsgrupper. Alle kall går gjennom samme tilgangskontroll.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's error responses (400/401/403/404), in the one error shape, added by rule in one place.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "koordinator.api.schema.document_error_responses",
    ],
    # One name per choice set that several fields share (--fail-on-warn stays clean).
    "ENUM_NAME_OVERRIDES": {
        "FollowUpStatusEnum": "koordinator.models.FollowUp.Status",
        "EndingReasonEnum": "koordinator.models.FollowUp.EndingReason",
        "ConsentScopeEnum": "koordinator.models.Consent.Scope",
        "ConsentStateEnum": "koordinator.api.filters.CONSENT_STATES",
        "AbsenceKindEnum": "koordinator.models.Absence.Kind",
        "NextOfKinKindEnum": "koordinator.models.NextOfKin.Kind",
        "ContactRoleEnum": "koordinator.api.serializers.CONTACT_ROLES",
        # A service user's preferred channel and a notification's channel are the same set.
        "ChannelEnum": "koordinator.models.Notification.Channel",
        # How a consent was given: to a partner (Consent) and to the plan itself (Plan.consent_given_how).
        "GivenHowEnum": "koordinator.models.Consent.GivenHow",
        # The follow-up log (issue 5): its kinds, and the life areas it shares with the plans' goals.
        "FollowUpEntryKindEnum": "koordinator.models.FollowUpEntry.Kind",
        "LifeAreaEnum": "koordinator.models.LifeArea",
        # Crisis plans (issue 5): the plan's status.
        "CrisisPlanStatusEnum": "plans.models.CrisisPlan.Status",
        # Responsibility groups (issue 6): statuses, kinds and places of the meetings models.
        "GroupStatusEnum": "meetings.models.Group.Status",
        "GroupMemberKindEnum": "meetings.models.GroupMember.Kind",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MeetingPlaceEnum": "meetings.models.Meeting.Place",
        "AttendanceStatusEnum": "meetings.models.Attendance.Status",
        "AgendaItemKindEnum": "meetings.models.AgendaItem.Kind",
        "MinutesStatusEnum": "meetings.models.Minutes.Status",
        "ActionItemStatusEnum": "meetings.models.ActionItem.Status",
        # The names these had before the meetings' «place» and «how» fields came (kept for existing clients).
        "PlaceEnum": "koordinator.models.Appointment.Place",
        "HowEnum": "plans.models.CrisisSignOff.How",
        # Outcomes (issue 14): the trust person's answers (O1–O18 share one set) and the kind of round.
        "QualityOfLifeAnswerEnum": "outcomes.instrument.OBJECTIVE_CHOICES",
        "QualityOfLifeRoundKindEnum": "outcomes.models.QualityOfLifeRound.Kind",
    },
}

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="koordinator@localhost")

# --- Notifications (the outbox) ------------------------------------------------
# SMS goes through a pluggable backend: a class with send(to, text, idempotency_key).
SMS_BACKEND = env.str("SMS_BACKEND", default="koordinator.outbox.backends.ConsoleSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms"))
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
# A claim older than this (seconds) belongs to a worker that died; the row is picked up again.
NOTIFICATION_CLAIM_LEASE = env.int("NOTIFICATION_CLAIM_LEASE", default=600)
# Quiet hours (issue 16): no SMS from this hour to that (Norwegian time) except what is urgent; the outbox holds the
# rest until the quiet hours end.
SMS_QUIET_FROM = env.str("SMS_QUIET_FROM", default="21:00")
SMS_QUIET_UNTIL = env.str("SMS_QUIET_UNTIL", default="08:00")
# The SMS gateway's inbound webhook (replies, delivery receipts) signs each request with this shared secret
# (HMAC-SHA256); empty: the webhook refuses everything.
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
# «Ring meg» (issue 16): a request nobody has handled within this many working hours goes on to the deputy, then the
# leader (run_reminders).
CALLBACK_ESCALATE_AFTER_HOURS = env.int("CALLBACK_ESCALATE_AFTER_HOURS", default=4)
# The service's working hours on working days (Monday to Friday, not public holidays: koordinator.workdays), Norwegian
# time, «HH:MM-HH:MM»: the escalation clock of «Ring meg» runs only within them, and a user who asks outside them is
# told when someone will call («Vi ringer deg mandag formiddag.»).
WORKING_HOURS = env.str("WORKING_HOURS", default="08:00-15:30")

# Appointment reminders go to the user this many days before, at this hour (default: the evening before, 18.00).
APPOINTMENT_REMINDER_DAYS_BEFORE = env.int("APPOINTMENT_REMINDER_DAYS_BEFORE", default=1)
APPOINTMENT_REMINDER_HOUR = env.int("APPOINTMENT_REMINDER_HOUR", default=18)
# Future absences are announced to users the day before, from this hour; returns the morning after.
ABSENCE_ANNOUNCE_HOUR = env.int("ABSENCE_ANNOUNCE_HOUR", default=12)
RETURN_ANNOUNCE_HOUR = env.int("RETURN_ANNOUNCE_HOUR", default=8)

# --- The follow-up log --------------------------------------------------------------
# An open case with no contact logged for this many days is marked on «Min arbeidsliste», and the trust person
# gets one reminder (``run_reminders``). «Tried, but did not meet» does not count as contact.
FOLLOWUP_QUIET_DAYS = env.int("FOLLOWUP_QUIET_DAYS", default=14)

# --- Individual plans -------------------------------------------------------------
# A step due further out than this gets a friendly suggestion to split it.
PLAN_STEP_HORIZON_WEEKS = env.int("PLAN_STEP_HORIZON_WEEKS", default=12)
# When a plan is taken into use without a revision date, the next revision is this far ahead.
PLAN_REVISION_WEEKS = env.int("PLAN_REVISION_WEEKS", default=12)
# Step reminders are not sent before this hour.
PLAN_STEP_REMINDER_HOUR = env.int("PLAN_STEP_REMINDER_HOUR", default=10)

# The address people reach the service at, for links in e-mail and SMS (the apology link in a meeting invitation).
# Without it those links are paths; set it in production, e.g. SITE_URL=https://koordinator.kommune.no
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Emergency access to a crisis plan (a legevakt member who states a reason) lasts this many hours.
CRISIS_EMERGENCY_ACCESS_HOURS = env.int("CRISIS_EMERGENCY_ACCESS_HOURS", default=12)

# --- Outcomes (issue 14) ------------------------------------------------------
# A quality-of-life round is due this many months after the last one (the trial: about every six months).
QOL_ROUND_MONTHS = env.int("QOL_ROUND_MONTHS", default=6)
# The half-year report and the feedback results show no figure that describes fewer persons than this: «under 5».
REPORT_MIN_PERSONS = env.int("REPORT_MIN_PERSONS", default=5)
# The key of the one-way token that allows one feedback answer per person per half-year without storing who.
# Derived from SECRET_KEY unless set; changing it lets everyone answer once more in the current half-year.
FEEDBACK_TOKEN_KEY = env.str("FEEDBACK_TOKEN_KEY", default="")

# --- «Last ned alt om meg» (issue 15) -----------------------------------------------
# A built archive can be downloaded for this many days; then run_reminders empties it (the request's record stays).
ARCHIVE_KEEP_DAYS = env.int("ARCHIVE_KEEP_DAYS", default=7)

# --- Retention (issue 15) ------------------------------------------------------
# How long after a case ends each kind of its personal data is kept, in years («10y») or days («3650d»); then
# ``manage.py apply_retention`` (cron) removes or anonymises it, history included (README, «Retention»). The defaults
# are conservative: the municipality must set them from its own archive plan (bevarings- og kassasjonsplan). A
# period of zero or less, or shorter than the open-door period (92 days), is refused at start-up (retention.checks).
RETENTION_PERIODS = {
    "followup_log": env.str("RETENTION_FOLLOWUP_LOG", default="10y"),  # the log, appointments, the case's notes
    "plan": env.str("RETENTION_PLAN", default="10y"),  # the individual plan: goals, steps, measures, notes
    "minutes": env.str("RETENTION_MINUTES", default="10y"),  # responsibility groups: minutes, agendas, action items
    "crisis_plan": env.str("RETENTION_CRISIS_PLAN", default="10y"),  # from the end of the person's last case
    "access_log": env.str("RETENTION_ACCESS_LOG", default="10y"),  # from the end of the person's last case
    # SMS in the leader's inbox (from an unknown number): from when the leader marked it handled. Any positive period.
    "sms_inbox": env.str("RETENTION_SMS_INBOX", default="90d"),
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Demo data refuses to run when DEBUG=0 unless forced.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
