import django_tables2 as tables

from registry.models import Organization


class OrganizationTable(tables.Table):
    name = tables.LinkColumn("registry:organization-detail", args=[tables.A("pk")])

    class Meta:
        model = Organization
        fields = ("name", "credit_code", "kind", "status", "authority", "registered_on")
        attrs = {"class": "table table-sm table-hover align-middle"}
