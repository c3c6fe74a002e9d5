from decimal import Decimal

from django import forms

from aid_projects.choices import AidCategory, ListKind
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Pairing
from aid_projects.services import liaison_refusals
from aid_projects.sheets import ITEM_FIELDS, LIAISON_SPEC, SPECS, FormSpec
from aid_projects.validation import AMOUNT_CONFIRM_LABEL, amount_needs_confirmation, scan_refusal
from portal.models import Authority, AuthorityLevel


class PairingForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["program", "aiding_authority", "aiding_unit_label", "recipient_province", "recipient_area",
                  "recipient_area_label", "recipient_counties_label", "level", "confidence", "source_note",
                  "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aiding_authority"].queryset = Authority.objects.filter(
            level__in=[AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE]).select_related("parent")
        self.fields["recipient_province"].queryset = Authority.objects.aid_recipients()
        self.fields["recipient_area"].queryset = Authority.objects.filter(
            level=AuthorityLevel.PREFECTURE, parent__is_aid_recipient=True).select_related("parent")

    def clean(self):
        data = super().clean()
        area, province = data.get("recipient_area"), data.get("recipient_province")
        if area and province and area.parent_id != province.pk:
            self.add_error("recipient_area", "受援地市不属于所选受援省份。")
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "终止日期不能早于起始日期。")
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "year", "liaison_due", "need_due", "supply_due", "is_open"]
        widgets = {f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                   for f in ("liaison_due", "need_due", "supply_due")}


def authority_groups(authorities) -> list:
    """The authorities as <optgroup>s: the provinces' own bureaus first, then one group per prefecture
    (the prefecture's bureau, then its counties), each option named, its division code after the name."""
    by_pk = {a.pk: a for a in authorities}
    provincial, groups = [], {}
    for a in authorities:
        if a.level in (AuthorityLevel.PROVINCE, AuthorityLevel.MINISTRY):
            provincial.append((a.pk, f"{a.name}（省级）"))
            continue
        prefecture = a if a.level == AuthorityLevel.PREFECTURE else by_pk.get(a.parent_id, a.parent)
        label = prefecture.full_name if prefecture is not None else a.full_name
        groups.setdefault(label, []).append(
            (a.pk, f"{a.name}{'（地市本级）' if a is prefecture else ''} {a.code}"))
    choices = [("", "请选择登记管理机关")]
    if provincial:
        choices.append(("省级", provincial))
    return choices + list(groups.items())


class SpecRulesMixin:
    """A form whose row rules are its ``spec``'s columns (``FormSpec.clean_row``): each broken rule is
    an error beside its field, and the clean values (实施地's ``place`` too) go into ``cleaned_data``."""

    spec: FormSpec

    def spec_province_code(self) -> str:
        return ""

    def apply_spec_rules(self, data: dict) -> dict:
        present = {f: data[f] for f in self.spec.fields if f in data}
        clean, errors = self.spec.clean_row(present, province_code=self.spec_province_code())
        for field, message in errors.items():
            self.add_error(field, message)
        data.update(clean)
        return clean


class LiaisonForm(SpecRulesMixin, forms.ModelForm):
    """One liaison officer (附件1's columns and rules); the authority is one the user answers for, in an
    aid-recipient province."""

    spec = LIAISON_SPEC

    class Meta:
        model = Liaison
        fields = ["campaign", "authority", *LIAISON_SPEC.record_fields]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        prefixes = [a.scope_prefix for a in Authority.objects.aid_recipients()]
        authorities = Authority.objects.filter(code__regex=r"^(" + "|".join(prefixes) + ")").select_related(
            "parent__parent")
        if user is not None and not user.is_ministry and user.authority is not None:
            authorities = authorities.within(user.authority)
        self.fields["authority"].queryset = authorities.order_by("code")
        self.fields["authority"].choices = authority_groups(self.fields["authority"].queryset)
        self.fields["authority"].widget.attrs["data-searchable"] = "1"
        self.fields["authority"].help_text = "按地市分组；可在上方输入名称或区划代码筛选"
        self.fields["campaign"].queryset = Campaign.objects.filter(is_open=True)

    def clean(self):
        data = super().clean()
        self.apply_spec_rules(data)
        for field, message in liaison_refusals(data.get("campaign"), data.get("authority")).items():
            self.add_error(field or None, message)
        return data


class AidItemForm(SpecRulesMixin, forms.ModelForm):
    """One row of the browser's table form: 附件2/附件3's columns and rules (``aid_projects.sheets``), the
    same as an uploaded row and the API's."""

    # the rule reads the amount as typed (５０, 50万元, 1,200.5), not as a number field would
    amount = forms.CharField(label="项目拟投入资金（万元）", max_length=32)
    confirm_large = forms.BooleanField(label=AMOUNT_CONFIRM_LABEL, required=False)

    class Meta:
        model = AidItem
        fields = list(ITEM_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, aid_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aid_list = aid_list
        self.spec = SPECS[aid_list.kind] if aid_list is not None else SPECS[ListKind.NEED]
        self.fields["category"].choices = [("", "请选择"), *AidCategory.choices]
        if self.instance.pk:
            self.initial["confirm_large"] = self.instance.amount_confirmed
            self.initial["amount"] = f"{self.instance.amount}"
        self.fields["place_text"].help_text = (
            "填报到县级，如“拉萨市城关区”" if aid_list and aid_list.kind == ListKind.NEED
            else "一般填到省级；填到州县乡村的，写出全部行政区域")

    def spec_province_code(self) -> str:
        return self.aid_list.authority.code

    def clean(self):
        data = super().clean()
        clean = self.apply_spec_rules(data)
        for field, warning in self.spec.row_warnings(clean).items():
            if not data.get("confirm_large"):
                self.add_error(field, warning + f"（勾选“{AMOUNT_CONFIRM_LABEL}”）")
        return data

    def item_values(self) -> dict:
        """What ``services.items_save`` sets on the row: the spec's fields, the objects their rules
        resolved (实施地 → ``place``), and whether the amount was confirmed."""
        data = self.cleaned_data
        values = {f: data.get(f, "") for f in self.spec.fields}
        values.update({c.resolves: data[c.resolves] for c in self.spec.data_columns if c.resolves})
        values["amount_confirmed"] = amount_needs_confirmation(data["amount"])
        return values


AidItemFormSet = forms.modelformset_factory(AidItem, form=AidItemForm, extra=0, can_delete=True)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx，10 MB 以内）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    replace = forms.BooleanField(label="用文件内容替换清单中已有的项目（不勾选则追加）", required=False)


class CommitForm(forms.Form):
    # the label shown is selectors.upload_confirmations(upload): what this file's warnings ask to confirm
    confirm_warnings = forms.BooleanField(label="已核实", required=False)


class DecisionForm(forms.Form):
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回时必填，说明需要修改的地方")


class StampedScanForm(forms.ModelForm):
    class Meta:
        model = AidList
        fields = ["stamped_scan"]

    def clean_stamped_scan(self):
        scan = self.cleaned_data.get("stamped_scan")
        refusal = scan_refusal(scan)
        if refusal:
            raise forms.ValidationError(refusal)
        return scan


class MatchProposeForm(forms.Form):
    supply = forms.ModelChoiceField(label="本省供给项目", queryset=AidItem.objects.none(), empty_label="请选择")
    amount = forms.DecimalField(label="拟对接资金（万元）", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                required=False, help_text="不填则取需求与供给中较小的金额")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, supplies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if supplies is not None:
            self.fields["supply"].queryset = supplies
        self.fields["supply"].label_from_instance = (
            lambda i: f"{i.name}（{i.category}，{i.amount}万元，{i.place_text}）")


class MatchTransitionForm(forms.Form):
    amount = forms.DecimalField(label="对接资金（万元）", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                required=False)
    spent = forms.DecimalField(label="已投入资金（万元）", max_digits=12, decimal_places=2, min_value=Decimal("0"),
                               required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
