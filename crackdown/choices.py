"""Choices of the crackdown app (打击整治非法社会组织), from 《取缔非法社会组织办法》 (2025-05-01)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    """Where a lead (线索) came from."""

    PUBLIC_REPORT = "public_report", _("群众举报")
    PATROL = "patrol", _("巡查监测")
    DEPARTMENT = "department", _("部门移送")
    MINISTRY = "ministry", _("民政部交办")
    TRANSFER = "transfer", _("其他登记管理机关移交")


class Department(models.TextChoices):
    """Departments that pass leads and receive referrals (联合执法、资金监管)."""

    CYBERSPACE = "cyberspace", _("网信部门")
    PUBLIC_SECURITY = "public_security", _("公安机关")
    STATE_SECURITY = "state_security", _("国家安全机关")
    TELECOM = "telecom", _("通信管理部门")
    PBOC = "pboc", _("人民银行")
    MARKET = "market", _("市场监管部门")
    TAX = "tax", _("税务部门")
    UNITED_FRONT = "united_front", _("统战部门")
    EDUCATION = "education", _("教育部门")
    ETHNIC_RELIGIOUS = "ethnic_religious", _("民族宗教部门")
    CULTURE_TOURISM = "culture_tourism", _("文化旅游部门")
    OTHER = "other", _("其他部门")


class ReportChannel(models.TextChoices):
    WEB = "web", _("网上举报")
    HOTLINE = "hotline", _("举报电话")
    MAILBOX = "mailbox", _("举报邮箱")
    LETTER = "letter", _("来信来访")


class LeadStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    CHECKING = "checking", _("核查中")
    UNFOUNDED = "unfounded", _("不属实")
    CONFIRMED = "confirmed", _("属实")
    FILED = "filed", _("转立案")
    TRANSFERRED = "transferred", _("移交")


# What the reporter may see of a lead through the receipt number: nothing more than this.
class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    CHECKING = "checking", _("核查中")
    CLOSED = "closed", _("已办结")


class TargetType(models.TextChoices):
    """The three targets of 《取缔非法社会组织办法》 (第二条)."""

    UNREGISTERED = "unregistered", _("未经登记，擅自以社会组织名义进行活动")
    PREPARATION = "preparation", _("社会团体筹备期间开展筹备以外的活动")
    REVOKED = "revoked", _("被撤销登记或吊销登记证书后继续以社会组织名义开展活动")


class UnfoundedReason(models.TextChoices):
    """Why a lead was closed as 不属实: the facts, or one of the groups 《取缔非法社会组织办法》 第三条
    puts outside its reach."""

    FACTS = "facts", _("举报事实不存在或无法查实")
    COMMUNITY_FILED = "community_filed", _("在乡镇人民政府（街道办事处）备案的社区社会组织")
    EXEMPT = "exempt", _("依法免予登记的团体")
    INTERNAL = "internal", _("机关、团体、企业事业单位内部经本单位批准成立、在本单位内部活动的团体")


class Jurisdiction(models.TextChoices):
    TERRITORIAL = "territorial", _("属地管辖")
    ESCALATED = "escalated", _("提级管辖")
    DESIGNATED = "designated", _("指定管辖")
    TRANSFERRED = "transferred", _("移送管辖")


class CaseStage(models.TextChoices):
    """The procedure's stages; the allowed moves between them are crackdown.workflow.TRANSITIONS."""

    FILING = "filing", _("立案审批")
    INVESTIGATION = "investigation", _("调查取证")
    REPORT = "report", _("调查终结报告")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    NOTICE = "notice", _("告知及陈述申辩")
    DECISION = "decision", _("决定审批")
    HEARING = "hearing", _("听证")
    SERVICE = "service", _("送达")
    ANNOUNCEMENT = "announcement", _("公告")
    CLOSED = "closed", _("结案")
    DISSUADED = "dissuaded", _("劝散结案")
    DISSOLVED = "dissolved", _("自行解散结案")
    REGISTERED = "registered", _("引导登记结案")
    WITHDRAWN = "withdrawn", _("撤案")
    NOT_FILED = "not_filed", _("不予立案")


class CaseOutcome(models.TextChoices):
    """What a case was decided with; counted by the statistics.  移送 is not among them: a referral to
    public security or another department is a record of its own beside the decision (CaseReferral)."""

    BANNED = "banned", _("取缔")
    DISSUADED = "dissuaded", _("劝散")
    DISSOLVED = "dissolved", _("自行解散")
    REGISTERED = "registered", _("引导登记")
    WITHDRAWN = "withdrawn", _("撤案")
    NOT_FILED = "not_filed", _("不予立案")


class DocumentKind(models.TextChoices):
    """The case documents (执法文书); a step of ``crackdown.workflow`` names the ones it needs."""

    FILING_FORM = "filing_form", _("立案审批表")
    INQUIRY = "inquiry", _("询问笔录")
    INSPECTION = "inspection", _("检查笔录")
    REPORT = "report", _("调查终结报告")
    LEGAL_OPINION = "legal_opinion", _("法制审核意见")
    NOTICE = "notice", _("告知书")
    STATEMENT = "statement", _("陈述申辩笔录")
    HEARING = "hearing", _("听证笔录")
    DECISION = "decision", _("决定书")
    SERVICE_RECEIPT = "service_receipt", _("送达回证")
    ANNOUNCEMENT = "announcement", _("公告")
    ADMONITION = "admonition", _("劝诫记录")
    UNDERTAKING = "undertaking", _("成员解散承诺书")
    EXTENSION = "extension", _("延期审批表")
    OTHER = "other", _("其他文书")


class ServiceMethod(models.TextChoices):
    """送达方式 (《行政处罚法》第六十一条 refers to 《民事诉讼法》's ways of service)."""

    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    POST = "post", _("邮寄送达")
    PUBLIC = "public", _("公告送达")


class PropertyDisposal(models.TextChoices):
    """What became of confiscated property (没收非法财产)."""

    TREASURY = "treasury", _("上缴国库")
    AUCTION = "auction", _("依法拍卖、变卖后上缴国库")
    DESTROYED = "destroyed", _("依法销毁")
    PENDING = "pending", _("待处置")


class NameRuleKind(models.TextChoices):
    """How a name rule matches (crackdown.names)."""

    PREFIX = "prefix", _("冠于名称之首")
    ANYWHERE = "anywhere", _("出现在名称任何位置")


class EvidenceKind(models.TextChoices):
    DOCUMENTARY = "documentary", _("书证")
    PHYSICAL = "physical", _("物证")
    AUDIOVISUAL = "audiovisual", _("视听资料")
    ELECTRONIC = "electronic", _("电子数据")
    WITNESS = "witness", _("证人证言")
    PARTY_STATEMENT = "party_statement", _("当事人陈述")
    EXPERT_OPINION = "expert_opinion", _("鉴定意见")
    INSPECTION_RECORD = "inspection_record", _("勘验笔录、现场笔录")


class InquiryKind(models.TextChoices):
    INQUIRY = "inquiry", _("询问笔录")
    INSPECTION = "inspection", _("检查笔录")


class LinkedPartyKind(models.TextChoices):
    UNIT = "unit", _("勾连单位")
    PERSON = "person", _("勾连人员")


class LinkedPartyRole(models.TextChoices):
    ACCOUNT = "account", _("提供账户")
    VENUE = "venue", _("提供场所")
    BRANCH = "branch", _("设立分支")
    PUBLICITY = "publicity", _("宣传推广")
    OTHER = "other", _("其他协助")


class ListKind(models.TextChoices):
    SUSPECTED = "suspected", _("涉嫌非法社会组织名单")
    BANNED = "banned", _("取缔名单")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待发布")  # 提请发布: the clerk has sent it to whoever may publish
    PUBLISHED = "published", _("已发布")
