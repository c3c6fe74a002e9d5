from rest_framework import serializers

from aid_projects.models import Pairing


class PairingSerializer(serializers.ModelSerializer):
    aiding_authority_name = serializers.CharField(source="aiding_authority.name", read_only=True)
    recipient_province_name = serializers.CharField(source="recipient_province.name", read_only=True)
    recipient_area_name = serializers.CharField(source="recipient_area.name", read_only=True, default=None)

    class Meta:
        model = Pairing
        fields = ["id", "program", "aiding_authority", "aiding_authority_name", "aiding_unit_label",
                  "recipient_province", "recipient_province_name", "recipient_area", "recipient_area_name",
                  "recipient_area_label", "recipient_counties", "recipient_counties_label", "level", "confidence",
                  "source_note", "valid_from", "valid_to"]
