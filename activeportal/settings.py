"""ActivePortal settings: one file, every value read from the environment (see README)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from activeportal.lib.env import env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / "local"  # git-ignored: the SQLite file and other local state

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random "
            "value, or set DEBUG=1 for a local trial."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

# Reverse proxies in front of the portal, each appending to X-Forwarded-For (0: none, so the
# header is ignored and the connection's address is the client's).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT={PROXY_COUNT}: give the number of proxies, 0 or more.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PARTNERSHIP_NAME = env_str("PARTNERSHIP_NAME", "Active Norfolk")
# Where vulnerabilities are reported (SECURITY.md); the public statements give it for
# accessibility and data-protection requests too.
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "security@example.org")
# 360Giving open data: the prefix of every grant identifier (registered with 360Giving) and the
# funder's organisation identifier (org-id.guide, e.g. GB-CHC-1234567).
OPEN_DATA_PREFIX = env_str("OPEN_DATA_PREFIX", "360G-activeportal")
FUNDING_ORG_ID = env_str("FUNDING_ORG_ID", "360G-activeportal")
# The most rows one import file may hold: a bigger file is refused before it ties up a worker.
FUNDING_IMPORT_MAX_ROWS = env_int("FUNDING_IMPORT_MAX_ROWS", 10_000)
HISTORY_IMPORT_MAX_ROWS = env_int("HISTORY_IMPORT_MAX_ROWS", 50_000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "django_celery_beat",
    "auditlog",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "activeportal.accounts",
    "activeportal.health",
    "activeportal.outbox",
    "activeportal.audit",
    "activeportal.pages",
    "districts",
    "funding",
    "referrals",
    "reports",
    "transparency",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "activeportal.lib.middleware.NoStoreMiddleware",
    "activeportal.accounts.sessions.IdleTimeoutMiddleware",
    "activeportal.accounts.two_factor.TwoFactorMiddleware",
    "activeportal.audit.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "activeportal.urls"
WSGI_APPLICATION = "activeportal.wsgi.application"

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
                "activeportal.accounts.context_processors.navigation",
            ],
            "libraries": {"portal": "activeportal.templatetags.portal"},
        },
    },
]

# Database: PostgreSQL in production and CI; a SQLite file in local/ for a zero-setup trial.
LOCAL_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{LOCAL_DIR / 'activeportal.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL's parallel workers per query (DATABASE_PARALLEL_WORKERS; unset: the server's
# setting). The web tier sets 0 (activeportal/wsgi.py): a request's queries are small, and
# starting workers costs more than they save (8 ms against 2 ms for the follow-ups due count at
# a million referrals) while taking cores from other requests. Celery's statistics builds keep
# the server's setting.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_str("DATABASE_PARALLEL_WORKERS"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={env_int('DATABASE_PARALLEL_WORKERS', 0)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Repeated characters and context words (the partnership's name, "password", the user's).
    {"NAME": "activeportal.accounts.validators.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None  # show the "you have signed out" page

# Lock-out after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Two counts, each within the cool-off: an address (normalised: trimmed, lower case, the way
# sign-in finds the account) from one IP locks after AXES_FAILURE_LIMIT failures; one IP for
# every address locks only after AXES_IP_FAILURE_LIMIT (default 50). A GP practice or a hub
# behind one NAT address may make a few typos among its staff without locking each other out,
# while a run of guesses over many addresses from one IP is stopped (accounts/lockout.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 50)
AXES_USERNAME_CALLABLE = "activeportal.accounts.lockout.lockout_username"
AXES_HANDLER = "activeportal.accounts.lockout.PortalAxesHandler"
# The sign-in form posts the e-mail address as "username" (axes would look for "email").
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address for the lock-out, rate limits and audit trail (activeportal/lib/clientip.py).
AXES_CLIENT_IP_CALLABLE = "activeportal.lib.clientip.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # git-ignored; filled by collectstatic in production
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/plotly", NODE_MODULES / "plotly.js-dist-min"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("STATIC_MANIFEST", not DEBUG)

# Audit trail (django-auditlog): every change to the portal's records, with who, when and the
# client IP; reads of identifiable fields are logged with auditlog.signals.accessed.
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "audit",
    "admin",
    "auditlog",
    "auth.permission",
    "axes",
    "contenttypes",
    "django_celery_beat",
    "health",
    "sessions",
    "accounts.usersession",  # session keys are credentials: never copied into the audit trail
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login", "updated_at")
AUDITLOG_MASK_TRACKING_FIELDS = ("password",)
# A masked field's entry says "changed", never the value (auditlog's default keeps half of it).
AUDITLOG_MASK_CALLABLE = "activeportal.audit.masking.field_changed"
# An import batch keeps its parsed rows between preview and confirm: audit the batch, not the blob.
# Every field that identifies a person is masked, so erasing a referral leaves nothing of it in
# the audit trail (the retention erasure also clears entries written before a field was masked).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "funding.importbatch", "exclude_fields": ["rows"]},
    {
        "model": "referrals.referral",
        "mask_fields": [
            "first_name",
            "last_name",
            "date_of_birth",
            "nhs_number",
            "postcode",
            "phone",
            "email",
            "reason",
            "preferences",
            "pathway_answers",
        ],
    },
    {"model": "referrals.statuschange", "mask_fields": ["note"]},
    {"model": "referrals.contactattempt", "mask_fields": ["note"]},
    {"model": "referrals.referrernote", "mask_fields": ["text"]},
    {"model": "referrals.referralmatch", "mask_fields": ["note", "exception_reason"]},
    # Two-factor secrets are credentials: an entry says a key or code changed, never what it is;
    # the counters a sign-in moves are not changes worth an entry.
    {
        "model": "otp_totp.totpdevice",
        "mask_fields": ["key"],
        "exclude_fields": [
            "last_t",
            "drift",
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "last_used_at",
        ],
    },
    {
        "model": "otp_static.staticdevice",
        "exclude_fields": [
            "throttling_failure_timestamp",
            "throttling_failure_count",
            "last_used_at",
        ],
    },
    {"model": "otp_static.statictoken", "mask_fields": ["token"]},
    {"model": "reports.reportlogo", "exclude_fields": ["image"]},
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Inputs, selects and text areas drawn in Python, to the HTML of Django's templates (the
# commonest widgets cost pages like the hub's worklist a third of their rendering time).
FORM_RENDERER = "activeportal.lib.renderers.PortalFormRenderer"

# E-mail: the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ActivePortal <no-reply@localhost>")

# HTTPS: on by default outside DEBUG; behind a proxy that sets X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# A sign-in lasts SESSION_COOKIE_AGE seconds from signing in, however busy (not renewed), and
# ends sooner after SESSION_IDLE_TIMEOUT_MINUTES without a request (accounts/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
# Two-factor sign-in (accounts/two_factor.py): an authenticator app and recovery codes,
# compulsory for these roles and open to the others. TWO_FACTOR=0 turns it off, for a load test
# of the pages only; a deployment with it off is warned at start-up (accounts.W003).
TWO_FACTOR = env_bool("TWO_FACTOR", True)
TWO_FACTOR_REQUIRED_ROLES = frozenset(
    env_list("TWO_FACTOR_REQUIRED_ROLES", ["hub", "manager", "admin"])
)
# What a session that has signed in with its password but not yet its code may open.
TWO_FACTOR_OPEN_PATHS = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/setup/",
    "/accounts/two-factor/verify/",
    "/static/",
    "/healthz",
    "/bench/ping/",
    "/accessibility/",
    "/privacy/",
    "/transparency/",
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ActivePortal")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site only,
# no inline script or event handler (data for scripts is JSON in <script type="application/json">
# or data- attributes), never framed, forms posted only here. Bootstrap's CSS draws its icons
# (the menu button, a select's arrow) as data: images.
#
# plotly.js (4.1.1) adds two <style> elements as it loads: an empty one it then fills through
# the CSSOM (its own rules: cursors, hover labels) and the map library's fixed stylesheet. Only
# those exact contents are allowed, by hash (sha256 of "" and of that stylesheet); style
# attributes stay refused. A new plotly.js may need a new hash: tests/e2e/test_security_headers.py
# fails naming it.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, *PLOTLY_STYLE_HASHES],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: Redis when CELERY_BROKER_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task whose worker died is handed out again after this many seconds.
# No request waits on a broker that is away: publishing gives up at once (the outbox sends
# later), connecting gives up after CELERY_BROKER_TIMEOUT seconds, and results are kept only
# for the tasks that need them (a rebuild's chord), so sending a task does not subscribe to
# the result backend.
CELERY_BROKER_TIMEOUT = env_float("CELERY_BROKER_TIMEOUT", 1.0)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = 5.0
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
    "socket_timeout": 5.0,  # above the worker's 1 s BRPOP
    # Getting a channel to publish on: one quick second try, not kombu's 2 s steps.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
    "socket_timeout": 5.0,
}

# Request lines are logged without their query strings (a search's query can hold an NHS
# number): runserver's through QueryStringsOff, gunicorn's by gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "activeportal.lib.logfilters.QueryStringsOff"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "server": {"format": "[%(asctime)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {
            "handlers": ["server"],
            "filters": ["no_query"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# Active NoW referrals.
# NHS numbers beginning with 9 are never issued and serve as test data: accepted only when on.
ALLOW_TEST_NHS_NUMBERS = env_bool("ALLOW_TEST_NHS_NUMBERS", DEBUG)
MINIMUM_REFERRAL_AGE = env_int("MINIMUM_REFERRAL_AGE", 16)
SELF_REFERRAL_ENABLED = env_bool("SELF_REFERRAL_ENABLED", False)
# Posts of the public self-referral form allowed from one IP address per hour.
SELF_REFERRAL_RATE_LIMIT = env_int("SELF_REFERRAL_RATE_LIMIT", 10)
# The rate limit's counters: Redis when CACHE_URL is set (shared by every web process),
# otherwise each process's memory.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }

CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "health.heartbeat", "schedule": 60.0},
}
CELERY_BEAT_SCHEDULE["reports-nightly-rebuild"] = {
    "task": "reports.nightly_rebuild",
    "schedule": crontab(hour=2, minute=30),
}
# A safety net under the refresh queued on each change's commit: marks left by a refresh that
# died or a change whose queueing failed are taken in within this many seconds.
CELERY_BEAT_SCHEDULE["reports-refresh-figures"] = {
    "task": "reports.refresh_figures",
    "schedule": 30.0,
}

# Follow-on work (activeportal/outbox): the relay sends what the broker did not take every
# OUTBOX_RELAY_SECONDS, sends again what was sent OUTBOX_RESEND_AFTER_SECONDS ago and never ran
# (the broker lost it), and a process that failed to reach the broker waits
# OUTBOX_BROKER_BACKOFF_SECONDS before trying again itself. Done work is kept OUTBOX_KEEP_DAYS.
OUTBOX_RELAY_SECONDS = env_int("OUTBOX_RELAY_SECONDS", 5)
OUTBOX_RESEND_AFTER_SECONDS = env_int("OUTBOX_RESEND_AFTER_SECONDS", 600)
OUTBOX_BROKER_BACKOFF_SECONDS = env_int("OUTBOX_BROKER_BACKOFF_SECONDS", 10)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)
# /healthz answers 503 when follow-on work has waited longer than this (seconds), or no worker
# has written its heartbeat (every WORKER_HEARTBEAT_SECONDS) for WORKER_STALE_SECONDS; it warns
# when beat's heartbeat (every minute) is older than BEAT_STALE_SECONDS.
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 300)
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120)
BEAT_STALE_SECONDS = env_int("BEAT_STALE_SECONDS", 180)
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "outbox.relay",
    "schedule": float(OUTBOX_RELAY_SECONDS),
}
CELERY_BEAT_SCHEDULE["outbox-purge"] = {
    "task": "outbox.purge",
    "schedule": crontab(hour=3, minute=25),
}

# A rebuild queued or running longer than this (seconds) is marked failed, with the reason, by
# a beat task every minute; until then asking for another returns the one in progress.
REPORTS_BUILD_TIME_LIMIT_SECONDS = env_int("REPORTS_BUILD_TIME_LIMIT_SECONDS", 900)
CELERY_BEAT_SCHEDULE["reports-builds-reap"] = {"task": "reports.builds_reap", "schedule": 60.0}

# Load tests only: /bench/ping/, a bare view giving the framework's floor under the same load.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# Disclosure control of published counts below partnership level (activeportal/lib/suppression).
SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 7)
SUPPRESSION_ROUNDING = env_int("SUPPRESSION_ROUNDING", 5)
# Dashboards compare the data with their snapshot's at most this often (seconds; 0: every page).
REPORTS_CHANGED_CHECK_SECONDS = env_int("REPORTS_CHANGED_CHECK_SECONDS", 60)
# Failure tests only: a snapshot build pauses this long inside its write transaction.
REPORTS_BUILD_PAUSE_MS = env_int("REPORTS_BUILD_PAUSE_MS", 0)
# A change's refresh of the figures waits this long (seconds), so the changes that follow it
# within the wait are built with it.
REPORTS_REFRESH_DELAY_SECONDS = env_int("REPORTS_REFRESH_DELAY_SECONDS", 5)
# On a worker, refreshes start at least this long (seconds) after the last one finished, so a
# busy hour costs one refresh an interval (at a million referrals one takes about a second)
# and the figures are still fresh within a minute.
REPORTS_REFRESH_INTERVAL_SECONDS = env_int("REPORTS_REFRESH_INTERVAL_SECONDS", 20)

# The hub (single point of access): the daily digest lists referrals waiting more than this many
# days for first contact; retention erases identifiable fields this many months after closing.
HUB_DIGEST_WAITING_DAYS = env_int("HUB_DIGEST_WAITING_DAYS", 5)
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 96)
# The hub's targets, in working days (England's bank holidays are not working days): first
# contact within HUB_TARGET_CONTACT_DAYS of submission, a match within HUB_TARGET_MATCH_DAYS of
# contact, the person active within HUB_TARGET_START_DAYS of the match. The queue shows each
# referral's next step against its target and flags the overdue ones.
HUB_TARGET_CONTACT_DAYS = env_int("HUB_TARGET_CONTACT_DAYS", 5)
HUB_TARGET_MATCH_DAYS = env_int("HUB_TARGET_MATCH_DAYS", 10)
HUB_TARGET_START_DAYS = env_int("HUB_TARGET_START_DAYS", 10)
CELERY_BEAT_SCHEDULE["referrals-hub-digest"] = {
    "task": "referrals.hub_digest",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["referrals-retention"] = {
    "task": "referrals.retention",
    "schedule": crontab(hour=2, minute=30),
}
# Ended sessions, and the records of who signed in with them, are cleared nightly.
CELERY_BEAT_SCHEDULE["accounts-sessions-clear"] = {
    "task": "accounts.sessions_clear",
    "schedule": crontab(hour=3, minute=10),
}
# Allocation files checked but never confirmed are deleted after a day, rows and all.
CELERY_BEAT_SCHEDULE["funding-import-batches-purge"] = {
    "task": "funding.import_batches_purge",
    "schedule": crontab(hour=3, minute=15),
}
# So are history files (they name people): a preview also discards them, this when none comes.
CELERY_BEAT_SCHEDULE["referrals-history-import-batches-discard"] = {
    "task": "referrals.history_import_batches_discard",
    "schedule": crontab(hour=3, minute=20),
}
