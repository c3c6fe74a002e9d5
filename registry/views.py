from portal.views.generic import ScopedDetailView, ScopedListView
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization
from registry.tables import OrganizationTable


class OrganizationListView(ScopedListView):
    model = Organization
    queryset = Organization.objects.select_related("authority", "authority__parent")
    filterset_class = OrganizationFilterSet
    table_class = OrganizationTable
    title = "社会组织"


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    queryset = Organization.objects.select_related("authority", "authority__parent")
    template_name = "registry/organization_detail.html"
