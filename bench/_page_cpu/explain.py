# ruff: noqa  (a measurement helper of issue 17; see docs/BENCHMARKS.md, seventh pass)
"""Each statement a page runs (after one request to warm it), with PostgreSQL's planning and execution time:
``SCRIPT=$PWD/bench/_page_cpu/explain.py bench/_page_cpu/run.sh ENVFILE CHECKOUT PAGE…`` (PROF_USER as run.sh).
The session and user reads are left out (every page has them)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import logged_in_client
from django.db import connection
from django.test.utils import CaptureQueriesContext

c = logged_in_client()
for page in sys.argv[1:]:
    c.get(page, secure=True)
    with CaptureQueriesContext(connection) as q:
        c.get(page, secure=True)
    for x in q.captured_queries:
        sql = x["sql"]
        if "django_session" in sql or 'u."id"' in sql:
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [r[0] for r in cur.fetchall()]
        print(page, sql[:200])
        print("   ", *[line for line in plan if line.startswith(("Planning Time", "Execution Time"))])
