"""Crackdown benchmark: 200,000 leads and 50,000 cases in 32 provinces.

    python -m bench crackdown_lists [--fresh] [--runs N]

Builds (once; ``--fresh`` rebuilds) a database ``bench_crackdown`` on the portal's PostgreSQL, then
times through the full Django stack (test client: middleware, session, permissions, templates):

- a provincial user's lead list, filtered (``?status=checking``), 50 a page, first and a deep page;
- the national statistics page (ministry user, the whole year, every province);
- the same list and statistics through the API.

Prints p50/p95/max in milliseconds and the number of SQL queries per request, for a page with few
and with many rows (the query count must not grow with the rows).  Target (issue 4): p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("TEST_DB_NAME", "bench_crackdown")

LEADS = 200_000
CASES = 50_000
BATCH = 10_000


def setup_database(fresh: bool):
    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=not fresh)
    from tests.factories import ensure_reference

    ensure_reference()


def build_data():
    from crackdown.choices import CaseOutcome, CaseStage, Department, LeadSource, LeadStatus, TargetType
    from crackdown.models import Case, CaseReferral, CheckBatch, Lead, LinkedParty, WebsiteShutdown
    from portal.models import Authority, AuthorityLevel

    if Lead.objects.count() >= LEADS and Case.objects.count() >= CASES:
        print(f"数据已存在：线索 {Lead.objects.count()} 条，案件 {Case.objects.count()} 件（--fresh 重建）")
        build_lists(provinces=list(Authority.objects.provinces().order_by("code")), y0=date(2025, 1, 1),
                    rng=random.Random(1))
        return
    rng = random.Random(20250501)
    started = time.monotonic()
    provinces = list(Authority.objects.provinces().order_by("code"))
    assert len(provinces) == 32, len(provinces)
    prefectures = {}
    for a in Authority.objects.filter(level=AuthorityLevel.PREFECTURE).only("id", "code"):
        prefectures.setdefault(a.code[:2], []).append(a)

    def area(province):
        subs = prefectures.get(province.code[:2]) or [province]
        return province if rng.random() < 0.6 else rng.choice(subs)

    words = ["中华", "国际", "全国", "京津冀", "华夏", "世界", "环球", "东方", "燕赵", "江南"]
    kinds = ["国学", "养生", "书画", "易经", "慈善", "乡村振兴", "康养", "孝道", "儒商", "文化"]
    tails = ["促进会", "研究院", "联合会", "总会", "协会", "发展中心", "基金会", "联盟"]
    y0 = date(2025, 1, 1)

    # check batches: 100 per province over the year
    batches = [CheckBatch(number=f"{p.code}-{i}", checked_on=y0 + timedelta(days=rng.randrange(365)), authority=p)
               for p in provinces for i in range(100)]
    CheckBatch.objects.bulk_create(batches, batch_size=BATCH)
    by_province = {}
    for b in CheckBatch.objects.all().only("id", "authority_id"):
        by_province.setdefault(b.authority_id, []).append(b.id)

    statuses = [LeadStatus.PENDING, LeadStatus.CHECKING, LeadStatus.UNFOUNDED, LeadStatus.CONFIRMED,
                LeadStatus.FILED, LeadStatus.TRANSFERRED]
    rows = []
    for n in range(LEADS):
        province = provinces[n % 32]
        status = rng.choice(statuses)
        received = y0 + timedelta(days=rng.randrange(365))
        extra = {}
        if status == LeadStatus.TRANSFERRED:
            extra = {"transfer_department": Department.MARKET, "transfer_date": received}
        rows.append(Lead(
            number=f"XSB{n:08d}", source=rng.choice([LeadSource.PATROL, LeadSource.PUBLIC_REPORT, LeadSource.MINISTRY]),
            org_name=f"{rng.choice(words)}{rng.choice(kinds)}{rng.choice(tails)}{n}", authority=area(province),
            received_on=received, check_due=received + timedelta(days=30), status=status,
            description="批量生成的基准测试线索。",
            batch_id=rng.choice(by_province[province.id]) if rng.random() < 0.3 else None, **extra))
        if len(rows) == BATCH:
            Lead.objects.bulk_create(rows)
            rows = []
    Lead.objects.bulk_create(rows)
    CheckBatch.recount_ids(CheckBatch.objects.values_list("pk", flat=True))
    print(f"线索 {LEADS} 条：{time.monotonic() - started:.0f} 秒")

    stages = [CaseStage.FILING, CaseStage.INVESTIGATION, CaseStage.REPORT, CaseStage.LEGAL_REVIEW,
              CaseStage.NOTICE, CaseStage.DECISION]
    outcomes = {CaseOutcome.BANNED: CaseStage.CLOSED, CaseOutcome.DISSUADED: CaseStage.DISSUADED,
                CaseOutcome.DISSOLVED: CaseStage.DISSOLVED, CaseOutcome.REGISTERED: CaseStage.REGISTERED}
    rows = []
    for n in range(CASES):
        province = provinces[n % 32]
        fields = {"stage": rng.choice(stages)}
        if rng.random() < 0.6:
            outcome = rng.choice(list(outcomes))
            fields = {"stage": outcomes[outcome], "outcome": outcome,
                      "outcome_date": y0 + timedelta(days=rng.randrange(365))}
            if outcome == CaseOutcome.BANNED:
                fields["decision_number"] = f"取字{n}号"
        rows.append(Case(number=f"AJB{n:08d}", org_name=f"案件组织{n}", target_type=TargetType.UNREGISTERED,
                         authority=area(province), **fields))
        if len(rows) == BATCH:
            Case.objects.bulk_create(rows)
            rows = []
    Case.objects.bulk_create(rows)
    banned = list(Case.objects.filter(outcome=CaseOutcome.BANNED).values_list("id", "authority_id")[:20000])
    WebsiteShutdown.objects.bulk_create(
        [WebsiteShutdown(case_id=cid, authority_id=aid, website=f"site{cid}.example", department=Department.TELECOM,
                         shut_on=y0 + timedelta(days=rng.randrange(365))) for cid, aid in banned[:8000]],
        batch_size=BATCH)
    LinkedParty.objects.bulk_create(
        [LinkedParty(case_id=cid, authority_id=aid, kind="person", name=f"人员{cid}", role="venue", action="约谈",
                     handled_on=y0 + timedelta(days=rng.randrange(365))) for cid, aid in banned[8000:14000]],
        batch_size=BATCH)
    # 移送 is a record beside the decision: one referral for every tenth banned case, with a result
    CaseReferral.objects.bulk_create(
        [CaseReferral(case_id=cid, authority_id=aid, department=Department.PUBLIC_SECURITY, matter="移送",
                      referred_on=y0 + timedelta(days=rng.randrange(365)), result_on=y0 + timedelta(days=364),
                      cases_solved=rng.randrange(3), suspects_caught=rng.randrange(4))
         for cid, aid in banned[::10]], batch_size=BATCH)
    print(f"案件 {CASES} 件：{time.monotonic() - started:.0f} 秒")
    build_lists(provinces=provinces, y0=y0, rng=rng)
    print(f"数据生成完成：{time.monotonic() - started:.0f} 秒")


def build_lists(*, provinces, y0, rng):
    from crackdown.choices import ListKind
    from crackdown.models import ListBatch, ListEntry
    from tests.factories import make_user

    if ListBatch.objects.exists():
        return
    approver = make_user("bench_approver", "000000", "部级工作人员")
    for p in provinces:
        for i, kind in enumerate([ListKind.SUSPECTED, ListKind.BANNED, ListKind.SUSPECTED]):
            batch = ListBatch.objects.create(kind=kind, number=f"第{i + 1}批", authority=p, status="published",
                                             published_on=y0 + timedelta(days=30 * (i + 1)), approver=approver)
            ListEntry.objects.bulk_create([ListEntry(batch=batch, name=f"{p.name}名单组织{i}-{j}", province=p)
                                           for j in range(rng.randrange(5, 40))])


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm-up (connection, caches, permissions)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return {"p50": statistics.median(times), "p95": p95, "max": times[-1], "queries": len(queries)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_database(args.fresh)
    build_data()
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics and visibility map (index-only scans)
        for table in ("crackdown_lead", "crackdown_case", "crackdown_checkbatch", "crackdown_websiteshutdown",
                      "crackdown_linkedparty", "crackdown_listbatch", "crackdown_listentry"):
            cursor.execute(f"VACUUM ANALYZE {table}")

    from django.test import Client

    from crackdown.models import Lead
    from tests.factories import make_user

    hebei = make_user("bench_hebei", "130000", "省级工作人员")
    ministry = make_user("bench_ministry", "000000", "部级工作人员")
    visible = Lead.objects.restrict(hebei, "view")
    print(f"河北省可见线索 {visible.count()} 条，其中核查中 {visible.filter(status='checking').count()} 条")
    hb, bu = Client(), Client()
    hb.force_login(hebei)
    bu.force_login(ministry)
    from tests.conftest import verify_second_factor

    verify_second_factor(bu, ministry)  # ministry accounts pass the second factor (TOTP) after the password
    year = "date_from=2025-01-01&date_to=2025-12-31"
    cases = [
        ("省级线索列表（核查中，第1页）", hb, "/crackdown/leads/?status=checking"),
        ("省级线索列表（核查中，第20页）", hb, "/crackdown/leads/?status=checking&page=20"),
        ("省级线索列表（关键词“国学”）", hb, "/crackdown/leads/?q=%E5%9B%BD%E5%AD%A6"),
        ("省级线索列表（筛选出 0 条）", hb, "/crackdown/leads/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8"),
        # issue 10 point 8: the register's bigram/trigram search, over all 200,000 leads (target p95 < 50 ms)
        ("部级线索列表（关键词“国学”）", bu, "/crackdown/leads/?q=%E5%9B%BD%E5%AD%A6"),
        ("部级线索列表（关键词“复兴促进”）", bu, "/crackdown/leads/?q=%E5%A4%8D%E5%85%B4%E4%BF%83%E8%BF%9B"),
        ("部级案件列表（关键词“国学”）", bu, "/crackdown/cases/?q=%E5%9B%BD%E5%AD%A6"),
        ("API 线索列表（部级，关键词“国学”）", bu, "/api/crackdown/leads/?q=%E5%9B%BD%E5%AD%A6"),
        ("全国统计页面（部级，全年）", bu, f"/crackdown/statistics/?{year}"),
        ("省级统计页面（河北，全年）", hb, f"/crackdown/statistics/?{year}"),
        ("API 线索列表（河北，核查中）", hb, "/api/crackdown/leads/?status=checking"),
        ("API 全国统计", bu, f"/api/crackdown/statistics/?{year}"),
    ]
    print(f"\n{'请求':<34}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'查询数':>6}")
    for label, client, url in cases:
        r = measure(client, url, args.runs)
        print(f"{label:<30}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['max']:>8.1f}{r['queries']:>6}")
    print(f"\n每项 {args.runs} 次（另预热 3 次）；目标：p95 < 100 ms，查询数不随行数增长。")


if __name__ == "__main__":
    main()
