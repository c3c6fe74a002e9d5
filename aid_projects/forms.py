from decimal import Decimal

from django import forms

from aid_projects.choices import AidCategory, ListKind
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Pairing
from aid_projects.services import liaison_list_editable
from aid_projects.validation import (
    RowError,
    amount_warning,
    clean_amount,
    clean_category,
    clean_contact,
    clean_landline,
    clean_mobile,
    clean_name,
    clean_place,
)
from portal.models import Authority, AuthorityLevel
from portal.views.service import refusal_on


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


class LiaisonForm(forms.ModelForm):
    """One liaison officer; the authority is one the user answers for, in an aid-recipient province."""

    class Meta:
        model = Liaison
        fields = ["campaign", "authority", "name", "unit", "work_phone", "mobile", "email"]

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

    def clean_work_phone(self):
        try:
            return clean_landline(self.cleaned_data["work_phone"])
        except RowError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_mobile(self):
        try:
            return clean_mobile(self.cleaned_data["mobile"])
        except RowError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        authority, campaign = data.get("authority"), data.get("campaign")
        if authority is not None and not authority.province.is_aid_recipient:
            self.add_error("authority",
                           "只有受援地区（西藏、新疆、青海、四川、甘肃、云南、兵团）的登记管理机关设联络员")
        if authority is not None and campaign is not None:
            with refusal_on(self):
                liaison_list_editable(campaign, authority)
        return data


class AidItemForm(forms.ModelForm):
    """One row of the browser's table form; the same rules as an uploaded row (aid_projects.validation)."""

    amount = forms.CharField(label="项目拟投入资金（万元）", max_length=32)
    confirm_large = forms.BooleanField(label="已核实超过200万元", required=False)

    class Meta:
        model = AidItem
        fields = ["name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 1}),
        }

    def __init__(self, *args, aid_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aid_list = aid_list
        self.fields["category"].choices = [("", "请选择"), *AidCategory.choices]
        if self.instance.pk:
            self.initial["confirm_large"] = self.instance.amount_confirmed
            self.initial["amount"] = f"{self.instance.amount}"
        self.fields["place_text"].help_text = (
            "填报到县级，如“拉萨市城关区”" if aid_list and aid_list.kind == ListKind.NEED
            else "一般填到省级；填到州县乡村的，写出全部行政区域")

    def _rule(self, rule, value):
        try:
            return rule(value)
        except RowError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_name(self):
        return self._rule(clean_name, self.cleaned_data.get("name"))

    def clean_category(self):
        return self._rule(clean_category, self.cleaned_data.get("category"))

    def clean_amount(self):
        return self._rule(clean_amount, self.cleaned_data.get("amount"))

    def clean_contact_name(self):
        return self._rule(clean_contact, self.cleaned_data.get("contact_name"))

    def clean_contact_mobile(self):
        return self._rule(lambda v: clean_mobile(v, "联系方式（手机）"), self.cleaned_data.get("contact_mobile"))

    def clean_place_text(self):
        text, place = self._rule(
            lambda v: clean_place(v, kind=self.aid_list.kind, province_code=self.aid_list.authority.code),
            self.cleaned_data.get("place_text"))
        self.place = place
        return text

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        warning = amount_warning(amount)
        if warning and not data.get("confirm_large"):
            self.add_error("amount", warning + "（勾选“已核实超过200万元”）")
        return data

    def item_values(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "category": data["category"], "place_text": data["place_text"],
                "place": self.place, "summary": data.get("summary", ""), "amount": data["amount"],
                "amount_confirmed": bool(data["amount"] > 200), "contact_name": data["contact_name"],
                "contact_mobile": data["contact_mobile"]}


AidItemFormSet = forms.modelformset_factory(AidItem, form=AidItemForm, extra=0, can_delete=True)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx，10 MB 以内）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    replace = forms.BooleanField(label="用文件内容替换清单中已有的项目（不勾选则追加）", required=False)


class CommitForm(forms.Form):
    # the label shown is services.upload_confirmations(upload): what this file's warnings ask to confirm
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
        if not scan:
            raise forms.ValidationError("请选择盖章扫描件")
        if scan.size > 10 * 1024 * 1024:
            raise forms.ValidationError("扫描件不能超过 10 MB")
        head = scan.read(8)
        scan.seek(0)
        if not (head.startswith(b"%PDF") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")):
            raise forms.ValidationError("扫描件应为 PDF、PNG 或 JPG 文件")
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
