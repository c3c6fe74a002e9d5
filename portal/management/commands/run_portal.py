"""The README's first command ends here: prepare the database, then run web + worker + beat.

Ctrl-C (or SIGTERM) stops the three processes and, when this command started them, the embedded
PostgreSQL and Redis, so nothing is left running.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal import embedded


class Command(BaseCommand):
    help = "准备数据库（迁移、基础数据、演示数据）并启动网站、Celery worker 与 beat。Ctrl-C 全部停止。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="不载入演示数据与演示账号")

    def handle(self, *args, addr, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference")
        if not no_demo:
            call_command("load_demo")
        python = sys.executable
        beat_schedule = settings.BASE_DIR / ".local" / "celerybeat-schedule"
        beat_schedule.parent.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [python, "manage.py", "runserver", addr],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2",
                       "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
                     "--schedule", str(beat_schedule)],
        }
        children = {}
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for name, cmd in commands.items():
                # own process group: Ctrl-C reaches us once, and we stop each child cleanly
                children[name] = subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)
            self.stdout.write(self.style.SUCCESS(f"\n门户已启动：http://{addr}/  （Ctrl-C 停止）\n"))
            while not stopping:
                for name, proc in children.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} 进程已退出（退出码 {proc.returncode}），正在停止其余进程。")
                        stopping = True
                time.sleep(0.5)
        finally:
            self.stdout.write("正在停止……")
            for proc in children.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for proc in children.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            # the embedded servers, if this command started them (settings did, on import)
            from django.db import connections

            connections.close_all()
            embedded.stop_started()
            self.stdout.write("已全部停止。")
