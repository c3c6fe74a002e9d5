"""Download of the current national need summary (issue 11): 100,000 rows, p95 under 100 ms.

    .venv/bin/python -m bench aid_summary_download [--rows 100000] [--requests 50]

In the bench database (``portal_bench``, seeded by ``bench.aid_national``): the national need workbook
is built once by the job (as the worker does after a decision), then ministry staff ask for it
``--requests`` times through the real stack (Django test client: middleware, login, the scoped
``job-download`` view, the audit row of the download, the file streamed to the end), and ask for the
汇总表下载 page that offers it.  Nothing is generated on request: the timings are of a stored file.
"""

from __future__ import annotations

import argparse
import statistics
import time


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench aid_summary_download")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    from bench.aid_national import seed, setup_django

    setup_django()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.test.utils import setup_test_environment

    from aid_projects import jobs
    from portal.jobs import job_execute, latest_result
    from portal.models import Authority, Job, User

    setup_test_environment()  # the test client's host name is allowed
    # pages link static files by name (no collectstatic manifest in a bench run)
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    campaign = seed(args.rows)
    ministry = Authority.objects.get(code="000000")
    user, _ = User.objects.get_or_create(username="bench_bu", defaults={"authority": ministry})
    user.groups.set([Group.objects.get(name="部级工作人员")])
    params = {"campaign_id": campaign.pk}
    job = latest_result(jobs.NATIONAL_NEED, ministry, params)
    if job is None or job.total != args.rows:
        job = Job.objects.create(kind=jobs.NATIONAL_NEED, title="基准测试：全国需求汇总", authority=ministry,
                                 params=params)
        started = time.perf_counter()
        job_execute(job.pk)
        job.refresh_from_db()
        print(f"生成全国需求汇总（任务，一次）：{time.perf_counter() - started:.1f} s，{job.total} 行")
    size = job.result_file.size
    client = Client()
    client.force_login(user)
    downloads, pages = [], []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(f"/jobs/{job.pk}/download/")
        body = b"".join(response.streaming_content)
        downloads.append(time.perf_counter() - started)
        assert response.status_code == 200 and len(body) == size
        started = time.perf_counter()
        response = client.get(f"/aid/summaries/?campaign={campaign.pk}")
        pages.append(time.perf_counter() - started)
        assert response.status_code == 200 and f"/jobs/{job.pk}/download/" in response.content.decode()
    print(f"全国需求汇总 {job.total} 行，文件 {size / 2**20:.1f} MB，{args.requests} 次请求：")
    for label, times in (("下载文件", downloads), ("汇总表下载页面", pages)):
        print(f"  {label}：中位数 {statistics.median(times) * 1000:.0f} ms，p95 {percentile(times, 95) * 1000:.0f} ms，"
              f"最慢 {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
