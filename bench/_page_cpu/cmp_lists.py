# ruff: noqa  (a measurement helper of issue 17, third pass (i17f), kept as it was run; see docs/BENCHMARKS.md)
"""cmp_lists.py DIR USER…: DIR/a-USER.pkl (before) and DIR/b-USER.pkl (after) of list_pages.py — whole pages apart from
the CSRF token, and the filter forms alone."""
import pickle, re, sys
d, users = sys.argv[1], sys.argv[2:]
tok = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]*"')
form = re.compile(rb'<form method="get" class="row g-2 align-items-end filter-form mb-3">.*?</form>', re.S)
n = same = forms = forms_same = 0
for u in users:
    a = pickle.load(open(f"{d}/a-{u}.pkl", "rb")); b = pickle.load(open(f"{d}/b-{u}.pkl", "rb"))
    assert set(a) == set(b), (u, set(a) ^ set(b))
    for p in a:
        n += 1
        ok = tok.sub(rb'\1T"', a[p]) == tok.sub(rb'\1T"', b[p])
        same += ok
        if not ok: print("DIFFERENT", u, p)
        fa, fb = form.findall(a[p]), form.findall(b[p])
        if fa or fb:
            forms += 1; forms_same += fa == fb
            if fa != fb: print("FORM DIFFERENT", u, p)
print(f"{same}/{n} pages identical apart from the per-request CSRF token; {forms_same}/{forms} filter forms identical")
