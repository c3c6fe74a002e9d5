"""Upload of a need list (issue 3): preview and commit of a 10,000-row attachment 2.

    .venv/bin/python -m bench aid_upload [--rows 10000] [--repeat 3]

Writes a valid need list of 西藏 in attachment 2's form (``bench.aid_upload_data``), then, in the
bench database (``portal_bench``), runs what the upload page runs: ``upload_preview`` (size/zip/macro
checks, SHA-256, read-only parse, every rule on every row, the preview saved as one row) and
``upload_commit`` (all rows in one transaction).  Each run uses a fresh list.

Memory: Python's peak allocation (tracemalloc) during the preview, measured at 1/5 of the rows and at
the full count, against the size of the parsed rows themselves (their JSON): the reader must not
hold more than the rows it returns.  Side by side, in the same run: reading the same file's values alone
with openpyxl read-only and with python-calamine (the floors).  Targets: preview < 1 s median (issue 11),
commit < 3 s.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path


def run(rows: int, repeat: int) -> dict:
    from aid_projects import services
    from aid_projects.choices import ListKind
    from aid_projects.models import AidList, Campaign
    from bench.aid_upload_data import make_need_workbook
    from portal.models import Authority, User

    tibet = Authority.objects.get(code="540000")
    user, _ = User.objects.get_or_create(username="bench_xz", defaults={"authority": tibet})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "need.xlsx"
        make_need_workbook(path, rows, "540000")
        data = path.read_bytes()
    previews, commits, preview_cpu = [], [], []
    for i in range(repeat):
        campaign, _ = Campaign.objects.get_or_create(
            name=f"基准测试：上传 {time.time_ns()}-{i}",
            defaults={"year": 2099, "liaison_due": "2099-06-30", "need_due": "2099-07-05", "supply_due": "2099-07-31"})
        aid_list = AidList.objects.create(campaign=campaign, authority=tibet, kind=ListKind.NEED)
        started, cpu_started = time.perf_counter(), time.process_time()
        upload = services.upload_preview(aid_list=aid_list, fileobj=io.BytesIO(data), filename="need.xlsx",
                                         size=len(data), user=user)
        previews.append(time.perf_counter() - started)
        preview_cpu.append(time.process_time() - cpu_started)
        assert upload.error_count == 0 and upload.row_count == rows, (upload.error_count, upload.rows[:2])
        started = time.perf_counter()
        added = services.upload_commit(upload=upload, user=user)
        commits.append(time.perf_counter() - started)
        assert added == rows
    return {"rows": rows, "bytes": len(data), "preview_s": previews, "preview_cpu_s": preview_cpu,
            "commit_s": commits, "data": data}


def bare_reads(data: bytes, repeat: int) -> dict:
    """The floors, in the same run: reading the same file's values with openpyxl read-only and with
    python-calamine, nothing else (no checks, no rules, no database)."""
    import openpyxl
    import python_calamine

    def read_openpyxl():
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return n

    def read_calamine():
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        n = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())
        wb.close()
        return n

    times = {"openpyxl": [], "calamine": []}
    for _ in range(repeat):
        for name, read in (("openpyxl", read_openpyxl), ("calamine", read_calamine)):
            started = time.perf_counter()
            read()
            times[name].append(time.perf_counter() - started)
    return times


def preview_memory(data: bytes, rows: int) -> dict:
    """Peak Python allocation while parsing (no database), and the size of what the parse returns."""
    from aid_projects.reader import check_container, parse_workbook

    tracemalloc.start()
    check_container(io.BytesIO(data), len(data))
    parsed = parse_workbook(io.BytesIO(data), kind="need", province_code="540000")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows_json = len(json.dumps([r.as_json() for r in parsed], ensure_ascii=False).encode())
    return {"rows": rows, "peak_mb": peak / 2**20, "rows_json_mb": rows_json / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench.aid_national import setup_django

    setup_django()
    result = run(args.rows, args.repeat)
    small = run(args.rows // 5, 1)
    memory = [preview_memory(small["data"], small["rows"]), preview_memory(result["data"], result["rows"])]
    floors = bare_reads(result["data"], args.repeat)
    print(f"{args.rows} 行需求清单（{result['bytes'] / 2**20:.2f} MB）")
    print(f"  预览：中位数 {statistics.median(result['preview_s']):.2f} s，最慢 {max(result['preview_s']):.2f} s"
          f"（{len(result['preview_s'])} 次）；本进程 CPU 中位数 {statistics.median(result['preview_cpu_s']):.2f} s"
          "（不含数据库服务器；机器繁忙时墙钟时间随负载变化，CPU 时间基本不变）")
    for name, times in floors.items():
        print(f"  对照：{name} 只读取数值 中位数 {statistics.median(times):.2f} s")
    print(f"  导入：中位数 {statistics.median(result['commit_s']):.2f} s，最慢 {max(result['commit_s']):.2f} s")
    for m in memory:
        print(f"  解析 {m['rows']} 行：Python 内存峰值 {m['peak_mb']:.1f} MB，解析结果本身 {m['rows_json_mb']:.1f} MB，"
              f"每行峰值 {m['peak_mb'] * 2**20 / m['rows'] / 1024:.2f} KB")


if __name__ == "__main__":
    main()
