from .base import *  # noqa: F403

# a developer's own servers (DATABASE_URL) without keys: the checkout's keys in .local/
PORTAL_FIELD_KEYS, PORTAL_FIELD_HASH_KEY = field_keys(local_default=True)  # noqa: F405

DEBUG = False
# Argon2 on every login in every test costs minutes; the hasher itself is tested in tests/portal.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"  # noqa: F405
# static files from the finders (no collectstatic before tests)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Several test runs may share one PostgreSQL and Redis (developers' parallel runs): each names its
# own test database, and its Celery queue follows from it, so no run's worker takes another's jobs.
# The suite runs as the owner role: it creates, migrates and flushes its own database.  The app
# role's limits are proven against that database by tests/portal/test_db_roles.py.
DATABASES = {"default": database(DATABASE_OWNER_URL)}  # noqa: F405
TEST_DB_NAME = env("TEST_DB_NAME", "test_portal")  # noqa: F405
if not env("DATABASE_NAME_OVERRIDE"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": TEST_DB_NAME}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", f"portal-{TEST_DB_NAME}")  # noqa: F405
# and its cache keys: the generations of the cached choices and counts are not renewed by another run's writes
CACHES["default"]["KEY_PREFIX"] = f"portal-test-{TEST_DB_NAME}"  # noqa: F405
JOB_QUEUE = CELERY_TASK_DEFAULT_QUEUE
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405  (one line per login otherwise)

# django-simple-captcha: "PASSED" answers every captcha in tests (the public report form)
CAPTCHA_TEST_MODE = True
