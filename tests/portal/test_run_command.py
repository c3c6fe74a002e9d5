"""The README's first command: `manage.py run_portal` serves the portal and Ctrl-C stops it all.

Run against the servers this test session already uses (DATABASE_URL/REDIS_URL given to the child),
on a free port, with its own queue, so it disturbs nothing else.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url():
    from urllib.parse import quote

    d = connection.settings_dict
    host = quote(d["HOST"], safe="") if d["HOST"].startswith("/") else d["HOST"]
    return f"postgres://{d['USER']}@{host}:{d['PORT']}/{d['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_run_portal_serves_login_page_and_stops_cleanly():
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": f"run-test-{port}",
    }
    proc = subprocess.Popen([sys.executable, "manage.py", "run_portal", "--addr", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        body = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, "".join(lines)
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "社会组织登记管理门户" in body
        # the login page answers while reference and demo data still load: wait for the closing block
        while "门户已就绪" not in "".join(lines) and time.monotonic() < deadline + 60:
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.5)
        children = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert "runserver" in names and "worker" in names and "beat" in names
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        reader.join(timeout=10)
        output = "".join(lines)
    assert proc.returncode == 0, output
    assert "演示账号" in output and "xz_liaison" in output and "Portal@2025demo" in output
    # one closing block: timings once, the URL, the accounts, the public pages, how to stop
    ready = output.split("门户已就绪：", 1)[1]
    assert output.count("启动用时：") == 1 and "演示数据" in output and "登录页可用" in output
    assert ready.startswith(f"http://127.0.0.1:{port}/")
    assert "打击整治 → 线索" in ready and f"http://127.0.0.1:{port}/crackdown/public/report/" in ready
    assert "Ctrl-C" in ready
    # the test database is migrated: the plan is checked, migrate itself does not run
    assert "检查迁移" in output and "数据库迁移" not in output
    assert "已全部停止" in output
    time.sleep(0.5)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
