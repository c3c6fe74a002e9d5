"""The job machinery, run by the real Celery worker."""

import time

import pytest
from django.db import transaction
from openpyxl import load_workbook

from portal.jobs import JobFailed, job_handler, job_start, latest_result
from portal.models import Authority, Job, JobStatus
from tests.conftest import wait_for_job
from tests.permissions import assert_permission_matrix


def test_reference_integrity_job_runs_on_the_worker(celery_worker, ministry_staff):
    with transaction.atomic():
        job = job_start(kind="reference_integrity", user=ministry_staff, authority=ministry_staff.authority)
    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.total == 33 and job.done == 33  # 32 provinces + the pairing sheet
    assert job.result_name == "基础数据完整性报告.xlsx"
    wb = load_workbook(job.result_file.path, read_only=True)
    rows = list(wb["各省基础数据"].iter_rows(values_only=True))
    assert rows[0][:3] == ("区划代码", "省级机关", "地市级")
    by_name = {r[1]: r for r in rows[1:]}
    assert len(by_name) == 32
    assert by_name["新疆生产建设兵团"][2] == 14  # fourteen divisions
    assert by_name["西藏自治区"][4] == "是"
    assert by_name["浙江省"][4] == "否"
    assert by_name["浙江省"][6] >= 1  # 浙江 aids 那曲, 阿克苏, 第一师, 海西 …


def test_start_job_page_and_progress_page(celery_worker, client, ministry_staff):
    client.force_login(ministry_staff)
    response = client.post("/jobs/start/reference_integrity/")
    assert response.status_code == 302
    job = Job.objects.get()
    job = wait_for_job(job)
    page = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "已完成" in page.content.decode() and "hx-get" not in page.content.decode()
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]


@job_handler("test_failing", "测试：必然失败的任务", permissions=("portal.view_authority",))
def _failing(run):
    path = run.result_file("x.xlsx")
    open(path, "w").write("half")
    raise JobFailed("输入有误，未生成文件")


def test_failed_run_keeps_the_last_good_result(celery_worker, ministry_staff):
    ministry = ministry_staff.authority
    with transaction.atomic():
        good = job_start(kind="reference_integrity", user=ministry_staff, authority=ministry)
    good = wait_for_job(good)
    assert good.status == JobStatus.SUCCEEDED
    # the worker imports this test module? No: it runs only registered kinds, so run the
    # failing handler in-process through the same executor the task calls.
    from portal.jobs import job_execute

    failed = Job.objects.create(kind="test_failing", title="失败", authority=ministry)
    job_execute(failed.pk)
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED
    assert failed.message == "输入有误，未生成文件"
    assert not failed.result_file
    assert latest_result("reference_integrity", ministry) == good


@pytest.mark.django_db
def test_job_pages_permission_matrix(client, xizang_staff, zhejiang_staff, no_role_user):
    job = Job.objects.create(kind="reference_integrity", title="t", authority=xizang_staff.authority,
                             created_by=xizang_staff, status=JobStatus.SUCCEEDED)
    assert_permission_matrix(client, f"/jobs/{job.pk}/", own=xizang_staff, no_perm=no_role_user,
                             other=zhejiang_staff)
    assert_permission_matrix(client, f"/api/jobs/{job.pk}/", own=xizang_staff, no_perm=no_role_user,
                             other=zhejiang_staff)
    assert_permission_matrix(client, "/jobs/", own=xizang_staff, no_perm=no_role_user)
    assert_permission_matrix(client, "/api/jobs/", own=xizang_staff, no_perm=no_role_user)
    # no result file yet → 404 for the owner, and the matrix before that
    response = assert_permission_matrix(client, f"/jobs/{job.pk}/download/", own=xizang_staff,
                                        no_perm=no_role_user, other=zhejiang_staff, ok_status=404)
    assert response.status_code == 404


@pytest.mark.django_db
def test_province_sees_only_its_jobs_in_lists(client, xizang_staff, zhejiang_staff):
    Job.objects.create(kind="reference_integrity", title="西藏的任务", authority=xizang_staff.authority)
    Job.objects.create(kind="reference_integrity", title="浙江的任务", authority=zhejiang_staff.authority)
    client.force_login(xizang_staff)
    data = client.get("/api/jobs/").json()
    assert [j["title"] for j in data["results"]] == ["西藏的任务"]
    page = client.get("/jobs/").content.decode()
    assert "西藏的任务" in page and "浙江的任务" not in page


def test_scheduled_job_runs_as_the_ministry(celery_worker):
    """Beat's nightly entry, sent as beat sends it, runs on the worker as the ministry with no user."""
    from celery.schedules import crontab
    from django.conf import settings

    from portal.celery import app
    from tests.factories import ensure_reference

    ensure_reference()  # a transactional test before this one may have flushed it
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-reference-integrity"]
    assert entry["schedule"] == crontab(hour=2, minute=0)
    assert not Job.objects.exists()
    app.send_task(entry["task"], args=entry["args"], kwargs=entry.get("kwargs", {}))
    deadline = time.monotonic() + 60
    while not Job.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    job = wait_for_job(Job.objects.get())
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.kind == "reference_integrity" and job.result_file
    assert job.authority == Authority.objects.get(code="000000") and job.created_by is None
