"""`make run` shows the portal's own Chinese error pages (Django's debug page only with DJANGO_DEBUG=1),
and the API answers its errors in Chinese."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from portal.views import errors

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _dev_debug(extra_env: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    # given servers: importing the settings then starts no embedded ones (and connects to nothing)
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.dev", "DATABASE_URL": "postgres://u@127.0.0.1:9/x",
                "REDIS_URL": "redis://127.0.0.1:9/0", **extra_env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_make_run_settings_debug_only_when_asked():
    assert _dev_debug({}) == "False"
    assert _dev_debug({"DJANGO_DEBUG": "1"}) == "True"


def test_unknown_page_is_the_portals_chinese_404(client, xizang_staff):
    client.force_login(xizang_staff)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "404 页面不存在" in page and "返回首页" in page and "Page not found" not in page and "URLconf" not in page


def test_api_errors_answer_in_chinese(client, xizang_staff):
    client.force_login(xizang_staff)
    for url in ("/api/no-such-endpoint/", "/api/aid/items/99999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert CHINESE.search(json.loads(response.content)["detail"]), response.content
    anonymous = client.__class__().get("/api/aid/items/")
    assert anonymous.status_code in (401, 403) and CHINESE.search(json.loads(anonymous.content)["detail"])


def test_server_error_pages_are_chinese():
    page = errors.server_error(RequestFactory().get("/crackdown/leads/"))
    assert page.status_code == 500 and "500 系统错误" in page.content.decode()
    api = errors.server_error(RequestFactory().get("/api/crackdown/leads/"))
    assert api.status_code == 500 and "服务器处理请求时出错" in json.loads(api.content)["detail"]
