# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
import pickle
import re
import sys

users = sys.argv[1:]
tok = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]*"')
n = same = 0
for u in users:
    a=pickle.load(open(f"/tmp/i17b/a-{u}.pkl","rb")); b=pickle.load(open(f"/tmp/i17b/b-{u}.pkl","rb"))
    for p in a:
        n += 1
        ok = tok.sub(rb"\1T\"", a[p]) == tok.sub(rb"\1T\"", b[p])
        same += ok
        if not ok: print("DIFFERENT", u, p)
print(f"{same}/{n} pages identical apart from the per-request CSRF token / CSP nonce")
