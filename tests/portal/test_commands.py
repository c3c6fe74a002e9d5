import pytest
from django.core.management import CommandError, call_command

from portal.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def test_create_account(monkeypatch, capsys):
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "Admin-Mima-2025")
    call_command("create_account", "first_admin", "--role", "系统管理员")
    user = User.objects.get(username="first_admin")
    assert user.authority.code == "000000" and user.role_names == ["系统管理员"] and user.must_change_password
    assert AuditEntry.objects.filter(object_id=str(user.pk), username="manage.py").exists()
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_account", "first_admin")
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "weak")
    with pytest.raises(CommandError, match="密码"):
        call_command("create_account", "second", "--authority", "540000", "--role", "省级工作人员")


def test_embedded_status(capsys, monkeypatch, tmp_path):
    """Says 运行中 for the servers this test run started, 未运行 for a checkout whose servers are not up."""
    import os

    from portal import embedded

    if not os.environ.get("DATABASE_URL") and not os.environ.get("REDIS_URL"):  # the run's own embedded servers
        call_command("embedded", "status")
        out = capsys.readouterr().out
        assert f"PostgreSQL：运行中（{embedded.PG_DATA}）" in out and "Redis：运行中" in out
    monkeypatch.setattr(embedded, "PG_DATA", tmp_path / "pgdata")
    monkeypatch.setattr(embedded, "REDIS_SOCKET", tmp_path / "redis" / "redis.sock")
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "postmaster.pid").write_text("999999999\n")  # a stale pid file: not running
    call_command("embedded", "status")
    out = capsys.readouterr().out
    assert "PostgreSQL：未运行" in out and "Redis：未运行" in out


def test_reset_password_from_the_command_line_is_audited(monkeypatch, audit_admin):
    from portal.models import AuditAction

    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "Mingling-Chongzhi-2025")
    call_command("create_account", audit_admin.username, "--reset-password")
    user = User.objects.get(pk=audit_admin.pk)
    assert user.check_password("Mingling-Chongzhi-2025") and user.must_change_password
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET, object_id=str(user.pk))
    assert entry.username == "manage.py" and "Mingling" not in entry.note
