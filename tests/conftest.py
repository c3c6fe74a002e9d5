"""Test fixtures: reference data, users per role and province, the real Celery worker, the browser.

The tests run on real PostgreSQL (embedded, or DATABASE_URL) and real Redis; jobs run on a real
Celery worker started for the session against the test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ensure_reference, make_user

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


# --- database: reference data is part of the test database -------------------------------------
@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference()


# --- the second factor ----------------------------------------------------------------------------
def verify_second_factor(client, user) -> None:
    """Mark ``client``'s session as having passed the TOTP step (a confirmed device for ``user``)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="测试", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True, scope="session")
def _force_login_passes_the_second_factor():
    """``client.force_login(user)`` stands for a whole login: password and, for ministry staff and
    the administrators, the TOTP step.  ``force_login(user, second_factor=False)`` stops after the
    password (the state the 2FA tests start from)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        if second_factor and user.requires_second_factor:
            verify_second_factor(self, user)

    Client.force_login = force_login
    yield
    Client.force_login = original


@pytest.fixture(autouse=True)
def _clear_axes_cache():
    from django.core.cache import cache

    cache.clear()
    yield


# --- authorities and users ------------------------------------------------------------------------
@pytest.fixture
def authority():
    """Authority lookup by code or name: authority("540000") / authority("西藏自治区")."""
    from portal.models import Authority

    ensure_reference()

    def get(key):
        field = "code" if key.isdigit() else "name"
        return Authority.objects.get(**{field: key})

    return get


@pytest.fixture
def ministry_staff(db):
    return make_user("ministry_staff", "000000", "部级工作人员")


@pytest.fixture
def xizang_staff(db):
    return make_user("xizang_staff", "540000", "省级工作人员")


@pytest.fixture
def zhejiang_staff(db):
    return make_user("zhejiang_staff", "330000", "省级工作人员")


@pytest.fixture
def hebei_staff(db):
    return make_user("hebei_staff", "130000", "省级工作人员")


@pytest.fixture
def xizang_liaison(db):
    return make_user("xizang_liaison", "540000", "联络员")


@pytest.fixture
def zhejiang_liaison(db):
    return make_user("zhejiang_liaison", "330000", "联络员")


@pytest.fixture
def no_role_user(db):
    """Logged in, tied to a province, but holding no role (so no permission)."""
    return make_user("no_role", "540000")


@pytest.fixture
def system_admin(db):
    return make_user("sysadmin", "000000", "系统管理员")


@pytest.fixture
def security_admin(db):
    return make_user("secadmin", "000000", "安全管理员")


@pytest.fixture
def audit_admin(db):
    return make_user("auditadmin", "000000", "审计管理员")


# --- the real Celery worker -----------------------------------------------------------------------
def start_worker(queue: str, log_name: str) -> subprocess.Popen:
    """Start a real `celery worker` process (solo pool) on ``queue``, reading the test database;
    return once it is ready.  The caller stops it (``stop_worker``) or kills it."""
    from django.db import connection

    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{log_name}.log"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_NAME_OVERRIDE=connection.settings_dict["NAME"],
        CELERY_QUEUE=queue,
    )
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
             "-Q", queue, "-n", f"{log_name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Celery worker 启动失败：\n" + log_path.read_text())
        if " ready." in log_path.read_text():
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("Celery worker 60 秒内未就绪：\n" + log_path.read_text())


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the session's queue, reading the test database."""
    proc = start_worker(settings.CELERY_TASK_DEFAULT_QUEUE, f"celery-worker-{settings.TEST_DB_NAME}")
    yield proc
    stop_worker(proc)


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Use in a test whose jobs must really run: the data it makes is committed, so the worker sees it.

    An earlier transactional test flushed every table, the reference data too: load it again first.
    """
    ensure_reference()
    return celery_worker_process


def wait_for_job(job, timeout: float = 60):
    """Poll the job row until the worker has finished it; return it fresh from the database."""
    from portal.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fresh = Job.objects.get(pk=job.pk)
        if fresh.is_finished:
            return fresh
        time.sleep(0.2)
    raise AssertionError(f"任务 {job.pk} 在 {timeout} 秒内未完成（状态 {Job.objects.get(pk=job.pk).status}）")


# --- headless Chromium ---------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"浏览器测试需要 Debian 的 chromium（{CHROMIUM}）：apt-get install chromium fonts-noto-cjk")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
    # it are still synchronous, which Django must be told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield chromium
        chromium.close()


# --- markers follow the fixtures a test uses, so they cannot be wrong ----------------------------------
MARKER_FIXTURES = {"worker": "celery_worker", "browser": "page"}


def pytest_collection_modifyitems(config, items):
    """``worker`` marks exactly the tests that use the real worker, ``browser`` those that drive Chromium.

    A hand-written marker that disagrees with the fixtures (a test marked worker that starts none,
    or a browser test without the page) is an error, not a silent mislabel.
    """
    wrong = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, fixture in MARKER_FIXTURES.items():
            if fixture in fixtures:
                item.add_marker(marker)
            elif item.get_closest_marker(marker) is not None:
                wrong.append(f"{item.nodeid}: 标记为 {marker} 却未使用 {fixture}")
    if wrong:
        raise pytest.UsageError("测试标记与所用的 fixture 不符：\n" + "\n".join(wrong))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page on the live server; a failing test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def pytest_sessionfinish(session, exitstatus):
    """Stop the embedded servers this run started (not those it found running or was given)."""
    if os.environ.get("PORTAL_KEEP_SERVERS"):
        return
    if hasattr(session.config, "workerinput"):
        return
    from django.db import connections

    from portal import embedded

    connections.close_all()
    embedded.stop_started()


@pytest.fixture
def renders(monkeypatch):
    """How many fragments ``portal.filter_form_cache`` rendered (not served from the process's store): the
    filter forms and the read-only forms' fragments (issue 17)."""
    from portal import filter_form_cache

    filter_form_cache.forget()
    count = {"n": 0}
    original = filter_form_cache.render_fields

    def counting(*args):
        count["n"] += 1
        return original(*args)

    monkeypatch.setattr(filter_form_cache, "render_fields", counting)
    yield count
    filter_form_cache.forget()
