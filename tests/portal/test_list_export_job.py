"""导出 Excel of a long list runs as a job on the real worker (issue 12 point 2): exactly the filtered
rows of the user's own scope, the same columns as the immediate export, audited, and the file read
by its owner alone."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from crackdown.choices import LeadSource
from crackdown.services import lead_create
from portal.models import AuditAction, AuditEntry, Job, JobStatus
from tests.conftest import wait_for_job
from tests.factories import make_user

HEBEI_MATCHING = [f"华夏复兴促进会第{i}分会" for i in range(1, 9)]
HEBEI_OTHER = [f"燕赵文化研究会{i}" for i in range(1, 4)]
ZHEJIANG_MATCHING = [f"华夏研究院浙江{i}部" for i in range(1, 4)]


@pytest.fixture
def leads(hebei_staff, zhejiang_staff):
    for name in HEBEI_MATCHING + HEBEI_OTHER:
        lead_create(actor=hebei_staff, org_name=name, source=LeadSource.PATROL)
    for name in ZHEJIANG_MATCHING:
        lead_create(actor=zhejiang_staff, org_name=name, source=LeadSource.PATROL)


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_long_export_runs_as_a_job_with_the_filtered_rows_of_the_users_scope(
        celery_worker, client, hebei_staff, zhejiang_staff, ministry_staff, audit_admin, leads):
    client.force_login(hebei_staff)
    query = {"q": "华夏", "sort": "-org_name"}  # the list's filter and its sort
    immediate = client.get("/crackdown/leads/", {**query, "export": "xlsx"})
    assert immediate["Content-Disposition"].startswith("attachment")
    expected = _rows(b"".join(immediate.streaming_content))

    with override_settings(LIST_EXPORT_JOB_ROWS=5):
        response = client.get("/crackdown/leads/", {**query, "export": "xlsx"})
    job = Job.objects.get(kind="list_export")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "符合条件的记录有 8 条，已转入后台导出" in page and "导出“线索”" in page

    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.total == 8 and job.done == 8 and job.message == "已导出 8 条"
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and job.result_name.startswith("线索-")
    rows = _rows(b"".join(download.streaming_content))
    # the same header and cells as the immediate export of the same list: 河北's 8, none of 浙江's 3
    assert rows == expected
    assert len(rows) == 1 + len(HEBEI_MATCHING)
    names = [cell for row in rows[1:] for cell in row if isinstance(cell, str) and "华夏" in cell]
    assert sorted(names) == sorted(HEBEI_MATCHING)
    assert not any(name in str(row) for row in rows for name in ZHEJIANG_MATCHING)

    # audited as an export when asked for, naming the count, the filter and the job
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, user=hebei_staff, note__contains="后台任务")
    assert "导出“线索” 8 条" in entry.note and "华夏" in entry.note and f"#{job.pk}" in entry.note

    # the file is the owner's alone: another 河北 clerk, the ministry and 浙江 get 404, the auditor 403
    other_hebei = make_user("hebei_staff_2", "130000", "省级工作人员")
    for user, status in ((other_hebei, 404), (ministry_staff, 404), (zhejiang_staff, 404), (audit_admin, 403)):
        client.force_login(user)
        assert client.get(f"/jobs/{job.pk}/download/").status_code == status, user.username
        assert client.get(f"/jobs/{job.pk}/").status_code == status, user.username
    client.force_login(ministry_staff)
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    assert job.pk not in [j["id"] for j in client.get("/api/jobs/").json()["results"]]


def test_auditor_exports_a_long_audit_log_and_reads_own_job(celery_worker, client, audit_admin, hebei_staff, leads):
    """The 审计管理员 holds no 后台任务 permission, yet reads the export job it started."""
    client.force_login(audit_admin)
    with override_settings(LIST_EXPORT_JOB_ROWS=3):
        response = client.get("/audit/", {"export": "xlsx"})
    job = Job.objects.get(kind="list_export")
    assert response["Location"] == f"/jobs/{job.pk}/"
    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    rows = _rows(b"".join(download.streaming_content))
    assert rows[0][0] == "时间" and len(rows) - 1 == job.total >= 14  # 14 leads created, each audited
    client.force_login(hebei_staff)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_small_export_stays_immediate_and_too_many_rows_are_refused(client, hebei_staff, leads):
    client.force_login(hebei_staff)
    response = client.get("/crackdown/leads/", {"q": "华夏", "export": "xlsx"})
    assert response.status_code == 200 and not Job.objects.exists()
    with override_settings(LIST_EXPORT_JOB_ROWS=2, LIST_EXPORT_MAX_ROWS=5):
        refused = client.get("/crackdown/leads/", {"q": "华夏", "export": "xlsx"}, follow=True)
    assert "符合条件的记录有 8 条，超过一次导出的上限 5 条" in refused.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_jobs_filter_is_stored_encrypted(client, hebei_staff, leads):
    """The filter can name a person (举报人电话): the job row keeps it encrypted, and the worker reads it back."""
    from portal.crypto import decrypt

    client.force_login(hebei_staff)
    with override_settings(LIST_EXPORT_JOB_ROWS=2):
        client.get("/crackdown/leads/", {"q": "华夏", "export": "xlsx"})
    job = Job.objects.get(kind="list_export")
    assert "华夏" not in str(job.params) and job.params["path"] == "/crackdown/leads/"
    assert "q=%E5%8D%8E%E5%A4%8F" in decrypt(job.params["query"])
