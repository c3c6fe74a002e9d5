"""Backup and restore into a fresh database: every record, every file and every audit row comes back,
and the audit hash chain still verifies there."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from portal.audit import record_change
from portal.backup import MANIFEST, MEDIA, _conninfo, table_counts
from portal.models import AuditAction, AuditEntry, Job, JobStatus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:10]}"
    info = {k: v for k, v in _conninfo("postgres").items() if v}
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    yield name
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _chain_ok_in(database: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_NAME_OVERRIDE": database}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = ("from portal.audit import verify_chain; r = verify_chain(); "
            "print(r.ok, r.checked, r.broken_id)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database(tmp_path, fresh_database, ministry_staff, settings):
    from tests.factories import ensure_reference

    ensure_reference()
    settings.MEDIA_ROOT = tmp_path / "media"
    job = Job.objects.create(kind="reference_integrity", title="备份前的报告", authority=ministry_staff.authority,
                             status=JobStatus.SUCCEEDED, result_name="报告.xlsx")
    job.result_file.save("报告.xlsx", ContentFile("含中文的内容".encode() * 100), save=True)
    with transaction.atomic():
        for n in range(3):
            record_change(actor=ministry_staff, action=AuditAction.UPDATE, obj=job, note=f"备份测试 {n}")
    before = table_counts(_conninfo())
    audit_ids = list(AuditEntry.objects.order_by("id").values_list("id", "hash"))
    assert len(audit_ids) >= 3 and before["portal_job"] == 1

    call_command("backup", str(tmp_path / "bk"))
    assert {p.name for p in (tmp_path / "bk").iterdir()} == {"database.dump", "media.tar", "manifest.json"}

    restored_media = tmp_path / "restored-media"
    from django.core.cache import cache

    from portal.page_cache import EPOCH_KEY

    cache.set(EPOCH_KEY, 1, None)
    call_command("restore", str(tmp_path / "bk"), database=fresh_database, media_root=str(restored_media))
    assert cache.get(EPOCH_KEY) != 1  # no page kept before the restore is served after it (portal/page_cache.py)

    assert table_counts(_conninfo(fresh_database)) == before  # every table, every row
    info = {k: v for k, v in _conninfo(fresh_database).items() if v}
    with psycopg.connect(**info) as conn:
        assert conn.execute("SELECT id, hash FROM portal_auditentry ORDER BY id").fetchall() == audit_ids
        name, = conn.execute("SELECT result_file FROM portal_job WHERE id = %s", [job.pk]).fetchone()
    assert (restored_media / name).read_bytes() == Path(job.result_file.path).read_bytes()
    ok, checked, broken = _chain_ok_in(fresh_database).split()
    assert ok == "True" and int(checked) == len(audit_ids) and broken == "None"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_backup_and_a_database_in_use(tmp_path, fresh_database, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "bk"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(tmp_path / "bk"), database=connection.settings_dict["NAME"],
                     media_root=str(tmp_path / "m1"))
    with open(tmp_path / "bk" / MEDIA, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(CommandError, match="校验和不符"):
        call_command("restore", str(tmp_path / "bk"), database=fresh_database, media_root=str(tmp_path / "m2"))
    assert table_counts(_conninfo(fresh_database)) == {}  # nothing was written
    assert (tmp_path / "bk" / MANIFEST).exists()
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "bk"))  # never over an earlier backup
