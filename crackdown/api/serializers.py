from rest_framework import serializers

from crackdown.choices import CaseStage, Department, DocumentKind, LeadStatus, UnfoundedReason
from crackdown.masking import mask_email, mask_name, mask_phone
from crackdown.models import (
    Case,
    CaseConfiscation,
    CaseEvent,
    CaseReferral,
    CheckBatch,
    Lead,
    ListBatch,
    ListEntry,
)
from crackdown.workflow import INPUTS, document_field, pop_documents
from portal.models import User
from registry.models import Organization


class LeadSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    informant = serializers.SerializerMethodField(help_text="举报人信息（脱敏）")
    informant_name = serializers.CharField(write_only=True, required=False, allow_blank=True, label="举报人姓名")
    informant_phone = serializers.CharField(write_only=True, required=False, allow_blank=True, label="举报人电话")
    received_on = serializers.DateField(required=False)

    class Meta:
        model = Lead
        fields = ["id", "number", "source", "source_department", "source_detail", "channel", "org_name", "aliases",
                  "claimed_backing", "places", "place_text", "websites", "bank_accounts", "persons", "description",
                  "authority", "authority_name", "received_on", "status", "check_due", "check_result",
                  "unfounded_reason", "batch",
                  "transfer_authority", "transfer_department", "transfer_date", "transferred_from", "created",
                  "informant", "informant_name", "informant_phone"]
        read_only_fields = ["number", "authority", "status", "check_due", "check_result", "unfounded_reason", "batch",
                            "transfer_authority", "transfer_department", "transfer_date", "transferred_from",
                            "created"]

    def get_informant(self, lead) -> dict | None:
        informant = getattr(lead, "informant", None)
        if informant is None:
            return None
        return {"name": mask_name(informant.name), "phone": mask_phone(informant.phone),
                "email": mask_email(informant.email)}


class LeadStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices, label="新状态")
    unfounded_reason = serializers.ChoiceField(choices=UnfoundedReason.choices, required=False, allow_blank=True,
                                               default="", label="不属实的理由（第三条情形）")
    note = serializers.CharField(required=False, allow_blank=True, default="", label="核查情况")


class LeadTransferSerializer(serializers.Serializer):
    to_authority = serializers.IntegerField(required=False, allow_null=True, label="接收机关 id")
    to_department = serializers.ChoiceField(choices=Department.choices, required=False, allow_blank=True, default="")
    transfer_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseOpenSerializer(serializers.Serializer):
    org_name = serializers.CharField(max_length=200, required=False)
    target_type = serializers.ChoiceField(choices=Case._meta.get_field("target_type").choices)
    jurisdiction = serializers.ChoiceField(choices=Case._meta.get_field("jurisdiction").choices,
                                           default="territorial")
    jurisdiction_authority = serializers.IntegerField(required=False, allow_null=True)
    jurisdiction_date = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    parties = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")
    requested_by_name = serializers.CharField(source="requested_by.display_name", read_only=True, default="")

    class Meta:
        model = CaseEvent
        fields = ["id", "from_stage", "to_stage", "actor", "actor_name", "requested_by", "requested_by_name", "time",
                  "note", "due"]


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseReferral
        fields = ["id", "case", "department", "referred_on", "matter", "result_on", "cases_solved",
                  "suspects_caught", "result_note"]
        read_only_fields = ["case", "result_on", "cases_solved", "suspects_caught", "result_note"]


class ReferralResultSerializer(serializers.Serializer):
    referral = serializers.IntegerField(label="移送记录 id")
    result_on = serializers.DateField(label="反馈日期")
    cases_solved = serializers.IntegerField(min_value=0, default=0, label="破获案件（起）")
    suspects_caught = serializers.IntegerField(min_value=0, default=0, label="抓获犯罪嫌疑人（名）")
    result_note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfiscationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseConfiscation
        fields = ["id", "case", "description", "amount", "disposal", "decided_on"]
        read_only_fields = ["case", "decided_on"]


class CaseSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "org_name", "lead", "target_type", "authority", "authority_name", "jurisdiction",
                  "jurisdiction_authority", "jurisdiction_date", "summary", "stage", "stage_display", "step_due",
                  "version", "filed_on", "deadline", "suspended_since", "party_statement", "review_result",
                  "hearing_on", "hearing_officer", "outcome", "outcome_date", "decision_number", "service_method",
                  "served_on", "service_late", "announced_on", "registered_organization", "created"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)
    referrals = ReferralSerializer(many=True, read_only=True)
    confiscations = ConfiscationSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events", "referrals", "confiscations"]
        read_only_fields = fields


class CaseUpdateSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(label="版本（读取时的 version）")

    class Meta:
        model = Case
        fields = ["version", "org_name", "target_type", "summary", "jurisdiction", "jurisdiction_authority",
                  "jurisdiction_date", "registered_organization"]
        extra_kwargs = {name: {"required": False} for name in fields if name != "version"}


def step_field(name: str) -> serializers.Field:
    """The serializer field of one of a step's ``INPUTS`` (crackdown.workflow), by its kind.  Every input
    is optional here: which ones a step requires is the service's check, read off the same table."""
    spec = INPUTS[name]
    common = {"label": spec.label, "help_text": spec.help or None, "required": False}
    if spec.kind in ("text", "line"):
        return serializers.CharField(allow_blank=True, **common)
    if spec.kind == "date":
        return serializers.DateField(allow_null=True, **common)
    if spec.kind == "decimal":
        return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, allow_null=True, **common)
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=spec.choices.choices, allow_blank=True, **common)
    if spec.kind == "organization":
        return serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), allow_null=True, **common)
    if spec.kind == "user":
        return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True,
                                                  **common)
    raise ValueError(f"unknown input kind {spec.kind!r}")


class CaseTransitionSerializer(serializers.Serializer):
    """A step over the API: ``to_stage``, ``version``, ``note``, the step's inputs (any of ``INPUTS``) and
    its documents (multipart: ``doc_<kind>`` for each DocumentKind, ``documents`` for others)."""

    to_stage = serializers.ChoiceField(choices=CaseStage.choices, label="转到环节")
    version = serializers.IntegerField(label="版本（读取时的 version）")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    documents = serializers.ListField(child=serializers.FileField(), required=False, label="其他文书")

    def get_fields(self):
        fields = super().get_fields()
        for name in INPUTS:
            fields[name] = step_field(name)
        for kind, label in DocumentKind.choices:
            fields[document_field(kind)] = serializers.ListField(child=serializers.FileField(), required=False,
                                                                 label=str(label))
        return fields

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.validated_data.items() if v not in (None, "")}
        data["documents"] = pop_documents(data)
        data["expected_version"] = data.pop("version")
        return data


class ClockSerializer(serializers.Serializer):
    """The case clock: ``action`` is extend (asks), approve-extension, suspend or resume."""

    action = serializers.ChoiceField(choices=["extend", "approve-extension", "suspend", "resume"], label="操作")
    reason = serializers.CharField(required=False, allow_blank=True, default="", label="理由")
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None, label="延长至")
    on = serializers.DateField(required=False, allow_null=True, default=None, label="中止或恢复日期")


class CheckBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckBatch
        fields = ["id", "number", "checked_on", "authority", "note", "lead_count", "created"]
        read_only_fields = ["authority", "lead_count", "created"]


class NumbersSerializer(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.CharField(), allow_empty=False, label="线索编号")


class ListEntrySerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = ListEntry
        fields = ["id", "batch", "name", "province", "province_name", "lead", "case", "withdrawn",
                  "withdrawn_reason", "withdrawn_by", "withdrawn_at"]
        read_only_fields = fields


class ListBatchSerializer(serializers.ModelSerializer):
    entries = ListEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ListBatch
        fields = ["id", "kind", "number", "authority", "status", "published_on", "approver", "note", "created",
                  "entries"]
        read_only_fields = ["authority", "status", "published_on", "approver", "created", "entries"]


class ListEntryAddSerializer(serializers.Serializer):
    number = serializers.CharField(label="线索或案件编号")
    name = serializers.CharField(required=False, allow_blank=True, default="")


class PublishSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(label="确认发布")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError("发布须明确确认（confirm=true）。")
        return value


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(label="撤回原因")


class StatisticsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    province = serializers.CharField(required=False, allow_blank=True, default="", help_text="省级区划代码")


# --- public -----------------------------------------------------------------------------------
class PublicEntrySerializer(serializers.ModelSerializer):
    """Only what the public list shows."""

    province = serializers.CharField(source="province.name")
    list_kind = serializers.CharField(source="batch.get_kind_display")
    batch = serializers.CharField(source="batch.number")
    published_on = serializers.DateField(source="batch.published_on")
    publisher = serializers.CharField(source="batch.authority.bureau_name")

    class Meta:
        model = ListEntry
        fields = ["name", "province", "list_kind", "batch", "published_on", "publisher"]


class PublicReportSerializer(serializers.Serializer):
    org_name = serializers.CharField(max_length=200, label="被举报组织名称")
    place = serializers.CharField(max_length=200, label="活动地点")
    description = serializers.CharField(max_length=5000, label="举报内容")
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    captcha_key = serializers.CharField(label="验证码 key（/captcha/refresh/ 取得）")
    captcha_value = serializers.CharField(label="验证码")

    def validate(self, data):
        from captcha.conf import settings as captcha_settings
        from captcha.models import CaptchaStore
        from django.utils import timezone

        value = data["captcha_value"].strip().lower()
        if getattr(captcha_settings, "CAPTCHA_TEST_MODE", False) and value == "passed":
            return data
        store = CaptchaStore.objects.filter(hashkey=data["captcha_key"], response=value,
                                            expiration__gt=timezone.now()).first()
        if store is None:
            raise serializers.ValidationError({"captcha_value": "验证码错误或已过期。"})
        store.delete()
        return data
