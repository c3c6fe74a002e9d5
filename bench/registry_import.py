"""Bulk import of organizations (issue 10 point 5): preview and commit of an N-row workbook.

    .venv/bin/python -m bench registry_import [--rows 5000] [--repeat 2]

Writes N valid organizations of 浙江 (the province and its prefectures, codes unique per run) in the
import spec's columns (``registry.sheets``), then runs in the bench database (``portal_bench``) what the
import page runs: ``import_preview`` (the aid reader's file checks, one ``OrganizationForm`` per row, one
query for the registered codes) and ``import_commit`` (every row checked again, ``bulk_create``, one audit
rows per organization in one chained insert).  Prints seconds per run and per 1,000 rows, and this process's
CPU seconds (the database's own work is the difference).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time


def workbook(rows: int, run_id: int) -> bytes:
    from openpyxl import Workbook

    from portal.models import Authority
    from registry.demo import credit_code
    from registry.sheets import ORGANIZATION_SPEC

    codes = list(Authority.objects.filter(code__startswith="33", level__in=["province", "prefecture"])
                 .values_list("code", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("社会组织")
    ws.append([c.header for c in ORGANIZATION_SPEC.import_columns])
    for i in range(rows):
        authority = codes[i % len(codes)]
        serial = f"B{run_id % 1000:03d}{i:05d}"
        ws.append([credit_code("social_group", authority, serial), f"浙江基准导入第{run_id}批{i}号书画协会", "社会团体",
                   authority, "", "2015-03-01", authority, "杭州市西湖区", "张三", "10", "书画交流", "否"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from bench.aid_national import setup_django

    setup_django()
    from portal.models import Authority, User
    from registry import services

    zj = Authority.objects.get(code="330000")
    user, _ = User.objects.get_or_create(username="bench_zj_import", defaults={"authority": zj})
    previews, commits, preview_cpu, commit_cpu = [], [], [], []
    for _ in range(args.repeat):
        run_id = time.time_ns() // 1000 % 1_000_000
        data = workbook(args.rows, run_id)
        started, cpu = time.perf_counter(), time.process_time()
        run = services.import_preview(actor=user, fileobj=io.BytesIO(data), filename="import.xlsx", size=len(data))
        previews.append(time.perf_counter() - started)
        preview_cpu.append(time.process_time() - cpu)
        assert run.error_count == 0 and run.row_count == args.rows, run.rows[:1]
        started, cpu = time.perf_counter(), time.process_time()
        assert services.import_commit(actor=user, run=run) == args.rows
        commits.append(time.perf_counter() - started)
        commit_cpu.append(time.process_time() - cpu)
    per = 1000 / args.rows
    print(f"{args.rows} 行，{args.repeat} 次：预览中位数 {statistics.median(previews):.2f} s"
          f"（每千行 {statistics.median(previews) * per:.2f} s），"
          f"导入中位数 {statistics.median(commits):.2f} s（每千行 {statistics.median(commits) * per:.2f} s）；"
          f"本进程 CPU：预览 {statistics.median(preview_cpu):.2f} s，导入 {statistics.median(commit_cpu):.2f} s")


if __name__ == "__main__":
    main()
