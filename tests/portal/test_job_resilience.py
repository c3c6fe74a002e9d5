"""Nothing is lost when a worker dies: real workers, the real broker, SIGKILL in the middle of a job."""

import io
import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aid_projects import jobs as aid_jobs
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem
from portal.jobs import (
    GAVE_UP_MESSAGE,
    REQUEUED_MESSAGE,
    job_execute,
    job_handler,
    job_start,
    jobs_watchdog,
    latest_result,
)
from portal.models import Authority, Job, JobStatus
from tests.aid_projects.factories import make_campaign, make_list
from tests.conftest import start_worker, stop_worker, wait_for_job

ITEMS = 3000


def _need_items(campaign, count):
    need = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    place = Authority.objects.get(code="540102")
    AidItem.objects.bulk_create(
        AidItem(aid_list=need, seq=seq, name=f"牧区小学营养午餐{seq}", category="教育帮扶", place=place,
                place_text=place.full_name, summary="项目简介", contact_name="联系人",
                contact_mobile="13912345678", amount=50)
        for seq in range(1, count + 1))


def _wait(predicate, timeout=60, what="条件"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{timeout} 秒内未满足：{what}")


def _job_files(job):
    root = settings.MEDIA_ROOT / "jobs" / f"{job.created:%Y/%m}" / str(job.pk)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_worker_killed_mid_job_the_job_completes_exactly_once(celery_worker, client, ministry_staff):
    """SIGKILL the worker in the middle of a national summary; the watchdog (a beat task, run on the
    next worker) re-queues it; it completes once; the previous good file is served meanwhile."""
    from portal.celery import app

    queue = f"kill-{uuid.uuid4().hex[:8]}"  # this test's own workers, not the session's
    ministry = ministry_staff.authority
    campaign = make_campaign()
    _need_items(campaign, ITEMS)
    params = {"campaign_id": campaign.pk}
    previous = Job.objects.create(kind=aid_jobs.NATIONAL_NEED, title="上次的汇总", authority=ministry,
                                  params=params)
    job_execute(previous.pk)  # the last good file, made as the worker makes it
    previous.refresh_from_db()
    assert previous.status == JobStatus.SUCCEEDED and previous.result_file

    first = start_worker(queue, f"worker-kill-1-{queue}")
    second = None
    try:
        with override_settings(JOB_QUEUE=queue), transaction.atomic():
            job = job_start(kind=aid_jobs.NATIONAL_NEED, user=ministry_staff, authority=ministry, params=params)
        _wait(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), what="任务开始运行")
        # Hold the job row: the worker's next progress or heartbeat write waits on it, so the worker
        # is stopped mid-job (claimed, handler running, nothing attached) when it is killed.
        locker = connections.create_connection("default")
        try:
            with locker.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT status, attempts FROM portal_job WHERE id = %s FOR UPDATE", [job.pk])
                assert cursor.fetchone() == (JobStatus.RUNNING, 1)
                time.sleep(1.5)  # the worker reaches its next write and waits
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=10)
                cursor.execute("ROLLBACK")
        finally:
            locker.close()
        killed = Job.objects.get(pk=job.pk)
        assert killed.status == JobStatus.RUNNING and not killed.result_file and killed.attempts == 1
        assert killed.heartbeat_at is not None

        # In between: the page offers the previous good file, and it downloads.
        client.force_login(ministry_staff)
        assert latest_result(aid_jobs.NATIONAL_NEED, ministry, params) == previous
        page = client.get("/aid/summaries/").content.decode()
        assert reverse("job-download", args=[previous.pk]) in page
        download = client.get(reverse("job-download", args=[previous.pk]))
        assert download.status_code == 200
        assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames == ["汇总", "西藏自治区"]

        # Beat's watchdog entry, sent as beat sends it; the next worker runs it, then the job.
        time.sleep(1.2)  # the killed run's heartbeat is now older than the watchdog's limit below
        entry = settings.CELERY_BEAT_SCHEDULE["jobs-watchdog"]
        app.send_task(entry["task"], kwargs={"stale_after": 1}, queue=queue)
        second = start_worker(queue, f"worker-kill-2-{queue}")
        done = wait_for_job(job, timeout=120)
        assert done.status == JobStatus.SUCCEEDED, done.message
        assert done.attempts == 2  # the killed run and the one that finished
        assert done.message.startswith("共 1 个省份、3000 个项目")
        assert latest_result(aid_jobs.NATIONAL_NEED, ministry, params) == done
        assert _job_files(done) == [os.path.basename(done.result_file.name)]  # one file, attached once
        sheet = load_workbook(done.result_file.path, read_only=True)["西藏自治区"]
        names = [row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1 and str(row[1]).startswith("牧区")]
        assert len(names) == ITEMS and names[-1] == f"牧区小学营养午餐{ITEMS}"

        # A late second delivery of the same message (the broker restoring the killed worker's
        # unacked message) does nothing: neither on the worker nor in-process.
        app.send_task("portal.tasks.run_job", args=[job.pk], queue=queue)
        app.send_task("portal.tasks.jobs_watchdog", kwargs={"stale_after": 1}, queue=queue)
        time.sleep(2)
        job_execute(job.pk)
        again = Job.objects.get(pk=job.pk)
        assert (again.status, again.attempts, again.finished, again.result_file.name) == (
            done.status, 2, done.finished, done.result_file.name)
        assert _job_files(again) == _job_files(done)
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)


@pytest.mark.django_db(transaction=True)
def test_watchdog_requeues_then_fails_with_a_chinese_reason(ministry_staff):
    ministry = ministry_staff.authority
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS + 5)
    fresh = Job.objects.create(kind="reference_integrity", title="t", authority=ministry, status=JobStatus.RUNNING,
                               attempts=1, heartbeat_at=timezone.now())
    stale = Job.objects.create(kind="reference_integrity", title="t", authority=ministry, status=JobStatus.RUNNING,
                               attempts=1, heartbeat_at=long_ago)
    worn = Job.objects.create(kind="reference_integrity", title="t", authority=ministry, status=JobStatus.RUNNING,
                              attempts=settings.JOB_MAX_ATTEMPTS, heartbeat_at=long_ago)
    # a queue no worker reads: the re-sent message stays there
    with override_settings(JOB_QUEUE=f"nobody-{uuid.uuid4().hex[:8]}"):
        assert jobs_watchdog() == {"requeued": 1, "failed": 1, "sent": 0}
    fresh.refresh_from_db()
    stale.refresh_from_db()
    worn.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING and fresh.message == ""
    assert stale.status == JobStatus.QUEUED and stale.sent_at is not None
    assert stale.message == REQUEUED_MESSAGE.format(attempt=1) == "工作进程中断（第 1 次运行未完成），任务已重新排队"
    assert worn.status == JobStatus.FAILED and worn.finished is not None
    assert worn.message == GAVE_UP_MESSAGE.format(attempt=settings.JOB_MAX_ATTEMPTS)
    assert "任务终止" in worn.message


@pytest.mark.django_db(transaction=True)
def test_a_claimed_job_is_not_run_twice(ministry_staff):
    """Idempotent by Job id: a second message for a job running with a live heartbeat, or finished, is ignored."""
    ministry = ministry_staff.authority
    running = Job.objects.create(kind="reference_integrity", title="t", authority=ministry,
                                 status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    job_execute(running.pk)
    running.refresh_from_db()
    assert running.status == JobStatus.RUNNING and running.attempts == 1
    queued = Job.objects.create(kind="reference_integrity", title="t", authority=ministry)
    job_execute(queued.pk)
    queued.refresh_from_db()
    assert queued.status == JobStatus.SUCCEEDED and queued.attempts == 1
    finished = queued.finished
    job_execute(queued.pk)
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.finished == finished


def test_celery_puts_a_lost_childs_message_back():
    """acks_late alone acks the message of a child killed mid-task; with reject_on_worker_lost it goes back."""
    from portal.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert settings.CELERY_BEAT_SCHEDULE["jobs-watchdog"]["schedule"] == 60.0


# --- time limits and retries per kind ------------------------------------------------------------
_calls = {"transient": 0}


@job_handler("test_slow", "测试：超时的任务", permissions=("portal.view_authority",), soft_time_limit=1)
def _slow(run):
    run.result_file("x.xlsx")
    time.sleep(10)


@job_handler("test_transient", "测试：暂时性错误", permissions=("portal.view_authority",), retries=1)
def _transient(run):
    from django.db import OperationalError

    _calls["transient"] += 1
    if run.job.params.get("fail_times", 0) >= _calls["transient"]:
        raise OperationalError("server closed the connection unexpectedly")
    run.job.message = "第二次成功"


@job_handler("test_bug", "测试：程序错误", permissions=("portal.view_authority",), retries=2)
def _bug(run):
    raise ValueError("坏数据")


@pytest.mark.django_db(transaction=True)
def test_soft_time_limit_fails_the_job_cleanly(client, ministry_staff):
    job = Job.objects.create(kind="test_slow", title="t", authority=ministry_staff.authority,
                             created_by=ministry_staff)
    started = time.monotonic()
    job_execute(job.pk)
    assert time.monotonic() - started < 5
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file
    assert job.message == "任务超过时限（1 分钟）已停止，未生成文件；请缩小范围后重新发起"
    client.force_login(ministry_staff)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "时限 1 分钟" in page and "暂时性错误自动重试 2 次" in page


@pytest.mark.django_db(transaction=True)
def test_transient_errors_are_retried_with_backoff_others_are_not(ministry_staff):
    from portal.jobs import RETRY_BACKOFF

    ministry = ministry_staff.authority
    _calls["transient"] = 0
    job = Job.objects.create(kind="test_transient", title="t", authority=ministry, params={"fail_times": 1})
    with override_settings(JOB_QUEUE=f"nobody-{uuid.uuid4().hex[:8]}"):
        job_execute(job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.attempts == 1 and job.finished is None
        assert job.message == f"暂时性错误（OperationalError），{RETRY_BACKOFF} 秒后自动第 2 次运行"
        assert job.sent_at is not None  # the retry is on the broker, with its countdown
        job_execute(job.pk)  # the retry's delivery
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job.message == "第二次成功"

    _calls["transient"] = 0
    twice = Job.objects.create(kind="test_transient", title="t", authority=ministry, params={"fail_times": 5})
    with override_settings(JOB_QUEUE=f"nobody-{uuid.uuid4().hex[:8]}"):
        job_execute(twice.pk)
        job_execute(twice.pk)
    twice.refresh_from_db()
    assert twice.status == JobStatus.FAILED and twice.attempts == 2  # one retry for this kind, then failed
    assert "已重试 1 次" in twice.message

    bug = Job.objects.create(kind="test_bug", title="t", authority=ministry)
    job_execute(bug.pk)
    bug.refresh_from_db()
    assert bug.status == JobStatus.FAILED and bug.attempts == 1  # a bug is not retried
    assert bug.message == "任务运行出错：ValueError: 坏数据"


def test_every_kind_has_limits_and_the_worker_gets_them():
    from portal.jobs import REGISTRY

    for spec in REGISTRY.values():
        assert 0 < spec.soft_time_limit < spec.time_limit, spec.kind


@job_handler("test_result", "测试：生成结果文件", permissions=("portal.view_authority",))
def _result(run):
    with open(run.result_file("结果.txt"), "w", encoding="utf-8") as fh:
        fh.write("新结果")


@pytest.mark.django_db(transaction=True)
def test_a_rerun_removes_the_file_a_killed_attempt_left(ministry_staff):
    """A worker killed between storing its result and recording it leaves a file no row names; the next
    attempt removes it, so the job ends with exactly its one result file."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from portal.models import job_result_path

    job = Job.objects.create(kind="test_result", title="t", authority=ministry_staff.authority, attempts=1)
    orphan = default_storage.save(job_result_path(job, "结果.txt"), ContentFile("被中断的一次"))
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert not default_storage.exists(orphan) or orphan == job.result_file.name
    assert _job_files(job) == [os.path.basename(job.result_file.name)]
    assert job.result_file.read().decode() == "新结果"
