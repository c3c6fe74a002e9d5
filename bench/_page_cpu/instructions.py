# ruff: noqa  (a measurement helper of issue 17; see docs/BENCHMARKS.md, eighth pass)
"""Instructions per request of each page, counted by valgrind's callgrind — the same count for the same code and
data whatever else the host is doing (the load benchmark's figures move by a third with the host's speed).

    bench/_page_cpu/instructions.sh ENVFILE CHECKOUT OUTDIR PAGE…   # PROF_USER as run.sh; a few minutes
    .venv/bin/python bench/_page_cpu/instructions.py --table OUTDIR_BEFORE OUTDIR_AFTER

Run under callgrind (``--dump-before=time_process_time``): the account logs in, every page is requested
WARM times (the per-process stores filled, the statements prepared), then each page N times, with a call of
``time.process_time()`` before each page — callgrind writes its counts at each such call, so dump k + 1
holds page k's N requests."""
import os
import sys
import time

WARM, N = 8, 10


def measure(pages):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from login import logged_in_client

    client = logged_in_client()
    for page in pages:
        for _ in range(WARM):
            assert client.get(page, secure=True).status_code == 200, page
    for page in pages:
        time.process_time()  # callgrind dumps here: the counts since the last dump
        for _ in range(N):
            client.get(page, secure=True)
    time.process_time()
    with open(os.path.join(os.environ["CALLGRIND_DIR"], "pages"), "w") as out:
        out.write("\n".join(pages))


def totals(path):
    with open(path, errors="replace") as lines:
        for line in lines:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise ValueError(path)


def table(before, after):
    pages = open(os.path.join(before, "pages")).read().split("\n")
    assert pages == open(os.path.join(after, "pages")).read().split("\n")
    rows = []
    for k, page in enumerate(pages, start=2):
        a, b = (totals(os.path.join(d, f"cg.out.{k}")) / N / 1e6 for d in (before, after))
        rows.append((page, a, b))
    print("| page | before (M instructions a request) | after | change |")
    print("|---|---:|---:|---:|")
    for page, a, b in rows:
        print(f"| {page} | {a:.1f} | {b:.1f} | {100 * (b - a) / a:+.1f} % |")
    a, b = (sum(r[i] for r in rows) / len(rows) for i in (1, 2))
    print(f"| mean of the pages | {a:.1f} | {b:.1f} | {100 * (b - a) / a:+.1f} % |")


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2], sys.argv[3])
    else:
        measure(sys.argv[1:])
