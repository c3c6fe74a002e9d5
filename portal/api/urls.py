from rest_framework.routers import DefaultRouter

from portal.api.views import JobViewSet

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="api-job")
urlpatterns = router.urls
