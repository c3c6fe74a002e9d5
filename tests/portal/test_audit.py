import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from aid_projects.models import Pairing
from portal.audit import record_change
from portal.models import AuditAction, AuditEntry
from tests.factories import TEST_PASSWORD
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


def test_login_logout_and_failed_login_are_audited(client, xizang_staff):
    client.post("/accounts/login/", {"username": "xizang_staff", "password": "wrong-password"},
                REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "xizang_staff", "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "username", "ip"))
    assert actions == [
        (AuditAction.LOGIN_FAILED, "xizang_staff", "10.1.2.3"),
        (AuditAction.LOGIN, "xizang_staff", "10.1.2.3"),
        (AuditAction.LOGOUT, "xizang_staff", "10.1.2.3"),
    ]
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert login.authority.code == "540000" and len(login.request_id) == 32


def test_edit_through_the_portal_records_before_and_after(client, ministry_staff):
    pairing = Pairing.objects.get(program="援藏", aiding_authority__name="浙江省")
    client.force_login(ministry_staff)
    form = client.get(f"/aid/pairings/{pairing.pk}/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["source_note"] = "部里于 2025 年核实"
    data["valid_from"] = "2025-01-01"
    response = client.post(f"/aid/pairings/{pairing.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.user == ministry_staff and entry.object_id == str(pairing.pk)
    assert entry.before["source_note"] != "部里于 2025 年核实"
    assert entry.after["source_note"] == "部里于 2025 年核实"
    assert entry.after["valid_from"] == "2025-01-01"


def test_audit_rows_cannot_be_changed_or_deleted():
    entry = record_change(actor=None, action=AuditAction.EXPORT, note="x")
    entry.note = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(note="y")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    # and the database itself refuses, whatever the code path
    for sql in ("UPDATE portal_auditentry SET note = 'z'", "DELETE FROM portal_auditentry"):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).note == "x"


def test_audit_log_page_for_the_audit_administrator_only(client, audit_admin, ministry_staff, xizang_staff):
    record_change(actor=xizang_staff, action=AuditAction.EXPORT, note="导出附件2")
    response = assert_permission_matrix(client, "/audit/", own=audit_admin, no_perm=ministry_staff)
    assert "导出附件2" in response.content.decode()
    client.force_login(audit_admin)
    filtered = client.get("/audit/", {"action": "login"}).content.decode()
    assert "导出附件2" not in filtered
    assert client.get("/audit/", {"authority": xizang_staff.authority.pk}).status_code == 200
    # no edit or delete route exists for the audit log
    assert client.post("/audit/", {"note": "x"}).status_code == 405


def test_admins_see_no_case_data_by_default(audit_admin, system_admin, security_admin):
    for admin in (audit_admin, system_admin, security_admin):
        perms = admin.get_all_permissions()
        assert not any(p.startswith(("crackdown.", "aid_projects.", "registry.")) for p in perms), (admin, perms)
