"""Settings for SDP, read from the environment (see README, "Configuration").

With nothing set, SDP runs on the embedded PostgreSQL under ``var/`` (``operations/embedded.py``) and Celery
tasks run in the calling process; ``scripts/start`` also starts an embedded Redis, a worker and beat. Set
``DATABASE_URL`` and ``REDIS_URL`` for servers of your own.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from operations.logs import logging_config
from sdp_project.env import (
    env_admins,
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
    env_time,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SDP_VAR_DIR", str(BASE_DIR / "var")))
# A node's registration (scripts/node-register): SDP_MODE, SDP_UPT_CODE, SDP_CENTRAL_URL, SDP_NODE_TOKEN.
# Variables exported in the environment win over the file.
load_env_file(Path(env_str("SDP_NODE_ENV_FILE", str(VAR_DIR / "node.env"))))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
# The key scripts/start generated for this installation: `manage.py` commands run in the same checkout
# afterwards (migrate, makemigrations, consolidate …) use it without exporting SECRET_KEY by hand.
_KEY_FILE = VAR_DIR / "secret_key"
if not SECRET_KEY and _KEY_FILE.is_file():
    SECRET_KEY = _KEY_FILE.read_text().strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "sdp-development-only-key-not-for-production"  # noqa: S105 — used only with DEBUG on
# Without a key and with DEBUG off, SECRET_KEY stays empty: commands that sign nothing (makemigrations,
# migrate, consolidate, a Celery worker) still run in a fresh checkout, and serving refuses to start
# (``sdp_project.env.require_secret_key`` in wsgi.py and asgi.py); Django refuses any other use of the key.
SDP_SECRET_KEY_MISSING = not SECRET_KEY  # read by require_secret_key: Django raises on reading an empty key

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # API tokens: knox's hashed, expiring tokens, with central.ApiToken (a device name) as the model.
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files: the docs work offline
    "guardian",
    "django_celery_beat",
    "simple_history",
    "axes",
    "central",
    "upt",
    "kanwil",
    "devtools.apps.DevtoolsConfig",
    # Last, so that its post_migrate role set-up sees every other app's permissions.
    "operations.apps.OperationsConfig",
]

MIDDLEWARE = [
    # First: every line of a request carries its id, the other middleware's lines included.
    "operations.logs.RequestIdMiddleware",
    # /healthz and /readyz answered here, before host checks, the HTTPS redirect, sessions and axes.
    "operations.middleware.ProbeMiddleware",
    # A NUL anywhere in the request (path, query, headers, cookies, form fields) is answered 400 here: no
    # later middleware or view passes it to PostgreSQL, which cannot hold it (docs/TRUST.md).
    "operations.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, the admin's and the API docs' included (see CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "operations.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A password an administrator set is changed by its holder before any other page (after messages: the
    # change page's confirmation is one).
    "operations.middleware.PasswordChangeDueMiddleware",
    # Report GETs read the replica when DATABASE_REPLICA_URL is set; a browser that just wrote reads the primary.
    "central.replica.ReportReplicaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sdp_project.urls"
WSGI_APPLICATION = "sdp_project.wsgi.application"
ASGI_APPLICATION = "sdp_project.asgi.application"

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
                "operations.context_processors.navigation",
                "central.replica.replica_note",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# One engine, PostgreSQL. Without DATABASE_URL, the embedded server under var/ (operations/embedded.py),
# started here if it is not running, so every manage.py command in the checkout finds the system's data.
if env_str("DATABASE_URL"):
    DATABASES = {"default": env_database("DATABASE_URL", "")}
else:
    from operations import embedded

    DATABASES = {"default": embedded.database_settings(VAR_DIR)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database host that stops answering fails a request (and /readyz) in seconds, not at the TCP timeout.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
# Report pages, exports and the report API may read from a PostgreSQL streaming replica of the primary
# (central/replica.py): writes, scoping and a browser that has just changed something read the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "") | {
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": DATABASES["default"]["OPTIONS"]["connect_timeout"]},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["central.replica.ReportReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 30, minimum=0)
DATABASE_REPLICA_LAG_NOTE_SECONDS = env_int("DATABASE_REPLICA_LAG_NOTE_SECONDS", 60, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and permissions --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before any password is checked
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous visitors hold no permissions, so no stand-in user.
GUARDIAN_RAISE_403 = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute-force protection (django-axes): five wrong passwords for one account from one address lock that
# pair out for a while; a successful login clears the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0) or None
AXES_VERBOSE = False

# --- Transport security ---------------------------------------------------------------------------
# Behind HTTPS in production (HTTPS=true): secure cookies, HSTS and a redirect from plain HTTP. The local
# demo serves plain HTTP on 127.0.0.1 and leaves these off, or no one could log in.
HTTPS = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles from our own static files only. SDP's templates carry
# no inline script, style or event handler; the third-party pages that need an inline block (Swagger UI's and
# Redoc's start-up script, in templates/drf_spectacular/) carry the request's nonce. Tested in real Chromium:
# tests/browser/test_csp_journey.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],  # Redoc parses the schema in a web worker built from a blob
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language menu's choice is kept for a year on that browser (a shared terminal keeps its last choice:
# it is a display preference, not a credential), with the same cookie flags as the session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# dd-mm-yyyy and HH.MM on every page, the admin included, in both languages: templates write |date, |time or
# |date:"DATETIME_FORMAT", Python writes central.formats.show_date and friends.
FORMAT_MODULE_PATH = ["sdp_project.formats"]

# --- Static and media files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "central.api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON both ways (docs/API.md); an endpoint taking anything else says so itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": None,  # OPTIONS is not part of the documented API: 405
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "central.api.contract.ApiPagination",
    "EXCEPTION_HANDLER": "central.api.contract.exception_handler",
}
# An API token lives this long after it is issued (docs/API.md); then the device asks for a new one. A month:
# an offline site's scheduled sender keeps working across a holiday, and a lost laptop's token dies anyway.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 30 * 24, minimum=1, maximum=24 * 366)
KNOX_TOKEN_MODEL = "central.ApiToken"  # noqa: S105 — a model name, not a secret
# knox's own migrations create its table even when the model is swapped (an unused table whose foreign key to
# auth_user breaks `flush`): the app is run without migrations, and its swapped model has no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,  # a token's end is fixed when it is issued
    "AUTH_HEADER_PREFIX": "Token",  # the header clients already send: Authorization: Token <token>
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SDP API",
    "DESCRIPTION": "Sistem Database Pemasyarakatan: kiriman data harian UPT, konsolidasi pusat, laporan.",
    # /api/v1/ is the major version; see docs/API.md for what changes the minor and what needs /api/v2/.
    "VERSION": "1.5.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",  # no CDN: Swagger UI and Redoc come from drf-spectacular-sidecar
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RegisterEnum": "central.reference.Register",
        "MovementKindEnum": "central.reference.MovementKind",
        "RemissionKindEnum": "central.reference.RemissionKind",
        "PackageKindEnum": "central.models.inbox.PackageKind",
        "RunStateEnum": "central.models.consolidation.RunState",
        "SubmissionStateEnum": "central.models.inbox.SubmissionState",
    },
}

# --- Celery --------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "") or ""
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis://, rediss:// or redis+socket:// URL.")
CELERY_BROKER_URL = REDIS_URL or "memory://"

# SDP Publik's figures and request counts (kanwil/public.py, docs/REPORTS.md): in the broker's Redis, shared by
# every web process; without a broker (the embedded demo's one process, tests) in process memory.
# redis-py spells Celery's socket URL (the embedded Redis) redis+socket://PATH?virtual_host=N as unix://PATH?db=N.
_CACHE_URL = REDIS_URL.replace("redis+socket://", "unix://", 1).replace("?virtual_host=", "?db=", 1)
_CACHE = ("redis.RedisCache", _CACHE_URL) if REDIS_URL else ("locmem.LocMemCache", "sdp")
CACHES = {"default": {"BACKEND": f"django.core.cache.backends.{_CACHE[0]}", "LOCATION": _CACHE[1], "KEY_PREFIX": "sdp"}}
# How long a public page is kept at most (a new snapshot replaces it at once); pages per client address a minute.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 15 * 60, minimum=0)
PUBLIC_RATE_LIMIT_PER_MINUTE = env_int("PUBLIC_RATE_LIMIT_PER_MINUTE", 60, minimum=1)

# Without a broker, tasks run in the calling process so the embedded demo needs nothing installed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # run state lives in the database (ConsolidationRun), not in a result backend
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 2, minimum=1, maximum=64)  # task processes per worker
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Consolidation's tasks (a run's executor and its per-Kanwil parts) may have workers of their own
# (`celery worker -Q konsolidasi`); by default they share Celery's default queue with every other task.
CONSOLIDATION_QUEUE = env_str("CONSOLIDATION_QUEUE", "celery")
CELERY_TASK_ROUTES = {
    "central.tasks.consolidation_run_task": {"queue": CONSOLIDATION_QUEUE},
    "central.tasks.consolidation_part_task": {"queue": CONSOLIDATION_QUEUE},
}

# The daily run's time (WIB) when a database is first set up: `migrate` seeds the *konsolidasi-harian*
# periodic task from it once (operations/schedule.py); after that the admin changes the time in
# *Periodic tasks* and this setting no longer moves it.
CONSOLIDATION_TIME = env_time("CONSOLIDATION_TIME", time(15, 0))
# Empty on purpose: DatabaseScheduler writes every entry here back into the database at each beat start,
# which would undo the admin's changes. Periodic tasks live in the database only.
CELERY_BEAT_SCHEDULE: dict = {}
# No result backend (results are ignored), so Celery's daily `celery.backend_cleanup` would clean nothing;
# without an expiry beat does not install (and re-write at each start) that entry either.
CELERY_RESULT_EXPIRES = None

# --- SDP business settings ------------------------------------------------------------------------
# Daily deadlines (WIB) published by Ditjenpas: detainee and occupancy data, then all other changes.
SUBMISSION_DEADLINE_OCCUPANCY = env_time("SUBMISSION_DEADLINE_OCCUPANCY", time(10, 0))
SUBMISSION_DEADLINE_OTHER = env_time("SUBMISSION_DEADLINE_OTHER", time(14, 0))
if SUBMISSION_DEADLINE_OTHER < SUBMISSION_DEADLINE_OCCUPANCY:
    raise ImproperlyConfigured("SUBMISSION_DEADLINE_OTHER must not be earlier than SUBMISSION_DEADLINE_OCCUPANCY.")
# A transfer out with no transfer in at the destination within this many days is a conflict for central.
CONSOLIDATION_TRANSFER_MATCH_DAYS = env_int("CONSOLIDATION_TRANSFER_MATCH_DAYS", 7, minimum=1, maximum=365)
# The wait is counted from the later of the transfer's date and the day central first received it; once it
# has passed, the transfer out is checked again for this many days whenever a run changes its records or a
# transfer in that matched it (a transfer in withdrawn later is still noticed). However late a transfer out
# arrives, or however long no run ran, it is checked.
CONSOLIDATION_TRANSFER_RECHECK_DAYS = env_int("CONSOLIDATION_TRANSFER_RECHECK_DAYS", 90, minimum=1, maximum=3650)
# "kanwil": a run's validation is split per Kanwil across the Celery workers, then one final national step
# writes the register; "none": one worker does all of it. Same result either way (README: "How a
# deployment grows").
# The daily snapshot carries the last one forward with the register's changes since (central/services/
# consolidation/snapshot.py); off, every run counts the whole register again (same figures, national-size work).
CONSOLIDATION_SNAPSHOT_CARRY = env_bool("CONSOLIDATION_SNAPSHOT_CARRY", True)
CONSOLIDATION_SPLIT = env_str("CONSOLIDATION_SPLIT", "none").lower()
if CONSOLIDATION_SPLIT not in ("none", "kanwil"):
    raise ImproperlyConfigured(f"CONSOLIDATION_SPLIT={CONSOLIDATION_SPLIT!r} is not one of: none, kanwil.")
if CONSOLIDATION_TIME < SUBMISSION_DEADLINE_OTHER:
    raise ImproperlyConfigured("CONSOLIDATION_TIME must not be earlier than SUBMISSION_DEADLINE_OTHER.")
# --- Data lifecycle -------------------------------------------------------------------------------
# The correction window: a consolidated package's staged rows stay this many days after its run, for the
# UPT's correction list and for reopening the package; then the nightly purge deletes them (rows with a
# row issue stay for the correction list). 30 days covers a month's reporting cycle and the usual time to
# switch a rule off and reopen; the disk then holds about a month of packages (docs/BENCHMARKS.md).
STAGING_RETENTION_DAYS = env_int("STAGING_RETENTION_DAYS", 30, minimum=1, maximum=3650)
# Rows per DELETE: each batch is a transaction of well under a second on the national dataset.
STAGING_PURGE_BATCH = env_int("STAGING_PURGE_BATCH", 5000, minimum=1, maximum=1_000_000)
# When `migrate` first seeds the nightly purge (WIB), far from the deadlines and the daily run; after that
# the admin changes it in *Periodic tasks*, like the daily consolidation.
STAGING_PURGE_TIME = env_time("STAGING_PURGE_TIME", time(2, 30))
# `manage.py backup` writes here and keeps the newest BACKUP_KEEP backups (README: "Operations").
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1, maximum=10_000)
# Largest daily package accepted, in MiB of JSON (after gunzip): a full snapshot of the largest UPT,
# released people included, stays well below it.
SUBMISSION_MAX_BYTES = env_int("SUBMISSION_MAX_MB", 64, minimum=1, maximum=1024) * 1024 * 1024
# Packages parsed at once in one web process: a maximum-size package takes several times its size in
# memory while it is parsed, so the others wait their turn (up to SUBMISSION_SLOT_WAIT_SECONDS, then 503 with
# Retry-After). With gunicorn's 2 processes this bounds the memory of the web server (docs/TRUST.md).
SUBMISSION_PARSE_SLOTS = env_int("SUBMISSION_PARSE_SLOTS", 1, minimum=1, maximum=64)
SUBMISSION_SLOT_WAIT_SECONDS = env_int("SUBMISSION_SLOT_WAIT_SECONDS", 60, minimum=0, maximum=3600)

# --- A UPT node (README: "Node at a UPT") -----------------------------------------------------------
# "central" (default): the national server, which also hosts UPTs without a server of their own. "upt": the
# same code at one UPT (a *node*), with its own database and users, serving only that UPT's pages, sending
# its packages to central's API through an outbox (upt/node/). Read it through central.mode.is_node().
SDP_MODE = (env_str("SDP_MODE", "central") or "central").lower()
if SDP_MODE not in ("central", "upt"):
    raise ImproperlyConfigured(f"SDP_MODE={SDP_MODE!r} is not one of: central, upt.")
SDP_UPT_CODE = env_str("SDP_UPT_CODE", "") or ""
SDP_CENTRAL_URL = (env_str("SDP_CENTRAL_URL", "") or "").rstrip("/")
SDP_NODE_TOKEN = env_str("SDP_NODE_TOKEN", "") or ""
if SDP_MODE == "upt" and not SDP_UPT_CODE:
    raise ImproperlyConfigured("SDP_MODE=upt needs SDP_UPT_CODE (the UPT this node serves): run scripts/node-register.")
if SDP_MODE == "upt":
    ROOT_URLCONF = "sdp_project.urls_node"  # the UPT's pages only: central's pages and API are not served
# Seconds one request to central may take (connect and each read) before the send is retried later.
SDP_NODE_TIMEOUT = env_int("SDP_NODE_TIMEOUT", 60, minimum=1, maximum=3600)
# Retry of a package central could not be reached for: first wait, doubled each attempt up to the cap.
SDP_NODE_RETRY_FIRST_SECONDS = env_int("SDP_NODE_RETRY_FIRST_SECONDS", 30, minimum=1)
SDP_NODE_RETRY_MAX_SECONDS = env_int("SDP_NODE_RETRY_MAX_SECONDS", 30 * 60, minimum=1)
# The node's own daily send (WIB, HH:MM), seeded once into Periodic tasks at migrate; empty: operators send.
SDP_NODE_SEND_TIME = env_time("SDP_NODE_SEND_TIME", time(7, 0)) if env_str("SDP_NODE_SEND_TIME") else None

# --- Logging and error reports --------------------------------------------------------------------
# One JSON object a line by default (LOG_FORMAT=plain for a terminal), each with the request id and the
# consolidation run id it was written for (operations/logs.py). Celery workers write through this same
# configuration (sdp_project/celery.py connects ``setup_logging``), so a worker's level is LOG_LEVEL, not its
# ``--loglevel``.
LOG_FORMAT = (env_str("LOG_FORMAT", "json") or "json").lower()
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of: json, plain.")
LOG_LEVEL = (env_str("LOG_LEVEL", "INFO") or "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not one of: DEBUG, INFO, WARNING, ERROR, CRITICAL.")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Error reports (the 500 e-mail to ADMINS) leave out POSTed fields, traceback values, the query string and
# the values a database error quotes.
DEFAULT_EXCEPTION_REPORTER_FILTER = "operations.log_privacy.PersonDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "operations.log_privacy.PersonDataExceptionReporter"

# ADMINS="Nama <a@example.go.id>,b@example.go.id": every ERROR line (a 500, a failed consolidation) is mailed
# to them, with Django's error report as SDP's filter leaves it.
ADMINS = env_admins("ADMINS")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true (STARTTLS on 587, or SSL on 465).")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)  # a dead mail server must not hold a request for long
SERVER_EMAIL = env_email("SERVER_EMAIL", "sdp@localhost")
DEFAULT_FROM_EMAIL = env_email("DEFAULT_FROM_EMAIL", SERVER_EMAIL)
EMAIL_SUBJECT_PREFIX = "[SDP] "

LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL, mail_admins=bool(ADMINS))

# SENTRY_DSN: errors and ERROR lines also go to Sentry (operations/error_reports.py says what is left out).
SENTRY_DSN = env_str("SENTRY_DSN", "") or ""
if SENTRY_DSN:
    from operations.error_reports import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT"))
