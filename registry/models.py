"""The register of social organizations and their credit and supervision records.

The register is public information (登记信息依法公开): every authority reads every row
(``public_read``); an authority writes only its own organizations and their records
(``scope_field``), the ministry all of them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Authority
from portal.scoping import RestrictedQuerySet, ScopedModel, user_scope_prefix
from registry.choices import (
    CREDIT_CODE_CATEGORY,
    GRADE_VALID_YEARS,
    BranchKind,
    CreditListKind,
    Criterion,
    Grade,
    ImportStatus,
    InspectionKind,
    InspectionResult,
    NominationStage,
    OrgKind,
    OrgStatus,
    PenaltyType,
)
from registry.validators import validate_code_matches_kind, validate_credit_code

DIVISION_CODE = RegexValidator(r"^[0-9]{6}$", "区划代码应为 6 位数字。")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def province_code_of(authority: Authority) -> str:
    return authority.code[:2]


class OrganizationQuerySet(RestrictedQuerySet):
    def active(self):
        return self.filter(status=OrgStatus.NORMAL)


class Organization(ScopedModel):
    """A registered social organization (社会团体 / 社会服务机构 / 基金会)."""

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    authority = models.ForeignKey(
        Authority, verbose_name=_("登记管理机关"), on_delete=models.PROTECT, related_name="organizations"
    )
    supervisory_unit = models.CharField(_("业务主管单位"), max_length=100, blank=True,
                                        help_text=_("直接登记的社会组织不填"))
    registered_on = models.DateField(_("成立登记日期"), null=True, blank=True)
    domicile_code = models.CharField(_("住所区划代码"), max_length=6, blank=True, validators=[DIVISION_CODE])
    address = models.CharField(_("住所"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    registered_capital = models.DecimalField(_("注册资金/原始基金（万元）"), max_digits=14, decimal_places=2,
                                             null=True, blank=True)
    business_scope = models.TextField(_("业务范围"), blank=True)
    is_charity = models.BooleanField(_("慈善组织"), default=False)
    charity_recognized_on = models.DateField(_("慈善组织认定（登记）日期"), null=True, blank=True)
    status = models.CharField(_("登记状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.NORMAL)
    status_changed_on = models.DateField(_("撤销/注销日期"), null=True, blank=True)
    status_reason = models.CharField(_("撤销/注销原因"), max_length=300, blank=True)

    # kept by the services (registry.services) so that a list of a million rows filters on columns
    former_names = models.TextField(_("曾用名"), blank=True, editable=False)
    grade = models.PositiveSmallIntegerField(_("评估等级"), choices=Grade.choices, null=True, blank=True,
                                             editable=False)
    grade_expires_on = models.DateField(_("等级有效期至"), null=True, blank=True, editable=False)
    on_abnormal_list = models.BooleanField(_("列入活动异常名录"), default=False, editable=False)
    on_dishonest_list = models.BooleanField(_("列入严重违法失信名单"), default=False, editable=False)
    # the first two digits of the registering authority's code ("00" the ministry): a province filter on
    # one column of this table, which an index (province_code, name, id) serves together with the sort
    province_code = models.CharField(_("省份代码"), max_length=2, editable=False, default="")
    # the search columns (registry/text.py): normalised name + former names, and its character pairs
    search_key = models.GeneratedField(
        expression=Func(F("name"), F("former_names"), function="registry_search_key"),
        output_field=models.TextField(), db_persist=True)
    search_bigrams = models.GeneratedField(
        expression=Func(Func(F("name"), F("former_names"), function="registry_search_key"),
                        function="registry_bigrams"),
        output_field=ArrayField(models.TextField()), db_persist=True)

    objects = OrganizationQuerySet.as_manager()
    public_read = True

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["name", "id"]
        indexes = [
            GinIndex(fields=["search_bigrams"], name="organization_bigrams"),
            GinIndex(fields=["search_key"], name="organization_key_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["name", "id"], name="organization_name_id"),
            models.Index(fields=["province_code", "name", "id"], name="organization_province_name_id"),
            models.Index(fields=["registered_on", "id"], name="organization_registered_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=r"^5[1239][0-9A-HJ-NPQRTUWXY]{16}$"),
                                   name="organization_credit_code_civil_affairs",
                                   violation_error_message="统一社会信用代码应以 51、52、53 或 59 开头，共 18 位。"),
            # the second character of the code is the kind (GB 32100-2015, 民政部门 category codes)
            models.CheckConstraint(
                condition=Q(*[Q(kind=kind, credit_code__startswith="5" + digit)
                              for kind, digit in CREDIT_CODE_CATEGORY.items()], _connector=Q.OR),
                name="organization_credit_code_matches_kind",
                violation_error_message="统一社会信用代码第二位与社会组织类型不符。"),
            models.CheckConstraint(
                condition=Q(status=OrgStatus.NORMAL) | Q(status_changed_on__isnull=False),
                name="organization_status_change_dated",
                violation_error_message="撤销登记或注销的，须填写日期。"),
            models.CheckConstraint(condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                                   name="organization_capital_not_negative",
                                   violation_error_message="注册资金不能为负数。"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_code = province_code_of(self.authority)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.credit_code and self.kind:
            try:
                validate_code_matches_kind(self.credit_code, self.kind)
            except ValidationError as exc:
                errors["credit_code"] = exc.messages
        if self.status != OrgStatus.NORMAL:
            if not self.status_changed_on:
                errors["status_changed_on"] = ["撤销登记或注销的，须填写日期。"]
            if not self.status_reason:
                errors["status_reason"] = ["撤销登记或注销的，须填写原因。"]
        if self.is_charity and not self.charity_recognized_on:
            errors["charity_recognized_on"] = ["慈善组织须填写认定（登记）日期。"]
        if self.registered_on and self.status_changed_on and self.status_changed_on < self.registered_on:
            errors["status_changed_on"] = ["撤销/注销日期不能早于成立登记日期。"]
        if errors:
            raise ValidationError(errors)

    @property
    def level(self) -> str:
        return self.authority.get_level_display()

    @property
    def grade_label(self) -> str:
        grade = self.current_grade()
        return grade.label if grade else ""

    def current_grade(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        if self.grade and self.grade_expires_on and self.grade_expires_on >= on:
            return Grade(self.grade)
        return None


class OrganizationChildQuerySet(RestrictedQuerySet):
    pass


class OrganizationChild(ScopedModel):
    """A row that belongs to one organization and follows its scope (read by all, written by its authority)."""

    organization = models.ForeignKey(Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE,
                                     related_name="%(class)ss")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = OrganizationChildQuerySet.as_manager()
    scope_field = "organization__authority"
    public_read = True

    class Meta:
        abstract = True


class FormerName(OrganizationChild):
    """A name the organization used before (名称变更登记)."""

    name = models.CharField(_("曾用名"), max_length=200)
    used_from = models.DateField(_("启用日期"), null=True, blank=True)
    used_until = models.DateField(_("变更日期"))

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        ordering = ["-used_until"]
        constraints = [
            models.CheckConstraint(condition=Q(used_from__isnull=True) | Q(used_from__lte=F("used_until")),
                                   name="formername_dates_in_order",
                                   violation_error_message="启用日期不能晚于变更日期。"),
        ]

    def __str__(self):
        return self.name


class Branch(OrganizationChild):
    """分支机构、代表机构: part of its parent, without legal personality of its own."""

    kind = models.CharField(_("类别"), max_length=8, choices=BranchKind.choices, default=BranchKind.BRANCH)
    name = models.CharField(_("名称"), max_length=200)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    head = models.CharField(_("负责人"), max_length=64, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    closed_on = models.DateField(_("注销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("分支（代表）机构")
        verbose_name_plural = _("分支（代表）机构")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="branch_name_unique_per_parent",
                                    violation_error_message="该社会组织已有同名的分支（代表）机构。"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(established_on__isnull=True)
                | Q(closed_on__gte=F("established_on")), name="branch_dates_in_order",
                violation_error_message="注销日期不能早于设立日期。"),
        ]

    def __str__(self):
        return self.name


class AnnualInspection(OrganizationChild):
    """年度检查 (before the annual-report reform) or 年度工作报告: one per organization and year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("方式"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.REPORT)
    result = models.CharField(_("结论"), max_length=8, choices=InspectionResult.choices)
    concluded_on = models.DateField(_("结论日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("年检（年报）")
        verbose_name_plural = _("年检（年报）")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="inspection_one_per_year",
                                    violation_error_message="该年度的年检（年报）结论已登记。"),
            models.CheckConstraint(condition=Q(year__gte=1988) & Q(year__lte=2100), name="inspection_year_sane",
                                   violation_error_message="年度应在 1988 至 2100 之间。"),
        ]

    def __str__(self):
        return f"{self.year}年度{self.get_kind_display()}：{self.get_result_display()}"


class Evaluation(OrganizationChild):
    """社会组织评估等级 1A–5A; valid five years (《社会组织评估管理办法》第三十条)."""

    grade = models.PositiveSmallIntegerField(_("评估等级"), choices=Grade.choices)
    rated_on = models.DateField(_("评定日期"))
    expires_on = models.DateField(_("有效期至"), editable=False)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("评估等级")
        verbose_name_plural = _("评估等级")
        ordering = ["-rated_on"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gt=F("rated_on")), name="evaluation_expires_after_rating",
                                   violation_error_message="有效期应晚于评定日期。"),
        ]

    def __str__(self):
        return f"{self.get_grade_display()}（{self.rated_on:%Y-%m-%d} 评定）"

    def save(self, *args, **kwargs):
        self.expires_on = add_years(self.rated_on, GRADE_VALID_YEARS)
        super().save(*args, **kwargs)


class Penalty(OrganizationChild):
    """行政处罚 by the registration authority."""

    decided_on = models.DateField(_("处罚日期"))
    penalty_type = models.CharField(_("处罚种类"), max_length=16, choices=PenaltyType.choices)
    amount = models.DecimalField(_("罚没金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    document_number = models.CharField(_("处罚决定书文号"), max_length=64)
    reason = models.CharField(_("违法事实"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="penalty_amount_positive",
                                   violation_error_message="金额不能为负数。"),
        ]

    def __str__(self):
        return f"{self.get_penalty_type_display()}（{self.document_number}）"


class CreditListEntry(OrganizationChild):
    """An entry on the 活动异常名录 or the 严重违法失信名单, with its removal (《社会组织信用信息管理办法》)."""

    list_kind = models.CharField(_("名录"), max_length=12, choices=CreditListKind.choices)
    entered_on = models.DateField(_("列入日期"))
    ground = models.CharField(_("列入事由"), max_length=300)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出事由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("名录记录")
        verbose_name_plural = _("名录记录")
        ordering = ["-entered_on"]
        constraints = [
            models.CheckConstraint(condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("entered_on")),
                                   name="creditlist_removed_after_entry",
                                   violation_error_message="移出日期不能早于列入日期。"),
            models.CheckConstraint(condition=Q(removed_on__isnull=True) | ~Q(removal_reason=""),
                                   name="creditlist_removal_has_reason",
                                   violation_error_message="移出名录须填写移出事由。"),
            # one open entry per list at a time
            models.UniqueConstraint(fields=["organization", "list_kind"], condition=Q(removed_on__isnull=True),
                                    name="creditlist_one_open_entry",
                                    violation_error_message="该社会组织已在此名录中，须先移出才能再次列入。"),
        ]

    def __str__(self):
        return f"{self.get_list_kind_display()}（{self.entered_on:%Y-%m-%d} 列入）"

    @property
    def in_force(self) -> bool:
        return self.removed_on is None


class OrganizationImport(models.Model):
    """An uploaded organization workbook (a run, as find-that-charity keeps them): parsed into a preview,
    then committed all-or-nothing or discarded.  Its authority is the importer's: a province's clerk sees
    and commits only the imports of the province's area."""

    authority = models.ForeignKey(Authority, verbose_name=_("导入机关"), on_delete=models.PROTECT,
                                  related_name="+")
    # what the file holds: organizations, or one kind of credit record (registry.sheets.SPECS)
    kind = models.CharField(_("导入内容"), max_length=16, default="organization")
    file = models.FileField(_("文件"), upload_to="registry/imports/%Y/%m/", max_length=300)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    rows = models.JSONField(_("解析结果"), default=list)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    skipped_count = models.PositiveIntegerField(_("已登记（不再导入）行数"), default=0)
    added_count = models.PositiveIntegerField(_("导入数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("社会组织导入")
        verbose_name_plural = _("社会组织导入")
        ordering = ["-created", "-id"]
        constraints = [
            # the same file committed twice would be refused row by row anyway; this says so at once
            models.UniqueConstraint(fields=["sha256"], condition=Q(status="committed"),
                                    name="organizationimport_file_committed_once",
                                    violation_error_message="同一文件已导入。"),
        ]

    def __str__(self):
        return self.filename


class CommendationRound(models.Model):
    """A round of 全国先进社会组织 commendation opened by the ministry, with its quotas.

    The hard criteria are judged as of ``reference_date`` over the years from ``since_year``
    (``registry.commendation.eligibility``).  Every authority reads the round (scope_field None)."""

    title = models.CharField(_("名称"), max_length=100)
    reference_date = models.DateField(_("条件截止日期"))
    since_year = models.PositiveSmallIntegerField(_("考察起始年度"), default=2021)
    local_quota = models.PositiveIntegerField(_("地方名额"), default=170)
    ministry_quota = models.PositiveIntegerField(_("部管社会组织名额"), default=130)
    closes_on = models.DateField(_("报送截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = None

    class Meta:
        verbose_name = _("先进社会组织评选")
        verbose_name_plural = _("先进社会组织评选")
        ordering = ["-reference_date", "-id"]
        permissions = [("export_nationallist", _("导出全国推荐名单"))]

    def __str__(self):
        return self.title

    def quota_for(self, authority: Authority) -> int:
        """The number the authority's area may nominate: the ministry's share for 民政部, else its province's."""
        if authority.is_ministry:
            return self.ministry_quota
        province = authority.province
        row = self.quotas.filter(authority=province).first()
        return row.quota if row else 0


class RoundQuota(models.Model):
    """A province's share of the round's local quota."""

    round = models.ForeignKey(CommendationRound, verbose_name=_("评选"), on_delete=models.CASCADE,
                              related_name="quotas")
    authority = models.ForeignKey(Authority, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("名额"))

    objects = RestrictedQuerySet.as_manager()
    scope_field = None

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        constraints = [
            models.UniqueConstraint(fields=["round", "authority"], name="roundquota_one_per_province",
                                    violation_error_message="该省份的名额已分配。"),
        ]

    def __str__(self):
        return f"{self.authority}：{self.quota}"


class RoundVerdictQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action: str = "view"):
        """A province sees the verdicts of its own area's organizations, the ministry all: ``scope_field``
        (the organization's authority), read for a province from the verdict's own province column."""
        prefix = user_scope_prefix(user)
        if prefix is not None and len(prefix) == 2:
            return Q(province_code=prefix)
        return super().scope_q(user, action)


class RoundVerdict(models.Model):
    """One organization's verdict on a round's hard criteria as of the round's date, stored.

    Computed for the whole register by the verdict job (``registry.jobs.round_verdicts``) when the round
    opens and again on demand (重新核算), and for one organization again by the register's services
    whenever it or one of its records is written (``registry.commendation.verdicts_refresh``).  A list to
    choose from, not the authority: ``nominate`` judges the organization again at the moment of nominating.
    ``name``, ``credit_code`` and ``province_code`` are the organization's as of the verdict, for the list's
    sort and filter on one table."""

    round = models.ForeignKey(CommendationRound, verbose_name=_("评选"), on_delete=models.CASCADE,
                              related_name="verdicts")
    organization = models.ForeignKey(Organization, verbose_name=_("社会组织"), on_delete=models.CASCADE,
                                     related_name="+")
    authority = models.ForeignKey(Authority, verbose_name=_("登记管理机关"), on_delete=models.PROTECT,
                                  related_name="+")
    province_code = models.CharField(_("省份代码"), max_length=2)
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    eligible = models.BooleanField(_("符合条件"))
    preferred = models.BooleanField(_("4A 及以上（优先）"), default=False)
    criteria = ArrayField(models.CharField(max_length=16, choices=Criterion.choices), verbose_name=_("未符合的条件"),
                          default=list, blank=True)
    failures = models.JSONField(_("未符合的条件（说明）"), default=list, blank=True)
    computed_at = models.DateTimeField(_("核算时间"))

    objects = RoundVerdictQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("评选条件核算结果")
        verbose_name_plural = _("评选条件核算结果")
        ordering = ["round", "name", "id"]
        permissions = [("recompute_roundverdict", _("重新核算评选条件"))]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="roundverdict_one_per_organization",
                                    violation_error_message="该社会组织在本次评选中已有核算结果。"),
        ]
        indexes = [
            models.Index(fields=["round", "province_code", "name", "id"], name="roundverdict_province_name"),
            models.Index(fields=["round", "name", "id"], name="roundverdict_name"),
        ]

    def __str__(self):
        return f"{self.name}：{'符合' if self.eligible else '不符合'}"


class NominationQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action: str = "view"):
        """The ministry reads every nominee and moves only its own (the ministry-registered organizations it
        nominates on the 部管 quota): a province's nominees are reviewed, publicised and forwarded by the
        province (issue 10, point 6), so for the ministry they are read-only."""
        q = super().scope_q(user, action)
        if q is not None and action != "view" and user_scope_prefix(user) == "":
            return Q(authority_id=user.authority_id)
        return q


class Nomination(models.Model):
    """A province's (or the ministry's) nominee of a round, through review and publicity."""

    round = models.ForeignKey(CommendationRound, verbose_name=_("评选"), on_delete=models.CASCADE,
                              related_name="nominations")
    organization = models.ForeignKey(Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT,
                                     related_name="nominations")
    # the province (or the ministry) whose quota the nominee takes: its users see and move it
    authority = models.ForeignKey(Authority, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("推荐理由"), max_length=300)
    preferred = models.BooleanField(_("4A 及以上（优先）"), default=False)
    stage = models.CharField(_("环节"), max_length=16, choices=NominationStage.choices,
                             default=NominationStage.NOMINATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    objects = NominationQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("推荐对象")
        verbose_name_plural = _("推荐对象")
        ordering = ["round", "authority__code", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="nomination_once_per_round",
                                    violation_error_message="该社会组织已被推荐。"),
        ]

    def __str__(self):
        return f"{self.organization}（{self.get_stage_display()}）"


class NominationStep(models.Model):
    """One step of a nomination: a review decision, or a publicity period with its objections."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐对象"), on_delete=models.CASCADE,
                                   related_name="steps")
    stage = models.CharField(_("进入环节"), max_length=16, choices=NominationStage.choices)
    opinion = models.CharField(_("意见"), max_length=300, blank=True)
    starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    objections = models.TextField(_("公示期间收到的异议"), blank=True)
    objection_outcome = models.CharField(_("异议核实结果"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "nomination__authority"

    class Meta:
        verbose_name = _("推荐环节")
        verbose_name_plural = _("推荐环节")
        ordering = ["nomination", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="nominationstep_publicity_in_order",
                                   violation_error_message="公示结束日期不能早于开始日期。"),
        ]

    def __str__(self):
        return self.get_stage_display()
