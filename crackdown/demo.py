"""Demo data of the crackdown app (河北, 浙江): leads, cases at different stages, published lists.

Idempotent: leads are keyed on (authority, organization name); a lead that already has its case is
left alone.  Adds the approvers and legal reviewers the procedure needs (second-person rule).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from crackdown import services
from crackdown.choices import (
    CaseStage,
    Department,
    DocumentKind,
    EvidenceKind,
    LeadSource,
    LeadStatus,
    ListKind,
    ServiceMethod,
    TargetType,
)
from crackdown.models import (
    Case,
    CheckBatch,
    Evidence,
    Informant,
    InquiryRecord,
    Lead,
    LinkedParty,
    ListBatch,
    WebsiteShutdown,
)
from crackdown.roles import APPROVER, INFORMANT_READER, LEGAL_REVIEWER
from crackdown.workflow import steps_from
from portal.demo import demo_password_hash
from portal.models import Authority, Role, User

# Pages that need no login, (name, path): the run command lists them (portal.demo.public_pages)
PUBLIC_PAGES = [
    ("公开名单（取缔、涉嫌非法社会组织）", "/crackdown/public/lists/"),
    ("举报非法社会组织（提交后给出受理编号）", "/crackdown/public/report/"),
    ("举报办理进度查询", "/crackdown/public/status/"),
]

# username → (authority, groups, full name)
EXTRA_ACCOUNTS = {
    "hb_leader": ("130000", [Role.PROVINCE_STAFF, APPROVER, INFORMANT_READER], "河北 赵处长（审批人）"),
    "hb_legal": ("130000", [Role.PROVINCE_STAFF, LEGAL_REVIEWER], "河北 钱法制审核员"),
    "zj_leader": ("330000", [Role.PROVINCE_STAFF, APPROVER, LEGAL_REVIEWER], "浙江 孙处长（审批人、法制审核）"),
    "bu_leader": ("000000", [Role.MINISTRY_STAFF, APPROVER, INFORMANT_READER], "部里 李司长（审批人）"),
}

# the path of a case to each stage: (next stage, who does it: staff | leader | legal)
PATH = [
    (CaseStage.INVESTIGATION, "leader"), (CaseStage.REPORT, "staff"), (CaseStage.LEGAL_REVIEW, "staff"),
    (CaseStage.NOTICE, "legal"), (CaseStage.DECISION, "staff"),
]


def _accounts(accounts):
    for username, (code, groups, full_name) in EXTRA_ACCOUNTS.items():
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username, authority=Authority.objects.get(code=code), full_name=full_name,
            password=demo_password_hash())
        user.groups.set(Group.objects.filter(name__in=groups))
        accounts[username] = user
    return accounts


CREATED: list[str] = []


def _lead(user, name, *, status=LeadStatus.PENDING, informant=None, **fields) -> tuple[Lead, bool]:
    existing = Lead.objects.filter(authority=user.authority, org_name=name).first()
    if existing is not None:
        return existing, False
    CREATED.append(name)
    fields.setdefault("source", LeadSource.PATROL)
    lead = services.lead_create(actor=user, org_name=name, **fields)
    if informant:
        Informant.objects.create(lead=lead, **informant)
    if status in (LeadStatus.CHECKING, LeadStatus.CONFIRMED, LeadStatus.UNFOUNDED):
        lead = services.lead_set_status(lead=lead, actor=user, status=LeadStatus.CHECKING, note="开始核查")
    if status == LeadStatus.CONFIRMED:
        lead = services.lead_set_status(lead=lead, actor=user, status=LeadStatus.CONFIRMED,
                                        note="经实地核查，该组织未经登记以社会组织名义开展活动，线索属实。")
    if status == LeadStatus.UNFOUNDED:
        lead = services.lead_set_status(lead=lead, actor=user, status=LeadStatus.UNFOUNDED,
                                        note="经核查，系已登记社会组织的正常活动，线索不属实。")
    return lead, True


def _documents(case, to_stage):
    """A short text file for each document the step needs (the demo's stand-in for the scanned paper)."""
    return [(kind, ContentFile(f"{case.number} {DocumentKind(kind).label}（示例）".encode(),
                               name=f"{DocumentKind(kind).label}.txt"))
            for kind in steps_from(case.stage)[to_stage].documents]


def _step(case, to_stage, actor, note, **values):
    return services.case_transition(case=case, to_stage=to_stage, actor=actor, note=note,
                                    expected_version=case.version, documents=_documents(case, to_stage), **values)


def _case(lead, people, until, *, end=None, target=TargetType.UNREGISTERED, **end_kwargs) -> Case | None:
    """Open a case from a confirmed lead and walk it to ``until`` (then to ``end`` if given)."""
    if Case.objects.filter(lead=lead).exists():
        return None
    staff = people["staff"]
    case = services.lead_to_case(lead=lead, actor=staff, target_type=target, summary=lead.description,
                                 note="经核查属实，提请立案。")
    for stage, who in PATH:
        if case.stage == until:
            break
        extra = {"party_statement": "当事人表示不再以该名义开展活动。"} if case.stage == CaseStage.NOTICE else {}
        case = _step(case, stage, people[who], "同意。", **extra)
    if end is not None:
        case = _step(case, end, people["leader"], "经集体研究决定。", **end_kwargs)
        if end == CaseStage.SERVICE:
            today = timezone.localdate()
            case = _step(case, CaseStage.ANNOUNCEMENT, staff, "当场交付当事人。",
                         service_method=ServiceMethod.DIRECT, served_on=today)
            case = _step(case, CaseStage.CLOSED, staff, "已在门户网站公告。", announced_on=today)
    return case


def _published_list(staff, leader, kind, number, sources):
    if ListBatch.objects.filter(authority=staff.authority, kind=kind, number=number).exists():
        return
    batch = services.list_batch_create(actor=staff, kind=kind, number=number)
    for source in sources:
        if isinstance(source, Case):
            services.list_entry_add(batch=batch, actor=staff, case=source, lead=source.lead)
        else:
            services.list_entry_add(batch=batch, actor=staff, lead=source)
    services.list_publish(batch=batch, actor=leader)


def load_demo(accounts) -> str:
    accounts = _accounts(dict(accounts))
    today = timezone.localdate()
    CREATED.clear()

    # --- 河北 -----------------------------------------------------------------------------------
    hb = {"staff": accounts["hb_staff"], "leader": accounts["hb_leader"], "legal": accounts["hb_legal"]}
    s = hb["staff"]
    lead, _ = _lead(s, "中华国学文化传承促进总会", source=LeadSource.PUBLIC_REPORT, channel="web",
                      place_text="河北省廊坊市", places=["131000"], description="以国学培训名义收取会费，发展会员。",
                      informant={"name": "张三", "phone": "13912341111"})
    batch = CheckBatch.objects.filter(authority=s.authority, number="冀民排〔2025〕1号").first()
    checking, _ = _lead(s, "京津冀乡村振兴发展联合会", claimed_backing="自称国家乡村振兴部门主管",
                          place_text="河北省保定市", places=["130600"], description="以乡村振兴名义招商引资。")
    if batch is None:
        services.check_batch_create(actor=s, number="冀民排〔2025〕1号", checked_on=today, leads=[checking])
    _lead(s, "中华孝道文化促进会", description="举办孝道讲座并销售保健品。", place_text="石家庄市",
          places=["130100"])
    _lead(s, "河北省太极拳爱好者协会筹备组", status=LeadStatus.UNFOUNDED, description="群众反映其以协会名义活动。")
    filing, _ = _lead(s, "全国老年康养产业联盟", status=LeadStatus.CONFIRMED, source=LeadSource.DEPARTMENT,
                      source_department=Department.PUBLIC_SECURITY, description="以康养项目名义向老年人集资。")
    _case(filing, hb, CaseStage.FILING)
    inv, _ = _lead(s, "中国红色文化研究院河北分院", status=LeadStatus.CONFIRMED, source=LeadSource.MINISTRY,
                   claimed_backing="自称中央有关部门批准", description="冒用国家机关名义颁发证书。",
                   websites="www.hongse-yanjiuyuan.example")
    case = _case(inv, hb, CaseStage.INVESTIGATION)
    if case is not None:
        services.case_add_record(case=case, actor=s, record=Evidence(
            kind=EvidenceKind.ELECTRONIC, description="微信公众号发布的收费通知截图", source="网络巡查",
            obtained_on=today))
        services.case_add_record(case=case, actor=s, record=InquiryRecord(
            kind="inquiry", held_on=today, place="石家庄市长安区某写字楼", subject="负责人王某",
            officer_one="刘执法", officer_one_cert="13000001", officer_two="陈执法", officer_two_cert="13000002",
            content="王某承认未经登记以研究院名义开展活动。"))
    review, _ = _lead(s, "世界华人书画家协会", status=LeadStatus.CONFIRMED, description="以评选名义收取参评费。")
    _case(review, hb, CaseStage.LEGAL_REVIEW)
    banned_lead, _ = _lead(s, "国际易经风水研究会", status=LeadStatus.CONFIRMED,
                           description="以“国际”名义举办培训、颁发证书，收取高额费用。",
                           websites="www.yijing-intl.example")
    banned = _case(banned_lead, hb, CaseStage.DECISION, end=CaseStage.SERVICE,
                   decision_number=f"冀民取字〔{today.year}〕1号", confiscation_description="培训收费所得",
                   confiscation_amount=Decimal("186000.00"))
    if banned is not None:
        services.case_add_record(case=banned, actor=s, record=WebsiteShutdown(
            website="www.yijing-intl.example", department=Department.TELECOM, shut_on=today))
        services.case_add_record(case=banned, actor=s, record=LinkedParty(
            kind="unit", name="某文化传播有限公司", role="publicity", action="通报市场监管部门依法处理",
            reported_to=Department.MARKET, handled_on=today))
    banned = banned or Case.objects.filter(lead=banned_lead).first()
    dissuaded_lead, _ = _lead(s, "燕赵援藏援疆公益促进会", status=LeadStatus.CONFIRMED,
                              claimed_backing="自称援藏援疆工作机构", description="以援藏援疆名义募捐。")
    _case(dissuaded_lead, hb, CaseStage.DECISION, end=CaseStage.DISSUADED)
    if banned is not None:
        _published_list(s, hb["leader"], ListKind.BANNED, f"{today.year}年第1批", [banned])
        _published_list(s, hb["leader"], ListKind.SUSPECTED, f"{today.year}年第1批", [lead])

    # --- 浙江 -----------------------------------------------------------------------------------
    zj = {"staff": accounts["zj_staff"], "leader": accounts["zj_leader"], "legal": accounts["zj_leader"]}
    z = zj["staff"]
    _lead(z, "中华孝道文化促进会浙江分会", source=LeadSource.PUBLIC_REPORT, channel="hotline",
          place_text="浙江省杭州市", places=["330100"], description="与河北省的同名组织疑为同一组织。",
          informant={"name": "李四", "phone": "13800001111"})
    inv_zj, _ = _lead(z, "国际儒商联合会", status=LeadStatus.CONFIRMED, description="以商会名义收取会费。")
    _case(inv_zj, zj, CaseStage.INVESTIGATION)
    referred_lead, _ = _lead(z, "浙商乡村振兴发展研究院", status=LeadStatus.CONFIRMED, source=LeadSource.DEPARTMENT,
                             source_department=Department.PBOC, description="账户资金异常，涉嫌非法集资。",
                             bank_accounts="6222 0000 0000 0000")
    # 取缔 and 移送 together: the bureau bans, public security takes the fund-raising at the same time
    referred = _case(referred_lead, zj, CaseStage.DECISION, end=CaseStage.SERVICE,
                     decision_number=f"浙民取字〔{today.year}〕1号")
    if referred is not None:
        referral = services.referral_add(case=referred, actor=z, department=Department.PUBLIC_SECURITY,
                                         referred_on=today, matter="涉嫌非法集资的账户流水及会员名册")
        services.referral_result(referral=referral, actor=z, result_on=today, cases_solved=1, suspects_caught=2,
                                 result_note="已立案侦查")
    suspected, _ = _lead(z, "中国国学养生总会", status=LeadStatus.CONFIRMED, description="冒用“中国”字样。")
    _published_list(z, zj["leader"], ListKind.SUSPECTED, f"{today.year}年第1批", [suspected])

    total_leads = Lead.objects.filter(authority__code__in=["130000", "330000"]).count()
    total_cases = Case.objects.filter(authority__code__in=["130000", "330000"]).count()
    return (f"打击整治：河北、浙江示例线索 {total_leads} 条、案件 {total_cases} 件、已发布名单 "
            f"{ListBatch.objects.filter(status='published').count()} 批（本次新增线索 {len(CREATED)}）；"
            f"审批账号 hb_leader、hb_legal、zj_leader、bu_leader（密码同上）")
