from django import forms

from aid_projects.models import Pairing
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
