"""The round's stored verdicts (issue 10, points 6 and 9): computed by a job on the real worker when the round
opens and on 重新核算, the same as ``eligibility``; kept right when a record is written afterwards; a province
sees its own organizations' verdicts, the ministry all; the national list exported through the API."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from portal.models import Authority, Job, JobStatus
from registry import commendation, services
from registry.jobs import COMMENDATION_KIND, VERDICTS_KIND
from registry.models import Organization, RoundVerdict
from tests.conftest import wait_for_job
from tests.registry.test_commendation import org

D = datetime.date
JSON = "application/json"


def stored(round_):
    return {v.organization_id: (v.eligible, v.preferred, v.criteria, v.failures)
            for v in RoundVerdict.objects.filter(round=round_)}


def judged(round_, organizations):
    return {v.organization.pk: (v.eligible, v.preferred, [str(c) for c in v.criteria], v.failures)
            for v in commendation.eligibility(round_, organizations)}


def boundary_register():
    """Organizations on either side of each criterion's boundary date (round date 2025-06-30, since 2021)."""
    made = [org(name="浙江省清白协会")]
    before = org(name="浙江省二〇年受罚协会")
    before.penaltys.create(decided_on=D(2020, 12, 31), penalty_type="warning", document_number="浙民罚〔2020〕9号")
    on = org(name="浙江省二一年受罚协会")
    on.penaltys.create(decided_on=D(2021, 1, 1), penalty_type="warning", document_number="浙民罚〔2021〕1号")
    missing = org(name="浙江省缺年报协会", years=[2021, 2022, 2024])
    removed_on_day = org(name="浙江省当日移出协会")
    removed_on_day.creditlistentrys.create(list_kind="abnormal", entered_on=D(2024, 1, 1), ground="未报年报",
                                           removed_on=D(2025, 6, 30), removal_reason="已补报")
    removed_after = org(name="浙江省次日移出协会")
    removed_after.creditlistentrys.create(list_kind="abnormal", entered_on=D(2024, 1, 1), ground="未报年报",
                                          removed_on=D(2025, 7, 1), removal_reason="已补报")
    dishonest = org(code="130000", name="河北省失信协会")
    dishonest.creditlistentrys.create(list_kind="dishonest", entered_on=D(2025, 6, 30), ground="弄虚作假")
    revoked = org(code="130000", name="河北省撤销协会", status="revoked", status_changed_on=D(2024, 1, 1),
                  status_reason="违法")
    graded = org(code="130000", name="河北省四A协会")
    graded.evaluations.create(grade=4, rated_on=D(2021, 3, 1))
    expired = org(code="130000", name="河北省过期五A协会")
    expired.evaluations.create(grade=5, rated_on=D(2020, 1, 1))
    young = org(name="浙江省新成立协会", registered_on=D(2025, 7, 1), years=[])
    ministry_org = org(code="000000", name="中国先进促进会")
    return [*made, before, on, missing, removed_on_day, removed_after, dishonest, revoked, graded, expired, young,
            ministry_org]


# --- the job, on the real worker -----------------------------------------------------------------
def test_the_job_run_when_the_round_opens_stores_what_eligibility_says(celery_worker, ministry_staff):
    orgs = boundary_register()
    with transaction.atomic():
        round_ = commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织",
                                         reference_date=D(2025, 6, 30), quotas={"330000": 2, "130000": 1})
    job = wait_for_job(Job.objects.get(kind=VERDICTS_KIND, params__round=round_.pk))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.done, job.total, job.params["province"], job.authority.code) == (len(orgs), len(orgs), "", "000000")
    assert stored(round_) == judged(round_, Organization.objects.all())
    verdicts = {v.name: v for v in RoundVerdict.objects.filter(round=round_)}
    assert verdicts["浙江省二〇年受罚协会"].eligible
    assert verdicts["浙江省二一年受罚协会"].criteria == ["penalty"]
    assert verdicts["浙江省当日移出协会"].eligible and verdicts["浙江省次日移出协会"].criteria == ["abnormal"]
    assert verdicts["河北省失信协会"].criteria == ["dishonest"]
    assert verdicts["河北省撤销协会"].failures == ["登记状态为撤销登记"]
    assert verdicts["河北省四A协会"].preferred and not verdicts["河北省过期五A协会"].preferred
    assert verdicts["浙江省新成立协会"].criteria == ["not_registered"]
    assert verdicts["浙江省缺年报协会"].failures == ["2023年度年检未合格或年报未报送"]
    assert (verdicts["中国先进促进会"].province_code, verdicts["河北省四A协会"].province_code) == ("00", "13")
    eligible = sum(1 for v in verdicts.values() if v.eligible)
    assert job.message == (f"核算了 {len(orgs)} 个社会组织：符合条件 {eligible} 个（其中 4A 及以上 1 个），"
                           f"不符合 {len(orgs) - eligible} 个。")


def test_a_province_recomputes_its_own_part_on_the_worker(celery_worker, client, ministry_staff, zhejiang_staff):
    zj, hb = org(name="浙江省甲协会"), org(code="130000", name="河北省甲协会")
    round_ = commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织",
                                     reference_date=D(2025, 6, 30), quotas={"330000": 2})
    first = wait_for_job(Job.objects.get(kind=VERDICTS_KIND, params__round=round_.pk))
    assert first.status == JobStatus.SUCCEEDED and stored(round_)[zj.pk][0] and stored(round_)[hb.pk][0]
    # penalties written behind the services' back: only a recomputation sees them
    for o in (zj, hb):
        o.penaltys.create(decided_on=D(2023, 3, 1), penalty_type="warning", document_number="罚〔2023〕1号")
    client.force_login(zhejiang_staff)
    assert client.post(reverse("registry:round-recompute", args=[round_.pk])).status_code == 302
    job = wait_for_job(Job.objects.filter(kind=VERDICTS_KIND, params__round=round_.pk).latest("id"))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.params["province"], job.authority.code, job.total) == ("33", "330000", 1)
    after = stored(round_)
    assert after[zj.pk][2] == ["penalty"]  # 浙江's recomputed
    assert after[hb.pk][0]  # 河北's untouched by 浙江's recomputation
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert "最近核算：" in page and "浙江省甲协会" in page and "河北省甲协会" not in page


# --- kept right after the computation ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_record_written_after_the_computation_changes_the_stored_verdict(ministry_staff, zhejiang_staff):
    round_ = commendation.round_open(actor=ministry_staff, title="第三届", reference_date=D(2025, 6, 30), quotas={})
    closed = commendation.round_open(actor=ministry_staff, title="已截止", reference_date=D(2025, 6, 30), quotas={},
                                     closes_on=D(2025, 9, 30))
    o = org(years=[2021, 2022, 2024])
    commendation.verdicts_compute(round_)
    commendation.verdicts_compute(closed)

    def verdict():
        return RoundVerdict.objects.get(round=round_, organization=o)

    assert verdict().criteria == ["inspection"]
    # the record's own field "kind" (年检/年报) is left at its default: record_add takes the record kind
    services.record_add(actor=zhejiang_staff, organization=o, kind="inspection", year=2023, result="passed")
    assert verdict().eligible and verdict().failures == []
    services.record_add(actor=zhejiang_staff, organization=o, kind="evaluation", grade=5, rated_on=D(2024, 1, 1))
    assert verdict().preferred
    services.record_add(actor=zhejiang_staff, organization=o, kind="penalty", decided_on=D(2022, 5, 1),
                        penalty_type="warning", document_number="浙民罚〔2022〕3号")
    assert verdict().failures == ["2021年以来受过行政处罚：2022-05-01（浙民罚〔2022〕3号）"]
    entry = services.record_add(actor=zhejiang_staff, organization=o, kind="listentry", list_kind="abnormal",
                                entered_on=D(2024, 2, 1), ground="未按时报送年报")
    assert verdict().criteria == ["penalty", "abnormal"]
    services.list_entry_remove(actor=zhejiang_staff, entry=entry, removed_on=D(2025, 6, 1), reason="已补报")
    assert verdict().criteria == ["penalty"]
    services.organization_update(actor=zhejiang_staff, organization=o, name="浙江省改名协会", status="revoked",
                                 status_changed_on=D(2025, 1, 1), status_reason="违法")
    assert verdict().criteria == ["status", "penalty"] and verdict().name == "浙江省改名协会"
    assert verdict().failures == judged(round_, [Organization.objects.get(pk=o.pk)])[o.pk][3]
    # a closed round's list is left as it was computed
    assert RoundVerdict.objects.get(round=closed, organization=o).criteria == ["inspection"]


@pytest.mark.django_db
def test_a_newly_registered_organization_is_judged_at_once(ministry_staff, zhejiang_staff):
    from registry.demo import credit_code

    round_ = commendation.round_open(actor=ministry_staff, title="第三届", reference_date=D(2025, 6, 30), quotas={})
    new = services.organization_create(actor=zhejiang_staff, credit_code=credit_code("social_group", "330000",
                                                                                     "MJ3300777"),
                                       name="浙江省新登记协会", kind="social_group",
                                       authority=Authority.objects.get(code="330000"), registered_on=D(2025, 8, 1))
    assert RoundVerdict.objects.get(round=round_, organization=new).criteria == ["not_registered"]


# --- the page: filters, scope, 重新核算 ----------------------------------------------------------------------
@pytest.fixture
def computed(ministry_staff):
    orgs = boundary_register()
    round_ = commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织",
                                     reference_date=D(2025, 6, 30), quotas={"330000": 2, "130000": 1})
    commendation.verdicts_compute(round_)
    return round_, {o.name: o for o in orgs}


@pytest.mark.django_db
def test_the_page_reads_the_stored_verdicts_filtered_and_scoped(client, computed, zhejiang_staff, ministry_staff):
    round_, orgs = computed
    url = reverse("registry:round-detail", args=[round_.pk])
    client.force_login(zhejiang_staff)
    page = client.get(url).content.decode()
    assert "浙江省清白协会" in page and "浙江省二一年受罚协会" in page and "河北省四A协会" not in page
    assert "中国先进促进会" not in page
    assert "2021年以来受过行政处罚：2021-01-01（浙民罚〔2021〕1号）" in page
    assert 'name="province"' not in page  # a province sees its own anyway
    excluded = client.get(url, {"outcome": "excluded", "criterion": "penalty"}).content.decode()
    assert "浙江省二一年受罚协会" in excluded and "浙江省清白协会" not in excluded
    eligible = client.get(url, {"outcome": "eligible"}).content.decode()
    assert "浙江省清白协会" in eligible and "浙江省缺年报协会" not in eligible
    # 推荐 is offered on the province's own eligible organizations only
    assert reverse("registry:organization-nominate", args=[orgs["浙江省清白协会"].pk]) in page
    assert reverse("registry:organization-nominate", args=[orgs["浙江省缺年报协会"].pk]) not in page
    client.force_login(ministry_staff)
    everything = client.get(url).content.decode()
    assert "河北省四A协会" in everything and "浙江省清白协会" in everything and "中国先进促进会" in everything
    preferred = client.get(url, {"preferred": "true"}).content.decode()
    assert "河北省四A协会" in preferred and "浙江省清白协会" not in preferred
    hebei = Authority.objects.get(code="130000")
    by_province = client.get(url, {"province": hebei.pk}).content.decode()
    assert "河北省四A协会" in by_province and "浙江省清白协会" not in by_province
    own = client.get(url, {"ministry": "true"}).content.decode()
    assert "中国先进促进会" in own and "河北省四A协会" not in own
    # the ministry nominates its own registered organizations only (the 部管 quota)
    assert reverse("registry:organization-nominate", args=[orgs["中国先进促进会"].pk]) in everything
    assert reverse("registry:organization-nominate", args=[orgs["浙江省清白协会"].pk]) not in everything


@pytest.mark.django_db
def test_recompute_starts_one_job_per_area_and_says_so(client, computed, zhejiang_staff, ministry_staff):
    round_, _orgs = computed
    url = reverse("registry:round-recompute", args=[round_.pk])
    client.force_login(zhejiang_staff)
    client.post(url)
    client.post(url)  # still queued: the same job
    jobs = Job.objects.filter(kind=VERDICTS_KIND, params__round=round_.pk, params__province="33")
    assert jobs.count() == 1 and jobs.get().authority.code == "330000"
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert 'id="verdict-pending"' in page
    client.force_login(ministry_staff)
    client.post(url)
    # the round's opening queued the whole register's job (not yet run here): that one is answered
    assert Job.objects.filter(kind=VERDICTS_KIND, params__round=round_.pk, params__province="").count() == 1


# --- the API ----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_api_lists_the_verdicts_scoped_and_filtered(client, computed, zhejiang_staff, hebei_staff,
                                                        ministry_staff):
    round_, _orgs = computed
    for user, expected in ((zhejiang_staff, {"33"}), (hebei_staff, {"13"}), (ministry_staff, {"33", "13", "00"})):
        client.force_login(user)
        rows = client.get("/api/registry/verdicts/", {"round": round_.pk}).json()["results"]
        assert {r["province_code"] for r in rows} == expected, user
    client.force_login(zhejiang_staff)
    rows = client.get("/api/registry/verdicts/", {"round": round_.pk, "criterion": "abnormal"}).json()["results"]
    assert [r["name"] for r in rows] == ["浙江省次日移出协会"]
    assert rows[0]["criteria"] == ["abnormal"] and rows[0]["failures"] == ["截止日期时在活动异常名录中"]
    # a province asking for another province's rows gets its own (the filter is the ministry's)
    hebei = Authority.objects.get(code="130000")
    rows = client.get("/api/registry/verdicts/", {"round": round_.pk, "province": hebei.pk}).json()["results"]
    assert rows and {r["province_code"] for r in rows} == {"33"}


@pytest.mark.django_db
def test_the_api_recompute_and_export_answer_202_with_the_job(client, computed, zhejiang_staff, ministry_staff):
    round_, _orgs = computed
    client.force_login(zhejiang_staff)
    response = client.post(f"/api/registry/rounds/{round_.pk}/recompute/", content_type=JSON)
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert response.json()["url"] == response["Location"] == f"/api/jobs/{job.pk}/"
    assert (job.kind, job.params) == (VERDICTS_KIND, {"round": round_.pk, "province": "33"})
    assert client.get(response.json()["url"]).status_code == 200
    # the national list is the ministry's to export
    refused = client.post(f"/api/registry/rounds/{round_.pk}/export/", content_type=JSON)
    assert refused.status_code == 403 and not Job.objects.filter(kind=COMMENDATION_KIND).exists()
    client.force_login(ministry_staff)
    response = client.post(f"/api/registry/rounds/{round_.pk}/export/", content_type=JSON)
    assert response.status_code == 202, response.json()
    job = Job.objects.get(kind=COMMENDATION_KIND)
    assert (response.json()["url"], job.params, job.authority.code) == (f"/api/jobs/{job.pk}/", {"round": round_.pk},
                                                                         "000000")


def test_the_api_export_is_the_pages_export_on_the_worker(celery_worker, client, ministry_staff, zhejiang_staff):
    from openpyxl import load_workbook

    from tests.registry.test_commendation import advance_to_forwarded

    round_ = commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织",
                                     reference_date=D(2025, 6, 30), quotas={"330000": 1})
    advance_to_forwarded(zhejiang_staff, commendation.nominate(actor=zhejiang_staff, round_=round_,
                                                               organization=org(), reason="成效突出"))
    client.force_login(ministry_staff)
    response = client.post(f"/api/registry/rounds/{round_.pk}/export/", content_type=JSON)
    assert response.status_code == 202
    job = wait_for_job(Job.objects.get(pk=response.json()["id"]))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert client.get(response.json()["url"]).json()["download_url"]
    rows = list(load_workbook(job.result_file.path).active.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [("浙江省", "浙江省先进协会")]


@pytest.mark.django_db
def test_bulk_imports_judge_the_new_organizations_and_the_recorded_ones(ministry_staff, zhejiang_staff):
    from tests.registry.test_import_export import (
        GOOD,
        ZJ_FOUNDATION,
        ZJ_GROUP,
        preview,
        preview_records,
        record_book,
        workbook,
    )

    round_ = commendation.round_open(actor=ministry_staff, title="第三届", reference_date=D(2025, 6, 30), quotas={})
    services.import_commit(actor=zhejiang_staff, run=preview(zhejiang_staff, workbook(*GOOD)))
    imported = Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION])
    assert stored(round_) == judged(round_, Organization.objects.all())  # each new organization judged at once
    assert {o.pk for o in imported} <= set(stored(round_))
    run = preview_records(zhejiang_staff, "listentry", record_book(
        "listentry", [ZJ_FOUNDATION, "", "严重违法失信名单", "2025-03-01", "弄虚作假"]))
    services.import_commit(actor=zhejiang_staff, run=run)
    foundation = Organization.objects.get(credit_code=ZJ_FOUNDATION)
    assert "dishonest" in RoundVerdict.objects.get(round=round_, organization=foundation).criteria
    assert stored(round_) == judged(round_, Organization.objects.all())
