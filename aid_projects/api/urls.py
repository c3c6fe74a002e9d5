from rest_framework.routers import DefaultRouter

from aid_projects.api import views

router = DefaultRouter()
router.register("pairings", views.PairingViewSet, basename="api-pairing")
router.register("campaigns", views.CampaignViewSet, basename="api-campaign")
router.register("lists", views.AidListViewSet, basename="api-aidlist")
router.register("uploads", views.UploadViewSet, basename="api-upload")
router.register("items", views.AidItemViewSet, basename="api-aiditem")
router.register("liaisons", views.LiaisonViewSet, basename="api-liaison")
router.register("submissions", views.ListVersionViewSet, basename="api-listversion")
router.register("matches", views.MatchViewSet, basename="api-match")
router.register("summaries", views.SummaryViewSet, basename="api-summary")
urlpatterns = router.urls
