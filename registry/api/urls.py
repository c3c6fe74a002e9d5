from django.urls import path
from rest_framework.routers import DefaultRouter

from registry.api.commendation import NominationViewSet, RoundVerdictViewSet, RoundViewSet
from registry.api.views import CreditListEntryViewSet, NameCheckAPIView, OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("rounds", RoundViewSet, basename="api-commendationround")
router.register("nominations", NominationViewSet, basename="api-nomination")
router.register("verdicts", RoundVerdictViewSet, basename="api-roundverdict")
router.register("list-entries", CreditListEntryViewSet, basename="api-creditlistentry")
urlpatterns = [path("name-check/", NameCheckAPIView.as_view(), name="api-name-check"), *router.urls]
