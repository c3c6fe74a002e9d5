from rest_framework import serializers

from registry.forms import ORGANIZATION_FIELDS, RECORD_FORMS
from registry.models import Organization
from registry.services import RECORD_MODELS


class OrganizationSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.full_name", read_only=True)
    level = serializers.CharField(source="authority.level", read_only=True)
    former_names = serializers.SerializerMethodField()
    current_grade = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", *ORGANIZATION_FIELDS, "authority_name", "level", "former_names", "current_grade",
                  "on_abnormal_list", "on_dishonest_list"]
        read_only_fields = ["on_abnormal_list", "on_dishonest_list"]

    def get_former_names(self, obj) -> list[str]:
        return [name for name in obj.former_names.split("|") if name]

    def get_current_grade(self, obj) -> str | None:
        grade = obj.current_grade()
        return grade.label if grade else None

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["credit_code"].read_only = True  # issued once, never changed
        return fields


def record_serializer(kind: str):
    """The serializer of one kind of record, with the fields of its form (one rule, written once)."""
    form = RECORD_FORMS[kind][0]

    class RecordSerializer(serializers.ModelSerializer):
        class Meta:
            model = RECORD_MODELS[kind]
            fields = ["id", *form._meta.fields]

    RecordSerializer.__name__ = f"{RECORD_MODELS[kind].__name__}Serializer"
    return RecordSerializer


RECORD_SERIALIZERS = {kind: record_serializer(kind) for kind in RECORD_FORMS}
