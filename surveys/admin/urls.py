"""Admin pages of the surveys app that are not a model's: the NPS dashboard and the CSV import."""

from django.contrib import admin
from django.urls import path

from surveys.admin.dashboard import nps_dashboard
from surveys.admin.imports import response_import

app_name = "surveys-admin"

urlpatterns = [
    path("nps/", admin.site.admin_view(nps_dashboard), name="nps"),
    path("responses-import/", admin.site.admin_view(response_import), name="response-import"),
]
