import time

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from portal.models import AuditAction, AuditEntry, User
from tests.factories import TEST_PASSWORD, make_user
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


def test_argon2_is_the_production_hasher():
    from portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import make_password

    assert make_password("Abcdefgh12!", hasher="argon2").startswith("argon2$")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Short1!", False), ("alllowercaseletters", False), ("lowercase123456", False), ("Lowercase123456", True),
     ("lower-case-and-!", False), ("lower-case-123!", True), ("1234567890123", False)],
)
def test_password_complexity(password, ok):
    user = User(username="zhangsan")
    if ok:
        password_validation.validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            password_validation.validate_password(password, user)


def test_complexity_message_is_chinese():
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password("onlylowercaseletters", User(username="u"))
    assert any("至少 3 类" in m for m in exc.value.messages)


def test_lockout_after_five_failures(client, xizang_staff):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "xizang_staff", "password": "bad"})
        assert response.status_code in (200, 429)
    response = client.post("/accounts/login/", {"username": "xizang_staff", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "已锁定 30 分钟" in response.content.decode()
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    # another account from the same office is not locked
    make_user("colleague", "540000", "省级工作人员")
    ok = client.post("/accounts/login/", {"username": "colleague", "password": TEST_PASSWORD})
    assert ok.status_code == 302


def test_security_admin_unlocks(client, xizang_staff, security_admin):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "xizang_staff", "password": "bad"})
    client.force_login(security_admin)
    assert "xizang_staff" in client.get("/users/locked/").content.decode()
    assert client.post(f"/users/{xizang_staff.pk}/unlock/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.UNLOCK, object_id=str(xizang_staff.pk)).exists()
    client.logout()
    assert client.post("/accounts/login/", {"username": "xizang_staff", "password": TEST_PASSWORD}).status_code == 302


def test_session_expires_after_thirty_idle_minutes(client, xizang_staff):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_home_page_is_chinese_and_names_authority_and_role(client, xizang_staff):
    client.force_login(xizang_staff)
    page = client.get("/").content.decode()
    assert "西藏自治区" in page and "省级工作人员" in page and "登记管理" in page and "打击整治" in page
    assert "援藏援疆" in page


def test_error_pages_are_chinese(client, xizang_staff, no_role_user):
    client.force_login(xizang_staff)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    client.force_login(no_role_user)
    forbidden = client.get("/jobs/")
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()


def test_password_change_clears_the_flag(client, xizang_staff):
    xizang_staff.must_change_password = True
    xizang_staff.save()
    client.force_login(xizang_staff)
    assert client.get("/")["Location"] == "/accounts/password/"
    assert "初始密码" in client.get("/accounts/password/").content.decode()
    response = client.post("/accounts/password/", {"old_password": TEST_PASSWORD, "new_password1": "Xin-Mima-2025",
                                                   "new_password2": "Xin-Mima-2025"})
    assert response.status_code == 302
    xizang_staff.refresh_from_db()
    assert not xizang_staff.must_change_password
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_user_pages_permission_matrix(client, system_admin, security_admin, xizang_staff, no_role_user):
    province_admin = make_user("xz_sysadmin", "540000", "系统管理员")
    zhejiang = make_user("zj_someone", "330000", "省级工作人员")
    assert_permission_matrix(client, "/users/", own=system_admin, no_perm=xizang_staff)
    assert_permission_matrix(client, "/users/new/", own=system_admin, no_perm=xizang_staff)
    assert_permission_matrix(client, f"/users/{zhejiang.pk}/", own=system_admin, no_perm=no_role_user,
                             other=province_admin)
    assert_permission_matrix(client, f"/users/{zhejiang.pk}/roles/", own=security_admin, no_perm=system_admin)
    assert_permission_matrix(client, "/users/locked/", own=security_admin, no_perm=system_admin)
    assert_permission_matrix(client, f"/users/{zhejiang.pk}/unlock/", own=security_admin, no_perm=system_admin,
                             method="post", ok_status=302)


def test_system_admin_creates_an_account_and_form_keeps_input(client, system_admin):
    client.force_login(system_admin)
    tibet = User.objects.get(username=system_admin.username).authority.__class__.objects.get(code="540000")
    bad = client.post("/users/new/", {"username": "new_user", "full_name": "新 用户", "authority": tibet.pk,
                                      "password1": "short", "is_active": "on"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "新 用户" in html and "invalid-feedback" in html
    good = client.post("/users/new/", {"username": "new_user", "full_name": "新 用户", "authority": tibet.pk,
                                       "password1": "Chushi-Mima-2025", "is_active": "on"})
    assert good.status_code == 302
    user = User.objects.get(username="new_user")
    assert user.must_change_password and user.check_password("Chushi-Mima-2025")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(user.pk))
    assert "password" not in entry.after


def test_province_system_admin_cannot_create_accounts_elsewhere(client):
    admin = make_user("xz_admin", "540000", "系统管理员")
    client.force_login(admin)
    zhejiang = admin.authority.__class__.objects.get(code="330000")
    response = client.post("/users/new/", {"username": "intruder", "authority": zhejiang.pk,
                                           "password1": "Chushi-Mima-2025", "is_active": "on"})
    assert response.status_code == 200 and "authority" in response.context["form"].errors
    assert not User.objects.filter(username="intruder").exists()


def test_admin_roles_are_mutually_exclusive(client, security_admin):
    account = make_user("someone", "000000")
    client.force_login(security_admin)
    response = client.post(f"/users/{account.pk}/roles/", {"roles": ["系统管理员", "审计管理员"]})
    assert response.status_code == 200 and "三权分立" in response.content.decode()
    response = client.post(f"/users/{account.pk}/roles/", {"roles": ["审计管理员", "部级工作人员"]})
    assert "不能同时担任业务角色" in response.content.decode()
    assert account.groups.count() == 0
    response = client.post(f"/users/{account.pk}/roles/", {"roles": ["审计管理员"]})
    assert response.status_code == 302
    assert list(account.groups.values_list("name", flat=True)) == ["审计管理员"]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(account.pk)).exists()


def test_ministry_role_only_for_ministry_accounts(client, security_admin):
    account = make_user("tibetan", "540000")
    client.force_login(security_admin)
    response = client.post(f"/users/{account.pk}/roles/", {"roles": ["部级工作人员"]})
    assert response.status_code == 200 and "只能分配给民政部" in response.content.decode()


def test_roles_hold_real_permissions():
    staff = Group.objects.get(name="省级工作人员")
    assert staff.permissions.filter(codename="view_job").exists()
    auditor = Group.objects.get(name="审计管理员")
    assert list(auditor.permissions.values_list("codename", flat=True)) == ["view_auditentry"]
