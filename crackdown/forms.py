"""Forms of the crackdown pages.  Writes go through crackdown.services; forms only validate input."""

from __future__ import annotations

import re

from captcha.fields import CaptchaField
from django import forms
from django.urls import reverse
from django.utils import timezone

from crackdown.choices import (
    Department,
    DocumentKind,
    Jurisdiction,
    LeadSource,
    LeadStatus,
    ListKind,
    TargetType,
    UnfoundedReason,
)
from crackdown.models import (
    Case,
    CaseConfiscation,
    CaseReferral,
    CheckBatch,
    Evidence,
    InquiryRecord,
    Lead,
    LinkedParty,
    NameRule,
    WebsiteShutdown,
)
from crackdown.selectors import stage_document_kinds
from crackdown.workflow import INPUTS, LEAD_TRANSITIONS, document_field, pop_documents, steps_from
from portal import phones
from portal.choice_cache import CachedModelChoiceField
from portal.models import Authority, AuthorityLevel, User
from registry.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT3 = forms.Textarea(attrs={"rows": 3})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (documents of a step, attachments of a lead)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def parse_division_codes(text: str) -> list[str]:
    codes = [c for c in re.split(r"[\s,，、;；]+", text or "") if c]
    bad = [c for c in codes if not re.fullmatch(r"[0-9]{6}", c)]
    if bad:
        raise forms.ValidationError(f"区划代码应为 6 位数字：{'、'.join(bad)}")
    known = set(Authority.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise forms.ValidationError(f"未知的区划代码：{'、'.join(unknown)}")
    return list(dict.fromkeys(codes))


class LeadForm(forms.ModelForm):
    places_text = forms.CharField(
        label="活动地区划代码", required=False,
        help_text="6 位区划代码，多个用空格或逗号分隔；留空时按“活动地（描述）”识别",
    )

    class Meta:
        model = Lead
        fields = ["org_name", "source", "source_department", "source_detail", "channel", "received_on", "aliases",
                  "claimed_backing", "place_text", "places_text", "websites", "bank_accounts", "persons",
                  "description"]
        widgets = {"received_on": DATE, "aliases": TEXT3, "websites": TEXT3, "bank_accounts": TEXT3,
                   "persons": TEXT3, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].required = False
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["source"].choices = [c for c in LeadSource.choices if c[0] != LeadSource.TRANSFER]
        self.fields["org_name"].widget.attrs.update({
            "hx-get": reverse("crackdown:lead-check-name"), "hx-trigger": "input changed delay:400ms, load",
            "hx-target": "#name-warnings", "hx-include": "this", "autocomplete": "off",
        })
        if self.instance.pk:
            self.fields["places_text"].initial = " ".join(self.instance.places)
            self.fields["org_name"].widget.attrs["hx-vals"] = f'{{"exclude": "{self.instance.pk}"}}'

    def clean_places_text(self):
        return parse_division_codes(self.cleaned_data.get("places_text", ""))

    def clean_received_on(self):
        # left empty: today on entry; on an edit, the date the lead already had (the column is NOT NULL)
        return self.cleaned_data.get("received_on") or self.instance.received_on or timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("source") == LeadSource.DEPARTMENT and not data.get("source_department"):
            self.add_error("source_department", "部门移送的线索须选择移送部门。")
        return data

    def save(self, commit=True):
        self.instance.places = self.cleaned_data["places_text"]
        return super().save(commit)


class InformantForm(forms.Form):
    informant_name = forms.CharField(label="举报人姓名", required=False, max_length=64)
    informant_phone = forms.CharField(label="举报人电话", required=False, max_length=32)
    informant_email = forms.EmailField(label="举报人邮箱", required=False)
    attachments = MultipleFileField(label="附件")

    def informant(self) -> dict:
        return {"name": self.cleaned_data["informant_name"], "phone": self.cleaned_data["informant_phone"],
                "email": self.cleaned_data["informant_email"]}


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=LeadStatus.choices)
    unfounded_reason = forms.ChoiceField(
        label="不属实的理由", required=False, choices=[("", "---------"), *UnfoundedReason.choices],
        help_text="核查不属实时填写；属《取缔非法社会组织办法》第三条所列情形的，选择相应情形")
    note = forms.CharField(label="核查情况", required=False, widget=TEXT3)

    def clean(self):
        data = super().clean()
        if data.get("unfounded_reason") and data.get("status") != LeadStatus.UNFOUNDED:
            self.add_error("unfounded_reason", "只有核查不属实的线索才填写不属实的理由。")
        return data

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lead is not None:
            allowed = [s for s in LEAD_TRANSITIONS.get(lead.status, ()) if s not in ("filed", "transferred")]
            self.fields["status"].choices = [(s, LeadStatus(s).label) for s in allowed]


class LeadTransferForm(forms.Form):
    to_authority = forms.ModelChoiceField(label="接收的登记管理机关", required=False,
                                          queryset=Authority.objects.filter(level__in=["ministry", "province"]))
    to_department = forms.ChoiceField(label="或接收部门", required=False,
                                      choices=[("", "---------"), *Department.choices])
    transfer_date = forms.DateField(label="移交日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", required=False, widget=TEXT3)

    def clean(self):
        data = super().clean()
        if bool(data.get("to_authority")) == bool(data.get("to_department")):
            raise forms.ValidationError("请指定接收的登记管理机关或接收部门（二者选一）。")
        return data


ABOVE_COUNTY = [AuthorityLevel.MINISTRY, AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE]


class CaseOpenForm(forms.Form):
    """立案申请 (from a lead, or directly, e.g. a case taken up by a higher level)."""

    # required fields first (marked by the field template), then what may be left empty
    org_name = forms.CharField(label="组织名称", max_length=200)
    target_type = forms.ChoiceField(label="查处对象类型", choices=TargetType.choices)
    jurisdiction = forms.ChoiceField(label="管辖方式", choices=Jurisdiction.choices, initial=Jurisdiction.TERRITORIAL)
    summary = forms.CharField(label="案情摘要", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="由线索转立案的，已带入线索内容和核查情况，可修改")
    parties = forms.CharField(label="当事人", required=False, widget=TEXT3,
                              help_text="每行一人：姓名、身份、联系方式；由线索转立案的，已带入线索的涉及人员")
    jurisdiction_authority = forms.ModelChoiceField(
        label="管辖决定机关", required=False, queryset=Authority.objects.filter(level__in=ABOVE_COUNTY),
        help_text="指定管辖、提级管辖由承办机关的上级机关（民政部、省级或地市级）决定")
    jurisdiction_date = forms.DateField(label="管辖决定日期", required=False, widget=DATE)
    documents = MultipleFileField(label="立案审批表等文书", help_text="批准立案时须已附立案审批表，可在此上传，"
                                  "或打印系统生成的立案审批表签批后上传")
    note = forms.CharField(label="立案申请意见", required=False, widget=TEXT3)

    def clean(self):
        data = super().clean()
        if data.get("jurisdiction") and data["jurisdiction"] != Jurisdiction.TERRITORIAL:
            if not data.get("jurisdiction_authority"):
                self.add_error("jurisdiction_authority", "提级、指定或移送管辖须写明决定机关。")
            if not data.get("jurisdiction_date"):
                self.add_error("jurisdiction_date", "提级、指定或移送管辖须写明决定日期。")
        return data


class CaseEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["org_name", "target_type", "summary", "parties", "jurisdiction", "jurisdiction_authority",
                  "jurisdiction_date", "registered_organization"]
        widgets = {"jurisdiction_date": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["jurisdiction_authority"].queryset = Authority.objects.filter(level__in=ABOVE_COUNTY)
        self.fields["registered_organization"].queryset = Organization.objects.all()
        self.fields["registered_organization"].help_text = "引导登记的组织完成登记后，在此关联登记管理系统中的记录"


def step_field(name: str, required: bool) -> forms.Field:
    """The form field of one of a step's ``INPUTS`` (crackdown.workflow), by its kind."""
    spec = INPUTS[name]
    common = {"label": spec.label, "required": required, "help_text": spec.help}
    if spec.kind == "text":
        return forms.CharField(widget=TEXT3, **common)
    if spec.kind == "line":
        return forms.CharField(max_length=64, **common)
    if spec.kind == "date":
        return forms.DateField(widget=DATE, initial=timezone.localdate, **common)
    if spec.kind == "decimal":
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, **common)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "---------"), *spec.choices.choices], **common)
    if spec.kind == "organization":
        return forms.ModelChoiceField(queryset=Organization.objects.all(), **common)
    if spec.kind == "user":
        return forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), **common)
    raise ValueError(f"unknown input kind {spec.kind!r}")


class TransitionForm(forms.Form):
    """One step of the procedure: the fields are the step's own, read off ``TRANSITIONS``."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="意见、说明", required=False, widget=TEXT3)

    def __init__(self, *args, case=None, to_stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["version"].initial = case.version
        step = steps_from(case.stage).get(to_stage) if case is not None else None
        if step is not None:
            for name in step.inputs:
                self.fields[name] = step_field(name, required=name in step.requires)
                if INPUTS[name].kind == "user":  # the case's authority's staff
                    self.fields[name].queryset = User.objects.filter(is_active=True, authority=case.authority)
            on_case = stage_document_kinds(case)
            for kind in step.documents:
                self.fields[document_field(kind)] = MultipleFileField(
                    label=DocumentKind(kind).label, required=kind not in on_case,
                    help_text="本环节已附，可不再上传" if kind in on_case else "办理本环节须附此文书")
        self.fields["documents"] = MultipleFileField(label="其他文书")
        # what must be given comes first (marked 必填 by the field template), then the rest
        names = [n for n in self.fields if n != "version"]
        self.order_fields(["version", *[n for n in names if self.fields[n].required],
                           *[n for n in names if not self.fields[n].required]])

    def service_kwargs(self) -> dict:
        """What ``services.case_transition`` takes: the inputs, the note and the typed documents."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "") or k == "version"}
        data["documents"] = pop_documents(data)
        data["expected_version"] = data.pop("version")
        return data


class ReferralForm(forms.ModelForm):
    class Meta:
        model = CaseReferral
        fields = ["department", "referred_on", "matter"]
        widgets = {"referred_on": DATE, "matter": TEXT3}


class ReferralResultForm(forms.ModelForm):
    class Meta:
        model = CaseReferral
        fields = ["result_on", "cases_solved", "suspects_caught", "result_note"]
        widgets = {"result_on": DATE, "result_note": TEXT3}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_on"].required = True


class ConfiscationForm(forms.ModelForm):
    class Meta:
        model = CaseConfiscation
        fields = ["description", "amount", "disposal"]


class ExtensionForm(forms.Form):
    reason = forms.CharField(label="延期理由", widget=TEXT3)
    new_deadline = forms.DateField(label="延长至", widget=DATE)


class SuspendForm(forms.Form):
    reason = forms.CharField(label="中止理由", widget=TEXT3)
    suspended_on = forms.DateField(label="中止日期", widget=DATE, initial=timezone.localdate)


class ResumeForm(forms.Form):
    resumed_on = forms.DateField(label="恢复日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="恢复说明", required=False, widget=TEXT3)


class ApproveExtensionForm(forms.Form):
    confirm = forms.BooleanField(label="同意延长办案期限", required=True)


class NameRuleForm(forms.ModelForm):
    class Meta:
        model = NameRule
        fields = ["word", "kind", "local_only", "allowed_after", "rule_text", "source", "active"]


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["kind", "description", "source", "obtained_on", "file"]
        widgets = {"obtained_on": DATE}


class InquiryForm(forms.ModelForm):
    class Meta:
        model = InquiryRecord
        fields = ["kind", "held_on", "place", "subject", "officer_one", "officer_one_cert", "officer_two",
                  "officer_two_cert", "content", "file"]
        widgets = {"held_on": DATE, "content": TEXT3}

    def clean(self):
        data = super().clean()
        if data.get("officer_one") and data.get("officer_one") == data.get("officer_two"):
            self.add_error("officer_two", "询问、检查须由两名不同的执法人员进行。")
        return data


class ShutdownForm(forms.ModelForm):
    class Meta:
        model = WebsiteShutdown
        fields = ["website", "department", "shut_on"]
        widgets = {"shut_on": DATE}


class LinkedPartyForm(forms.ModelForm):
    class Meta:
        model = LinkedParty
        fields = ["kind", "organization", "name", "role", "action", "reported_to", "handled_on"]
        widgets = {"handled_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.all()
        self.fields["organization"].help_text = "勾连单位为已登记社会组织的，从登记库中选择"

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("name"):
            self.add_error("name", "请选择已登记社会组织或填写单位、人员名称。")
        if data.get("kind") == "person" and data.get("organization"):
            self.add_error("organization", "勾连人员不能选择社会组织。")
        return data


class CheckBatchForm(forms.ModelForm):
    class Meta:
        model = CheckBatch
        fields = ["number", "checked_on", "note"]
        widgets = {"checked_on": DATE, "note": TEXT3}


class NumbersForm(forms.Form):
    """Leads or cases picked by their numbers (one per line)."""

    numbers = forms.CharField(label="线索编号", widget=TEXT3, help_text="每行一个编号")

    def numbers_list(self) -> list[str]:
        return [n for n in re.split(r"[\s,，、]+", self.cleaned_data["numbers"]) if n]


class ListBatchForm(forms.Form):
    kind = forms.ChoiceField(label="名单类别", choices=ListKind.choices)
    number = forms.CharField(label="批次", max_length=64, help_text="例如：2025年第1批")
    note = forms.CharField(label="说明", required=False, widget=TEXT3)


class ListEntryForm(forms.Form):
    """An entry: a case picked from those eligible for the list (``candidates``), or a lead or case by number.

    The page renders the picked case as a table of radio buttons (the search's results); validation takes
    any case of ``candidates``, so a pick made before a new search still counts.
    """

    case = forms.ModelChoiceField(label="可收录的案件", queryset=None, required=False, error_messages={
        "invalid_choice": "所选案件不能收录到本批名单（已收录、已在已发布名单中或尚未作出相应决定）。"})
    number = forms.CharField(label="线索或案件编号", max_length=32, required=False,
                             help_text="不在上表中的线索或案件，填写其编号")
    name = forms.CharField(label="公布名称", max_length=200, required=False,
                           help_text="留空时使用线索或案件中的组织名称")

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        from crackdown.models import Case

        self.fields["case"].queryset = candidates if candidates is not None else Case.objects.none()

    def clean(self):
        data = super().clean()
        data["number"] = (data.get("number") or "").strip()
        if not data.get("case") and not data["number"] and "case" not in self.errors:
            self.add_error("case", "请从上表中选择一个案件，或在下面填写线索或案件编号。")
        return data


class PublishForm(forms.Form):
    confirm = forms.BooleanField(label="我已逐条核对名单，确认发布", required=True)
    published_on = forms.DateField(label="发布日期", widget=DATE, initial=timezone.localdate)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", widget=TEXT3)


class ReturnListForm(forms.Form):
    reason = forms.CharField(label="退回原因", widget=TEXT3, help_text="编制人将看到此原因，修改后可再次提请发布")


class StatisticsForm(forms.Form):
    date_from = forms.DateField(label="起始日期", widget=DATE)
    date_to = forms.DateField(label="截止日期", widget=DATE)
    # the provinces from the process's store, the rendered fields kept ({% form_fragment %}, issue 17)
    province = CachedModelChoiceField(label="省份", required=False, empty_label="全国",
                                      queryset=Authority.objects.filter(level=AuthorityLevel.PROVINCE))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


# --- public pages --------------------------------------------------------------------------------
class PublicReportForm(forms.Form):
    org_name = forms.CharField(label="被举报组织名称", max_length=200)
    place = forms.CharField(label="活动地点", max_length=200,
                            help_text="写明省、市、县（区），例如：河北省石家庄市长安区")
    description = forms.CharField(label="举报内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label="您的姓名", max_length=64, required=False, help_text="可匿名，留空即可")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    captcha = CaptchaField(label="验证码")

    def clean_phone(self):
        """Optional; when given, a mainland mobile or a fixed line with its area code."""
        raw = phones.strip_noise(self.cleaned_data.get("phone", ""))
        if not raw:
            return ""
        phone = phones.mainland_phone(raw)
        if phone is None:
            raise forms.ValidationError("请填写有效的手机号码或带区号的固定电话，如 13912345678 或 0311-87654321")
        return phone


class PublicListSearchForm(forms.Form):
    q = forms.CharField(label="组织名称", required=False)
    province = forms.ModelChoiceField(label="省份", required=False, empty_label="全部省份",
                                      queryset=Authority.objects.filter(level=AuthorityLevel.PROVINCE))
    kind = forms.ChoiceField(label="名单类别", required=False, choices=[("", "全部"), *ListKind.choices])


class PublicStatusForm(forms.Form):
    receipt = forms.CharField(label="回执号", max_length=24)
