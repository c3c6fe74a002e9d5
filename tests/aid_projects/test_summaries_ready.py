"""Summaries kept ready: a submission or decision makes the real worker rebuild the national workbook
of that kind and the province's own attachment, once for a burst, so a download never waits."""

import time

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aid_projects import jobs, services
from aid_projects.choices import ListKind, ListStatus
from portal.models import Job, JobStatus
from tests.aid_projects.factories import make_campaign, make_item, make_list

DEBOUNCE = 1.5


@pytest.fixture
def quick_debounce(settings):
    settings.AID_SUMMARY_DEBOUNCE_SECONDS = DEBOUNCE


def submitted(campaign, code, name):
    aid_list = make_list(campaign, code, ListKind.NEED)
    place = {"540000": "540102", "650000": "652901", "630000": "632821"}[code]
    make_item(aid_list, name=name, place_code=place)
    return aid_list


def wait_for_rebuilds(kind, count, after, timeout=60) -> list[Job]:
    """The system-started jobs of ``kind`` created after ``after``, once ``count`` of them have finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(Job.objects.filter(kind=kind, created_by=None, created__gt=after).order_by("created"))
        if len(found) >= count and all(j.is_finished for j in found):
            return found
        time.sleep(0.2)
    raise AssertionError(f"{kind}: {count} 个自动生成任务未在 {timeout} 秒内完成")


def test_accept_rebuilds_the_national_workbook_and_the_provinces_own(celery_worker, quick_debounce,
                                                                     ministry_staff, xizang_liaison):
    campaign = make_campaign()
    tibet = submitted(campaign, "540000", "牧区小学营养午餐")
    services.list_submit(aid_list=tibet, user=xizang_liaison)
    services.list_decide(aid_list=tibet, user=ministry_staff, accept=True)
    tibet.refresh_from_db()
    (national,) = wait_for_rebuilds(jobs.NATIONAL_NEED, 1, tibet.submitted_at)
    (own,) = wait_for_rebuilds(jobs.ATTACHMENT, 1, tibet.submitted_at)
    assert national.status == JobStatus.SUCCEEDED and national.authority.is_ministry
    assert national.started > tibet.decided_at  # read the lists after the decision
    summary = load_workbook(national.result_file.path)["汇总"]
    statuses = {r[1]: r[2] for r in summary.iter_rows(min_row=3, values_only=True) if r[1]}
    assert statuses["西藏自治区"] == "已接收"
    assert own.status == JobStatus.SUCCEEDED and own.authority.code == "540000"
    assert own.params == {"list_id": tibet.pk}

    # the ministry's page offers it at once, marked with its time; looking starts nothing
    from django.test import Client

    client = Client()
    client.force_login(ministry_staff)
    jobs_before = Job.objects.count()
    page = client.get("/aid/summaries/").content.decode()
    assert f"/jobs/{national.pk}/download/" in page and "生成于" in page and "已是最新" in page
    assert Job.objects.count() == jobs_before
    response = client.get(f"/jobs/{national.pk}/download/")
    assert response.status_code == 200


def test_return_rebuilds_without_the_returned_list(celery_worker, quick_debounce, ministry_staff, xizang_liaison):
    campaign = make_campaign()
    tibet = submitted(campaign, "540000", "牧区小学营养午餐")
    services.list_submit(aid_list=tibet, user=xizang_liaison)
    services.list_decide(aid_list=tibet, user=ministry_staff, accept=False, comment="请补充项目简介")
    tibet.refresh_from_db()
    (national,) = wait_for_rebuilds(jobs.NATIONAL_NEED, 1, tibet.submitted_at)
    assert national.status == JobStatus.SUCCEEDED
    assert load_workbook(national.result_file.path).sheetnames == ["汇总"]


def test_a_burst_of_decisions_is_rebuilt_once(celery_worker, quick_debounce, ministry_staff, xizang_liaison):
    campaign = make_campaign()
    lists = [submitted(campaign, code, f"项目{code}") for code in ("540000", "650000", "630000")]
    start = timezone.now()
    for aid_list in lists:
        services.list_submit(aid_list=aid_list, user=xizang_liaison)
    for aid_list in lists:
        services.list_decide(aid_list=aid_list, user=ministry_staff, accept=True)
    (national,) = wait_for_rebuilds(jobs.NATIONAL_NEED, 1, start)
    time.sleep(DEBOUNCE + 1)  # the earlier decisions' turns have passed: they started nothing
    assert Job.objects.filter(kind=jobs.NATIONAL_NEED, created_by=None, created__gt=start).count() == 1
    assert national.status == JobStatus.SUCCEEDED
    assert load_workbook(national.result_file.path).sheetnames == [
        "汇总", "西藏自治区", "青海省", "新疆维吾尔自治区"]
    # each province's own attachment once: one list each
    assert Job.objects.filter(kind=jobs.ATTACHMENT, created_by=None, created__gt=start).count() == 3


def test_page_says_a_new_file_is_on_its_way_after_a_decision(ministry_staff, xizang_liaison, client):
    """Without the worker: the last file is still offered, marked as older than the last decision."""
    campaign = make_campaign()
    tibet = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    tibet.decided_at = timezone.now()
    tibet.save(update_fields=["decided_at"])
    client.force_login(ministry_staff)
    page = client.get("/aid/summaries/").content.decode()
    assert "正在自动生成" in page
