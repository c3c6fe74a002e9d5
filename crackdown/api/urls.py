from django.urls import path
from rest_framework.routers import DefaultRouter

from crackdown.api import views

router = DefaultRouter()
router.register("leads", views.LeadViewSet, basename="api-lead")
router.register("cases", views.CaseViewSet, basename="api-case")
router.register("batches", views.CheckBatchViewSet, basename="api-checkbatch")
router.register("lists", views.ListBatchViewSet, basename="api-listbatch")
router.register("list-entries", views.ListEntryViewSet, basename="api-listentry")
router.register("public/lists", views.PublicEntryViewSet, basename="api-public-list")

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="api-statistics"),
    path("public/report/", views.PublicReportView.as_view(), name="api-public-report"),
    path("public/status/<str:receipt>/", views.PublicStatusView.as_view(), name="api-public-status"),
    *router.urls,
]
