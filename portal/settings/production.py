"""Production: every secret from the environment, HTTPS only."""

import base64
import binascii
import os

from django.core.exceptions import ImproperlyConfigured

# Checked before the base settings are read: without DATABASE_URL they would start the embedded
# PostgreSQL (portal.embedded), which is for development only.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "生产模式必须设置 DATABASE_URL（PostgreSQL 数据库连接地址，如 postgres://用户:密码@主机:5432/库名）；"
        "生产模式不会启动内嵌的 PostgreSQL。"
    )

from .base import *  # noqa: F403

DEBUG = False
if SECRET_KEY.startswith("dev-only"):  # noqa: F405
    raise ImproperlyConfigured("生产模式必须设置 DJANGO_SECRET_KEY")
# personal data at rest (portal.crypto): never a key made on the spot, which a restart would lose
if not env_list("PORTAL_FIELD_KEYS") or not env("PORTAL_FIELD_HASH_KEY"):  # noqa: F405
    raise ImproperlyConfigured("生产模式必须设置 PORTAL_FIELD_KEYS（个人信息加密密钥）和 PORTAL_FIELD_HASH_KEY")
for _key in env_list("PORTAL_FIELD_KEYS"):  # noqa: F405
    try:
        _valid = len(base64.urlsafe_b64decode(_key.encode())) == 32
    except (binascii.Error, ValueError):
        _valid = False
    if not _valid:
        raise ImproperlyConfigured("PORTAL_FIELD_KEYS 中有无效的密钥（应为 32 字节的 URL 安全 Base64 编码）")
# believed only from TRUSTED_PROXIES: portal.middleware.TrustedProxyMiddleware drops the header otherwise
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # noqa: F405
# the container healthcheck asks over plain HTTP on loopback
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: Secure, Path=/, no Domain — a sibling host or plain HTTP cannot set or shadow them
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# the browsable API is a development aid: production answers JSON only
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}  # noqa: F405
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DB_CONN_MAX_AGE = 60
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))  # noqa: F405
