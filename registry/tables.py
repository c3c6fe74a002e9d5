import django_tables2 as tables

from registry.models import Organization


class OrganizationTable(tables.Table):
    name = tables.LinkColumn("registry:organization-detail", args=[tables.A("pk")])
    authority = tables.Column(accessor="authority__full_name", verbose_name="登记管理机关", orderable=False)
    grade = tables.Column(verbose_name="评估等级", empty_values=(), orderable=False)

    class Meta:
        model = Organization
        fields = ("name", "credit_code", "kind", "status", "authority", "grade", "registered_on")
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_grade(self, record):
        grade = record.current_grade()
        return grade.label if grade else "—"
