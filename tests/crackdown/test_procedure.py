"""The procedure as the law writes it (issue 14): each new path walked through the service, a page and
the API, and each name rule with a name that passes and one that is flagged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crackdown import services
from crackdown.choices import CaseOutcome, CaseStage, Jurisdiction, LeadStatus, ServiceMethod, TargetType
from crackdown.models import Case, CaseReferral, InquiryRecord, NameRule
from crackdown.names import check_name
from portal.models import Authority
from portal.services import ApplicationError
from tests.crackdown.conftest import STAFF, document, step_kwargs
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def step(case, to, actor, **kwargs):
    return services.case_transition(case=case, to_stage=to, actor=actor, expected_version=case.version, **kwargs)


def walk(case, to, actor, **extra):
    """The step with what the table requires, plus ``extra``."""
    kwargs = {**step_kwargs(case.stage, to), **extra}
    return step(case, to, actor, **kwargs)


# --- 1, 2: 取缔 with confiscation, and 移送 beside it ------------------------------------------------
def test_ban_and_referral_together_with_confiscation(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, CaseStage.DECISION)
    referral = services.referral_add(case=case, actor=hebei_staff, department="public_security",
                                     referred_on=date(2025, 6, 1), matter="涉嫌非法集资的账户流水")
    case.refresh_from_db()  # the referral is part of the case: its version moved on
    case = walk(case, CaseStage.SERVICE, hebei_approver, confiscation_description="会费收入",
                confiscation_amount=Decimal("25000.00"), confiscation_disposal="treasury")
    assert case.outcome == CaseOutcome.BANNED and case.stage == CaseStage.SERVICE
    assert [(c.amount, c.decided_on) for c in case.confiscations.all()] == [(Decimal("25000.00"), case.outcome_date)]
    services.referral_result(referral=referral, actor=hebei_staff, result_on=date(2025, 8, 1), cases_solved=1,
                             suspects_caught=3, result_note="已立案侦查")
    referral.refresh_from_db()
    assert (referral.case_id, referral.cases_solved, referral.suspects_caught) == (case.pk, 1, 3)
    # a confiscation needs a ban decision; the page records more after it
    other = make_case(hebei_staff, CaseStage.INVESTIGATION, name="另一研究会")
    with pytest.raises(ApplicationError, match="取缔决定"):
        services.confiscation_add(case=other, actor=hebei_staff, description="现金", amount=Decimal(1))
    client.force_login(hebei_staff)
    response = client.post(reverse("crackdown:case-confiscation-add", args=[case.pk]),
                           {"description": "办公设备", "amount": "3000", "disposal": "auction"})
    assert response.status_code == 302 and case.confiscations.count() == 2
    page = client.get(reverse("crackdown:case-detail", args=[case.pk])).content.decode()
    assert "涉嫌非法集资的账户流水" in page and "破获案件 1 起，抓获犯罪嫌疑人 3 名" in page and "办公设备" in page


def test_referral_over_the_api(client, make_case, hebei_staff):
    case = make_case(hebei_staff, CaseStage.INVESTIGATION)
    client.force_login(hebei_staff)
    made = client.post(f"/api/crackdown/cases/{case.pk}/referrals/", {
        "department": "market", "referred_on": "2025-06-01", "matter": "无照经营"}, content_type="application/json")
    assert made.status_code == 201
    done = client.post(f"/api/crackdown/cases/{case.pk}/referral-result/", {
        "referral": made.json()["id"], "result_on": "2025-07-01", "cases_solved": 2},
        content_type="application/json")
    assert done.status_code == 200 and done.json()["cases_solved"] == 2
    assert CaseReferral.objects.get().result_on == date(2025, 7, 1)


# --- 3: 送达 within seven days -----------------------------------------------------------------------
@pytest.mark.parametrize(("served", "late"), [(date(2025, 7, 8), False), (date(2025, 7, 9), True)])
def test_service_after_seven_days_is_flagged(make_case, hebei_staff, hebei_approver, served, late):
    case = make_case(hebei_staff, CaseStage.DECISION)
    case = walk(case, CaseStage.SERVICE, hebei_approver, outcome_date=date(2025, 7, 1))
    assert case.step_due == date(2025, 7, 8)  # 《行政处罚法》第六十一条
    with pytest.raises(ApplicationError, match="送达回证"):
        step(case, CaseStage.ANNOUNCEMENT, hebei_staff, service_method=ServiceMethod.POST, served_on=served)
    case = walk(case, CaseStage.ANNOUNCEMENT, hebei_staff, service_method=ServiceMethod.POST, served_on=served)
    assert case.service_late is late
    assert ("逾期送达" in case.events.last().note) is late


def test_closing_needs_the_announcement_date(make_case, hebei_staff):
    case = make_case(hebei_staff, CaseStage.ANNOUNCEMENT)
    with pytest.raises(ApplicationError, match="公告日期"):
        step(case, CaseStage.CLOSED, hebei_staff, documents=[("announcement", document("announcement"))])
    case = walk(case, CaseStage.CLOSED, hebei_staff, announced_on=date(2025, 7, 20))
    assert case.announced_on == date(2025, 7, 20)  # not today


# --- 4: the case clock --------------------------------------------------------------------------------
def filed(make_case, staff, approver):
    case = make_case(staff)
    return walk(case, CaseStage.INVESTIGATION, approver)


def test_case_clock_starts_at_filing_and_loops_do_not_reset_it(make_case, hebei_staff, hebei_approver,
                                                               hebei_reviewer):
    case = filed(make_case, hebei_staff, hebei_approver)
    today = timezone.localdate()
    assert case.deadline == today + timedelta(days=90)  # 《行政处罚法》第六十条
    case = walk(case, CaseStage.REPORT, hebei_staff)
    case = walk(case, CaseStage.INVESTIGATION, hebei_staff)  # 补充调查
    assert case.deadline == today + timedelta(days=90)


def test_extension_needs_a_second_person(client, make_case, hebei_staff, hebei_approver, hebei_chief):
    case = filed(make_case, hebei_staff, hebei_approver)
    new = case.deadline + timedelta(days=30)
    services.extension_request(case=case, actor=hebei_chief, reason="案情复杂，需调取外省证据", new_deadline=new)
    with pytest.raises(ApplicationError, match="申请人以外"):
        services.extension_approve(case=case, actor=hebei_chief)
    with pytest.raises(ApplicationError, match="权限"):
        services.extension_approve(case=case, actor=hebei_staff)
    client.force_login(hebei_approver)
    response = client.post(reverse("crackdown:case-clock", args=[case.pk, "approve-extension"]), {"confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    extension = case.extensions.get()
    assert case.deadline == new and extension.approved_by == hebei_approver and extension.added_by == hebei_chief


def test_suspension_does_not_count(client, make_case, hebei_staff, hebei_approver):
    case = filed(make_case, hebei_staff, hebei_approver)
    deadline = case.deadline
    client.force_login(hebei_staff)
    response = client.post(f"/api/crackdown/cases/{case.pk}/clock/", {
        "action": "suspend", "reason": "等待司法鉴定", "on": "2025-08-01"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["suspended_since"] == "2025-08-01"
    case.refresh_from_db()
    with pytest.raises(ApplicationError, match="中止"):
        walk(case, CaseStage.REPORT, hebei_staff)
    assert not case.clock_overdue
    response = client.post(reverse("crackdown:case-clock", args=[case.pk, "resume"]),
                           {"resumed_on": "2025-08-11", "note": "鉴定意见已出"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline == deadline + timedelta(days=10) and case.suspended_since is None
    walk(case, CaseStage.REPORT, hebei_staff)


def test_overdue_case_is_red_on_the_home_queue(client, make_case, hebei_staff, hebei_approver):
    case = filed(make_case, hebei_staff, hebei_approver)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(hebei_staff)
    page = client.get("/").content.decode()
    assert "办案期限已过" in page
    page = client.get(reverse("crackdown:case-detail", args=[case.pk])).content.decode()
    assert "（已超期）" in page


# --- 5: 复核 and 听证 ------------------------------------------------------------------------------------
def test_review_sends_the_case_back_to_investigation(make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_approver, CaseStage.NOTICE)
    with pytest.raises(ApplicationError, match="复核意见"):
        step(case, CaseStage.INVESTIGATION, hebei_staff, party_statement="当事人称已停止活动")
    case = step(case, CaseStage.INVESTIGATION, hebei_staff, party_statement="当事人称已停止活动",
                review_result="当事人提出的停止活动时间须核实")
    assert case.review_result == "当事人提出的停止活动时间须核实"
    assert case.events.last().note.startswith("复核意见：当事人提出的停止活动时间须核实")


def test_hearing_by_someone_who_did_not_investigate(make_case, hebei_staff, hebei_approver, hebei_officer):
    case = make_case(hebei_approver, CaseStage.INVESTIGATION)
    services.case_add_record(case=case, actor=hebei_staff, record=InquiryRecord(
        kind="inquiry", held_on=date(2025, 6, 1), place="石家庄", subject="负责人", officer_one="甲",
        officer_one_cert="1301", officer_two="乙", officer_two_cert="1302"))
    Case.objects.filter(pk=case.pk).update(stage=CaseStage.NOTICE)
    case.refresh_from_db()
    with pytest.raises(ApplicationError, match="参与了本案调查"):
        step(case, CaseStage.HEARING, hebei_approver, hearing_on=date(2025, 7, 1), hearing_officer=hebei_staff)
    case = step(case, CaseStage.HEARING, hebei_approver, hearing_on=date(2025, 7, 1), hearing_officer=hebei_officer)
    with pytest.raises(ApplicationError, match="听证笔录"):
        step(case, CaseStage.DECISION, hebei_approver)
    case = walk(case, CaseStage.DECISION, hebei_approver)
    case = walk(case, CaseStage.DISSOLVED, make_user("hebei_approver2", "130000", STAFF, "案件审批人"))
    assert case.events.last().note.startswith("经听证（2025-07-01，主持人 测试 hebei_officer）")


# --- 6: jurisdiction decided at any level above -------------------------------------------------------
def test_prefecture_designates_a_county_case():
    county_staff = make_user("changan_staff", "130102", STAFF)
    prefecture = Authority.objects.get(code="130100")  # 石家庄市
    case = services.case_create(actor=county_staff, org_name="长安区某研究会", target_type=TargetType.UNREGISTERED,
                                jurisdiction=Jurisdiction.DESIGNATED, jurisdiction_authority=prefecture,
                                jurisdiction_date=date(2025, 6, 1))
    assert case.authority.code == "130102" and case.jurisdiction_authority == prefecture
    for not_above in ("130200", "130102", "330000"):  # another prefecture, itself, another province
        with pytest.raises(ApplicationError, match="上级"):
            services.case_create(actor=county_staff, org_name="长安区某研究会", target_type=TargetType.UNREGISTERED,
                                 jurisdiction=Jurisdiction.ESCALATED,
                                 jurisdiction_authority=Authority.objects.get(code=not_above),
                                 jurisdiction_date=date(2025, 6, 1))


# --- 7, 8: 劝散 from the investigation; documents typed and required -------------------------------------
def test_dissuaded_from_investigation_needs_its_documents(client, make_case, hebei_staff, hebei_approver):
    case = filed(make_case, hebei_staff, make_user("hebei_approver2", "130000", STAFF, "案件审批人"))
    with pytest.raises(ApplicationError, match="劝诫记录、成员解散承诺书"):
        step(case, CaseStage.DISSUADED, hebei_approver)
    with pytest.raises(ApplicationError, match="成员解散承诺书"):
        step(case, CaseStage.DISSUADED, hebei_approver, documents=[("admonition", document("admonition"))])
    client.force_login(hebei_approver)
    url = reverse("crackdown:case-transition", args=[case.pk, CaseStage.DISSUADED])
    form = client.get(url).content.decode()
    assert 'name="doc_admonition"' in form and 'name="doc_undertaking"' in form
    response = client.post(url, {"version": case.version, "note": "已劝诫解散",
                                 "doc_admonition": document("admonition"), "doc_undertaking": document("undertaking")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.DISSUADED and case.outcome == CaseOutcome.DISSUADED
    assert sorted(case.documents.values_list("kind", flat=True)) == [
        "admonition", "filing_form", "filing_form", "undertaking"]  # the form with the request and the approval


def test_inquiry_needs_the_officers_certificates(make_case, hebei_staff):
    case = make_case(hebei_staff, CaseStage.INVESTIGATION)
    with pytest.raises(ApplicationError, match="执法证号"):
        services.case_add_record(case=case, actor=hebei_staff, record=InquiryRecord(
            kind="inquiry", held_on=date(2025, 6, 1), place="石家庄", subject="负责人", officer_one="甲",
            officer_two="乙"))


# --- 9: labels and the Art. 3 exclusions ----------------------------------------------------------------
def test_unfounded_lead_gives_an_article_3_reason(client, make_lead, hebei_staff):
    lead = make_lead(hebei_staff, "某街道舞蹈队")
    client.force_login(hebei_staff)
    client.post(reverse("crackdown:lead-status", args=[lead.pk]),
                {"status": "unfounded", "unfounded_reason": "community_filed", "note": "已在街道备案"})
    lead.refresh_from_db()
    assert (lead.status, lead.unfounded_reason) == (LeadStatus.UNFOUNDED, "community_filed")
    page = client.get(reverse("crackdown:lead-detail", args=[lead.pk])).content.decode()
    assert "在乡镇人民政府（街道办事处）备案的社区社会组织" in page
    assert TargetType.REVOKED.label == "被撤销登记或吊销登记证书后继续以社会组织名义开展活动"


# --- 10: the name rules as written, from the table -----------------------------------------------------
@pytest.mark.parametrize(("name", "flagged"), [
    ("中国传统文化研究会", "中国"), ("河北省中国画研究会", None),
    ("全国老年康养产业联盟", "全国"), ("石家庄市全国劳模联谊会", None),
    ("中华孝道文化促进会", "中华"), ("河北省中华文化促进会", None),
    ("国际易经风水研究会", "国际"), ("石家庄市国际象棋协会", None),
    ("世界华人书画家协会", "世界"), ("保定市世界语协会", None),
    ("河北省第一书画研究院", "第一"), ("河北省书画研究院", None),
    ("最高国学研究院", "最高"), ("河北省国学研究院", None),
    ("国家级康养示范联盟", "国家级"), ("河北省康养联盟", None),
])
def test_each_name_rule_flags_and_passes(name, flagged):
    found = check_name(name)
    assert [f.word for f in found] == ([flagged] if flagged else [])
    if flagged:
        assert "《社会组织名称管理办法》第八条" in found[0].message  # the message quotes the rule


def test_ministry_registered_names_may_be_prefixed_and_the_table_rules():
    assert check_name("中国书法家协会", ministry_registered=True) == []
    assert [f.word for f in check_name("中国第一书法家协会", ministry_registered=True)] == ["第一"]
    # the ministry edits the table: switching a rule off, or adding an exception, changes the answer
    NameRule.objects.filter(word="最高").update(active=False)
    assert check_name("最高国学研究院") == []
    NameRule.objects.filter(word="第一").update(allowed_after="中学")
    assert check_name("石家庄市第一中学校友会") == [] and check_name("第一国学院")


def test_the_ministry_edits_the_rules_and_provinces_read_them(client, ministry_staff, hebei_staff):
    client.force_login(hebei_staff)
    assert client.get(reverse("crackdown:namerule-list")).status_code == 200
    assert client.post(reverse("crackdown:namerule-create"), {}).status_code == 403
    client.force_login(ministry_staff)
    response = client.post(reverse("crackdown:namerule-create"), {
        "word": "长三角", "kind": "anywhere", "local_only": "on", "rule_text": "跨区域名称须经民政部登记",
        "source": "民政部规范特殊名称的通知", "active": "on"})
    assert response.status_code == 302
    assert [f.word for f in check_name("长三角乡村振兴发展联合会")] == ["长三角"]
    client.force_login(hebei_staff)
    html = client.get(reverse("crackdown:lead-check-name"), {"org_name": "长三角乡村振兴发展联合会"}).content.decode()
    assert "跨区域名称须经民政部登记" in html
