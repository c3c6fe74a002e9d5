"""TOTP second factor (issue 8 point 4) for ministry staff and the three administrator roles."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditAction, AuditEntry
from tests.factories import TEST_PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

# everything an unverified session must not reach (pages, the API, even the password page)
GUARDED = ["/", "/users/", "/audit/", "/jobs/", "/crackdown/leads/", "/aid/summaries/", "/accounts/password/"]


code = totp_code


def password_login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client.get(response["Location"], follow=True)


def enrol(client, username) -> str:
    page = password_login(client, username)
    assert page.request["PATH_INFO"] == "/accounts/otp/setup/"
    secret = page.context["secret"]
    response = client.post("/accounts/otp/setup/", {"token": code(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    return secret


@pytest.mark.parametrize("role", ["部级工作人员", "系统管理员", "安全管理员", "审计管理员"])
def test_first_login_shows_the_qr_enrolment_page_in_chinese(client, role):
    make_user("needs_otp", "000000", role)
    page = password_login(client, "needs_otp")
    assert page.request["PATH_INFO"] == "/accounts/otp/setup/"
    html = page.content.decode()
    assert "绑定身份验证器" in html and "<svg" in html and "扫描" in html
    assert page.context["secret"] in html
    assert "cdn" not in html.lower() and "<img" not in html  # an inline SVG, nothing fetched


def test_an_unverified_session_reaches_only_the_second_factor_pages(client, ministry_staff):
    password_login(client, ministry_staff.username)
    for url in GUARDED:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/"), url
    api = client.get("/api/jobs/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.post("/api/jobs/", {"kind": "reference_integrity"}).status_code == 403
    assert client.get("/accounts/otp/setup/").status_code == 200


def test_enrolment_then_every_page_opens(client, ministry_staff):
    enrol(client, ministry_staff.username)
    assert client.get("/").status_code == 200
    assert client.get("/api/jobs/").status_code == 200
    assert TOTPDevice.objects.get(user=ministry_staff).confirmed
    assert AuditEntry.objects.filter(action=AuditAction.OTP_ENROL, object_id=str(ministry_staff.pk)).exists()


def test_a_code_works_once(ministry_staff):
    first = Client()
    secret = enrol(first, ministry_staff.username)  # uses code(secret) of this time step
    second = Client()
    page = password_login(second, ministry_staff.username)
    assert page.request["PATH_INFO"] == "/accounts/otp/verify/"
    replay = second.post("/accounts/otp/verify/", {"token": code(secret)})
    assert replay.status_code == 200 and "只能用一次" in replay.content.decode()
    assert second.get("/")["Location"].startswith("/accounts/otp/verify/")
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, note="动态口令错误").count() == 1


def test_the_next_code_verifies_a_later_login(settings, ministry_staff):
    secret = enrol(Client(), ministry_staff.username)
    later = Client()
    password_login(later, ministry_staff.username)
    response = later.post("/accounts/otp/verify/?next=/jobs/", {"token": code(secret, 1), "next": "/jobs/"})
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    assert later.get("/jobs/").status_code == 200


def test_a_wrong_code_is_refused_and_slows_the_next(client, ministry_staff):
    secret = enrol(Client(), ministry_staff.username)
    password_login(client, ministry_staff.username)
    wrong = "000000" if code(secret, 1) != "000000" else "111111"
    assert client.post("/accounts/otp/verify/", {"token": wrong}).status_code == 200
    # django-otp throttles: right after a failure even the right code waits
    assert client.post("/accounts/otp/verify/", {"token": code(secret, 1)}).status_code == 200
    assert client.get("/")["Location"].startswith("/accounts/otp/verify/")


def test_provincial_staff_log_in_with_the_password_alone(client, xizang_staff, zhejiang_liaison):
    for user in (xizang_staff, zhejiang_liaison):
        client.logout()
        assert password_login(client, user.username).request["PATH_INFO"] == "/"


def test_a_provincial_administrator_needs_the_second_factor(client):
    make_user("xz_sysadmin", "540000", "系统管理员")
    assert password_login(client, "xz_sysadmin").request["PATH_INFO"] == "/accounts/otp/setup/"


def test_security_admin_resets_a_lost_authenticator(client, security_admin, ministry_staff):
    holder = Client()
    enrol(holder, ministry_staff.username)
    client.force_login(security_admin)
    assert client.post(f"/users/{ministry_staff.pk}/otp-reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=ministry_staff).exists()
    assert AuditEntry.objects.filter(action=AuditAction.OTP_RESET, object_id=str(ministry_staff.pk)).exists()
    assert holder.get("/")["Location"].startswith("/accounts/login/")  # the session ended with it
    assert password_login(holder, ministry_staff.username).request["PATH_INFO"] == "/accounts/otp/setup/"


def test_only_the_security_admin_resets(client, system_admin, ministry_staff):
    client.force_login(system_admin)
    assert client.post(f"/users/{ministry_staff.pk}/otp-reset/").status_code == 403


def test_the_demo_accounts_listing_says_how_to_enrol():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "bu_staff" in text and "动态口令" in text and "首次登录会显示二维码" in text
