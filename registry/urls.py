from django.urls import path

from registry import commendation_views, import_views, public_views, views

app_name = "registry"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationUpdateView.as_view(), name="organization-update"),
    path("organizations/<int:pk>/records/<slug:kind>/new/", views.RecordCreateView.as_view(), name="record-add"),
    path("organizations/export/", import_views.OrganizationExportView.as_view(), name="organization-export"),
    path("imports/new/", import_views.ImportUploadView.as_view(), name="import-upload"),
    path("imports/template/", import_views.ImportTemplateView.as_view(), name="import-template"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    # 全国先进社会组织
    path("rounds/", commendation_views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", commendation_views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:pk>/", commendation_views.RoundDetailView.as_view(), name="round-detail"),
    path("rounds/<int:pk>/export/", commendation_views.RoundExportView.as_view(), name="round-export"),
    path("rounds/<int:pk>/recompute/", commendation_views.RoundRecomputeView.as_view(), name="round-recompute"),
    path("organizations/<int:pk>/nominate/", commendation_views.NominateView.as_view(), name="organization-nominate"),
    path("nominations/<int:pk>/step/", commendation_views.NominationStepView.as_view(), name="nomination-step"),
    path("name-check/", views.NameCheckView.as_view(), name="name-check"),
    path("list-entries/<int:pk>/remove/", views.ListEntryRemoveView.as_view(), name="listentry-remove"),
    # public (no login, rate-limited)
    path("public/", public_views.PublicSearchView.as_view(), name="public-search"),
    path("public/<int:pk>/", public_views.PublicOrganizationView.as_view(), name="public-organization"),
]
