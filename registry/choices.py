from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("社会团体")
    SERVICE_ORG = "service_org", _("社会服务机构（民办非企业单位）")
    FOUNDATION = "foundation", _("基金会")
    OTHER = "other", _("其他")


class OrgStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    REVOKED = "revoked", _("撤销登记")
    DEREGISTERED = "deregistered", _("注销")


# 统一社会信用代码 (GB 32100-2015): the first character is the registering department (5 = 民政),
# the second the category of a civil-affairs registration.  This register accepts 51, 52, 53 and 59 only.
CREDIT_CODE_CATEGORY = {
    OrgKind.SOCIAL_GROUP: "1",
    OrgKind.SERVICE_ORG: "2",
    OrgKind.FOUNDATION: "3",
    OrgKind.OTHER: "9",
}
CREDIT_CODE_PREFIXES = tuple("5" + c for c in CREDIT_CODE_CATEGORY.values())


class BranchKind(models.TextChoices):
    BRANCH = "branch", _("分支机构")
    OFFICE = "office", _("代表机构")


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("年度检查")
    REPORT = "report", _("年度报告")


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("合格")
    BASIC = "basic", _("基本合格")
    FAILED = "failed", _("不合格")
    ABSENT = "absent", _("未参检/未报送")


class Grade(models.IntegerChoices):
    A1 = 1, "1A"
    A2 = 2, "2A"
    A3 = 3, "3A"
    A4 = 4, "4A"
    A5 = 5, "5A"


# 《社会组织评估管理办法》第三十条: an evaluation grade is valid for five years.
GRADE_VALID_YEARS = 5


class PenaltyType(models.TextChoices):
    # 《社会团体登记管理条例》第三十条、《民办非企业单位登记管理暂行条例》第二十五条、《基金会管理条例》第四十二条
    WARNING = "warning", _("警告")
    SUSPENSION = "suspension", _("责令停止活动")
    CONFISCATION = "confiscation", _("没收违法所得")
    FINE = "fine", _("罚款")
    REVOCATION = "revocation", _("撤销登记")
    OTHER = "other", _("其他")


class CreditListKind(models.TextChoices):
    # 《社会组织信用信息管理办法》第九条（活动异常名录）、第十四条（严重违法失信名单）
    ABNORMAL = "abnormal", _("活动异常名录")
    DISHONEST = "dishonest", _("严重违法失信名单")


class ImportStatus(models.TextChoices):
    PARSING = "parsing", _("检查中")  # the preview job reads the file (registry.import_jobs)
    PREVIEW = "preview", _("待确认")
    COMMITTING = "committing", _("导入中")  # the commit job registers the rows
    COMMITTED = "committed", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class NominationStage(models.TextChoices):
    """全国先进社会组织 推荐: two review levels, three publicity periods, then the province forwards."""

    NOMINATED = "nominated", _("已推荐")
    FIRST_REVIEWED = "first_reviewed", _("初审通过")
    SECOND_REVIEWED = "second_reviewed", _("复审通过")
    PUBLICITY_1 = "publicity_1", _("第一次公示完成")
    PUBLICITY_2 = "publicity_2", _("第二次公示完成")
    PUBLICITY_3 = "publicity_3", _("第三次公示完成")
    FORWARDED = "forwarded", _("已报送民政部")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Criterion(models.TextChoices):
    """The hard criteria of the 全国先进社会组织 round (the round's notice; ``registry.commendation``):
    the one an excluded organization failed, as stored with its verdict (``RoundVerdict.criteria``)."""

    STATUS = "status", _("登记状态不正常（撤销登记、注销）")
    NOT_REGISTERED = "not_registered", _("截止日期时尚未成立登记")
    PENALTY = "penalty", _("考察期内受过行政处罚")
    INSPECTION = "inspection", _("年检未合格或年报未报送")
    ABNORMAL = "abnormal", _("列入活动异常名录")
    DISHONEST = "dishonest", _("列入严重违法失信名单")
