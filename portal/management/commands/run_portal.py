"""The README's first command ends here: prepare the database, run web + worker + beat, say what to try.

Start-up, each step timed (printed once, before the closing block):
- the embedded PostgreSQL and Redis, which settings start on import (``portal.embedded`` times them);
- web (runserver, as its own autoreloading process), worker and beat are started first, so that
  they import Django while this process prepares the database; worker and beat at a lower CPU
  priority, so that the web server answers first;
- migrations, only when the migration plan is not empty; reference data; the demo data in one
  transaction; jobs whose message the restarted embedded Redis lost, queued again;
- once the login page answers and the data is ready: the demo's background jobs (national
  summaries) queued for the worker, and one block with the URL, the demo accounts and what each
  can try, the public pages and how to stop.

The three processes write to ``.local/log/<name>.log``; their output comes to the terminal too, each
line with the process's name, from the later of the block and their own "started" line on (their
start-up banners would bury the block).
Ctrl-C (or SIGTERM) stops the three processes and, when this command started them, the embedded
PostgreSQL and Redis, so nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal import embedded

# runserver's exit code when its autoreloader saw a changed file (django.utils.autoreload)
RELOAD_EXIT_CODE = 3
# the login page (portal/urls.py); not reverse()d: that would import every view here, for one path
LOGIN_PATH = "/accounts/login/"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def pending_migrations() -> list:
    """The migrations ``migrate`` would apply (empty: nothing to do, skip the command and its signals)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def migrate_as_owner() -> None:
    """``migrate`` in this process, connected as the owner role for its duration.

    ``manage.py migrate`` from the app role's connection runs migrate again in a child process as the
    owner (portal/management/commands/migrate.py): a second Django start-up and the system checks,
    ≈ 3 CPU-seconds here, for nothing — the web process runs the checks.  The post-migrate signals
    (roles, the app role's grants) run as they do there."""
    import dj_database_url
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    owner = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")})
    try:
        # the web process (started before this) checks for unapplied migrations as the app role: the
        # migration record must be readable to it from the moment it exists, not only once the
        # post-migrate signal renews the grants (else runserver dies on "permission denied for table
        # django_migrations" and the login page never answers on a fresh clone)
        from django.db.migrations.recorder import MigrationRecorder

        MigrationRecorder(connection).ensure_schema()
        if settings.DATABASE_APP_ROLE:
            role = connection.ops.quote_name(settings.DATABASE_APP_ROLE)
            with connection.cursor() as cursor:
                cursor.execute(f"GRANT SELECT ON django_migrations TO {role}")
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


class Child:
    """One of web, worker, beat: its process, its log file, and a thread passing its output on."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], nice: int, started_marker: bytes,
                 log_dir, show):
        self.name, self.command, self.env, self.nice = name, command, env, nice
        self.started_marker = started_marker  # the line that ends the process's start-up output
        self.log_path = log_dir / f"{name}.log"
        self.show = show  # threading.Event: set once the ready block is printed
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.command, cwd=settings.BASE_DIR, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # own session: Ctrl-C reaches this command once, and it stops each child cleanly
            start_new_session=True,
        )
        if self.nice:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, self.nice)  # (no preexec_fn: threads run here)
        threading.Thread(target=self._relay, args=(self.proc,), daemon=True).start()

    def _relay(self, proc: subprocess.Popen) -> None:
        started = False
        with open(self.log_path, "ab") as log:
            for line in iter(proc.stdout.readline, b""):
                log.write(line)
                log.flush()
                started = started or self.started_marker in line
                if started and self.show.is_set():
                    sys.stdout.write(f"{self.name:<6}| {line.decode('utf-8', 'replace')}")
                    sys.stdout.flush()

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Command(BaseCommand):
    # the web process runs them; here they would import every URLconf and view for nothing
    requires_system_checks = []
    help = "准备数据库（迁移、基础数据、演示数据）并启动网站、Celery worker 与 beat。Ctrl-C 全部停止。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="不载入演示数据与演示账号")

    def handle(self, *args, addr, no_demo, **options):
        self.timings: list[tuple[str, float]] = []
        for server, name in (("postgres", "PostgreSQL"), ("redis", "Redis")):
            if server in embedded.TIMINGS:
                verb = "启动" if server in embedded.STARTED else "连接"
                self.timings.append((f"嵌入式 {name} {verb}", embedded.TIMINGS[server]))
        host, port = self.host_port(addr)
        url = f"http://{host}:{port}"
        show = threading.Event()
        children = self.children(addr, show)
        preparing = True
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True
            if preparing:
                raise KeyboardInterrupt  # stop a long migration at once; `finally` stops the children

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        spawned = time.monotonic()
        try:
            # the three processes import Django while this one prepares the database (2 cores: in parallel)
            for child in children.values():
                child.start()
            demo_lines = self.prepare(no_demo)
            preparing = False
            ready = False
            while not stopping:
                for child in children.values():
                    code = child.proc.poll()
                    if code is None:
                        continue
                    if child.name == "web" and code == RELOAD_EXIT_CODE:
                        child.start()  # a changed file: a fresh web process
                        continue
                    self.stderr.write(f"{child.name} 进程已退出（退出码 {code}），正在停止其余进程。")
                    if not show.is_set():
                        self.stderr.write(f"{child.log_path} 的最后几行：\n{child.tail()}")
                    stopping = True
                if not ready and not stopping and self.answers(url + LOGIN_PATH):
                    ready = True
                    self.timings.append(("登录页可用（自网站进程启动，与上面各步并行）", time.monotonic() - spawned))
                    queued = self.queue_demo_jobs() if not no_demo else []
                    self.print_ready(url, demo_lines + queued, children, demo=not no_demo)
                    show.set()
                time.sleep(0.1 if not ready else 0.5)
        except KeyboardInterrupt:
            pass
        finally:
            preparing = False
            self.stdout.write("正在停止……")
            for child in children.values():
                if child.proc is not None and child.proc.poll() is None:
                    os.killpg(child.proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                if child.proc is None:
                    continue
                try:
                    child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                    child.proc.wait()
            # the embedded servers, if this command started them (settings did, on import)
            from django.db import connections

            connections.close_all()
            embedded.stop_started()
            self.stdout.write("已全部停止。")

    # --- start-up steps ----------------------------------------------------------------------------

    def prepare(self, no_demo: bool) -> list[str]:
        """Migrations (when any is pending), reference data, demo data; lost jobs queued again."""
        plan = self.step("检查迁移", pending_migrations)
        if plan:
            self.step(f"数据库迁移（{len(plan)} 个）", migrate_as_owner)
        from portal.reference import load_reference

        self.step("基础数据", load_reference)
        lines = []
        if not no_demo:
            from portal.demo import load_demo

            lines = self.step("演示数据", load_demo)
        if "redis" in embedded.STARTED:
            lines += self.requeue_lost_jobs()
        return lines

    @staticmethod
    def requeue_lost_jobs() -> list[str]:
        """The embedded Redis keeps nothing when stopped: jobs queued (or running) at the last Ctrl-C
        lost their message.  This command started that Redis afresh, so every such job is queued again."""
        from portal.models import Job, JobStatus
        from portal.tasks import run_job

        lost = list(Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).values_list("pk", flat=True))
        for pk in lost:
            run_job.delay(pk)
        return [f"上次停止时未完成的后台任务 {len(lost)} 个已重新排队"] if lost else []

    def step(self, label: str, func, *args, **kwargs):
        started = time.monotonic()
        result = func(*args, **kwargs)
        self.timings.append((label, time.monotonic() - started))
        return result

    def queue_demo_jobs(self) -> list[str]:
        from portal.demo import queue_demo_jobs

        try:
            return self.step("演示后台任务入队", queue_demo_jobs)
        except Exception as exc:  # the portal works without the demo summaries: say so, keep serving
            return [f"演示汇总表未能入队：{exc.__class__.__name__}: {exc}"]

    @staticmethod
    def host_port(addr: str) -> tuple[str, str]:
        host, _, port = addr.rpartition(":")
        if not port.isdigit():
            host, port = addr, "8000"
        if host in ("", "0", "0.0.0.0", "::", "[::]"):
            host = "127.0.0.1"
        return host, port

    @staticmethod
    def answers(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def children(self, addr: str, show: threading.Event) -> dict[str, Child]:
        python = sys.executable
        local = settings.BASE_DIR / ".local"
        log_dir = local / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # runserver as the autoreloader's child: no second process that only imports Django to spawn it;
        # this command restarts it when it exits for a reload.  It runs the system checks (this one does not).
        web_env = {**env, "RUN_MAIN": "true"}
        commands = {
            "web": ([python, "manage.py", "runserver", addr], web_env, 0, b"Quit the server"),
            "worker": ([python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2",
                        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE], env, 10, b" ready."),
            "beat": ([python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
                      "--schedule", str(local / "celerybeat-schedule")], env, 10, b"beat: Starting"),
        }
        return {name: Child(name, cmd, env=child_env, nice=nice, started_marker=marker, log_dir=log_dir, show=show)
                for name, (cmd, child_env, nice, marker) in commands.items()}

    # --- the closing block ---------------------------------------------------------------------------

    def print_ready(self, url: str, lines: list[str], children: dict[str, Child], *, demo: bool) -> None:
        from portal.demo import DEMO_GUIDE, DEMO_PASSWORD, public_pages

        out = self.stdout.write
        total = None
        if os.environ.get("PORTAL_STARTED_AT"):
            try:
                total = time.time() - float(os.environ["PORTAL_STARTED_AT"])
            except ValueError:
                pass
        out("\n启动用时：")
        width = max(_width(label) for label, _ in self.timings)
        for label, seconds in self.timings:
            out(f"  {_pad(label, width)}  {seconds:5.1f} s")
        if total is not None:
            out(f"  {_pad('自 make run 起（含安装依赖）', width)}  {total:5.1f} s")
        for line in lines:
            out(f"  {line}")

        rule = "═" * 78
        out("\n" + rule)
        out(self.style.SUCCESS(f"门户已就绪：{url}/"))
        if demo:
            out(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
            account_width = max(_width(a) for a, _, _ in DEMO_GUIDE)
            role_width = max(_width(r) for _, r, _ in DEMO_GUIDE)
            for accounts, role, what in DEMO_GUIDE:
                out(f"  {_pad(accounts, account_width)}  {_pad(role, role_width)}  {what}")
        out("\n公开页面（无需登录）：")
        for name, path in public_pages():
            out(f"  {url}{path}  {name}")
        logs = "、".join(str(c.log_path.relative_to(settings.BASE_DIR)) for c in children.values())
        out(f"\n日志：{logs}（以下也显示在这里）")
        out("停止：按 Ctrl-C（网站、worker、beat 以及本命令启动的嵌入式数据库一并停止）")
        out(rule + "\n")
