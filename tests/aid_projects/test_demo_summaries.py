"""The demo's summaries are built by the real worker after the demo data is loaded, once, not twice."""

import pytest

from aid_projects import jobs
from portal.demo import load_demo, queue_demo_jobs
from portal.jobs import latest_result
from portal.models import Job, JobStatus, User
from tests.conftest import wait_for_job
from tests.factories import ensure_reference

pytestmark = pytest.mark.worker

KINDS = {jobs.NATIONAL_NEED, jobs.NATIONAL_SUPPLY, jobs.NATIONAL_LIAISON, jobs.PAIRED_NEEDS}


def test_demo_summaries_are_queued_for_the_worker_and_not_repeated(celery_worker):
    ensure_reference()
    load_demo()
    assert not Job.objects.filter(kind__in=KINDS).exists()  # loading the demo builds nothing itself

    assert queue_demo_jobs() == ["援藏援疆：演示汇总表 4 份由 worker 生成中（汇总表下载页可见）"]
    queue_demo_jobs()  # again while they are queued or running: no second job of any kind
    queued = list(Job.objects.filter(kind__in=KINDS))
    assert sorted(j.kind for j in queued) == sorted(KINDS)
    for job in queued:
        assert wait_for_job(job).status == JobStatus.SUCCEEDED, job.message

    zhejiang = User.objects.get(username="zj_staff").authority
    assert latest_result(jobs.PAIRED_NEEDS, zhejiang) is not None
    assert queue_demo_jobs() == ["援藏援疆：演示汇总表 4 份均已生成"]
    assert Job.objects.filter(kind__in=KINDS).count() == 4
