"""Writes on another province's account answer 404 and change nothing; a job's result file is read only
inside the job's scope (checked with a job that really has a file)."""

import pytest
from django.core.files.base import ContentFile

from portal.models import Authority, Job, JobStatus
from tests.factories import make_user
from tests.permissions import assert_write_refused
from tests.scope_world import assert_check, build_world

pytestmark = pytest.mark.django_db


def check_user_update(client, world):
    hb_sys = make_user("scope_sys_hb", "130000", "系统管理员")
    target = world.users["zj"]
    data = {"username": target.username, "full_name": "改名", "authority": hb_sys.authority_id, "is_active": "",
            "password1": "Another-Passw0rd!"}
    assert_write_refused(client, f"/users/{target.pk}/", user=hb_sys, obj=target, data=data)
    target.refresh_from_db()
    assert target.is_active and target.check_password("Test-Passw0rd!")


def check_user_roles(client, world):
    hb_sec = make_user("scope_sec_hb", "130000", "安全管理员")
    target = world.users["zj"]
    assert_write_refused(client, f"/users/{target.pk}/roles/", user=hb_sec, obj=target, data={"roles": ["联络员"]})
    assert set(target.groups.values_list("name", flat=True)) >= {"省级工作人员"}


def check_user_unlock(client, world):
    from axes.models import AccessAttempt

    hb_sec = make_user("scope_sec_hb", "130000", "安全管理员")
    target = world.users["zj"]
    AccessAttempt.objects.create(username=target.username, ip_address="127.0.0.1", user_agent="t",
                                 failures_since_start=5, get_data="", post_data="", http_accept="", path_info="/")
    assert_write_refused(client, f"/users/{target.pk}/unlock/", user=hb_sec, obj=target)
    assert AccessAttempt.objects.filter(username=target.username).exists()


def check_user_authority(client, world):
    hb_sec = make_user("scope_sec_hb", "130000", "安全管理员")
    target = world.users["zj"]
    assert_write_refused(client, f"/users/{target.pk}/authority/", user=hb_sec, obj=target,
                         data={"authority": hb_sec.authority_id, "note": "调入河北"})
    target.refresh_from_db()
    assert target.authority.code == "330000"


def check_user_otp_reset(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    hb_sec = make_user("scope_sec_hb", "130000", "安全管理员")
    target = world.users["zj"]
    TOTPDevice.objects.create(user=target, name="默认", confirmed=True)
    assert_write_refused(client, f"/users/{target.pk}/otp-reset/", user=hb_sec, obj=target)
    assert TOTPDevice.objects.filter(user=target).exists()


WRITE_CHECKS = {
    "user-authority": check_user_authority,
    "user-otp-reset": check_user_otp_reset,
    "user-update": check_user_update,
    "user-roles": check_user_roles,
    "user-unlock": check_user_unlock,
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(WRITE_CHECKS))
def test_write_on_another_provinces_object_is_404_and_changes_nothing(route, client, world):
    assert_check(WRITE_CHECKS[route], client, world)


def test_job_download_with_a_real_file_is_scoped(client):
    job = Job.objects.create(kind="reference_integrity", title="浙江核对", status=JobStatus.SUCCEEDED,
                             authority=Authority.objects.get(code="330000"), result_name="浙江核对.xlsx")
    job.result_file.save("zj-result.xlsx", ContentFile(b"PK-zhejiang-result"), save=True)
    zj, hb = make_user("dl_zj", "330000", "省级工作人员"), make_user("dl_hb", "130000", "省级工作人员")
    for url in (f"/jobs/{job.pk}/download/", f"/api/jobs/{job.pk}/", f"/jobs/{job.pk}/"):
        client.force_login(hb)
        assert client.get(url).status_code == 404, url
    client.force_login(zj)
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-zhejiang-result"
    client.force_login(make_user("dl_bu", "000000", "部级工作人员"))
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200
