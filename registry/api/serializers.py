from rest_framework import serializers

from registry.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.full_name", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "credit_code", "name", "kind", "status", "authority", "authority_name", "registered_on",
                  "is_charity", "legal_representative", "address"]
