"""A newcomer's first minute: fresh clone to the login page answering 200, then the second run.

    python -m bench first_run [--rounds N] [--cold] [--repo PATH] [--rev REV] [--keep]

Each round clones the repository (``--rev``, default the checkout's HEAD: commit what you measure)
into a temporary folder and runs the README's first command there, ``make run`` (on a free port:
``RUN_ARGS=--addr``), as a newcomer would, with no DATABASE_URL/REDIS_URL: the virtualenv, the
embedded PostgreSQL and Redis, migrations, reference and demo data all start from nothing.  It times:

- **fresh**: from ``make run`` to the login page answering 200, and to the closing block printed;
- **second run**: after Ctrl-C (SIGINT to the command's process group, as a terminal sends it),
  ``make run`` again with the virtualenv and the database present, to the same two moments.

The user's caches stay as they are (uv's and pip's, the bootstrapped uv): a newcomer who has
installed anything before.  ``--cold`` gives the round empty caches (``XDG_CACHE_HOME`` in the
temporary folder): everything from the package index.  Each run's own step timings (the command's
"启动用时" block) are printed under it, and the CPU seconds the command's processes had used when
the block appeared: on a shared machine the wall time follows the load, the CPU time much less (two
cores: the wall time cannot be below half of it).  Targets (issue 16): fresh < 25 s, second run < 8 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300
# what would point the clone at this checkout's servers or virtualenv instead of its own
SCRUB = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "TEST_DB_NAME",
         "PORTAL_LOCAL_DIR", "CELERY_QUEUE", "PYTHONPATH", "DATABASE_NAME_OVERRIDE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process, its live descendants and the children they have reaped
    (the install's uv, initdb); not the PostgreSQL server, which pg_ctl detaches."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def run_once(clone: Path, env: dict[str, str], label: str) -> dict:
    """``make run`` in ``clone`` until the login page answers and the block is printed, then Ctrl-C."""
    port = free_port()
    log_path = clone.parent / f"{label}.log"
    url = f"http://127.0.0.1:{port}/accounts/login/"
    with open(log_path, "wb") as log:
        started = time.monotonic()
        proc = subprocess.Popen(["make", "run", f"RUN_ARGS=--addr 127.0.0.1:{port}"], cwd=clone, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        t_200 = t_ready = None
        cpu = 0.0
        try:
            while time.monotonic() - started < TIMEOUT and proc.poll() is None:
                if t_200 is None and answers(url):
                    t_200 = time.monotonic() - started
                if t_ready is None and "门户已就绪" in log_path.read_text(encoding="utf-8", errors="replace"):
                    t_ready = time.monotonic() - started
                    cpu = tree_cpu(proc.pid)
                if t_200 is not None and t_ready is not None:
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    if t_200 is None or t_ready is None:
        sys.exit(f"{label}: 未在 {TIMEOUT} 秒内就绪（退出码 {proc.returncode}）。输出：\n{output[-3000:]}")
    if "已全部停止" not in output:
        print(f"警告：{label} 停止时没有打印“已全部停止”")
    steps = re.search(r"启动用时：\n((?:  .*\n)+)", output)
    install = re.search(r"install: .*", output)
    return {"200": t_200, "ready": t_ready, "cpu": cpu, "steps": steps.group(1) if steps else "",
            "install": install.group(0) if install else ""}


def one_round(n: int, repo: str, rev: str, cold: bool, keep: bool) -> tuple[dict, dict]:
    tmp = Path(tempfile.mkdtemp(prefix="portal-first-run-"))
    clone = tmp / "portal"
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    if cold:
        env["XDG_CACHE_HOME"] = str(tmp / "cache")  # uv's, pip's and the bootstrapped uv's caches
        env.pop("UV_CACHE_DIR", None)
    try:
        t = time.monotonic()
        subprocess.run(["git", "clone", "-q", repo, str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", rev], check=True)
        print(f"\n第 {n} 轮：克隆到 {clone}（{time.monotonic() - t:.1f} s，不计入）")
        fresh = run_once(clone, env, "fresh")
        second = run_once(clone, env, "second")
        for label, r in (("首次（全新克隆）", fresh), ("第二次（虚拟环境与数据库已在）", second)):
            print(f"  {label}：登录页 200 用时 {r['200']:.1f} s，就绪信息打印 {r['ready']:.1f} s"
                  f"（其时本命令各进程共用 CPU {r['cpu']:.1f} s）")
            if r["install"]:
                print(f"    {r['install']}")
            print("".join(f"  {line}\n" for line in r["steps"].splitlines()), end="")
        return fresh, second
    finally:
        if clone.exists() and (clone / ".venv" / "bin" / "python").exists():
            # normally stopped by the command itself; here in case a run failed half-way
            subprocess.run([str(clone / ".venv" / "bin" / "python"), "manage.py", "embedded", "stop"], cwd=clone,
                           env=env, capture_output=True)
        if keep:
            print(f"  保留：{tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="fresh clones to time (default 1)")
    parser.add_argument("--cold", action="store_true", help="empty uv/pip caches (everything from the index)")
    parser.add_argument("--repo", default=str(ROOT), help="repository to clone (default: this checkout)")
    parser.add_argument("--rev", default=None, help="revision to check out (default: this checkout's HEAD)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    rev = args.rev or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                     text=True, check=True).stdout.strip()
    if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                      capture_output=True, text=True).stdout.strip():
        print("注意：工作区有未提交的修改；测的是已提交的版本 " + rev[:10])
    print(f"版本 {rev[:10]}，缓存：{'全空（--cold）' if args.cold else '用户现有的 uv/pip 缓存'}，"
          f"负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = [one_round(n, args.repo, rev, args.cold, args.keep) for n in range(1, args.rounds + 1)]
    print(f"\n{'':<24}{'登录页 200':>12}{'就绪信息':>12}{'CPU':>8}   目标")
    for label, i, target in (("首次（全新克隆）", 0, "< 25 s"), ("第二次", 1, "< 8 s")):
        t200 = statistics.median(r[i]["200"] for r in results)
        ready = statistics.median(r[i]["ready"] for r in results)
        cpu = statistics.median(r[i]["cpu"] for r in results)
        print(f"{label:<20}{t200:>12.1f}{ready:>12.1f}{cpu:>8.1f}   {target}")
    print(f"（{args.rounds} 轮的中位数，秒；负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}）")


if __name__ == "__main__":
    main()
