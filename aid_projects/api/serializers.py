from rest_framework import serializers

from aid_projects.choices import ListKind
from aid_projects.models import AidItem, AidList, Campaign, Liaison, ListVersion, Match, Pairing, Upload
from aid_projects.services import liaison_refusals
from aid_projects.sheets import ITEM_FIELDS, LIAISON_SPEC, SPECS, FormSpec
from aid_projects.validation import AMOUNT_CONFIRM_LABEL, amount_needs_confirmation


class PairingSerializer(serializers.ModelSerializer):
    aiding_authority_name = serializers.CharField(source="aiding_authority.name", read_only=True)
    recipient_province_name = serializers.CharField(source="recipient_province.name", read_only=True)
    recipient_area_name = serializers.CharField(source="recipient_area.name", read_only=True, default=None,
                                                allow_null=True)

    class Meta:
        model = Pairing
        fields = ["id", "program", "aiding_authority", "aiding_authority_name", "aiding_unit_label",
                  "recipient_province", "recipient_province_name", "recipient_area", "recipient_area_name",
                  "recipient_area_label", "recipient_counties", "recipient_counties_label", "level", "confidence",
                  "source_note", "valid_from", "valid_to", "table_key", "edited_by", "edited_at"]
        read_only_fields = ["table_key", "edited_by", "edited_at"]


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name", "year", "liaison_due", "need_due", "supply_due", "is_open", "created"]
        read_only_fields = ["created"]
        # the database's check campaign_year_sane, said in the schema and answered 400, not 500
        extra_kwargs = {"year": {"min_value": 2000, "max_value": 2100}}


class AidListSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    due = serializers.DateField(read_only=True)

    class Meta:
        model = AidList
        fields = ["id", "campaign", "authority", "authority_name", "kind", "kind_display", "status",
                  "status_display", "due", "is_late", "return_comment", "submitted_at", "submitted_by",
                  "decided_at", "decided_by", "updated"]
        read_only_fields = fields


class AidListOpenSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), label="对接年度")
    kind = serializers.ChoiceField(choices=AidList._meta.get_field("kind").choices, label="清单类型")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, label="审核意见")


class UploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField(label="Excel 文件")
    replace = serializers.BooleanField(required=False, default=False, label="替换已有项目")


class UploadSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Upload
        fields = ["id", "aid_list", "filename", "sha256", "size", "row_count", "error_count", "warning_count",
                  "status", "status_display", "replace", "rows", "uploaded_by", "created", "committed_at"]
        read_only_fields = fields


class CommitSerializer(serializers.Serializer):
    confirm_warnings = serializers.BooleanField(required=False, default=False, label=f"{AMOUNT_CONFIRM_LABEL}的项目")


def apply_spec_rules(spec: FormSpec, attrs: dict, *, province_code: str = "") -> dict:
    """The spec's column rules (``FormSpec.clean_row``) on the fields sent: 400 with each broken rule
    under its field, else ``attrs`` with the clean values (实施地's ``place`` too)."""
    present = {f: attrs[f] for f in spec.fields if f in attrs}
    clean, errors = spec.clean_row(present, province_code=province_code)
    if errors:
        raise serializers.ValidationError(errors)
    attrs.update(clean)
    return clean


class AidItemSerializer(serializers.ModelSerializer):
    """附件2/附件3's columns and rules (``aid_projects.sheets``), the same as the browser's table form and
    an uploaded row; saved by ``services.item_save`` (the viewset)."""

    # the rule reads the amount as typed (５０, 50万元, 1,200.5), not as a number field would
    amount = serializers.CharField(label="项目拟投入资金（万元）")
    place_name = serializers.CharField(source="place.full_name", read_only=True)
    confirm_large = serializers.BooleanField(write_only=True, required=False, default=False,
                                             label=AMOUNT_CONFIRM_LABEL)

    class Meta:
        model = AidItem
        fields = ["id", "aid_list", "seq", *ITEM_FIELDS, "place", "place_name", "amount_confirmed",
                  "confirm_large"]
        read_only_fields = ["seq", "place", "amount_confirmed"]

    def validate(self, attrs):
        aid_list = attrs.get("aid_list") or (self.instance.aid_list if self.instance else None)
        if aid_list is None:
            raise serializers.ValidationError({"aid_list": "请指定清单"})
        if aid_list.kind not in (ListKind.NEED, ListKind.SUPPLY):
            raise serializers.ValidationError({"aid_list": "联络员表不含项目"})
        spec = SPECS[aid_list.kind]
        clean = apply_spec_rules(spec, attrs, province_code=aid_list.authority.code)
        confirm = attrs.pop("confirm_large", False)
        for field, warning in spec.row_warnings(clean).items():
            if not confirm:
                raise serializers.ValidationError({field: warning + "（请同时提交 confirm_large=true）"})
        if "amount" in clean:
            attrs["amount_confirmed"] = amount_needs_confirmation(clean["amount"])
        return attrs

    def item_values(self) -> dict:
        """What ``services.item_save`` sets on the row (the list is the service's argument)."""
        return {k: v for k, v in self.validated_data.items() if k != "aid_list"}


class LiaisonSerializer(serializers.ModelSerializer):
    """附件1's columns and rules, as ``LiaisonForm``."""

    authority_name = serializers.CharField(source="authority.full_name", read_only=True)

    class Meta:
        model = Liaison
        fields = ["id", "campaign", "authority", "authority_name", *LIAISON_SPEC.record_fields, "updated"]
        read_only_fields = ["updated"]

    def validate(self, attrs):
        apply_spec_rules(LIAISON_SPEC, attrs)
        authority = attrs.get("authority") or (self.instance.authority if self.instance else None)
        campaign = attrs.get("campaign") or (self.instance.campaign if self.instance else None)
        refusals = liaison_refusals(campaign, authority)
        if refusals:
            raise serializers.ValidationError({field or "detail": message for field, message in refusals.items()})
        return attrs


class ListVersionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ListVersion
        fields = ["id", "aid_list", "number", "rows", "submitted_by", "submitted_at", "decision", "comment",
                  "decided_by", "decided_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("aid_projects:version-download", args=[obj.pk])


class MatchSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    need_name = serializers.CharField(source="need.name", read_only=True)
    supply_name = serializers.CharField(source="supply.name", read_only=True)
    recipient = serializers.CharField(source="need.aid_list.authority.name", read_only=True)
    aiding = serializers.CharField(source="supply.aid_list.authority.name", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "need", "need_name", "recipient", "supply", "supply_name", "aiding", "status",
                  "status_display", "amount", "spent", "note", "decision_note", "proposed_by", "proposed_at",
                  "decided_by", "decided_at", "updated"]
        read_only_fields = ["status", "spent", "decision_note", "proposed_by", "proposed_at", "decided_by",
                            "decided_at", "updated"]


class MatchTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Match._meta.get_field("status").choices, label="目标状态")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    spent = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class SuggestionSerializer(serializers.Serializer):
    supply = serializers.IntegerField(source="supply.pk")
    supply_name = serializers.CharField(source="supply.name")
    aiding = serializers.CharField(source="supply.aid_list.authority.name")
    amount = serializers.DecimalField(source="supply.amount", max_digits=12, decimal_places=2)
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
