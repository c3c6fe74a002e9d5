from django.urls import path
from rest_framework.routers import DefaultRouter

from registry.api.views import CreditListEntryViewSet, NameCheckAPIView, OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("list-entries", CreditListEntryViewSet, basename="api-creditlistentry")
urlpatterns = [path("name-check/", NameCheckAPIView.as_view(), name="api-name-check"), *router.urls]
