# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""CODE env = checkout; argv: N repetitions, then pages. Prints per-page CPU ms (best and median), optional profile."""
import cProfile
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import logged_in_client

c = logged_in_client()
n = int(sys.argv[1]); pages = sys.argv[2:]
prof = os.environ.get("PROF")
pr = cProfile.Profile() if prof else None
bodies = {}
for page in pages:
    times = []; walls = []
    for i in range(n):
        if pr and i == 3: pr.enable()
        t = time.process_time(); w = time.perf_counter(); r = c.get(page, secure=True); times.append((time.process_time() - t) * 1000); walls.append((time.perf_counter() - w) * 1000)
        assert r.status_code == 200, (page, r.status_code)
    if pr: pr.disable()
    times.sort()
    print(f"{page:28s} best {times[0]:6.1f} ms  median {statistics.median(times):6.1f} ms (CPU, n={n})  wall best {min(walls):6.1f} median {statistics.median(walls):6.1f}")
    bodies[page] = r.content
if prof:
    pr.dump_stats(prof)
if os.environ.get("DUMP"):
    import pickle; pickle.dump(bodies, open(os.environ["DUMP"], "wb"))
if os.environ.get("QUERIES"):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    for page in pages:
        with CaptureQueriesContext(connection) as q:
            c.get(page, secure=True)
        print(page, len(q.captured_queries))
        for x in q.captured_queries:
            print("   ", x["time"], x["sql"][:260])
