from django.urls import reverse_lazy

from aid_projects.filtersets import PairingFilterSet
from aid_projects.forms import PairingForm
from aid_projects.models import Pairing
from aid_projects.tables import PairingTable
from portal.views.generic import ScopedCreateView, ScopedListView, ScopedUpdateView

PAIRING_QS = Pairing.objects.select_related("aiding_authority", "recipient_province", "recipient_area")


class PairingListView(ScopedListView):
    model = Pairing
    queryset = PAIRING_QS
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = "对口支援关系"
    create_url_name = "aid_projects:pairing-create"


class PairingCreateView(ScopedCreateView):
    model = Pairing
    form_class = PairingForm
    success_url = reverse_lazy("aid_projects:pairing-list")


class PairingUpdateView(ScopedUpdateView):
    model = Pairing
    queryset = PAIRING_QS
    form_class = PairingForm
    success_url = reverse_lazy("aid_projects:pairing-list")
