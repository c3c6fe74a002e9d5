"""Issue 8 point 11: an export carrying personal data (the liaison tables) names who took it out and
when — the last row of each sheet and the printed footer — and is an audit entry (导出).

The workbooks are opened from the bytes the download answered with.  Case files have no export.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from openpyxl import load_workbook

from aid_projects import jobs, services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.reader import parse_workbook
from aid_projects.sheets import CATEGORIES, NEED_SPEC
from aid_projects.writer import write_attachment
from portal.excel import stamp_workbook
from portal.jobs import job_start
from portal.models import AuditAction, AuditEntry, JobStatus
from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list
from tests.conftest import wait_for_job
from tests.factories import make_user

STAMP = re.compile(r"^导出人：(?P<authority>\S*)　(?P<who>.+)　导出时间：(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)　"
                   r"本表含个人信息，仅限工作使用，不得外传。$")


def run(kind, user, **params):
    with transaction.atomic():
        job = job_start(kind=kind, user=user, authority=user.authority, params=params)
    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    return job


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def last_line(ws) -> str:
    values = [row[0] for row in ws.iter_rows(values_only=True) if row and row[0] is not None]
    return values[-1]


def assert_stamped(wb, username: str) -> None:
    for ws in wb.worksheets:
        line = last_line(ws)
        match = STAMP.match(line)
        assert match, f"{ws.title}: {line!r}"
        assert f"（{username}）" in match["who"]
        assert ws.oddFooter.center.text == line  # printed on every page too


@pytest.fixture
def national(db):
    campaign = make_campaign()
    make_list(campaign, "540000", ListKind.LIAISON, ListStatus.ACCEPTED)
    make_liaison(campaign, "540000", name="卓玛", mobile="13908901234")
    return campaign


def test_the_national_liaison_table_names_each_downloader_and_is_audited(celery_worker, client, national,
                                                                          ministry_staff):
    job = run(jobs.NATIONAL_LIAISON, ministry_staff, campaign_id=national.pk)
    wb = download(client, ministry_staff, f"/jobs/{job.pk}/download/")
    assert_stamped(wb, "ministry_staff")
    assert STAMP.match(last_line(wb.worksheets[0]))["authority"] == "民政部"
    # the real mobile, decrypted, for those allowed to export it
    assert "13908901234" in [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, username="ministry_staff").get()
    assert entry.object_id == str(job.pk) and job.result_name in entry.note and "导出人" in entry.note
    # a colleague downloading the same file gets it with his own name in it
    colleague = make_user("ministry_colleague", "000000", "部级工作人员")
    assert_stamped(download(client, colleague, f"/jobs/{job.pk}/download/"), "ministry_colleague")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, username="ministry_colleague").exists()


def test_a_provinces_attachment_1_is_stamped_and_its_need_list_is_not(celery_worker, client, xizang_liaison,
                                                                      xizang_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    make_liaison(campaign, "540000", name="卓玛")
    need_list = make_list(campaign, "540000", ListKind.NEED)
    make_item(need_list)
    job = run(jobs.ATTACHMENT, xizang_liaison, list_id=liaison_list.pk)
    wb = download(client, xizang_liaison, f"/jobs/{job.pk}/download/")
    assert_stamped(wb, "xizang_liaison")
    assert [ws.title for ws in wb.worksheets] == ["附件1", "联络员名录"]
    need_job = run(jobs.ATTACHMENT, xizang_staff, list_id=need_list.pk)
    need = download(client, xizang_staff, f"/jobs/{need_job.pk}/download/")
    assert not STAMP.match(str(last_line(need.worksheets[0])))
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(need_job.pk)).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(need_job.pk)).exists()


@pytest.mark.django_db
def test_a_version_whose_file_is_gone_answers_404_not_500(client, xizang_liaison, xizang_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    make_liaison(campaign, "540000", name="卓玛")
    version = services.list_submit(aid_list=liaison_list, user=xizang_liaison)
    version.file.storage.delete(version.file.name)
    client.force_login(xizang_staff)
    response = client.get(f"/aid/versions/{version.pk}/download/")
    assert response.status_code == 404 and 'lang="zh-CN"' in response.content.decode()  # the portal's own page
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(version.pk)).exists()


@pytest.mark.django_db
def test_a_submitted_liaison_table_is_stamped_when_downloaded(client, xizang_liaison, xizang_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    make_liaison(campaign, "540000", name="卓玛")
    version = services.list_submit(aid_list=liaison_list, user=xizang_liaison)
    wb = download(client, xizang_staff, f"/aid/versions/{version.pk}/download/")
    assert_stamped(wb, "xizang_staff")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, username="xizang_staff",
                                     object_id=str(version.pk)).exists()


@pytest.mark.django_db
def test_a_stamped_attachment_still_reads_back(xizang_staff):
    """The line stands below the table and its notes: the reader's rows are the same."""
    buffer = io.BytesIO()
    row = ("牧区小学营养午餐", CATEGORIES[0], "西藏自治区拉萨市城关区", "午餐", "12.50", "卓玛", "13908901234")
    write_attachment(buffer, NEED_SPEC, "西藏自治区民政厅", [row])
    buffer.seek(0)
    plain = parse_workbook(io.BytesIO(buffer.getvalue()), kind="need", province_code="540000")
    stamped = parse_workbook(stamp_workbook(buffer, user=xizang_staff), kind="need", province_code="540000")
    assert [r.values for r in stamped] == [r.values for r in plain] and len(plain) == 1
