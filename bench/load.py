"""Load benchmark (issue 17): gunicorn as production runs it, closed-loop users, req/s and latency per page.

    python -m bench load [--duration 10] [--users 1,24,64] [--db bench_load] [--fresh]
                         [--code DIR --label NAME] [--workers N] [--json FILE] [--writes R]

- Database: ``bench_load`` (reference data + the demo data of ``load_demo``) on this checkout's
  embedded PostgreSQL, built once (``--fresh`` rebuilds).  ``--db bench_crackdown`` runs on the
  200,000-lead database of ``python -m bench crackdown_lists`` instead (the demo accounts are added;
  it is never rebuilt here).  ``PORTAL_LOCAL_DIR=/path/.local`` uses another checkout's embedded
  PostgreSQL and Redis (and its field keys), e.g. a worktree benchmarking the main checkout's databases.
- Server: ``gunicorn portal.wsgi:application`` with ``portal.settings.production``, ``DJANGO_DEBUG=0``,
  2 × cores + 1 sync workers, static files collected with the manifest, the app database role, the
  embedded Redis; requests come "through the proxy" (``TRUSTED_PROXIES=127.0.0.1``,
  ``X-Forwarded-Proto: https``), so every production middleware runs, HTTPS redirect included.
  ``--code DIR`` serves another checkout of the portal (e.g. a worktree of the commit before a change)
  against the same database and Redis: before/after in one sitting.
- Users: each virtual user of a province has its own session (made directly in the session table, as a
  login would: auth hash, login time); the ministry's staff (``bu_staff``, who must pass the second
  factor) log in through the server as a person would — the login page, the password, then the TOTP
  code of the account's authenticator (computed from the device's key) on the verification page — and
  the ministry's virtual users share that session (a code passes once: one login per run).  Each user
  cycles through its page mix in its own fixed shuffled order and sends the next request when the last
  one is answered (closed loop).  Before the phases the logged-in mix runs ``--warm`` seconds (10),
  not counted: PostgreSQL keeps a statement's plan only after about ten runs on a connection, and a
  production worker has run its pages thousands of times.
  Phases for each N: ``/healthz/`` alone (the floor: the same middleware, one ``SELECT 1``), the public
  pages (anonymous), the logged-in mix; with ``--phases healthz,form,public,mix`` also the password
  form for the same logged-in users (the cheapest logged-in page: base template, a small form, no
  query of its own).  Pairs (user, page) not answering 200 at warm-up are dropped and listed.
- ``--writes R``: during the logged-in mix the benchmark itself writes R times a second, to the lead,
  case, need and match tables in turn (a row rewritten unchanged): the pages kept per user
  (portal/page_cache.py) are then read afresh as on a day with clerks saving.
- Reports per phase: req/s, p50/p95/p99 in ms and errors (status ≠ 200 or a failed connection) per
  page; the logged-in mix's rate as a share of the ``/healthz/`` rate.

The clients run in up to four processes (threads inside) on the same machine as the server: on a
small machine they take part of the CPU, as a proxy would.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
BENCH_SECRET = "bench-load-" + "k" * 50  # server and this process sign sessions with the same key
os.environ["DJANGO_SECRET_KEY"] = BENCH_SECRET

# the logged-in mix: the pages a province's staff and liaison, and the ministry, use most
STAFF_PAGES = [
    ("home", "/"),
    ("leads", "/crackdown/leads/"),
    ("cases", "/crackdown/cases/"),
    ("statistics", "/crackdown/statistics/"),
    ("crackdown lists", "/crackdown/lists/"),
    ("aid campaigns", "/aid/campaigns/"),
    ("aid lists", "/aid/lists/"),
    ("aid needs", "/aid/needs/"),
    ("aid matches", "/aid/matches/"),
    ("jobs", "/jobs/"),
    ("lead API", "/api/crackdown/leads/"),
]
PUBLIC_PAGES = [
    ("public lists", "/crackdown/public/lists/"),
    ("public report form", "/crackdown/public/report/"),
    ("login page", "/accounts/login/"),
]
HEALTHZ = [("healthz", "/healthz/")]
# the cheapest logged-in page (``--phases …,form``): the base template and a three-field form, no query of its
# own; what every logged-in page costs before its own work (docs/BENCHMARKS.md, issue 17)
FORM_FLOOR = [("password form", "/accounts/password/")]
# who browses: the demo accounts of the provinces and the ministry (the administrators do not)
BROWSERS = ["xz_staff", "xz_liaison", "zj_staff", "zj_liaison", "hb_staff", "hb_liaison", "bu_staff"]
SESSION_COOKIE = "__Host-sessionid"


# --- database ------------------------------------------------------------------------------------
CRACKDOWN_DB = "bench_crackdown"  # built by bench/crackdown_lists.py (200,000 leads), never rebuilt here


def setup_database(db: str, fresh: bool) -> None:
    os.environ["TEST_DB_NAME"] = db
    import django

    django.setup()
    from django.db import connection

    if db == CRACKDOWN_DB and fresh:
        raise SystemExit(f"--fresh 不重建 {CRACKDOWN_DB}：请运行 python -m bench crackdown_lists --fresh")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not fresh, serialize=False)
    from portal.demo import load_demo, load_demo_accounts
    from tests.factories import ensure_reference

    if db == CRACKDOWN_DB:
        from bench.crackdown_lists import LEADS
        from crackdown.models import Lead

        found = Lead.objects.count()
        if found < LEADS:  # an empty database just created, or a half-built one: not what was asked for
            raise SystemExit(f"数据库 {db} 只有 {found} 条线索（应有 {LEADS} 条）："
                             "请先运行 python -m bench crackdown_lists")
    ensure_reference()
    if db == "bench_load":
        from crackdown.models import Lead

        if not Lead.objects.exists() or fresh:
            load_demo()
    load_demo_accounts()


def make_sessions(count: int, backend: str) -> list[tuple[str, str | None]]:
    """``count`` sessions spread over BROWSERS, (username, session key): a province's accounts get a session
    as ``login()`` leaves it; an account that must pass the second factor gets None, to log in through
    the server (``login_with_totp``) once the server runs."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import User

    users = list(User.objects.filter(username__in=BROWSERS).order_by("username"))
    sessions = []
    now = int(time.time())
    for index in range(count):
        user = users[index % len(users)]
        if user.requires_second_factor:
            sessions.append((user.username, None))
            continue
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["login_at"] = now
        session["last_seen"] = now
        session.set_expiry(30 * 60)
        session.save()
        sessions.append((user.username, session.session_key))
    return sessions


def totp_device(username: str):
    """The account's confirmed authenticator (one is bound for the benchmark if it has none), ready to verify."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    user = User.objects.get(username=username)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
              or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True))
    if device.throttling_failure_count:  # an earlier run's wrong code must not slow this login
        device.throttle_reset()
    return device


def current_code(device) -> str:
    """The authenticator's code now — one the device has not accepted yet (a code passes once): at most a
    time step's wait when an earlier run in the same 30 seconds used this one."""
    from django_otp.oath import TOTP

    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.t() > device.last_t:
            return str(totp.token()).zfill(device.digits)
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)


def _request(port: int, method: str, path: str, cookies: dict, form: dict | None = None):
    """One request through the "proxy" (HTTPS) keeping ``cookies``; (status, Location, body)."""
    from urllib.parse import urlencode

    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept": "text/html"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://127.0.0.1",
                        "Referer": f"https://127.0.0.1{path}"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                cookies[name.strip()] = value
            else:
                cookies.pop(name.strip(), None)
        return response.status, response.getheader("Location", ""), text
    finally:
        conn.close()


def _csrf_token(page: str) -> str:
    import re

    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("页面上没有 CSRF 令牌")
    return found.group(1)


def _errors(page: str) -> str:
    import re

    pattern = r'<(?:div|ul) class="(?:invalid-feedback|errorlist|alert)[^"]*"[^>]*>(.*?)</(?:div|ul)>'
    found = re.findall(pattern, page, re.S)
    return "；".join(re.sub(r"<[^>]+>", "", m).strip() for m in found)


def prepare_password_login(username: str, password: str) -> None:
    """The account's password hashed as production hashes it (the database was built under the test settings,
    whose MD5 hasher the server does not have) and no earlier failed attempt counted against it (axes)."""
    from axes.utils import reset
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import identify_hasher, make_password

    from portal.models import User

    user = User.objects.get(username=username)
    production_hashers = [path.rsplit(".", 1)[1] for path in django_settings.PASSWORD_HASHERS
                          if "MD5" not in path]
    if identify_hasher(user.password).__class__.__name__ not in production_hashers:
        User.objects.filter(pk=user.pk).update(password=make_password(password, hasher="argon2"))
    reset(username=username)
    totp_device(username)  # the authenticator bound before the login, as for an account that has enrolled


def login_with_totp(port: int, username: str, password: str) -> str:
    """Log ``username`` in through the server as a person would: the login page, the password, then the
    authenticator's code on the verification page.  Returns the session key of the verified session."""
    cookies: dict = {}
    status, _, page = _request(port, "GET", "/accounts/login/", cookies)
    form = {"csrfmiddlewaretoken": _csrf_token(page), "username": username, "password": password, "next": "/"}
    status, location, page = _request(port, "POST", "/accounts/login/", cookies, form)
    if status != 302:
        raise RuntimeError(f"{username} 的密码未通过：{status} {_errors(page)}")
    for _ in range(3):  # the page asked for leads to the verification page (SecondFactorRequiredMiddleware)
        path = location
        status, location, page = _request(port, "GET", path, cookies)
        if status != 302:
            break
    if status != 200 or not path.startswith("/accounts/otp/verify/"):
        raise RuntimeError(f"{username} 登录（密码）后未到动态口令验证页：{status} {path}")
    location = path
    device = totp_device(username)
    form = {"csrfmiddlewaretoken": _csrf_token(page), "token": current_code(device), "next": "/"}
    status, location, page = _request(port, "POST", location, cookies, form)
    if status != 302 or "/accounts/otp/" in location:
        raise RuntimeError(f"{username} 的动态口令未通过：{status} {location} {_errors(page)}")
    status, _, _ = _request(port, "GET", "/", cookies)
    if status != 200:
        raise RuntimeError(f"{username} 通过动态口令后首页：{status}")
    return cookies[SESSION_COOKIE]


# --- server --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(code: Path, db: str, static_root: Path) -> dict:
    from django.conf import settings

    from portal.embedded import LOCAL_DIR

    keys = json.loads((LOCAL_DIR / "field-keys.json").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "TEST_DB", "REDIS"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": BENCH_SECRET,
        "PORTAL_FIELD_KEYS": ",".join(keys["keys"]),
        "PORTAL_FIELD_HASH_KEY": keys["hash_key"],
        # this checkout's embedded PostgreSQL and Redis (found running), the bench database, the app role
        "PORTAL_LOCAL_DIR": str(LOCAL_DIR),
        # production refuses to start the embedded PostgreSQL: it is given as a deployment would give it
        "DATABASE_URL": settings.DATABASE_URL,
        "DATABASE_OWNER_URL": settings.DATABASE_OWNER_URL,
        "DATABASE_APP_ROLE": settings.DATABASE_APP_ROLE,
        "DATABASE_NAME_OVERRIDE": db,
        "TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "CACHE_KEY_PREFIX": f"bench-load-{code.name}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(code),
    })
    assert settings.DATABASES["default"]["NAME"] == db
    return env


def collect_static(code: Path, env: dict, static_root: Path) -> None:
    if (static_root / "staticfiles.json").exists():
        return
    subprocess.run([sys.executable, str(code / "manage.py"), "collectstatic", "--noinput", "-v0"],
                   cwd=code, env=env, check=True)


def start_server(code: Path, env: dict, workers: int, port: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--chdir", str(code),
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn 退出了，见 {log}")
        try:
            if get(port, "/healthz/", None)[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"gunicorn 未能在 90 秒内就绪，见 {log}")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- server CPU --------------------------------------------------------------------------------------
# Latency on a shared machine says as much about the neighbours as about the portal; the CPU time the
# server spends (gunicorn's workers and the PostgreSQL backends, read from /proc) per request does not.
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, list[str]] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), fields  # (ppid, fields from "state" on)


def tree_cpu_ms(root: int) -> float:
    """CPU of ``root`` and its live children, plus what its reaped children used (cutime/cstime)."""
    own = _stat(root)
    if own is None:
        return 0.0
    # fields from "state": utime, stime, cutime, cstime are the 12th–15th
    total = sum(int(own[1][i]) for i in (11, 12, 13, 14))
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child and child[0] == root:
                total += int(child[1][11]) + int(child[1][12])
    return total * TICK_MS


def postmaster_pid() -> int | None:
    try:
        from portal.embedded import PG_DATA

        return int((PG_DATA / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# --- clients -------------------------------------------------------------------------------------
def get(port: int, path: str, session_key: str | None) -> tuple[int, float]:
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept": "text/html,application/json"}
    if session_key:
        headers["Cookie"] = f"{SESSION_COOKIE}={session_key}"
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def _user_loop(port, plan, session_key, stop_at, out):
    index = 0
    while time.monotonic() < stop_at:
        name, path = plan[index % len(plan)]
        index += 1
        try:
            status, ms = get(port, path, session_key)
        except OSError:
            status, ms = 0, 0.0
        if time.monotonic() <= stop_at:
            out.append((name, status, ms))


def _client_process(args):
    port, users, duration_s = args  # users: [(plan, session_key)]
    stop_at = time.monotonic() + duration_s
    results: list = []
    threads = [threading.Thread(target=_user_loop, args=(port, plan, key, stop_at, results)) for plan, key in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_phase(port: int, users: list, duration: float, server_pid: int | None = None) -> dict:
    """users: [(plan, session_key)] — one closed-loop user each; returns figures per page and in all."""
    pg = postmaster_pid()
    cpu_before = (tree_cpu_ms(server_pid) if server_pid else 0.0, tree_cpu_ms(pg) if pg else 0.0)
    procs = min(4, len(users))
    context = multiprocessing.get_context("fork")  # forked: the target need not be importable (runpy)
    queue = context.Queue()

    def child(chunk):
        queue.put(_client_process((port, chunk, duration)))

    workers = [context.Process(target=child, args=(users[i::procs],)) for i in range(procs)]
    for worker in workers:
        worker.start()
    results = [row for _ in workers for row in queue.get()]
    for worker in workers:
        worker.join()
    cpu_after = (tree_cpu_ms(server_pid) if server_pid else 0.0, tree_cpu_ms(pg) if pg else 0.0)
    result = summarize(results, duration)
    count = max(1, result["all"]["requests"])
    result["cpu_ms_per_request"] = {"gunicorn": (cpu_after[0] - cpu_before[0]) / count,
                                    "postgres": (cpu_after[1] - cpu_before[1]) / count}
    return result


# --writes: the tables a write touches in turn, each time its first row rewritten unchanged — for the kept pages
# (portal/page_cache.py) a write like any other: every page that read the table is read afresh at its next request
WRITTEN_TABLES = ("crackdown_lead", "crackdown_case", "aid_projects_aiditem", "aid_projects_match")


def _writer(rate: float, stop: threading.Event, counted: list) -> None:
    from django.db import connection

    table = 0
    try:
        while not stop.wait(1 / rate):
            name = WRITTEN_TABLES[table % len(WRITTEN_TABLES)]
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {name} SET id = id WHERE id = (SELECT min(id) FROM {name})")
            table += 1
            counted.append(name)
    finally:
        connection.close()


def pct(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


def figures(rows, duration):
    ok = sorted(ms for _, status, ms in rows if status == 200)
    return {"requests": len(rows), "rps": len(rows) / duration, "errors": sum(1 for _, s, _ in rows if s != 200),
            "p50": statistics.median(ok) if ok else 0.0, "p95": pct(ok, 0.95), "p99": pct(ok, 0.99)}


def summarize(results, duration) -> dict:
    pages = {}
    for name in sorted({r[0] for r in results}):
        pages[name] = figures([r for r in results if r[0] == name], duration)
    return {"all": figures(results, duration), "pages": pages,
            "statuses": sorted({r[1] for r in results if r[1] != 200})}


def print_phase(title: str, result: dict) -> None:
    a = result["all"]
    print(f"\n  {title}: {a['rps']:.1f} req/s, p50 {a['p50']:.1f} ms, p95 {a['p95']:.1f} ms, "
          f"p99 {a['p99']:.1f} ms, errors {a['errors']}/{a['requests']}"
          + (f" (statuses {result['statuses']})" if result["statuses"] else ""))
    cpu = result.get("cpu_ms_per_request")
    if cpu:
        print(f"    server CPU per request: gunicorn {cpu['gunicorn']:.1f} ms + PostgreSQL {cpu['postgres']:.1f} ms")
    if len(result["pages"]) > 1:
        print(f"    {'page':<20}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}")
        for name, f in result["pages"].items():
            print(f"    {name:<20}{f['rps']:>8.1f}{f['p50']:>8.1f}{f['p95']:>8.1f}{f['p99']:>8.1f}{f['errors']:>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--users", default="1,24,64")
    parser.add_argument("--db", default="bench_load")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout gunicorn serves")
    parser.add_argument("--label", default="")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--phases", default="healthz,public,mix")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--writes", type=float, default=0.0,
                        help="writes a second during the logged-in mix (lead, case, need, match tables in turn)")
    parser.add_argument("--warm", type=float, default=10.0,
                        help="seconds of the logged-in mix before the phases, not counted (0: none)")
    args = parser.parse_args()
    code = args.code.resolve()
    label = args.label or code.name

    setup_database(args.db, args.fresh)
    static_root = ROOT / ".local" / f"bench-static-{code.name}"
    env = server_env(code, args.db, static_root)
    collect_static(code, env, static_root)
    base_settings = (code / "portal" / "settings" / "base.py").read_text()
    backend = ("portal.access.CachedModelBackend" if "portal.access.CachedModelBackend" in base_settings
               else "django.contrib.auth.backends.ModelBackend")
    counts = [int(n) for n in args.users.split(",")]
    sessions = make_sessions(max(counts), backend)
    from django.db import connections

    connections.close_all()  # the client processes are forked from this one

    port = free_port()
    log = ROOT / ".local" / f"bench-load-{label}.log"
    load_before = os.getloadavg()
    print(f"gunicorn {args.workers} workers（{code}，{label}）, 数据库 {args.db}，每阶段 {args.duration:g} 秒；"
          f"负载 {load_before[0]:.2f}")
    server = start_server(code, env, args.workers, port, log)
    report = {"label": label, "db": args.db, "workers": args.workers, "duration": args.duration,
              "loadavg_before": load_before, "phases": {}}
    try:
        # the ministry's staff log in as a person would: password, then the authenticator's code (TOTP)
        verified = {}
        for username in sorted({username for username, key in sessions if key is None}):
            from portal.demo import DEMO_PASSWORD

            prepare_password_login(username, DEMO_PASSWORD)
            verified[username] = login_with_totp(port, username, DEMO_PASSWORD)
            print(f"  {username}：经登录页以密码和动态口令（TOTP）登录，其虚拟用户共用这一会话")
        connections.close_all()
        keys = [key or verified[username] for username, key in sessions]
        users_by_key = {key: username for key, (username, _) in zip(keys, sessions, strict=True)}
        # warm-up: every worker imports and renders every page once; pairs not answering 200 are dropped
        plans = {}
        dropped = set()
        for key in keys[: len(BROWSERS)]:
            plan = []
            for name, path in STAFF_PAGES:
                statuses = {get(port, path, key)[0] for _ in range(args.workers)}
                if statuses == {200}:
                    plan.append((name, path))
                else:
                    dropped.add((users_by_key[key], name, tuple(sorted(statuses))))
            plans[key] = plan
        for _name, path in PUBLIC_PAGES + HEALTHZ:
            for _ in range(args.workers):
                get(port, path, None)
        if dropped:
            print("  预热时未答 200、不计入混合负载的（账号 页面 状态）："
                  + "，".join(f"{u} {n} {s}" for u, n, s in sorted(dropped)))
        user_plans = []
        for index, key in enumerate(keys):
            template = plans[keys[index % len(BROWSERS)]]
            plan = template[:]
            random.Random(index).shuffle(plan)
            user_plans.append((plan, key))
        if args.warm > 0 and "mix" in args.phases.split(","):
            # a worker that has served for a while: PostgreSQL keeps a statement's plan only after it ran
            # about ten times on a connection (psycopg prepares it at the fifth run, PostgreSQL tries five
            # custom plans before the generic one), so each worker runs the mix before anything is counted
            warm = user_plans[: min(24, len(user_plans))]
            result = run_phase(port, warm, args.warm, server.pid)
            report["warm"] = {"users": len(warm), "seconds": args.warm, "requests": result["all"]["requests"]}
            print(f"  预热：混合负载 {len(warm)} 个用户 {args.warm:g} 秒，"
                  f"{report['warm']['requests']} 个请求（不计入）")
        for n in counts:
            for phase in args.phases.split(","):
                if phase == "healthz":
                    users = [(HEALTHZ, None)] * n
                elif phase == "form":
                    users = [(FORM_FLOOR, key) for _plan, key in user_plans[:n]]
                elif phase == "public":
                    users = [(random.Random(i).sample(PUBLIC_PAGES, len(PUBLIC_PAGES)), None) for i in range(n)]
                else:
                    users = user_plans[:n]
                stop, written = threading.Event(), []
                writer = None
                if phase == "mix" and args.writes > 0:
                    writer = threading.Thread(target=_writer, args=(args.writes, stop, written), daemon=True)
                    writer.start()
                result = run_phase(port, users, args.duration, server.pid)
                if writer is not None:
                    stop.set()
                    writer.join()
                    result["writes"] = len(written)
                    print(f"  （混合负载期间写入 {len(written)} 次：{'、'.join(WRITTEN_TABLES)} 轮流）")
                report["phases"][f"{phase}@{n}"] = result
                print_phase(f"{phase}, {n} users", result)
            floor = report["phases"].get(f"healthz@{n}")
            for phase, title in (("form", "the password form"), ("mix", "logged-in mix")):
                measured = report["phases"].get(f"{phase}@{n}")
                if measured and floor and floor["all"]["rps"]:
                    print(f"  → {n} users: {title} = {100 * measured['all']['rps'] / floor['all']['rps']:.0f} % "
                          f"of /healthz/")
    finally:
        stop_server(server)
        report["loadavg_after"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
