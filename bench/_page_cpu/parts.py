# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""prof.py's setup, then per request the CPU ms of named parts of a page (inclusive, outermost call, process_time),
the median of N requests: SCRIPT=/abs/bench/_page_cpu/parts.py run.sh ENVFILE CHECKOUT N PAGE… (i17a)."""
import os, statistics, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from login import logged_in_client

c = logged_in_client()
import importlib
acc = {}
depth = {}
def wrap(modname, attr, label):
    mod = importlib.import_module(modname.split(":")[0])
    obj = mod
    path = modname.split(":")[1:] 
    for p in path: obj = getattr(obj, p)
    fn = getattr(obj, attr)
    def w(*a, **k):
        d = depth.get(label, 0); depth[label] = d + 1
        t = time.process_time()
        try: return fn(*a, **k)
        finally:
            depth[label] = d
            if d == 0: acc[label] = acc.get(label, 0) + time.process_time() - t
    setattr(obj, attr, w)
W = [("portal.views.generic:ScopedListView", "get_filterset", "view.get_filterset"),
     ("portal.views.generic:ScopedMixin", "get_queryset", "  scoped get_queryset"),
     ("portal.views.generic:ScopedListView", "get_table", "view.get_table"),
     ("portal.views.generic:ScopedListView", "get_context_data", "view.get_context_data"),
     ("django.template.response:SimpleTemplateResponse", "render", "response.render"),
     ("portal.table_render", "render_tbody", "  render_tbody"),
     ("portal.table_render", "render_thead", "  render_thead"),
     ("portal.filter_form_cache", "render_filter_fields", "  render_filter_fields"),
     ("django.db.models.sql.compiler:SQLCompiler", "as_sql", "sql as_sql"),
     ("django.db.models.sql.compiler:SQLCompiler", "execute_sql", "sql execute_sql"),
     ("django.db.models.query:ModelIterable", "__iter__", "ModelIterable"),
     ("aid_projects.selectors", "with_match_status", "with_match_status"),
     ("django.db.models.sql.query:Query", "get_count", "get_count"),
]
import portal.templatetags.portal_tables, portal.templatetags.portal_tags
for w in W:
    try: wrap(*w)
    except Exception as e: print("no", w, e)
n = int(sys.argv[1]); pages = sys.argv[2:]
for page in pages:
    rows = []
    for i in range(n):
        acc.clear()
        t = time.process_time(); r = c.get(page, secure=True); total = time.process_time() - t
        assert r.status_code == 200, (page, r.status_code)
        acc["TOTAL"] = total
        rows.append(dict(acc))
    print(f"== {os.environ.get('PROF_USER')} {page}")
    for k in ["TOTAL"] + [w[2] for w in W]:
        vals = [r.get(k, 0) * 1000 for r in rows]
        print(f"  {k:28s} median {statistics.median(vals):6.2f} ms")
