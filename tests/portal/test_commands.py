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


def test_embedded_status(capsys):
    call_command("embedded", "status")
    out = capsys.readouterr().out
    assert "PostgreSQL" in out and "Redis" in out


def test_reset_password_from_the_command_line_is_audited(monkeypatch, audit_admin):
    from portal.models import AuditAction

    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "Mingling-Chongzhi-2025")
    call_command("create_account", audit_admin.username, "--reset-password")
    user = User.objects.get(pk=audit_admin.pk)
    assert user.check_password("Mingling-Chongzhi-2025") and user.must_change_password
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET, object_id=str(user.pk))
    assert entry.username == "manage.py" and "Mingling" not in entry.note
