"""The commendation round's stored verdicts (issue 10, point 6) at scale: the verdict job, the round page's query,
and the re-judging a record write does.

    .venv/bin/python -m bench round_verdicts [--orgs 300000] [--database bench_round_verdicts]

Into a database of its own (created and migrated on the portal's server, kept between runs) it loads ``--orgs``
organizations with the register's generator (``registry.generator``, COPY) and, in SQL, a credit history for
each: annual reports 2021–2024 (about 3 % missing or not filed one year), a 2022 penalty for 1 %, a 4A rating
for 5 %, an open 活动异常名录 entry for 1 %.  Then it measures, printing wall and this process's CPU seconds:

- ``job``: ``verdicts_compute`` over the whole register (what the job the round's opening starts runs), and over
  the largest province alone (a province's 重新核算);
- ``page``: the round page's verdict query for that province — a keyset page of 50 and the estimated count —
  unfiltered, excluded by one criterion, and 4A+ only (p95 of 20);
- ``write``: ``verdicts_refresh`` of one organization in its own transaction (what a record's write adds).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time


def seed(count: int) -> None:
    from django.db import connection, transaction

    from registry.generator import copy_organizations, organization_rows
    from registry.models import Organization

    have = Organization.objects.count()
    if have < count:
        started = time.monotonic()
        done = have
        while done < count:
            n = min(100_000, count - done)
            with transaction.atomic():
                copy_organizations(organization_rows(n, seed=7 + done, start=done))
            done += n
        print(f"生成社会组织 {count - have:,} 个：{time.monotonic() - started:.0f} 秒")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_annualinspection")
        if cursor.fetchone()[0]:
            return
        started = time.monotonic()
        cursor.execute("""
            INSERT INTO registry_annualinspection (organization_id, created_at, year, kind, result, note)
            SELECT o.id, now(), y, 'report',
                   CASE WHEN o.id % 67 = 0 AND y = 2023 THEN 'absent' ELSE 'passed' END, ''
            FROM registry_organization o CROSS JOIN generate_series(2021, 2024) y
            WHERE NOT (o.id % 71 = 0 AND y = 2022)""")
        cursor.execute("""
            INSERT INTO registry_penalty (organization_id, created_at, decided_on, penalty_type, document_number,
                                          reason)
            SELECT id, now(), DATE '2022-05-01', 'warning', '罚〔2022〕' || id || '号', '' FROM registry_organization
            WHERE id % 100 = 3""")
        cursor.execute("""
            INSERT INTO registry_evaluation (organization_id, created_at, grade, rated_on, expires_on, document_number)
            SELECT id, now(), 4, DATE '2023-03-01', DATE '2028-03-01', ''
            FROM registry_organization WHERE id % 20 = 7""")
        cursor.execute("""
            INSERT INTO registry_creditlistentry (organization_id, created_at, list_kind, entered_on, ground,
                                                  removal_reason)
            SELECT id, now(), 'abnormal', DATE '2024-09-01', '未按规定报送年度报告', '' FROM registry_organization
            WHERE id % 100 = 11""")
        cursor.execute("ANALYZE")
        print(f"生成信用记录：{time.monotonic() - started:.0f} 秒")


def timed(func, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=300_000)
    parser.add_argument("--database", default="bench_round_verdicts")
    args = parser.parse_args()
    os.environ["DATABASE_NAME_OVERRIDE"] = args.database
    from bench.aid_national import setup_django

    setup_django(args.database)
    from django.db import connection, transaction
    from django.db.models import Count

    from registry import commendation
    from registry.models import CommendationRound, Organization, RoundVerdict
    from registry.pagination import estimated_count, keyset_page

    seed(args.orgs)
    total = Organization.objects.count()
    province = (Organization.objects.exclude(province_code="00").values("province_code")
                .annotate(n=Count("id")).order_by("-n").first())
    round_, _ = CommendationRound.objects.get_or_create(title="基准测试评选",
                                                        defaults={"reference_date": datetime.date(2025, 6, 30)})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_size_pretty(pg_database_size('{args.database}'))")
        print(f"社会组织 {total:,} 个；最大省份 {province['province_code']}：{province['n']:,} 个；"
              f"数据库 {cursor.fetchone()[0]}；load average {os.getloadavg()[0]:.1f}")

    counts, wall, cpu = timed(commendation.verdicts_compute, round_)
    print(f"job（全国）：{counts['total']:,} 个，{wall:.1f} s（本进程 CPU {cpu:.1f} s），"
          f"每千个 {wall / total * 1000:.2f} s；符合 {counts['eligible']:,}，4A+ {counts['preferred']:,}")
    counts, wall, cpu = timed(commendation.verdicts_compute, round_, province=province["province_code"])
    print(f"job（一省）：{counts['total']:,} 个，{wall:.1f} s（本进程 CPU {cpu:.1f} s）")

    base = (RoundVerdict.objects.filter(round=round_, province_code=province["province_code"])
            .select_related("authority"))
    excluded = base.filter(eligible=False, criteria__contains=["inspection"])
    for label, qs in (("全部", base), ("不符合·年检年报", excluded), ("4A+", base.filter(preferred=True))):
        samples = []
        for _ in range(20):
            started = time.perf_counter()
            page = keyset_page(qs)
            count = estimated_count(qs)
            samples.append(time.perf_counter() - started)
        later = []
        for _ in range(20):
            started = time.perf_counter()
            keyset_page(qs, cursor=page.next_cursor)
            later.append(time.perf_counter() - started)
        print(f"page（{label}）：{len(page.rows)} 行，共 {count}，p95 {p95(samples) * 1000:.1f} ms，"
              f"第二页 p95 {p95(later) * 1000:.1f} ms")

    ids = list(Organization.objects.order_by("?").values_list("id", flat=True)[:20])
    samples = []
    for pk in ids:
        started = time.perf_counter()
        with transaction.atomic():
            commendation.verdicts_refresh([pk])
        samples.append(time.perf_counter() - started)
    print(f"write（一个社会组织重新判断，1 个评选）：中位数 {statistics.median(samples) * 1000:.1f} ms，"
          f"p95 {p95(samples) * 1000:.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('registry_roundverdict'))")
        print(f"registry_roundverdict（含索引）：{cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
