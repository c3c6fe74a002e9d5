"""Register benchmark: search and name check at 1,000,000 organizations.

    python -m bench registry_search [--count 1000000] [--runs 40] [--fresh]

Builds (once; ``--fresh`` rebuilds) a database ``bench_registry`` on the portal's PostgreSQL with
``generate_organizations`` (COPY, indexes dropped and rebuilt, each build timed), then times through the
full Django stack (test client: middleware, session, permissions, filterset, template), with the bare
SQL of the same page query measured beside it in the same run:

- a common two-character term (协会), a rare two-character term (古琴), a rare four-character term
  (古琴艺术) and a credit code, each unfiltered and filtered by province, page of 50;
- page 1 and page 10,000 (by keyset cursor) of a filtered list (登记状态 正常);
- the public register query page (no login) for the same terms, and an organization's public page;
- the name check (page and service) for registered, near, reserved and unknown names.

Targets (issue 10): search p95 < 50 ms; page 10,000 within 2× of page 1; name check p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("TEST_DB_NAME", "bench_registry")


def setup_database(fresh: bool):
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not fresh, serialize=False)
    from tests.factories import ensure_reference

    ensure_reference()


def build_data(count: int):
    from django.core.management import call_command

    from registry.models import Organization

    have = Organization.objects.count()
    if have >= count:
        print(f"数据已存在：社会组织 {have:,} 个（--fresh 重建）")
        return
    call_command("generate_organizations", count=count - have, rebuild_indexes=True)


def p95(times):
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def timed(fn, runs):
    for _ in range(3):
        result = fn()
        for response in result if isinstance(result, list) else [result]:
            status = getattr(response, "status_code", 200)
            if status != 200:  # a refused or failed page is fast: never time one
                raise SystemExit(f"{response.request['PATH_INFO']} 返回 {status}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(times), "p95": p95(times), "max": max(times)}


def page_sql(params: dict):
    """The SQL the list page runs for ``params``: the keyset page and the capped count."""
    from registry.filtersets import OrganizationFilterSet
    from registry.pagination import EXACT_UP_TO, PAGE_SIZE
    from registry.views import ORG_QS

    qs = OrganizationFilterSet(params, queryset=ORG_QS).qs
    page = qs.order_by("name", "id")[: PAGE_SIZE + 1]
    # the capped count as registry.pagination.estimated_count sends it (along the page's order for a province)
    counted = qs.order_by("name", "id") if params.get("province") else qs.order_by()
    count_sql, count_params = counted[: EXACT_UP_TO + 1].query.sql_with_params()
    return [page.query.sql_with_params(), (f"SELECT COUNT(*) FROM ({count_sql}) capped", count_params)], qs


def bare(statements, runs):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return timed(run, runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    setup_database(args.fresh)
    build_data(args.count)
    if args.generate_only:
        return
    from django.db import connection
    from django.test import Client

    from portal.models import Authority
    from registry.models import Organization
    from registry.namecheck import name_check
    from registry.pagination import encode_cursor, estimated_count
    from tests.factories import make_user

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_organization")
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(" on ")[0], f"— {Organization.objects.count():,} 个社会组织")
    hebei = Authority.objects.get(code="130000")
    user = make_user("bench_hebei", "130000", "省级工作人员")
    client = Client()
    client.force_login(user)
    code = Organization.objects.filter(authority__code__startswith="13").values_list("credit_code", flat=True)[7]
    terms = [("常见两字 协会", "协会"), ("罕见两字 古琴", "古琴"), ("罕见四字 古琴艺术", "古琴艺术"),
             ("信用代码", code)]
    print(f"\n{'查询':<22}{'范围':<8}{'行数':>10}{'页面 p50':>10}{'页面 p95':>10}{'SQL p50':>9}{'SQL p95':>9}")
    for label, term in terms:
        for scope, extra in (("全国", {}), ("河北省", {"province": hebei.pk})):
            params = {"q": term, **extra}
            statements, qs = page_sql(params)
            django_t = timed(lambda p=params: client.get("/registry/organizations/", p), args.runs)
            sql_t = bare(statements, args.runs)
            rows = estimated_count(qs)
            print(f"{label:<20}{scope:<8}{rows!s:>12}{django_t['p50']:>10.1f}{django_t['p95']:>10.1f}"
                  f"{sql_t['p50']:>9.1f}{sql_t['p95']:>9.1f}")

    # the public register query (no login): the same terms, unfiltered, through the public page; the
    # per-client rate limit raised for the run (a bench client is one address)
    from django.conf import settings

    settings.REGISTRY_PUBLIC_RATE = "1000000/m"
    public = Client()
    print(f"\n{'公开查询页面':<22}{'':<8}{'':>10}{'页面 p50':>10}{'页面 p95':>10}")
    for label, term in terms:
        for scope, extra in (("全国", {}), ("河北省", {"province": hebei.pk})):
            t = timed(lambda p={"q": term, **extra}: public.get("/registry/public/", p), args.runs)
            print(f"{label:<20}{scope:<8}{'':>12}{t['p50']:>10.1f}{t['p95']:>10.1f}")
    org_pk = Organization.objects.filter(credit_code=code).values_list("pk", flat=True)[0]
    t = timed(lambda: public.get(f"/registry/public/{org_pk}/"), args.runs)
    print(f"{'公开组织页面':<20}{'':<8}{'':>12}{t['p50']:>10.1f}{t['p95']:>10.1f}")

    # deep pages: page 1 and page 10,000 of the organizations in 正常 status (keyset cursor of row 499,950)
    params = {"status": "normal"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id FROM registry_organization WHERE status = 'normal' "
                       "ORDER BY name, id OFFSET 499949 LIMIT 1")
        last = cursor.fetchone()
    cursor_token = encode_cursor([last[0], last[1]])
    first = timed(lambda: client.get("/registry/organizations/", params), args.runs)
    deep = timed(lambda: client.get("/registry/organizations/", {**params, "cursor": cursor_token}), args.runs)
    print(f"\n登记状态正常的列表 第 1 页 p50 {first['p50']:.1f} / p95 {first['p95']:.1f} ms；"
          f"第 10,000 页 p50 {deep['p50']:.1f} / p95 {deep['p95']:.1f} ms（{deep['p95'] / first['p95']:.2f}×）")

    # name check: a registered name, a near one, a reserved-word name, an unknown one
    sample = Organization.objects.filter(authority__code="130100").values_list("name", flat=True)[3]
    # registered; the same name in full-width brackets and spaces (near); a reserved word; unknown
    near = sample[:3] + " " + sample[3:-1] + "（筹）"
    names = [sample, near, "中华古琴艺术促进会", "青藏高原冰川摄影爱好者联谊会"]
    service = timed(lambda: [name_check(n) for n in names], args.runs)
    page = timed(lambda: [client.get("/registry/name-check/", {"name": n}) for n in names], args.runs)
    print(f"\n名称核查（每次 {len(names)} 个名称，下面为单个名称的平均）："
          f"服务 p95 {service['p95'] / len(names):.1f} ms，页面 p95 {page['p95'] / len(names):.1f} ms")
    for n in names:
        t = timed(lambda n=n: client.get("/registry/name-check/", {"name": n}), args.runs)
        print(f"  {n:<24} 页面 p50 {t['p50']:.1f} / p95 {t['p95']:.1f} ms")
    with connection.cursor() as cursor:
        for index in ("organization_bigrams", "organization_key_trgm", "organization_name_id",
                      "organization_province_name_id", "organization_registered_id"):
            cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass))", [index])
            print(f"索引 {index}：{cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
