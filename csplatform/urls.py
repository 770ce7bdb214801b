from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.views import ThrottledPasswordResetView, accept_invitation
from csplatform.health import healthz, readyz
from csplatform.metrics.endpoint import metrics
from workspace.unsubscribe import unsubscribe_page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/surveys/", include("surveys.admin.urls")),
    path("admin/outcomes/", include("outcomes.admin.urls")),
    path("admin/work/", include("workspace.admin.urls")),
    path("admin/", admin.site.urls),
    path("invitations/<str:token>/", accept_invitation, name="invitation-accept"),
    path("email/unsubscribe/<str:token>/", unsubscribe_page, name="digest-unsubscribe"),
    path("s/", include("surveys.urls_public")),
    path("api/v1/", include("csplatform.api_urls")),
    path("v1/", include("indicators.urls_tracking")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

handler404 = "accounts.api.errors.json_not_found"
