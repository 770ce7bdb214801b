"""REST API v1: each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("followups.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("outcomes.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("privacy.api.urls")),
]
