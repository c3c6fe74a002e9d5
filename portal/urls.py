from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.views import pages, second_factor

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("healthz/", pages.healthz, name="healthz"),
    path("accounts/login/", pages.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", pages.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/otp/setup/", second_factor.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("accounts/otp/verify/", second_factor.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("audit/", pages.AuditEntryListView.as_view(), name="audit-list"),
    path("audit/chain/", pages.AuditChainView.as_view(), name="audit-chain"),
    path("jobs/", pages.JobListView.as_view(), name="job-list"),
    path("jobs/<int:pk>/", pages.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/download/", pages.JobDownloadView.as_view(), name="job-download"),
    path("jobs/start/<slug:kind>/", pages.JobStartView.as_view(), name="job-start"),
    path("users/", pages.UserListView.as_view(), name="user-list"),
    path("users/new/", pages.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", pages.UserUpdateView.as_view(), name="user-update"),
    path("users/<int:pk>/roles/", pages.UserRolesView.as_view(), name="user-roles"),
    path("users/<int:pk>/authority/", pages.UserAuthorityView.as_view(), name="user-authority"),
    path("users/<int:pk>/otp-reset/", pages.UserSecondFactorResetView.as_view(), name="user-otp-reset"),
    path("users/<int:pk>/unlock/", pages.UserUnlockView.as_view(), name="user-unlock"),
    path("users/locked/", pages.locked_users, name="user-locked"),
    path("captcha/", include("captcha.urls")),
    path("registry/", include("registry.urls")),
    path("crackdown/", include("crackdown.urls")),
    path("aid/", include("aid_projects.urls")),
    path("api/", include("portal.api.urls")),
    path("api/registry/", include("registry.api.urls")),
    path("api/crackdown/", include("crackdown.api.urls")),
    path("api/aid/", include("aid_projects.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
