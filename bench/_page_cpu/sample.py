# ruff: noqa  (a measurement helper of issue 17; see docs/BENCHMARKS.md)
"""A sampling profile of pages through the test client: SIGPROF every 0.5 ms of CPU, the Python stack at each
tick.  cProfile's per-call overhead makes small functions look ten times their cost; samples do not.
argv: N pages…  Prints the share of samples in which each function is on the stack (inclusive) and on top (self)."""
import collections
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import logged_in_client

c = logged_in_client()
n = int(sys.argv[1]); pages = sys.argv[2:]
for page in pages:
    assert c.get(page, secure=True).status_code == 200, page
inclusive = collections.Counter(); own = collections.Counter(); total = [0]
focus = os.environ.get("FOCUS"); below = collections.Counter()  # FOCUS=portal/table_render.py:render_thead:412
DEPTH = int(os.environ.get("DEPTH") or 8); below_path = ()
import re
collapse = re.compile(os.environ["COLLAPSE"]) if os.environ.get("COLLAPSE") else None  # frames left out of the tree
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def name(frame):
    code = frame.f_code
    path = code.co_filename.replace(root + "/", "").replace(".venv/lib/python3.11/site-packages/", "")
    return f"{path}:{code.co_name}:{code.co_firstlineno}"


def tick(signum, frame):
    total[0] += 1
    seen = set()
    own[name(frame)] += 1
    chain = []
    while frame is not None:
        key = name(frame)
        if key not in seen:
            seen.add(key); inclusive[key] += 1
        if focus and key == focus:  # the outermost call of it: the path below it, DEPTH frames deep
            below_path = tuple(reversed(chain))[:DEPTH]
        if not (collapse and collapse.search(key)):
            chain.append(key)
        frame = frame.f_back
    if focus and focus in seen:
        for i in range(len(below_path) + 1):
            below[below_path[:i]] += 1


import time
signal.signal(signal.SIGPROF, tick)
cpu = time.process_time()
signal.setitimer(signal.ITIMER_PROF, 0.0005, 0.0005)
for i in range(n):
    for page in pages:
        c.get(page, secure=True)
signal.setitimer(signal.ITIMER_PROF, 0, 0)
cpu = time.process_time() - cpu
t = total[0]
print(f"{t} samples, {cpu * 1000 / n / len(pages):.2f} ms CPU a request (the kernel's tick limits the rate)")
top = int(os.environ.get("TOP") or 60)
print("inclusive %:")
for key, count in inclusive.most_common(top):
    print(f"  {100 * count / t:5.1f}  {key}")
if focus:
    print(f"below {focus} (% of all samples; a tree, 0.5 % and up):")

    def show(path):
        kids = sorted((k for k in below if len(k) == len(path) + 1 and k[:len(path)] == path), key=lambda k: -below[k])
        for k in kids:
            if 100 * below[k] / t >= 0.5:
                print(f"  {100 * below[k] / t:5.1f}  {'  ' * len(path)}{k[-1]}")
                show(k)
    print(f"  {100 * below[()] / t:5.1f}  {focus}")
    show(())
print("self %:")
for key, count in own.most_common(25):
    print(f"  {100 * count / t:5.1f}  {key}")
