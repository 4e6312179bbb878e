"""Settings for reportsite.

Every value that differs between a laptop and production comes from an
environment variable (see `.env.example`, which lists and explains each one).
With nothing set, the site runs embedded: SQLite under var/, tasks in-process,
an in-memory cache, so `make run` on a fresh clone needs nothing else.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from reportsite.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Production turns on every transport-security setting (HSTS, Secure and
# __Host- cookies, HTTPS redirect) and refuses to start without a real key.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when PRODUCTION=true")
    # Development: a random key kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Keys retired by a rotation, newest first (comma-separated, or a file through
# SECRET_KEY_FALLBACKS_FILE): sessions, form tokens and recovery codes made with
# them stay valid until they are dropped. See docs/deploy.md, "Rotating secrets".
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "reportsite",
    "reports",
    "enrichment",
    "staff",
    "triage",
    "takedown",
    "dashboard",
    "rest_framework",
    "drf_spectacular",
    "memberapi",
    "portals",
    "feeds",
    "exchange",
    # The public web face, on top of every other app (it reads triage's public status).
    "publicsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (SVG images) carry the policy as well.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reportsite.middleware.NoStoreMiddleware",
    # After the header middleware, so its refusals (411, 413, 415) carry their headers too.
    "reportsite.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before LocaleMiddleware: the portal (by host or /p/<slug>/) lends its default
    # language to browsers that state none; see portals.middleware.
    "portals.middleware.PortalMiddleware",
    # The public pages' language comes from the URL prefix (/fr/); see publicsite.language.
    "django.middleware.locale.LocaleMiddleware",
    "publicsite.language.BrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "reportsite.csrf.NoReferrerCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff pages show invisible controls (U+202E ...) as visible marks; see reportsite.textsafety.
    "reportsite.textsafety.RevealControlsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns its lockout signal into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user or client is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "triage:queue"

ROOT_URLCONF = "reportsite.urls"
WSGI_APPLICATION = "reportsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "reportsite.sqlite3",
            "OPTIONS": {
                # WAL lets readers work beside the one writer; IMMEDIATE takes
                # the write lock up front so two writers queue instead of failing.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, form tokens) --------------------------------------
# Several web machines must share one cache for the rate limits to hold.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's own, keeping one client per connection pool (see reportsite.cache).
            "BACKEND": "reportsite.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Template fragments that are the same for every visitor (the empty report
# form's fields, per language), kept in each process: never anything typed
# or per-request, and gone with the process at the next deploy.
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}

# --- Passwords, sessions, cookies -----------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# Gone when the browser closes, not kept a year (Django's default): no lasting
# mark on a reporter's device that it visited the hotline.
CSRF_COOKIE_AGE = None
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host- cookies are only accepted over HTTPS, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Messages live in the session: the cookie storage would add a cookie named
# "messages", which cannot be a __Host- cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Django's check looks for its own CSRF middleware by name; ours is a subclass
# (reportsite.csrf), which reportsite.checks.csrf_middleware_installed requires instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# Nothing on this site loads from anywhere but itself: no inline script or
# style, no data: images, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Request limits ---------------------------------------------------------
# No page takes uploads: multipart bodies are refused outright and no upload
# handler exists to write one anywhere.
MAX_REQUEST_BYTES = 64 * 1024
# The member API takes up to 500 addresses (about 2,000 characters each) in one JSON body.
API_MAX_REQUEST_BYTES = 1024 * 1024
# Django's own ceiling; RequestLimitsMiddleware holds every other path to
# MAX_REQUEST_BYTES, and refuses bodies without a Content-Length, first.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_REQUEST_BYTES
FILE_UPLOAD_HANDLERS: list[str] = []

# --- Staff: sessions, second factor, lockout ---------------------------------
# Staff sessions end after 30 minutes idle and 12 hours at most.
STAFF_IDLE_TIMEOUT = timedelta(minutes=env_int("STAFF_IDLE_MINUTES", 30, minimum=1))
STAFF_MAX_SESSION = timedelta(hours=env_int("STAFF_MAX_SESSION_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(STAFF_MAX_SESSION.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "reportsite")
# A person with no second factor enrols only through a one-time link a manager
# makes (docs/staff-security.md); this is how long such a link stays good.
ENROLMENT_LINK_HOURS = env_int("ENROLMENT_LINK_HOURS", 24, minimum=1)
# Passkeys (WebAuthn) as a second factor. The RP ID is the site's domain, with
# no scheme or port (browsers refuse an IP address: use http://localhost:8000
# in development); origins are the exact https://host[:port] the staff pages
# are served from. Changing the RP ID orphans every registered passkey.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_ID = WEBAUTHN_RP_ID
OTP_WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "reportsite staff")
# (An empty WEBAUTHN_ORIGINS= in a copied .env.example means the default, too.)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS") or (
    [f"https://{WEBAUTHN_RP_ID}"] if PRODUCTION else ["http://localhost:8000"]
)
# Outside production the page's own origin is accepted too when its host is the
# RP ID (any port), so a test server on a random port works; see staff.passkeys.
OTP_WEBAUTHN_HELPER_CLASS = "staff.passkeys.StaffWebAuthnHelper"
# A passkey is a second factor here, never a way in without the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# django-axes: pause a name at one address after repeated failures, and an
# account everywhere after many more from many addresses (staff.lockout).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# The pair, not each alone: made-up names from an office address must not
# lock the real people there, nor a few addresses a named account everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "staff.lockout.StaffLockoutHandler"
# The slower brake per account: this many failures from all addresses within
# LOGIN_ACCOUNT_BRAKE_MINUTES (each address counting LOGIN_FAILURE_LIMIT at
# most) pause the account everywhere; 0 turns it off.
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20, minimum=0)
LOGIN_ACCOUNT_BRAKE_MINUTES = env_int("LOGIN_ACCOUNT_BRAKE_MINUTES", 15, minimum=1)
# Attempts refused while paused check no password: they do not prolong a pause.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Two-person rule for staff accounts (staff.account_changes): a request waits
# this long for a second manager; an approved password reset's link works this long.
STAFF_CHANGE_REQUEST_HOURS = env_int("STAFF_CHANGE_REQUEST_HOURS", 72, minimum=1)
STAFF_PASSWORD_LINK_HOURS = env_int("STAFF_PASSWORD_LINK_HOURS", 24, minimum=1)
# Wrong second-factor codes count as failures too (staff.views). Failures are
# forgiven when the second factor passes, not at the password: a stolen
# password must not reset the count between guesses at the code.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_LOCKOUT_CALLABLE = "staff.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "staff.access.client_ip"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# Staff client addresses (and User-Agents) are kept only in axes' failure
# records (AccessAttempt), for lockout; successful sign-ins leave no AccessLog
# row. Reporters never log in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# django-otp's admin never shows a TOTP key, QR code or static token.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Analysts are reminded to take a break after this much continuous triage.
TRIAGE_BREAK_AFTER = timedelta(minutes=env_int("TRIAGE_BREAK_AFTER_MINUTES", 50, minimum=1))
TRIAGE_CLAIM_TTL = timedelta(minutes=env_int("TRIAGE_CLAIM_MINUTES", 15, minimum=1))

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
# The public pages (form, confirmation, status, error pages) in these
# languages, /fr/ and so on; staff pages are English only. Catalogues live in
# locale/ and are compiled by `make messages` (the .mo files are not committed).
SITE_LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
]
# Languages only the portals that choose them offer (Portal.extra_languages,
# docs/portal-languages.md). Django is given both lists as LANGUAGES, so
# i18n_patterns, LocaleMiddleware and gettext work unchanged; PortalMiddleware
# answers 404 for one the current portal does not offer.
PORTAL_LANGUAGES = env_list("PORTAL_LANGUAGES", ["uk"])
_site_codes = {code for code, _name in SITE_LANGUAGES}
for _code in PORTAL_LANGUAGES:
    if _code not in LANG_INFO or "fallback" in LANG_INFO[_code] or _code in _site_codes:
        raise ImproperlyConfigured(
            f"PORTAL_LANGUAGES: {_code!r} is not a language code Django knows, or is already a site-wide language."
        )
LANGUAGES = SITE_LANGUAGES + [(code, LANG_INFO[code]["name"]) for code in PORTAL_LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Public reporting ---------------------------------------------------------
REPORT_MAX_ADDRESSES = 20
REPORT_MAX_DESCRIPTION = 1000
# Reports per client per hour, and for the whole site per hour; 0 turns one off.
REPORT_RATE_LIMIT = env_int("REPORT_RATE_LIMIT", 10, minimum=0)
REPORT_GLOBAL_RATE_LIMIT = env_int("REPORT_GLOBAL_RATE_LIMIT", 2000, minimum=0)
# A person needs a few seconds to paste an address; a simple bot does not.
REPORT_MIN_FORM_SECONDS = env_int("REPORT_MIN_FORM_SECONDS", 3, minimum=0)
# Where the client's address is read from, only to key the rate limit. Behind a
# reverse proxy that sets X-Real-IP, use HTTP_X_REAL_IP. It is never stored.
CLIENT_IP_META_KEY = env_str("CLIENT_IP_META_KEY", "REMOTE_ADDR")
# The "Leave this site quickly" button on every public page goes here: a neutral
# page (weather, news). Nothing is loaded from it until the button is used.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
if not QUICK_EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"QUICK_EXIT_URL must be an http(s) address, not {QUICK_EXIT_URL!r}")

# --- Enrichment ----------------------------------------------------------------
# Liveness checks: only http/https on these ports (80 and 443 always).
CHECK_ALLOW_PORTS = [int(p) for p in env_list("CHECK_ALLOW_PORTS")]
# CIDRs exempt from the "globally routable only" rule: tests and lab set-ups only.
CHECK_ALLOW_NETWORKS = env_list("CHECK_ALLOW_NETWORKS")
# Optional outbound proxy so checks leave from a separate network.
CHECK_PROXY_URL = env_str("CHECK_PROXY_URL")
CHECK_USER_AGENT = env_str("CHECK_USER_AGENT", "Mozilla/5.0 (compatible; reportsite-check/1.0)")
CHECK_CONNECT_TIMEOUT = 5.0
CHECK_READ_TIMEOUT = 10.0
CHECK_TOTAL_TIMEOUT = 30.0
CHECK_MAX_REDIRECTS = 5
DNS_TIMEOUT = float(env_int("DNS_TIMEOUT_SECONDS", 5, minimum=1))
# MaxMind GeoLite2/GeoIP2 databases; unset → the bundled, approximate geoip2fast data.
GEOIP_COUNTRY_DB = env_str("GEOIP_COUNTRY_DB")
GEOIP_ASN_DB = env_str("GEOIP_ASN_DB")

# --- Background work ----------------------------------------------------------
# Records not yet queued after this long are queued again by the sweep; records
# queued this long ago and still not enriched are assumed lost and re-queued.
SWEEP_NEW_AFTER = timedelta(seconds=env_int("SWEEP_NEW_AFTER_SECONDS", 60, minimum=1))
SWEEP_QUEUED_AFTER = timedelta(seconds=env_int("SWEEP_QUEUED_AFTER_SECONDS", 900, minimum=1))
SWEEP_BATCH_SIZE = env_int("SWEEP_BATCH_SIZE", 500, minimum=1)
ENRICH_MAX_ATTEMPTS = env_int("ENRICH_MAX_ATTEMPTS", 5, minimum=1)

# One Celery configuration block. Without a broker the tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
# Embedded mode: in-process tasks run on background threads (see reportsite.queueing).
EMBEDDED_BACKGROUND = env_bool("EMBEDDED_BACKGROUND", True)
EMBEDDED_THREADS = env_int("EMBEDDED_THREADS", 2, minimum=1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged only when it has finished; if its worker dies it is
# delivered again. The attempt counter on each record stops an endless loop.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "enrichment.tasks.enrich_record": {"queue": "enrich"},
    "enrichment.tasks.recheck_record": {"queue": "enrich"},
    # Notices wait on other people's mail and web servers: their own queue, so a
    # slow SMTP server never holds up enrichment.
    "takedown.tasks.send_notice_batch": {"queue": "notices"},
    "takedown.tasks.lookup_abuse_contact": {"queue": "notices"},
    "exchange.tasks.send_status_update": {"queue": "notices"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down: the report is already
# committed and the sweep will queue it later, so the reporter must not wait.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A worker that loses the broker while a task runs exits under Celery 5.7.0
# (the lost connection closed twice: an "Unrecoverable error"). This consumer
# works around it, as no setting can; see its docstring.
CELERY_WORKER_CONSUMER = "reportsite.celery:BrokerLossConsumer"
# max_retries and the socket timeouts below bound kombu's failover for a
# publish (and any default-channel use): one quick retry, then the error. They
# do not govern the worker's own reconnection: its consumer retries under
# broker_connection_retry and broker_connection_max_retries (Celery's
# defaults: on, 100 attempts, 2 s apart growing to 30 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis: an unacknowledged task returns to the queue after this long.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1800, minimum=60),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
# Tracked records are re-checked every LIVENESS_DEFAULT_INTERVAL unless the record sets its own.
LIVENESS_DEFAULT_INTERVAL = timedelta(minutes=env_int("LIVENESS_INTERVAL_MINUTES", 60, minimum=1))
LIVENESS_BATCH_SIZE = env_int("LIVENESS_BATCH_SIZE", 200, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "queue records that were never queued or were lost": {
        "task": "enrichment.tasks.sweep_pending_records",
        "schedule": timedelta(seconds=env_int("SWEEP_INTERVAL_SECONDS", 60, minimum=5)),
    },
    "re-check liveness of tracked records that are due": {
        "task": "enrichment.tasks.recheck_due_records",
        "schedule": timedelta(seconds=60),
    },
    "batch due notices and send those waiting or lost": {
        "task": "takedown.tasks.send_due_notices",
        "schedule": timedelta(seconds=60),
    },
    "repeat notices, escalate and route what is waiting": {
        "task": "takedown.tasks.advance_takedowns",
        "schedule": timedelta(seconds=300),
    },
    "delete reporters' contact details and descriptions when due": {
        "task": "takedown.tasks.apply_retention",
        "schedule": timedelta(hours=1),
    },
    "exchange: owe partners their statuses and send those waiting or lost": {
        "task": "exchange.tasks.exchange_pass",
        "schedule": timedelta(seconds=60),
    },
    "give waiting records that passed a day their place in the queue": {
        "task": "triage.tasks.age_queue",
        "schedule": timedelta(seconds=300),
    },
    "number new URL list changes for members": {
        "task": "memberapi.tasks.sequence_list_changes",
        "schedule": timedelta(seconds=env_int("URLLIST_SEQUENCE_SECONDS", 10, minimum=1)),
        # Runs piled up while the workers were away are dropped: any one run does all their work.
        "options": {"expires": 60},
    },
    "refresh today's and yesterday's dashboard figures": {
        "task": "dashboard.tasks.refresh_daily_stats",
        "schedule": timedelta(seconds=env_int("DASHBOARD_REFRESH_SECONDS", 300, minimum=10)),
    },
}

# --- Takedown: routing, notices, tracking until removed -----------------------------
# Where this hotline works: records hosted here get a notice to the hosting
# provider; elsewhere they go to a partner hotline or to law enforcement.
HOME_COUNTRY = env_str("HOME_COUNTRY", "GB").upper()
# The name notices are signed with, and the prefix of our reference for each address.
HOTLINE_NAME = env_str("HOTLINE_NAME", "reportsite hotline")
NOTICE_REFERENCE_PREFIX = env_str("NOTICE_REFERENCE_PREFIX", "RS-")
# Addresses due to one recipient are gathered for this long, then sent in one notice.
NOTICE_BATCH_DELAY = timedelta(minutes=env_int("NOTICE_BATCH_DELAY_MINUTES", 60, minimum=0))
# A notice that cannot be delivered is retried with backoff this many times, then marked failed.
NOTICE_MAX_ATTEMPTS = env_int("NOTICE_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_TIMEOUT = float(env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1))
# Exchange with partner hotlines (docs/exchange.md): a signed request whose timestamp is
# further than this from our clock is refused as a possible replay.
EXCHANGE_SIGNATURE_MAX_AGE = env_int("EXCHANGE_SIGNATURE_MAX_AGE_SECONDS", 300, minimum=30)
# After a notice the record is re-checked this often; still there after the
# repeat delay → a repeat notice; after the escalation delay → escalated.
TAKEDOWN_CHECK_INTERVAL = timedelta(minutes=env_int("TAKEDOWN_CHECK_INTERVAL_MINUTES", 60, minimum=1))
TAKEDOWN_REPEAT_AFTER = timedelta(hours=env_int("TAKEDOWN_REPEAT_AFTER_HOURS", 24, minimum=1))
TAKEDOWN_ESCALATE_AFTER = timedelta(hours=env_int("TAKEDOWN_ESCALATE_AFTER_HOURS", 72, minimum=1))
# A removed address is still looked at this often, for this long, so that one
# that comes back is re-opened.
REMOVED_CHECK_INTERVAL = timedelta(hours=env_int("REMOVED_CHECK_INTERVAL_HOURS", 24, minimum=1))
REMOVED_WATCH = timedelta(days=env_int("REMOVED_WATCH_DAYS", 90, minimum=0))
# RDAP look-ups of missing abuse contacts: the servers asked in turn (each
# redirects to the registry that holds the address), or IANA's bootstrap file
# (ipv4.json / ipv6.json in one directory) when set.
RDAP_SERVERS = env_list("RDAP_SERVERS", ["https://rdap.arin.net/registry/"])
RDAP_BOOTSTRAP_DIR = env_str("RDAP_BOOTSTRAP_DIR")
RDAP_TIMEOUT = float(env_int("RDAP_TIMEOUT_SECONDS", 10, minimum=1))
# A failed look-up is not tried again for this long.
RDAP_RETRY_AFTER = timedelta(hours=env_int("RDAP_RETRY_HOURS", 24, minimum=1))

# --- Retention of what reporters chose to give ------------------------------------
RETENTION_CONTACT_DAYS = env_int("RETENTION_CONTACT_DAYS", 30, minimum=1)
RETENTION_DESCRIPTION_DAYS = env_int("RETENTION_DESCRIPTION_DAYS", 365, minimum=1)

# --- Email (notices) -------------------------------------------------------------
# Without EMAIL_HOST, messages are printed to the console (development).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("NOTICE_FROM_EMAIL", "hotline@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTICE_REPLY_TO = env_list("NOTICE_REPLY_TO")

# --- Member API ---
# Member organisations read the URL list and partners send reports over
# /api/v1/ (memberapi). Each API key is rate-limited on its own: the default
# below, or the key's own rate set in the admin ("600/min", "20/s", "10000/day").
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
# A new key expires this many days after it is made unless the admin says otherwise.
API_KEY_DAYS = env_int("API_KEY_DAYS", 365, minimum=1)
# Addresses in one partner report (the public form stays at REPORT_MAX_ADDRESSES).
API_MAX_ADDRESSES = 500
# The DNS RPZ feed (feeds.rpz, docs/feeds.md): a listed dedicated domain is
# answered with a CNAME to this splash-page name; empty: NXDOMAIN (CNAME .).
RPZ_SPLASH_CNAME = env_str("RPZ_SPLASH_CNAME")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["memberapi.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["memberapi.permissions.KeyHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["memberapi.throttling.PerKeyThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "memberapi.negotiation.FormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "memberapi.errors.exception_handler",
    # Members are machines, never a Django user: no anonymous user object either.
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "reportsite member API",
    "DESCRIPTION": "The URL list for member companies and report submission for partners. "
    "Human-readable documentation: /api/v1/docs/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- Dashboard and operations ---
# /metrics (Prometheus) answers only a request carrying "Authorization: Bearer
# <METRICS_TOKEN>"; unset, the page does not exist. METRICS_ALLOWED_NETWORKS
# (CIDRs, read from CLIENT_IP_META_KEY) narrows who may ask at all.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")
# The broker and worker checks are slow (a ping waits up to a second): the
# dashboard's machinery section and /healthz reuse an answer this many seconds.
MACHINERY_CACHE_SECONDS = env_int("MACHINERY_CACHE_SECONDS", 15, minimum=1)
HEALTH_CACHE_SECONDS = env_int("HEALTH_CACHE_SECONDS", 10, minimum=1)
# Load balancers probe over plain HTTP: /healthz is not redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ------------------------------------------------------------------
# Our own formatters print only time, level, logger and message: never a
# request object, so a reporter's address or browser cannot reach a log line.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "reportsite.logging.ScrubRequestFilter"}},
    "formatters": {
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "json": {"()": "reportsite.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["scrub"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's defaults, which would e-mail request details to ADMINS.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
