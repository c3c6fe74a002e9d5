"""Passwords (issue 8 point 5): forced change, 90-day expiry, no reuse of the last 5, no username
inside, dormant accounts disabled by the nightly task."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import AuditAction, AuditEntry, PasswordHistory, User
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def change_password(client, old, new):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize("how", ["initial", "expired"])
def test_every_page_and_api_leads_to_the_password_change(client, xizang_staff, how):
    if how == "initial":
        xizang_staff.must_change_password = True
    else:
        xizang_staff.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    xizang_staff.save()
    client.force_login(xizang_staff)
    for url in ("/", "/crackdown/leads/", "/aid/summaries/", "/jobs/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", url
    api = client.get("/api/crackdown/leads/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    htmx = client.get("/jobs/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert ("初始密码" if how == "initial" else f"超过 {settings.PASSWORD_MAX_AGE_DAYS} 天") in page
    assert change_password(client, TEST_PASSWORD, "Xin-Mima-2025!").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/crackdown/leads/").status_code == 200


def test_password_not_yet_expired_is_not_forced(client, xizang_staff):
    xizang_staff.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS - 1)
    xizang_staff.save()
    client.force_login(xizang_staff)
    assert client.get("/").status_code == 200


def test_expiry_follows_the_setting(client, xizang_staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    xizang_staff.password_changed_at = timezone.now() - timedelta(days=31)
    xizang_staff.save()
    client.force_login(xizang_staff)
    assert client.get("/")["Location"] == "/accounts/password/"


def test_an_administrators_reset_forces_a_change(client, system_admin, xizang_staff):
    client.force_login(system_admin)
    client.post(f"/users/{xizang_staff.pk}/", {"username": xizang_staff.username, "is_active": "on",
                                               "authority": xizang_staff.authority_id, "password1": "Reset-Mima-2025"})
    client.logout()
    assert client.post("/accounts/login/", {"username": xizang_staff.username, "password": "Reset-Mima-2025"}
                       ).status_code == 302
    assert client.get("/")["Location"] == "/accounts/password/"


def test_the_last_five_passwords_cannot_be_reused(client, xizang_staff):
    client.force_login(xizang_staff)
    passwords = [TEST_PASSWORD] + [f"Mima-{n}-Abcdef" for n in range(1, 6)]
    for old, new in pairwise(passwords):
        assert change_password(client, old, new).status_code == 302
        client.force_login(User.objects.get(pk=xizang_staff.pk))
    assert PasswordHistory.objects.filter(user=xizang_staff).count() == PasswordHistory.KEEP
    current = passwords[-1]
    for reused in passwords[-5:]:  # the current one and the four before it
        response = change_password(client, current, reused)
        assert response.status_code == 200
        assert "最近 5 次" in response.content.decode(), reused
    # the sixth-last is out of the window
    assert change_password(client, current, passwords[0]).status_code == 302


def test_password_may_not_contain_the_username():
    user = User(username="zhangsan")
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password("ZhangSan-2025!", user)
    assert "不能包含用户名" in " ".join(exc.value.messages)
    password_validation.validate_password("Li-Si-Mima-2025!", user)


def test_password_change_is_recorded_with_its_time(xizang_staff):
    before = timezone.now()
    xizang_staff.set_password("Xin-Mima-2025!")
    xizang_staff.save()
    fresh = User.objects.get(pk=xizang_staff.pk)
    assert fresh.password_changed_at >= before
    assert PasswordHistory.objects.filter(user=fresh, password=fresh.password).exists()


def test_dormant_accounts_are_disabled_and_audited():
    from portal.services import accounts_disable_dormant

    now = timezone.now()
    days = settings.ACCOUNT_DORMANT_DAYS
    old = make_user("old_login", "540000", "省级工作人员")
    never = make_user("never_used", "540000", "省级工作人员")
    recent = make_user("recent", "540000", "省级工作人员")
    fresh = make_user("fresh_never", "540000", "省级工作人员")
    User.objects.filter(pk=old.pk).update(last_login=now - timedelta(days=days + 1))
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=now - timedelta(days=days + 1))
    User.objects.filter(pk=recent.pk).update(last_login=now - timedelta(days=days - 1),
                                             date_joined=now - timedelta(days=400))
    assert sorted(accounts_disable_dormant()) == ["never_used", "old_login"]
    assert not User.objects.get(pk=old.pk).is_active and not User.objects.get(pk=never.pk).is_active
    assert User.objects.get(pk=recent.pk).is_active and User.objects.get(pk=fresh.pk).is_active
    entry = AuditEntry.objects.get(action=AuditAction.DEACTIVATE, object_id=str(old.pk))
    assert entry.username == "系统" and f"{days} 天未使用" in entry.note


@pytest.mark.worker
def test_dormant_task_runs_nightly_on_the_worker(celery_worker):
    import time

    from portal.tasks import disable_dormant_accounts

    schedule = settings.CELERY_BEAT_SCHEDULE["nightly-disable-dormant-accounts"]
    assert schedule["task"] == "portal.tasks.disable_dormant_accounts"
    old = make_user("old_login", "540000", "省级工作人员")
    User.objects.filter(pk=old.pk).update(last_login=timezone.now() - timedelta(days=settings.ACCOUNT_DORMANT_DAYS + 5))
    disable_dormant_accounts.delay()
    deadline = time.monotonic() + 30
    while User.objects.get(pk=old.pk).is_active and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not User.objects.get(pk=old.pk).is_active
