# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""CODE env = checkout; argv: N repetitions, then pages. Prints per-page CPU ms (best and median), optional profile."""
import cProfile
import os
import statistics
import sys
import time

os.environ.pop("TEST_DB_NAME", None)
import django

django.setup()
from django.test import Client

from portal.models import User

user = User.objects.get(username=os.environ.get("PROF_USER", "xz_staff"))
c = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
c.force_login(user)
if user.requires_second_factor:  # ministry staff and the administrators: the TOTP step passed, as bench/load.py does
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="基准测试", confirmed=True))
    session = c.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
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
