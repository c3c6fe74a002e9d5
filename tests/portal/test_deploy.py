"""Production mode: `manage.py check --deploy` reports nothing; secrets are required."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(extra_env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production", **extra_env}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing():
    result = run_check({"DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij",
                        "DJANGO_ALLOWED_HOSTS": "portal.example.cn"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_development_secret():
    result = run_check({"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
