"""打击整治非法社会组织: leads, check batches, takedown cases, outcomes, exposure and ban lists.

Every user-facing row has an authority (``scope_field``) so the one scoping rule applies: a
province sees its own leads and cases, the ministry all of them.  Invariants are named database
constraints; the procedure itself lives in ``crackdown.workflow``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from crackdown.choices import (
    CaseOutcome,
    CaseStage,
    Department,
    DocumentKind,
    EvidenceKind,
    InquiryKind,
    Jurisdiction,
    LeadSource,
    LeadStatus,
    LinkedPartyKind,
    LinkedPartyRole,
    ListKind,
    ListStatus,
    NameRuleKind,
    PropertyDisposal,
    ReportChannel,
    ServiceMethod,
    TargetType,
    UnfoundedReason,
)
from portal.crypto import EncryptedCharField, EncryptedTextField, KeyedHashField
from portal.models import Authority
from portal.scoping import RestrictedQuerySet, ScopedModel, StampedModel

USER = settings.AUTH_USER_MODEL


def search_key_expression(aliases: bool):
    """The register's search key (registry/text.py: NFKC, lower case, no spaces) of ``org_name``, with the
    aliases (one per line) joined as the register joins former names: the register's two-character
    (bigram GIN) and longer (pg_trgm) search serves leads and cases alike (registry.search.name_q)."""
    others = Func(Func(F("aliases"), Value("\r"), Value(""), function="replace"), Value("\n"), Value("|"),
                  function="replace") if aliases else Value("")
    return Func(F("org_name"), others, function="registry_search_key")


def search_key_field(aliases: bool):
    return models.GeneratedField(expression=search_key_expression(aliases), output_field=models.TextField(),
                                 db_persist=True)


def search_bigrams_field(aliases: bool):
    return models.GeneratedField(expression=Func(search_key_expression(aliases), function="registry_bigrams"),
                                 output_field=ArrayField(models.TextField()), db_persist=True)


def upload_path(instance, filename):
    return f"crackdown/{instance._meta.model_name}/{filename}"


class CheckBatch(StampedModel):
    """排查批次: a batch of leads checked together (the seeds count "51 batches, 296 leads")."""

    number = models.CharField(_("批次编号"), max_length=64)
    checked_on = models.DateField(_("排查日期"))
    authority = models.ForeignKey(Authority, verbose_name=_("登记管理机关"), on_delete=models.PROTECT,
                                  related_name="crackdown_check_batches")
    note = models.TextField(_("说明"), blank=True)
    # kept by services.check_batch_add_leads: the statistics count leads per batch without a join
    # over every lead (bench/crackdown_lists.py)
    lead_count = models.PositiveIntegerField(_("线索数"), default=0, editable=False)

    updated = None  # no 更新时间 column

    class Meta:
        verbose_name = _("排查批次")
        verbose_name_plural = _("排查批次")
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "number"], name="crackdown_checkbatch_number_unique"),
        ]
        indexes = [models.Index(fields=["checked_on"], name="crackdown_checkbatch_date")]

    def __str__(self):
        return f"排查批次 {self.number}"

    def recount(self) -> None:
        CheckBatch.recount_ids([self.pk])

    @staticmethod
    def recount_ids(ids) -> None:
        from django.db.models import Count, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        counts = (Lead.objects.filter(batch=OuterRef("pk")).order_by().values("batch")
                  .annotate(n=Count("id")).values("n"))
        CheckBatch.objects.filter(pk__in=ids).update(lead_count=Coalesce(Subquery(counts), 0))



class Lead(StampedModel):
    """线索: a report that an organization acts illegally, as received by an authority."""

    number = models.CharField(_("线索编号"), max_length=32, unique=True)
    source = models.CharField(_("线索来源"), max_length=16, choices=LeadSource.choices)
    source_department = models.CharField(_("移送部门"), max_length=20, choices=Department.choices, blank=True)
    source_detail = models.CharField(_("来源说明"), max_length=200, blank=True)
    channel = models.CharField(_("举报渠道"), max_length=10, choices=ReportChannel.choices, blank=True)
    org_name = models.CharField(_("组织名称"), max_length=200, help_text=_("该组织对外使用的名称"))
    aliases = models.TextField(_("别名、曾用名"), blank=True, help_text=_("每行一个"))
    # the keyword search's columns (registry.search.name_q): normalised name + aliases, and its character pairs
    search_key = search_key_field(aliases=True)
    search_bigrams = search_bigrams_field(aliases=True)
    claimed_backing = models.CharField(_("自称的背景或挂靠"), max_length=300, blank=True)
    places = ArrayField(models.CharField(max_length=6), verbose_name=_("活动地（区划代码）"), default=list,
                        blank=True)
    place_text = models.CharField(_("活动地（描述）"), max_length=200, blank=True)
    websites = models.TextField(_("网站、公众号、应用"), blank=True, help_text=_("每行一个"))
    bank_accounts = models.TextField(_("银行账户"), blank=True, help_text=_("每行一个"))
    # reported persons (names, ID numbers, contacts): encrypted at rest (portal.crypto)
    persons = EncryptedTextField(_("涉及人员"), blank=True, help_text=_("每行一人：姓名、身份、联系方式"))
    description = models.TextField(_("线索内容"), blank=True)
    authority = models.ForeignKey(Authority, verbose_name=_("受理机关"), on_delete=models.PROTECT,
                                  related_name="crackdown_leads")
    received_on = models.DateField(_("受理日期"))
    status = models.CharField(_("状态"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.PENDING)
    check_due = models.DateField(_("核查期限"), null=True, blank=True)
    check_result = models.TextField(_("核查情况"), blank=True)
    unfounded_reason = models.CharField(_("不属实的理由"), max_length=16, choices=UnfoundedReason.choices, blank=True,
                                        help_text=_("《取缔非法社会组织办法》第三条所列不属于取缔对象的情形，或事实不存在"))
    batch = models.ForeignKey(CheckBatch, verbose_name=_("排查批次"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="leads")
    transfer_authority = models.ForeignKey(Authority, verbose_name=_("移交机关"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    transfer_department = models.CharField(_("移交部门"), max_length=20, choices=Department.choices, blank=True)
    transfer_date = models.DateField(_("移交日期"), null=True, blank=True)
    transferred_from = models.ForeignKey("self", verbose_name=_("移交来源线索"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="transferred_copies")
    receipt_number = models.CharField(_("举报回执号"), max_length=24, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(USER, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        ordering = ["-received_on", "-id"]
        permissions = [
            ("view_informant", _("查看举报人完整信息")),
            ("view_statistics", _("查看打击整治统计")),
        ]
        indexes = [
            GinIndex(fields=["org_name"], name="crackdown_lead_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_key"], name="crackdown_lead_key_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_bigrams"], name="crackdown_lead_bigrams"),
            models.Index(fields=["authority", "status", "-received_on"], name="crackdown_lead_queue"),
            models.Index(fields=["-received_on", "-id"], name="crackdown_lead_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=LeadStatus.TRANSFERRED)
                | (Q(transfer_date__isnull=False)
                   & (Q(transfer_authority__isnull=False) | ~Q(transfer_department=""))),
                name="crackdown_lead_transfer_has_target_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(source=LeadSource.DEPARTMENT) | ~Q(source_department=""),
                name="crackdown_lead_department_source_named",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.org_name}"

    @property
    def public_status(self) -> str:
        from crackdown.choices import PublicStatus

        if self.status == LeadStatus.PENDING:
            return PublicStatus.RECEIVED
        if self.status in (LeadStatus.UNFOUNDED, LeadStatus.TRANSFERRED):
            return PublicStatus.CLOSED
        if self.status == LeadStatus.FILED:
            case = getattr(self, "case", None)
            if case is not None and case.is_terminal:
                return PublicStatus.CLOSED
        return PublicStatus.CHECKING

    @property
    def is_open(self) -> bool:
        return self.status in (LeadStatus.PENDING, LeadStatus.CHECKING, LeadStatus.CONFIRMED)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return bool(self.check_due and self.status in (LeadStatus.PENDING, LeadStatus.CHECKING)
                    and self.check_due < timezone.localdate())

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class Informant(ScopedModel):
    """举报人: stored apart from the lead; staff see it masked unless they hold view_informant.

    Name, phone, e-mail and address are encrypted at rest (portal.crypto); ``phone_hash`` finds an
    informant by phone (``crackdown.filtersets.LeadFilterSet.informant_phone``).
    """

    lead = models.OneToOneField(Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="informant")
    name = EncryptedCharField(_("举报人姓名"), max_length=64, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    phone_hash = KeyedHashField(_("联系电话摘要"), source="phone")
    email = EncryptedCharField(_("电子邮箱"), max_length=254, blank=True, validators=[EmailValidator()])
    address = EncryptedCharField(_("联系地址"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("提交地址"), null=True, blank=True)

    scope_field = "lead__authority"

    class Meta:
        verbose_name = _("举报人信息")
        verbose_name_plural = _("举报人信息")
        default_permissions = ()

    def __str__(self):
        return f"{self.lead.number} 举报人"


class LeadAttachment(ScopedModel):
    lead = models.ForeignKey(Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=upload_path, max_length=300)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_field = "lead__authority"

    class Meta:
        verbose_name = _("线索附件")
        verbose_name_plural = _("线索附件")
        ordering = ["id"]

    def __str__(self):
        return self.title


class CaseQuerySet(RestrictedQuerySet):
    def open(self):
        from crackdown.workflow import TERMINAL_STAGES

        return self.exclude(stage__in=TERMINAL_STAGES)


class Case(StampedModel):
    """案件: a takedown case under 《取缔非法社会组织办法》, moved only by ``services.case_transition``."""

    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    org_name = models.CharField(_("组织名称"), max_length=200)
    search_key = search_key_field(aliases=False)
    search_bigrams = search_bigrams_field(aliases=False)
    lead = models.OneToOneField(Lead, verbose_name=_("来源线索"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="case")
    target_type = models.CharField(_("查处对象类型"), max_length=16, choices=TargetType.choices)
    authority = models.ForeignKey(Authority, verbose_name=_("承办机关"), on_delete=models.PROTECT,
                                  related_name="crackdown_cases")
    jurisdiction = models.CharField(_("管辖方式"), max_length=12, choices=Jurisdiction.choices,
                                    default=Jurisdiction.TERRITORIAL)
    jurisdiction_authority = models.ForeignKey(Authority, verbose_name=_("管辖决定机关"), null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    jurisdiction_date = models.DateField(_("管辖决定日期"), null=True, blank=True)
    summary = models.TextField(_("案情摘要"), blank=True)
    # 当事人 (persons in charge, main members): copied from the lead's 涉及人员 at 立案, encrypted like them
    parties = EncryptedTextField(_("当事人"), blank=True, help_text=_("每行一人：姓名、身份、联系方式"))
    stage = models.CharField(_("办理环节"), max_length=16, choices=CaseStage.choices, default=CaseStage.FILING)
    step_due = models.DateField(_("本环节期限"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    party_statement = models.TextField(_("当事人陈述申辩"), blank=True)
    review_result = models.TextField(_("复核意见"), blank=True,
                                     help_text=_("对当事人陈述申辩的复核（《行政处罚法》第四十五条）"))
    # the case clock (《行政处罚法》第六十条): set at 立案, moved by approved extensions and by
    # suspensions when they end; loops back in the procedure never reset it
    deadline = models.DateField(_("案件办理期限"), null=True, blank=True)
    suspended_since = models.DateField(_("中止日期"), null=True, blank=True)
    # 听证 (《行政处罚法》第六十三、六十四条)
    hearing_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_officer = models.ForeignKey(USER, verbose_name=_("听证主持人"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    # outcome (counted by the statistics on outcome_date)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=CaseOutcome.choices, blank=True)
    outcome_date = models.DateField(_("处理日期"), null=True, blank=True)
    decision_number = models.CharField(_("取缔决定书文号"), max_length=64, blank=True)
    # 送达 (《行政处罚法》第六十一条: within seven days when the party was not present)
    service_method = models.CharField(_("送达方式"), max_length=8, choices=ServiceMethod.choices, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)
    registered_organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("引导登记的社会组织"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="crackdown_cases",
    )
    created_by = models.ForeignKey(USER, verbose_name=_("立案申请人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-created", "-id"]
        permissions = [
            ("approve_case", _("审批案件（立案、决定）")),
            ("review_case", _("法制审核")),
        ]
        indexes = [
            GinIndex(fields=["org_name"], name="crackdown_case_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_key"], name="crackdown_case_key_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_bigrams"], name="crackdown_case_bigrams"),
            models.Index(fields=["authority", "stage"], name="crackdown_case_queue"),
            # the list's order: a page of the newest 50 reads 50 index entries, not a sort of every case
            # (the ministry's list at 50,000 cases: 40 ms → under 1 ms, docs/BENCHMARKS.md)
            models.Index(fields=["-created", "-id"], name="crackdown_case_order"),
            # the statistics read outcomes by date from this index alone (index-only scan)
            models.Index(fields=["outcome_date"], name="crackdown_case_outcome_stats2",
                         include=["authority", "outcome"], condition=Q(outcome_date__isnull=False)),
            models.Index(fields=["deadline"], name="crackdown_case_deadline",
                         include=["authority", "outcome_date", "suspended_since"],
                         condition=Q(deadline__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="crackdown_case_version_positive"),
            models.CheckConstraint(
                condition=~Q(outcome=CaseOutcome.BANNED) | ~Q(decision_number=""),
                name="crackdown_case_ban_has_decision_number",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_date__isnull=False),
                name="crackdown_case_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(served_on__isnull=True) | ~Q(service_method=""),
                name="crackdown_case_service_has_method",
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction=Jurisdiction.TERRITORIAL)
                | (Q(jurisdiction_authority__isnull=False) & Q(jurisdiction_date__isnull=False)),
                name="crackdown_case_jurisdiction_decided",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.org_name}"

    @property
    def is_terminal(self) -> bool:
        from crackdown.workflow import TERMINAL_STAGES

        return self.stage in TERMINAL_STAGES

    @property
    def step_overdue(self) -> bool:
        from django.utils import timezone

        return bool(self.step_due and not self.is_terminal and not self.suspended_since
                    and self.step_due < timezone.localdate())

    @property
    def clock_overdue(self) -> bool:
        """Past the case's own deadline without a decision (《行政处罚法》第六十条), not while suspended."""
        from django.utils import timezone

        return bool(self.deadline and not self.outcome_date and not self.suspended_since
                    and self.deadline < timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.step_overdue or self.clock_overdue

    @property
    def service_late(self) -> bool:
        """Served more than seven days after the decision (《行政处罚法》第六十一条)."""
        from datetime import timedelta

        from crackdown.conf import SERVICE_DAYS

        return bool(self.served_on and self.outcome_date
                    and self.served_on > self.outcome_date + timedelta(days=SERVICE_DAYS))


class CaseEvent(ScopedModel):
    """One step of a case's timeline: who moved it from which stage to which, when, why."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(_("原环节"), max_length=16, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("新环节"), max_length=16, choices=CaseStage.choices)
    actor = models.ForeignKey(USER, verbose_name=_("办理人"), null=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(USER, verbose_name=_("提请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     help_text=_("审批类环节：提出申请的人，审批人须为另一人"))
    time = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("意见、说明"), blank=True)
    due = models.DateField(_("新环节期限"), null=True, blank=True)

    scope_field = "case__authority"

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_by__isnull=True) | ~Q(requested_by=models.F("actor")),
                name="crackdown_caseevent_approver_not_requester",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_from_stage_display()} → {self.get_to_stage_display()}"


class CaseDocument(ScopedModel):
    """A document attached to a step (立案审批表, 调查终结报告, 法制审核意见, 取缔决定书…)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(CaseEvent, verbose_name=_("办理记录"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    title = models.CharField(_("文书名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=upload_path, max_length=300)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_field = "case__authority"

    class Meta:
        verbose_name = _("案件文书")
        verbose_name_plural = _("案件文书")
        ordering = ["id"]

    def __str__(self):
        return self.title


class Evidence(ScopedModel):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("证据类型"), max_length=20, choices=EvidenceKind.choices)
    description = models.CharField(_("证据名称"), max_length=200)
    source = models.CharField(_("证据来源"), max_length=200)
    obtained_on = models.DateField(_("取得日期"))
    file = models.FileField(_("文件"), upload_to=upload_path, max_length=300, blank=True)
    added_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_field = "case__authority"

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["obtained_on", "id"]

    def __str__(self):
        return self.description


class InquiryRecord(ScopedModel):
    """询问、检查笔录: an enforcement act done by two officers (办法: 执法人员不得少于两人)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="inquiries")
    kind = models.CharField(_("笔录类型"), max_length=12, choices=InquiryKind.choices)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    subject = models.CharField(_("被询问人或被检查对象"), max_length=200)
    officer_one = models.CharField(_("执法人员一"), max_length=64)
    officer_one_cert = models.CharField(_("执法证号一"), max_length=32)
    officer_two = models.CharField(_("执法人员二"), max_length=64)
    officer_two_cert = models.CharField(_("执法证号二"), max_length=32)
    content = models.TextField(_("笔录摘要"), blank=True)
    file = models.FileField(_("笔录文件"), upload_to=upload_path, max_length=300, blank=True)
    added_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")

    scope_field = "case__authority"

    class Meta:
        verbose_name = _("询问检查笔录")
        verbose_name_plural = _("询问检查笔录")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(officer_one="") & ~Q(officer_two="") & ~Q(officer_one=models.F("officer_two")),
                name="crackdown_inquiry_two_different_officers",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on} {self.subject}"


class WebsiteShutdown(ScopedModel):
    """关停非法网站: which site, shut by which department, when."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="shutdowns")
    # the case's authority, copied when recorded: statistics group by it without joining every case
    authority = models.ForeignKey(Authority, verbose_name=_("承办机关"), on_delete=models.PROTECT, related_name="+")
    website = models.CharField(_("网站、公众号或应用"), max_length=300)
    department = models.CharField(_("关停部门"), max_length=20, choices=Department.choices)
    shut_on = models.DateField(_("关停日期"))
    added_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("关停网站")
        verbose_name_plural = _("关停网站")
        ordering = ["shut_on", "id"]
        indexes = [models.Index(fields=["shut_on", "authority"], name="crackdown_shutdown_stats")]

    def __str__(self):
        return self.website


class CaseRecordBase(ScopedModel):
    """A record beside a case's procedure, with the case's authority copied for the statistics."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey(Authority, verbose_name=_("承办机关"), on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True


class CaseReferral(CaseRecordBase):
    """移送: crimes and 治安 matters go to public security (other matters to their department) at the same
    time as the registration authority bans (《社会团体登记管理条例》第三十二条 and its counterparts); a
    record beside the decision, with the result reported back."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="referrals")
    department = models.CharField(_("移送部门"), max_length=20, choices=Department.choices)
    referred_on = models.DateField(_("移送日期"))
    matter = models.TextField(_("移送事项"), help_text=_("移送的违法犯罪线索、材料"))
    result_on = models.DateField(_("反馈日期"), null=True, blank=True)
    cases_solved = models.PositiveIntegerField(_("破获案件（起）"), default=0)
    suspects_caught = models.PositiveIntegerField(_("抓获犯罪嫌疑人（名）"), default=0)
    result_note = models.TextField(_("反馈情况"), blank=True)

    class Meta:
        verbose_name = _("移送记录")
        verbose_name_plural = _("移送记录")
        ordering = ["referred_on", "id"]
        indexes = [models.Index(fields=["referred_on", "authority"], name="crackdown_referral_stats"),
                   models.Index(fields=["result_on", "authority"], name="crackdown_referral_result")]
        constraints = [
            models.CheckConstraint(
                condition=Q(result_on__isnull=False) | (Q(cases_solved=0) & Q(suspects_caught=0)),
                name="crackdown_referral_result_dated",
            ),
        ]

    def __str__(self):
        return f"移送{self.get_department_display()}（{self.referred_on}）"


class CaseConfiscation(CaseRecordBase):
    """没收非法财产 with a 取缔 decision (《社会团体登记管理条例》第三十二条、《基金会管理条例》第四十条、
    《民办非企业单位登记管理暂行条例》第二十七条); counted on the decision's date."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="confiscations")
    description = models.CharField(_("财产名称"), max_length=300)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    disposal = models.CharField(_("处置情况"), max_length=12, choices=PropertyDisposal.choices,
                                default=PropertyDisposal.PENDING)
    decided_on = models.DateField(_("决定日期"))

    class Meta:
        verbose_name = _("没收非法财产")
        verbose_name_plural = _("没收非法财产")
        ordering = ["decided_on", "id"]
        indexes = [models.Index(fields=["decided_on", "authority"], name="crackdown_confiscation_stats")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="crackdown_confiscation_amount")]

    def __str__(self):
        return f"{self.description} {self.amount} 元"


class CaseExtension(CaseRecordBase):
    """延长办案期限: asked for with a reason and a new date, approved by another person."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField(_("延期理由"))
    previous_deadline = models.DateField(_("原期限"), null=True, blank=True)
    new_deadline = models.DateField(_("延长至"))
    approved_by = models.ForeignKey(USER, verbose_name=_("批准人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("延长办案期限")
        verbose_name_plural = _("延长办案期限")
        ordering = ["added", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("added_by")),
                                   name="crackdown_extension_approver_not_requester"),
            models.UniqueConstraint(fields=["case"], condition=Q(approved_by__isnull=True),
                                    name="crackdown_extension_one_pending"),
        ]

    def __str__(self):
        return f"延期至 {self.new_deadline}"


class CaseSuspension(CaseRecordBase):
    """中止: the case clock stops from ``suspended_on`` until ``resumed_on``; the days between are added
    to the deadline when it resumes."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField(_("中止理由"))
    suspended_on = models.DateField(_("中止日期"))
    resumed_on = models.DateField(_("恢复日期"), null=True, blank=True)
    resume_note = models.TextField(_("恢复说明"), blank=True)
    resumed_by = models.ForeignKey(USER, verbose_name=_("恢复人"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("案件中止")
        verbose_name_plural = _("案件中止")
        ordering = ["suspended_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(resumed_on__isnull=True),
                                    name="crackdown_suspension_one_open"),
            models.CheckConstraint(condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=models.F("suspended_on")),
                                   name="crackdown_suspension_resumed_after"),
        ]

    def __str__(self):
        return f"中止 {self.suspended_on}"


class NameRule(ScopedModel):
    """A name rule the ministry edits (规范特殊名称): a word, where in a name it may not stand, for whom,
    and the regulation it comes from.  Read through ``crackdown.names.check_name`` by the lead form and
    by the registry's name check alike."""

    word = models.CharField(_("字词"), max_length=32)
    kind = models.CharField(_("规则"), max_length=8, choices=NameRuleKind.choices)
    local_only = models.BooleanField(_("仅限制地方性社会组织"), default=True,
                                     help_text=_("勾选：在民政部登记的全国性社会组织可以使用"))
    allowed_after = models.CharField(_("例外（紧随其后的行业用语）"), max_length=200, blank=True,
                                     help_text=_("以顿号分隔，如“象棋、跳棋”：出现“国际象棋”时不视为违反"))
    rule_text = models.CharField(_("规则内容"), max_length=300)
    source = models.CharField(_("依据"), max_length=200, help_text=_("法规名称及条款"))
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(USER, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_field = None  # one table for every authority, kept by the ministry

    class Meta:
        verbose_name = _("名称规则")
        verbose_name_plural = _("名称规则")
        ordering = ["kind", "word"]
        constraints = [models.UniqueConstraint(fields=["word", "kind"], name="crackdown_namerule_once")]

    def __str__(self):
        return f"{self.word}（{self.get_kind_display()}）"


class LinkedParty(ScopedModel):
    """勾连单位和人员: a registered organization or a person that helped, and what was done about it."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="linked_parties")
    authority = models.ForeignKey(Authority, verbose_name=_("承办机关"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=8, choices=LinkedPartyKind.choices)
    organization = models.ForeignKey("registry.Organization", verbose_name=_("已登记社会组织"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="crackdown_links")
    name = EncryptedCharField(_("单位或人员名称"), max_length=200, blank=True)  # a person's name: encrypted
    role = models.CharField(_("勾连方式"), max_length=12, choices=LinkedPartyRole.choices)
    action = models.CharField(_("处理措施"), max_length=300)
    reported_to = models.CharField(_("通报部门"), max_length=20, choices=Department.choices, blank=True)
    handled_on = models.DateField(_("处理日期"))
    added_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("勾连单位和人员")
        verbose_name_plural = _("勾连单位和人员")
        ordering = ["handled_on", "id"]
        indexes = [models.Index(fields=["handled_on", "authority"], name="crackdown_linked_stats")]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(name=""),
                name="crackdown_linkedparty_names_someone",
            ),
            models.CheckConstraint(
                condition=~Q(kind=LinkedPartyKind.PERSON) | Q(organization__isnull=True),
                name="crackdown_linkedparty_person_is_not_organization",
            ),
        ]

    def __str__(self):
        return self.organization.name if self.organization_id else self.name


class ListBatch(StampedModel):
    """A published list batch: 涉嫌非法社会组织名单 (exposure) or 取缔名单 (bans)."""

    kind = models.CharField(_("名单类别"), max_length=12, choices=ListKind.choices)
    number = models.CharField(_("批次"), max_length=64, help_text=_("例如：2025年第1批"))
    authority = models.ForeignKey(Authority, verbose_name=_("发布机关"), on_delete=models.PROTECT,
                                  related_name="crackdown_list_batches")
    status = models.CharField(_("状态"), max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    approver = models.ForeignKey(USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    note = models.TextField(_("说明"), blank=True)
    # 提请发布: who sent the draft to the publisher, and when (cleared when the publisher returns it)
    submitted_by = models.ForeignKey(USER, verbose_name=_("提请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("提请时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    updated = None  # no 更新时间 column

    class Meta:
        verbose_name = _("名单批次")
        verbose_name_plural = _("名单批次")
        ordering = ["-published_on", "-id"]
        permissions = [("publish_list", _("发布名单"))]
        constraints = [
            models.UniqueConstraint(fields=["authority", "kind", "number"], name="crackdown_listbatch_number_unique"),
            models.CheckConstraint(
                condition=~Q(status=ListStatus.PUBLISHED) | (Q(published_on__isnull=False) & Q(approver__isnull=False)),
                name="crackdown_listbatch_published_has_date_and_approver",
            ),
            models.CheckConstraint(condition=~Q(status=ListStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                                   name="crackdown_listbatch_submitted_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.number}）"

    @property
    def is_published(self) -> bool:
        return self.status == ListStatus.PUBLISHED


class ListEntry(ScopedModel):
    """One organization on a list; a published entry is withdrawn with a reason, never deleted."""

    batch = models.ForeignKey(ListBatch, verbose_name=_("名单批次"), on_delete=models.PROTECT, related_name="entries")
    name = models.CharField(_("组织名称"), max_length=200)
    province = models.ForeignKey(Authority, verbose_name=_("所在省份"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(Lead, verbose_name=_("来源线索"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="list_entries")
    case = models.ForeignKey(Case, verbose_name=_("来源案件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="list_entries")
    withdrawn = models.BooleanField(_("已撤回"), default=False)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    withdrawn_by = models.ForeignKey(USER, verbose_name=_("撤回人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    scope_field = "batch__authority"

    class Meta:
        verbose_name = _("名单条目")
        verbose_name_plural = _("名单条目")
        ordering = ["batch", "id"]
        indexes = [GinIndex(fields=["name"], name="crackdown_entry_name_trgm", opclasses=["gin_trgm_ops"])]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="crackdown_listentry_once_per_batch"),
            models.CheckConstraint(
                condition=Q(withdrawn=False)
                | (~Q(withdrawn_reason="") & Q(withdrawn_by__isnull=False) & Q(withdrawn_at__isnull=False)),
                name="crackdown_listentry_withdrawal_recorded",
            ),
        ]

    def __str__(self):
        return self.name
