"""三权分立 that holds (issue 8, defects 1–3), each written as the attack it stops.

Each attack is the request that succeeded before the fix; now it fails and nothing in the
database changed.
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from openpyxl import Workbook

from crackdown.choices import LeadSource
from crackdown.services import lead_create
from portal.models import AuditAction, AuditEntry, Authority, Job, JobStatus, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STOLEN = "Takeover-Pass-2025"


def form_data(account, **overrides):
    """The user form's fields as the edit page shows them for ``account``."""
    data = {"username": account.username, "full_name": account.full_name, "authority": account.authority_id,
            "phone": account.phone, "email": account.email, "is_active": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def state(account):
    account = User.objects.get(pk=account.pk)
    return (account.password, account.is_active, account.authority_id, account.username,
            sorted(account.groups.values_list("name", flat=True)))


# --- defect 1: the system administrator cannot take over the other administrators -------------------
@pytest.mark.parametrize("target_role", ["审计管理员", "安全管理员", "系统管理员"])
def test_attack_system_admin_resets_an_administrators_password(client, system_admin, target_role):
    target = make_user(f"target_{target_role}", "000000", target_role)
    client.force_login(system_admin)
    before, audit_rows = state(target), AuditEntry.objects.count()
    response = client.post(f"/users/{target.pk}/", form_data(target, password1=STOLEN))
    assert response.status_code == 403
    assert "三权分立" in response.content.decode()
    assert state(target) == before
    assert AuditEntry.objects.count() == audit_rows
    client.logout()
    login = client.post("/accounts/login/", {"username": target.username, "password": STOLEN})
    assert login.status_code == 200 and "用户名或密码错误" in login.content.decode()


@pytest.mark.parametrize("target_role", ["审计管理员", "安全管理员", "系统管理员"])
def test_attack_system_admin_deactivates_an_administrator(client, system_admin, target_role):
    target = make_user(f"target_{target_role}", "000000", target_role)
    before = state(target)
    client.force_login(system_admin)
    data = form_data(target)
    del data["is_active"]  # an unticked box
    assert client.post(f"/users/{target.pk}/", data).status_code == 403
    assert client.get(f"/users/{target.pk}/").status_code == 403
    assert state(target) == before


def test_system_admin_cannot_edit_his_own_account_here(client, system_admin):
    before = state(system_admin)
    client.force_login(system_admin)
    assert client.post(f"/users/{system_admin.pk}/", form_data(system_admin, password1=STOLEN)).status_code == 403
    assert state(system_admin) == before


def test_system_admin_cannot_change_roles(client, system_admin, audit_admin):
    client.force_login(system_admin)
    response = client.post(f"/users/{audit_admin.pk}/roles/", {"roles": ["省级工作人员"]})
    assert response.status_code == 403
    assert audit_admin.groups.get().name == "审计管理员"


def test_password_reset_of_a_business_account_is_audited_without_the_password(client, system_admin, xizang_staff):
    client.force_login(system_admin)
    response = client.post(f"/users/{xizang_staff.pk}/", form_data(xizang_staff, password1=STOLEN))
    assert response.status_code == 302
    xizang_staff.refresh_from_db()
    assert xizang_staff.check_password(STOLEN) and xizang_staff.must_change_password
    reset = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET, object_id=str(xizang_staff.pk))
    assert reset.username == system_admin.username and "重置" in reset.note
    for entry in AuditEntry.objects.filter(object_id=str(xizang_staff.pk)):
        text = f"{entry.before} {entry.after} {entry.note}"
        assert STOLEN not in text and "password" not in (entry.after or {})
    update = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(xizang_staff.pk))
    assert "重置了密码" in update.note  # the change row itself says so, though before == after otherwise


def test_deactivation_is_audited_as_such(client, system_admin, xizang_staff):
    client.force_login(system_admin)
    data = form_data(xizang_staff)
    del data["is_active"]
    assert client.post(f"/users/{xizang_staff.pk}/", data).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.DEACTIVATE, object_id=str(xizang_staff.pk))
    assert entry.before == {"is_active": True} and entry.after == {"is_active": False}
    assert not User.objects.get(pk=xizang_staff.pk).is_active


# --- defect 2: only the security administrator moves an account between authorities --------------
def test_attack_system_admin_gives_a_province_account_nationwide_scope(client, system_admin, hebei_staff,
                                                                      zhejiang_staff):
    lead_create(actor=zhejiang_staff, org_name="浙江某非法社会组织", source=LeadSource.PATROL)
    ministry = Authority.objects.get(code="000000")
    client.force_login(system_admin)
    before, audit_rows = state(hebei_staff), AuditEntry.objects.count()
    response = client.post(f"/users/{hebei_staff.pk}/", form_data(hebei_staff, authority=ministry.pk))
    assert response.status_code == 200
    assert "须由安全管理员" in response.context["form"].errors["authority"][0]
    assert state(hebei_staff) == before
    assert AuditEntry.objects.count() == audit_rows
    client.force_login(User.objects.get(pk=hebei_staff.pk))
    leads = client.get("/api/crackdown/leads/").json()["results"]
    assert all("浙江" not in lead["org_name"] for lead in leads)


def test_system_admin_cannot_use_the_move_page(client, system_admin, hebei_staff):
    client.force_login(system_admin)
    ministry = Authority.objects.get(code="000000")
    assert client.post(f"/users/{hebei_staff.pk}/authority/", {"authority": ministry.pk}).status_code == 403
    assert User.objects.get(pk=hebei_staff.pk).authority.code == "130000"


def test_security_admin_moves_an_account_audited_with_before_and_after(client, security_admin, hebei_staff):
    tibet = Authority.objects.get(code="540000")
    client.force_login(security_admin)
    response = client.post(f"/users/{hebei_staff.pk}/authority/", {"authority": tibet.pk})
    assert response.status_code == 302
    assert User.objects.get(pk=hebei_staff.pk).authority == tibet
    entry = AuditEntry.objects.get(action=AuditAction.MOVE_AUTHORITY, object_id=str(hebei_staff.pk))
    assert entry.before["authority"] == "130000" and entry.after["authority"] == "540000"
    assert entry.username == security_admin.username


def test_security_admin_cannot_put_province_staff_at_the_ministry(client, security_admin, hebei_staff):
    ministry = Authority.objects.get(code="000000")
    client.force_login(security_admin)
    response = client.post(f"/users/{hebei_staff.pk}/authority/", {"authority": ministry.pk})
    assert response.status_code == 200
    assert "只能分配给省级及以下机关" in response.context["form"].errors["authority"][0]
    assert User.objects.get(pk=hebei_staff.pk).authority.code == "130000"


def test_role_rules_hold_on_every_save_whatever_the_form(hebei_staff, ministry_staff):
    hebei_staff.authority = Authority.objects.get(code="000000")
    with pytest.raises(ValidationError):
        hebei_staff.save()
    assert User.objects.get(pk=hebei_staff.pk).authority.code == "130000"
    ministry_staff.authority = Authority.objects.get(code="540000")
    with pytest.raises(ValidationError):
        ministry_staff.save()
    # adding roles runs in the caller's transaction, which the refusal rolls back (a savepoint here)
    with pytest.raises(ValidationError), transaction.atomic():
        User.objects.get(pk=hebei_staff.pk).groups.add(Group.objects.get(name="部级工作人员"))
    with pytest.raises(ValidationError), transaction.atomic():  # the reverse side of the relation too
        Group.objects.get(name="部级工作人员").user_set.add(User.objects.get(pk=hebei_staff.pk))
    assert sorted(User.objects.get(pk=hebei_staff.pk).groups.values_list("name", flat=True)) == ["省级工作人员"]


# --- defect 3: jobs are read by whoever may read their data, not by administrators ---------------
def finished_job(kind, authority, by=None):
    job = Job.objects.create(kind=kind, title=kind, authority=authority, created_by=by, status=JobStatus.SUCCEEDED,
                             result_name="结果.xlsx")
    workbook = Workbook()
    workbook.active.append(["卓玛", "13908901234"])  # personal data
    buffer = io.BytesIO()
    workbook.save(buffer)
    job.result_file.save("结果.xlsx", ContentFile(buffer.getvalue()), save=True)
    return job


def test_attack_system_admin_reads_the_national_liaison_table(client, system_admin, ministry_staff):
    ministry = ministry_staff.authority
    liaison_job = finished_job("aid_national_liaison", ministry, ministry_staff)
    need_job = finished_job("aid_national_need", ministry, ministry_staff)
    integrity = finished_job("reference_integrity", ministry, system_admin)
    client.force_login(system_admin)
    listed = {j["id"] for j in client.get("/api/jobs/").json()["results"]}
    assert listed == {integrity.pk}
    for job in (liaison_job, need_job):
        assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/api/jobs/{job.pk}/").status_code == 404
    assert "aid_national" not in client.get("/jobs/").content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()
    # the reference-data report (no personal data) stays the system administrator's
    assert client.get(f"/jobs/{integrity.pk}/download/").status_code == 200
    # ministry staff, who may read the liaisons, still download the table
    client.force_login(ministry_staff)
    assert client.get(f"/jobs/{liaison_job.pk}/download/").status_code == 200


def test_province_staff_cannot_read_a_ministry_job(client, zhejiang_staff, ministry_staff):
    job = finished_job("aid_national_liaison", ministry_staff.authority, ministry_staff)
    client.force_login(zhejiang_staff)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_job_kind_needs_the_permission_of_its_data(client, ministry_staff, system_admin):
    stats = finished_job("crackdown_statistics", ministry_staff.authority, ministry_staff)
    client.force_login(ministry_staff)
    assert client.get(f"/jobs/{stats.pk}/download/").status_code == 200
    client.force_login(system_admin)
    assert client.get(f"/jobs/{stats.pk}/download/").status_code == 404


def test_every_job_kind_names_its_permissions():
    from portal.jobs import REGISTRY

    for kind, spec in REGISTRY.items():
        # an owner-only kind (a list export) is read by the user who started it and nobody else
        assert spec.permissions or spec.owner_only, f"任务类型 {kind} 未声明读取结果所需的权限"


def test_an_owner_only_job_is_read_by_its_owner_alone(ministry_staff, system_admin, audit_admin, hebei_staff):
    from portal.jobs import owner_only_kinds, readable_kinds
    from portal.models import Job

    assert "list_export" in owner_only_kinds()
    job = Job.objects.create(kind="list_export", title="导出“审计日志”", authority=audit_admin.authority,
                             created_by=audit_admin)
    for user in (ministry_staff, system_admin, hebei_staff):
        assert "list_export" not in readable_kinds(user)
        assert not Job.objects.restrict(user, "view").filter(pk=job.pk).exists()
    assert not Job.objects.restrict(audit_admin, "view").exists()  # no 后台任务 permission: the pages let it in
    ministry_job = Job.objects.create(kind="list_export", title="导出“线索”", authority=ministry_staff.authority,
                                      created_by=ministry_staff)
    assert list(Job.objects.restrict(ministry_staff, "view").filter(kind="list_export")) == [ministry_job]
