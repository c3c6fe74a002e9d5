"""Statistics against hand-counted fixtures; the Excel export on the real Celery worker."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from crackdown.choices import CaseOutcome, CaseStage, LinkedPartyKind, ListKind, TargetType
from crackdown.models import (
    Case,
    CaseConfiscation,
    CaseReferral,
    CheckBatch,
    Lead,
    LinkedParty,
    ListBatch,
    ListEntry,
    WebsiteShutdown,
)
from crackdown.selectors import TALLY_KEYS, crackdown_statistics
from portal.jobs import job_start
from portal.models import Authority, JobStatus
from tests.conftest import wait_for_job

SEQ = count(1)
Y2025 = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}


def lead(authority, batch=None):
    n = next(SEQ)
    return Lead.objects.create(number=f"T{n}", source="patrol", org_name=f"组织{n}", authority=authority,
                               received_on=date(2025, 1, 1), batch=batch)


def case(authority, outcome, when, **fields):
    n = next(SEQ)
    stage = fields.pop("stage", None) or {CaseOutcome.BANNED: CaseStage.CLOSED}.get(outcome, outcome)
    if outcome == CaseOutcome.BANNED:
        fields.setdefault("decision_number", f"取字{n}号")
    return Case.objects.create(number=f"C{n}", org_name=f"案件组织{n}", target_type=TargetType.UNREGISTERED,
                               authority=authority, stage=stage, outcome=outcome, outcome_date=when, **fields)


def referral(of_case, referred_on, **result):
    return CaseReferral.objects.create(case=of_case, authority=of_case.authority, department="public_security",
                                       referred_on=referred_on, matter="涉嫌诈骗", **result)


def confiscation(of_case, amount):
    return CaseConfiscation.objects.create(case=of_case, authority=of_case.authority, description="会费收入",
                                           amount=Decimal(amount), decided_on=of_case.outcome_date)


def list_batch(authority, kind, published_on, names, withdrawn=(), user=None):
    batch = ListBatch.objects.create(kind=kind, number=f"第{next(SEQ)}批", authority=authority,
                                     status="published" if published_on else "draft", published_on=published_on,
                                     approver=user if published_on else None)
    province = Authority.objects.get(code=authority.code[:2] + "0000") if not authority.is_ministry else authority
    for name in names:
        ListEntry.objects.create(batch=batch, name=name, province=province, withdrawn=name in withdrawn,
                                 withdrawn_reason="误列" if name in withdrawn else "",
                                 withdrawn_by=user if name in withdrawn else None,
                                 withdrawn_at="2025-05-01T00:00:00+08:00" if name in withdrawn else None)
    return batch


@pytest.fixture
def figures(authority, ministry_staff):
    """Hand-counted: what each province did in 2025 (and a little outside the period, not counted)."""
    hb, sjz, zj, bu = authority("130000"), authority("130100"), authority("330000"), authority("000000")
    # 排查: 河北 2 batches in 2025 (one by 石家庄市) with 3 + 1 leads; one 2024 batch not counted
    b1 = CheckBatch.objects.create(number="冀1", checked_on=date(2025, 3, 1), authority=hb)
    b2 = CheckBatch.objects.create(number="石1", checked_on=date(2025, 5, 1), authority=sjz)
    b_old = CheckBatch.objects.create(number="冀0", checked_on=date(2024, 12, 31), authority=hb)
    for batch, n in ((b1, 3), (b2, 1), (b_old, 2)):
        for _ in range(n):
            lead(batch.authority, batch)
    lead(hb)  # not in any batch: not a checked lead
    zb = CheckBatch.objects.create(number="浙1", checked_on=date(2025, 2, 1), authority=zj)
    lead(zj, zb), lead(zj, zb)
    # lists: 河北 exposes 3 (one withdrawn) and bans 1; a draft is not counted; 浙江 exposes 2
    list_batch(hb, ListKind.SUSPECTED, date(2025, 4, 1), ["甲", "乙", "丙"], withdrawn=["丙"], user=ministry_staff)
    list_batch(hb, ListKind.BANNED, date(2025, 6, 1), ["丁"], user=ministry_staff)
    list_batch(hb, ListKind.BANNED, None, ["戊"])
    list_batch(zj, ListKind.SUSPECTED, date(2025, 7, 1), ["己", "庚"], user=ministry_staff)
    list_batch(bu, ListKind.BANNED, date(2025, 8, 1), ["辛", "壬", "癸"], user=ministry_staff)
    # outcomes
    banned = case(hb, CaseOutcome.BANNED, date(2025, 6, 1))
    banned_sjz = case(sjz, CaseOutcome.BANNED, date(2025, 6, 2))
    banned_old = case(hb, CaseOutcome.BANNED, date(2024, 6, 1))  # outside
    case(hb, CaseOutcome.DISSUADED, date(2025, 2, 1)), case(hb, CaseOutcome.DISSUADED, date(2025, 3, 1))
    case(hb, CaseOutcome.DISSOLVED, date(2025, 3, 1))
    case(hb, CaseOutcome.REGISTERED, date(2025, 3, 1))
    withdrawn = case(hb, CaseOutcome.WITHDRAWN, date(2025, 4, 1))  # 撤案 is not an outcome the seeds count
    # 移送 beside the decision: counted by the referral's date; results by the date they were reported
    referral(banned, date(2025, 3, 20), result_on=date(2025, 4, 1), cases_solved=3, suspects_caught=2)
    referral(banned_sjz, date(2025, 4, 2), result_on=date(2025, 4, 20), cases_solved=1)
    referral(withdrawn, date(2025, 4, 1), result_on=date(2026, 1, 10), cases_solved=5, suspects_caught=5)
    referral(banned_old, date(2024, 5, 1), result_on=date(2024, 6, 1), cases_solved=7)  # outside
    # 没收非法财产, on the ban decision's date: 10 000.50 + 5 000 in 2025; 2024's not counted
    confiscation(banned, "10000.50"), confiscation(banned_sjz, "5000.00"), confiscation(banned_old, "99999.00")
    # the case clock: overdue is a deadline in the period passed without a decision by it
    case(hb, "", None, deadline=date(2025, 3, 1), stage=CaseStage.INVESTIGATION)  # overdue, still open
    case(hb, CaseOutcome.DISSOLVED, date(2025, 6, 1), deadline=date(2025, 5, 1))  # overdue, decided late
    case(hb, CaseOutcome.DISSOLVED, date(2024, 4, 1), deadline=date(2025, 5, 1))  # decided in time
    case(hb, "", None, deadline=date(2025, 2, 1), stage=CaseStage.NOTICE,
         suspended_since=date(2025, 1, 15))  # suspended: the clock stands still
    case(hb, "", None, deadline=date(2024, 12, 1), stage=CaseStage.REPORT)  # overdue in 2024, not 2025
    Case.objects.create(number="OPEN", org_name="在办", target_type="unregistered", authority=hb,
                        stage=CaseStage.INVESTIGATION)
    case(zj, CaseOutcome.DISSUADED, date(2025, 9, 1))
    case(bu, CaseOutcome.BANNED, date(2025, 9, 1))
    for site, day in (("a.cn", date(2025, 6, 3)), ("b.cn", date(2025, 6, 4)), ("c.cn", date(2024, 6, 4))):
        WebsiteShutdown.objects.create(case=banned, authority=banned.authority, website=site, department="telecom",
                                       shut_on=day)
    LinkedParty.objects.create(case=banned, authority=banned.authority, kind=LinkedPartyKind.PERSON, name="某人",
                               role="venue", action="约谈", handled_on=date(2025, 6, 5))
    CheckBatch.recount_ids(CheckBatch.objects.values_list("pk", flat=True))


HEBEI = {"check_batches": 2, "checked_leads": 4, "exposure_batches": 1, "exposed_orgs": 2, "ban_batches": 1,
         "ban_listed_orgs": 1, "banned": 2, "dissuaded": 2, "dissolved": 2, "registered": 1,
         "confiscated_amount": Decimal("15000.50"), "referrals": 3, "cases_solved": 4, "suspects_caught": 2,
         "overdue_cases": 2, "websites_shut": 2, "linked_handled": 1}
ZHEJIANG = {"check_batches": 1, "checked_leads": 2, "exposure_batches": 1, "exposed_orgs": 2, "dissuaded": 1}
MINISTRY = {"ban_batches": 1, "ban_listed_orgs": 3, "banned": 1}


def full(values):
    return {key: values.get(key, 0) for key in TALLY_KEYS}


@pytest.mark.django_db
def test_national_figures(figures, ministry_staff):
    stats = crackdown_statistics(user=ministry_staff, **Y2025)
    rows = {row.code: row for row in stats.rows}
    assert len(rows) == 33  # the ministry and 32 provincial-level authorities
    assert full(rows["130000"].values) == full(HEBEI)
    assert full(rows["330000"].values) == full(ZHEJIANG)
    assert full(rows["000000"].values) == full(MINISTRY)
    assert full(rows["540000"].values) == full({})
    expected_total = {k: HEBEI.get(k, 0) + ZHEJIANG.get(k, 0) + MINISTRY.get(k, 0) for k in TALLY_KEYS}
    assert stats.total.values == expected_total


@pytest.mark.django_db
def test_province_sees_only_itself(figures, hebei_staff, ministry_staff, authority):
    stats = crackdown_statistics(user=hebei_staff, **Y2025)
    assert [row.code for row in stats.rows] == ["130000"] and stats.total is None
    assert full(stats.rows[0].values) == full(HEBEI)
    # ministry filtered to one province, and a narrower period
    stats = crackdown_statistics(user=ministry_staff, date_from=date(2025, 6, 1), date_to=date(2025, 6, 30),
                                 province=authority("130000"))
    assert [row.code for row in stats.rows] == ["130000"]
    assert full(stats.rows[0].values) == full({"ban_batches": 1, "ban_listed_orgs": 1, "banned": 2,
                                               "dissolved": 1, "confiscated_amount": Decimal("15000.50"),
                                               "websites_shut": 2, "linked_handled": 1})


@pytest.mark.django_db
def test_query_count_does_not_grow(figures, ministry_staff, authority):
    crackdown_statistics(user=ministry_staff, **Y2025)  # the user's permissions are cached after this
    with CaptureQueriesContext(connection) as first:
        crackdown_statistics(user=ministry_staff, **Y2025)
    for _ in range(20):
        case(authority("130000"), CaseOutcome.DISSUADED, date(2025, 5, 5))
        lead(authority("330000"), CheckBatch.objects.get(number="浙1"))
    CheckBatch.objects.get(number="浙1").recount()
    with CaptureQueriesContext(connection) as second:
        crackdown_statistics(user=ministry_staff, **Y2025)
    assert len(first) == len(second) <= 10


@pytest.mark.django_db
def test_the_kept_statements_count_as_the_orm(figures, hebei_staff, ministry_staff, authority, monkeypatch):
    """The grouped reads compiled once per scope (portal.kept_statements) give what the ORM gives, for every
    period, user and province, and read the numbers afresh each time (issue 17)."""
    from portal import kept_statements

    kept_statements.forget()
    periods = [Y2025, {"date_from": date(2025, 6, 1), "date_to": date(2025, 6, 30)},
               {"date_from": date(2024, 1, 1), "date_to": date(2026, 12, 31)}]
    asked = [(user, period, province) for user in (ministry_staff, hebei_staff) for period in periods
             for province in (None, authority("130000"))]
    kept = [crackdown_statistics(user=user, province=province, **period) for user, period, province in asked]
    assert kept_statements._kept and None not in kept_statements._kept.values(), "every shape kept"
    assert len(kept_statements._kept) == 4, "per scope and province: not per period"
    monkeypatch.setattr(kept_statements, "_statements", lambda build, values: None)  # the ORM every time
    kept_statements.forget()
    assert kept == [crackdown_statistics(user=user, province=province, **period) for user, period, province in asked]
    monkeypatch.undo()
    case(authority("130000"), CaseOutcome.DISSUADED, date(2025, 5, 5))
    rows = {row.code: row for row in crackdown_statistics(user=ministry_staff, **Y2025).rows}
    assert rows["130000"].values["dissuaded"] == HEBEI["dissuaded"] + 1, "a new case counted at once"
    kept_statements.forget()


@pytest.mark.django_db
def test_statistics_page(client, figures, hebei_staff, ministry_staff):
    client.force_login(hebei_staff)
    page = client.get(reverse("crackdown:statistics"), {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    html = page.content.decode()
    assert page.status_code == 200 and "河北省" in html and "浙江省" not in html and "echarts" in html
    assert "导出Excel" in html and 'name="province"' not in html
    client.force_login(ministry_staff)
    html = client.get(reverse("crackdown:statistics"), {"date_from": "2025-01-01", "date_to": "2025-12-31"}) \
        .content.decode()
    assert "全国合计" in html and "浙江省" in html and 'name="province"' in html
    html = client.get(reverse("crackdown:statistics"), {"date_from": "2025-12-31", "date_to": "2025-01-01"}) \
        .content.decode()
    assert "起始日期不能晚于截止日期" in html


def test_excel_export_on_the_real_worker(celery_worker, figures, ministry_staff, hebei_staff):
    with transaction.atomic():
        job = job_start(kind="crackdown_statistics", user=ministry_staff, authority=ministry_staff.authority,
                        params={"date_from": "2025-01-01", "date_to": "2025-12-31"})
    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    wb = load_workbook(job.result_file.path)
    ws = wb["打击整治统计"]
    assert ws["A1"].value == "打击整治非法社会组织工作统计表"
    assert "2025年1月1日至2025年12月31日" in ws["A2"].value
    # the title and the period are merged across the table's columns and centred (issue 11 point 6)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "A2:R2"} <= merged and ws.max_column == 18
    assert ws["A1"].alignment.horizontal == "center" and ws["A1"].font.b
    header = [c.value for c in ws[3]]
    assert header[0] == "地区" and header[1] == "排查批次" and header[7] == "取缔" and len(header) == 18
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert list(rows["河北省"]) == [HEBEI.get(k, 0) for k in TALLY_KEYS]
    assert list(rows["全国合计"])[6] == 3  # 取缔: 河北 2 + 部本级 1
    # the page's button starts the same job for a province user (own scope only)
    from django.test import Client

    client = Client()
    client.force_login(hebei_staff)
    response = client.post(reverse("crackdown:statistics-export"), {"date_from": "2025-01-01",
                                                                     "date_to": "2025-12-31"})
    assert response.status_code == 302
    from portal.models import Job

    job = wait_for_job(Job.objects.filter(created_by=hebei_staff).latest("id"))
    rows = [r for r in load_workbook(job.result_file.path)["打击整治统计"].iter_rows(min_row=4, values_only=True)]
    assert [r[0] for r in rows] == ["河北省"]
