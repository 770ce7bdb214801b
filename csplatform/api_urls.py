"""REST API v1: each app contributes its routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("indicators.api.urls")),
]
