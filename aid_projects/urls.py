from django.urls import path

from aid_projects import views

app_name = "aid_projects"
urlpatterns = [
    path("pairings/", views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing-create"),
    path("pairings/<int:pk>/", views.PairingUpdateView.as_view(), name="pairing-update"),
]
