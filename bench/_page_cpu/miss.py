# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""CODE env = checkout; argv: N repetitions, then pages.  Per page the CPU of a request (median) three ways:
a kept page served (hit), a page read afresh and kept (miss: forget_all() before each, not timed), and the
page with the kept pages switched off (KEPT_PAGES=False): what a miss adds, and what a hit saves."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import logged_in_client
from django.conf import settings
from portal.page_cache import forget_all

c = logged_in_client()
n = int(sys.argv[1]); pages = sys.argv[2:]


def timed(page, before=None):
    times = []
    for _ in range(n):
        if before:
            before()
        t = time.process_time(); r = c.get(page, secure=True); times.append((time.process_time() - t) * 1000)
        assert r.status_code == 200, (page, r.status_code)
    return statistics.median(times)


for page in pages:
    settings.KEPT_PAGES = True
    c.get(page, secure=True)
    hit = timed(page)
    miss = timed(page, forget_all)
    settings.KEPT_PAGES = False
    off = timed(page)
    settings.KEPT_PAGES = True
    print(f"{page:28s} hit {hit:5.2f} ms   miss {miss:5.2f} ms   off {off:5.2f} ms   (CPU medians, n={n})")
