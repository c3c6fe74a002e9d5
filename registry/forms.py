from django import forms

from portal.models import Authority
from registry.models import AnnualInspection, Branch, CreditListEntry, Evaluation, FormerName, Organization, Penalty

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT3 = forms.Textarea(attrs={"rows": 3})

ORGANIZATION_FIELDS = [
    "name", "credit_code", "kind", "authority", "supervisory_unit", "registered_on", "domicile_code", "address",
    "legal_representative", "registered_capital", "business_scope", "is_charity", "charity_recognized_on",
    "status", "status_changed_on", "status_reason",
]


class OrganizationForm(forms.ModelForm):
    renamed_on = forms.DateField(label="名称变更日期", required=False, widget=DATE,
                                 help_text="修改名称时填写；原名称记为曾用名")

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
        widgets = {"registered_on": DATE, "charity_recognized_on": DATE, "status_changed_on": DATE,
                   "business_scope": TEXT3}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        authorities = Authority.objects.all() if user is None or user.authority is None else (
            Authority.objects.within(user.authority))
        self.fields["authority"].queryset = authorities.select_related("parent").order_by("code")
        self.fields["authority"].label_from_instance = lambda a: f"{a.code} {a.full_name}"
        if self.instance.pk:
            # the code is issued once and never changes; a wrong one is corrected by the ministry's data office
            self.fields["credit_code"].disabled = True
        else:
            del self.fields["renamed_on"]
            if user is not None and user.authority is not None:
                self.fields["authority"].initial = user.authority


class InspectionForm(forms.ModelForm):
    class Meta:
        model = AnnualInspection
        fields = ["year", "kind", "result", "concluded_on", "note"]
        widgets = {"concluded_on": DATE}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["grade", "rated_on", "document_number"]
        widgets = {"rated_on": DATE}


class PenaltyForm(forms.ModelForm):
    class Meta:
        model = Penalty
        fields = ["decided_on", "penalty_type", "amount", "document_number", "reason"]
        widgets = {"decided_on": DATE, "reason": TEXT3}


class ListEntryForm(forms.ModelForm):
    class Meta:
        model = CreditListEntry
        fields = ["list_kind", "entered_on", "ground"]
        widgets = {"entered_on": DATE}


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["kind", "name", "established_on", "head", "address"]
        widgets = {"established_on": DATE}


class FormerNameForm(forms.ModelForm):
    class Meta:
        model = FormerName
        fields = ["name", "used_from", "used_until"]
        widgets = {"used_from": DATE, "used_until": DATE}


RECORD_FORMS = {
    "inspection": (InspectionForm, "登记年检（年报）结论"),
    "evaluation": (EvaluationForm, "登记评估等级"),
    "penalty": (PenaltyForm, "登记行政处罚"),
    "listentry": (ListEntryForm, "列入名录"),
    "branch": (BranchForm, "登记分支（代表）机构"),
    "formername": (FormerNameForm, "补录曾用名"),
}


class ListEntryRemoveForm(forms.Form):
    removed_on = forms.DateField(label="移出日期", widget=DATE)
    removal_reason = forms.CharField(label="移出事由", max_length=300, widget=TEXT3)


class NameCheckForm(forms.Form):
    name = forms.CharField(label="拟核查的名称", max_length=200)
    authority = forms.ModelChoiceField(label="拟登记机关", required=False, queryset=Authority.objects.none(),
                                       empty_label="不限", help_text="判断保留字样是否可用")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.filter(level__in=["ministry", "province"])
        if user is not None and user.authority is not None:
            self.fields["authority"].initial = user.authority.province


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[])
    file = forms.FileField(label="Excel 文件（.xlsx，10 MB 以内）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, **kwargs):
        from registry.sheets import SPECS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, spec.title) for kind, spec in SPECS.items()]


class RoundForm(forms.Form):
    title = forms.CharField(label="评选名称", max_length=100, initial="全国先进社会组织评选")
    reference_date = forms.DateField(label="条件截止日期", widget=DATE, help_text="硬性条件按此日期判断")
    since_year = forms.IntegerField(label="考察起始年度", initial=2021, min_value=1988, max_value=2100)
    local_quota = forms.IntegerField(label="地方名额", initial=170, min_value=0)
    ministry_quota = forms.IntegerField(label="部管社会组织名额", initial=130, min_value=0)
    closes_on = forms.DateField(label="报送截止日期", required=False, widget=DATE)
    quotas = forms.CharField(label="分省名额", widget=TEXT3,
                             help_text="每行一个省份：区划代码=名额，如 330000=6")

    def clean_quotas(self):
        quotas = {}
        for number, line in enumerate(self.cleaned_data["quotas"].splitlines(), start=1):
            line = line.strip().replace("＝", "=")
            if not line:
                continue
            code, _, count = line.partition("=")
            if not (code.strip().isdigit() and count.strip().isdigit()):
                raise forms.ValidationError(f"第{number}行应写成“区划代码=名额”，如 330000=6。")
            quotas[code.strip()] = int(count)
        return quotas


class NominateForm(forms.Form):
    round = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="推荐理由", max_length=300)


class NominationStepForm(forms.Form):
    to_stage = forms.CharField(widget=forms.HiddenInput)
    opinion = forms.CharField(label="意见", max_length=300, required=False)
    starts_on = forms.DateField(label="公示开始日期", required=False, widget=DATE)
    ends_on = forms.DateField(label="公示结束日期", required=False, widget=DATE)
    objections = forms.CharField(label="公示期间收到的异议", required=False, widget=TEXT3)
    objection_outcome = forms.CharField(label="异议核实结果", max_length=300, required=False)
