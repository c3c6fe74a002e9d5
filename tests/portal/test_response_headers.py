"""Response headers of the production edge: Permissions-Policy, no-store when logged in and on
downloads, __Host- cookies and no browsable API in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from portal.models import Job, JobStatus

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_permissions_policy_on_every_response(client):
    response = client.get("/accounts/login/")
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_no_store_on_every_logged_in_response(client, xizang_staff):
    client.force_login(xizang_staff)
    for url in ("/", "/jobs/", "/api/jobs/", "/crackdown/leads/"):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_no_store_on_downloads(client, xizang_staff):
    job = Job.objects.create(kind="reference_integrity", title="t", authority=xizang_staff.authority,
                             created_by=xizang_staff, status=JobStatus.SUCCEEDED, result_name="报告.xlsx")
    job.result_file.save("报告.xlsx", ContentFile(b"PK"), save=True)
    client.force_login(xizang_staff)
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


from tests.portal.test_deploy import FIELD_KEYS  # noqa: E402  (the production settings need the field keys)


def test_production_settings_host_cookies_and_json_only_api():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789-abcdefghij",
           "DATABASE_URL": "postgres://build@localhost/build", "REDIS_URL": "redis://localhost:6379/0",
           **FIELD_KEYS}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = ("import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_NAME, "
            "s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN, "
            "s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']]));"
            "from portal.api.views import JobViewSet; print([r.__name__ for r in JobViewSet.renderer_classes])")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    *_, line, renderers = result.stdout.strip().splitlines()
    values = json.loads(line)
    assert values[:2] == ["__Host-sessionid", "__Host-csrftoken"]
    assert values[2:7] == [True, True, None, None, "/"]  # what the __Host- prefix requires
    assert values[7] == ["rest_framework.renderers.JSONRenderer"]
    assert renderers == "['JSONRenderer']"  # the API views in production: no BrowsableAPIRenderer
