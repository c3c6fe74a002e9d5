from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from aid_projects.choices import (
    AidCategory,
    AidProgram,
    Confidence,
    ListKind,
    ListStatus,
    MatchStatus,
    PairingLevel,
    UploadStatus,
)
from aid_projects.validation import AMOUNT_WARNING_ABOVE
from portal.crypto import EncryptedCharField, KeyedHashField
from portal.models import Authority
from portal.scoping import RestrictedQuerySet, ScopedModel, user_scope_prefix


class PairingQuerySet(RestrictedQuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )


class Pairing(ScopedModel):
    """One line of the central pairing (对口支援关系): an aiding unit supports a recipient area.

    The table is incomplete and changes; ministry staff maintain it in the browser.  The raw text
    of the source table is kept beside the resolved authorities.  A row loaded from the table has its
    ``table_key`` (aid_projects/reference.py); a reload updates it unless ministry staff edited it in
    the browser (``edited_by``/``edited_at``).  A pairing that ended keeps its row with ``valid_to``.
    """

    program = models.CharField(_("援助类别"), max_length=12, choices=AidProgram.choices)
    aiding_authority = models.ForeignKey(
        Authority, verbose_name=_("支援方"), on_delete=models.PROTECT, related_name="pairings_given"
    )
    aiding_unit_label = models.CharField(_("支援方（原文）"), max_length=64, blank=True)
    recipient_province = models.ForeignKey(
        Authority, verbose_name=_("受援省份"), on_delete=models.PROTECT, related_name="pairings_received"
    )
    recipient_area = models.ForeignKey(
        Authority, verbose_name=_("受援地市/师"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="pairings_as_area",
    )
    recipient_area_label = models.CharField(_("受援地市/师（原文）"), max_length=64, blank=True)
    recipient_counties = models.ManyToManyField(
        Authority, verbose_name=_("受援县（已识别）"), blank=True, related_name="pairings_as_county"
    )
    recipient_counties_label = models.CharField(_("受援县/团场（原文）"), max_length=200, blank=True)
    level = models.CharField(_("结对层级"), max_length=12, choices=PairingLevel.choices)
    confidence = models.CharField(_("可信度"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM)
    source_note = models.CharField(_("来源说明"), max_length=300, blank=True)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    table_key = models.CharField(_("关系表行标识"), max_length=100, blank=True, editable=False,
                                 help_text=_("从对口支援关系表载入的行；页面上新增的行为空"))
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("页面修改人"), null=True, blank=True,
                                  editable=False, on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(_("页面修改时间"), null=True, blank=True, editable=False)

    objects = PairingQuerySet.as_manager()
    scope_field = None  # the pairing is public to every authority

    class Meta:
        verbose_name = _("对口支援关系")
        verbose_name_plural = _("对口支援关系")
        ordering = ["program", "recipient_province__code", "aiding_authority__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="pairing_valid_range",
            ),
            # the identity a reload matches on (the labels may be corrected, the key stays)
            models.UniqueConstraint(fields=["table_key"], condition=~models.Q(table_key=""),
                                    name="pairing_unique_table_key"),
        ]

    def __str__(self):
        target = self.recipient_area.name if self.recipient_area else self.recipient_area_label
        return f"{self.aiding_authority.name} → {self.recipient_province.name}{target}（{self.program}）"

    @property
    def is_ended(self) -> bool:
        from django.utils import timezone

        return self.valid_to is not None and self.valid_to < timezone.localdate()


_PAIRED_AREAS: dict[tuple, dict[int, frozenset[str]]] = {}  # per process: see ``paired_areas``
_PAIRED_AREAS_KEPT = 256  # (province, day, generations) entries before the store starts afresh


def paired_areas(authority: Authority | None) -> dict[int, set[str]]:
    """For an aiding province, by the current pairing: recipient province id → division-code prefixes of
    the paired prefectures (and 兵团 divisions).  ``""`` stands for the whole province, where a pairing
    names no prefecture the gazetteer knows (四川省内 → 甘孜州/阿坝州).  A pairing that ended (valid_to in
    the past) counts no more: 福建 sees 昌都's needs since 2016-07-01, no longer 林芝's.

    Every aid page of a province's staff and liaisons asks (the scope of its lists and needs, the needs'
    filter): kept per process for the day, under the generations (``portal.choice_cache``) of the pairings
    and of the authorities whose codes they name — any save or delete of either, and every reference load,
    in whichever process, is seen at the next request (issue 17).  Each caller gets its own copy."""
    if authority is None or authority.is_ministry:
        return {}
    from django.utils import timezone

    from portal import choice_cache
    from portal.request_memo import memoized

    prefix = authority.code[:2]

    def compute() -> dict[int, frozenset[str]]:
        areas: dict[int, set[str]] = {}
        # three columns, unordered
        for province_id, area_code, area_level in Pairing.objects.current() \
                .filter(aiding_authority__code__startswith=prefix).order_by() \
                .values_list("recipient_province", "recipient_area__code", "recipient_area__level"):
            area_prefix = Authority(code=area_code, level=area_level).scope_prefix if area_code is not None else ""
            areas.setdefault(province_id, set()).add(area_prefix)
        # one order, so the queries built from it are written the same
        return {province_id: frozenset(areas[province_id]) for province_id in sorted(areas)}

    def kept() -> dict[int, frozenset[str]]:
        generations = choice_cache.generations()
        key = (prefix, timezone.localdate(), generations["aid_projects.pairing"], generations["portal.authority"])
        areas = _PAIRED_AREAS.get(key)
        if areas is None:
            areas = compute()
            if len(_PAIRED_AREAS) >= _PAIRED_AREAS_KEPT:
                _PAIRED_AREAS.clear()
            _PAIRED_AREAS[key] = areas
        return areas

    # once per request (the scope filter and the filter form both ask); a fresh copy for every caller
    return {province_id: set(prefixes) for province_id, prefixes in memoized(("paired_areas", prefix), kept).items()}


def paired_places_q(areas: dict[int, set[str]]) -> models.Q:
    """Need items (AidItem) of the paired recipients whose place lies in a paired prefecture."""
    if not areas:
        return models.Q(pk__in=[])
    provinces = []
    for province_id, prefixes in areas.items():
        in_province = models.Q(aid_list__authority_id=province_id)
        if "" not in prefixes:
            places = [models.Q(place__code__startswith=prefix) for prefix in sorted(prefixes)]
            in_province &= models.Q(*places, _connector=models.Q.OR) if places else models.Q(pk__in=[])
        provinces.append(in_province)
    return models.Q(*provinces, _connector=models.Q.OR)


class Campaign(ScopedModel):
    """一个年度的援藏援疆项目对接工作, with the notice's deadlines."""

    name = models.CharField(_("名称"), max_length=100, unique=True, help_text=_("如：2025年度援藏援疆项目对接"))
    year = models.PositiveSmallIntegerField(_("年度"))
    liaison_due = models.DateField(_("联络员表截止日期"), help_text=_("附件1，通知要求6月30日前"))
    need_due = models.DateField(_("需求清单截止日期"), help_text=_("附件2，通知要求7月5日前"))
    supply_due = models.DateField(_("供给清单截止日期"), help_text=_("附件3"))
    is_open = models.BooleanField(_("正在收集"), default=True, help_text=_("关闭后各省不能再修改和报送"))
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_field = None  # a campaign is the ministry's and everyone works in it

    class Meta:
        verbose_name = _("对接年度")
        verbose_name_plural = _("对接年度")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="campaign_year_sane"),
        ]

    def __str__(self):
        return self.name

    def due_for(self, kind: str):
        return {ListKind.LIAISON: self.liaison_due, ListKind.NEED: self.need_due,
                ListKind.SUPPLY: self.supply_due}[kind]

    @classmethod
    def current(cls):
        return cls.objects.filter(is_open=True).order_by("-year", "-id").first() or cls.objects.first()


class Liaison(ScopedModel):
    """One registration authority's liaison officer (附件1; the provincial one heads the table)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("对接年度"), on_delete=models.CASCADE,
                                 related_name="liaisons")
    authority = models.ForeignKey(Authority, verbose_name=_("登记管理机关"), on_delete=models.PROTECT,
                                  related_name="aid_liaisons")
    name = models.CharField(_("姓名"), max_length=32)
    unit = models.CharField(_("单位"), max_length=100, help_text=_("所在单位及职务"))
    work_phone = models.CharField(_("工作电话"), max_length=32)
    mobile = EncryptedCharField(_("手机"), max_length=20)  # encrypted at rest (portal.crypto)
    mobile_hash = KeyedHashField(_("手机摘要"), source="mobile")  # the liaison list's search by mobile
    email = models.EmailField(_("电子信箱"), max_length=100)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联络员")
        verbose_name_plural = _("联络员")
        ordering = ["campaign", "authority__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "authority"], name="liaison_one_per_authority"),
        ]

    def __str__(self):
        return f"{self.authority.full_name} {self.name}"


class AidListQuerySet(RestrictedQuerySet):
    """Own province's lists, plus — for an aiding province — the accepted need lists of its paired recipients.

    A need list is shared whole (its heading, status, dates); its rows only where they lie in a
    prefecture the province is paired with (``by_place``), so a frozen version, which holds every row,
    is not shared (``shared = False``).
    """

    list_path = ""  # path from this model to AidList ("" for AidList itself)
    shared = True
    by_place = False

    def _path(self, field):
        return f"{self.list_path}{field}"

    def scope_q(self, user, action: str = "view"):
        own = super().scope_q(user, action)
        if own is None or action != "view" or user.is_ministry or not self.shared:
            return own
        areas = paired_areas(user.authority)
        if not areas:
            return own
        shared = models.Q(**{
            self._path("kind"): ListKind.NEED,
            self._path("status"): ListStatus.ACCEPTED,
            self._path("authority__in"): list(areas),
        })
        if self.by_place:
            shared &= paired_places_q(areas)
        return own | shared


class AidItemQuerySet(AidListQuerySet):
    list_path = "aid_list__"
    by_place = True


class AidList(ScopedModel):
    """A province's attachment for a campaign: its rows, its submission status and its versions."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("对接年度"), on_delete=models.PROTECT,
                                 related_name="lists")
    authority = models.ForeignKey(Authority, verbose_name=_("填报单位"), on_delete=models.PROTECT,
                                  related_name="aid_lists")
    kind = models.CharField(_("清单类型"), max_length=8, choices=ListKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    stamped_scan = models.FileField(_("盖章扫描件"), upload_to="aid/stamped/%Y/", blank=True, max_length=300,
                                    help_text=_("PDF 或图片，附件1盖章后的扫描件"))
    return_comment = models.TextField(_("退回意见"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AidListQuerySet.as_manager()

    class Meta:
        verbose_name = _("填报清单")
        verbose_name_plural = _("填报清单")
        ordering = ["campaign", "kind", "authority__code"]
        permissions = [
            ("submit_aidlist", _("报送清单")),
            ("decide_aidlist", _("接收或退回清单")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "authority", "kind"], name="aidlist_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.authority.name}{self.get_kind_display()}（{self.campaign.name}）"

    @property
    def is_editable(self) -> bool:
        return self.status in (ListStatus.DRAFT, ListStatus.RETURNED) and self.campaign.is_open

    @property
    def due(self):
        return self.campaign.due_for(self.kind)

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        if self.status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED):
            return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.due
        return timezone.localdate() > self.due


class Upload(ScopedModel):
    """An uploaded .xlsx: parsed into a preview, then committed all-or-nothing or discarded."""

    aid_list = models.ForeignKey(AidList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(_("文件"), upload_to="aid/uploads/%Y/%m/", max_length=300)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    rows = models.JSONField(_("解析结果"), default=list, encoder=DjangoJSONEncoder)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("提醒数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.PREVIEW)
    replace = models.BooleanField(_("替换已有项目"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    scope_field = "aid_list__authority"

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        ordering = ["-created", "-id"]
        constraints = [
            # the same file committed twice into one list would add its rows twice
            models.UniqueConstraint(fields=["aid_list", "sha256"], condition=models.Q(status="committed"),
                                    name="upload_file_committed_once"),
        ]

    def __str__(self):
        return self.filename


class AidItem(ScopedModel):
    """One project row of a need list (附件2) or a supply list (附件3)."""

    aid_list = models.ForeignKey(AidList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("帮扶类别"), max_length=8, choices=AidCategory.choices)
    place_text = models.CharField(_("项目拟实施地"), max_length=200)
    place = models.ForeignKey(Authority, verbose_name=_("实施地（区划）"), on_delete=models.PROTECT,
                              related_name="aid_items")
    summary = models.TextField(_("项目简介"), blank=True)
    amount = models.DecimalField(_("项目拟投入资金（万元）"), max_digits=12, decimal_places=2)
    amount_confirmed = models.BooleanField(_(f"已确认超过{AMOUNT_WARNING_ABOVE}万元"), default=False)
    contact_name = models.CharField(_("项目联系人"), max_length=64)
    contact_mobile = models.CharField(_("联系方式（手机）"), max_length=20)
    upload = models.ForeignKey(Upload, verbose_name=_("来自上传"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="items")

    objects = AidItemQuerySet.as_manager()
    scope_field = "aid_list__authority"

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["aid_list", "seq", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="aiditem_amount_positive",
                                   violation_error_message="项目拟投入资金应大于0万元。"),
            # 通知: 资金需求量一般不超过200万元 — more is kept only once confirmed
            models.CheckConstraint(
                condition=models.Q(amount__lte=AMOUNT_WARNING_ABOVE) | models.Q(amount_confirmed=True),
                name="aiditem_large_amount_confirmed",
                violation_error_message="项目拟投入资金超过200万元（通知要求一般不超过200万元），"
                                        "请勾选“已核实超过200万元”后再保存。"),
        ]
        indexes = [models.Index(fields=["aid_list", "seq"], name="aiditem_list_seq")]

    def __str__(self):
        return self.name


class ListVersionQuerySet(AidListQuerySet):
    list_path = "aid_list__"
    shared = False  # a version holds every row of the list, paired prefecture or not


class ListVersion(ScopedModel):
    """A submitted version, frozen: its rows as they were and the workbook that was sent."""

    aid_list = models.ForeignKey(AidList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    rows = models.JSONField(_("内容"), default=list, encoder=DjangoJSONEncoder)
    file = models.FileField(_("报送文件"), upload_to="aid/versions/%Y/", max_length=300)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    decision = models.CharField(_("审核结果"), max_length=10, choices=ListStatus.choices, default=ListStatus.SUBMITTED)
    comment = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = ListVersionQuerySet.as_manager()
    scope_field = "aid_list__authority"

    class Meta:
        verbose_name = _("报送版本")
        verbose_name_plural = _("报送版本")
        ordering = ["aid_list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["aid_list", "number"], name="listversion_number_unique"),
        ]

    def __str__(self):
        return f"{self.aid_list} 第{self.number}版"


class MatchQuerySet(RestrictedQuerySet):
    """A match is seen by both sides: the recipient province of the need and the aiding province of the supply."""

    def scope_q(self, user, action: str = "view"):
        prefix = user_scope_prefix(user)
        if prefix is None:
            return None
        if prefix == "":
            return models.Q()
        return (models.Q(need__aid_list__authority__code__startswith=prefix)
                | models.Q(supply__aid_list__authority__code__startswith=prefix))


class Match(ScopedModel):
    """对接: one supply item put forward against one need."""

    need = models.ForeignKey(AidItem, verbose_name=_("需求项目"), on_delete=models.PROTECT,
                             related_name="matches_as_need")
    supply = models.ForeignKey(AidItem, verbose_name=_("供给项目"), on_delete=models.PROTECT,
                               related_name="matches_as_supply")
    status = models.CharField(_("状态"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    amount = models.DecimalField(_("对接资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    spent = models.DecimalField(_("已投入资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    decision_note = models.TextField(_("答复意见"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MatchQuerySet.as_manager()
    scope_field = "need__aid_list__authority"  # the recipient's side; MatchQuerySet.scope_q adds the aiding side

    class Meta:
        verbose_name = _("项目对接")
        verbose_name_plural = _("项目对接")
        ordering = ["-updated", "-id"]
        permissions = [("decide_match", _("答复对接意向"))]
        constraints = [
            models.UniqueConstraint(fields=["need", "supply"],
                                    condition=~models.Q(status__in=["declined", "withdrawn"]),
                                    name="match_one_open_per_pair"),
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                                   name="match_amount_positive"),
        ]

    def __str__(self):
        return f"{self.supply} → {self.need}"


class Reminder(models.Model):
    """催报: the ministry reminds a province of the lists it has not yet submitted in a campaign.

    The province sees it on its home page (aid_projects.panels); each one sent is an audit row.
    """

    campaign = models.ForeignKey(Campaign, verbose_name=_("对接年度"), on_delete=models.CASCADE,
                                 related_name="reminders")
    authority = models.ForeignKey(Authority, verbose_name=_("被催报省份"), on_delete=models.PROTECT,
                                  related_name="aid_reminders")
    message = models.TextField(_("催报内容"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("催报人"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("催报时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_field = "authority"

    class Meta:
        verbose_name = _("催报通知")
        verbose_name_plural = _("催报通知")
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.campaign} 催报 {self.authority}"
