"""The 汇总下载 page: who may start which summary, downloads, blank templates, the permission matrix."""

import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aid_projects import jobs
from aid_projects.choices import ListKind, ListStatus
from aid_projects.sheets import NEED_SPEC, SPECS
from aid_projects.writer import HEADER_ROW
from portal.models import AuditAction, AuditEntry, Job, JobStatus
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.conftest import wait_for_job
from tests.permissions import assert_anonymous_refused, assert_permission_matrix

PAGE = "/aid/summaries/"


def start_url(kind):
    return reverse("aid_projects:summary-start", args=[kind])


def template_url(kind):
    return reverse("aid_projects:summary-template", args=[kind])


def test_urls_are_where_the_page_says():
    assert reverse("aid_projects:summary-page") == PAGE
    assert start_url(jobs.ATTACHMENT) == "/aid/summaries/start/aid_attachment/"
    assert template_url("need") == "/aid/summaries/template/need/"


# --- the page ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_page_permission_matrix(client, xizang_staff, no_role_user):
    make_campaign()
    assert_permission_matrix(client, PAGE, own=xizang_staff, no_perm=no_role_user)


@pytest.mark.django_db
def test_ministry_sees_the_national_summaries(client, ministry_staff):
    campaign = make_campaign()
    client.force_login(ministry_staff)
    html = client.get(PAGE).content.decode()
    assert campaign.name in html
    for kind in jobs.NATIONAL_KINDS:
        assert f'action="{start_url(kind)}"' in html
    assert f'name="campaign" value="{campaign.pk}"' in html
    assert start_url(jobs.PAIRED_NEEDS) not in html and start_url(jobs.ATTACHMENT) not in html
    for kind in ("need", "supply", "liaison"):
        assert template_url(kind) in html


@pytest.mark.django_db
def test_aiding_province_sees_paired_needs_and_its_own_attachment(client, zhejiang_staff):
    campaign = make_campaign()
    supply = make_list(campaign, "330000", ListKind.SUPPLY)
    other = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)  # paired and visible, not its own
    client.force_login(zhejiang_staff)
    html = client.get(PAGE).content.decode()
    assert f'action="{start_url(jobs.PAIRED_NEEDS)}"' in html
    assert f'name="list" value="{supply.pk}"' in html
    assert f'name="list" value="{other.pk}"' not in html
    assert "附件3 社会组织援藏援疆项目供给清单省级汇总表" in html
    assert start_url(jobs.NATIONAL_NEED) not in html


@pytest.mark.django_db
def test_recipient_province_sees_only_its_own_attachments(client, xizang_liaison):
    campaign = make_campaign()
    need = make_list(campaign, "540000", ListKind.NEED)
    liaison = make_list(campaign, "540000", ListKind.LIAISON)
    make_list(campaign, "650000", ListKind.NEED)
    client.force_login(xizang_liaison)
    html = client.get(PAGE).content.decode()
    assert f'name="list" value="{need.pk}"' in html and f'name="list" value="{liaison.pk}"' in html
    assert html.count('name="list"') == 2
    assert start_url(jobs.PAIRED_NEEDS) not in html and start_url(jobs.NATIONAL_NEED) not in html


@pytest.mark.django_db
def test_page_links_the_latest_result_and_the_running_job(client, ministry_staff):
    campaign = make_campaign()
    ministry = ministry_staff.authority
    done = Job.objects.create(kind=jobs.NATIONAL_NEED, title="t", authority=ministry, status=JobStatus.SUCCEEDED,
                              params={"campaign_id": campaign.pk}, result_file="jobs/x.xlsx",
                              result_name="全国需求汇总.xlsx", message="共 2 个省份")
    Job.objects.create(kind=jobs.NATIONAL_NEED, title="t", authority=ministry, status=JobStatus.FAILED,
                       params={"campaign_id": campaign.pk})  # a failure does not hide the good file
    Job.objects.create(kind=jobs.NATIONAL_SUPPLY, title="t", authority=ministry, status=JobStatus.SUCCEEDED,
                       params={"campaign_id": campaign.pk + 1}, result_file="jobs/y.xlsx",
                       result_name="别的年度.xlsx")  # another campaign's file is not offered
    running = Job.objects.create(kind=jobs.NATIONAL_LIAISON, title="t", authority=ministry,
                                 status=JobStatus.RUNNING, params={"campaign_id": campaign.pk}, total=10, done=4)
    client.force_login(ministry_staff)
    html = client.get(PAGE).content.decode()
    assert reverse("job-download", args=[done.pk]) in html and "全国需求汇总.xlsx" in html
    assert "别的年度.xlsx" not in html
    assert reverse("job-detail", args=[running.pk]) in html and "运行中（40%）" in html


@pytest.mark.django_db
def test_campaign_choice(client, ministry_staff):
    old = make_campaign(2024)
    new = make_campaign(2025)
    client.force_login(ministry_staff)
    assert f'name="campaign" value="{new.pk}"' in client.get(PAGE).content.decode()
    assert f'name="campaign" value="{old.pk}"' in client.get(PAGE, {"campaign": old.pk}).content.decode()
    assert client.get(PAGE, {"campaign": 99999}).status_code == 404


# --- starting jobs ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_start_own_attachment_permission_matrix(client, xizang_staff, zhejiang_staff, no_role_user):
    need = make_list(make_campaign(), "540000", ListKind.NEED)
    response = assert_permission_matrix(client, start_url(jobs.ATTACHMENT), method="post", data={"list": need.pk},
                                        own=xizang_staff, no_perm=no_role_user, other=zhejiang_staff, ok_status=302)
    job = Job.objects.get(kind=jobs.ATTACHMENT)
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.params == {"list_id": need.pk} and job.authority == xizang_staff.authority
    assert job.created_by == xizang_staff and job.status == JobStatus.QUEUED
    assert job.title == "西藏自治区附件2（2025年度援藏援疆项目对接）"


@pytest.mark.django_db
def test_aiding_province_cannot_export_a_paired_recipients_list(client, zhejiang_staff):
    """It may read 西藏's accepted need list (pairing), but that list is not its own attachment."""
    need = make_list(make_campaign(), "540000", ListKind.NEED, ListStatus.ACCEPTED)
    client.force_login(zhejiang_staff)
    assert client.post(start_url(jobs.ATTACHMENT), {"list": need.pk}).status_code == 404
    assert client.post(start_url(jobs.ATTACHMENT), {"list": "abc"}).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", jobs.NATIONAL_KINDS)
def test_national_jobs_are_the_ministrys(client, kind, ministry_staff, xizang_staff, system_admin, no_role_user):
    campaign = make_campaign()
    assert_anonymous_refused(start_url(kind), "post", {"campaign": campaign.pk})
    for user in (xizang_staff, system_admin, no_role_user):  # a province; the ministry's 系统管理员; no role
        client.force_login(user)
        assert client.post(start_url(kind), {"campaign": campaign.pk}).status_code == 403, user
    client.force_login(ministry_staff)
    assert client.post(start_url(kind), {"campaign": 424242}).status_code == 404
    response = client.post(start_url(kind), {"campaign": campaign.pk})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.kind == kind and job.params == {"campaign_id": campaign.pk} and job.authority.is_ministry


@pytest.mark.django_db
def test_paired_needs_only_for_aiding_provinces(client, zhejiang_staff, xizang_staff, ministry_staff):
    campaign = make_campaign()
    for user in (xizang_staff, ministry_staff):
        client.force_login(user)
        assert client.post(start_url(jobs.PAIRED_NEEDS), {"campaign": campaign.pk}).status_code == 403
    client.force_login(zhejiang_staff)
    assert client.post(start_url(jobs.PAIRED_NEEDS), {"campaign": campaign.pk}).status_code == 302
    assert Job.objects.get().authority.code == "330000"


@pytest.mark.django_db
def test_a_running_job_is_not_started_twice(client, ministry_staff):
    campaign = make_campaign()
    client.force_login(ministry_staff)
    first = client.post(start_url(jobs.NATIONAL_NEED), {"campaign": campaign.pk})
    second = client.post(start_url(jobs.NATIONAL_NEED), {"campaign": campaign.pk})
    assert Job.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_start_is_a_post_with_csrf(ministry_staff):
    campaign = make_campaign()
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_staff)
    assert client.get(start_url(jobs.NATIONAL_NEED)).status_code == 405
    assert client.post(start_url(jobs.NATIONAL_NEED), {"campaign": campaign.pk}).status_code == 403
    assert not Job.objects.exists()
    page = client.get(PAGE)
    token = page.cookies["csrftoken"].value
    response = client.post(start_url(jobs.NATIONAL_NEED), {"campaign": campaign.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Job.objects.count() == 1


@pytest.mark.django_db
def test_unknown_kind_is_404(client, ministry_staff):
    client.force_login(ministry_staff)
    assert client.post(start_url("reference_integrity"), {"campaign": 1}).status_code == 404
    assert client.post(start_url("nonsense"), {}).status_code == 404


# --- blank templates ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_blank_template_for_anyone_logged_in(client, no_role_user, xizang_staff):
    for kind in ("need", "supply", "liaison"):
        assert_permission_matrix(client, template_url(kind), own=no_role_user)
    client.force_login(xizang_staff)
    response = client.get(template_url("need"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert ws["A4"].value == "单位：西藏自治区民政厅（公章）"
    assert [c.value for c in ws[HEADER_ROW]] == NEED_SPEC.printed_headers
    assert ws.data_validations.dataValidation
    entry = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, user=xizang_staff).get()
    assert entry.note == f"附件2{SPECS['need'].title.removeprefix('社会组织')}（空白）.xlsx"
    assert client.get(template_url("other")).status_code == 404


@pytest.mark.django_db
def test_ministry_blank_template_leaves_the_unit_empty(client, ministry_staff):
    client.force_login(ministry_staff)
    response = client.get(template_url("supply"))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert ws["A4"].value == "单位：_____（公章）"


# --- the whole way, on the real worker -------------------------------------------------------------
def test_ministry_starts_downloads_and_is_audited(celery_worker, client, ministry_staff):
    campaign = make_campaign()
    need = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    with transaction.atomic():
        make_item(need, name="牧区小学营养午餐", seq=1)
    client.force_login(ministry_staff)
    response = client.post(start_url(jobs.NATIONAL_NEED), {"campaign": campaign.pk})
    assert response.status_code == 302
    job = wait_for_job(Job.objects.get())
    assert job.status == JobStatus.SUCCEEDED, job.message
    html = client.get(PAGE).content.decode()
    download_url = reverse("job-download", args=[job.pk])
    assert download_url in html
    response = client.get(download_url)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["汇总", "西藏自治区"]
    assert wb["西藏自治区"].cell(row=HEADER_ROW + 1, column=2).value == "牧区小学营养午餐"
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(job.pk),
                                     note=job.result_name).exists()
