from aid_projects.api.serializers import PairingSerializer
from aid_projects.filtersets import PairingFilterSet
from aid_projects.models import Pairing
from portal.api.viewsets import ScopedModelViewSet


class PairingViewSet(ScopedModelViewSet):
    queryset = Pairing.objects.select_related("aiding_authority", "recipient_province", "recipient_area") \
        .prefetch_related("recipient_counties")
    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet
