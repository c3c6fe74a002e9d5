"""The audit log's hash chain, its check, retention and the rule that no write outlives its audit row
(issue 8 point 8)."""

import time
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from crackdown.choices import LeadSource
from crackdown.models import Lead
from crackdown.services import lead_create
from portal.audit import audit_chain_check, audit_purge, record_change, verify_chain
from portal.models import AuditAction, AuditEntry, User

pytestmark = pytest.mark.django_db


def entries(n, **fields):
    return [record_change(actor=None, action=AuditAction.UPDATE, username=f"u{i}", note=f"第 {i} 条",
                          after={"n": i, "when": timezone.now().date()}, **fields) for i in range(n)]


def as_owner(sql, params=None):
    """Tampering as someone holding the table (the owner can switch the trigger off)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE portal_auditentry DISABLE TRIGGER portal_auditentry_no_update_delete")
        cursor.execute(sql, params or [])
        cursor.execute("ALTER TABLE portal_auditentry ENABLE TRIGGER portal_auditentry_no_update_delete")


def test_each_row_covers_the_previous_hash_and_its_content():
    rows = entries(4)
    for before, after in pairwise(rows):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    stored = AuditEntry.objects.get(pk=rows[2].pk)
    assert stored.hash == rows[2].hash
    report = verify_chain()
    assert report.ok and report.checked == 4


def test_a_changed_row_is_the_first_broken_one():
    rows = entries(5)
    as_owner("UPDATE portal_auditentry SET note = %s WHERE id = %s", ["改过的说明", rows[2].pk])
    report = verify_chain()
    assert not report.ok and report.broken_id == rows[2].pk and "被修改" in report.reason
    assert report.checked == 2


def test_a_removed_row_breaks_the_chain_at_the_next():
    rows = entries(5)
    as_owner("DELETE FROM portal_auditentry WHERE id = %s", [rows[1].pk])
    report = verify_chain()
    assert report.broken_id == rows[2].pk and "不衔接" in report.reason


def test_a_row_slipped_in_with_a_forged_hash_is_found():
    rows = entries(3)
    as_owner("UPDATE portal_auditentry SET hash = repeat('0', 64) WHERE id = %s", [rows[1].pk])
    assert verify_chain().broken_id == rows[1].pk


def test_the_check_page_is_the_audit_administrators(client, audit_admin, system_admin, security_admin):
    rows = entries(3)
    client.force_login(audit_admin)
    assert client.get("/audit/chain/").status_code == 200
    page = client.post("/audit/chain/").content.decode()
    assert "哈希链完整" in page
    as_owner("UPDATE portal_auditentry SET username = 'x' WHERE id = %s", [rows[0].pk])
    page = client.post("/audit/chain/").content.decode()
    assert f"第 {rows[0].pk} 号记录" in page and "断裂" in page
    checks = AuditEntry.objects.filter(action=AuditAction.CHAIN_VERIFY).order_by("id")
    assert [c.after["ok"] for c in checks] == [True, False]
    for other in (system_admin, security_admin):
        client.force_login(other)
        assert client.get("/audit/chain/").status_code == 403


def test_the_nightly_check_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["nightly-audit-chain-verify"]["task"] == "portal.tasks.verify_audit_chain"
    assert schedule["nightly-audit-purge"]["task"] == "portal.tasks.purge_audit_log"


@pytest.mark.worker
def test_the_nightly_check_runs_on_the_worker(celery_worker):
    from portal.tasks import verify_audit_chain

    entries(3)
    verify_audit_chain.delay()
    deadline = time.monotonic() + 30
    while not AuditEntry.objects.filter(action=AuditAction.CHAIN_VERIFY).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    check = AuditEntry.objects.get(action=AuditAction.CHAIN_VERIFY)
    assert check.username == "系统" and check.after["ok"] is True


# --- retention ---------------------------------------------------------------------------------------
def test_rows_older_than_183_days_are_purged_and_the_purge_is_audited():
    old_time = timezone.now() - timedelta(days=200)
    old = [AuditEntry(time=old_time, action=AuditAction.LOGIN, username=f"old{i}") for i in range(3)]
    for entry in old:
        entry.save()
    recent = entries(2)
    assert audit_purge() == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    purge = AuditEntry.objects.get(action=AuditAction.PURGE)
    assert purge.after["deleted"] == 3 and purge.after["anchor_id"] == recent[0].pk and "183" in purge.note
    assert audit_chain_check().ok  # the remaining chain starts at the first kept row


def test_the_database_keeps_rows_at_least_183_days():
    recent = entries(1)[0]
    AuditEntry(time=timezone.now() - timedelta(days=150), action=AuditAction.LOGIN, username="half-year").save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT portal_audit_purge(30)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_auditentry WHERE id = %s", [recent.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditentry SET note = 'x' WHERE id = %s", [recent.pk])
    assert audit_purge(keep_days=183) == 0
    assert AuditEntry.objects.filter(username="half-year").exists()


def test_retention_setting_never_goes_below_183(monkeypatch):
    import importlib

    from portal.settings import base

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "30")
    try:
        assert importlib.reload(base).AUDIT_RETENTION_DAYS == 183
    finally:
        monkeypatch.delenv("AUDIT_RETENTION_DAYS")
        importlib.reload(base)


# --- a write whose audit row fails is rolled back -------------------------------------------------------
def make_audit_inserts_fail():
    """A real failure of the audit INSERT; the test's transaction rolls the trigger back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION test_audit_fails() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit storage unavailable'; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_audit_fails BEFORE INSERT ON portal_auditentry
                FOR EACH ROW EXECUTE FUNCTION test_audit_fails();
        """)


def test_a_page_write_is_rolled_back_when_its_audit_row_fails(client, system_admin):
    client.force_login(system_admin)
    authority_id = system_admin.authority_id
    make_audit_inserts_fail()
    client.raise_request_exception = False
    response = client.post("/users/new/", {"username": "never_created", "authority": authority_id,
                                           "password1": "Chushi-Mima-2025", "is_active": "on"})
    assert response.status_code == 500
    assert not User.objects.filter(username="never_created").exists()


def test_a_service_write_is_rolled_back_when_its_audit_row_fails(hebei_staff):
    make_audit_inserts_fail()
    with pytest.raises(DatabaseError), transaction.atomic():
        lead_create(actor=hebei_staff, org_name="不应留下的线索", source=LeadSource.PATROL)
    assert not Lead.objects.filter(org_name="不应留下的线索").exists()
