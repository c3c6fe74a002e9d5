from rest_framework.routers import DefaultRouter

from registry.api.views import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="api-organization")
urlpatterns = router.urls
