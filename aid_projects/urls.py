from django.urls import path

from aid_projects import progress_views, views
from aid_projects.summary_views import summary_urlpatterns

app_name = "aid_projects"
urlpatterns = [
    path("pairings/", views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing-create"),
    path("pairings/<int:pk>/", views.PairingUpdateView.as_view(), name="pairing-update"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/progress/", progress_views.CampaignProgressView.as_view(), name="campaign-progress"),
    path("campaigns/<int:pk>/remind/", progress_views.CampaignRemindView.as_view(), name="campaign-remind"),
    path("campaigns/<int:pk>/accept/", progress_views.ListsAcceptView.as_view(), name="campaign-accept"),
    path("campaigns/<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign-update"),
    path("campaigns/<int:pk>/open/<slug:kind>/", views.ListOpenView.as_view(), name="list-open"),
    path("lists/", views.AidListListView.as_view(), name="list-list"),
    path("lists/<int:pk>/", views.AidListDetailView.as_view(), name="list-detail"),
    path("lists/<int:pk>/items/", views.ItemsEditView.as_view(), name="list-items"),
    path("lists/<int:pk>/upload/", views.UploadView.as_view(), name="list-upload"),
    path("lists/<int:pk>/submit/", views.ListSubmitView.as_view(), name="list-submit"),
    path("lists/<int:pk>/decide/", views.ListDecideView.as_view(), name="list-decide"),
    path("lists/<int:pk>/scan/", views.StampedScanView.as_view(), name="list-scan"),
    path("lists/<int:pk>/copy-liaisons/", views.LiaisonsCopyView.as_view(), name="list-copy-liaisons"),
    path("lists/<int:pk>/scan/download/", views.StampedScanDownloadView.as_view(), name="list-scan-download"),
    path("versions/<int:pk>/download/", views.VersionDownloadView.as_view(), name="version-download"),
    path("uploads/<int:pk>/", views.UploadDetailView.as_view(), name="upload-detail"),
    path("uploads/<int:pk>/commit/", views.UploadCommitView.as_view(), name="upload-commit"),
    path("uploads/<int:pk>/discard/", views.UploadDiscardView.as_view(), name="upload-discard"),
    path("liaisons/", views.LiaisonListView.as_view(), name="liaison-list"),
    path("liaisons/new/", views.LiaisonCreateView.as_view(), name="liaison-create"),
    path("liaisons/<int:pk>/", views.LiaisonUpdateView.as_view(), name="liaison-update"),
    path("liaisons/<int:pk>/delete/", views.LiaisonDeleteView.as_view(), name="liaison-delete"),
    path("needs/", views.NeedListView.as_view(), name="need-list"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<int:pk>/propose/", views.MatchProposeView.as_view(), name="match-propose"),
    path("matches/", views.MatchListView.as_view(), name="match-list"),
    path("matches/<int:pk>/", views.MatchDetailView.as_view(), name="match-detail"),
    path("matches/<int:pk>/to/<slug:to_status>/", views.MatchTransitionView.as_view(), name="match-transition"),
    *summary_urlpatterns,
]
