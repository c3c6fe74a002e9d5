from django.db import models
from django.utils.translation import gettext_lazy as _


class AidProgram(models.TextChoices):
    TIBET = "援藏", _("援藏")
    XINJIANG = "援疆", _("援疆")
    QINGHAI = "援青", _("援青")
    SICHUAN = "援川藏区", _("援川藏区")
    GANSU = "援甘藏区", _("援甘藏区")
    YUNNAN = "援滇藏区", _("援滇藏区")


class PairingLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("地市")
    COUNTY = "county", _("县")
    DIVISION = "division", _("兵团师")
    REGIMENT = "regiment", _("兵团团场")


class Confidence(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class ListKind(models.TextChoices):
    """The three attachments of the notice."""

    LIAISON = "liaison", _("附件1 省级联络员表")
    NEED = "need", _("附件2 项目需求清单")
    SUPPLY = "supply", _("附件3 项目供给清单")


class AidCategory(models.TextChoices):
    """帮扶类别, exactly as the notice lists them."""

    INDUSTRY = "产业帮扶", _("产业帮扶")
    EDUCATION = "教育帮扶", _("教育帮扶")
    MEDICAL = "医疗帮扶", _("医疗帮扶")
    VOLUNTEER = "志愿帮扶", _("志愿帮扶")
    CONSUMPTION = "消费帮扶", _("消费帮扶")
    OTHER = "其他", _("其他")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")


class UploadStatus(models.TextChoices):
    PREVIEW = "preview", _("待确认")
    COMMITTED = "committed", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class MatchStatus(models.TextChoices):
    """对接: an aiding province proposes, the recipient decides, then the project runs."""

    PROPOSED = "proposed", _("意向对接")
    DECLINED = "declined", _("已婉拒")
    WITHDRAWN = "withdrawn", _("已撤回")
    MATCHED = "matched", _("已对接")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")
