"""The bulk import's preview and commit as jobs on the real worker (issue 10, point 5): progress on the import
page, all or nothing, the per-row error report, another province 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.audit import verify_chain
from portal.models import AuditAction, AuditEntry, Authority, Job, JobStatus
from registry.choices import ImportStatus
from registry.import_jobs import COMMIT_KIND, PREVIEW_KIND
from registry.models import Organization, OrganizationImport
from tests.conftest import wait_for_job
from tests.registry.test_import_export import BAD_CODE, GOOD, ZJ_FOUNDATION, ZJ_GROUP, ZJ_SERVICE, row, workbook

CODES = [ZJ_GROUP, ZJ_FOUNDATION, ZJ_SERVICE]


@pytest.fixture
def always_jobs(settings):
    """Every file, however small, through the jobs."""
    settings.REGISTRY_IMPORT_INLINE_BYTES = 0
    settings.REGISTRY_IMPORT_INLINE_ROWS = 0


def upload(client, content: bytes, name="b.xlsx") -> OrganizationImport:
    response = client.post(reverse("registry:import-upload"),
                           {"kind": "organization", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return OrganizationImport.objects.latest("id")


def last_job(kind) -> Job:
    return wait_for_job(Job.objects.filter(kind=kind).latest("id"))


def test_a_file_previewed_and_committed_through_the_pages_by_jobs(celery_worker, always_jobs, client,
                                                                  zhejiang_staff):
    client.force_login(zhejiang_staff)
    run = upload(client, workbook(*GOOD))
    url = reverse("registry:import-detail", args=[run.pk])
    assert run.status in (ImportStatus.PARSING, ImportStatus.PREVIEW)  # the worker may already have read it
    job = last_job(PREVIEW_KIND)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.done, job.total, job.params, job.authority.code) == (3, 3, {"import": run.pk}, "330000")
    run.refresh_from_db()
    assert (run.status, run.row_count, run.error_count) == (ImportStatus.PREVIEW, 3, 0)
    page = client.get(url).content.decode()
    assert 'id="commit-import"' in page and 'hx-trigger="every 1s"' not in page
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 200  # its owner reads it

    assert client.post(url, {"action": "commit"}).status_code == 302
    run.refresh_from_db()
    if run.status == ImportStatus.COMMITTING:  # the page polls while the job runs
        polled = client.get(url).content.decode()
        assert 'hx-trigger="every 1s"' in polled or "已导入" in polled
    job = last_job(COMMIT_KIND)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "已导入 3 个社会组织。" and job.done == 3
    run.refresh_from_db()
    assert (run.status, run.added_count) == (ImportStatus.COMMITTED, 3)
    assert Organization.objects.filter(credit_code__in=CODES).count() == 3
    # one audit row per organization, by the clerk who committed, and the chain intact (portal.audit.record_changes)
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, note="批量导入（b.xlsx）")
    assert sorted(created.values_list("object_repr", flat=True)) == sorted(
        Organization.objects.filter(credit_code__in=CODES).values_list("name", flat=True))
    assert set(created.values_list("user", flat=True)) == {zhejiang_staff.pk}
    assert verify_chain().broken_id is None
    page = client.get(url).content.decode()
    assert "已导入 3 个" in page and 'hx-trigger="every 1s"' not in page


def test_a_bad_row_is_reported_by_row_and_nothing_is_imported(celery_worker, always_jobs, client, zhejiang_staff):
    client.force_login(zhejiang_staff)
    run = upload(client, workbook(GOOD[0], row(BAD_CODE, "浙江省书法家协会")))
    assert last_job(PREVIEW_KIND).status == JobStatus.SUCCEEDED
    page = client.get(reverse("registry:import-detail", args=[run.pk])).content.decode()
    assert "第3行“统一社会信用代码”" in page and "一行也不会导入" in page and 'id="commit-import"' not in page
    client.post(reverse("registry:import-detail", args=[run.pk]), {"action": "commit"})
    assert not Job.objects.filter(kind=COMMIT_KIND).exists()
    assert not Organization.objects.filter(credit_code=ZJ_GROUP).exists()


def test_a_commit_job_that_fails_leaves_nothing_and_the_import_to_confirm(celery_worker, always_jobs, client,
                                                                          zhejiang_staff):
    client.force_login(zhejiang_staff)
    run = upload(client, workbook(*GOOD))
    assert last_job(PREVIEW_KIND).status == JobStatus.SUCCEEDED
    # the third code is registered by someone else between the preview and the commit
    Organization.objects.create(credit_code=ZJ_SERVICE, name="另一个服务中心", kind="service_org",
                                authority=Authority.objects.get(code="330000"))
    client.post(reverse("registry:import-detail", args=[run.pk]), {"action": "commit"})
    job = last_job(COMMIT_KIND)
    assert job.status == JobStatus.FAILED and "第4行" in job.message and "未导入任何数据" in job.message
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEW and run.added_count == 0
    assert not Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION]).exists()
    page = client.get(reverse("registry:import-detail", args=[run.pk])).content.decode()
    assert 'id="import-job-failed"' in page and "登记库没有变化" in page


def test_another_provinces_import_and_its_jobs_are_404(celery_worker, always_jobs, client, zhejiang_staff,
                                                      hebei_staff):
    client.force_login(zhejiang_staff)
    run = upload(client, workbook(*GOOD))
    job = last_job(PREVIEW_KIND)
    client.force_login(hebei_staff)
    url = reverse("registry:import-detail", args=[run.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "commit"}).status_code == 404
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert not Job.objects.filter(kind=COMMIT_KIND).exists()
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEW
    assert not Organization.objects.filter(credit_code__in=CODES).exists()


def test_a_second_clerk_of_the_province_sees_the_progress(celery_worker, always_jobs, client, zhejiang_staff):
    """The job follows the import's rule (its authority's area, the import permissions), not its starter."""
    from tests.factories import make_user

    client.force_login(zhejiang_staff)
    run = upload(client, workbook(*GOOD))
    job = last_job(PREVIEW_KIND)
    colleague = make_user("zhejiang_staff_2", "330000", "省级工作人员")
    client.force_login(colleague)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 200
    assert client.get(reverse("registry:import-detail", args=[run.pk])).status_code == 200


def test_a_small_file_stays_in_the_request(client, zhejiang_staff):
    client.force_login(zhejiang_staff)
    run = upload(client, workbook(*GOOD))
    assert run.status == ImportStatus.PREVIEW and run.row_count == 3
    client.post(reverse("registry:import-detail", args=[run.pk]), {"action": "commit"})
    assert Organization.objects.filter(credit_code__in=CODES).count() == 3
    assert not Job.objects.filter(kind__in=[PREVIEW_KIND, COMMIT_KIND]).exists()



def test_rows_sharing_one_copy_of_the_form_fields_keep_their_own_errors(zhejiang_staff):
    """The rows of a file share one copy of the form's fields (importer.FieldsOfAFile): a row's errors stay its own."""
    from tests.registry.test_import_export import preview

    run = preview(zhejiang_staff, workbook(row(BAD_CODE, "浙江省书法家协会"), GOOD[1],
                                           row(ZJ_SERVICE, "浙江省老年服务中心", "不存在的类型"), GOOD[0]))
    errors = {r["row"]: sorted(r["errors"]) for r in run.rows}
    assert errors == {2: ["credit_code"], 3: [], 4: ["kind"], 5: []}


def test_an_import_its_job_left_unfinished_can_be_set_aside(client, zhejiang_staff):
    """The worker gave up on the commit (GAVE_UP_MESSAGE): the import stays 导入中 with nothing registered; it can be
    discarded once its job has ended, not while it runs."""
    from tests.registry.test_import_export import preview

    run = preview(zhejiang_staff, workbook(*GOOD))
    OrganizationImport.objects.filter(pk=run.pk).update(status=ImportStatus.COMMITTING)
    job = Job.objects.create(kind=COMMIT_KIND, title="导入", params={"import": run.pk}, created_by=zhejiang_staff,
                             authority=zhejiang_staff.authority, status=JobStatus.RUNNING)
    client.force_login(zhejiang_staff)
    url = reverse("registry:import-detail", args=[run.pk])
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()
    client.post(url, {"action": "discard"})
    run.refresh_from_db()
    assert run.status == ImportStatus.COMMITTING
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="工作进程已中断 3 次，任务终止")
    page = client.get(url).content.decode()
    assert 'id="discard-stuck"' in page and "工作进程已中断" in page
    client.post(url, {"action": "discard"})
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and not Organization.objects.filter(credit_code__in=CODES).exists()
