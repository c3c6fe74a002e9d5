"""Redis goes away: the pages keep working, a job started meanwhile waits as 排队中 and runs once
Redis is back.  The real embedded Redis is stopped and started again; the real worker runs the job."""

import os
import time

import pytest
from django.conf import settings
from django.urls import reverse

from portal import embedded
from portal.jobs import BROKER_DOWN_MESSAGE
from portal.models import Job, JobStatus
from tests.conftest import wait_for_job


@pytest.fixture
def redis_outage():
    """Stop the embedded Redis; yield a function that starts it again (called at the end in any case)."""
    if os.environ.get("REDIS_URL"):
        pytest.skip("此测试停止并重启嵌入式 Redis；REDIS_URL 指向共享的 Redis 时不运行")
    had_started = "redis" in embedded.STARTED

    def restore():
        embedded.ensure_redis()
        if not had_started:
            embedded.STARTED.discard("redis")  # this run did not start it at first: leave it as found

    embedded.stop(postgres=False, redis=True)
    assert not embedded._redis_alive()
    yield restore
    restore()


def test_pages_work_and_a_job_waits_for_the_broker(celery_worker, client, ministry_staff, redis_outage):
    from django.core.cache import cache

    from portal.celery import app

    # Pages: sessions are in the database, the cache falls back to this process's memory.
    client.force_login(ministry_staff)
    for url in ("/", "/jobs/", "/aid/summaries/", "/crackdown/leads/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/crackdown/public/report/").status_code == 200  # its rate limit uses the cache
    cache.set("outage-probe", "still answers", 30)
    assert cache.get("outage-probe") == "still answers"
    health = client.get("/healthz/")
    assert health.status_code == 200 and health.json() == {"status": "ok", "redis": "down"}

    # A job started now is recorded, queued, and says so.
    started = time.monotonic()
    response = client.post("/jobs/start/reference_integrity/")
    assert response.status_code == 302
    assert time.monotonic() - started < 10  # the refused broker does not hang the request
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and job.sent_at is None
    assert job.message == BROKER_DOWN_MESSAGE == "后台任务暂不可用，恢复后自动执行"
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "排队中" in page and "后台任务暂不可用，恢复后自动执行" in page
    api = client.get(f"/api/jobs/{job.pk}/").json()
    assert api["status"] == JobStatus.QUEUED and api["message"] == BROKER_DOWN_MESSAGE

    # Redis is back: beat's watchdog (sent as beat sends it) finds the unsent job and sends it.
    redis_outage()
    assert client.get("/healthz/").json()["redis"] == "ok"
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-watchdog"]
    deadline = time.monotonic() + 60
    while True:  # the producer's first connection after the restart may still be the dead one
        try:
            app.send_task(entry["task"], kwargs={"unsent_after": 0}, queue=settings.JOB_QUEUE)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    job = wait_for_job(job, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.sent_at is not None and job.attempts == 1 and job.result_file
    assert job.message.startswith("检查了 32 个省级机关")  # the run's own outcome replaced the note
