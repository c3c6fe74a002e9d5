"""The 全国先进社会组织 round: each hard criterion with its boundary dates, nominations within quota,
two reviews and three publicity periods, the national list (issue 10, point 6)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from openpyxl import load_workbook

from portal.jobs import job_start
from portal.models import Authority, JobStatus
from portal.services import ApplicationError
from registry import commendation
from registry.choices import NominationStage as S
from registry.demo import credit_code
from registry.jobs import COMMENDATION_KIND
from registry.models import Organization
from tests.conftest import wait_for_job

pytestmark = pytest.mark.django_db
D = datetime.date
LONG_AGO = D(2015, 1, 1)
_serial = iter(range(100, 999))


def org(code="330000", name="浙江省先进协会", registered_on=LONG_AGO, years=range(2021, 2025), **fields):
    authority = Authority.objects.get(code=code)
    o = Organization.objects.create(credit_code=credit_code("social_group", code, f"MJ{code[:2]}00{next(_serial)}"),
                                    name=name, kind="social_group", authority=authority,
                                    registered_on=registered_on, **fields)
    for year in years:
        o.annualinspections.create(year=year, kind="report", result="passed")
    return o


@pytest.fixture
def round_(ministry_staff):
    return commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织", reference_date=D(2025, 6, 30),
                                   quotas={"330000": 2, "130000": 1}, local_quota=170, ministry_quota=130)


def failures(round_, o):
    return commendation.eligibility(round_, [Organization.objects.get(pk=o.pk)])[0].failures


def test_a_clean_record_is_eligible(round_):
    verdict = commendation.eligibility(round_, [org()])[0]
    assert verdict.eligible and not verdict.preferred


def test_a_penalty_since_2021_excludes_and_one_before_does_not(round_):
    o = org()
    o.penaltys.create(decided_on=D(2020, 12, 31), penalty_type="warning", document_number="浙民罚〔2020〕9号")
    assert failures(round_, o) == []
    o.penaltys.create(decided_on=D(2021, 1, 1), penalty_type="warning", document_number="浙民罚〔2021〕1号")
    assert failures(round_, o) == ["2021年以来受过行政处罚：2021-01-01（浙民罚〔2021〕1号）"]


def test_a_penalty_after_the_rounds_date_does_not_count(round_):
    o = org()
    o.penaltys.create(decided_on=D(2025, 7, 1), penalty_type="warning", document_number="1")
    assert failures(round_, o) == []


def test_every_due_year_must_be_passed_or_filed(round_):
    o = org(years=[2021, 2022, 2024])
    assert failures(round_, o) == ["2023年度年检未合格或年报未报送"]
    o.annualinspections.create(year=2023, kind="report", result="absent")
    assert failures(round_, o) == ["2023年度年检未合格或年报未报送"]
    inspected = org(name="浙江省年检协会", years=[2022, 2023, 2024])
    inspected.annualinspections.create(year=2021, kind="inspection", result="basic")  # 基本合格 is not 合格
    assert failures(round_, inspected) == ["2021年度年检未合格或年报未报送"]


def test_a_year_is_due_from_31_may_of_the_next_year(ministry_staff):
    o = org(years=[2021, 2022, 2023])
    before = commendation.round_open(actor=ministry_staff, title="甲", reference_date=D(2025, 5, 30), quotas={})
    on_the_day = commendation.round_open(actor=ministry_staff, title="乙", reference_date=D(2025, 5, 31), quotas={})
    assert failures(before, o) == []
    assert failures(on_the_day, o) == ["2024年度年检未合格或年报未报送"]
    young = org(name="浙江省新成立协会", registered_on=D(2023, 3, 1), years=[2023])
    assert failures(before, young) == []  # nothing due before it was registered


def test_a_list_entry_in_force_on_the_date_excludes(round_):
    o = org()
    entry = o.creditlistentrys.create(list_kind="abnormal", entered_on=D(2024, 1, 1), ground="未按时报送年报")
    assert failures(round_, o) == ["截止日期时在活动异常名录中"]
    entry.removed_on, entry.removal_reason = D(2025, 7, 1), "已补报"
    entry.save()
    assert failures(round_, o) == ["截止日期时在活动异常名录中"]  # removed only after the date
    entry.removed_on = D(2025, 6, 30)
    entry.save()
    assert failures(round_, o) == []
    later = org(name="浙江省后列入协会")
    later.creditlistentrys.create(list_kind="dishonest", entered_on=D(2025, 7, 1), ground="弄虚作假")
    assert failures(round_, later) == []


def test_revoked_organizations_are_excluded_and_4a_is_preferred(round_):
    revoked = org(name="浙江省撤销协会", status="revoked", status_changed_on=D(2024, 1, 1), status_reason="违法")
    assert failures(round_, revoked) == ["登记状态为撤销登记"]
    graded = org(name="浙江省四A协会")
    graded.evaluations.create(grade=4, rated_on=D(2021, 3, 1))
    assert commendation.eligibility(round_, [Organization.objects.get(pk=graded.pk)])[0].preferred
    old = org(name="浙江省过期五A协会")
    old.evaluations.create(grade=5, rated_on=D(2020, 1, 1))  # expired on 2025-01-01
    assert not commendation.eligibility(round_, [Organization.objects.get(pk=old.pk)])[0].preferred


def test_nominations_within_quota_and_only_eligible_own_organizations(round_, zhejiang_staff, hebei_staff):
    first, second, third = org(name="浙江省一协会"), org(name="浙江省二协会"), org(name="浙江省三协会")
    commendation.nominate(actor=zhejiang_staff, round_=round_, organization=first, reason="扶贫成效突出")
    nominee = commendation.nominate(actor=zhejiang_staff, round_=round_, organization=second, reason="服务社区")
    with pytest.raises(ApplicationError, match="名额为 2 个，已推荐 2 个"):
        commendation.nominate(actor=zhejiang_staff, round_=round_, organization=third, reason="好")
    commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.WITHDRAWN, opinion="换人")
    commendation.nominate(actor=zhejiang_staff, round_=round_, organization=third, reason="好")  # quota freed
    with pytest.raises(ApplicationError, match="只能推荐本省"):
        commendation.nominate(actor=hebei_staff, round_=round_, organization=org(name="浙江省四协会"), reason="好")
    bad = org(code="130000", name="河北省未年报协会", years=[2021])
    with pytest.raises(ApplicationError, match="不符合推荐条件：2022、2023、2024年度"):
        commendation.nominate(actor=hebei_staff, round_=round_, organization=bad, reason="好")
    with pytest.raises(ApplicationError, match="请填写推荐理由"):
        commendation.nominate(actor=hebei_staff, round_=round_, organization=org(code="130000"), reason=" ")


def test_only_the_ministry_opens_a_round_within_the_local_quota(zhejiang_staff, ministry_staff):
    with pytest.raises(ApplicationError, match="由民政部发起"):
        commendation.round_open(actor=zhejiang_staff, title="x", reference_date=D(2025, 6, 30), quotas={})
    with pytest.raises(ApplicationError, match="超过地方名额 170 个"):
        commendation.round_open(actor=ministry_staff, title="x", reference_date=D(2025, 6, 30),
                                quotas={"330000": 100, "130000": 71})


def advance_to_forwarded(user, nominee, *, objections=""):
    for stage in (S.FIRST_REVIEWED, S.SECOND_REVIEWED):
        commendation.nomination_advance(actor=user, nomination=nominee, to_stage=stage, opinion="同意")
    for i, stage in enumerate((S.PUBLICITY_1, S.PUBLICITY_2, S.PUBLICITY_3)):
        start = D(2025, 8, 1) + datetime.timedelta(days=10 * i)
        commendation.nomination_advance(actor=user, nomination=nominee, to_stage=stage, starts_on=start,
                                        ends_on=start + datetime.timedelta(days=6), objections=objections,
                                        objection_outcome="经核实不属实" if objections else "",
                                        today=D(2025, 9, 30))
    return commendation.nomination_advance(actor=user, nomination=nominee, to_stage=S.FORWARDED, opinion="报送")


def test_two_reviews_three_publicity_periods_then_forwarded(round_, zhejiang_staff, hebei_staff, ministry_staff):
    nominee = commendation.nominate(actor=zhejiang_staff, round_=round_, organization=org(), reason="成效突出")
    with pytest.raises(ApplicationError, match="之后不能进行此操作"):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.PUBLICITY_1)
    with pytest.raises(ApplicationError, match="不属于您所在的单位"):
        commendation.nomination_advance(actor=hebei_staff, nomination=nominee, to_stage=S.FIRST_REVIEWED)
    for stage in (S.FIRST_REVIEWED, S.SECOND_REVIEWED):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=stage, opinion="同意")
    with pytest.raises(ApplicationError, match="公示期结束后"):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.PUBLICITY_1,
                                        starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 7), today=D(2025, 8, 7))
    with pytest.raises(ApplicationError, match="须填写核实结果"):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.PUBLICITY_1,
                                        starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 7), objections="来信反映账目不清",
                                        today=D(2025, 8, 8))
    commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.PUBLICITY_1,
                                    starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 7), objections="来信反映账目不清",
                                    objection_outcome="经核实不属实", today=D(2025, 8, 8))
    with pytest.raises(ApplicationError, match="应在上一次公示结束"):
        commendation.nomination_advance(actor=zhejiang_staff, nomination=nominee, to_stage=S.PUBLICITY_2,
                                        starts_on=D(2025, 8, 7), ends_on=D(2025, 8, 14), today=D(2025, 9, 1))
    nominee.refresh_from_db()
    assert nominee.stage == S.PUBLICITY_1
    assert nominee.steps.get(stage=S.PUBLICITY_1).objections == "来信反映账目不清"
    assert list(commendation.national_list(round_, ministry_staff)) == []


def test_the_ministry_exports_the_national_list_on_the_real_worker(celery_worker, ministry_staff, zhejiang_staff,
                                                                    hebei_staff):
    round_ = commendation.round_open(actor=ministry_staff, title="第三届全国先进社会组织",
                                     reference_date=D(2025, 6, 30), quotas={"330000": 2, "130000": 1})
    zj = advance_to_forwarded(zhejiang_staff, commendation.nominate(
        actor=zhejiang_staff, round_=round_, organization=org(), reason="成效突出"))
    hb = advance_to_forwarded(hebei_staff, commendation.nominate(
        actor=hebei_staff, round_=round_, organization=org(code="130000", name="河北省先进协会"), reason="助老"))
    assert zj.stage == hb.stage == S.FORWARDED
    assert list(commendation.national_list(round_, zhejiang_staff)) == [zj]  # a province sees its own
    with transaction.atomic():
        job = job_start(kind=COMMENDATION_KIND, user=ministry_staff, authority=ministry_staff.authority,
                        params={"round": round_.pk})
    job = wait_for_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.message
    ws = load_workbook(job.result_file.path).active
    assert ws["A1"].value == "第三届全国先进社会组织推荐名单"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[6], r[7]) for r in rows] == [
        ("河北省", "河北省先进协会", "助老", "2025-08-21至2025-08-27"),
        ("浙江省", "浙江省先进协会", "成效突出", "2025-08-21至2025-08-27")]


def test_the_pages_list_candidates_with_reasons_nominate_and_move(client, round_, zhejiang_staff):
    from django.urls import reverse

    good, penalised = org(name="浙江省好协会"), org(name="浙江省受罚协会")
    penalised.penaltys.create(decided_on=D(2022, 5, 1), penalty_type="warning", document_number="浙民罚〔2022〕3号")
    commendation.verdicts_compute(round_)  # what the round's verdict job stores (test_commendation_verdicts.py)
    client.force_login(zhejiang_staff)
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert "名额 <strong>2</strong> 个，已推荐 <strong>0</strong> 个" in page
    assert "浙江省好协会" in page and "2021年以来受过行政处罚：2022-05-01（浙民罚〔2022〕3号）" in page
    response = client.post(reverse("registry:organization-nominate", args=[good.pk]),
                           {"round": round_.pk, "reason": "服务社区成效突出"})
    assert response.status_code == 302
    nominee = good.nominations.get()
    client.post(reverse("registry:nomination-step", args=[nominee.pk]), {"to_stage": "first_reviewed",
                                                                         "opinion": "同意"})
    nominee.refresh_from_db()
    assert nominee.stage == S.FIRST_REVIEWED
    page = client.get(reverse("registry:round-detail", args=[round_.pk])).content.decode()
    assert "已推荐 <strong>1</strong> 个" in page and "初审通过：同意" in page
