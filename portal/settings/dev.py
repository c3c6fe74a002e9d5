from .base import *  # noqa: F403

# a developer's own servers (DATABASE_URL) without keys: the checkout's keys in .local/
PORTAL_FIELD_KEYS, PORTAL_FIELD_HASH_KEY = field_keys(local_default=True)  # noqa: F405

DEBUG = env_bool("DJANGO_DEBUG", False)  # noqa: F405  (the debug page only when asked for: DJANGO_DEBUG=1)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# `make run` serves the static files from the source folders (no collectstatic, so no manifest to look up)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
