"""National need workbook (issue 3): 100,000 need rows across the seven recipients.

    .venv/bin/python -m bench aid_national [--rows 100000] [--reseed]

Seeds the rows once (bulk_create) into a database of its own (``portal_bench`` on the same server),
then measures, each in a fresh process so that one measurement's memory does not hide the next:

- ``job``: the ``aid_national_need`` job run in-process by ``portal.jobs.job_execute`` — exactly what
  the Celery worker runs: the summary query, the streaming item query, the styled write-only
  workbook, the copy into media storage;
- ``bare``: openpyxl write-only writing the same rows (fetched into memory first, not timed) as plain
  values into one sheet, no styles — the floor the issue compares with;
- ``xlsxwriter``: xlsxwriter's constant-memory mode writing the same rows bare — the floor the job,
  which writes with xlsxwriter too (styled, row heights, eight sheets), is compared with (issue 11).

Each mode runs ``--repeat`` times (default 3), interleaved; the time reported is the best round (the
machine is shared and noisy), the memory the worst round.  Memory is the process's peak RSS (the
kernel's VmHWM, reset on entry, and a 10 ms psutil sampler) above its RSS when idle (Django set up,
modules imported, database connected) just before the measured work starts.
Targets: job time ≤ 1.2 × xlsxwriter bare (issue 11); job peak ≤ 60 MB above idle.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DB = "portal_bench"
CAMPAIGN_NAME = "基准测试：全国需求汇总"
ROOT = Path(__file__).resolve().parent.parent


# --- Django against the bench database ------------------------------------------------------------
def setup_django(database: str = BENCH_DB, *, migrate: bool = True) -> None:
    """Django with its own database on the portal's PostgreSQL (created, migrated, reference data loaded)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DATABASE_NAME_OVERRIDE", database)
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    _create_database(settings.DATABASES["default"])
    import django

    django.setup()
    from django.core.management import call_command

    from portal.models import Authority

    if not migrate:
        return
    call_command("migrate", interactive=False, verbosity=0)
    if not Authority.objects.filter(code="540000").exists():
        from portal.reference import load_reference

        load_reference()


def _create_database(db: dict) -> None:
    import psycopg

    with psycopg.connect(host=db.get("HOST") or None, port=db.get("PORT") or None, user=db.get("USER") or None,
                         password=db.get("PASSWORD") or None, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db["NAME"],)).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}" ENCODING \'UTF8\' TEMPLATE template0')


# --- the rows ---------------------------------------------------------------------------------------
def seed(rows: int, reseed: bool = False):
    """A campaign whose seven recipient need lists hold ``rows`` items between them (kept between runs)."""
    from django.db import transaction

    from aid_projects.choices import ListKind, ListStatus
    from aid_projects.models import AidItem, AidList, Campaign
    from bench.aid_upload_data import county_places, need_rows
    from portal.models import Authority

    campaign, _ = Campaign.objects.get_or_create(name=CAMPAIGN_NAME, defaults=dict(
        year=2099, liaison_due=datetime.date(2099, 6, 30), need_due=datetime.date(2099, 7, 5),
        supply_due=datetime.date(2099, 7, 31), is_open=False))
    items = AidItem.objects.filter(aid_list__campaign=campaign)
    if items.count() == rows and not reseed:
        return campaign
    started = time.perf_counter()
    items.delete()
    provinces = list(Authority.objects.aid_recipients().order_by("code"))
    with transaction.atomic():
        for index, province in enumerate(provinces):
            share = rows // len(provinces) + (1 if index < rows % len(provinces) else 0)
            status = ListStatus.SUBMITTED if index % 3 == 2 else ListStatus.ACCEPTED
            aid_list, _ = AidList.objects.update_or_create(campaign=campaign, authority=province, kind=ListKind.NEED,
                                                           defaults={"status": status})
            place_ids = {text: place.pk for text, place in county_places(province.code)}
            batch = []
            for seq, (name, category, place, summary, amount, contact, mobile) in enumerate(
                    need_rows(share, province.code, seed=index), start=1):
                batch.append(AidItem(aid_list=aid_list, seq=seq, name=name, category=category, place_text=place,
                                     place_id=place_ids[place], summary=summary, amount=amount,
                                     contact_name=contact, contact_mobile=mobile))
                if len(batch) == 5000:
                    AidItem.objects.bulk_create(batch)
                    batch = []
            AidItem.objects.bulk_create(batch)
    print(f"已生成 {rows} 行需求（{len(provinces)} 个受援省份），用时 {time.perf_counter() - started:.1f} 秒")
    return campaign


# --- measuring in a child process -----------------------------------------------------------------
class PeakRss:
    """The highest RSS from entering to leaving: the kernel's high-water mark (VmHWM, reset on entry
    through /proc/self/clear_refs) and a psutil sample every 10 ms, whichever is higher."""

    def __init__(self):
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return self.process.memory_info().rss

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.01)

    def __enter__(self):
        try:  # "5" resets the peak RSS (Linux ≥ 4.0), so startup and migrations do not count
            Path("/proc/self/clear_refs").write_text("5")
            self.kernel = True
        except OSError:
            self.kernel = False
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())
        if self.kernel:
            status = Path("/proc/self/status").read_text()
            hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
            self.peak = max(self.peak, int(hwm.split()[1]) * 1024)


def _rows_in_memory(campaign_id: int) -> list[tuple]:
    from aid_projects.models import AidItem
    from aid_projects.sheets import NEED_SPEC

    fields = [c.field for c in NEED_SPEC.data_columns]
    return list(AidItem.objects.filter(aid_list__campaign_id=campaign_id)
                .order_by("aid_list__authority__code", "seq").values_list(*fields))


def child(mode: str, campaign_id: int) -> dict:
    setup_django(migrate=False)  # the parent has migrated
    import openpyxl  # noqa: F401  (imported before idle is taken, as in a worker)
    import xlsxwriter

    from aid_projects import jobs
    from portal.jobs import job_execute
    from portal.models import Authority, Job

    ministry = Authority.objects.get(code="000000")
    rows = _rows_in_memory(campaign_id) if mode != "job" else None
    job = None
    if mode == "job":
        job = Job.objects.create(kind=jobs.NATIONAL_NEED, title="基准测试", authority=ministry,
                                 params={"campaign_id": campaign_id})
    target = Path("/tmp") / f"aid-national-{mode}-{os.getpid()}.xlsx"
    gc.collect()
    with PeakRss() as meter:
        idle = meter.rss()
        started, cpu_started = time.perf_counter(), time.process_time()
        if mode == "job":
            job_execute(job.pk)
        elif mode == "bare":
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("需求")
            for number, row in enumerate(rows, start=1):
                ws.append([number, *row])
            wb.save(target)
        else:
            wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
            ws = wb.add_worksheet("需求")
            for r, row in enumerate(rows):
                ws.write_row(r, 0, [r + 1, *(float(v) if not isinstance(v, str) else v for v in row)])
            wb.close()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # cpu: this process's user+sys seconds (the job's database server time not included): on a loaded
    # shared machine the wall time follows the other processes, the CPU time much less
    result = {"mode": mode, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "idle_mb": round(idle / 2**20, 1),
              "peak_mb": round(meter.peak / 2**20, 1), "above_idle_mb": round((meter.peak - idle) / 2**20, 1)}
    if job is not None:
        job.refresh_from_db()
        result.update(status=job.status, rows=job.total, message=job.message,
                      size_mb=round(job.result_file.size / 2**20, 1) if job.result_file else 0)
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
    else:
        result.update(rows=len(rows), size_mb=round(target.stat().st_size / 2**20, 1))
        target.unlink()
    return result


def measure(mode: str, campaign_id: int) -> dict:
    output = subprocess.run([sys.executable, "-m", "bench", "aid_national", "--child", mode,
                             "--campaign", str(campaign_id)], cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise SystemExit(f"{mode} 测量失败：\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench aid_national")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reseed", action="store_true", help="delete and regenerate the rows")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each figure is the best round (a shared "
                                                                "2-core machine is noisy)")
    parser.add_argument("--child", choices=["job", "bare", "xlsxwriter"], help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.campaign), ensure_ascii=False))
        return 0
    setup_django()
    campaign = seed(args.rows, args.reseed)
    modes = ("bare", "xlsxwriter", "job")
    rounds = {mode: [] for mode in modes}
    for _ in range(args.repeat):  # interleaved, so a busy moment does not hit one mode only
        for mode in modes:
            rounds[mode].append(measure(mode, campaign.pk))
    results = {}
    for mode in modes:
        results[mode] = min(rounds[mode], key=lambda r: r["seconds"])
        results[mode]["above_idle_mb"] = max(r["above_idle_mb"] for r in rounds[mode])  # memory: the worst round
        results[mode]["all_seconds"] = [r["seconds"] for r in rounds[mode]]
        results[mode]["all_cpu"] = [r["cpu_s"] for r in rounds[mode]]
        results[mode]["best_cpu"] = min(results[mode]["all_cpu"])
    job, bare, fast = results["job"], results["bare"], results["xlsxwriter"]
    if job.get("status") != "succeeded":
        raise SystemExit(f"任务失败：{job.get('message')}")
    print(f"全国需求汇总 {job['rows']} 行（{sys.platform}, {os.cpu_count()} 核；{args.repeat} 轮取最快，内存取最高）")
    print(f"{'方式':<24}{'用时(秒)':>10}{'空闲RSS(MB)':>14}{'峰值RSS(MB)':>14}{'高出空闲(MB)':>14}{'文件(MB)':>10}")
    for mode, label in (("bare", "openpyxl 只写模式（裸）"), ("xlsxwriter", "xlsxwriter 常量内存"),
                        ("job", "aid_national_need 任务")):
        r = results[mode]
        print(f"{label:<24}{r['seconds']:>10}{r['idle_mb']:>14}{r['peak_mb']:>14}{r['above_idle_mb']:>14}"
              f"{r['size_mb']:>10}   各轮：{r['all_seconds']}  CPU（秒）：{r['all_cpu']}")
    ratio = job["seconds"] / fast["seconds"]
    print(f"任务/xlsxwriter 常量内存裸写 = {ratio:.2f}×（目标 ≤ 1.2×）{'✓' if ratio <= 1.2 else '✗'}；"
          f"任务/openpyxl 裸写 = {job['seconds'] / bare['seconds']:.2f}×；"
          f"CPU 时间之比 = {job['best_cpu'] / fast['best_cpu']:.2f}×（最少 CPU 之比，不含数据库服务器）；"
          f"内存高出空闲 {job['above_idle_mb']} MB（目标 ≤ 60 MB）{'✓' if job['above_idle_mb'] <= 60 else '✗'}")
    return 0 if ratio <= 1.2 and job["above_idle_mb"] <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
