from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("社会团体")
    SERVICE_ORG = "service_org", _("社会服务机构")
    FOUNDATION = "foundation", _("基金会")


class OrgStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    REVOKED = "revoked", _("撤销登记")
    DEREGISTERED = "deregistered", _("注销")


# 统一社会信用代码: the second character is the category of a civil-affairs registration.
CREDIT_CODE_CATEGORY = {
    OrgKind.SOCIAL_GROUP: "1",
    OrgKind.SERVICE_ORG: "2",
    OrgKind.FOUNDATION: "3",
}
