from portal.api.viewsets import ScopedReadOnlyViewSet
from registry.api.serializers import OrganizationSerializer
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization


class OrganizationViewSet(ScopedReadOnlyViewSet):
    queryset = Organization.objects.select_related("authority", "authority__parent")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
