from rest_framework.routers import DefaultRouter

from aid_projects.api.views import PairingViewSet

router = DefaultRouter()
router.register("pairings", PairingViewSet, basename="api-pairing")
urlpatterns = router.urls
