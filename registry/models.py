from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Authority
from portal.scoping import RestrictedQuerySet
from registry.choices import OrgKind, OrgStatus
from registry.validators import validate_credit_code


class Organization(models.Model):
    """A registered social organization (社会团体 / 社会服务机构 / 基金会)."""

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    status = models.CharField(_("登记状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.NORMAL)
    authority = models.ForeignKey(
        Authority, verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="organizations"
    )
    registered_on = models.DateField(_("成立登记日期"), null=True, blank=True)
    is_charity = models.BooleanField(_("慈善组织"), default=False)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["name"]
        indexes = [GinIndex(fields=["name"], name="organization_name_trgm", opclasses=["gin_trgm_ops"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_code__regex=r"^5[0-9A-HJ-NPQRTUWXY]{17}$"),
                                   name="organization_credit_code_civil_affairs"),
        ]

    def __str__(self):
        return self.name
